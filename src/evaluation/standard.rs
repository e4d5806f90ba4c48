//! A gold standard: the values a run is scored against, per document and
//! field path, whether read from a CSV (`gold`) or taken from the reviewed
//! values of a run ([`GoldStandard::from_reviewed`]). Also the problems a
//! gold-standard CSV can have. Target-independent: the browser shows both.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::matching::default_identity;
use super::paths::{self, Repeat};
use super::typed::value_text;
use crate::forms::model::FormDefinition;

/// One gold value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldValue {
    pub document_id: Uuid,
    /// Canonical stored-value path (`design`, `comparisons[2].intervention_events`);
    /// entries are numbered in gold order, per document.
    pub field_path: String,
    /// Inside an entry of a repeating sub-form: the texts of the entry's
    /// identifying fields, in their configured order; `None` outside entries.
    pub entry_identity: Option<Vec<String>>,
    /// `None`: the gold says the paper does not report it.
    pub value: Option<Value>,
}

/// The values a run is scored against.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GoldStandard {
    /// The documents the gold covers, in gold order. A document listed here
    /// with no entries of a sub-form says the paper has none.
    pub documents: Vec<Uuid>,
    /// The field patterns the gold covers (`design`,
    /// `comparisons[].intervention_events`), in form order. Only these are scored.
    pub fields: Vec<String>,
    pub values: Vec<GoldValue>,
}

/// A document a gold-standard row can name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldDocument {
    pub id: Uuid,
    pub file_name: String,
    pub doi: Option<String>,
    pub title: Option<String>,
}

/// What is wrong, for the UI to group by and tests to match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The bytes are not a readable CSV (or not UTF-8), or the file is empty.
    Unreadable,
    /// A row has more or fewer cells than the header.
    RaggedRow,
    /// Two columns have the same name, so a mapping by name is ambiguous.
    DuplicateHeader,
    /// No document column is chosen, or it is not in the file.
    MissingDocumentColumn,
    /// A column is neither mapped, the document column, nor ignored.
    UnmappedColumn,
    /// The mapping names a column the file does not have.
    UnknownColumn,
    /// Two columns are mapped to the same field.
    SameField,
    /// A column is mapped to a path that is not a field of the form, or
    /// cannot be read from one CSV.
    UnknownField,
    /// Columns of two different repeating sub-forms in one file.
    MixedSubforms,
    /// A field identifying the entries of the sub-form has no column.
    MissingIdentity,
    /// A row of entries has an empty identifying cell.
    EmptyIdentity,
    /// The document cell names no document of the project.
    UnknownDocument,
    /// The document cell names more than one document.
    AmbiguousDocument,
    /// A cell is not a value of its field's type.
    WrongType,
    /// A second row for the same document (one row per document).
    DuplicateRow,
    /// A second row for the same entry of the same document.
    DuplicateEntry,
    /// A document-level cell differs between the rows of one document.
    ConflictingValue,
}

/// One problem of a gold-standard CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldProblem {
    /// 1-based line of the CSV record; the header is row 1.
    pub row: usize,
    pub column: Option<String>,
    /// The cell, where one cell is at fault.
    pub value: Option<String>,
    pub kind: ProblemKind,
    /// A sentence a reviewer can act on.
    pub reason: String,
}

impl fmt::Display for GoldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Row {}", self.row)?;
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A reviewed value of a run, to be used as gold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewedValue {
    pub document_id: Uuid,
    pub field_path: String,
    pub value: Option<Value>,
    pub not_reported: bool,
}

/// The identifying child keys of the repeating sub-form at `pattern` (its
/// pattern without the final `[]`: `comparisons`, `arms[].doses`): the
/// configured ones, else [`default_identity`].
pub fn identity_for(
    identities: &BTreeMap<String, Vec<String>>,
    pattern: &str,
    subform: &crate::forms::model::FieldDef,
) -> Vec<String> {
    identities
        .get(pattern)
        .filter(|keys| !keys.is_empty())
        .cloned()
        .unwrap_or_else(|| default_identity(subform))
}

