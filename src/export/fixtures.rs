//! Hand-made forms and values shared by the export tests.

use serde_json::Value;
use uuid::Uuid;

use super::format::{ExportDocument, ExportValue};
use crate::forms::model::{ChoiceOption, FieldDef, FieldType, FormDefinition};

/// A quote that would be a live link if a spreadsheet ran it.
pub const HYPERLINK: &str = "=HYPERLINK(\"http://x\",\"y\")";

fn choice(key: &str, label: &str, values: &[&str]) -> FieldDef {
    let mut f = FieldDef::new(key, label, FieldType::SingleChoice);
    f.options = values
        .iter()
        .map(|v| ChoiceOption {
            value: (*v).to_owned(),
            description: format!("{v} meaning"),
            synonyms: Vec::new(),
        })
        .collect();
    f
}

fn subform(key: &str, label: &str, repeating: bool, fields: Vec<FieldDef>) -> FieldDef {
    let mut f = FieldDef::new(key, label, FieldType::Subform);
    f.repeating = repeating;
    f.fields = fields;
    f
}

/// Top-level fields, a repeating sub-form with a non-repeating one and a
/// nested repeating one inside.
pub fn sample_form() -> FormDefinition {
    FormDefinition {
        name: "Sample".to_owned(),
        description: String::new(),
        fields: vec![
            choice("design", "Design", &["RCT", "cohort"]),
            FieldDef::new("countries", "Countries", FieldType::TextList),
            FieldDef::new("total", "Total", FieldType::Integer),
            subform(
                "comparisons",
                "Comparisons",
                true,
                vec![
                    FieldDef::new("outcome", "Outcome", FieldType::Text),
                    FieldDef::new("events", "Events", FieldType::Integer),
                    subform(
                        "estimate",
                        "Estimate",
                        false,
                        vec![FieldDef::new("value", "Value", FieldType::Number)],
                    ),
                    subform(
                        "timepoints",
                        "Time points",
                        true,
                        vec![FieldDef::new("week", "Week", FieldType::Integer)],
                    ),
                ],
            ),
        ],
    }
}

pub fn doc(n: u128, name: &str) -> ExportDocument {
    ExportDocument {
        id: Uuid::from_u128(n),
        name: name.to_owned(),
    }
}

/// A reported value with a quote on page 3, confidence 0.9, verified.
pub fn value(path: &str, json: Value) -> ExportValue {
    ExportValue {
        field_path: path.to_owned(),
        value: Some(json),
        not_reported: false,
        quote: Some(format!("quote of {path}")),
        page: Some(3),
        confidence: 0.9,
        status: "verified".to_owned(),
    }
}

pub fn not_reported(path: &str) -> ExportValue {
    ExportValue {
        field_path: path.to_owned(),
        value: None,
        not_reported: true,
        quote: None,
        page: None,
        confidence: 0.5,
        status: "not reported".to_owned(),
    }
}

/// Values of the sample form for one document, in a scrambled order (the
/// store returns insertion order, not form order), with a formula in a quote
/// and a text value, a negative number and an unknown path.
pub fn sample_values() -> Vec<ExportValue> {
    let mut evil = value("comparisons[1].outcome", Value::from("=cmd|' /C calc'!A0"));
    evil.quote = Some(HYPERLINK.to_owned());
    vec![
        value("comparisons[0].timepoints[1].week", Value::from(12)),
        value("comparisons[0].outcome", Value::from("Mortality")),
        evil,
        value("comparisons[1].estimate.value", Value::from(-3.5)),
        value("design", Value::from("RCT")),
        value("countries", serde_json::json!(["Kenya", "Uganda"])),
        not_reported("total"),
        value("comparisons[0].events", Value::from(7)),
        value("renamed_field", Value::from("lost?")),
    ]
}
