//! The extraction plan: a form decomposed into steps of related fields, each
//! with instructions and a JSON Schema, ordered by dependency; and the checks
//! of a plan, of a schema against the strict structured-output subset of
//! OpenAI-compatible APIs, and of an extractor's answer to a step.
//!
//! Target-independent: the plan editor in the browser checks a user's edits
//! with the same code the server uses before it activates a plan.
//!
//! Steps address top-level fields only; a top-level sub-form is one step whose
//! schema holds its nested sub-forms inline, so the entries of a repeating
//! sub-form are extracted together and never need joining across steps.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::model::{FieldDef, FieldType, FormDefinition};
use crate::extraction::answer::{AnswerNode, Evidence, FieldAnswer, StepAnswer};

/// At most this many scalar fields go in one step: few enough for a model to
/// attend to each, many enough to keep the number of calls per paper low.
pub const MAX_FIELDS_PER_STEP: usize = 8;

/// At most this many answer problems are listed (a runaway answer could
/// otherwise produce thousands, too many for a repair request).
pub const MAX_ANSWER_PROBLEMS: usize = 50;

/// A plan: the steps an extractor runs for each paper, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractionPlan {
    pub steps: Vec<PlanStep>,
}

/// One step: a group of top-level fields extracted with one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStep {
    /// `step_1`, `step_2`, …: stable and unique within the plan.
    pub key: String,
    pub title: String,
    pub instructions: String,
    /// The top-level field keys this step extracts.
    pub field_keys: Vec<String>,
    /// Keys of earlier steps whose answers this step may use as context.
    pub depends_on: Vec<String>,
}

/// The rule every step's instructions end with.
const ANSWER_RULES: &str = "For every field: copy the passage of the paper that states the value \
verbatim into evidence.quote (exactly as printed, with no paraphrase and no ellipsis) and give \
evidence.page, the page of the PDF it is on (the first page of the PDF is 1, whatever the journal's \
page numbers). If the paper does not report the value, answer not_reported: true with value and \
evidence null; do not guess, and do not compute a value the paper does not state. Set confidence \
(0 to 1) to how clearly the quote states the value.";

/// The plan eviStream proposes before any LLM is asked: scalar fields in
/// steps of related fields, then one step per top-level sub-form, each after
/// the scalar steps and after the sub-forms it mentions.
pub fn deterministic_plan(form: &FormDefinition) -> ExtractionPlan {
    let scalars: Vec<&FieldDef> = form
        .fields
        .iter()
        .filter(|f| f.field_type != FieldType::Subform)
        .collect();
    let subforms: Vec<&FieldDef> = form
        .fields
        .iter()
        .filter(|f| f.field_type == FieldType::Subform)
        .collect();

    let mut steps: Vec<PlanStep> = Vec::new();
    for group in group_scalars(&scalars) {
        steps.push(PlanStep {
            key: format!("step_{}", steps.len() + 1),
            title: scalar_title(&group),
            instructions: instructions(form, &group),
            field_keys: group.iter().map(|f| f.key.clone()).collect(),
            depends_on: Vec::new(),
        });
    }
    let scalar_steps: Vec<String> = steps.iter().map(|s| s.key.clone()).collect();
    let mut step_of_subform: HashMap<usize, String> = HashMap::new();
    for (index, deps) in order_subforms(&subforms) {
        let field = subforms[index];
        let key = format!("step_{}", steps.len() + 1);
        let mut depends_on = scalar_steps.clone();
        depends_on.extend(deps.iter().filter_map(|d| step_of_subform.get(d).cloned()));
        step_of_subform.insert(index, key.clone());
        steps.push(PlanStep {
            key,
            title: field.label.clone(),
            instructions: instructions(form, &[field]),
            field_keys: vec![field.key.clone()],
            depends_on,
        });
    }
    ExtractionPlan { steps }
}

/// The top-level fields of a step, in the step's order (unknown keys skipped).
pub fn step_fields<'a>(form: &'a FormDefinition, step: &PlanStep) -> Vec<&'a FieldDef> {
    step.field_keys
        .iter()
        .filter_map(|key| form.fields.iter().find(|f| &f.key == key))
        .collect()
}

/// The JSON Schema of a step's answer, within the strict structured-output
/// subset (see [`check_strict_subset`]); the shape is documented in
/// `extraction::answer`.
pub fn step_schema(form: &FormDefinition, step: &PlanStep) -> Value {
    object_schema(&step_fields(form, step), None)
}

/// Problems of a plan (edited by a user or proposed by an LLM) against its form.
pub fn check_plan(form: &FormDefinition, plan: &ExtractionPlan) -> Vec<String> {
    let mut problems = Vec::new();
    if plan.steps.is_empty() {
        problems.push("The plan has no steps".to_owned());
    }
    let top_level: HashSet<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
    let mut step_of_field: HashMap<&str, &str> = HashMap::new();
    let mut earlier: HashSet<&str> = HashSet::new();
    let mut all_steps: HashSet<&str> = HashSet::new();
    for step in &plan.steps {
        all_steps.insert(step.key.as_str());
    }
    for (i, step) in plan.steps.iter().enumerate() {
        let name = if step.key.trim().is_empty() {
            format!("Step {}", i + 1)
        } else {
            format!("Step \"{}\"", step.key)
        };
        if step.key.trim().is_empty() {
            problems.push(format!("{name} has no key"));
        } else if earlier.contains(step.key.as_str()) {
            problems.push(format!("{name} is used as the key of two steps"));
        }
        if step.title.trim().is_empty() {
            problems.push(format!("{name} has no title"));
        }
        if step.instructions.trim().is_empty() {
            problems.push(format!("{name} has no instructions"));
        }
        if step.field_keys.is_empty() {
            problems.push(format!("{name} has no fields"));
        }
        for key in &step.field_keys {
            if !top_level.contains(key.as_str()) {
                problems.push(format!(
                    "{name} lists \"{key}\", which is not a top-level field of the form"
                ));
            } else if let Some(other) = step_of_field.insert(key.as_str(), step.key.as_str()) {
                if other == step.key {
                    problems.push(format!("{name} lists field \"{key}\" twice"));
                } else {
                    problems.push(format!(
                        "Field \"{key}\" is in two steps, \"{other}\" and \"{}\"",
                        step.key
                    ));
                }
            }
        }
        for dep in &step.depends_on {
            if dep == &step.key {
                problems.push(format!("{name} depends on itself"));
            } else if earlier.contains(dep.as_str()) {
                continue;
            } else if all_steps.contains(dep.as_str()) {
                problems.push(format!(
                    "{name} depends on step \"{dep}\", which comes after it"
                ));
            } else {
                problems.push(format!(
                    "{name} depends on step \"{dep}\", which is not in the plan"
                ));
            }
        }
        earlier.insert(step.key.as_str());
    }
    for field in &form.fields {
        if !step_of_field.contains_key(field.key.as_str()) {
            problems.push(format!("Field \"{}\" is in no step", field.key));
        }
    }
    problems
}

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

