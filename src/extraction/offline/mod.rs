//! The built-in offline extractor: deterministic, no network, the default when
//! no LLM endpoint is configured.
//!
//! Every value it gives carries a quote that is a verbatim slice of a converted
//! page (a sentence or a table row) and that page, so it is grounded by
//! construction; where the paper is silent the answer is "not reported". It
//! prefers precision to recall: a value a reviewer cannot check is worse than none.
//!
//! - `document`: sentences and tables of the pages;
//! - `numbers`: counts, means with spreads; `pvalues`: sample sizes, p values;
//! - `blocks`, `headers`: tables as the converter leaves them — header lines
//!   printed as text above header-less pipe tables (column order from the
//!   line: group labels, "(n = …)" segments, or the order the two arms are
//!   named), blocks cut by sub-headings, layout headers without a label cell,
//!   group labels ("Group II") and doses ("600") as column names;
//! - `arms`: words, abbreviations and fuzzy matching of names;
//! - `tables`, `text`, `direction`, `trial`: the comparisons of a trial (outcome-results preset);
//! - `sizes`: group sizes from allocation text and column headers, only where
//!   the analysed n cannot differ; `wrapped`: flattened headers whose
//!   "(n = …)" wrapped onto the next line;
//! - `zero`: "no events" statements ("No unexpected adverse events were
//!   reported") as zero events in both arms; `instrument`: the instrument an
//!   outcome is measured with ("VAS") as a second name for it;
//! - `general`: any field of any form; `totals` (counts of participants),
//!   `cues`, `places`, `short` (short text values at labelled lead-ins and cue phrases).
//!
//! Seeded values (the intervention, comparator and outcome a user gives for an
//! entry) come back as given: `value` = the seed, `not_reported = false`,
//! `confidence = 1.0`, `evidence` = the sentence that best names them when one
//! does, else `None`. They are the user's, not the paper's: storage marks them
//! "seeded" and does not ground them.
//!
//! Answered means answered: a value given with a low confidence still counts
//! as given (for the scoring and for a reviewer), so weak values are withheld
//! here rather than passed on with a low confidence. Trial numbers below
//! `MIN_NUMBER_CONF` and directions below `MIN_DIRECTION_CONF` are answered
//! "not reported"; so are general-path numbers that merely sit near the
//! field's words. Confidence of what is given: 0.85 both arms in a
//! well-matched table row, 0.7 a sentence placing each statistic with its arm,
//! 0.6 nearest-name assignment or an allocation n confirmed by two sentences,
//! 0.55 an allocation n stated once. See `SCORES.md` for the dev-set figures.

mod arms;
mod blocks;
mod cues;
mod direction;
mod document;
mod general;
mod headers;
mod instrument;
mod numbers;
mod places;
mod pvalues;
mod short;
mod sizes;
mod tables;
mod text;
mod totals;
mod trial;
mod wrapped;
mod zero;

use std::collections::BTreeMap;

use crate::extraction::answer::{AnswerNode, FieldAnswer, StepAnswer};
use crate::forms::model::{FieldDef, FieldType};
use document::Document;
use serde_json::{Value, json};
use trial::{Comparison, Found};

/// The converted Markdown-ish text of one page (1-based page number).
#[derive(Debug, Clone, PartialEq)]
pub struct PageText {
    pub page: u32,
    pub text: String,
}

/// What one step of a plan gives the extractor.
#[derive(Debug, Clone, Copy)]
pub struct OfflineInput<'a> {
    pub pages: &'a [PageText],
    /// The top-level fields of the step (sub-forms with their children).
    pub fields: &'a [FieldDef],
    /// Per top-level repeating sub-form key: the seeded entries, each with its
    /// known child values (e.g. intervention, comparator, outcome).
    pub seeded_entries: &'a BTreeMap<String, Vec<BTreeMap<String, Value>>>,
}

