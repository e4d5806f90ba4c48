//! Which column of a gold-standard CSV fills which field, and a first guess
//! at it from the column names. Target-independent, so the mapping screen can
//! hold and edit the same type the server reads the file with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::paths::{self, Repeat};
use super::typed::normalise_text;
use crate::forms::model::FormDefinition;

/// How the columns of a gold-standard CSV are read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GoldMapping {
    /// The column naming the document (file name, DOI or title).
    pub document_column: Option<String>,
    /// Column name → field pattern (`design`, `effect.measure`,
    /// `comparisons[].intervention_events`). Columns of one repeating
    /// sub-form make the file "long": one row per entry.
    pub fields: BTreeMap<String, String>,
    /// Columns deliberately left out (notes, source ids). Every other column
    /// must be mapped, so nothing is dropped by accident.
    pub ignored: Vec<String>,
    /// Long files: the child keys that identify an entry of the repeating
    /// sub-form (for outcome results: intervention, comparator, outcome).
    /// Empty: the sub-form's required text fields (see
    /// [`super::matching::default_identity`]).
    pub identity: Vec<String>,
}

/// What a column is suggested to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnTarget {
    Document,
    Field { pattern: String },
}

/// The suggestion for one column; `target` is `None` when nothing fits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSuggestion {
    pub column: String,
    pub target: Option<ColumnTarget>,
}

/// Names of a document column, best first, compared after [`squash`].
const DOCUMENT_NAMES: [&str; 13] = [
    "document",
    "documentid",
    "documentname",
    "study",
    "studyid",
    "file",
    "filename",
    "paper",
    "paperid",
    "pmcid",
    "doi",
    "title",
    "studytitle",
];

/// A name with case, spaces, underscores and punctuation removed, so
/// `Intervention events`, `intervention_events` and `INTERVENTION-EVENTS`
/// compare equal.
pub fn squash(name: &str) -> String {
    normalise_text(name).replace(' ', "")
}

/// Suggests a target for each header, in header order. A column matches a
/// field when its squashed name equals, in this order of preference, the
/// field's whole key path (`effect_estimate.measure`, with or without the
/// repeating sub-form: `comparisons.outcome`), its key, or its label (alone
/// or after its parents' labels). A name matching several fields at the best
/// level is ambiguous and left unsuggested; a field already suggested for an
/// earlier column is not suggested again. Fields two repeating sub-forms deep
/// are never suggested (one CSV holds one level of entries). Of the columns
/// left, the one named most like a document column ([`DOCUMENT_NAMES`]:
/// document, study, file, paper, pmcid, doi, title, …) becomes the document
/// column.
pub fn suggest_mapping(headers: &[String], form: &FormDefinition) -> Vec<ColumnSuggestion> {
    // (pattern, names per level of preference)
    let leaves: Vec<(String, [Vec<String>; 3])> = paths::leaves(&form.fields)
        .into_iter()
        .filter_map(|(pattern, chain)| {
            let segments = paths::parse(&pattern)?;
            let repeats = segments.iter().filter(|s| s.repeat == Repeat::Any).count();
            if repeats > 1 {
                return None;
            }
            let keys: Vec<&str> = chain.iter().map(|f| f.key.as_str()).collect();
            // The path inside the entry: drop everything up to the repeating sub-form.
            let inner_from = segments
                .iter()
                .position(|s| s.repeat == Repeat::Any)
                .map_or(0, |i| i + 1);
            let whole = vec![
                squash(&keys.join(".")),
                squash(&keys.get(inner_from..).unwrap_or_default().join(".")),
            ];
            let key = vec![squash(keys.last().copied().unwrap_or_default())];
            let labels: Vec<&str> = chain.iter().map(|f| f.label.as_str()).collect();
            let label = vec![
                squash(labels.last().copied().unwrap_or_default()),
                squash(&labels.join(" ")),
            ];
            Some((pattern, [whole, key, label]))
        })
        .collect();

    let mut taken: Vec<String> = Vec::new();
    let mut suggestions: Vec<ColumnSuggestion> = headers
        .iter()
        .map(|header| {
            let name = squash(header);
            let mut target = None;
            for level in 0..3 {
                let hits: Vec<&String> = leaves
                    .iter()
                    .filter(|(_, names)| names[level].iter().any(|n| !n.is_empty() && *n == name))
                    .map(|(pattern, _)| pattern)
                    .collect();
                if !hits.is_empty() {
                    if let [only] = hits.as_slice()
                        && !taken.contains(only)
                    {
                        taken.push((*only).clone());
                        target = Some(ColumnTarget::Field {
                            pattern: (*only).clone(),
                        });
                    }
                    break;
                }
            }
            ColumnSuggestion {
                column: header.clone(),
                target,
            }
        })
        .collect();

    let document = suggestions
        .iter()
        .enumerate()
        .filter(|(_, s)| s.target.is_none())
        .filter_map(|(i, s)| {
            let name = squash(&s.column);
            DOCUMENT_NAMES
                .iter()
                .position(|d| *d == name)
                .map(|rank| (rank, i))
        })
        .min();
    if let Some((_, i)) = document
        && let Some(s) = suggestions.get_mut(i)
    {
        s.target = Some(ColumnTarget::Document);
    }
    suggestions
}