/// Parses an extractor's answer to a step against the step's fields, checking
/// what the schema cannot say (consistency of not_reported, known options,
/// whole numbers, pages, confidence). Each problem names its JSON path, so the
/// list can be sent back to the model as a repair request.
pub fn parse_step_answer(
    form: &FormDefinition,
    step: &PlanStep,
    answer: &Value,
) -> Result<StepAnswer, Vec<String>> {
    let mut parser = AnswerParser::default();
    let fields = step_fields(form, step);
    let parsed = parser.entry(&fields, answer, "");
    if parser.problems.is_empty() {
        Ok(parsed)
    } else {
        let mut problems = parser.problems;
        if problems.len() > MAX_ANSWER_PROBLEMS {
            let more = problems.len() - MAX_ANSWER_PROBLEMS;
            problems.truncate(MAX_ANSWER_PROBLEMS);
            problems.push(format!("… and {more} more problems"));
        }
        Err(problems)
    }
}

// ---------------------------------------------------------------------------
// Grouping and ordering

/// Consecutive scalar fields, grouped by the first word of their key
/// (`intervention_mean`, `intervention_sd`) and packed into steps of about
/// equal size, at most [`MAX_FIELDS_PER_STEP`] each.
fn group_scalars<'a>(scalars: &[&'a FieldDef]) -> Vec<Vec<&'a FieldDef>> {
    if scalars.is_empty() {
        return Vec::new();
    }
    let mut families: Vec<Vec<&FieldDef>> = Vec::new();
    for field in scalars {
        let stem = key_stem(&field.key);
        match families.last_mut() {
            Some(family)
                if family.len() < MAX_FIELDS_PER_STEP
                    && family.first().is_some_and(|f| key_stem(&f.key) == stem) =>
            {
                family.push(field)
            }
            _ => families.push(vec![field]),
        }
    }
    let step_count = scalars.len().div_ceil(MAX_FIELDS_PER_STEP);
    let target = scalars.len().div_ceil(step_count);
    let mut steps: Vec<Vec<&FieldDef>> = Vec::new();
    let mut current: Vec<&FieldDef> = Vec::new();
    for family in families {
        let too_big = current.len() + family.len() > target.max(1);
        let over_max = current.len() + family.len() > MAX_FIELDS_PER_STEP;
        if !current.is_empty() && (too_big || over_max) {
            steps.push(std::mem::take(&mut current));
        }
        current.extend(family);
    }
    if !current.is_empty() {
        steps.push(current);
    }
    steps
}

fn key_stem(key: &str) -> &str {
    key.split('_').next().unwrap_or(key)
}

fn scalar_title(fields: &[&FieldDef]) -> String {
    let labels: Vec<&str> = fields.iter().map(|f| f.label.trim()).collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [first, second] => format!("{first} and {second}"),
        [first, second, third] => format!("{first}, {second} and {third}"),
        [first, second, third, rest @ ..] => {
            format!("{first}, {second}, {third} and {} more", rest.len())
        }
    }
}

/// Sub-forms in dependency order (a sub-form whose keys or labels mention
/// another's key comes after it; otherwise form order), each with the indices
/// of the sub-forms it depends on. A cycle is broken in form order.
fn order_subforms(subforms: &[&FieldDef]) -> Vec<(usize, Vec<usize>)> {
    let names: Vec<Vec<Vec<String>>> = subforms.iter().map(|f| names_of(f)).collect();
    let mentions = |i: usize, j: usize| i != j && mentions_key(&names[i], &subforms[j].key);
    let mut placed: Vec<usize> = Vec::new();
    let mut order = Vec::new();
    while placed.len() < subforms.len() {
        let remaining: Vec<usize> = (0..subforms.len())
            .filter(|i| !placed.contains(i))
            .collect();
        let ready = remaining
            .iter()
            .copied()
            .find(|&i| remaining.iter().all(|&j| !mentions(i, j)));
        let next = ready.or_else(|| remaining.first().copied());
        let Some(next) = next else { break };
        let deps: Vec<usize> = placed
            .iter()
            .copied()
            .filter(|&j| mentions(next, j))
            .collect();
        placed.push(next);
        order.push((next, deps));
    }
    order
}