/// Answers one step. Never panics; linear in the text size per field.
pub fn extract_step(input: &OfflineInput) -> StepAnswer {
    let doc = Document::parse(input.pages);
    // Sentences, and each table as one text (its notes, a glossary of
    // abbreviations, run over several rows).
    let tables: Vec<String> = doc
        .tables
        .iter()
        .map(|t| {
            let cells = t
                .rows
                .iter()
                .flat_map(|r| r.cells.iter())
                .filter(|c| !c.is_empty());
            std::iter::once(&t.caption)
                .chain(cells)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let texts: Vec<&str> = doc
        .sentences
        .iter()
        .map(|s| s.text.as_str())
        .chain(tables.iter().map(String::as_str))
        .collect();
    let abbr = arms::abbreviations(&texts);
    let mut out = StepAnswer::new();
    for f in input.fields {
        let node = match (f.field_type, f.repeating, input.seeded_entries.get(&f.key)) {
            (FieldType::Subform, true, Some(seeds)) => AnswerNode::Entries(
                seeds
                    .iter()
                    .map(|seed| entry(&doc, &abbr, f, seed))
                    .collect(),
            ),
            _ => general::answer(&doc, &abbr, f),
        };
        out.insert(f.key.clone(), node);
    }
    out
}

fn seed_text(seed: &BTreeMap<String, Value>, key: &str) -> Option<String> {
    match seed.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// One seeded entry of a repeating sub-form. Entries naming an intervention,
/// a comparator and an outcome are trial comparisons; other children (and
/// other sub-forms) take the general path.
fn entry(
    doc: &Document,
    abbr: &BTreeMap<String, String>,
    f: &FieldDef,
    seed: &BTreeMap<String, Value>,
) -> BTreeMap<String, AnswerNode> {
    let ico = (
        seed_text(seed, "intervention"),
        seed_text(seed, "comparator"),
        seed_text(seed, "outcome"),
    );
    let cmp = match &ico {
        (Some(i), Some(c), Some(o)) => Some(trial::compare(doc, abbr, i, c, o)),
        _ => None,
    };
    let mut node = BTreeMap::new();
    for child in &f.fields {
        let answer = if let Some(v) = seed.get(&child.key).filter(|v| !v.is_null()) {
            general::seeded(doc, abbr, child, v)
        } else if let Some(cmp) = &cmp {
            trial_child(doc, abbr, child, cmp)
        } else {
            general::answer(doc, abbr, child)
        };
        node.insert(child.key.clone(), answer);
    }
    node
}

/// Below this confidence a trial number is answered "not reported": the
/// scoring (and a reviewer) counts every value given, so a weak value is
/// withheld rather than given with a low confidence.
pub const MIN_NUMBER_CONF: f32 = 0.5;
/// The same for the direction of effect.
pub const MIN_DIRECTION_CONF: f32 = 0.55;

fn found_answer(field: &FieldDef, found: Option<&Found>) -> FieldAnswer {
    let Some(f) = found.filter(|f| f.conf >= MIN_NUMBER_CONF) else {
        return FieldAnswer::not_reported(0.5);
    };
    let value = if field.field_type == FieldType::Integer {
        // A whole number field gets a whole number or nothing.
        if f.value.fract().abs() > 1e-9 || !f.value.is_finite() {
            return FieldAnswer::not_reported(0.3);
        }
        json!(f.value as i64)
    } else {
        json!(f.value)
    };
    let mut a = FieldAnswer::reported(value, &f.quote, f.page, f.conf.clamp(0.05, 0.95));
    a.derivation = f.derivation.clone();
    a
}

/// A choice answer when the label is one of the field's options.
fn choice_answer(field: &FieldDef, label: &str, quote: &str, page: u32, conf: f32) -> FieldAnswer {
    let norm = |s: &str| s.trim().to_lowercase().trim_end_matches('d').to_owned();
    let hit = field.options.iter().find(|o| {
        norm(&o.value) == norm(label)
            || norm(&o.description) == norm(label)
            || o.synonyms.iter().any(|s| norm(s) == norm(label))
    });
    match hit {
        Some(o) if field.field_type == FieldType::SingleChoice => {
            FieldAnswer::reported(json!(o.value), quote, page, conf)
        }
        Some(o) if field.field_type == FieldType::MultipleChoice => {
            FieldAnswer::reported(json!([o.value]), quote, page, conf)
        }
        Some(_) => FieldAnswer::reported(json!(label), quote, page, conf),
        None if field.options.is_empty() && field.field_type == FieldType::Text => {
            FieldAnswer::reported(json!(label), quote, page, conf)
        }
        None => FieldAnswer::not_reported(0.3),
    }
}

fn trial_child(
    doc: &Document,
    abbr: &BTreeMap<String, String>,
    child: &FieldDef,
    cmp: &Comparison,
) -> AnswerNode {
    let field = |f: Option<&Found>| AnswerNode::Field(found_answer(child, f));
    match child.key.as_str() {
        "intervention_group_size" => field(cmp.i.n.as_ref()),
        "comparator_group_size" => field(cmp.c.n.as_ref()),
        "intervention_events" => field(cmp.i.events.as_ref()),
        "comparator_events" => field(cmp.c.events.as_ref()),
        "intervention_mean" => field(cmp.i.mean.as_ref()),
        "comparator_mean" => field(cmp.c.mean.as_ref()),
        "intervention_sd" => field(cmp.i.sd.as_ref()),
        "comparator_sd" => field(cmp.c.sd.as_ref()),
        "outcome_type" => AnswerNode::Field(match (&cmp.outcome_type, &cmp.outcome_quote) {
            (Some((t, conf)), Some((q, p))) => choice_answer(child, t, q, *p, *conf),
            _ => FieldAnswer::not_reported(0.3),
        }),
        "direction_of_effect" => AnswerNode::Field(match &cmp.direction {
            Some(d) if d.conf >= MIN_DIRECTION_CONF => {
                choice_answer(child, d.label, &d.quote, d.page, d.conf)
            }
            Some(_) => FieldAnswer::not_reported(0.4),
            None => FieldAnswer::not_reported(0.4),
        }),
        "effect_estimate" if child.field_type == FieldType::Subform => AnswerNode::Object(
            child
                .fields
                .iter()
                .map(|g| (g.key.clone(), AnswerNode::Field(estimate_part(g, cmp))))
                .collect(),
        ),
        _ => general::answer(doc, abbr, child),
    }
}

fn estimate_part(g: &FieldDef, cmp: &Comparison) -> FieldAnswer {
    let Some(e) = &cmp.estimate else {
        return FieldAnswer::not_reported(0.4);
    };
    let num = |v: Option<f64>| match v {
        Some(x) => FieldAnswer::reported(json!(x), &e.quote, e.page, 0.55),
        None => FieldAnswer::not_reported(0.4),
    };
    match g.key.as_str() {
        "measure" => match &e.measure {
            Some(m) if g.field_type.is_choice() => choice_answer(g, m, &e.quote, e.page, 0.55),
            Some(m) => FieldAnswer::reported(json!(m), &e.quote, e.page, 0.55),
            None => FieldAnswer::not_reported(0.4),
        },
        "value" => num(e.value),
        "ci_lower" => num(e.lower),
        "ci_upper" => num(e.upper),
        "p_value" => num(e.p),
        _ => FieldAnswer::not_reported(0.3),
    }
}

#[cfg(test)]
mod cue_tests;
#[cfg(test)]
mod papers;
#[cfg(test)]
mod tests;
