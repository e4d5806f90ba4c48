//! The walk behind [`super::metrics::evaluate`]: each document of the gold
//! through the form, level by level. A field's slot pairs the gold's value
//! with the run's value at the same place; the entries of a repeating
//! sub-form are first paired by their identifying fields
//! ([`super::matching`]), then walked pair by pair (a missed gold entry
//! against nothing, an extra run entry against nothing).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;
use uuid::Uuid;

use super::matching::match_entries;
use super::metrics::{EntryOutcome, EntryPairing, EvaluationSettings, RunValue};
use super::paths::{self, Repeat, Segment};
use super::standard::{GoldStandard, identity_for};
use super::typed::value_text;
use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// A value with its parsed path.
struct Item<'a, T> {
    segments: Vec<Segment>,
    path: &'a str,
    payload: T,
}

type GoldItem<'a> = Item<'a, Option<&'a Value>>;
type RunItem<'a> = Item<'a, &'a RunValue>;

/// One slot to score.
pub(super) struct Slot<'a> {
    pub(super) document: Uuid,
    pub(super) pattern: String,
    pub(super) field: &'a FieldDef,
    pub(super) gold_path: Option<&'a str>,
    pub(super) gold: Option<&'a Value>,
    pub(super) run_path: Option<&'a str>,
    pub(super) run: Option<&'a RunValue>,
}

pub(super) fn answered(run: &RunValue) -> bool {
    !run.not_reported && run.value.as_ref().is_some_and(|v| !v.is_null())
}

/// What walking the gold and the run found.
pub(super) struct Walked<'a> {
    pub(super) documents: usize,
    pub(super) slots: Vec<Slot<'a>>,
    pub(super) pairings: Vec<EntryPairing>,
}

/// Walks every document of the gold through the form, pairing entries and
/// collecting the slots to score.
pub(super) fn walk<'a>(
    form: &'a FormDefinition,
    gold: &'a GoldStandard,
    run: &'a [RunValue],
    settings: &EvaluationSettings,
) -> Walked<'a> {
    let scope: HashSet<&str> = gold.fields.iter().map(String::as_str).collect();
    let parse = |path: &str| {
        paths::parse(path).filter(|segments| paths::resolve(&form.fields, segments).is_ok())
    };
    let mut gold_by_document: HashMap<Uuid, Vec<GoldItem<'_>>> = HashMap::new();
    for value in &gold.values {
        if let Some(segments) = parse(&value.field_path) {
            gold_by_document
                .entry(value.document_id)
                .or_default()
                .push(Item {
                    segments,
                    path: &value.field_path,
                    payload: value.value.as_ref().filter(|v| !v.is_null()),
                });
        }
    }
    let mut run_by_document: HashMap<Uuid, Vec<RunItem<'_>>> = HashMap::new();
    for value in run {
        if let Some(segments) = parse(&value.field_path) {
            run_by_document
                .entry(value.document_id)
                .or_default()
                .push(Item {
                    segments,
                    path: &value.field_path,
                    payload: value,
                });
        }
    }
    let mut walker = Walker {
        settings,
        scope,
        slots: Vec::new(),
        pairings: Vec::new(),
    };
    let mut seen = HashSet::new();
    for document in &gold.documents {
        if !seen.insert(*document) {
            continue;
        }
        let g: Vec<&GoldItem<'_>> = gold_by_document
            .get(document)
            .into_iter()
            .flatten()
            .collect();
        let r: Vec<&RunItem<'_>> = run_by_document
            .get(document)
            .into_iter()
            .flatten()
            .collect();
        walker.level(*document, &form.fields, 0, &[], &g, &r, &[]);
    }
    Walked {
        documents: seen.len(),
        slots: walker.slots,
        pairings: walker.pairings,
    }
}

struct Walker<'a, 's> {
    settings: &'s EvaluationSettings,
    scope: HashSet<&'a str>,
    slots: Vec<Slot<'a>>,
    pairings: Vec<EntryPairing>,
}