/// The keys and labels of a field and its descendants, each as lowercase words.
fn names_of(field: &FieldDef) -> Vec<Vec<String>> {
    let mut names = Vec::new();
    let mut stack = vec![field];
    while let Some(f) = stack.pop() {
        names.push(words_of(&f.key));
        names.push(words_of(&f.label));
        stack.extend(f.fields.iter());
    }
    names
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether one of `names` contains the words of `key` in sequence, or of its
/// singular (`arms` is mentioned by a field `arm_name` or a label "Arm").
fn mentions_key(names: &[Vec<String>], key: &str) -> bool {
    let wanted = words_of(key);
    if wanted.is_empty() {
        return false;
    }
    let mut singular = wanted.clone();
    if let Some(last) = singular.last_mut()
        && last.len() > 3
        && last.ends_with('s')
    {
        last.pop();
    }
    names.iter().any(|words| {
        words
            .windows(wanted.len())
            .any(|w| w == wanted.as_slice() || w == singular.as_slice())
    })
}

// ---------------------------------------------------------------------------
// Instructions

fn instructions(form: &FormDefinition, fields: &[&FieldDef]) -> String {
    let mut text = format!("This step fills part of the form \"{}\"", form.name.trim());
    if form.description.trim().is_empty() {
        text.push_str(".\n\n");
    } else {
        text.push_str(&format!(": {}\n\n", form.description.trim()));
    }
    text.push_str("Extract these fields from the paper:\n");
    for field in fields {
        describe_field(field, 0, &mut text);
    }
    for field in fields {
        if field.field_type == FieldType::Subform && field.repeating {
            text.push('\n');
            text.push_str(&entries_rule(field));
            text.push('\n');
        }
    }
    text.push('\n');
    text.push_str(ANSWER_RULES);
    text
}

fn entries_rule(field: &FieldDef) -> String {
    let described = field.description.trim();
    let per = if described.to_lowercase().starts_with("one entry per") {
        described.to_owned()
    } else {
        format!(
            "One entry per {} reported in the paper.",
            field.label.trim().to_lowercase()
        )
    };
    format!(
        "{}: {per} Give an entry only for what the paper describes, each once; an empty list means it describes none.",
        field.key
    )
}

fn type_description(field: &FieldDef) -> String {
    let base = match field.field_type {
        FieldType::Text => "text".to_owned(),
        FieldType::Number => "number".to_owned(),
        FieldType::Integer => "whole number".to_owned(),
        FieldType::Boolean => "true or false".to_owned(),
        FieldType::Date => {
            "date as YYYY-MM-DD, or YYYY-MM or YYYY when that is all the paper gives".to_owned()
        }
        FieldType::SingleChoice => "one of the options below".to_owned(),
        FieldType::MultipleChoice => "every option below that applies".to_owned(),
        FieldType::TextList => "list of short texts".to_owned(),
        FieldType::Subform if field.repeating => "list of entries with the fields below".to_owned(),
        FieldType::Subform => "group of the fields below".to_owned(),
    };
    if field.unit.trim().is_empty() {
        base
    } else {
        format!("{base}, in {}", field.unit.trim())
    }
}

fn describe_field(field: &FieldDef, level: usize, out: &mut String) {
    let indent = "  ".repeat(level);
    out.push_str(&format!(
        "{indent}- {} (`{}`, {})",
        field.label.trim(),
        field.key,
        type_description(field)
    ));
    for (part, prefix) in [
        (&field.description, ": "),
        (&field.hints, " Hints: "),
        (&field.example, " Example: "),
    ] {
        let part = part.trim();
        if !part.is_empty() {
            out.push_str(prefix);
            out.push_str(part);
        }
    }
    out.push('\n');
    for option in &field.options {
        out.push_str(&format!("{indent}  - \"{}\"", option.value));
        if !option.description.trim().is_empty() {
            out.push_str(&format!(": {}", option.description.trim()));
        }
        if !option.synonyms.is_empty() {
            out.push_str(&format!(
                " (papers may write: {})",
                option.synonyms.join("; ")
            ));
        }
        out.push('\n');
    }
    for child in &field.fields {
        describe_field(child, level + 1, out);
    }
}

// ---------------------------------------------------------------------------
// Schemas

fn object_schema(fields: &[&FieldDef], description: Option<String>) -> Value {
    let mut properties = Map::new();
    for field in fields {
        properties.insert(field.key.clone(), field_schema(field));
    }
    let required: Vec<Value> = fields
        .iter()
        .map(|f| Value::String(f.key.clone()))
        .collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if let (Some(description), Some(object)) = (description, schema.as_object_mut()) {
        object.insert("description".to_owned(), Value::String(description));
    }
    schema
}

fn schema_description(field: &FieldDef) -> String {
    let mut text = field.label.trim().to_owned();
    if !text.ends_with(['.', '?', '!', ':']) {
        text.push('.');
    }
    let description = field.description.trim();
    if !description.is_empty() {
        text.push(' ');
        text.push_str(description);
    }
    if !field.unit.trim().is_empty() {
        text.push_str(&format!(" Unit: {}.", field.unit.trim()));
    }
    text
}

fn field_schema(field: &FieldDef) -> Value {
    if field.field_type == FieldType::Subform {
        let children: Vec<&FieldDef> = field.fields.iter().collect();
        return if field.repeating {
            json!({
                "type": "array",
                "description": schema_description(field),
                "items": object_schema(&children, None),
            })
        } else {
            object_schema(&children, Some(schema_description(field)))
        };
    }
    json!({
        "type": "object",
        "description": schema_description(field),
        "properties": {
            "value": value_schema(field),
            "not_reported": {
                "type": "boolean",
                "description": "True when the paper does not report this; then value and evidence are null."
            },
            "evidence": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {
                            "quote": {
                                "type": "string",
                                "description": "The passage stating the value, copied verbatim from the paper."
                            },
                            "page": {
                                "type": "integer",
                                "description": "The PDF page the quote is on; the first page is 1."
                            }
                        },
                        "required": ["quote", "page"],
                        "additionalProperties": false
                    },
                    { "type": "null" }
                ]
            },
            "confidence": {
                "type": "number",
                "description": "From 0 to 1: how clearly the quote states the value."
            }
        },
        "required": ["value", "not_reported", "evidence", "confidence"],
        "additionalProperties": false,
    })
}

fn option_values(field: &FieldDef) -> Vec<Value> {
    field
        .options
        .iter()
        .map(|o| Value::String(o.value.clone()))
        .collect()
}

fn value_schema(field: &FieldDef) -> Value {
    match field.field_type {
        FieldType::Text => json!({"type": ["string", "null"]}),
        FieldType::Date => json!({
            "type": ["string", "null"],
            "description": "YYYY-MM-DD, or YYYY-MM or YYYY when that is all the paper gives."
        }),
        FieldType::Number => json!({"type": ["number", "null"]}),
        FieldType::Integer => json!({"type": ["integer", "null"]}),
        FieldType::Boolean => json!({"type": ["boolean", "null"]}),
        FieldType::SingleChoice => {
            let mut values = option_values(field);
            values.push(Value::Null);
            json!({"type": ["string", "null"], "enum": values})
        }
        FieldType::MultipleChoice => json!({
            "type": ["array", "null"],
            "items": {"type": "string", "enum": option_values(field)}
        }),
        FieldType::TextList => json!({
            "type": ["array", "null"],
            "items": {"type": "string"}
        }),
        // Sub-forms have no value of their own (see `field_schema`).
        FieldType::Subform => json!({"type": "null"}),
    }
}

// ---------------------------------------------------------------------------
// Answers

#[derive(Default)]
struct AnswerParser {
    problems: Vec<String>,
}

fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl AnswerParser {
    fn problem(&mut self, path: &str, message: String) {
        let at = if path.is_empty() { "(root)" } else { path };
        self.problems.push(format!("{at}: {message}"));
    }

    /// An object keyed by `fields` (the step root, an entry or a sub-form object).
    fn entry(
        &mut self,
        fields: &[&FieldDef],
        value: &Value,
        path: &str,
    ) -> BTreeMap<String, AnswerNode> {
        let mut parsed = BTreeMap::new();
        let Some(object) = value.as_object() else {
            self.problem(
                path,
                format!("expected an object keyed by field, got {}", kind(value)),
            );
            return parsed;
        };
        for field in fields {
            let here = child_path(path, &field.key);
            match object.get(&field.key) {
                None => self.problem(&here, "missing; every field must be answered".to_owned()),
                Some(node) => {
                    if let Some(node) = self.node(field, node, &here) {
                        parsed.insert(field.key.clone(), node);
                    }
                }
            }
        }
        for key in object.keys() {
            if !fields.iter().any(|f| &f.key == key) {
                self.problem(
                    &child_path(path, key),
                    "unknown field; remove it".to_owned(),
                );
            }
        }
        parsed
    }

    fn node(&mut self, field: &FieldDef, value: &Value, path: &str) -> Option<AnswerNode> {
        if field.field_type != FieldType::Subform {
            return self.field_answer(field, value, path).map(AnswerNode::Field);
        }
        let children: Vec<&FieldDef> = field.fields.iter().collect();
        if !field.repeating {
            return Some(AnswerNode::Object(self.entry(&children, value, path)));
        }
        let Some(items) = value.as_array() else {
            self.problem(
                path,
                format!("expected an array of entries, got {}", kind(value)),
            );
            return None;
        };
        let entries = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.entry(&children, item, &format!("{path}[{i}]")))
            .collect();
        Some(AnswerNode::Entries(entries))
    }

    fn field_answer(&mut self, field: &FieldDef, value: &Value, path: &str) -> Option<FieldAnswer> {
        let before = self.problems.len();
        let Some(object) = value.as_object() else {
            self.problem(
                path,
                format!(
                    "expected an object with value, not_reported, evidence and confidence, got {}",
                    kind(value)
                ),
            );
            return None;
        };
        for key in object.keys() {
            if !["value", "not_reported", "evidence", "confidence"].contains(&key.as_str()) {
                self.problem(
                    &child_path(path, key),
                    "unknown property; remove it".to_owned(),
                );
            }
        }
        let not_reported = match object.get("not_reported") {
            Some(Value::Bool(flag)) => Some(*flag),
            Some(other) => {
                self.problem(
                    &child_path(path, "not_reported"),
                    format!("expected true or false, got {}", shown(other)),
                );
                None
            }
            None => {
                self.problem(&child_path(path, "not_reported"), "missing".to_owned());
                None
            }
        };
        let confidence = self.confidence(object.get("confidence"), &child_path(path, "confidence"));
        let evidence_path = child_path(path, "evidence");
        let evidence = match object.get("evidence") {
            None => {
                self.problem(
                    &evidence_path,
                    "missing; give {\"quote\", \"page\"} or null".to_owned(),
                );
                None
            }
            Some(Value::Null) => None,
            Some(evidence) => self.evidence(evidence, &evidence_path),
        };
        let value_path = child_path(path, "value");
        let raw_value = match object.get("value") {
            None => {
                self.problem(&value_path, "missing; give the value or null".to_owned());
                None
            }
            Some(Value::Null) => None,
            Some(raw) => Some(raw),
        };
        let parsed_value = raw_value.and_then(|raw| self.typed_value(field, raw, &value_path));

        match not_reported {
            Some(true) => {
                if raw_value.is_some() {
                    self.problem(
                        &value_path,
                        "must be null when not_reported is true".to_owned(),
                    );
                }
                if object.get("evidence").is_some_and(|e| !e.is_null()) {
                    self.problem(
                        &evidence_path,
                        "must be null when not_reported is true".to_owned(),
                    );
                }
            }
            Some(false) => {
                if object.get("value") == Some(&Value::Null) {
                    self.problem(
                        &value_path,
                        "is null but not_reported is false; give the value, or set not_reported to true".to_owned(),
                    );
                }
                if object.get("evidence") == Some(&Value::Null) {
                    self.problem(
                        &evidence_path,
                        "is null but a value is reported; quote the passage that states it and give its page".to_owned(),
                    );
                }
            }
            None => {}
        }

        if self.problems.len() > before {
            return None;
        }
        Some(FieldAnswer {
            value: parsed_value,
            not_reported: not_reported.unwrap_or(false),
            evidence,
            confidence: confidence.unwrap_or(0.0),
            derivation: None,
        })
    }

    fn confidence(&mut self, value: Option<&Value>, path: &str) -> Option<f32> {
        match value {
            None => {
                self.problem(path, "missing".to_owned());
                None
            }
            Some(Value::Number(n)) => match n.as_f64() {
                Some(c) if (0.0..=1.0).contains(&c) => Some(c as f32),
                _ => {
                    self.problem(path, format!("must be between 0 and 1, got {n}"));
                    None
                }
            },
            Some(other) => {
                self.problem(
                    path,
                    format!("expected a number between 0 and 1, got {}", shown(other)),
                );
                None
            }
        }
    }

    fn evidence(&mut self, value: &Value, path: &str) -> Option<Evidence> {
        let Some(object) = value.as_object() else {
            self.problem(
                path,
                format!(
                    "expected {{\"quote\", \"page\"}} or null, got {}",
                    kind(value)
                ),
            );
            return None;
        };
        for key in object.keys() {
            if key != "quote" && key != "page" {
                self.problem(
                    &child_path(path, key),
                    "unknown property; remove it".to_owned(),
                );
            }
        }
        let quote = match object.get("quote") {
            Some(Value::String(q)) if !q.trim().is_empty() => Some(q.clone()),
            Some(Value::String(_)) => {
                self.problem(
                    &child_path(path, "quote"),
                    "is empty; copy the passage that states the value".to_owned(),
                );
                None
            }
            Some(other) => {
                self.problem(
                    &child_path(path, "quote"),
                    format!("expected a string, got {}", kind(other)),
                );
                None
            }
            None => {
                self.problem(&child_path(path, "quote"), "missing".to_owned());
                None
            }
        };
        let page = match object.get("page") {
            Some(Value::Number(n)) => match integral(n).and_then(|p| u32::try_from(p).ok()) {
                Some(p) if p >= 1 => Some(p),
                _ => {
                    self.problem(
                        &child_path(path, "page"),
                        format!("must be a page number from 1, got {n}"),
                    );
                    None
                }
            },
            Some(other) => {
                self.problem(
                    &child_path(path, "page"),
                    format!("expected a page number, got {}", shown(other)),
                );
                None
            }
            None => {
                self.problem(&child_path(path, "page"), "missing".to_owned());
                None
            }
        };
        Some(Evidence {
            quote: quote?,
            page: page?,
        })
    }

    fn typed_value(&mut self, field: &FieldDef, raw: &Value, path: &str) -> Option<Value> {
        let options: Vec<&str> = field.options.iter().map(|o| o.value.as_str()).collect();
        let known = |v: &str| options.contains(&v);
        let listed = || {
            options
                .iter()
                .map(|o| format!("\"{o}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let expected = match field.field_type {
            FieldType::Text => match raw {
                Value::String(s) if !s.trim().is_empty() => return Some(raw.clone()),
                Value::String(_) => {
                    self.problem(
                        path,
                        "is empty; give the text, or answer not_reported".to_owned(),
                    );
                    return None;
                }
                _ => "a string",
            },
            FieldType::Date => match raw {
                Value::String(s) if is_partial_date(s) => return Some(raw.clone()),
                Value::String(s) => {
                    self.problem(
                        path,
                        format!("\"{s}\" is not a date as YYYY-MM-DD, YYYY-MM or YYYY"),
                    );
                    return None;
                }
                _ => "a date string",
            },
            FieldType::Number => match raw {
                Value::Number(_) => return Some(raw.clone()),
                _ => "a number",
            },
            FieldType::Integer => match raw {
                Value::Number(n) => match integral(n) {
                    // 12.0 is stored as 12, so equal values compare equal.
                    Some(i) => return Some(Value::from(i)),
                    None => {
                        self.problem(path, format!("must be a whole number, got {n}"));
                        return None;
                    }
                },
                _ => "a whole number",
            },
            FieldType::Boolean => match raw {
                Value::Bool(_) => return Some(raw.clone()),
                _ => "true or false",
            },
            FieldType::SingleChoice => match raw {
                Value::String(s) if known(s) => return Some(raw.clone()),
                Value::String(s) => {
                    self.problem(
                        path,
                        format!("\"{s}\" is not one of the options {}", listed()),
                    );
                    return None;
                }
                _ => "one of the options as a string",
            },
            FieldType::MultipleChoice | FieldType::TextList => match raw {
                Value::Array(items) => return self.list(field, items, path, &options),
                _ => "an array of strings",
            },
            FieldType::Subform => "an object",
        };
        self.problem(path, format!("expected {expected}, got {}", shown(raw)));
        None
    }

    fn list(
        &mut self,
        field: &FieldDef,
        items: &[Value],
        path: &str,
        options: &[&str],
    ) -> Option<Value> {
        let before = self.problems.len();
        if items.is_empty() {
            self.problem(
                path,
                "is empty; give at least one item, or answer not_reported".to_owned(),
            );
        }
        let mut seen = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let here = format!("{path}[{i}]");
            match item {
                Value::String(s) if s.trim().is_empty() => {
                    self.problem(&here, "is empty".to_owned())
                }
                Value::String(s)
                    if field.field_type == FieldType::MultipleChoice
                        && !options.contains(&s.as_str()) =>
                {
                    let listed = options
                        .iter()
                        .map(|o| format!("\"{o}\""))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.problem(&here, format!("\"{s}\" is not one of the options {listed}"));
                }
                Value::String(s) => {
                    if !seen.insert(s.as_str()) {
                        self.problem(&here, format!("\"{s}\" is listed twice"));
                    }
                }
                other => self.problem(&here, format!("expected a string, got {}", shown(other))),
            }
        }
        (self.problems.len() == before).then(|| Value::Array(items.to_vec()))
    }
}

