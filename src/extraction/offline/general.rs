//! Any field of any form: find the passages that speak of the field (its label,
//! description, hints, options and their synonyms) and read a value of the
//! field's type there. Weak evidence gives a low confidence, no evidence gives
//! "not reported": a guess would cost reviewers more than a blank.

use super::arms::{Name, stem, words};
use super::document::{Document, Sentence};
use super::numbers::scan;
use crate::extraction::answer::{AnswerNode, FieldAnswer};
use crate::forms::model::{ChoiceOption, FieldDef, FieldType};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Sentences about the field, best first, with a 0–1 score.
fn passages<'d>(
    doc: &'d Document,
    abbr: &BTreeMap<String, String>,
    f: &FieldDef,
) -> Vec<(&'d Sentence, f64)> {
    let label = Name::new(&f.label, abbr);
    let key = Name::new(&f.key.replace('_', " "), abbr);
    let desc = Name::new(&format!("{} {}", f.description, f.hints), abbr);
    let mut v: Vec<(&Sentence, f64)> = doc
        .sentences
        .iter()
        .map(|s| {
            let l = label
                .score_words(&s.words, &s.stems)
                .max(key.score_words(&s.words, &s.stems));
            let d = if desc.stems.is_empty() {
                l
            } else {
                desc.score_words(&s.words, &s.stems)
            };
            (s, 0.75 * l + 0.25 * d)
        })
        .filter(|(_, sc)| *sc >= 0.5)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.order.cmp(&b.0.order)));
    v.truncate(12);
    v
}

fn option_names(o: &ChoiceOption, abbr: &BTreeMap<String, String>) -> Vec<Name> {
    let mut v = vec![Name::new(&o.value, abbr)];
    if !o.description.is_empty() {
        v.push(Name::new(&o.description, abbr));
    }
    v.extend(o.synonyms.iter().map(|s| Name::new(s, abbr)));
    v.retain(|n| !n.stems.is_empty() || !n.abbrevs.is_empty());
    v
}

fn mentions_option(o: &ChoiceOption, s: &str, abbr: &BTreeMap<String, String>) -> bool {
    option_names(o, abbr).iter().any(|n| n.score(s) >= 0.99)
}

/// Whether the sentence denies what it is about ("no", "not", "without").
fn negated(s: &str) -> bool {
    words(s).iter().any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "no" | "not" | "without" | "none" | "neither" | "nor"
        )
    })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A date in a sentence: `2005-01-03`, `3 January 2005`, `January 2005`, `2005`.
pub fn find_date(s: &str) -> Option<String> {
    let ws = words(s);
    for (k, w) in ws.iter().enumerate() {
        let parts: Vec<&str> = w.split('-').collect();
        if let [y, m, d] = parts.as_slice()
            && y.len() == 4
            && m.len() == 2
            && d.len() == 2
            && w.chars().all(|c| c.is_ascii_digit() || c == '-')
        {
            return Some(w.clone());
        }
        let lw = w.to_lowercase();
        let Some(mi) = MONTHS
            .iter()
            .position(|m| lw.starts_with(m) && lw.len() >= 3)
        else {
            continue;
        };
        let year = ws
            .get(k + 1)
            .filter(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()));
        let Some(year) = year else { continue };
        let day = k
            .checked_sub(1)
            .and_then(|p| ws.get(p))
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|d| (1..=31).contains(d));
        return Some(match day {
            Some(d) => format!("{year}-{:02}-{d:02}", mi + 1),
            None => format!("{year}-{:02}", mi + 1),
        });
    }
    None
}

