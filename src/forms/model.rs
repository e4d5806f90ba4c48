//! The extraction form: what a review team agrees to extract from every paper.
//!
//! Target-independent (browser and server parse and validate the same way).
//! A form is a tree of fields; a `Subform` field holds child fields and may
//! repeat (one entry per arm, per comparison, …). Field keys are identifiers,
//! unique among their siblings and stable across versions: every stored value,
//! export column and accuracy figure is addressed by a path of keys.

use serde::{Deserialize, Serialize};

/// The version of the JSON format of an exported form (see `format.rs`).
pub const FORM_FORMAT_VERSION: u32 = 1;
/// The `format` tag of an exported form file.
pub const FORM_FORMAT_TAG: &str = "evistream.form";

/// The type of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    Integer,
    Boolean,
    /// ISO 8601 calendar date (`YYYY-MM-DD`), or a year-month / year when that
    /// is all the paper gives.
    Date,
    SingleChoice,
    MultipleChoice,
    /// A list of short texts (e.g. countries).
    TextList,
    /// An object with child fields; may repeat.
    Subform,
}

impl FieldType {
    pub const ALL: [FieldType; 9] = [
        FieldType::Text,
        FieldType::Number,
        FieldType::Integer,
        FieldType::Boolean,
        FieldType::Date,
        FieldType::SingleChoice,
        FieldType::MultipleChoice,
        FieldType::TextList,
        FieldType::Subform,
    ];

    /// The identifier used in JSON and in the UI's select.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
            FieldType::SingleChoice => "single_choice",
            FieldType::MultipleChoice => "multiple_choice",
            FieldType::TextList => "text_list",
            FieldType::Subform => "subform",
        }
    }

    pub fn parse(raw: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.as_str() == raw)
    }

    /// A human label for the type.
    pub fn label(self) -> &'static str {
        match self {
            FieldType::Text => "Text",
            FieldType::Number => "Number",
            FieldType::Integer => "Whole number",
            FieldType::Boolean => "Yes / no",
            FieldType::Date => "Date",
            FieldType::SingleChoice => "Single choice",
            FieldType::MultipleChoice => "Multiple choice",
            FieldType::TextList => "List of text",
            FieldType::Subform => "Sub-form",
        }
    }

    pub fn is_choice(self) -> bool {
        matches!(self, FieldType::SingleChoice | FieldType::MultipleChoice)
    }
}

/// One option of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// The value stored and exported (e.g. "PY").
    pub value: String,
    /// What the option means (e.g. "Probably yes"); optional.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Other ways a paper states this option (used by extractors and grounding).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
}

/// One field of a form, or of a sub-form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Identifier: `[a-z][a-z0-9_]*`, at most 64 characters, unique among its siblings.
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Choice types only; at least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// Number and integer only (e.g. "mg/dL").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub example: String,
    /// Where and how to find the value in a paper.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hints: String,
    #[serde(default)]
    pub required: bool,
    /// Sub-form only: one entry per arm, comparison, … (a list of objects)
    /// rather than a single object.
    #[serde(default)]
    pub repeating: bool,
    /// Sub-form only: the child fields; at least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDef>,
}

impl FieldDef {
    /// A new field with empty optional parts.
    pub fn new(key: &str, label: &str, field_type: FieldType) -> Self {
        FieldDef {
            key: key.to_owned(),
            label: label.to_owned(),
            description: String::new(),
            field_type,
            options: Vec::new(),
            unit: String::new(),
            example: String::new(),
            hints: String::new(),
            required: false,
            repeating: false,
            fields: Vec::new(),
        }
    }
}

/// The definition of a form: what a form version freezes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub fields: Vec<FieldDef>,
}

/// A problem with a form, tied to the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormProblem {
    /// Dotted key path of the field (`arms.n_randomised`), or `""` for the form
    /// itself, or a JSON-ish location for import problems (`fields[2].options`).
    pub path: String,
    /// Index path from the root (`[3, 1]` = second child of the fourth field),
    /// so the builder can show the message beside the field even when its key
    /// is empty or duplicated. Empty for form-level problems.
    pub index_path: Vec<usize>,
    /// A sentence-case message, e.g. "Key \"arm\" is used twice in this sub-form".
    pub message: String,
}
