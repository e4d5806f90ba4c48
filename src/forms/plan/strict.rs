//! The check of a JSON Schema against the strict structured-output subset of
//! OpenAI-compatible APIs: the keywords it allows and the limits on size and
//! nesting, so a plan is refused before a provider refuses its requests.

use serde_json::{Map, Value};

/// Limits of strict structured output, which differ between providers and
/// over time; [`check_strict_subset`] uses [`StrictLimits::OPENAI`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrictLimits {
    /// Levels of nested object schemas, the root object being level 1.
    pub max_depth: usize,
    /// Properties of all object schemas added up.
    pub max_properties: usize,
    /// Values of one `enum`.
    pub max_enum_values: usize,
    /// Values of all `enum`s added up.
    pub max_total_enum_values: usize,
    /// Characters of all property names, enum values and const values.
    pub max_total_chars: usize,
}

impl StrictLimits {
    /// OpenAI's published limits since 2025 (10 levels, 5,000 properties,
    /// 1,000 enum values, 120,000 characters), with at most 500 values per
    /// enum because longer enums have tighter size rules.
    pub const OPENAI: StrictLimits = StrictLimits {
        max_depth: 10,
        max_properties: 5000,
        max_enum_values: 500,
        max_total_enum_values: 1000,
        max_total_chars: 120_000,
    };
    /// The limits of the first release of structured outputs (2024), still
    /// enforced by some OpenAI-compatible deployments.
    pub const OPENAI_2024: StrictLimits = StrictLimits {
        max_depth: 5,
        max_properties: 100,
        max_enum_values: 500,
        max_total_enum_values: 500,
        max_total_chars: 15_000,
    };
}

/// The keywords of the strict subset that the generated schemas may use.
const STRICT_KEYWORDS: [&str; 10] = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "anyOf",
    "description",
    "const",
    "$ref",
];
const JSON_TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "object", "array", "null",
];

/// Problems that would make a strict structured-output request refuse `schema`,
/// with [`StrictLimits::OPENAI`].
pub fn check_strict_subset(schema: &Value) -> Vec<String> {
    check_strict_subset_with(schema, &StrictLimits::OPENAI)
}

/// [`check_strict_subset`] with other limits.
pub fn check_strict_subset_with(schema: &Value, limits: &StrictLimits) -> Vec<String> {
    let mut checker = StrictChecker::default();
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        checker
            .problems
            .push("(root): the root schema must have \"type\": \"object\"".to_owned());
    }
    let defs = schema.get("$defs").and_then(Value::as_object);
    if let Some(defs) = defs {
        for (name, def) in defs {
            checker.node(def, &format!("$defs.{name}"), 1, defs_names(defs));
        }
    }
    let names = defs.map(defs_names).unwrap_or_default();
    checker.node_at_root(schema, names);
    let mut problems = checker.problems;
    if checker.max_depth > limits.max_depth {
        problems.push(format!(
            "(root): objects are nested {} levels deep; at most {} are allowed",
            checker.max_depth, limits.max_depth
        ));
    }
    if checker.properties > limits.max_properties {
        problems.push(format!(
            "(root): {} properties in all; at most {} are allowed",
            checker.properties, limits.max_properties
        ));
    }
    if checker.enum_values > limits.max_total_enum_values {
        problems.push(format!(
            "(root): {} enum values in all; at most {} are allowed",
            checker.enum_values, limits.max_total_enum_values
        ));
    }
    for (path, count) in &checker.enum_sizes {
        if *count > limits.max_enum_values {
            problems.push(format!(
                "{path}: enum has {count} values; at most {} are allowed",
                limits.max_enum_values
            ));
        }
    }
    if checker.chars > limits.max_total_chars {
        problems.push(format!(
            "(root): property names, enum and const values add up to {} characters; at most {} are allowed",
            checker.chars, limits.max_total_chars
        ));
    }
    problems
}

fn defs_names(defs: &Map<String, Value>) -> Vec<String> {
    defs.keys().cloned().collect()
}

#[derive(Default)]
struct StrictChecker {
    problems: Vec<String>,
    max_depth: usize,
    properties: usize,
    enum_values: usize,
    enum_sizes: Vec<(String, usize)>,
    chars: usize,
}

impl StrictChecker {
    fn node_at_root(&mut self, schema: &Value, defs: Vec<String>) {
        if schema.as_object().is_some_and(|o| o.contains_key("anyOf")) {
            self.problems
                .push("(root): the root schema must not be an anyOf".to_owned());
        }
        self.node(schema, "", 1, defs);
    }

