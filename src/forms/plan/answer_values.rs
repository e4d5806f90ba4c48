//! The typed value of one field in an extractor's answer: each field type's
//! accepted JSON, known options, whole numbers and partial dates.

use std::collections::HashSet;

use serde_json::Value;

use super::answer::{AnswerParser, shown};
use crate::forms::model::{FieldDef, FieldType};

impl AnswerParser {
    pub(super) fn typed_value(
        &mut self,
        field: &FieldDef,
        raw: &Value,
        path: &str,
    ) -> Option<Value> {
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
pub(super) fn integral(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    // The bounds keep the cast exact and in range.
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a plausible month and day.
pub(super) fn is_partial_date(text: &str) -> bool {
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
