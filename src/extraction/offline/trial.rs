//! One comparison of a trial (intervention vs comparator on one outcome):
//! group sizes, events, means and SDs per arm, the direction of the effect and
//! an effect estimate, each with the quote it came from.
//!
//! Tables are read first (they hold most per-arm numbers), then sentences.
//! Values are only given when both arms are found in the same table row or
//! sentence: a number for one arm alone is too often another arm's or a
//! baseline value.

use super::arms::Name;
use super::document::Document;
use super::numbers::Spread;
use super::tables::from_tables;
use super::text;
use crate::extraction::answer::{Derivation, DerivationInput, Evidence};

/// A value with its quote, page and confidence (and derivation when computed).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub value: f64,
    pub quote: String,
    pub page: u32,
    pub conf: f32,
    pub derivation: Option<Derivation>,
}

impl Found {
    pub fn new(value: f64, quote: &str, page: u32, conf: f32) -> Found {
        Found {
            value,
            quote: quote.to_owned(),
            page,
            conf,
            derivation: None,
        }
    }

    fn input(&self, name: &str) -> DerivationInput {
        DerivationInput {
            name: name.to_owned(),
            value: self.value,
            evidence: Evidence {
                quote: self.quote.clone(),
                page: self.page,
            },
        }
    }

    /// Events from a printed percentage and the arm's size: round(% × n / 100).
    pub fn events_from_pct(pct: f64, quote: &str, page: u32, n: &Found) -> Found {
        let value = (pct * n.value / 100.0).round();
        let p = Found::new(pct, quote, page, n.conf);
        Found {
            value,
            quote: quote.to_owned(),
            page,
            conf: n.conf.min(0.6) - 0.1,
            derivation: Some(Derivation {
                formula: "events = round(% × n / 100)".into(),
                inputs: vec![p.input("%"), n.input("n")],
            }),
        }
    }
}

/// What the paper says the spread after a mean is, when a cell or sentence does not.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SpreadKindHint(pub Option<Spread>);

impl SpreadKindHint {
    /// Reads `SD`, `SE`, `SEM`, "standard deviation", "standard error" in a text.
    pub fn from_text(s: &str) -> SpreadKindHint {
        let lower = s.to_lowercase();
        let tokens: Vec<&str> = s
            .split(|c: char| !c.is_alphanumeric() && c != '.')
            .map(|t| t.trim_end_matches('.'))
            .collect();
        let se = tokens
            .iter()
            .any(|t| matches!(*t, "SE" | "SEM" | "S.E" | "S.E.M" | "s.e.m"))
            || lower.contains("standard error");
        let sd = tokens.iter().any(|t| matches!(*t, "SD" | "S.D" | "s.d"))
            || lower.contains("standard deviation");
        SpreadKindHint(match (sd, se) {
            (true, false) => Some(Spread::Sd),
            (false, true) => Some(Spread::Se),
            _ => None,
        })
    }

    pub fn or(self, other: SpreadKindHint) -> SpreadKindHint {
        SpreadKindHint(self.0.or(other.0))
    }

    pub fn resolve(self, printed: Spread) -> Resolved {
        Resolved(if printed == Spread::Unknown {
            self.0.unwrap_or(Spread::Unknown)
        } else {
            printed
        })
    }
}

/// A spread whose kind is decided.
#[derive(Debug, Clone, Copy)]
pub struct Resolved(Spread);

impl Resolved {
    /// The SD: printed, or SE × √n (Cochrane Handbook 6.5.2.2) when n is known.
    /// An unlabelled spread is taken as an SD (the usual convention) with less confidence.
    pub fn sd(
        self,
        spread: f64,
        quote: &str,
        page: u32,
        n: Option<&Found>,
        conf: f32,
    ) -> Option<Found> {
        match self.0 {
            Spread::Sd => Some(Found::new(spread, quote, page, conf)),
            Spread::Unknown => Some(Found::new(spread, quote, page, conf - 0.15)),
            Spread::Se => {
                let n = n?;
                let se = Found::new(spread, quote, page, conf);
                Some(Found {
                    value: spread * n.value.sqrt(),
                    quote: quote.to_owned(),
                    page,
                    conf: (conf - 0.2).min(n.conf),
                    derivation: Some(Derivation {
                        formula: "SD = SE × √n".into(),
                        inputs: vec![se.input("SE"), n.input("n")],
                    }),
                })
            }
        }
    }
}

