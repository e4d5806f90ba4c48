//! Scoring a run's values against a gold standard.
//!
//! Only the documents and field patterns the gold covers are scored. In
//! every scored document, each field slot the gold has is compared with the
//! run's value at the same place (see `compare` for what "the same" means per
//! type); a slot the gold lacks is scored only where the run answered, as
//! spurious (e.g. every answered value of an entry the gold does not have).
//! Entries of repeating sub-forms are first paired by their identifying
//! fields (`matching`); the identifying fields themselves are accounted for
//! by the entry counts, not scored again as values.
//!
//! Per field and overall (micro-averaged: the counts of all fields summed,
//! then divided):
//! - accuracy = (correct + not-reported agreements) / gold slots;
//! - precision = correct / run answers (correct + incorrect + spurious);
//! - recall = correct / gold values (correct + incorrect + missed);
//! - F1 = 2 · correct / (run answers + gold values), the harmonic mean of
//!   precision and recall, written so that it is 0 (not undefined) when the
//!   run answered nothing and the gold has values.
//!
//! A ratio with a zero denominator is `None`. Everything is computed twice:
//! over all values, and over verified values only (a run value that is not
//! verified counts as unanswered). Entries are paired once, with all values.
//! Target-independent: the result is stored as JSON and shown by the browser.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::compare::judge;
pub use super::compare::{ItemCounts, Outcome, Tolerance};
use super::matching::DEFAULT_ENTRY_THRESHOLD;
use super::paths::{self, Repeat};
use super::standard::{GoldStandard, identity_for};
use super::walk::{Slot, answered, walk};
use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// One value of the run being scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunValue {
    pub document_id: Uuid,
    pub field_path: String,
    pub value: Option<Value>,
    pub not_reported: bool,
    /// eviStream verified it (its quote is in the paper and states it).
    pub verified: bool,
}

/// How to score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationSettings {
    /// Per field pattern; fields not listed use [`Tolerance::default_for`].
    #[serde(default)]
    pub tolerances: BTreeMap<String, Tolerance>,
    /// Identifying child keys per repeating sub-form pattern (without its
    /// final `[]`: `comparisons`); sub-forms not listed use their required
    /// text fields.
    #[serde(default)]
    pub identities: BTreeMap<String, Vec<String>>,
    /// The least token overlap, on every identifying field, for entries to
    /// pair ([`DEFAULT_ENTRY_THRESHOLD`]).
    pub entry_threshold: f64,
}

impl Default for EvaluationSettings {
    fn default() -> Self {
        EvaluationSettings {
            tolerances: BTreeMap::new(),
            identities: BTreeMap::new(),
            entry_threshold: DEFAULT_ENTRY_THRESHOLD,
        }
    }
}

impl EvaluationSettings {
    /// The tolerance of the field at `pattern`.
    pub fn tolerance(&self, pattern: &str, field_type: FieldType) -> Tolerance {
        self.tolerances
            .get(pattern)
            .copied()
            .unwrap_or_else(|| Tolerance::default_for(field_type))
    }
}

/// Outcome counts of a set of value slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Slots where the gold has a value.
    pub gold_values: usize,
    /// Slots where the gold says not reported.
    pub gold_not_reported: usize,
    /// Slots where the run gives a value.
    pub run_values: usize,
    pub correct: usize,
    pub incorrect: usize,
    pub missed: usize,
    pub spurious: usize,
    pub not_reported_agree: usize,
}

impl Counts {
    fn record(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Correct => {
                self.correct += 1;
                self.gold_values += 1;
                self.run_values += 1;
            }
            Outcome::Incorrect => {
                self.incorrect += 1;
                self.gold_values += 1;
                self.run_values += 1;
            }
            Outcome::Missed => {
                self.missed += 1;
                self.gold_values += 1;
            }
            Outcome::Spurious => {
                self.spurious += 1;
                self.gold_not_reported += 1;
                self.run_values += 1;
            }
            Outcome::NotReportedAgree => {
                self.not_reported_agree += 1;
                self.gold_not_reported += 1;
            }
        }
    }

    fn add(&mut self, other: &Counts) {
        self.gold_values += other.gold_values;
        self.gold_not_reported += other.gold_not_reported;
        self.run_values += other.run_values;
        self.correct += other.correct;
        self.incorrect += other.incorrect;
        self.missed += other.missed;
        self.spurious += other.spurious;
        self.not_reported_agree += other.not_reported_agree;
    }

    /// Accuracy, precision, recall and F1 of these counts.
    pub fn ratios(&self) -> Ratios {
        Ratios {
            accuracy: ratio(
                self.correct + self.not_reported_agree,
                self.gold_values + self.gold_not_reported,
            ),
            precision: ratio(self.correct, self.run_values),
            recall: ratio(self.correct, self.gold_values),
            f1: ratio(2 * self.correct, self.run_values + self.gold_values),
        }
    }
}

fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// Ratios of [`Counts`]; `None` when the denominator is zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ratios {
    pub accuracy: Option<f64>,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

