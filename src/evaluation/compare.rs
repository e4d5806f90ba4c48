//! Whether one run value agrees with one gold value, by the field's type.
//!
//! - text: equal after [`normalise_text`] (case, whitespace, punctuation,
//!   ligatures, dashes); whether it is also equal as typed is reported apart;
//! - single choice: equal after resolving each side to an option (value,
//!   description or synonym);
//! - number and whole number: within the field's [`Tolerance`];
//! - yes/no: equal;
//! - date: equal at the gold's precision (gold `2019-05` accepts
//!   `2019-05-14`; gold `2019-05-14` refuses `2019-05`);
//! - multiple choice and text lists: equal as sets of normalised items
//!   (options resolved), with the item counts for precision and recall.
//!
//! "Not reported" on either side is `None`: gold `None` and run `None` agree
//! (a true negative), gold `None` and a run value is spurious (the machine
//! answered where the paper is silent), a gold value and run `None` is missed.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::typed::{
    normalise_text, parse_bool, parse_date, resolve_choice, value_items, value_number, value_text,
};
use crate::forms::model::{FieldDef, FieldType};

/// How far a number may be from the gold and still count as correct: within
/// `absolute` **or** within `relative × |gold|`.
///
/// Defaults ([`Tolerance::default_for`]):
/// - whole numbers: exact (`0`, `0`): counts are printed exactly, and an
///   event count one off is a different result;
/// - numbers: `absolute 0.01`, `relative 0.005`. Papers print means, SDs
///   and estimates to one or two decimals and sometimes round the same
///   quantity differently in the abstract, the text and a table (3.59 / 3.6);
///   0.01 absorbs a last-digit rounding of two-decimal values, and 0.5 %
///   absorbs rounding to three significant figures of large values (8818 vs
///   8820). These are the figures the offline extractor was tuned against
///   (`extraction/offline/devscore.rs.txt`), so scores stay comparable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tolerance {
    pub absolute: f64,
    pub relative: f64,
}

impl Tolerance {
    pub const EXACT: Tolerance = Tolerance {
        absolute: 0.0,
        relative: 0.0,
    };

    /// The default tolerance of a field type (see the type's documentation).
    pub fn default_for(field_type: FieldType) -> Tolerance {
        match field_type {
            FieldType::Number => Tolerance {
                absolute: 0.01,
                relative: 0.005,
            },
            _ => Tolerance::EXACT,
        }
    }

    /// Whether `run` is within tolerance of `gold`. A margin of a billionth
    /// of the gold keeps binary fractions from refusing an exact edge
    /// (3.59 − 3.60 is 0.010000000000000231 in doubles).
    pub fn accepts(self, gold: f64, run: f64) -> bool {
        let difference = (gold - run).abs();
        let margin = 1e-9 * gold.abs().max(1.0);
        difference <= self.absolute + margin || difference <= self.relative * gold.abs() + margin
    }
}

/// The outcome of comparing one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Gold and run give the same value.
    Correct,
    /// Both give a value; they differ.
    Incorrect,
    /// The gold has a value; the run does not.
    Missed,
    /// The gold says not reported; the run gives a value.
    Spurious,
    /// Both say not reported (a true negative).
    NotReportedAgree,
}

/// Items of a list value: in the gold, in the run, in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemCounts {
    pub gold: usize,
    pub run: usize,
    pub matched: usize,
}

/// What comparing one value found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    pub outcome: Outcome,
    /// Text fields with both sides given: equal as typed (trimmed)?
    pub exact: Option<bool>,
    /// List fields: item counts.
    pub items: Option<ItemCounts>,
}

/// Compares a run value with a gold value of `field`; `None` is "not reported".
pub fn judge(
    field: &FieldDef,
    gold: Option<&Value>,
    run: Option<&Value>,
    tolerance: Tolerance,
) -> Judgement {
    let is_list = matches!(
        field.field_type,
        FieldType::MultipleChoice | FieldType::TextList
    );
    let items = is_list.then(|| {
        let g = gold.map(|v| item_set(field, v)).unwrap_or_default();
        let r = run.map(|v| item_set(field, v)).unwrap_or_default();
        ItemCounts {
            gold: g.len(),
            run: r.len(),
            matched: g.intersection(&r).count(),
        }
    });
    let (outcome, exact) = match (gold, run) {
        (None, None) => (Outcome::NotReportedAgree, None),
        (None, Some(_)) => (Outcome::Spurious, None),
        (Some(_), None) => (Outcome::Missed, None),
        (Some(g), Some(r)) => {
            let same = agree(field, g, r, tolerance);
            let exact = (field.field_type == FieldType::Text)
                .then(|| value_text(g).trim() == value_text(r).trim());
            (
                if same {
                    Outcome::Correct
                } else {
                    Outcome::Incorrect
                },
                exact,
            )
        }
    };
    Judgement {
        outcome,
        exact,
        items,
    }
}

fn agree(field: &FieldDef, gold: &Value, run: &Value, tolerance: Tolerance) -> bool {
    let same_text = || normalise_text(&value_text(gold)) == normalise_text(&value_text(run));
    match field.field_type {
        FieldType::Text | FieldType::Subform => same_text(),
        FieldType::Number | FieldType::Integer => match (value_number(gold), value_number(run)) {
            (Some(g), Some(r)) => tolerance.accepts(g, r),
            _ => same_text(),
        },
        FieldType::Boolean => match (as_bool(gold), as_bool(run)) {
            (Some(g), Some(r)) => g == r,
            _ => same_text(),
        },
        FieldType::Date => match (parse_date(&value_text(gold)), parse_date(&value_text(run))) {
            (Some(g), Some(r)) => {
                g.year == r.year
                    && (g.month.is_none() || g.month == r.month)
                    && (g.day.is_none() || g.day == r.day)
            }
            _ => same_text(),
        },
        FieldType::SingleChoice => {
            choice(field, &value_text(gold)) == choice(field, &value_text(run))
        }
        FieldType::MultipleChoice | FieldType::TextList => {
            item_set(field, gold) == item_set(field, run)
        }
    }
}

fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        other => parse_bool(&value_text(other)),
    }
}

/// A choice as its option value, or its normalised text when it names none.
fn choice(field: &FieldDef, text: &str) -> String {
    resolve_choice(&field.options, text)
        .map(normalise_text)
        .unwrap_or_else(|| normalise_text(text))
}

fn item_set(field: &FieldDef, value: &Value) -> BTreeSet<String> {
    value_items(value)
        .iter()
        .map(|item| match field.field_type {
            FieldType::MultipleChoice => choice(field, item),
            _ => normalise_text(item),
        })
        .filter(|item| !item.is_empty())
        .collect()
}
