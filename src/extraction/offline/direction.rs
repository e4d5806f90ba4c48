//! The direction of effect and the effect estimate stated in sentences about an
//! outcome ("was significantly lower in the X group", "did not differ",
//! "OR 0.75, 95% CI 0.60–0.93").

use super::arms::{Name, stem, words};
use super::document::Document;
use super::numbers::{p_significant, p_value, scan};
use super::text::{about, clip};
use super::trial::{DOWN, Direction, Estimate, SAME, UP};

const NSD: [&str; 14] = [
    "no significant",
    "not significant",
    "did not differ",
    "not statistically",
    "were similar",
    "was similar",
    "no difference",
    "no differences",
    "comparable",
    "did not reach",
    "non-significant",
    "nonsignificant",
    "not differ",
    "no statistically",
];
const UPW: [&str; 13] = [
    "higher",
    "greater",
    "increase",
    "increased",
    "more",
    "longer",
    "larger",
    "improved",
    "better",
    "elevated",
    "raised",
    "superior",
    "exceeded",
];
const DOWNW: [&str; 11] = [
    "lower",
    "less",
    "decrease",
    "decreased",
    "reduced",
    "reduction",
    "fewer",
    "shorter",
    "smaller",
    "declined",
    "inferior",
];

/// The direction a sentence about the outcome states; numbers break the tie
/// when the wording does not say which arm is higher.
pub fn stated_direction(
    doc: &Document,
    o: &Name,
    i: &Name,
    c: &Name,
    by_numbers: Option<&'static str>,
) -> Option<Direction> {
    for (s, score) in about(doc, o, 0.6) {
        if super::text::mentions_baseline_values(&s.lower) {
            continue;
        }
        let (mi, mc) = (i.mentions(&s.text), c.mentions(&s.text));
        let both = !mi.is_empty() && !mc.is_empty();
        // A finding compares arms: background ("H. pylori infection is
        // significantly associated with …") and lists of outcomes do not.
        let compares = !mi.is_empty()
            || !mc.is_empty()
            || s.words.iter().any(|w| {
                matches!(
                    w.to_lowercase().as_str(),
                    "group"
                        | "groups"
                        | "arm"
                        | "arms"
                        | "between"
                        | "compared"
                        | "versus"
                        | "vs"
                        | "placebo"
                        | "control"
                )
            });
        if !compares {
            continue;
        }
        let base = if both && score >= 0.8 { 0.75 } else { 0.6 };
        let nsd = NSD.iter().any(|w| s.lower.contains(w));
        // "significant" said positively somewhere ("significantly lower …, but did not differ …").
        // "significantly", or "significant" naming a difference: "significant
        // health outcomes" says nothing about the comparison.
        let positive = s.lower.match_indices("significant").any(|(k, _)| {
            let before = clip(&s.lower, k.saturating_sub(4), k);
            let after = clip(&s.lower, k + "significant".len(), k + 40);
            let negated = before.ends_with("not ")
                || before.ends_with("no ")
                || before.ends_with("non-")
                || before.ends_with("non");
            let about_effect = after.starts_with("ly")
                || [
                    " difference",
                    " differences",
                    " increase",
                    " decrease",
                    " reduction",
                    " improvement",
                    " effect",
                    " change",
                    " rise",
                    " fall",
                    " decline",
                    " benefit",
                ]
                .iter()
                .any(|w| after.starts_with(w));
            !negated && about_effect
        });
        if nsd && (positive || s.lower.contains("except")) {
            // Two findings in one sentence: which belongs to this outcome is unclear.
            continue;
        }
        let p = p_value(&s.text).and_then(p_significant);
        let sig = if nsd && p != Some(true) {
            false
        } else if let Some(p) = p {
            p
        } else if positive {
            true
        } else {
            continue;
        };
        if !sig {
            return Some(Direction {
                label: SAME,
                quote: s.text.clone(),
                page: s.page,
                conf: base,
            });
        }
        let mut worded = None;
        for w in words(&s.text) {
            let lw = w.to_lowercase();
            if o.stems.contains(&stem(&lw)) {
                continue;
            }
            if UPW.contains(&lw.as_str()) {
                worded = Some(UP);
                break;
            }
            if DOWNW.contains(&lw.as_str()) {
                worded = Some(DOWN);
                break;
            }
        }
        let first_i = mi.first().copied().unwrap_or(usize::MAX);
        let first_c = mc.first().copied().unwrap_or(usize::MAX);
        let worded = match (worded, first_i == usize::MAX && first_c == usize::MAX) {
            (Some(w), false) if first_c < first_i => Some(if w == UP { DOWN } else { UP }),
            (Some(w), false) => Some(w),
            _ => None,
        };
        let (label, conf) = match (worded, by_numbers) {
            (Some(w), Some(n)) if w == n => (w, base + 0.1),
            (Some(_), Some(n)) => (n, 0.45),
            (Some(w), None) => (w, base - 0.1),
            (None, Some(n)) => (n, base - 0.05),
            (None, None) => continue,
        };
        return Some(Direction {
            label,
            quote: s.text.clone(),
            page: s.page,
            conf,
        });
    }
    None
}

const MEASURES: [(&str, &str); 12] = [
    ("odds ratio", "OR"),
    ("OR", "OR"),
    ("relative risk", "RR"),
    ("risk ratio", "RR"),
    ("RR", "RR"),
    ("hazard ratio", "HR"),
    ("HR", "HR"),
    ("mean difference", "MD"),
    ("MD", "MD"),
    ("risk difference", "RD"),
    ("RD", "RD"),
    ("difference", "MD"),
];

/// An effect estimate with its 95% CI from a sentence about the outcome.
pub fn estimate(doc: &Document, o: &Name) -> Option<Estimate> {
    for (s, _) in about(doc, o, 0.7) {
        for (needle, code) in MEASURES {
            let at = if needle.chars().all(|c| c.is_ascii_uppercase()) {
                words(&s.text)
                    .iter()
                    .any(|w| w == needle)
                    .then(|| s.text.find(needle))
                    .flatten()
            } else {
                s.lower.find(needle)
            };
            let Some(at) = at else { continue };
            let rest = clip(&s.text, at + needle.len(), at + needle.len() + 90);
            let nums: Vec<_> = scan(rest)
                .into_iter()
                .filter(|n| !(n.pct && n.value == 95.0))
                .collect();
            let (Some(v), Some(lo), Some(hi)) = (nums.first(), nums.get(1), nums.get(2)) else {
                continue;
            };
            if !(lo.value <= v.value && v.value <= hi.value)
                || !rest.to_lowercase().contains("ci") && !rest.contains("confidence")
            {
                continue;
            }
            let p = p_value(rest).map(|x| x.0);
            return Some(Estimate {
                measure: Some(code.to_owned()),
                value: Some(v.value),
                lower: Some(lo.value),
                upper: Some(hi.value),
                p,
                quote: s.text.clone(),
                page: s.page,
            });
        }
    }
    None
}
