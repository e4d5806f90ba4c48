//! What an extractor answers for one step of a plan, in the shape the step's
//! JSON Schema describes (see `forms::plan`), and the flat values stored from it.
//!
//! Target-independent. The JSON shape of a step's answer is an object keyed by
//! the step's field keys:
//! - a scalar field (any type but sub-form) → a field answer
//!   `{"value": <typed or null>, "not_reported": bool,
//!     "evidence": {"quote": "...", "page": 3} | null, "confidence": 0.0–1.0}`;
//!   `not_reported: true` is the explicit "the paper is silent" answer and then
//!   `value` and `evidence` are null; otherwise `value` and `evidence` are set;
//! - a repeating sub-form → an array of entries, each an object keyed by the
//!   sub-form's child keys (recursively the same rules);
//! - a non-repeating sub-form → one such object.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A verbatim passage of the paper and the page it is on (1-based).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub quote: String,
    pub page: u32,
}

/// One grounded input of a derived value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivationInput {
    /// What the input is, e.g. "SE" or "n".
    pub name: String,
    pub value: f64,
    pub evidence: Evidence,
}

/// How a value not printed in the paper was computed from values that are,
/// e.g. SD = SE × √n (Cochrane Handbook 6.5.2.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Derivation {
    pub formula: String,
    pub inputs: Vec<DerivationInput>,
}

/// The answer for one scalar field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldAnswer {
    /// Typed as the field: string, number, integer, boolean, date string,
    /// option value, array of option values or of strings. `None` when not reported.
    pub value: Option<serde_json::Value>,
    pub not_reported: bool,
    pub evidence: Option<Evidence>,
    /// How strong the evidence is, 0.0 to 1.0.
    pub confidence: f32,
    /// Set only for values computed from other values (never part of an LLM answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derivation: Option<Derivation>,
}

impl FieldAnswer {
    /// The explicit "the paper does not report this" answer.
    pub fn not_reported(confidence: f32) -> Self {
        FieldAnswer {
            value: None,
            not_reported: true,
            evidence: None,
            confidence,
            derivation: None,
        }
    }

    pub fn reported(value: serde_json::Value, quote: &str, page: u32, confidence: f32) -> Self {
        FieldAnswer {
            value: Some(value),
            not_reported: false,
            evidence: Some(Evidence {
                quote: quote.to_owned(),
                page,
            }),
            confidence,
            derivation: None,
        }
    }
}

/// One node of a step's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerNode {
    Field(FieldAnswer),
    /// A repeating sub-form's entries.
    Entries(Vec<BTreeMap<String, AnswerNode>>),
    /// A non-repeating sub-form.
    Object(BTreeMap<String, AnswerNode>),
}

/// The answer to one step: field key → node.
pub type StepAnswer = BTreeMap<String, AnswerNode>;