impl GoldStandard {
    /// The reviewed values of a run as a gold standard. Values whose path is
    /// not a field of `form` are left out. `identities` configures the
    /// identifying fields of repeating sub-forms (see [`identity_for`]).
    pub fn from_reviewed(
        form: &FormDefinition,
        identities: &BTreeMap<String, Vec<String>>,
        reviewed: &[ReviewedValue],
    ) -> GoldStandard {
        let mut kept = Vec::new();
        for value in reviewed {
            let Some(segments) = paths::parse(&value.field_path) else {
                continue;
            };
            let Ok(chain) = paths::resolve(&form.fields, &segments) else {
                continue;
            };
            kept.push((value, segments, chain));
        }
        let lookup: HashMap<(Uuid, String), &ReviewedValue> = kept
            .iter()
            .map(|(v, segments, _)| ((v.document_id, paths::format(segments)), *v))
            .collect();
        let mut documents: Vec<Uuid> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut values = Vec::new();
        for (value, segments, chain) in &kept {
            if !documents.contains(&value.document_id) {
                documents.push(value.document_id);
            }
            let pattern = paths::pattern(segments);
            if !patterns.contains(&pattern) {
                patterns.push(pattern);
            }
            // The innermost entry the value is in, and that entry's identity.
            let innermost = segments
                .iter()
                .rposition(|s| matches!(s.repeat, Repeat::At(_)));
            let entry_identity = innermost.and_then(|at| {
                let subform = chain.get(at)?;
                let entry = segments.get(..=at)?;
                let subform_pattern = paths::pattern(entry);
                let subform_pattern = subform_pattern
                    .strip_suffix("[]")
                    .unwrap_or(&subform_pattern);
                let keys = identity_for(identities, subform_pattern, subform);
                let entry_path = paths::format(entry);
                Some(
                    keys.iter()
                        .map(|key| {
                            lookup
                                .get(&(value.document_id, format!("{entry_path}.{key}")))
                                .filter(|v| !v.not_reported)
                                .and_then(|v| v.value.as_ref())
                                .map(value_text)
                                .unwrap_or_default()
                        })
                        .collect(),
                )
            });
            values.push(GoldValue {
                document_id: value.document_id,
                field_path: paths::format(segments),
                entry_identity,
                value: if value.not_reported {
                    None
                } else {
                    value.value.clone()
                },
            });
        }
        let fields = paths::leaves(&form.fields)
            .into_iter()
            .map(|(pattern, _)| pattern)
            .filter(|p| patterns.contains(p))
            .collect();
        GoldStandard {
            documents,
            fields,
            values,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::forms::presets::preset_form;
    use serde_json::json;

    #[test]
    fn reviewed_values_become_gold_with_entry_identities() {
        let form = preset_form("outcome_results").unwrap();
        let doc = Uuid::from_u128(7);
        let reviewed = |path: &str, value: Option<Value>, not_reported: bool| ReviewedValue {
            document_id: doc,
            field_path: path.to_owned(),
            value,
            not_reported,
        };
        let gold = GoldStandard::from_reviewed(
            &form,
            &BTreeMap::new(),
            &[
                reviewed("comparisons[0].outcome", Some(json!("Death")), false),
                reviewed("comparisons[0].intervention", Some(json!("Drug")), false),
                reviewed("comparisons[0].intervention_events", Some(json!(4)), false),
                reviewed("comparisons[0].comparator_sd", Some(json!(2.5)), true),
                reviewed("comparisons[0].colour", Some(json!("red")), false),
            ],
        );
        assert_eq!(gold.documents, vec![doc]);
        assert_eq!(
            gold.fields,
            vec![
                "comparisons[].intervention",
                "comparisons[].outcome",
                "comparisons[].intervention_events",
                "comparisons[].comparator_sd"
            ]
        );
        assert_eq!(gold.values.len(), 4, "the unknown field is left out");
        let events = &gold.values[2];
        assert_eq!(events.field_path, "comparisons[0].intervention_events");
        // The comparator was not reviewed, so its identity text is empty.
        assert_eq!(
            events.entry_identity,
            Some(vec!["Drug".to_owned(), String::new(), "Death".to_owned()])
        );
        assert_eq!(events.value, Some(json!(4)));
        assert_eq!(
            gold.values[3].value, None,
            "not reported wins over a stale value"
        );
    }

    #[test]
    fn problems_read_as_sentences() {
        let problem = GoldProblem {
            row: 3,
            column: Some("intervention_events".into()),
            value: Some("abc".into()),
            kind: ProblemKind::WrongType,
            reason: "\"abc\" is not a whole number such as 12 or 1,234".into(),
        };
        assert_eq!(
            problem.to_string(),
            "Row 3, column intervention_events: \"abc\" is not a whole number such as 12 or 1,234"
        );
    }
}
