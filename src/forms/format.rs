//! The JSON file format of a form, for export and import.
//!
//! A form file is one JSON object:
//!
//! ```json
//! {
//!   "format": "evistream.form",
//!   "version": 1,
//!   "form": {
//!     "name": "Arms",
//!     "description": "One entry per study arm.",
//!     "fields": [
//!       {
//!         "key": "arms",
//!         "label": "Study arms",
//!         "type": "subform",
//!         "required": false,
//!         "repeating": true,
//!         "fields": [
//!           { "key": "name", "label": "Arm name", "type": "text",
//!             "required": true, "repeating": false },
//!           { "key": "n_randomised", "label": "Randomised", "type": "integer",
//!             "unit": "participants", "required": false, "repeating": false }
//!         ]
//!       }
//!     ]
//!   }
//! }
//! ```
//!
//! - `format` is always `"evistream.form"`; `version` is the format version
//!   (currently 1). A newer version is refused rather than half-read.
//! - `form`: `name` (text, required, at most 200 characters), `description`
//!   (text, optional), `fields` (a list of at least one field).
//! - A field: `key` (required; `[a-z][a-z0-9_]*`, at most 64 characters, unique
//!   among its siblings), `label` (required), `type` (required; one of `text`,
//!   `number`, `integer`, `boolean`, `date`, `single_choice`,
//!   `multiple_choice`, `text_list`, `subform`), and optionally `description`,
//!   `unit` (number and integer only), `example`, `hints` (where and how to find
//!   the value in a paper), `required` and `repeating` (true or false;
//!   `repeating` is for sub-forms only), `options` (choice types only, at least
//!   one: each `{"value": "PY", "description": "Probably yes", "synonyms":
//!   ["probably yes"]}` with only `value` required) and `fields` (sub-forms
//!   only: the child fields, nested at most 4 levels deep).
//! - Export writes properties in the order above and leaves out empty optional
//!   text and lists, so exporting the same form twice gives the same bytes.
//! - Import accepts exactly these properties: an unknown one (a typo such as
//!   `lable`) is a problem, not something silently dropped. It reports every
//!   problem it finds, each with its location in the file (`fields[2].type`,
//!   `fields[5].fields[0].label`), and imports nothing unless there are none.

use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{
    ChoiceOption, FORM_FORMAT_TAG, FORM_FORMAT_VERSION, FieldDef, FieldType, FormDefinition,
    FormProblem,
};
use super::validate::validate;

/// At most this many problems are listed; a file with more is not worth
/// reading problem by problem, and the list must stay displayable.
pub const MAX_IMPORT_PROBLEMS: usize = 100;

const FILE_PROPERTIES: [&str; 3] = ["format", "version", "form"];
const FORM_PROPERTIES: [&str; 3] = ["name", "description", "fields"];
const FIELD_PROPERTIES: [&str; 11] = [
    "key",
    "label",
    "description",
    "type",
    "options",
    "unit",
    "example",
    "hints",
    "required",
    "repeating",
    "fields",
];
const OPTION_PROPERTIES: [&str; 3] = ["value", "description", "synonyms"];

#[derive(Serialize)]
struct FormFile<'a> {
    format: &'static str,
    version: u32,
    form: &'a FormDefinition,
}