impl Resolved {
    /// An SE kept for when n is known, if this spread is one.
    pub fn pending(self, spread: f64, quote: &str, page: u32, conf: f32) -> Option<Pending> {
        (self.0 == Spread::Se).then(|| Pending::Se(Found::new(spread, quote, page, conf)))
    }
}

/// The numbers of one arm for one outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArmData {
    pub n: Option<Found>,
    pub events: Option<Found>,
    pub mean: Option<Found>,
    pub sd: Option<Found>,
    /// A percentage printed without its events (the trap of `%` without n).
    pub pct: Option<Found>,
    /// A spread that becomes an SD once the arm's n is known.
    pub pending: Option<Pending>,
}

/// A spread printed after a mean that is not an SD: an SE, or the bounds of
/// the mean's 95% CI.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Se(Found),
    Ci(Found, Found),
}

/// t(0.975) with 1–59 degrees of freedom (Cochrane Handbook 6.5.2.3 uses
/// 2 × t instead of 3.92 for groups under 60).
const T975: [f64; 59] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042, 2.040, 2.037, 2.035, 2.032, 2.030, 2.028, 2.026, 2.024, 2.023,
    2.021, 2.020, 2.018, 2.017, 2.015, 2.014, 2.013, 2.012, 2.011, 2.010, 2.009, 2.008, 2.007,
    2.006, 2.005, 2.004, 2.003, 2.002, 2.002, 2.001,
];

impl Pending {
    /// The SD from this spread and the arm's n: SE × √n (6.5.2.2), or
    /// √n × (upper − lower) / 3.92 for a 95% CI (6.5.2.3; 2 × t(n−1) below 60).
    pub fn sd(&self, n: &Found) -> Option<Found> {
        if n.value < 2.0 || n.value.fract() != 0.0 {
            return None;
        }
        match self {
            Pending::Se(se) => {
                Resolved(Spread::Se).sd(se.value, &se.quote, se.page, Some(n), se.conf)
            }
            Pending::Ci(lo, hi) => {
                let width = hi.value - lo.value;
                if width <= 0.0 {
                    return None;
                }
                let df = n.value as usize - 1;
                let (divisor, formula) = match T975.get(df.wrapping_sub(1)) {
                    Some(t) if n.value < 60.0 => (
                        2.0 * t,
                        format!("SD = √n × (upper − lower) / (2 × {t}), t(0.975, n − 1)"),
                    ),
                    _ => (3.92, "SD = √n × (upper − lower) / 3.92".to_owned()),
                };
                Some(Found {
                    value: n.value.sqrt() * width / divisor,
                    quote: lo.quote.clone(),
                    page: lo.page,
                    conf: (lo.conf - 0.2).min(n.conf),
                    derivation: Some(Derivation {
                        formula,
                        inputs: vec![
                            lo.input("lower 95% CI"),
                            hi.input("upper 95% CI"),
                            n.input("n"),
                        ],
                    }),
                })
            }
        }
    }
}

impl ArmData {
    /// 0 = binary, 1 = continuous, 2 = nothing.
    pub fn kind(&self) -> u8 {
        if self.mean.is_some() {
            1
        } else if self.events.is_some() || self.pct.is_some() {
            0
        } else {
            2
        }
    }

    /// The arm's result as one number for comparing arms: a mean or a proportion.
    fn level(&self) -> Option<f64> {
        if let Some(m) = &self.mean {
            return Some(m.value);
        }
        if let (None, Some(p)) = (&self.events, &self.pct) {
            return Some(p.value / 100.0);
        }
        let (e, n) = (self.events.as_ref()?, self.n.as_ref()?);
        (n.value > 0.0).then(|| e.value / n.value)
    }
}

/// The direction of effect with its quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Direction {
    /// "significantly increased", "significantly decreased" or "no significant difference".
    pub label: &'static str,
    pub quote: String,
    pub page: u32,
    pub conf: f32,
}

/// An effect estimate (OR, RR, HR, MD, …) with its interval and p value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Estimate {
    pub measure: Option<String>,
    pub value: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub p: Option<f64>,
    pub quote: String,
    pub page: u32,
}