    /// Checks one schema; `depth` is the object level it would be at if it
    /// is an object.
    fn node(&mut self, schema: &Value, path: &str, depth: usize, defs: Vec<String>) {
        let here = if path.is_empty() { "(root)" } else { path };
        let Some(object) = schema.as_object() else {
            self.problems
                .push(format!("{here}: a schema must be an object"));
            return;
        };
        for keyword in object.keys() {
            let allowed = STRICT_KEYWORDS.contains(&keyword.as_str())
                || (keyword == "$defs" && path.is_empty());
            if !allowed {
                self.problems.push(format!(
                    "{here}: keyword \"{keyword}\" is outside the strict subset"
                ));
            }
        }
        let types = self.types(object, here);
        if let Some(reference) = object.get("$ref") {
            let target = reference.as_str().and_then(|r| r.strip_prefix("#/$defs/"));
            match target {
                Some(name) if defs.iter().any(|d| d == name) => {}
                _ => self.problems.push(format!(
                    "{here}: $ref {reference} does not name one of $defs"
                )),
            }
        }
        if let Some(Value::Array(values)) = object.get("enum") {
            self.enum_values += values.len();
            self.enum_sizes.push((here.to_owned(), values.len()));
            self.chars += values
                .iter()
                .filter_map(Value::as_str)
                .map(str::len)
                .sum::<usize>();
        } else if object.contains_key("enum") {
            self.problems.push(format!("{here}: enum must be a list"));
        }
        if let Some(Value::String(constant)) = object.get("const") {
            self.chars += constant.len();
        }
        let is_object = types.iter().any(|t| t == "object") || object.contains_key("properties");
        if is_object {
            self.object(object, path, here, depth, &defs);
        }
        if types.iter().any(|t| t == "array") {
            match object.get("items") {
                // An array does not add a level; its items are at the same level.
                Some(items) => self.node(items, &format!("{path}.items"), depth, defs.clone()),
                None => self
                    .problems
                    .push(format!("{here}: an array must have items")),
            }
        } else if object.contains_key("items") && !is_object {
            self.problems
                .push(format!("{here}: items without \"type\": \"array\""));
        }
        match object.get("anyOf") {
            None => {}
            Some(Value::Array(variants)) if !variants.is_empty() => {
                for (i, variant) in variants.iter().enumerate() {
                    self.node(variant, &format!("{path}.anyOf[{i}]"), depth, defs.clone());
                }
            }
            Some(_) => self
                .problems
                .push(format!("{here}: anyOf must be a non-empty list")),
        }
    }

    fn types(&mut self, object: &Map<String, Value>, here: &str) -> Vec<String> {
        let types: Vec<String> = match object.get("type") {
            None => Vec::new(),
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            Some(other) => {
                self.problems.push(format!(
                    "{here}: type must be a name or a list of names, not {other}"
                ));
                Vec::new()
            }
        };
        for t in &types {
            if !JSON_TYPES.contains(&t.as_str()) {
                self.problems.push(format!("{here}: unknown type \"{t}\""));
            }
        }
        let declares = object.contains_key("type")
            || object.contains_key("anyOf")
            || object.contains_key("$ref")
            || object.contains_key("const")
            || object.contains_key("enum");
        if !declares {
            self.problems
                .push(format!("{here}: the schema declares no type"));
        }
        types
    }

    fn object(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        here: &str,
        depth: usize,
        defs: &[String],
    ) {
        self.max_depth = self.max_depth.max(depth);
        if object.get("additionalProperties") != Some(&Value::Bool(false)) {
            self.problems.push(format!(
                "{here}: an object must have \"additionalProperties\": false"
            ));
        }
        let Some(properties) = object.get("properties").and_then(Value::as_object) else {
            self.problems
                .push(format!("{here}: an object must list its properties"));
            return;
        };
        let required: Vec<&str> = match object.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for (name, property) in properties {
            self.properties += 1;
            self.chars += name.len();
            if !required.contains(&name.as_str()) {
                self.problems.push(format!(
                    "{here}: property \"{name}\" is not listed in required (strict mode needs every property required; make it nullable instead)"
                ));
            }
            let child = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            self.node(property, &child, depth + 1, defs.to_vec());
        }
        for name in required {
            if !properties.contains_key(name) {
                self.problems.push(format!(
                    "{here}: required names \"{name}\", which is not a property"
                ));
            }
        }
    }
}