/// The form as a canonical, pretty-printed form file (ending in a newline).
pub fn export_json(form: &FormDefinition) -> String {
    let file = FormFile {
        format: FORM_FORMAT_TAG,
        version: FORM_FORMAT_VERSION,
        form,
    };
    // Serialising plain structs with string keys cannot fail, so the empty
    // fallback is never taken.
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a form file. On failure returns every problem found (at most
/// [`MAX_IMPORT_PROBLEMS`]): first those of the file's structure, with
/// JSON locations, then those [`validate`] finds in a well-formed form.
pub fn import_json(text: &str) -> Result<FormDefinition, Vec<FormProblem>> {
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(error) => return Err(vec![not_json(text, &error)]),
    };
    let mut reader = Reader::default();
    let form = reader.file(&root);
    let mut problems = reader.problems;
    if let Some(form) = &form {
        // Semantic problems of fields that already have a structural problem
        // would mostly repeat it ("Label is required" after "Property label is
        // missing"), so they are left out.
        for problem in validate(form) {
            let field_broken = !problem.index_path.is_empty()
                && reader.broken_fields.contains(&problem.index_path);
            let form_broken = problem.index_path.is_empty() && reader.form_broken;
            if !field_broken && !form_broken {
                problems.push(FormProblem {
                    path: location_of(&problem.index_path),
                    ..problem
                });
            }
        }
    }
    match form {
        Some(form) if problems.is_empty() => Ok(form),
        _ => Err(cap(problems)),
    }
}

/// The JSON location of a field from its index path: `[2, 0]` → `fields[2].fields[0]`.
pub fn location_of(index_path: &[usize]) -> String {
    index_path
        .iter()
        .map(|i| format!("fields[{i}]"))
        .collect::<Vec<_>>()
        .join(".")
}

fn cap(mut problems: Vec<FormProblem>) -> Vec<FormProblem> {
    if problems.len() > MAX_IMPORT_PROBLEMS {
        let more = problems.len() - (MAX_IMPORT_PROBLEMS - 1);
        problems.truncate(MAX_IMPORT_PROBLEMS - 1);
        problems.push(FormProblem {
            path: String::new(),
            index_path: Vec::new(),
            message: format!("And {more} more problems; fix these first"),
        });
    }
    problems
}

fn not_json(text: &str, error: &serde_json::Error) -> FormProblem {
    let message = if text.trim().is_empty() {
        "The file is empty".to_owned()
    } else {
        // serde_json's message ends with " at line L column C"; it is
        // restated in the app's own words.
        let full = error.to_string();
        let detail = match full.rfind(" at line ") {
            Some(at) => &full[..at],
            None => full.as_str(),
        };
        format!(
            "The file is not valid JSON: {detail} (line {}, column {})",
            error.line(),
            error.column()
        )
    };
    FormProblem {
        path: String::new(),
        index_path: Vec::new(),
        message,
    }
}

/// How a JSON value is named in messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn join(location: &str, name: &str) -> String {
    if location.is_empty() {
        name.to_owned()
    } else {
        format!("{location}.{name}")
    }
}

/// The known name closest to a misspelt one, if it is close enough to be a typo.
fn did_you_mean<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Walks the parsed JSON, collecting every structural problem and building
/// the best form it can, so that `validate` can look at the rest.
#[derive(Default)]
struct Reader {
    problems: Vec<FormProblem>,
    /// Index paths of fields with a structural problem.
    broken_fields: Vec<Vec<usize>>,
    /// Whether the form's own properties had a structural problem.
    form_broken: bool,
}

impl Reader {
    fn push(&mut self, location: &str, index_path: &[usize], message: String) {
        self.problems.push(FormProblem {
            path: location.to_owned(),
            index_path: index_path.to_vec(),
            message,
        });
    }

    fn file(&mut self, root: &Value) -> Option<FormDefinition> {
        let Some(object) = root.as_object() else {
            self.push(
                "",
                &[],
                format!(
                    "The file must hold a JSON object with format, version and form, not {}",
                    kind_of(root)
                ),
            );
            return None;
        };
        self.unknown_properties(object, "", &[], &FILE_PROPERTIES);
        let before = self.problems.len();
        match object.get("format") {
            None => self.push(
                "format",
                &[],
                format!("Property format is missing; a form file has \"format\": \"{FORM_FORMAT_TAG}\""),
            ),
            Some(Value::String(tag)) if tag == FORM_FORMAT_TAG => {}
            Some(other) => self.push(
                "format",
                &[],
                format!("This is not an eviStream form file: format is {other}, expected \"{FORM_FORMAT_TAG}\""),
            ),
        }
        match object.get("version") {
            None => self.push(
                "version",
                &[],
                format!("Property version is missing; this eviStream reads version {FORM_FORMAT_VERSION}"),
            ),
            Some(Value::Number(n)) if n.as_u64() == Some(u64::from(FORM_FORMAT_VERSION)) => {}
            Some(Value::Number(n)) if n.as_u64().is_some_and(|v| v > u64::from(FORM_FORMAT_VERSION)) => {
                self.push(
                    "version",
                    &[],
                    format!(
                        "Version {n} was written by a newer eviStream; this one reads version {FORM_FORMAT_VERSION}"
                    ),
                )
            }
            Some(other) => self.push(
                "version",
                &[],
                format!("Version {other} is not supported; this eviStream reads version {FORM_FORMAT_VERSION}"),
            ),
        }
        let header_ok = self.problems.len() == before;
        let Some(form) = object.get("form") else {
            self.push("form", &[], "Property form is missing".to_owned());
            return None;
        };
        // The layout of `form` is defined by the format and version; when they
        // are wrong, listing its "problems" would only be noise.
        if !header_ok {
            return None;
        }
        self.form(form)
    }