/// Item-level scores of list fields (multiple choice, text lists).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    pub gold_items: usize,
    pub run_items: usize,
    pub matched_items: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl ItemScore {
    fn from_counts(c: ItemCounts) -> ItemScore {
        ItemScore {
            gold_items: c.gold,
            run_items: c.run,
            matched_items: c.matched,
            precision: ratio(c.matched, c.run),
            recall: ratio(c.matched, c.gold),
            f1: ratio(2 * c.matched, c.run + c.gold),
        }
    }
}

/// The scores of one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldScore {
    /// Its pattern (`comparisons[].intervention_events`).
    pub field: String,
    /// Its labels, outermost first ("Comparisons › Intervention events").
    pub label: String,
    pub field_type: FieldType,
    pub counts: Counts,
    pub ratios: Ratios,
    /// Text fields: correct answers also equal as typed.
    pub exact_matches: Option<usize>,
    /// List fields.
    pub items: Option<ItemScore>,
}

/// The scores of one pass (all values, or verified values only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub fields: Vec<FieldScore>,
    /// All fields together (micro average).
    pub counts: Counts,
    pub ratios: Ratios,
    /// All list fields together; `None` when no list field is scored.
    pub items: Option<ItemScore>,
}

/// How the entries of one repeating sub-form were paired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryScore {
    /// The sub-form's pattern without its final `[]` (`comparisons`).
    pub subform: String,
    pub label: String,
    pub gold_entries: usize,
    pub run_entries: usize,
    pub matched: usize,
    /// Gold entries the run does not have.
    pub missed: usize,
    /// Run entries the gold does not have.
    pub extra: usize,
    /// matched / run entries.
    pub precision: Option<f64>,
    /// matched / gold entries.
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryOutcome {
    Matched,
    Missed,
    Extra,
}

/// One gold entry and the run entry paired with it, or either alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryPairing {
    pub document_id: Uuid,
    pub subform: String,
    /// The entry's path in the gold (`comparisons[1]`).
    pub gold_entry: Option<String>,
    pub run_entry: Option<String>,
    pub gold_identity: Option<Vec<String>>,
    pub run_identity: Option<Vec<String>>,
    /// Matched entries: the mean Jaccard index of their identities.
    pub similarity: Option<f64>,
    pub outcome: EntryOutcome,
}

/// A value that is not correct, for the differences table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    pub document_id: Uuid,
    /// The field's pattern.
    pub field: String,
    pub gold_path: Option<String>,
    pub run_path: Option<String>,
    pub gold: Option<Value>,
    /// The run's value; `None` when it said not reported or had none.
    pub run: Option<Value>,
    pub verified: bool,
    /// Incorrect, missed or spurious.
    pub outcome: Outcome,
}

/// A run scored against a gold standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Documents scored (those the gold covers).
    pub documents: usize,
    pub all_values: Scores,
    /// Unverified run values counted as unanswered.
    pub verified_only: Scores,
    pub entries: Vec<EntryScore>,
    pub pairings: Vec<EntryPairing>,
    /// Every value not correct (incorrect, missed, spurious), over all values.
    pub differences: Vec<Difference>,
    /// Run values outside what the gold covers (other documents or fields,
    /// unknown paths, "not reported" where the gold has no slot).
    pub unscored_run_values: usize,
}

/// Scores `run` against `gold` (see the module documentation).
pub fn evaluate(
    form: &FormDefinition,
    gold: &GoldStandard,
    run: &[RunValue],
    settings: &EvaluationSettings,
) -> Evaluation {
    let walked = walk(form, gold, run, settings);
    let scored_run_values = walked.slots.iter().filter(|s| s.run.is_some()).count();
    let listed = scored_fields(form, &gold.fields, settings);
    let (all_values, differences) = score(&listed, &walked.slots, settings, false);
    let (verified_only, _) = score(&listed, &walked.slots, settings, true);
    Evaluation {
        documents: walked.documents,
        all_values,
        verified_only,
        entries: entry_scores(form, &walked.pairings),
        pairings: walked.pairings,
        differences,
        unscored_run_values: run.len().saturating_sub(scored_run_values),
    }
}

/// The gold's fields that are scored as values, with their labels: all but
/// the identifying fields of repeating sub-forms.
fn scored_fields<'a>(
    form: &'a FormDefinition,
    patterns: &[String],
    settings: &EvaluationSettings,
) -> Vec<(String, String, &'a FieldDef)> {
    let mut out = Vec::new();
    for pattern in patterns {
        let Some(segments) = paths::parse(pattern) else {
            continue;
        };
        let Ok(chain) = paths::resolve(&form.fields, &segments) else {
            continue;
        };
        let Some(field) = chain.last().copied() else {
            continue;
        };
        let identifying = segments.len() >= 2
            && segments
                .get(segments.len() - 2)
                .is_some_and(|s| s.repeat == Repeat::Any)
            && chain.get(segments.len() - 2).is_some_and(|subform| {
                let prefix = paths::format(&segments[..segments.len() - 2]);
                let key = if prefix.is_empty() {
                    subform.key.clone()
                } else {
                    format!("{prefix}.{}", subform.key)
                };
                identity_for(&settings.identities, &key, subform).contains(&field.key)
            });
        if !identifying {
            out.push((pattern.clone(), paths::label(&chain), field));
        }
    }
    out
}
#[derive(Default)]
struct FieldTally {
    counts: Counts,
    exact: usize,
    items: ItemCounts,
}

