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
        let p = p_value(&s.text)
            .and_then(p_significant)
            .or_else(|| ci_significant(&s.text));
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

/// Significance read from the 95% CIs of between-group effects, where no p
/// value is given: "mean difference [95% CI] −0.4 [−0.5 to −0.3]"
/// (PMC1863515), "OR 0.75, 95% CI 0.60–0.93". A difference is significant
/// when its interval leaves out 0, a ratio (OR, RR, HR) when it leaves out 1.
/// An interval of anything else (a mean, a change within one arm) says
/// nothing about the comparison and is not read; intervals that disagree, or
/// one that ends on the null, give no answer.
pub fn ci_significant(text: &str) -> Option<bool> {
    // Escapes and emphasis blanked (byte offsets kept).
    let t: String = text
        .chars()
        .map(|ch| {
            if matches!(ch, '\\' | '*' | '_') {
                ' '
            } else {
                ch
            }
        })
        .collect();
    let lower = t.to_lowercase();
    if lower.len() != t.len() {
        return None;
    }
    let mut labels: Vec<(usize, usize)> = Vec::new();
    for needle in [
        "95% ci",
        "95 % ci",
        "95% confidence interval",
        "ci95%",
        "ci 95%",
    ] {
        for (k, _) in lower.match_indices(needle) {
            if !labels.iter().any(|l| l.0 <= k && k < l.1) {
                labels.push((k, k + needle.len()));
            }
        }
    }
    let mut verdicts: Vec<bool> = Vec::new();
    for (from, to) in labels {
        // The measure named just before the interval's label.
        let before = clip(&t, from.saturating_sub(50), from);
        let bl = before.to_lowercase();
        let ratio = words(before)
            .iter()
            .any(|w| matches!(w.as_str(), "OR" | "RR" | "HR" | "IRR" | "aOR" | "aHR"))
            || [
                "odds ratio",
                "risk ratio",
                "hazard ratio",
                "relative risk",
                "rate ratio",
            ]
            .iter()
            .any(|w| bl.contains(w));
        let difference = bl.contains("difference") && !bl.contains("baseline");
        let null = match (ratio, difference) {
            (true, false) => 1.0,
            (false, true) => 0.0,
            _ => continue,
        };
        // The first two numbers joined by a dash or "to" after the label.
        let rest = clip(&t, to, to + 60);
        let nums = scan(rest);
        let bounds = nums.windows(2).find_map(|w| {
            let [a, b] = w else { return None };
            let gap = clip(rest, a.end, b.start).trim();
            matches!(gap, "–" | "-" | "—" | "to" | "," | ";").then_some((a.value, b.value))
        });
        let Some((lo, hi)) = bounds else { continue };
        if lo >= hi || lo == null || hi == null {
            continue;
        }
        verdicts.push(!(lo < null && null < hi));
    }
    let first = *verdicts.first()?;
    verdicts.iter().all(|v| *v == first).then_some(first)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significance_from_the_ci_of_a_difference_or_a_ratio() {
        // PMC1863515 abstract: three mean differences, all leaving out 0.
        let s = "Between 26 and 35 wk, haemoglobin, leucocytes, and absolute neutrophil counts decreased in zidovudine-exposed compared to unexposed women (mean difference \\[95% CI\\] −0.4 \\[−0.5 to −0.3\\], −423 \\[−703 to −142\\], −485 \\[−757 to −213\\], respectively).";
        assert_eq!(ci_significant(s), Some(true));
        assert_eq!(
            ci_significant("The odds of death were similar (OR 0.92, 95% CI 0.71–1.19)."),
            Some(false)
        );
        assert_eq!(
            ci_significant("Fewer relapses occurred (hazard ratio 0.62; 95% CI, 0.45 to 0.85)."),
            Some(true)
        );
        // Traps: the CI of a mean or of a change within one arm says nothing
        // about the comparison (PMC5777645: "1.05% (SD = 2.0; CI95%: 1.54;-0.56)");
        // intervals that disagree give no answer.
        assert_eq!(
            ci_significant("The mean HbA1c was 10.6% (95% CI 10.3–10.9) at baseline."),
            None
        );
        assert_eq!(
            ci_significant(
                "the decrease in HbA1c levels was 1.05% (SD = 2.0; CI95%: 1.54;-0.56) in the intervention group"
            ),
            None
        );
        assert_eq!(
            ci_significant(
                "RR 0.8 (95% CI 0.7–0.9) for death and RR 0.9 (95% CI 0.7–1.1) for stroke"
            ),
            None
        );
    }
}