impl GoldMapping {
    /// A mapping holding the suggestions; columns without one are left
    /// unmapped (reading the file will name them until they are mapped or
    /// ignored).
    pub fn from_suggestions(suggestions: &[ColumnSuggestion]) -> GoldMapping {
        let mut mapping = GoldMapping::default();
        for s in suggestions {
            match &s.target {
                Some(ColumnTarget::Document) => mapping.document_column = Some(s.column.clone()),
                Some(ColumnTarget::Field { pattern }) => {
                    mapping.fields.insert(s.column.clone(), pattern.clone());
                }
                None => {}
            }
        }
        mapping
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::forms::model::{FieldDef, FieldType};
    use crate::forms::presets::preset_form;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn targets(suggestions: &[ColumnSuggestion]) -> Vec<Option<String>> {
        suggestions
            .iter()
            .map(|s| match &s.target {
                None => None,
                Some(ColumnTarget::Document) => Some("<document>".to_owned()),
                Some(ColumnTarget::Field { pattern }) => Some(pattern.clone()),
            })
            .collect()
    }

    #[test]
    fn the_rct_dev_numeric_columns_map_to_outcome_results() {
        let form = preset_form("outcome_results").unwrap();
        let names = headers(&[
            "pmcid",
            "ei_prompt_id",
            "yun_id",
            "outcome",
            "intervention",
            "comparator",
            "outcome_type",
            "intervention_events",
            "intervention_group_size",
            "comparator_events",
            "comparator_group_size",
            "intervention_mean",
            "intervention_sd",
            "comparator_mean",
            "comparator_sd",
            "is_data_complete",
            "notes",
        ]);
        let got = targets(&suggest_mapping(&names, &form));
        let field = |p: &str| Some(format!("comparisons[].{p}"));
        assert_eq!(
            got,
            vec![
                Some("<document>".to_owned()),
                None,
                None,
                field("outcome"),
                field("intervention"),
                field("comparator"),
                field("outcome_type"),
                field("intervention_events"),
                field("intervention_group_size"),
                field("comparator_events"),
                field("comparator_group_size"),
                field("intervention_mean"),
                field("intervention_sd"),
                field("comparator_mean"),
                field("comparator_sd"),
                None,
                None,
            ]
        );
    }

    #[test]
    fn names_match_by_key_label_and_path_whatever_their_case_and_punctuation() {
        let form = preset_form("study_characteristics").unwrap();
        let names = headers(&[
            "Study",
            "Study design",
            "COUNTRIES",
            "trial-registration",
            "Total randomised",
            "DOI",
            "Total Randomised",
        ]);
        assert_eq!(
            targets(&suggest_mapping(&names, &form)),
            vec![
                Some("<document>".to_owned()),
                Some("design".to_owned()),
                Some("countries".to_owned()),
                Some("trial_registration".to_owned()),
                Some("total_randomised".to_owned()),
                None, // "study" ranks before "doi" as the document column
                None, // already suggested for the column before
            ]
        );
    }

    #[test]
    fn nested_fields_by_path_and_ambiguous_names_are_left_alone() {
        let form = preset_form("outcome_results").unwrap();
        let names = headers(&[
            "effect_estimate.value",
            "Effect measure",
            "ci lower",
            "title",
        ]);
        assert_eq!(
            targets(&suggest_mapping(&names, &form)),
            vec![
                Some("comparisons[].effect_estimate.value".to_owned()),
                Some("comparisons[].effect_estimate.measure".to_owned()),
                Some("comparisons[].effect_estimate.ci_lower".to_owned()),
                Some("<document>".to_owned()),
            ]
        );
        // Two sub-forms with a field "n": the key alone is ambiguous, the path is not.
        let mut a = FieldDef::new("a", "A", FieldType::Subform);
        a.fields = vec![FieldDef::new("n", "N", FieldType::Integer)];
        let mut b = FieldDef::new("b", "B", FieldType::Subform);
        b.fields = vec![FieldDef::new("n", "N", FieldType::Integer)];
        let two = FormDefinition {
            name: "t".into(),
            description: String::new(),
            fields: vec![a, b],
        };
        assert_eq!(
            targets(&suggest_mapping(&headers(&["n", "b_n"]), &two)),
            vec![None, Some("b.n".to_owned())]
        );
    }

    #[test]
    fn a_mapping_is_built_from_suggestions() {
        let form = preset_form("arms").unwrap();
        let mapping = GoldMapping::from_suggestions(&suggest_mapping(
            &headers(&["file", "name", "n_randomised", "remarks"]),
            &form,
        ));
        assert_eq!(mapping.document_column.as_deref(), Some("file"));
        assert_eq!(mapping.fields.len(), 2);
        assert_eq!(mapping.fields["n_randomised"], "arms[].n_randomised");
        assert!(mapping.ignored.is_empty());
    }
}