fn score(
    listed: &[(String, String, &FieldDef)],
    slots: &[Slot<'_>],
    settings: &EvaluationSettings,
    verified_only: bool,
) -> (Scores, Vec<Difference>) {
    let mut tallies: HashMap<&str, FieldTally> = HashMap::new();
    let mut differences = Vec::new();
    let listed_patterns: HashSet<&str> = listed.iter().map(|(p, _, _)| p.as_str()).collect();
    for slot in slots {
        if !listed_patterns.contains(slot.pattern.as_str()) {
            continue;
        }
        let counted = slot
            .run
            .filter(|r| answered(r) && (!verified_only || r.verified))
            .and_then(|r| r.value.as_ref());
        let tolerance = settings.tolerance(&slot.pattern, slot.field.field_type);
        let judgement = judge(slot.field, slot.gold, counted, tolerance);
        let tally = tallies.entry(slot.pattern.as_str()).or_default();
        tally.counts.record(judgement.outcome);
        if judgement.outcome == Outcome::Correct && judgement.exact == Some(true) {
            tally.exact += 1;
        }
        if let Some(items) = judgement.items {
            tally.items.gold += items.gold;
            tally.items.run += items.run;
            tally.items.matched += items.matched;
        }
        let differs = matches!(
            judgement.outcome,
            Outcome::Incorrect | Outcome::Missed | Outcome::Spurious
        );
        if differs {
            differences.push(Difference {
                document_id: slot.document,
                field: slot.pattern.clone(),
                gold_path: slot.gold_path.map(str::to_owned),
                run_path: slot.run_path.map(str::to_owned),
                gold: slot.gold.cloned(),
                run: counted.cloned(),
                verified: slot.run.is_some_and(|r| r.verified),
                outcome: judgement.outcome,
            });
        }
    }
    let mut overall = Counts::default();
    let mut overall_items: Option<ItemCounts> = None;
    let fields = listed
        .iter()
        .map(|(pattern, label, field)| {
            let tally = tallies.remove(pattern.as_str()).unwrap_or_default();
            overall.add(&tally.counts);
            let is_list = matches!(
                field.field_type,
                FieldType::MultipleChoice | FieldType::TextList
            );
            if is_list {
                let sum = overall_items.get_or_insert_with(ItemCounts::default);
                sum.gold += tally.items.gold;
                sum.run += tally.items.run;
                sum.matched += tally.items.matched;
            }
            FieldScore {
                field: pattern.clone(),
                label: label.clone(),
                field_type: field.field_type,
                counts: tally.counts,
                ratios: tally.counts.ratios(),
                exact_matches: (field.field_type == FieldType::Text).then_some(tally.exact),
                items: is_list.then(|| ItemScore::from_counts(tally.items)),
            }
        })
        .collect();
    (
        Scores {
            fields,
            counts: overall,
            ratios: overall.ratios(),
            items: overall_items.map(ItemScore::from_counts),
        },
        differences,
    )
}

fn entry_scores(form: &FormDefinition, pairings: &[EntryPairing]) -> Vec<EntryScore> {
    let mut order: Vec<&str> = Vec::new();
    let mut tallies: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    for p in pairings {
        if !order.contains(&p.subform.as_str()) {
            order.push(&p.subform);
        }
        let t = tallies.entry(&p.subform).or_default();
        match p.outcome {
            EntryOutcome::Matched => t.0 += 1,
            EntryOutcome::Missed => t.1 += 1,
            EntryOutcome::Extra => t.2 += 1,
        }
    }
    order
        .into_iter()
        .map(|subform| {
            let (matched, missed, extra) = tallies.get(subform).copied().unwrap_or_default();
            let label = paths::parse(&format!("{subform}[]"))
                .and_then(|segments| {
                    // `resolve` refuses a path ending at a sub-form; label it by hand.
                    let mut siblings = &form.fields;
                    let mut labels = Vec::new();
                    for segment in &segments {
                        let field = siblings.iter().find(|f| f.key == segment.key)?;
                        labels.push(field.label.as_str());
                        siblings = &field.fields;
                    }
                    Some(labels.join(" › "))
                })
                .unwrap_or_default();
            let (gold_entries, run_entries) = (matched + missed, matched + extra);
            EntryScore {
                subform: subform.to_owned(),
                label,
                gold_entries,
                run_entries,
                matched,
                missed,
                extra,
                precision: ratio(matched, run_entries),
                recall: ratio(matched, gold_entries),
                f1: ratio(2 * matched, gold_entries + run_entries),
            }
        })
        .collect()
}