/// Everything found for one comparison.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub i: ArmData,
    pub c: ArmData,
    /// "binary" or "continuous", with confidence.
    pub outcome_type: Option<(&'static str, f32)>,
    pub direction: Option<Direction>,
    pub estimate: Option<Estimate>,
    /// The passage that best states the outcome (evidence for the echoed names).
    pub outcome_quote: Option<(String, u32)>,
}

pub const UP: &str = "significantly increased";
pub const DOWN: &str = "significantly decreased";
pub const SAME: &str = "no significant difference";

/// Words of an outcome that make it a count of people with an event.
const BINARY_WORDS: [&str; 21] = [
    "rate",
    "incidence",
    "proportion",
    "number of",
    "events",
    "death",
    "mortality",
    "adverse",
    "success",
    "eradication",
    "occurrence",
    "percentage",
    "risk",
    "complication",
    // Events and responders (PMC5614421 and PMC3493722 "side effects",
    // PMC57750 "Myocardial infarction", PMC5971365 "clinically meaningful
    // improvement … (⩾3-point increase …)").
    "side effect",
    "infarction",
    "clinically meaningful",
    "recurrence",
    "relapse",
    "hospitali",
    "stroke",
];

/// Extracts one comparison from the paper.
pub fn compare(
    doc: &Document,
    abbr: &std::collections::BTreeMap<String, String>,
    intervention: &str,
    comparator: &str,
    outcome: &str,
) -> Comparison {
    let mut i = Name::new(intervention, abbr);
    let mut c = Name::new(comparator, abbr);
    let o = Name::new(outcome, abbr);
    // Roles stand for the seeds only when the seeded intervention is not
    // itself the control ("placebo" as the intervention of a reversed
    // comparison would take the "intervention group"'s numbers).
    let control_like = |t: &str| {
        let l = t.to_lowercase();
        [
            "placebo",
            "control",
            "usual care",
            "standard care",
            "sham",
            "no treatment",
            "conventional",
        ]
        .iter()
        .any(|w| l.contains(w))
    };
    if i.group.is_none()
        && c.group.is_none()
        && let Some((gi, gc)) = defined_labels(doc, &i, &c)
    {
        i.group = Some(gi);
        c.group = Some(gc);
    }
    if doc.two_roles && !control_like(intervention) {
        i.roles = super::arms::INTERVENTION_ROLES.to_vec();
        c.roles = super::arms::CONTROL_ROLES.to_vec();
    }
    let mut out = Comparison::default();
    if i.stems.is_empty() && i.abbrevs.is_empty() {
        return out;
    }
    let doc_spread = text::document_spread(doc);
    let table = from_tables(&doc.tables, &o, &i, &c, doc_spread, outcome)
        .or_else(|| {
            // A table naming the outcome by its instrument ("VAS" for pain severity).
            super::instrument::instrument_names(doc, &o)
                .iter()
                .find_map(|alias| {
                    let a = Name::new(alias, abbr);
                    from_tables(&doc.tables, &a, &i, &c, doc_spread, alias)
                })
        })
        .or_else(|| {
            // The arms as rows, the outcomes as columns.
            super::tables::from_transposed(&doc.tables, &o, &i, &c, doc_spread, outcome)
        });
    let mut row_sig = None;
    let from_table = table.is_some();
    if let Some(hit) = table {
        out.outcome_quote = Some((hit.quote.clone(), hit.page));
        out.i = hit.i;
        out.c = hit.c;
        row_sig = hit.significant.map(|s| (s, hit.quote, hit.page));
    } else if let Some((ai, ac, q)) = text::from_sentences(doc, &o, &i, &c, doc_spread) {
        out.outcome_quote = Some(q);
        out.i = ai;
        out.c = ac;
    }
    // Group sizes the row or sentence did not give come from the allocation text.
    let sizes = [out.i.n.is_none(), out.c.n.is_none()];
    if sizes[0] || sizes[1] {
        let (ni, nc) = super::sizes::group_sizes(doc, &i, &c, outcome);
        if sizes[0] {
            out.i.n = ni;
        }
        if sizes[1] {
            out.c.n = nc;
        }
    }
    // An SE or a mean's 95% CI becomes an SD once n is known.
    for arm in [&mut out.i, &mut out.c] {
        if let (None, Some(_), Some(p), Some(n)) = (&arm.sd, &arm.mean, &arm.pending, &arm.n) {
            arm.sd = p.sd(n);
        }
    }
    // Percentages printed without events become events once n is known, for
    // outcomes that count people (a "90% score" is not a proportion of people).
    let lower = outcome.to_lowercase();
    let binary_words = BINARY_WORDS.iter().any(|w| lower.contains(w));
    // "… reappeared in 6.7% and 33.3% subjects in the pimecrolimus and …
    // groups, respectively" (PMC4357072): percentages of people, whatever
    // the outcome's words.
    let of_people = [&out.i, &out.c]
        .iter()
        .all(|a| a.pct.as_ref().is_some_and(|p| counts_people(&p.quote)));
    for arm in [&mut out.i, &mut out.c] {
        if !binary_words && !from_table && !of_people {
            break;
        }
        if let (None, Some(p), Some(n)) = (&arm.events, &arm.pct, &arm.n) {
            arm.events = Some(Found::events_from_pct(p.value, &p.quote, p.page, n));
        }
    }
    // "No unexpected adverse events were reported": zero in both arms.
    if binary_words && out.i.kind() == 2 && out.c.kind() == 2 {
        let core = Name::new(&core_outcome(outcome), abbr);
        if let Some((zi, zc)) = super::zero::zero_events(doc, &core, &i, &c) {
            out.outcome_quote = out.outcome_quote.or(Some((zi.quote.clone(), zi.page)));
            out.i.events = Some(zi);
            out.c.events = Some(zc);
        }
    }
    out.outcome_type = match (out.i.kind(), out.c.kind()) {
        (0, 0) => Some(("binary", 0.85)),
        (1, 1) => Some(("continuous", 0.85)),
        _ => Some(if binary_words {
            ("binary", 0.45)
        } else {
            ("continuous", 0.4)
        }),
    };
    // Direction sentences are matched on the outcome's own words: "35 wk" in
    // "leucocyte count between 26 and 35 wk" must not make a sentence on
    // lymphocyte counts at 35 wk about it.
    let core = Name::new(&core_outcome(outcome), abbr);
    let o_dir = if core.stems.is_empty() { &o } else { &core };
    out.direction = direction(doc, o_dir, &i, &c, &out, row_sig);
    out.estimate = super::direction::estimate(doc, &o);
    if out.outcome_quote.is_none() {
        out.outcome_quote = text::best_sentence(doc, &o).map(|s| (s.text.clone(), s.page));
    }
    out
}

