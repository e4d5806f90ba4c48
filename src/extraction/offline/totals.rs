//! Totals of participants: "A total of 612 participants were randomized",
//! "Of 403 women randomized, 201 received …", "412 people were screened and
//! 248 randomized". The quantity is the one the field asks for (randomised,
//! screened, analysed …, from its label, description and hints); numbers
//! tied to another quantity ("screened", "analysed") or to one arm ("to each
//! arm", "201 to nicotine and 202 to placebo") are not totals.

use super::document::Document;
use super::numbers::scan;
use crate::forms::model::FieldDef;

/// A quantity and the words that state it (lower case, matched as word starts).
struct Quantity {
    cue: &'static str,
    verbs: &'static [&'static str],
}

const QUANTITIES: [Quantity; 4] = [
    Quantity {
        cue: "randomi",
        verbs: &[
            "randomized",
            "randomised",
            "randomly",
            "allocated",
            "assigned",
        ],
    },
    Quantity {
        cue: "screen",
        verbs: &["screened", "assessed"],
    },
    Quantity {
        cue: "analy",
        verbs: &["analysed", "analyzed", "evaluable", "included"],
    },
    Quantity {
        cue: "enrol",
        verbs: &["enrolled", "enroled", "recruited"],
    },
];

/// The quantity the field asks for: the first cue of its label, else of its
/// description. Words after "not" in the hints ("not the number screened")
/// never decide it.
fn wanted(f: &FieldDef) -> Option<usize> {
    let hints = f.hints.to_lowercase();
    let positive = hints.split(" not ").next().unwrap_or("").to_owned();
    for text in [
        f.label.to_lowercase(),
        f.key.to_lowercase(),
        f.description.to_lowercase(),
        positive,
    ] {
        if let Some(k) = QUANTITIES.iter().position(|q| text.contains(q.cue)) {
            return Some(k);
        }
    }
    None
}

/// `(value, quote, page, confidence)` of the total the field asks for.
pub fn total(doc: &Document, f: &FieldDef) -> Option<(f64, String, u32, f32)> {
    let want = wanted(f)?;
    let q = QUANTITIES.get(want)?;
    // Randomised totals may be stated as "enrolled and assigned" too; other
    // quantities' verbs are never this one's.
    let others: Vec<&str> = QUANTITIES
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != want && !(want == 0 && *k == 3))
        .flat_map(|(_, o)| o.verbs.iter().copied())
        .collect();
    for s in &doc.sentences {
        let planning = [
            "power",
            "sample size",
            "would",
            "required",
            "needed",
            "target",
        ]
        .iter()
        .any(|w| s.lower.contains(w));
        if s.text.starts_with('|') || planning {
            continue;
        }
        let lower = s.text.to_ascii_lowercase();
        let nums = scan(&s.text);
        for (k, n) in nums.iter().enumerate() {
            if !n.is_int || n.pct || n.value < 2.0 || (1950.0..=2100.0).contains(&n.value) {
                continue;
            }
            let before = lower.get(..n.start).unwrap_or("").trim_end();
            if before.ends_with("n =") || before.ends_with("n=") || before.ends_with('(') {
                continue;
            }
            let limit = nums.get(k + 1).map_or(lower.len(), |m| m.start);
            let tail = lower.get(n.end..limit).unwrap_or("");
            let ws: Vec<&str> = tail
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(7)
                .collect();
            // "aged ≥ 45 years with … were randomly assigned": an age, not a count.
            const UNITS: [&str; 9] = [
                "years",
                "year",
                "weeks",
                "months",
                "days",
                "aged",
                "mg",
                "per",
                "cigarettes",
            ];
            let verb = ws
                .iter()
                .take(5)
                .position(|w| q.verbs.contains(w))
                .filter(|v| !ws.iter().take(*v).any(|w| UNITS.contains(w)));
            let other = ws.iter().position(|w| others.contains(w));
            let Some(v) = verb.filter(|v| other.is_none_or(|o| o > *v)) else {
                continue;
            };
            // "124 were assigned to each arm", "667 women were randomized to the
            // short regimen and 769 women to the long regimen": one arm's.
            let after_verb = tail
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .skip(v + 1)
                .take(3)
                .collect::<Vec<_>>();
            let rest = lower.get(n.end..).unwrap_or("");
            let per_arm = after_verb.first().is_some_and(|w| *w == "to" || *w == "in")
                && (rest.contains(" and ") && nums.len() > k + 1 && !rest.contains(" or ")
                    || after_verb.get(1).is_some_and(|w| *w == "each"));
            if per_arm || rest.starts_with(" per ") || tail.contains(" per arm") {
                continue;
            }
            let total_cue = before.ends_with("a total of")
                || before.ends_with("in total,")
                || before.ends_with("total")
                || before.ends_with("of");
            let conf = if total_cue { 0.75 } else { 0.65 };
            return Some((n.value, s.text.clone(), s.page, conf));
        }
    }
    None
}