impl<'a> Walker<'a, '_> {
    fn covers_below(&self, pattern: &str) -> bool {
        let below = format!("{pattern}.");
        self.scope.iter().any(|p| p.starts_with(&below))
    }

    /// Scores the fields `fields` at nesting `depth` of one document (or
    /// entry), given the gold and run values below it; `skip` are the
    /// identifying keys of the entry being walked.
    #[allow(clippy::too_many_arguments)]
    fn level<'i>(
        &mut self,
        document: Uuid,
        fields: &'a [FieldDef],
        depth: usize,
        prefix: &[Segment],
        gold: &[&'i GoldItem<'a>],
        run: &[&'i RunItem<'a>],
        skip: &[String],
    ) {
        for field in fields {
            let repeats = field.field_type == FieldType::Subform && field.repeating;
            let mut here = prefix.to_vec();
            here.push(Segment {
                key: field.key.clone(),
                repeat: if repeats { Repeat::Any } else { Repeat::No },
            });
            let pattern = paths::format(&here);
            let at_field =
                |segments: &[Segment]| segments.get(depth).is_some_and(|s| s.key == field.key);
            let g: Vec<&'i GoldItem<'a>> = gold
                .iter()
                .copied()
                .filter(|i| at_field(&i.segments))
                .collect();
            let r: Vec<&'i RunItem<'a>> = run
                .iter()
                .copied()
                .filter(|i| at_field(&i.segments))
                .collect();
            if field.field_type != FieldType::Subform {
                if skip.contains(&field.key) || !self.scope.contains(pattern.as_str()) {
                    continue;
                }
                let gi = g.iter().find(|i| i.segments.len() == depth + 1);
                let ri = r.iter().find(|i| i.segments.len() == depth + 1);
                if gi.is_none() && !ri.is_some_and(|i| answered(i.payload)) {
                    continue;
                }
                self.slots.push(Slot {
                    document,
                    pattern,
                    field,
                    gold_path: gi.map(|i| i.path),
                    gold: gi.and_then(|i| i.payload),
                    run_path: ri.map(|i| i.path),
                    run: ri.map(|i| i.payload),
                });
            } else if !self.covers_below(&pattern) {
                continue;
            } else if !repeats {
                self.level(document, &field.fields, depth + 1, &here, &g, &r, &[]);
            } else {
                self.entries(document, field, depth, &here, &g, &r);
            }
        }
    }

    fn entries<'i>(
        &mut self,
        document: Uuid,
        subform: &'a FieldDef,
        depth: usize,
        here: &[Segment],
        gold: &[&'i GoldItem<'a>],
        run: &[&'i RunItem<'a>],
    ) {
        let pattern = paths::format(here);
        let subform_key = pattern.strip_suffix("[]").unwrap_or(&pattern).to_owned();
        let keys = identity_for(&self.settings.identities, &subform_key, subform);
        let gold_entries = group(
            gold,
            depth,
            |i: &GoldItem<'_>| i.payload.map(value_text).unwrap_or_default(),
            &keys,
        );
        let run_entries = group(
            run,
            depth,
            |i: &RunItem<'_>| {
                if answered(i.payload) {
                    i.payload.value.as_ref().map(value_text).unwrap_or_default()
                } else {
                    String::new()
                }
            },
            &keys,
        );
        let gold_ids: Vec<Vec<String>> = gold_entries.iter().map(|e| e.identity.clone()).collect();
        let run_ids: Vec<Vec<String>> = run_entries.iter().map(|e| e.identity.clone()).collect();
        let pairs = match_entries(&gold_ids, &run_ids, self.settings.entry_threshold);
        let mut run_paired = vec![false; run_entries.len()];
        for (gi, entry) in gold_entries.iter().enumerate() {
            let pair = pairs.iter().find(|p| p.gold == gi);
            let partner = pair.and_then(|p| run_entries.get(p.run));
            if let Some(p) = pair
                && let Some(flag) = run_paired.get_mut(p.run)
            {
                *flag = true;
            }
            self.pairings.push(EntryPairing {
                document_id: document,
                subform: subform_key.clone(),
                gold_entry: Some(entry.path.clone()),
                run_entry: partner.map(|e| e.path.clone()),
                gold_identity: Some(entry.identity.clone()),
                run_identity: partner.map(|e| e.identity.clone()),
                similarity: pair.map(|p| p.similarity),
                outcome: if partner.is_some() {
                    EntryOutcome::Matched
                } else {
                    EntryOutcome::Missed
                },
            });
            let run_items = partner.map(|e| e.items.as_slice()).unwrap_or_default();
            self.level(
                document,
                &subform.fields,
                depth + 1,
                here,
                &entry.items,
                run_items,
                &keys,
            );
        }
        for (ri, entry) in run_entries.iter().enumerate() {
            if run_paired.get(ri).copied().unwrap_or(false) {
                continue;
            }
            self.pairings.push(EntryPairing {
                document_id: document,
                subform: subform_key.clone(),
                gold_entry: None,
                run_entry: Some(entry.path.clone()),
                gold_identity: None,
                run_identity: Some(entry.identity.clone()),
                similarity: None,
                outcome: EntryOutcome::Extra,
            });
            self.level(
                document,
                &subform.fields,
                depth + 1,
                here,
                &[],
                &entry.items,
                &keys,
            );
        }
    }
}

/// The values of one entry, its path and its identity.
struct Grouped<'a, 'i, T> {
    path: String,
    identity: Vec<String>,
    items: Vec<&'i Item<'a, T>>,
}

/// Groups the items of a repeating sub-form (at `depth`) by entry index, in
/// index order, with each entry's identity (the texts of `keys`).
fn group<'a, 'i, T>(
    items: &[&'i Item<'a, T>],
    depth: usize,
    text: impl Fn(&Item<'a, T>) -> String,
    keys: &[String],
) -> Vec<Grouped<'a, 'i, T>> {
    let mut by_index: BTreeMap<usize, Vec<&'i Item<'a, T>>> = BTreeMap::new();
    for item in items {
        if let Some(Segment {
            repeat: Repeat::At(i),
            ..
        }) = item.segments.get(depth)
        {
            by_index.entry(*i).or_default().push(item);
        }
    }
    by_index
        .into_values()
        .filter_map(|entry| {
            let first = entry.first()?;
            let path = paths::format(first.segments.get(..=depth)?);
            let identity = keys
                .iter()
                .map(|key| {
                    entry
                        .iter()
                        .find(|i| {
                            i.segments.len() == depth + 2
                                && i.segments.get(depth + 1).is_some_and(|s| &s.key == key)
                        })
                        .map(|i| text(i))
                        .unwrap_or_default()
                })
                .collect();
            Some(Grouped {
                path,
                identity,
                items: entry,
            })
        })
        .collect()
}