/// Group labels the paper defines by what the seeds describe: "Group A
/// received the debriefing information in the body of an email …; Group B was
/// presented with these links after clicking …" (PMC3510731), seeded as those
/// descriptions. Each seed must be described by one label's clause (the text
/// after the label up to the next label, ";" or the sentence end) far better
/// than by any other, and the two labels must differ.
fn defined_labels(doc: &Document, i: &Name, c: &Name) -> Option<(String, String)> {
    let mut clauses: Vec<(String, String)> = Vec::new();
    for s in &doc.sentences {
        let ls = super::headers::group_labels(&s.text);
        if ls.len() < 2 {
            continue;
        }
        let ws = super::arms::words(&s.text);
        for (k, (at, label)) in ls.iter().enumerate() {
            let end = ls.get(k + 1).map_or(ws.len(), |n| n.0);
            let clause: Vec<&str> = ws
                .get(at + 2..end.max(at + 2))
                .unwrap_or(&[])
                .iter()
                .map(String::as_str)
                .collect();
            if clause.len() >= 4 {
                clauses.push((label.clone(), clause.join(" ")));
            }
        }
    }
    let best = |n: &Name| -> Option<String> {
        let mut scored: Vec<(f64, &String)> =
            clauses.iter().map(|(l, t)| (n.score(t), l)).collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (top, label) = *scored.first()?;
        // The runner-up under another label.
        let rival = scored
            .iter()
            .find(|(_, l)| *l != label)
            .map_or(0.0, |x| x.0);
        (n.stems.len() >= 3 && top >= 0.8 && top - rival >= 0.2).then(|| label.clone())
    };
    let (gi, gc) = (best(i)?, best(c)?);
    (gi != gc).then_some((gi, gc))
}