/// The number as an integer, if it is one (12 or 12.0).
fn integral(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    // The bounds keep the cast exact and in range.
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a plausible month and day.
fn is_partial_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let in_range = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && in_range(m, 12) && digits(d, 2) && in_range(d, 31)
        }
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::forms::model::ChoiceOption;
    use crate::forms::presets::{preset_form, presets};

    fn option(value: &str) -> ChoiceOption {
        ChoiceOption {
            value: value.to_owned(),
            description: String::new(),
            synonyms: Vec::new(),
        }
    }

    fn subform(key: &str, repeating: bool, fields: Vec<FieldDef>) -> FieldDef {
        let mut f = FieldDef::new(key, key, FieldType::Subform);
        f.repeating = repeating;
        f.fields = fields;
        f
    }

    fn choice(key: &str, field_type: FieldType) -> FieldDef {
        let mut f = FieldDef::new(key, key, field_type);
        f.options = vec![option("A"), option("B")];
        f
    }

    /// One field of every scalar type, a repeating sub-form holding a
    /// repeating sub-form holding a non-repeating one (two levels below the
    /// top), and a top-level non-repeating sub-form.
    fn every_shape() -> FormDefinition {
        let mut dose = FieldDef::new("x", "Dose", FieldType::Number);
        dose.unit = "mg".to_owned();
        FormDefinition {
            name: "Every shape".to_owned(),
            description: String::new(),
            fields: vec![
                FieldDef::new("t", "Text", FieldType::Text),
                dose,
                FieldDef::new("n", "Count", FieldType::Integer),
                FieldDef::new("b", "Flag", FieldType::Boolean),
                FieldDef::new("d", "Date", FieldType::Date),
                choice("sc", FieldType::SingleChoice),
                choice("mc", FieldType::MultipleChoice),
                FieldDef::new("tl", "List", FieldType::TextList),
                subform(
                    "arms",
                    true,
                    vec![
                        FieldDef::new("name", "Name", FieldType::Text),
                        subform(
                            "doses",
                            true,
                            vec![
                                FieldDef::new("amount", "Amount", FieldType::Number),
                                subform(
                                    "timing",
                                    false,
                                    vec![FieldDef::new("day", "Day", FieldType::Integer)],
                                ),
                            ],
                        ),
                    ],
                ),
                subform("site", false, vec![choice("kind", FieldType::SingleChoice)]),
            ],
        }
    }

    fn whole_form_step(form: &FormDefinition) -> PlanStep {
        PlanStep {
            key: "step_1".to_owned(),
            title: "All".to_owned(),
            instructions: "Extract.".to_owned(),
            field_keys: form.fields.iter().map(|f| f.key.clone()).collect(),
            depends_on: Vec::new(),
        }
    }

    fn good_value(field: &FieldDef) -> Value {
        match field.field_type {
            FieldType::Text => json!("abc"),
            FieldType::Number => json!(1.5),
            FieldType::Integer => json!(3),
            FieldType::Boolean => json!(true),
            FieldType::Date => json!("2020-01"),
            FieldType::SingleChoice => json!(field.options[0].value),
            FieldType::MultipleChoice => Value::Array(option_values(field)),
            FieldType::TextList => json!(["x", "y"]),
            FieldType::Subform => Value::Null,
        }
    }

    fn good_answer(fields: &[FieldDef]) -> Value {
        let mut object = Map::new();
        for field in fields {
            let node = match (field.field_type, field.repeating) {
                (FieldType::Subform, true) => {
                    json!([good_answer(&field.fields), good_answer(&field.fields)])
                }
                (FieldType::Subform, false) => good_answer(&field.fields),
                _ => json!({
                    "value": good_value(field),
                    "not_reported": false,
                    "evidence": {"quote": "as printed", "page": 2},
                    // Exact in f32, so the parsed answer serialises back unchanged.
                    "confidence": 0.75
                }),
            };
            object.insert(field.key.clone(), node);
        }
        Value::Object(object)
    }

    /// JSON pointers of every field answer in `good_answer(fields)`.
    fn answer_pointers(fields: &[FieldDef], prefix: &str, out: &mut Vec<(String, FieldDef)>) {
        for field in fields {
            let here = format!("{prefix}/{}", field.key);
            match (field.field_type, field.repeating) {
                (FieldType::Subform, true) => {
                    for i in 0..2 {
                        answer_pointers(&field.fields, &format!("{here}/{i}"), out);
                    }
                }
                (FieldType::Subform, false) => answer_pointers(&field.fields, &here, out),
                _ => out.push((here, field.clone())),
            }
        }
    }

    fn wrong_type(field: &FieldDef) -> Value {
        match field.field_type {
            FieldType::Text | FieldType::Date => json!(5),
            FieldType::Number => json!("1.5"),
            FieldType::Integer => json!(2.5),
            FieldType::Boolean => json!("yes"),
            FieldType::SingleChoice => json!(1),
            FieldType::MultipleChoice | FieldType::TextList => json!("A"),
            FieldType::Subform => json!(1),
        }
    }

    /// Every malformed variant of the good answer, with what was broken.
    fn malformed(form: &FormDefinition) -> Vec<(String, Value)> {
        let good = good_answer(&form.fields);
        let mut pointers = Vec::new();
        answer_pointers(&form.fields, "", &mut pointers);
        let mut broken = Vec::new();
        let mut variant = |label: String, change: &dyn Fn(&mut Value)| {
            let mut answer = good.clone();
            change(&mut answer);
            broken.push((label, answer));
        };
        for (pointer, field) in &pointers {
            let wrong = wrong_type(field);
            variant(format!("wrong type at {pointer}"), &|a| {
                *a.pointer_mut(&format!("{pointer}/value")).unwrap() = wrong.clone();
            });
            variant(format!("no evidence at {pointer}"), &|a| {
                a.pointer_mut(pointer)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .remove("evidence");
            });
            variant(format!("extra property at {pointer}"), &|a| {
                a.pointer_mut(pointer)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .insert("note".to_owned(), json!("x"));
            });
            variant(format!("extra evidence property at {pointer}"), &|a| {
                a.pointer_mut(&format!("{pointer}/evidence"))
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .insert("line".to_owned(), json!(3));
            });
            variant(format!("page as text at {pointer}"), &|a| {
                *a.pointer_mut(&format!("{pointer}/evidence/page")).unwrap() = json!("2");
            });
            if field.field_type == FieldType::SingleChoice {
                variant(format!("unknown option at {pointer}"), &|a| {
                    *a.pointer_mut(&format!("{pointer}/value")).unwrap() = json!("C");
                });
            }
            if field.field_type == FieldType::MultipleChoice {
                variant(format!("unknown option at {pointer}"), &|a| {
                    *a.pointer_mut(&format!("{pointer}/value")).unwrap() = json!(["A", "C"]);
                });
            }
        }
        for pointer in [
            "",
            "/arms/1",
            "/arms/0/doses/1",
            "/arms/0/doses/0/timing",
            "/site",
        ] {
            if good.pointer(pointer).is_some() {
                variant(format!("extra field at {pointer:?}"), &|a| {
                    a.pointer_mut(pointer)
                        .unwrap()
                        .as_object_mut()
                        .unwrap()
                        .insert("extra".to_owned(), json!(1));
                });
            }
        }
        for (pointer, replacement) in [
            ("/arms", json!({})),
            ("/site", json!([])),
            ("/arms/0/doses/0/timing", json!(null)),
        ] {
            if good.pointer(pointer).is_some() {
                variant(format!("wrong shape at {pointer}"), &|a| {
                    *a.pointer_mut(pointer).unwrap() = replacement.clone();
                });
            }
        }
        if let Some(first) = form.fields.first() {
            let key = first.key.clone();
            variant(format!("missing field {key}"), &|a| {
                a.as_object_mut().unwrap().remove(&key);
            });
        }
        broken
    }

    #[test]
    fn schemas_accept_good_answers_and_reject_malformed_ones() {
        let form = every_shape();
        let step = whole_form_step(&form);
        let schema = step_schema(&form, &step);
        assert_eq!(check_strict_subset(&schema), Vec::<String>::new());
        let validator = jsonschema::validator_for(&schema).unwrap();

        let good = good_answer(&form.fields);
        assert!(
            validator.is_valid(&good),
            "{:?}",
            validator
                .iter_errors(&good)
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        );
        let parsed = parse_step_answer(&form, &step, &good).unwrap();
        assert_eq!(parsed.len(), form.fields.len());

        // Not reported, for every field answer at once.
        let mut silent = good.clone();
        let mut pointers = Vec::new();
        answer_pointers(&form.fields, "", &mut pointers);
        for (pointer, _) in &pointers {
            *silent.pointer_mut(pointer).unwrap() =
                json!({"value": null, "not_reported": true, "evidence": null, "confidence": 0.7});
        }
        assert!(validator.is_valid(&silent));
        assert!(parse_step_answer(&form, &step, &silent).is_ok());

        let broken = malformed(&form);
        assert!(broken.len() > 100, "{}", broken.len());
        for (label, answer) in broken {
            assert!(!validator.is_valid(&answer), "the schema accepted: {label}");
            assert!(
                parse_step_answer(&form, &step, &answer).is_err(),
                "the parser accepted: {label}"
            );
        }
    }

    #[test]
    fn preset_schemas_accept_good_answers_and_reject_malformed_ones() {
        for preset in presets() {
            let form = preset_form(preset.id).unwrap();
            let plan = deterministic_plan(&form);
            for step in &plan.steps {
                let fields: Vec<FieldDef> = step_fields(&form, step).into_iter().cloned().collect();
                let step_form = FormDefinition {
                    fields,
                    ..form.clone()
                };
                let schema = step_schema(&form, step);
                let validator = jsonschema::validator_for(&schema).unwrap();
                let good = good_answer(&step_form.fields);
                assert!(validator.is_valid(&good), "{} {}", preset.id, step.key);
                assert!(
                    parse_step_answer(&form, step, &good).is_ok(),
                    "{} {}",
                    preset.id,
                    step.key
                );
                for (label, answer) in malformed(&step_form) {
                    assert!(
                        !validator.is_valid(&answer),
                        "{} {}: {label}",
                        preset.id,
                        step.key
                    );
                    assert!(
                        parse_step_answer(&form, step, &answer).is_err(),
                        "{} {}: {label}",
                        preset.id,
                        step.key
                    );
                }
            }
        }
    }

    #[test]
    fn schema_shapes() {
        let form = every_shape();
        let schema = step_schema(&form, &whole_form_step(&form));
        let properties = &schema["properties"];
        assert_eq!(
            properties["sc"]["properties"]["value"],
            json!({"type": ["string", "null"], "enum": ["A", "B", null]})
        );
        assert_eq!(
            properties["mc"]["properties"]["value"],
            json!({"type": ["array", "null"], "items": {"type": "string", "enum": ["A", "B"]}})
        );
        assert_eq!(
            properties["n"]["properties"]["value"],
            json!({"type": ["integer", "null"]})
        );
        assert_eq!(properties["x"]["description"], json!("Dose. Unit: mg."));
        assert_eq!(properties["arms"]["type"], json!("array"));
        assert_eq!(
            properties["arms"]["items"]["properties"]["doses"]["items"]["properties"]["timing"]["type"],
            json!("object")
        );
        assert_eq!(properties["site"]["type"], json!("object"));
        assert_eq!(
            schema["required"].as_array().unwrap().len(),
            form.fields.len()
        );
    }

    #[test]
    fn parser_checks_what_the_schema_cannot() {
        let form = every_shape();
        let step = whole_form_step(&form);
        let good = good_answer(&form.fields);
        let problems_after = |pointer: &str, replacement: Value| {
            let mut answer = good.clone();
            *answer.pointer_mut(pointer).unwrap() = replacement;
            parse_step_answer(&form, &step, &answer).unwrap_err()
        };
        assert_eq!(
            problems_after("/n/value", json!(null)),
            [
                "n.value: is null but not_reported is false; give the value, or set not_reported to true"
            ]
        );
        assert_eq!(
            problems_after("/t/not_reported", json!(true)),
            [
                "t.value: must be null when not_reported is true",
                "t.evidence: must be null when not_reported is true"
            ]
        );
        assert_eq!(
            problems_after("/t/evidence", json!(null)),
            [
                "t.evidence: is null but a value is reported; quote the passage that states it and give its page"
            ]
        );
        assert_eq!(
            problems_after("/t/evidence/page", json!(0)),
            ["t.evidence.page: must be a page number from 1, got 0"]
        );
        assert_eq!(
            problems_after("/t/confidence", json!(1.5)),
            ["t.confidence: must be between 0 and 1, got 1.5"]
        );
        assert_eq!(
            problems_after("/d/value", json!("2020-13-01")),
            ["d.value: \"2020-13-01\" is not a date as YYYY-MM-DD, YYYY-MM or YYYY"]
        );
        assert_eq!(
            problems_after("/arms/1/doses/0/timing/day/value", json!(2.5)),
            ["arms[1].doses[0].timing.day.value: must be a whole number, got 2.5"]
        );
        assert_eq!(
            problems_after("/sc/value", json!("C")),
            ["sc.value: \"C\" is not one of the options \"A\", \"B\""]
        );
        assert_eq!(
            problems_after("/tl/value", json!(["x", "x"])),
            ["tl.value[1]: \"x\" is listed twice"]
        );
        assert_eq!(
            problems_after("/t/evidence/quote", json!(" ")),
            ["t.evidence.quote: is empty; copy the passage that states the value"]
        );

        // Whole numbers written as 3.0 are stored as 3.
        let mut answer = good.clone();
        *answer.pointer_mut("/n/value").unwrap() = json!(3.0);
        let parsed = parse_step_answer(&form, &step, &answer).unwrap();
        match &parsed["n"] {
            AnswerNode::Field(f) => {
                assert_eq!(f.value, Some(json!(3)));
                assert_eq!(
                    f.evidence,
                    Some(Evidence {
                        quote: "as printed".to_owned(),
                        page: 2
                    })
                );
            }
            other => panic!("{other:?}"),
        }
        match &parsed["arms"] {
            AnswerNode::Entries(entries) => {
                assert_eq!(entries.len(), 2);
                assert!(matches!(entries[0]["doses"], AnswerNode::Entries(_)));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parsed["site"], AnswerNode::Object(_)));

        // The parsed answer serialises to the JSON it came from.
        assert_eq!(serde_json::to_value(&parsed).unwrap(), good);
    }

    #[test]
    fn parser_lists_every_problem_with_its_path() {
        let form = every_shape();
        let step = whole_form_step(&form);
        let mut answer = good_answer(&form.fields);
        *answer.pointer_mut("/x/value").unwrap() = json!("many");
        answer
            .pointer_mut("/arms/1/name")
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove("evidence");
        answer
            .as_object_mut()
            .unwrap()
            .insert("typo".to_owned(), json!(1));
        assert_eq!(
            parse_step_answer(&form, &step, &answer).unwrap_err(),
            [
                "x.value: expected a number, got \"many\"",
                "arms[1].name.evidence: missing; give {\"quote\", \"page\"} or null",
                "typo: unknown field; remove it",
            ]
        );
        assert_eq!(
            parse_step_answer(&form, &step, &json!([])).unwrap_err(),
            ["(root): expected an object keyed by field, got an array"]
        );
    }

    fn scalar_form(keys: &[&str]) -> FormDefinition {
        FormDefinition {
            name: "Scalars".to_owned(),
            description: String::new(),
            fields: keys
                .iter()
                .map(|k| FieldDef::new(k, k, FieldType::Text))
                .collect(),
        }
    }

    fn keys_per_step(plan: &ExtractionPlan) -> Vec<Vec<&str>> {
        plan.steps
            .iter()
            .map(|s| s.field_keys.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn scalar_fields_are_grouped_evenly_and_families_kept_together() {
        let keys: Vec<String> = (1..=20).map(|i| format!("f{i}")).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let plan = deterministic_plan(&scalar_form(&refs));
        let sizes: Vec<usize> = plan.steps.iter().map(|s| s.field_keys.len()).collect();
        assert_eq!(sizes, [7, 7, 6]);

        let form = scalar_form(&[
            "a",
            "b",
            "c",
            "d",
            "e",
            "dose_mean",
            "dose_sd",
            "dose_n",
            "f",
            "g",
        ]);
        let plan = deterministic_plan(&form);
        assert_eq!(
            keys_per_step(&plan),
            [
                vec!["a", "b", "c", "d", "e"],
                vec!["dose_mean", "dose_sd", "dose_n", "f", "g"]
            ]
        );
        assert_eq!(plan.steps[0].title, "a, b, c and 2 more");
        assert_eq!(check_plan(&form, &plan), Vec::<String>::new());
    }

    #[test]
    fn sub_forms_come_after_scalars_and_after_the_sub_forms_they_mention() {
        let mut comparisons = subform(
            "comparisons",
            true,
            vec![FieldDef::new("arm", "Arm", FieldType::Text)],
        );
        comparisons.label = "Comparisons".to_owned();
        let arms = subform(
            "arms",
            true,
            vec![FieldDef::new("name", "Name", FieldType::Text)],
        );
        let form = FormDefinition {
            name: "Mixed".to_owned(),
            description: String::new(),
            fields: vec![
                comparisons,
                FieldDef::new("title", "Title", FieldType::Text),
                arms,
            ],
        };
        let plan = deterministic_plan(&form);
        assert_eq!(
            keys_per_step(&plan),
            [vec!["title"], vec!["arms"], vec!["comparisons"]]
        );
        assert_eq!(plan.steps[1].depends_on, ["step_1"]);
        assert_eq!(plan.steps[2].depends_on, ["step_1", "step_2"]);
        assert_eq!(plan.steps[2].title, "Comparisons");
        assert!(
            plan.steps[2]
                .instructions
                .contains("comparisons: One entry per comparisons reported in the paper.")
        );
        assert_eq!(check_plan(&form, &plan), Vec::<String>::new());

        // Two sub-forms that mention each other keep the form's order.
        let a = subform(
            "alphas",
            true,
            vec![FieldDef::new("beta", "Beta", FieldType::Text)],
        );
        let b = subform(
            "betas",
            true,
            vec![FieldDef::new("alpha", "Alpha", FieldType::Text)],
        );
        let form = FormDefinition {
            name: "Cycle".to_owned(),
            description: String::new(),
            fields: vec![a, b],
        };
        let plan = deterministic_plan(&form);
        assert_eq!(keys_per_step(&plan), [vec!["alphas"], vec!["betas"]]);
        assert_eq!(plan.steps[1].depends_on, ["step_1"]);
    }

    #[test]
    fn instructions_name_fields_options_and_rules() {
        let form = preset_form("study_characteristics").unwrap();
        let plan = deterministic_plan(&form);
        assert_eq!(plan.steps.len(), 1);
        let text = &plan.steps[0].instructions;
        assert!(text.starts_with("This step fills part of the form \"Study characteristics\""));
        assert!(
            text.contains(
                "- Total randomised (`total_randomised`, whole number, in participants): "
            )
        );
        assert!(text.contains("  - \"cluster RCT\": "));
        assert!(text.contains("NCT"));
        assert!(text.contains("verbatim"));
        assert!(text.contains("not_reported: true"));
        let rob2 = preset_form("rob2").unwrap();
        let text = &deterministic_plan(&rob2).steps[0].instructions;
        assert!(text.contains("results: One entry per result assessed"));
        assert!(text.contains("  - 1.1 Was the allocation sequence random? (`q1_1`"));
    }

    #[test]
    fn preset_plans_are_sound_and_strict() {
        let mut summary = Vec::new();
        for preset in presets() {
            let form = preset_form(preset.id).unwrap();
            let plan = deterministic_plan(&form);
            assert_eq!(
                check_plan(&form, &plan),
                Vec::<String>::new(),
                "{}",
                preset.id
            );
            for step in &plan.steps {
                let schema = step_schema(&form, step);
                assert_eq!(
                    check_strict_subset(&schema),
                    Vec::<String>::new(),
                    "{} {}",
                    preset.id,
                    step.key
                );
                let legacy = check_strict_subset_with(&schema, &StrictLimits::OPENAI_2024);
                // Scalar steps fit even the 2024 limits.
                if step_fields(&form, step)
                    .iter()
                    .all(|f| f.field_type != FieldType::Subform)
                {
                    assert_eq!(legacy, Vec::<String>::new());
                }
                summary.push(format!(
                    "{} {} {:?} legacy-ok={}",
                    preset.id,
                    step.key,
                    step.field_keys,
                    legacy.is_empty()
                ));
            }
        }
        println!("{}", summary.join("\n"));
        // A plan survives a round trip through JSON (it is stored as JSONB).
        let plan = deterministic_plan(&preset_form("outcome_results").unwrap());
        let back: ExtractionPlan =
            serde_json::from_value(serde_json::to_value(&plan).unwrap()).unwrap();
        assert_eq!(back, plan);
    }

    #[test]
    fn check_plan_finds_every_problem() {
        let form = scalar_form(&["a", "b", "c", "d"]);
        let step = |key: &str, fields: &[&str], deps: &[&str]| PlanStep {
            key: key.to_owned(),
            title: "T".to_owned(),
            instructions: "I".to_owned(),
            field_keys: fields.iter().map(|s| s.to_string()).collect(),
            depends_on: deps.iter().map(|s| s.to_string()).collect(),
        };
        let mut empty_instructions = step("step_3", &["c"], &["step_1"]);
        empty_instructions.instructions = " ".to_owned();
        let plan = ExtractionPlan {
            steps: vec![
                step("step_1", &["a", "zz", "a"], &["step_2"]),
                step("step_2", &["b", "a"], &["step_1", "nope", "step_2"]),
                empty_instructions,
                step("step_1", &[], &[]),
            ],
        };
        assert_eq!(
            check_plan(&form, &plan),
            [
                "Step \"step_1\" lists \"zz\", which is not a top-level field of the form",
                "Step \"step_1\" lists field \"a\" twice",
                "Step \"step_1\" depends on step \"step_2\", which comes after it",
                "Field \"a\" is in two steps, \"step_1\" and \"step_2\"",
                "Step \"step_2\" depends on step \"nope\", which is not in the plan",
                "Step \"step_2\" depends on itself",
                "Step \"step_3\" has no instructions",
                "Step \"step_1\" is used as the key of two steps",
                "Step \"step_1\" has no fields",
                "Field \"d\" is in no step",
            ]
        );
        assert_eq!(
            check_plan(&form, &ExtractionPlan { steps: vec![] }),
            [
                "The plan has no steps",
                "Field \"a\" is in no step",
                "Field \"b\" is in no step",
                "Field \"c\" is in no step",
                "Field \"d\" is in no step",
            ]
        );
    }

    #[test]
    fn strict_subset_problems_are_caught() {
        let form = scalar_form(&["a"]);
        let step = &deterministic_plan(&form).steps[0];
        let good = step_schema(&form, step);
        assert_eq!(check_strict_subset(&good), Vec::<String>::new());

        let mut with_minimum = good.clone();
        with_minimum["properties"]["a"]["properties"]["confidence"]["minimum"] = json!(0);
        assert_eq!(
            check_strict_subset(&with_minimum),
            ["a.confidence: keyword \"minimum\" is outside the strict subset"]
        );

        let mut missing_required = good.clone();
        missing_required["properties"]["a"]["required"] =
            json!(["value", "not_reported", "evidence"]);
        assert_eq!(
            check_strict_subset(&missing_required),
            [
                "a: property \"confidence\" is not listed in required (strict mode needs every property required; make it nullable instead)"
            ]
        );

        let mut open_object = good.clone();
        open_object["properties"]["a"]["properties"]["evidence"]["anyOf"][0]
            .as_object_mut()
            .unwrap()
            .remove("additionalProperties");
        assert_eq!(
            check_strict_subset(&open_object),
            ["a.evidence.anyOf[0]: an object must have \"additionalProperties\": false"]
        );

        let mut formatted = good.clone();
        formatted["properties"]["a"]["properties"]["value"]["format"] = json!("date");
        assert_eq!(check_strict_subset(&formatted).len(), 1);

        let not_object = json!({"type": "array", "items": {"type": "string"}});
        assert_eq!(
            check_strict_subset(&not_object),
            ["(root): the root schema must have \"type\": \"object\""]
        );
    }

    #[test]
    fn strict_limits_are_enforced() {
        // Eleven nested objects.
        let mut deep = json!({"type": "object", "properties": {}, "required": [], "additionalProperties": false});
        for _ in 0..10 {
            deep = json!({"type": "object", "properties": {"x": deep}, "required": ["x"], "additionalProperties": false});
        }
        assert_eq!(
            check_strict_subset(&deep),
            ["(root): objects are nested 11 levels deep; at most 10 are allowed"]
        );
        // Arrays do not add levels.
        let arrays = json!({"type": "object", "properties": {"l": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}},
            "required": ["l"], "additionalProperties": false});
        assert_eq!(check_strict_subset(&arrays), Vec::<String>::new());

        let names: Vec<String> = (0..101).map(|i| format!("p{i}")).collect();
        let properties: Map<String, Value> = names
            .iter()
            .map(|n| (n.clone(), json!({"type": "string"})))
            .collect();
        let wide = json!({"type": "object", "properties": properties, "required": names, "additionalProperties": false});
        assert_eq!(check_strict_subset(&wide), Vec::<String>::new());
        assert_eq!(
            check_strict_subset_with(&wide, &StrictLimits::OPENAI_2024),
            ["(root): 101 properties in all; at most 100 are allowed"]
        );

        let values: Vec<String> = (0..501).map(|i| format!("v{i}")).collect();
        let big_enum = json!({"type": "object", "properties": {"e": {"type": "string", "enum": values}},
            "required": ["e"], "additionalProperties": false});
        assert_eq!(
            check_strict_subset(&big_enum),
            ["e: enum has 501 values; at most 500 are allowed"]
        );
    }

    #[test]
    fn dates() {
        for good in ["2020", "2020-02", "2020-02-29"] {
            assert!(is_partial_date(good), "{good}");
        }
        for bad in [
            "20",
            "2020-2",
            "2020-00",
            "2020-01-32",
            "2020/01/01",
            "2020-01-01-01",
            "",
        ] {
            assert!(!is_partial_date(bad), "{bad}");
        }
    }
}