/// The answer for one scalar field from the passages about it.
fn scalar(doc: &Document, abbr: &BTreeMap<String, String>, f: &FieldDef) -> FieldAnswer {
    let ps = passages(doc, abbr, f);
    let conf = |score: f64, base: f32| (base + 0.3 * score as f32).min(0.8);
    match f.field_type {
        // A short value at a cue, or nothing: a whole sentence is no answer.
        FieldType::Text => {
            if let Some((v, q, page, c)) = super::short::text(doc, f) {
                return FieldAnswer::reported(json!(v), &q, page, c);
            }
            // A field of no known kind ("Aim of the study"): the sentence
            // about it, as before.
            if super::cues::kind(f) == super::cues::Kind::Other
                && let Some((s, sc)) = ps.first()
            {
                return FieldAnswer::reported(json!(s.text), &s.text, s.page, conf(*sc, 0.2));
            }
        }
        FieldType::Number | FieldType::Integer => {
            if let Some((v, q, page, c)) = super::totals::total(doc, f) {
                let v = if f.field_type == FieldType::Integer {
                    json!(v as i64)
                } else {
                    json!(v)
                };
                return FieldAnswer::reported(v, &q, page, c);
            }
            if let Some(a) = counted(doc, f) {
                return a;
            }
            for (s, sc) in &ps {
                let unit = f.unit.to_lowercase();
                let hit = scan(&s.text).into_iter().find(|n| {
                    let after = s
                        .text
                        .get(n.end..)
                        .unwrap_or("")
                        .trim_start()
                        .to_lowercase();
                    let unit_ok = unit.is_empty() || after.starts_with(&unit);
                    let type_ok = f.field_type == FieldType::Number || n.is_int;
                    unit_ok && type_ok && !(n.is_int && (1950.0..=2100.0).contains(&n.value))
                });
                if let Some(n) = hit {
                    let v = if f.field_type == FieldType::Integer {
                        json!(n.value as i64)
                    } else {
                        json!(n.value)
                    };
                    let c = conf(*sc, if unit.is_empty() { 0.1 } else { 0.25 });
                    // A number merely near the field's words is a guess: withheld
                    // below the same bar as trial numbers.
                    if c < super::MIN_NUMBER_CONF {
                        break;
                    }
                    return FieldAnswer::reported(v, &s.text, s.page, c);
                }
            }
        }
        FieldType::Boolean => {
            if let Some((s, sc)) = ps.first() {
                return FieldAnswer::reported(
                    json!(!negated(&s.text)),
                    &s.text,
                    s.page,
                    conf(*sc, 0.15),
                );
            }
        }
        FieldType::Date => {
            for (s, sc) in &ps {
                if let Some(d) = find_date(&s.text) {
                    return FieldAnswer::reported(json!(d), &s.text, s.page, conf(*sc, 0.2));
                }
            }
        }
        FieldType::SingleChoice | FieldType::MultipleChoice => return choice(doc, abbr, f, &ps),
        FieldType::TextList => {
            if let Some((items, q, page, c)) = super::short::list(doc, f) {
                return FieldAnswer::reported(json!(items), &q, page, c);
            }
        }
        FieldType::Subform => {}
    }
    FieldAnswer::not_reported(0.3)
}

/// A count of the things the field names: "2,462 dementia-free participants"
/// for "Number of participants", the first in reading order (abstract first).
/// The number must be followed, within three words, by a noun of the label; a number merely near the label's words is too often something else.
fn counted(doc: &Document, f: &FieldDef) -> Option<FieldAnswer> {
    const VAGUE: [&str; 8] = [
        "number", "total", "count", "of", "the", "study", "with", "and",
    ];
    // The label's nouns only: hints carry verbs ("randomised") that match
    // other words' stems ("randomisation").
    let nouns: Vec<String> = words(&f.label)
        .iter()
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() > 3 && !VAGUE.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect();
    if nouns.is_empty() {
        return None;
    }
    for s in &doc.sentences {
        // Table rows and planning ("866 participants would provide 83% power").
        let planning = ["power", "sample size", "would", "required"]
            .iter()
            .any(|w| s.lower.contains(w));
        if s.text.starts_with('|') || planning {
            continue;
        }
        for n in scan(&s.text) {
            if !n.is_int || n.pct || n.value < 1.0 || (1950.0..=2100.0).contains(&n.value) {
                continue;
            }
            // "Jadad,11": a citation glued to the word before it.
            let glued = s
                .text
                .get(..n.start)
                .and_then(|b| b.chars().last())
                .is_some_and(|c| c.is_alphabetic() || c == ',');
            if glued {
                continue;
            }
            let after = s.text.get(n.end..).unwrap_or("");
            if !after.starts_with(' ') {
                continue;
            }
            let next: Vec<String> = words(after).into_iter().take(3).collect();
            let hit = next
                .iter()
                .position(|w| nouns.contains(&stem(&w.to_lowercase())));
            // Only adjectives between the number and the noun ("dementia-free"), no numbers.
            let clean = hit.is_some_and(|k| {
                next.iter()
                    .take(k)
                    .all(|w| !w.chars().any(|c| c.is_ascii_digit()))
            });
            if clean {
                let v = if f.field_type == FieldType::Integer {
                    json!(n.value as i64)
                } else {
                    json!(n.value)
                };
                return Some(FieldAnswer::reported(v, &s.text, s.page, 0.6));
            }
        }
    }
    None
}