    fn form(&mut self, value: &Value) -> Option<FormDefinition> {
        let Some(object) = value.as_object() else {
            self.push(
                "form",
                &[],
                format!("Property form must be an object, not {}", kind_of(value)),
            );
            return None;
        };
        let before = self.problems.len();
        self.unknown_properties(object, "", &[], &FORM_PROPERTIES);
        let name = self.text(object, "name", "", &[], true);
        let description = self.text(object, "description", "", &[], false);
        let fields = self.field_list(object, "", &[]);
        self.form_broken = self.problems.len() > before;
        Some(FormDefinition {
            name,
            description,
            fields,
        })
    }

    /// The `fields` list of the form or of a sub-form (absent = empty; its
    /// emptiness is `validate`'s business).
    fn field_list(
        &mut self,
        object: &Map<String, Value>,
        location: &str,
        index_path: &[usize],
    ) -> Vec<FieldDef> {
        let list_location = join(location, "fields");
        match object.get("fields") {
            None if index_path.is_empty() => {
                self.push(
                    &list_location,
                    index_path,
                    "Property fields is missing".to_owned(),
                );
                Vec::new()
            }
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let mut child_path = index_path.to_vec();
                    child_path.push(i);
                    self.field(item, &format!("{list_location}[{i}]"), &child_path)
                })
                .collect(),
            Some(other) => {
                self.push(
                    &list_location,
                    index_path,
                    format!("Property fields must be a list, not {}", kind_of(other)),
                );
                Vec::new()
            }
        }
    }

    fn field(&mut self, value: &Value, location: &str, index_path: &[usize]) -> FieldDef {
        let before = self.problems.len();
        let mut field = FieldDef::new("", "", FieldType::Text);
        let Some(object) = value.as_object() else {
            self.push(
                location,
                index_path,
                format!("A field must be an object, not {}", kind_of(value)),
            );
            self.broken_fields.push(index_path.to_vec());
            return field;
        };
        self.unknown_properties(object, location, index_path, &FIELD_PROPERTIES);
        field.key = self.text(object, "key", location, index_path, true);
        field.label = self.text(object, "label", location, index_path, true);
        field.description = self.text(object, "description", location, index_path, false);
        if let Some(field_type) = self.field_type(object, location, index_path) {
            field.field_type = field_type;
        }
        field.options = self.options(object, location, index_path);
        field.unit = self.text(object, "unit", location, index_path, false);
        field.example = self.text(object, "example", location, index_path, false);
        field.hints = self.text(object, "hints", location, index_path, false);
        field.required = self.flag(object, "required", location, index_path);
        field.repeating = self.flag(object, "repeating", location, index_path);
        // Problems inside child fields are their own; only this field's count.
        let own_problems = self.problems.len() > before;
        if own_problems {
            self.broken_fields.push(index_path.to_vec());
        }
        field.fields = self.field_list(object, location, index_path);
        field
    }

    fn field_type(
        &mut self,
        object: &Map<String, Value>,
        location: &str,
        index_path: &[usize],
    ) -> Option<FieldType> {
        let here = join(location, "type");
        let names: Vec<&str> = FieldType::ALL.iter().map(|t| t.as_str()).collect();
        match object.get("type") {
            None => {
                self.push(&here, index_path, "Property type is missing".to_owned());
                None
            }
            Some(Value::String(raw)) => {
                let parsed = FieldType::parse(raw);
                if parsed.is_none() {
                    let hint = did_you_mean(raw, &names)
                        .map(|k| format!(" (did you mean \"{k}\"?)"))
                        .unwrap_or_default();
                    self.push(
                        &here,
                        index_path,
                        format!(
                            "Unknown type \"{raw}\"{hint}; expected one of {}",
                            names.join(", ")
                        ),
                    );
                }
                parsed
            }
            Some(other) => {
                self.push(
                    &here,
                    index_path,
                    format!("Property type must be text, not {}", kind_of(other)),
                );
                None
            }
        }
    }

    fn options(
        &mut self,
        object: &Map<String, Value>,
        location: &str,
        index_path: &[usize],
    ) -> Vec<ChoiceOption> {
        let here = join(location, "options");
        let items = match object.get("options") {
            None => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.push(
                    &here,
                    index_path,
                    format!("Property options must be a list, not {}", kind_of(other)),
                );
                return Vec::new();
            }
        };
        let mut options = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("{here}[{i}]");
            match item {
                Value::Object(option) => {
                    self.unknown_properties(option, &at, index_path, &OPTION_PROPERTIES);
                    let value = self.text(option, "value", &at, index_path, true);
                    let description = self.text(option, "description", &at, index_path, false);
                    let synonyms = self.text_list(option, "synonyms", &at, index_path);
                    options.push(ChoiceOption {
                        value,
                        description,
                        synonyms,
                    });
                }
                other => self.push(
                    &at,
                    index_path,
                    format!(
                        "An option must be an object such as {{\"value\": \"Y\"}}, not {}",
                        kind_of(other)
                    ),
                ),
            }
        }
        options
    }

    fn text(
        &mut self,
        object: &Map<String, Value>,
        name: &str,
        location: &str,
        index_path: &[usize],
        required: bool,
    ) -> String {
        match object.get(name) {
            Some(Value::String(text)) => text.clone(),
            None if !required => String::new(),
            None => {
                self.push(
                    &join(location, name),
                    index_path,
                    format!("Property {name} is missing"),
                );
                String::new()
            }
            Some(other) => {
                self.push(
                    &join(location, name),
                    index_path,
                    format!("Property {name} must be text, not {}", kind_of(other)),
                );
                String::new()
            }
        }
    }

    fn text_list(
        &mut self,
        object: &Map<String, Value>,
        name: &str,
        location: &str,
        index_path: &[usize],
    ) -> Vec<String> {
        let here = join(location, name);
        match object.get(name) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut texts = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(text) => texts.push(text.clone()),
                        other => self.push(
                            &format!("{here}[{i}]"),
                            index_path,
                            format!("Each of {name} must be text, not {}", kind_of(other)),
                        ),
                    }
                }
                texts
            }
            Some(other) => {
                self.push(
                    &here,
                    index_path,
                    format!(
                        "Property {name} must be a list of texts, not {}",
                        kind_of(other)
                    ),
                );
                Vec::new()
            }
        }
    }

    fn flag(
        &mut self,
        object: &Map<String, Value>,
        name: &str,
        location: &str,
        index_path: &[usize],
    ) -> bool {
        match object.get(name) {
            None => false,
            Some(Value::Bool(flag)) => *flag,
            Some(other) => {
                self.push(
                    &join(location, name),
                    index_path,
                    format!(
                        "Property {name} must be true or false, not {}",
                        kind_of(other)
                    ),
                );
                false
            }
        }
    }

    fn unknown_properties(
        &mut self,
        object: &Map<String, Value>,
        location: &str,
        index_path: &[usize],
        known: &[&str],
    ) {
        for name in object.keys() {
            if known.contains(&name.as_str()) {
                continue;
            }
            let hint = did_you_mean(name, known)
                .map(|k| format!("; did you mean \"{k}\"?"))
                .unwrap_or_else(|| format!("; expected {}", known.join(", ")));
            self.push(
                &join(location, name),
                index_path,
                format!("Unknown property \"{name}\"{hint}"),
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full_form() -> FormDefinition {
        let mut design = FieldDef::new("design", "Design", FieldType::SingleChoice);
        design.description = "How participants were allocated.".to_owned();
        design.options = vec![ChoiceOption {
            value: "parallel".to_owned(),
            description: "Parallel groups".to_owned(),
            synonyms: vec!["parallel-group".to_owned()],
        }];
        design.example = "parallel".to_owned();
        design.hints = "Methods section.".to_owned();
        design.required = true;
        let mut n = FieldDef::new("n", "Randomised", FieldType::Integer);
        n.unit = "participants".to_owned();
        let mut arms = FieldDef::new("arms", "Arms", FieldType::Subform);
        arms.repeating = true;
        arms.fields = vec![n];
        FormDefinition {
            name: "Example".to_owned(),
            description: "A form.".to_owned(),
            fields: vec![design, arms],
        }
    }

    fn file(form: Value) -> String {
        json!({"format": "evistream.form", "version": 1, "form": form}).to_string()
    }

    fn locations(problems: &[FormProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.path.as_str()).collect()
    }

    #[test]
    fn export_is_canonical_and_round_trips() {
        let form = full_form();
        let text = export_json(&form);
        assert!(text.starts_with("{\n  \"format\": \"evistream.form\",\n  \"version\": 1,\n  \"form\": {\n    \"name\": \"Example\""));
        assert!(text.ends_with("}\n"));
        // Empty optional parts are left out.
        assert!(!text.contains("\"hints\": \"\""));
        assert_eq!(import_json(&text), Ok(form.clone()));
        assert_eq!(export_json(&import_json(&text).unwrap()), text);
    }

    #[test]
    fn every_preset_round_trips_exactly() {
        for preset in crate::forms::presets::presets() {
            let form = crate::forms::presets::preset_form(preset.id).unwrap();
            let text = export_json(&form);
            let back = import_json(&text).unwrap_or_else(|p| panic!("{}: {p:?}", preset.id));
            assert_eq!(back, form, "{}", preset.id);
            assert_eq!(export_json(&back), text, "{}", preset.id);
        }
    }

    #[test]
    fn the_reader_knows_every_property_serde_writes() {
        // If the model gains a property, the hand-written reader must learn it
        // too; this catches the drift.
        let value = serde_json::to_value(full_form()).unwrap();
        let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
        let mut form_keys = keys(&value);
        form_keys.sort();
        let mut expected: Vec<String> = FORM_PROPERTIES.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(form_keys, expected);
        let mut field_keys = keys(&value["fields"][0]);
        field_keys.extend(keys(&value["fields"][1]));
        field_keys.extend(keys(&value["fields"][1]["fields"][0]));
        field_keys.sort();
        field_keys.dedup();
        let mut expected: Vec<String> = FIELD_PROPERTIES.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(field_keys, expected);
        let mut option_keys = keys(&value["fields"][0]["options"][0]);
        option_keys.sort();
        assert_eq!(option_keys, ["description", "synonyms", "value"]);
    }

    #[test]
    fn not_json_gives_line_and_column() {
        let problems =
            import_json("{\n  \"format\": \"evistream.form\",\n  \"version\": 1 x\n}").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .starts_with("The file is not valid JSON: "),
            "{}",
            problems[0].message
        );
        assert!(
            problems[0].message.ends_with("(line 3, column 16)"),
            "{}",
            problems[0].message
        );
        assert_eq!(
            import_json("  ").unwrap_err()[0].message,
            "The file is empty"
        );
        assert_eq!(
            import_json("[1]").unwrap_err()[0].message,
            "The file must hold a JSON object with format, version and form, not a list"
        );
    }

    #[test]
    fn header_problems() {
        let problems = import_json(r#"{"form": {}}"#).unwrap_err();
        assert_eq!(locations(&problems), ["format", "version"]);

        let problems =
            import_json(r#"{"format": "other.thing", "version": 1, "form": {}}"#).unwrap_err();
        assert_eq!(
            problems[0].message,
            "This is not an eviStream form file: format is \"other.thing\", expected \"evistream.form\""
        );
        assert_eq!(problems.len(), 1, "the form is not read under a wrong tag");

        let problems =
            import_json(r#"{"format": "evistream.form", "version": 2, "form": {}}"#).unwrap_err();
        assert_eq!(
            problems[0].message,
            "Version 2 was written by a newer eviStream; this one reads version 1"
        );
        let problems =
            import_json(r#"{"format": "evistream.form", "version": "1", "form": {}}"#).unwrap_err();
        assert_eq!(
            problems[0].message,
            "Version \"1\" is not supported; this eviStream reads version 1"
        );

        let problems =
            import_json(r#"{"format": "evistream.form", "version": 1, "extra": 1}"#).unwrap_err();
        assert_eq!(locations(&problems), ["extra", "form"]);
        assert_eq!(problems[1].message, "Property form is missing");
    }

    #[test]
    fn every_structural_problem_is_listed_with_its_location() {
        let text = file(json!({
            "name": "Broken",
            "fields": [
                {"key": "a", "label": "A", "type": "text"},
                {"key": "b", "label": "B", "type": "text"},
                {"key": "c", "label": "C", "type": "numbr"},
                {"key": "d", "lable": "D", "type": "text"},
                {"key": "e", "label": "E", "type": "single_choice", "options": ["Y", {"value": 1}]},
                {"key": "f", "label": "F", "type": "subform", "repeating": "yes",
                 "fields": [{"key": "g", "type": "integer"}]}
            ]
        }));
        let problems = import_json(&text).unwrap_err();
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "fields[2].type",
                    "Unknown type \"numbr\" (did you mean \"number\"?); expected one of text, number, integer, boolean, date, single_choice, multiple_choice, text_list, subform"
                ),
                (
                    "fields[3].lable",
                    "Unknown property \"lable\"; did you mean \"label\"?"
                ),
                ("fields[3].label", "Property label is missing"),
                (
                    "fields[4].options[0]",
                    "An option must be an object such as {\"value\": \"Y\"}, not text"
                ),
                (
                    "fields[4].options[1].value",
                    "Property value must be text, not a number"
                ),
                (
                    "fields[5].repeating",
                    "Property repeating must be true or false, not text"
                ),
                ("fields[5].fields[0].label", "Property label is missing"),
            ]
        );
        assert_eq!(problems[6].index_path, vec![5, 0]);
        assert_eq!(problems[0].index_path, vec![2]);
    }

    #[test]
    fn validation_problems_follow_structural_ones() {
        let text = file(json!({
            "name": "Mixed",
            "fields": [
                {"key": "Bad Key", "label": "A", "type": "text"},
                {"key": "b", "label": "B", "type": "text", "unit": 3},
                {"key": "c", "label": "C", "type": "subform", "fields": []}
            ]
        }));
        let problems = import_json(&text).unwrap_err();
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("fields[1].unit", "Property unit must be text, not a number"),
                (
                    "fields[0]",
                    "Key \"Bad Key\" must start with a lowercase letter (a to z)"
                ),
                ("fields[2]", "A sub-form needs at least one field"),
            ]
        );
    }

    #[test]
    fn a_valid_file_with_no_fields_is_refused_by_validation() {
        let problems = import_json(&file(json!({"name": "", "fields": []}))).unwrap_err();
        assert_eq!(
            problems
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>(),
            [
                "The form needs a name",
                "The form has no fields; add at least one"
            ]
        );
    }

    #[test]
    fn problems_are_capped() {
        let fields: Vec<Value> = (0..150)
            .map(|_| json!({"key": "a", "label": "A", "type": "nope"}))
            .collect();
        let problems = import_json(&file(json!({"name": "Many", "fields": fields}))).unwrap_err();
        assert_eq!(problems.len(), MAX_IMPORT_PROBLEMS);
        assert_eq!(
            problems.last().unwrap().message,
            "And 51 more problems; fix these first"
        );
    }

    #[test]
    fn typo_suggestions() {
        assert_eq!(did_you_mean("lable", &FIELD_PROPERTIES), Some("label"));
        assert_eq!(did_you_mean("repeat", &FIELD_PROPERTIES), None);
        assert_eq!(
            did_you_mean("text_lst", &["text", "text_list"]),
            Some("text_list")
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