/// Whether a sentence gives percentages of people: "6.7% subjects", "12% of
/// the patients", not "a 57% reduction" or "93% and 92%".
fn counts_people(sentence: &str) -> bool {
    const PEOPLE: [&str; 14] = [
        "patients",
        "subjects",
        "participants",
        "children",
        "women",
        "men",
        "infants",
        "adults",
        "individuals",
        "persons",
        "people",
        "mothers",
        "neonates",
        "cases",
    ];
    let lower = sentence.to_lowercase().replace(['*', '_'], "");
    lower.match_indices('%').any(|(k, _)| {
        let rest = lower.get(k + 1..).unwrap_or("").trim_start();
        let rest = rest.strip_prefix("of ").unwrap_or(rest);
        let rest = rest
            .strip_prefix("the ")
            .or_else(|| rest.strip_prefix("all "))
            .unwrap_or(rest);
        let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
        PEOPLE.contains(&word.as_str())
    })
}

/// The outcome without numbers and time points ("at 35 wk", "visit 3B").
pub fn core_outcome(outcome: &str) -> String {
    const TIME: [&str; 22] = [
        "wk",
        "wks",
        "week",
        "weeks",
        "month",
        "months",
        "day",
        "days",
        "year",
        "years",
        "visit",
        "min",
        "minutes",
        "h",
        "hr",
        "hours",
        "baseline",
        "between",
        "at",
        "after",
        "gestation",
        "follow-up",
    ];
    outcome
        .split_whitespace()
        .filter(|w| {
            let t = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            !(TIME.contains(&t.as_str()) || t.chars().any(|c| c.is_ascii_digit()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a sentence gives the outcome as the size of its decrease ("the
/// decrease in HbA1c levels was 1.05%", "a reduction in weight of 3.1 kg"),
/// where the outcome itself is not named as a decrease (then its values are
/// compared as they are).
fn decrease_framed(sentence: &str, o: &Name) -> bool {
    const NOUNS: [&str; 7] = [
        "decrease in ",
        "decreases in ",
        "reduction in ",
        "reductions in ",
        "fall in ",
        "drop in ",
        "decline in ",
    ];
    let own = ["reduction", "decrease", "decline", "fall", "drop", "loss"]
        .iter()
        .any(|w| o.stems.contains(&super::arms::stem(w)));
    if own {
        return false;
    }
    let lower = sentence.to_lowercase();
    if lower.len() != sentence.len() {
        return false;
    }
    let ms = o.mentions(sentence);
    NOUNS.iter().any(|n| {
        lower.match_indices(n).any(|(k, _)| {
            let at = k + n.len();
            ms.iter().any(|m| *m >= at && *m <= at + 20)
        })
    })
}

/// Direction: stated in a sentence about the outcome, or a table p value with
/// the arms' numbers giving the sign.
fn direction(
    doc: &Document,
    o: &Name,
    i: &Name,
    c: &Name,
    cmp: &Comparison,
    row_sig: Option<(bool, String, u32)>,
) -> Option<Direction> {
    let by_numbers = match (cmp.i.level(), cmp.c.level()) {
        (Some(a), Some(b)) if a > b => Some(UP),
        (Some(a), Some(b)) if a < b => Some(DOWN),
        _ => None,
    };
    // "the decrease in HbA1c levels was 1.05% … in the intervention group
    // compared with 0.15% … in the control group" (PMC5777645): both means
    // are sizes of a decrease, so the larger one is the lower outcome.
    let by_numbers = match (&cmp.i.mean, &cmp.c.mean) {
        (Some(a), Some(b))
            if a.quote == b.quote
                && a.value > 0.0
                && b.value > 0.0
                && decrease_framed(&a.quote, o) =>
        {
            by_numbers.map(|d| if d == UP { DOWN } else { UP })
        }
        _ => by_numbers,
    };
    if let Some(d) = super::direction::stated_direction(doc, o, i, c, by_numbers) {
        return Some(d);
    }
    let (sig, quote, page) = row_sig?;
    let label = if !sig { SAME } else { by_numbers? };
    Some(Direction {
        label,
        quote,
        page,
        conf: 0.6,
    })
}