/// Options mentioned in the passages about the field (or, failing that, options
/// named with their full wording anywhere, which is weaker evidence).
fn choice(
    doc: &Document,
    abbr: &BTreeMap<String, String>,
    f: &FieldDef,
    ps: &[(&Sentence, f64)],
) -> FieldAnswer {
    let mut hits: Vec<(&ChoiceOption, &Sentence, f32)> = Vec::new();
    for o in &f.options {
        let near = ps
            .iter()
            .find(|(s, _)| mentions_option(o, &s.text, abbr))
            .map(|(s, sc)| (*s, 0.35 + 0.3 * *sc as f32));
        let anywhere = || {
            doc.sentences
                .iter()
                .find(|s| mentions_option(o, &s.text, abbr))
                .map(|s| (s, 0.2))
        };
        if let Some((s, c)) = near.or_else(anywhere) {
            hits.push((o, s, c));
        }
    }
    hits.sort_by(|a, b| b.2.total_cmp(&a.2));
    let Some((first, s, c)) = hits.first() else {
        return FieldAnswer::not_reported(0.3);
    };
    if f.field_type == FieldType::SingleChoice {
        // Two options equally supported: the weaker the evidence for either.
        let tied = hits.get(1).is_some_and(|h| (h.2 - c).abs() < 0.05);
        return FieldAnswer::reported(
            json!(first.value),
            &s.text,
            s.page,
            if tied { c * 0.6 } else { *c },
        );
    }
    let vals: Vec<Value> = hits
        .iter()
        .filter(|h| h.2 >= 0.35)
        .map(|h| json!(h.0.value))
        .collect();
    if vals.is_empty() {
        return FieldAnswer::not_reported(0.3);
    }
    FieldAnswer::reported(Value::Array(vals), &s.text, s.page, *c)
}

/// The answer for any field; sub-forms recurse (a repeating one without seeded
/// entries answers an empty list: the general path cannot tell entries apart).
pub fn answer(doc: &Document, abbr: &BTreeMap<String, String>, f: &FieldDef) -> AnswerNode {
    match (f.field_type, f.repeating) {
        (FieldType::Subform, true) => AnswerNode::Entries(Vec::new()),
        (FieldType::Subform, false) => AnswerNode::Object(
            f.fields
                .iter()
                .map(|c| (c.key.clone(), answer(doc, abbr, c)))
                .collect(),
        ),
        _ => AnswerNode::Field(scalar(doc, abbr, f)),
    }
}

/// A seeded value echoed back, quoted where the paper names it.
pub fn seeded(
    doc: &Document,
    abbr: &BTreeMap<String, String>,
    f: &FieldDef,
    v: &Value,
) -> AnswerNode {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let n = Name::new(&text, abbr);
    let best = doc
        .sentences
        .iter()
        .map(|s| (s, n.score_words(&s.words, &s.stems)))
        .filter(|x| x.1 >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.order.cmp(&a.0.order)));
    let _ = f;
    // The value is the user's, so it is certain whether or not a sentence names it.
    AnswerNode::Field(match best {
        Some((s, _)) => FieldAnswer::reported(v.clone(), &s.text, s.page, 1.0),
        None => FieldAnswer {
            value: Some(v.clone()),
            not_reported: false,
            evidence: None,
            confidence: 1.0,
            derivation: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_their_spellings() {
        assert_eq!(
            find_date("between January 2005 and March 2006").as_deref(),
            Some("2005-01")
        );
        assert_eq!(find_date("on 3 March 2010,").as_deref(), Some("2010-03-03"));
        assert_eq!(find_date("no date here"), None);
    }
}
