//! The parsing of an extractor's answer to a step into a [`StepAnswer`]: the
//! structure (entries, not_reported, confidence, evidence) here, the values of
//! each field type in `answer_values`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::answer_values::integral;
use super::{MAX_ANSWER_PROBLEMS, PlanStep, step_fields};
use crate::extraction::answer::{AnswerNode, Evidence, FieldAnswer, StepAnswer};
use crate::forms::model::{FieldDef, FieldType, FormDefinition};

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

#[derive(Default)]
pub(super) struct AnswerParser {
    pub(super) problems: Vec<String>,
}

fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn shown(value: &Value) -> String {
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
    pub(super) fn problem(&mut self, path: &str, message: String) {
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
}
