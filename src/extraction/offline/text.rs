//! Arm statistics, group sizes, direction of effect and effect estimates read
//! from sentences ("12 of 35 patients in the X group vs 8 of 36 in the Y
//! group", "… 47.5 ± 38.9 and 26.5 ± 27.4 in WGJ and WA, respectively",
//! "randomised to X (n = 120) or Y (n = 118)").

use super::arms::Name;
use super::document::{Document, Sentence};
use super::numbers::{Spread, Stat, parse_stat, sample_size, scan};
use super::trial::{ArmData, Found, Pending, SpreadKindHint};

/// A statistic in a sentence with its byte span.
#[derive(Debug, Clone, Copy)]
struct Frag {
    start: usize,
    end: usize,
    stat: Stat,
}

/// `s[a..b]` with both ends moved onto char boundaries.
pub(super) fn clip(s: &str, a: usize, b: usize) -> &str {
    let mut a = a.min(s.len());
    let mut b = b.min(s.len());
    while !s.is_char_boundary(a) {
        a -= 1;
    }
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    s.get(a..b.max(a)).unwrap_or("")
}

/// The spread convention the paper states ("values are mean ± SD").
pub fn document_spread(doc: &Document) -> SpreadKindHint {
    let (mut sd, mut se) = (0, 0);
    let texts = doc
        .sentences
        .iter()
        .map(|s| s.text.as_str())
        .chain(doc.tables.iter().map(|t| t.caption.as_str()));
    for t in texts {
        if t.contains('±') || t.contains("mean") || t.contains("Mean") {
            match SpreadKindHint::from_text(t).0 {
                Some(Spread::Sd) => sd += 1,
                Some(Spread::Se) => se += 1,
                _ => {}
            }
        }
    }
    SpreadKindHint(if se > sd {
        Some(Spread::Se)
    } else if sd > 0 && se == 0 {
        Some(Spread::Sd)
    } else {
        None
    })
}

/// A sentence reporting another study's findings ("In that report, the
/// eradication rates were …", "Smith et al. found …"): its numbers and
/// direction are not this trial's.
pub(super) fn other_study(lower: &str) -> bool {
    [
        "et al",
        "that report",
        "that study",
        "that trial",
        "previous stud",
        "previous trial",
        "previous report",
        "prior stud",
        "earlier stud",
        "other stud",
        "another stud",
        "another trial",
        "a recent stud",
        "meta-analys",
        "have reported",
        "has been reported",
        "have been reported",
        "reported that",
        "was reported in",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Sentences about the outcome, best first; planning text (sample size) left out.
pub(super) fn about<'d>(doc: &'d Document, o: &Name, min: f64) -> Vec<(&'d Sentence, f64)> {
    let mut v: Vec<(&Sentence, f64)> = doc
        .sentences
        .iter()
        .filter(|s| {
            !["sample size", "power", "assum", "hypothes", "expected"]
                .iter()
                .any(|w| s.lower.contains(w))
                && !other_study(&s.lower)
        })
        .map(|s| (s, o.score_words(&s.words, &s.stems)))
        .filter(|(_, sc)| *sc >= min)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.order.cmp(&b.0.order)));
    v
}

/// The sentence that best names the outcome.
pub fn best_sentence<'d>(doc: &'d Document, o: &Name) -> Option<&'d Sentence> {
    about(doc, o, 0.5).first().map(|x| x.0)
}

const STOPS: [&str; 10] = [
    " and ",
    " vs",
    " versus ",
    " compared",
    " than ",
    " whereas ",
    " while ",
    " in ",
    " for ",
    " at ",
];

/// Verbs stating a signed change as a positive number.
const DECREASED_BY: [&str; 6] = [
    "decreased by",
    "reduced by",
    "fell by",
    "dropped by",
    "declined by",
    "lowered by",
];

/// Whether an outcome is named as a decrease, so its values are given positive.
fn names_a_decrease(o: &Name) -> bool {
    [
        "reduction",
        "decrease",
        "loss",
        "decline",
        "fall",
        "drop",
        "lower",
    ]
    .iter()
    .any(|w| o.stems.contains(&super::arms::stem(w)))
}

/// Statistics of a sentence, skipping p values, sample sizes, CIs and years.
/// `outcome_is_decrease`: see [`names_a_decrease`].
fn fragments(s: &str, outcome_is_decrease: bool) -> Vec<Frag> {
    let lower = s.to_lowercase();
    let declared_sd = declares_mean_sd(&lower);
    let mut out: Vec<Frag> = Vec::new();
    let mut last_decreased = false;
    for n in scan(s) {
        if out.last().is_some_and(|f| n.start < f.end) {
            continue;
        }
        // Emphasis markers dropped: "*p* = 0.0274" is a p value too.
        let before: String = clip(&lower, n.start.saturating_sub(18), n.start)
            .chars()
            .filter(|c| !matches!(c, '*' | '_'))
            .collect();
        let before = before.trim_end();
        let skip = [
            "p =", "p=", "p <", "p<", "p >", "p>", "p ≤", "p≤", "n =", "n=", "ci", "ci:", "ci,",
            "interval", "to", "–", "-",
        ]
        .iter()
        .any(|w| before.ends_with(w))
            || (n.is_int && (1950.0..=2100.0).contains(&n.value))
            // A time point: "at week 144 (6.3 (12.6) vs …)".
            || (n.is_int
                && ["week", "weeks", "day", "days", "month", "months", "visit", "wk"]
                    .iter()
                    .any(|w| before.ends_with(&format!(" {w}")) || before == *w))
            // A citation glued to the full stop: "(Figure 1).18".
            || (s.get(n.start..).is_some_and(|r| r.starts_with('.'))
                && s.get(..n.start).is_some_and(|b| b.ends_with([')', ']'])))
            || (n.pct && n.value == 95.0);
        if skip {
            continue;
        }
        let mut depth = 0i32;
        let mut end = s.len().min(n.start + 60);
        for (k, ch) in s.get(n.start..).unwrap_or("").char_indices() {
            let pos = n.start + k;
            if pos >= end {
                break;
            }
            match ch {
                '(' | '[' => depth += 1,
                ')' | ']' if depth == 0 => {
                    end = pos;
                    break;
                }
                ')' | ']' => depth -= 1,
                ';' if depth == 0 => {
                    end = pos;
                    break;
                }
                ',' if depth == 0 && s.get(pos + 1..).is_some_and(|r| r.starts_with(' ')) => {
                    end = pos;
                    break;
                }
                _ => {}
            }
            if depth == 0
                && k > 0
                && STOPS
                    .iter()
                    .any(|w| lower.get(pos..).is_some_and(|r| r.starts_with(w)))
            {
                end = pos;
                break;
            }
        }
        // Medians, ranges and intervals are not means, whatever their shape.
        // A closed bracket with numbers before is another value's detail:
        // "a mean of 25.4 days (range 9–74 days) compared with 13.5 days".
        let lead = without_numbered_brackets(clip(&lower, n.start.saturating_sub(40), n.start));
        let lead = lead.as_str();
        let bound = [
            "more than",
            "less than",
            "over",
            "under",
            "up to",
            "at least",
            "nearly",
            "about",
            "approximately",
            ">",
            "<",
            "≥",
            "≤",
        ];
        if ["median", "iqr", "range", "interquartile"]
            .iter()
            .any(|w| lead.contains(w))
            || bound.iter().any(|w| lead.trim_end().ends_with(w))
        {
            continue;
        }
        // The bracket before a sign set apart ("(- 0.7 gm)") keeps it a sign.
        let from = if s.get(..n.start).is_some_and(|b| b.ends_with('(')) {
            n.start - 1
        } else {
            n.start
        };
        // "25.4 days (range 9–74 days)": the range is no spread; the number
        // before it is read alone.
        let own = clip(s, from, end);
        let own = own
            .find(['(', '['])
            .filter(|k| {
                let inner = clip(own, k + 1, k + 12).trim_start().to_lowercase();
                ["range", "min", "iqr", "interquartile"]
                    .iter()
                    .any(|w| inner.starts_with(w))
            })
            .map_or(own, |k| clip(own, 0, k));
        let mut stat = parse_stat(own, None);
        // "(mean [SD], 73.3% [6.9%])": where the sentence says its brackets
        // are mean (SD), a percentage with a bracketed percentage is a mean
        // score and its SD, not a proportion of people.
        if declared_sd
            && let Some(Stat::Count {
                events,
                n: None,
                pct: Some(x),
            }) = stat
            && !events.is_finite()
            && let Some(sd) = bracketed_pct(own)
        {
            stat = Some(Stat::Mean {
                mean: x,
                spread: Some(sd),
                kind: Spread::Sd,
            });
        }
        // "decreased by 3.34 cm (SD = 9.3)": a change stated by its verb is
        // negative, unless the outcome itself is the decrease ("reduction in …").
        // "fell by 0.60 … and by 0.10": the verb is not repeated.
        let elided = ["and by", "or by", ", by"]
            .iter()
            .any(|w| lead.trim_end().ends_with(w));
        let decreased = !outcome_is_decrease
            && (DECREASED_BY.iter().any(|w| lead.trim_end().ends_with(w))
                || (elided && last_decreased));
        last_decreased = decreased;
        match &mut stat {
            Some(Stat::Mean { mean, .. }) if *mean > 0.0 && decreased => *mean = -*mean,
            // "fell by 0.60 (95% CI 0.40–0.80)": the interval turns with it.
            Some(Stat::Interval {
                centre,
                lo,
                hi,
                ci: true,
            }) if *centre > 0.0 && decreased => {
                (*centre, *lo, *hi) = (-*centre, -*hi, -*lo);
            }
            _ => {}
        }
        // In prose a bare whole number is rarely an event count ("26 and 35 wk").
        let bare = matches!(
            stat,
            Some(Stat::Count {
                n: None,
                pct: None,
                ..
            })
        );
        if let (Some(stat), false) = (stat, bare) {
            out.push(Frag {
                start: n.start,
                end,
                stat,
            });
        }
    }
    out
}

/// Whether a sentence declares its bracketed values as mean and SD: "(mean
/// [SD], 73.3% [6.9%])" (PMC3475525 abstract, the converter escaping the
/// square brackets), "mean (SD)", "mean ± SD".
fn declares_mean_sd(lower: &str) -> bool {
    let plain: String = lower
        .chars()
        .filter(|c| !matches!(c, '\\' | '*' | '_'))
        .collect();
    [
        "mean (sd)",
        "mean [sd]",
        "mean (standard deviation)",
        "mean [standard deviation]",
        "mean (s.d.)",
        "mean ± sd",
        "mean±sd",
    ]
    .iter()
    .any(|w| plain.contains(w))
}

/// The percentage in a bracket right after a percentage: "73.3% [6.9%]",
/// "73.3% (6.9%)", and nothing after it.
fn bracketed_pct(own: &str) -> Option<f64> {
    let plain = own.replace('\\', "");
    let nums = scan(&plain);
    let (a, b) = (nums.first()?, nums.get(1)?);
    let gap = clip(&plain, a.end, b.start).trim_start_matches('%').trim();
    let tail = clip(&plain, b.end, plain.len())
        .trim_start_matches('%')
        .trim();
    (a.pct
        && b.pct
        && nums.len() == 2
        && matches!(gap, "(" | "[")
        && matches!(tail, "" | ")" | "]"))
    .then_some(b.value)
}

/// `lead` without its closed brackets holding a number, and without what
/// precedes an unmatched closing bracket (the end of a bracket cut off):
/// "(range 9–74 days) compared with " → " compared with ".
fn without_numbered_brackets(lead: &str) -> String {
    let mut out = String::new();
    let mut open: Option<usize> = None;
    for (k, ch) in lead.char_indices() {
        match (ch, open) {
            ('(' | '[', None) => open = Some(k),
            (')' | ']', Some(o)) => {
                let inner = clip(lead, o, k);
                if !inner.chars().any(|c| c.is_ascii_digit()) {
                    out.push_str(inner);
                    out.push(ch);
                }
                open = None;
            }
            // The end of a bracket whose start was cut off.
            (')' | ']', None) => out.clear(),
            (_, None) => out.push(ch),
            _ => {}
        }
    }
    if let Some(o) = open {
        out.push_str(clip(lead, o, lead.len()));
    }
    out
}

/// A sentence whose 95% CIs are around means: it says "mean" and no "median".
fn mean_ci_sentence(lower: &str) -> bool {
    lower.contains("mean") && !lower.contains("median")
}

/// A mean with its 95% CI, or a mean.
fn mean_like(st: &Stat) -> bool {
    matches!(st, Stat::Mean { .. } | Stat::Interval { ci: true, .. })
}

fn same_kind(a: &Stat, b: &Stat) -> bool {
    matches!((a, b), (Stat::Count { .. }, Stat::Count { .. })) || (mean_like(a) && mean_like(b))
}

/// Which fragment belongs to which arm: a "respectively" list, or the nearest mention.
fn assign(s: &str, frags: &[Frag], i: &Name, c: &Name) -> Option<(usize, usize, f32)> {
    let lower = s.to_lowercase();
    if let (Some(resp), Some(last)) = (lower.find("respectively"), frags.last()) {
        let seg = clip(s, last.end, resp);
        let items: Vec<&str> = seg
            .split([',', ';'])
            .flat_map(|x| x.split(" and "))
            .filter(|x| !x.trim().is_empty())
            .collect();
        let stats: Vec<usize> = (0..frags.len())
            .filter(|k| {
                frags
                    .get(*k)
                    .is_some_and(|f| !matches!(f.stat, Stat::Interval { ci: false, .. }))
            })
            .collect();
        if items.len() == stats.len() && items.len() >= 2 {
            let pick = |n: &Name, other: &Name| {
                items
                    .iter()
                    .position(|it| n.score(it) >= 0.5 && n.score(it) > other.score(it))
            };
            if let (Some(a), Some(b)) = (pick(i, c), pick(c, i))
                && a != b
            {
                return Some((*stats.get(a)?, *stats.get(b)?, 0.7));
            }
        }
        return listed_before(s, frags, &stats, i, c);
    }
    let (mi, mc) = (i.mentions(s), c.mentions(s));
    if let Some(found) = followed_by_arm(s, &lower, frags, (i, c), (&mi, &mc)) {
        return Some(found);
    }
    if let Some(found) = in_named_order(&lower, frags, &mi, &mc) {
        return Some(found);
    }
    if let Some(found) = bracketed_after_arm(s, frags, &mi, &mc) {
        return Some(found);
    }
    if let Some(found) = named_after(s, frags, (i, c), (&mi, &mc)) {
        return Some(found);
    }
    let dist = |m: usize, f: &Frag| -> usize {
        if m < f.start {
            f.start - m
        } else if m >= f.end {
            m - f.end + 15
        } else {
            usize::MAX
        }
    };
    let nearest =
        |ms: &[usize], f: &Frag| ms.iter().map(|m| dist(*m, f)).min().unwrap_or(usize::MAX);
    let mut best_i: Option<(usize, usize)> = None;
    let mut best_c: Option<(usize, usize)> = None;
    for (k, f) in frags.iter().enumerate() {
        let (di, dc) = (nearest(&mi, f), nearest(&mc, f));
        if di < dc && di < 100 && best_i.is_none_or(|b| di < b.1) {
            best_i = Some((k, di));
        } else if dc < di && dc < 100 && best_c.is_none_or(|b| dc < b.1) {
            best_c = Some((k, dc));
        }
    }
    let (a, b) = (best_i?.0, best_c?.0);
    // More statistics than arms (a third arm, "… or the patients fed WA"):
    // the nearest name is too often the wrong arm's (PMC1216327).
    let conf = if frags.len() > 2 { 0.45 } else { 0.6 };
    Some((a, b, conf))
}

/// "In the exercise and control groups, mean scores were 5.1 (1.2) and 6.3
/// (1.4), respectively": two statistics and, before the first of them, the
/// two arms listed together ("X and Y", "X or Y", "X, Y"), each once, with
/// nothing after the statistics to name them. The statistics follow the
/// list's order.
fn listed_before(
    s: &str,
    frags: &[Frag],
    stats: &[usize],
    i: &Name,
    c: &Name,
) -> Option<(usize, usize, f32)> {
    let [a, b] = stats else {
        return None;
    };
    let first = frags.get(*a)?;
    let lead = clip(s, 0, first.start);
    let (mi, mc) = (i.mentions(lead), c.mentions(lead));
    let (&pi, &pc) = (mi.first()?, mc.first()?);
    // Each arm named in one place (its words may be several mentions).
    let spread = |ms: &[usize]| ms.last().copied().unwrap_or(0) - ms.first().copied().unwrap_or(0);
    if spread(&mi) > 40 || spread(&mc) > 40 || mi.iter().any(|m| mc.contains(m)) {
        return None;
    }
    let (lo, hi) = (pi.min(pc), pi.max(pc));
    let between = clip(lead, lo, hi).to_lowercase();
    let listed = hi - lo <= 60
        && (between.contains(" and ") || between.contains(" or ") || between.contains(','))
        && !between.contains("than")
        && !between.contains("compared");
    if !listed {
        return None;
    }
    Some(if pi < pc {
        (*a, *b, 0.7)
    } else {
        (*b, *a, 0.7)
    })
}

/// "… patients receiving WGJ (+ 50.7 gm) as compared with the patients in the
/// AJ group (+ 18.3 gm) or the patients fed WA (- 0.7 gm)" (PMC1216327): each
/// statistic in a bracket right after an arm's name ("X (…)", "the X group
/// (…)"), or after a colon ("intervention: 4.1 ± 1.2; control: 5.3 ± 1.4").
/// Both arms must be placed this way, each once.
fn bracketed_after_arm(
    s: &str,
    frags: &[Frag],
    mi: &[usize],
    mc: &[usize],
) -> Option<(usize, usize, f32)> {
    let mut slots: [Option<usize>; 2] = [None, None];
    for (k, f) in frags.iter().enumerate() {
        let from_byte = f.start.saturating_sub(50);
        let before = clip(s, from_byte, f.start);
        // "X (4.1 ± 1.2)", "X: 4.1 ± 1.2", "X = 4.1 ± 1.2".
        let Some(open) = before.rfind(['(', ':', '=']) else {
            continue;
        };
        // Only a sign or spaces between the bracket and the number, or the
        // bracket's own "mean (SD)," label: "X (mean [SD], 73.3% [6.9%])".
        let inner = before.get(open + 1..).unwrap_or("");
        let labelled = {
            let l = inner.to_lowercase().replace(['\\', '*'], "");
            let l = l.trim().trim_end_matches([',', ':', '=']).trim_end();
            declares_mean_sd(l) && l.len() <= 30 && l.starts_with("mean")
        };
        if !labelled && !inner.chars().all(|c| matches!(c, ' ' | '+')) {
            continue;
        }
        let at = clip(s, 0, from_byte).len() + open;
        let lead = clip(s, at.saturating_sub(40), at);
        let lead_words: Vec<&str> = lead.split_whitespace().collect();
        let tail = lead_words.len().saturating_sub(3);
        let cut = lead.len() - lead_words.get(tail..).map_or(0, |w| w.join(" ").len());
        let from = at.saturating_sub(40) + cut;
        let named = |ms: &[usize]| ms.iter().any(|m| *m >= from && *m < at);
        let slot = match (named(mi), named(mc)) {
            (true, false) => 0,
            (false, true) => 1,
            _ => continue,
        };
        match slots.get_mut(slot) {
            Some(x @ None) => *x = Some(k),
            _ => return None,
        }
    }
    match slots {
        [Some(a), Some(b)] => Some((a, b, 0.7)),
        _ => None,
    }
}

/// Words that compare the arm named before them with the one named after.
const COMPARED: [&str; 6] = [
    " compared with ",
    " compared to ",
    " versus ",
    " vs ",
    " vs. ",
    " than ",
];

/// "… was observed with daclizumab beta compared with IM IFN beta-1a at week
/// 96 (mean (SD) change from baseline: 4.1 (12.4) vs 2.9 (12.7); p = 0.0274)"
/// (PMC5971365): two arms named "A compared with B" before any statistic, then
/// exactly two statistics "x vs y", read in the order the arms were named.
fn in_named_order(
    lower: &str,
    frags: &[Frag],
    mi: &[usize],
    mc: &[usize],
) -> Option<(usize, usize, f32)> {
    let [a, b] = frags else { return None };
    let between = clip(lower, a.end, b.start);
    let vs = between.trim_start_matches([')', ']', ' ']);
    if !(vs.starts_with("vs") || vs.starts_with("versus")) || between.len() > 12 {
        return None;
    }
    // Each arm named once (its words close together), both before the statistics.
    let named = |ms: &[usize]| -> Option<(usize, usize)> {
        let before: Vec<usize> = ms.iter().copied().filter(|m| *m < a.start).collect();
        let (lo, hi) = (*before.first()?, *before.last()?);
        (hi - lo <= 40).then_some((lo, hi))
    };
    let (x, y) = (named(mi)?, named(mc)?);
    let (first, second) = if x.1 < y.0 {
        (x, y)
    } else if y.1 < x.0 {
        (y, x)
    } else {
        return None;
    };
    // Only the comparison between the names ("A compared with B").
    let link = clip(lower, first.1, second.0);
    if !COMPARED.iter().any(|w| link.contains(w)) || link.split_whitespace().count() > 8 {
        return None;
    }
    Some(if x.1 < y.0 { (0, 1, 0.6) } else { (1, 0, 0.6) })
}

/// "10.5% (42/402) in the progesterone group and 10.6% (41/388) in the
/// placebo group" (PMC5614421): each statistic is followed by "in/among/for
/// <arm>" before the next statistic starts. Both arms must be placed this way.
fn followed_by_arm(
    s: &str,
    lower: &str,
    frags: &[Frag],
    (i, c): (&Name, &Name),
    (mi, mc): (&[usize], &[usize]),
) -> Option<(usize, usize, f32)> {
    let mut slots: [Option<usize>; 2] = [None, None];
    for (k, f) in frags.iter().enumerate() {
        let limit = frags
            .get(k + 1)
            .map_or(s.len(), |n| n.start)
            .min(f.end + 45);
        let tail = clip(lower, f.end, limit).trim_start_matches([')', ']', ',', ' ']);
        let lead = ["in ", "among ", "for ", "with "]
            .iter()
            .any(|w| tail.starts_with(w));
        if !lead {
            continue;
        }
        let first = |ms: &[usize]| ms.iter().copied().find(|m| *m >= f.end && *m < limit);
        let slot = match (first(mi), first(mc)) {
            (Some(a), Some(b)) if a < b => 0,
            (Some(_), None) => 0,
            (_, Some(_)) => 1,
            (None, None) => continue,
        };
        match slots.get_mut(slot) {
            Some(x @ None) => *x = Some(k),
            // The same arm twice: not a two-arm comparison this rule can read.
            _ => return None,
        }
    }
    match slots {
        [Some(a), Some(b)] => Some((a, b, 0.7)),
        [Some(k), None] => compared_before(s, frags, k, c, i).map(|o| (k, o, 0.6)),
        [None, Some(k)] => compared_before(s, frags, k, i, c).map(|o| (o, k, 0.6)),
        _ => None,
    }
}

/// "CoPAT patients received … a mean of 25.4 days (range 9–74 days) compared
/// with 13.5 days (range 1–43) in the IPAT group" (PMC2667135): the statistic
/// placed by the arm after it (`placed`, of arm `mine`) is compared with the
/// statistic right before it, which belongs to the other arm when that arm is
/// the last one named before it. Returns the index of that statistic.
fn compared_before(
    s: &str,
    frags: &[Frag],
    placed: usize,
    other: &Name,
    mine: &Name,
) -> Option<usize> {
    let k = placed.checked_sub(1)?;
    let (prev, f) = (frags.get(k)?, frags.get(placed)?);
    let link = clip(s, prev.end, f.start)
        .trim_matches([')', ']', ',', ' '])
        .to_lowercase();
    if ![
        "compared with",
        "compared to",
        "vs",
        "vs.",
        "versus",
        "than",
    ]
    .contains(&link.as_str())
        || !same_kind(&prev.stat, &f.stat)
    {
        return None;
    }
    // The clause before it (from the previous statistic or the sentence
    // start) names the other arm, better than this one.
    let from = k
        .checked_sub(1)
        .and_then(|j| frags.get(j))
        .map_or(0, |g| g.end);
    let clause = clip(s, from, prev.start);
    let (so, sm) = (other.score(clause), mine.score(clause));
    (so >= 0.5 && so > sm).then_some(k)
}

/// "This effect was sustained at week 144 (6.3 (12.6) vs 3.1 (13.2); p =
/// 0.0024) in a limited number of patients … (daclizumab beta, n = 287; IM
/// IFN beta-1a, n = 277)" (PMC5971365): two statistics "x vs y" with no arm
/// named before them, the arms named after them, each in its own item of a
/// list: read in the order the arms are named.
fn named_after(
    s: &str,
    frags: &[Frag],
    (i, c): (&Name, &Name),
    (mi, mc): (&[usize], &[usize]),
) -> Option<(usize, usize, f32)> {
    let [a, b] = frags else { return None };
    let link = clip(s, a.end, b.start)
        .trim_matches([')', ']', ',', ' '])
        .to_lowercase();
    if !["vs", "vs.", "versus", "and", "compared with"].contains(&link.as_str())
        || !same_kind(&a.stat, &b.stat)
        || mi.iter().chain(mc).any(|m| *m < b.end)
    {
        return None;
    }
    let items: Vec<&str> = clip(s, b.end, s.len())
        .split([',', ';', '('])
        .flat_map(|x| x.split(" and "))
        .collect();
    let pick = |n: &Name, other: &Name| {
        items.iter().position(|it| {
            let (x, y) = (n.score(it), other.score(it));
            x >= 0.5 && x > y
        })
    };
    let (pi, pc) = (pick(i, c)?, pick(c, i)?);
    // A list: short items naming the arms, with at most their n between
    // them ("(X, n = 287; Y, n = 277)", "in the X and Y groups"), not a
    // remark naming an arm ("…, favouring X; Y patients had more …").
    let short = |k: usize| {
        items
            .get(k)
            .is_some_and(|it| it.split_whitespace().count() <= 5)
    };
    let only_n = |it: &&str| {
        super::arms::words(it)
            .iter()
            .all(|w| w.eq_ignore_ascii_case("n") || w.parse::<f64>().is_ok())
    };
    let (lo, hi) = (pi.min(pc), pi.max(pc));
    if !short(pi)
        || !short(pc)
        || !items
            .get(lo + 1..hi)
            .is_some_and(|between| between.iter().all(only_n))
    {
        return None;
    }
    match pi.cmp(&pc) {
        std::cmp::Ordering::Less => Some((0, 1, 0.6)),
        std::cmp::Ordering::Greater => Some((1, 0, 0.6)),
        std::cmp::Ordering::Equal => None,
    }
}

/// Each arm's n where the sentence giving its statistics states it right
/// after the arm's name ("the X group (n = 45)", "(X, n = 287; Y, n = 277)"):
/// the n those statistics are on. Both arms or neither; one value each.
fn sizes_in(s: &Sentence, i: &Name, c: &Name) -> Option<(f64, f64)> {
    let mut got: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut from = 0;
    while let Some((n, n_at, end)) = sample_size(clip(&s.text, from, s.text.len())) {
        let (n_at, end) = (from + n_at, from + end);
        // The words before "(n", back to the previous bracket or semicolon.
        let head =
            clip(&s.text, n_at.saturating_sub(50), n_at).trim_end_matches(['(', '*', ' ', '[']);
        let head = head
            .rfind(['(', ')', ';', '[', ']', '='])
            .map_or(head, |k| clip(head, k + 1, head.len()));
        if head.split_whitespace().count() <= 6 {
            let (si, sc) = (i.score(head), c.score(head));
            let slot = if si >= 0.5 && si > sc {
                0
            } else if sc >= 0.5 && sc > si {
                1
            } else {
                usize::MAX
            };
            if let Some(v) = got.get_mut(slot)
                && !v.contains(&n)
            {
                v.push(n);
            }
        }
        from = end;
    }
    match got {
        [ref a, ref b] if a.len() == 1 && b.len() == 1 => Some((*a.first()?, *b.first()?)),
        _ => None,
    }
}

fn arm_from(stat: &Stat, s: &Sentence, hint: SpreadKindHint, conf: f32) -> ArmData {
    let mut d = ArmData::default();
    let at = |v: f64| Found::new(v, &s.text, s.page, conf);
    match *stat {
        Stat::Count { events, n, pct } => {
            d.n = n.map(at);
            d.events = events.is_finite().then(|| at(events));
            d.pct = pct.filter(|_| !events.is_finite()).map(at);
        }
        Stat::Mean { mean, spread, kind } => {
            d.mean = Some(at(mean));
            if let Some(sp) = spread {
                let r = hint.resolve(kind);
                d.sd = r.sd(sp, &s.text, s.page, None, conf);
                if d.sd.is_none() {
                    d.pending = r.pending(sp, &s.text, s.page, conf);
                }
            }
        }
        // "a mean of 4.1 (95% CI 3.2–5.0)": the SD follows from n (6.5.2.3).
        Stat::Interval {
            centre,
            lo,
            hi,
            ci: true,
        } if mean_ci_sentence(&s.lower) => {
            d.mean = Some(at(centre));
            d.pending = Some(Pending::Ci(at(lo), at(hi)));
        }
        Stat::Interval { .. } => {}
    }
    d
}

/// Whether a sentence may give baseline values: it names the baseline other
/// than as the start of a change ("from baseline to 12 months", "between
/// baseline and week 12", "change from baseline").
pub(super) fn mentions_baseline_values(lower: &str) -> bool {
    let mut rest = lower.to_owned();
    for span in ["from baseline", "between baseline and", "since baseline"] {
        rest = rest.replace(span, " ");
    }
    rest.contains("baseline")
}

/// Time points in a run of words: "week 144", "144 weeks", "12 months", "day 7".
pub(super) fn time_points(ws: &[String]) -> Vec<(String, String)> {
    const UNITS: [&str; 6] = ["week", "month", "day", "year", "hour", "visit"];
    let unit = |w: &str| {
        let l = w.to_lowercase();
        let l = l.trim_end_matches('s');
        UNITS.contains(&l).then(|| l.to_owned())
    };
    let num = |w: &str| w.parse::<f64>().is_ok().then(|| w.to_owned());
    let mut out = Vec::new();
    for pair in ws.windows(2) {
        let [a, b] = pair else { continue };
        let hit = match (unit(a), num(b)) {
            (Some(u), Some(n)) => Some((u, n)),
            _ => unit(b).zip(num(a)),
        };
        out.extend(hit);
    }
    out
}

/// Whether a sentence is about another time point than the outcome names: the
/// outcome "SDMT score at week 144" and a sentence giving "at week 96" only.
fn other_time_point(outcome_stems: &[String], sentence_words: &[String]) -> bool {
    let want = time_points(outcome_stems);
    if want.is_empty() {
        return false;
    }
    let have = time_points(sentence_words);
    let same_unit = have.iter().any(|(u, _)| want.iter().any(|(w, _)| w == u));
    same_unit && !have.iter().any(|t| want.contains(t))
}

/// Both arms' statistics from the best sentence about the outcome that has them.
pub fn from_sentences(
    doc: &Document,
    o: &Name,
    i: &Name,
    c: &Name,
    spread: SpreadKindHint,
) -> Option<(ArmData, ArmData, (String, u32))> {
    // Only sentences naming the outcome well, with the numbers shortly after
    // the outcome's words: in "… other respiratory morbidities and adverse
    // infant outcomes, including serious infant composite outcome (155/406 …"
    // (PMC5614421) the counts belong to the last outcome named, not the first.
    for (s, score) in about(doc, o, 0.5) {
        if mentions_baseline_values(&s.lower) || other_time_point(&o.stems, &s.words) {
            continue;
        }
        let frags = fragments(&s.text, names_a_decrease(o));
        if frags.len() < 2 {
            continue;
        }
        let Some((a, b, conf)) = assign(&s.text, &frags, i, c) else {
            continue;
        };
        let after = outcome_after(s, &frags, o, (i, c));
        // A sentence naming only part of the outcome is read only in that shape.
        if score < 0.8 && !after {
            continue;
        }
        let conf = if after { conf.min(0.6) } else { conf };
        let (Some(fa), Some(fb)) = (frags.get(a), frags.get(b)) else {
            continue;
        };
        let ci = |st: &Stat| matches!(st, Stat::Interval { .. });
        if !same_kind(&fa.stat, &fb.stat)
            || ((ci(&fa.stat) || ci(&fb.stat)) && !mean_ci_sentence(&s.lower))
        {
            continue;
        }
        let first = fa.start.min(fb.start);
        let near = o.mentions(&s.text).iter().any(|m| {
            *m < first && (first - m <= 60 || only_arms_between(&s.text, *m, first, i, c))
        });
        if !near && !after {
            continue;
        }
        // A lone decimal is a mean only where the sentence says so.
        let lone = |st: &Stat| matches!(st, Stat::Mean { spread: None, .. });
        if (lone(&fa.stat) || lone(&fb.stat))
            && !(s.lower.contains("mean") || s.lower.contains("average"))
        {
            continue;
        }
        let hint = SpreadKindHint::from_text(&s.text).or(spread);
        let (mut ai, mut ac) = (
            arm_from(&fa.stat, s, hint, conf),
            arm_from(&fb.stat, s, hint, conf),
        );
        if ai.n.is_none()
            && ac.n.is_none()
            && let Some((ni, nc)) = sizes_in(s, i, c)
        {
            ai.n = Some(Found::new(ni, &s.text, s.page, conf));
            ac.n = Some(Found::new(nc, &s.text, s.page, conf));
        }
        return Some((ai, ac, (s.text.clone(), s.page)));
    }
    one_arm_each(doc, o, i, c, spread)
}

/// Words that compare the arms without naming anything else.
const COMPARING: [&str; 16] = [
    "lower",
    "higher",
    "greater",
    "less",
    "more",
    "fewer",
    "larger",
    "smaller",
    "than",
    "compared",
    "significantly",
    "significant",
    "vs",
    "versus",
    "similar",
    "statistically",
];

/// Whether the text from the outcome's mention at `from` up to the first
/// statistic at `to` names only the arms and compares them ("The mean pain
/// score was lower in the exercise group than in the control group (5.1 ±
/// 1.2 vs 6.3 ± 1.4 …"): the statistics are then the outcome's however long
/// the arms' names. Not so "… and adverse infant outcomes, including serious
/// infant composite outcome (155/406 …" (PMC5614421).
fn only_arms_between(text: &str, from: usize, to: usize, i: &Name, c: &Name) -> bool {
    let gap = clip(text, from, to);
    if gap.len() > 200 || gap.contains([';', ':']) {
        return false;
    }
    let arm_word = |st: &String| {
        [i, c].iter().any(|n| {
            n.stems.contains(st)
                || n.abbrevs.iter().any(|a| a.to_lowercase() == *st)
                || n.roles
                    .iter()
                    .any(|r| r.split(' ').any(|w| super::arms::stem(w) == *st))
        })
    };
    let others = super::arms::content_stems(gap)
        .into_iter()
        .skip(1)
        .filter(|st| !arm_word(st) && !COMPARING.iter().any(|w| super::arms::stem(w) == *st))
        .filter(|st| !st.chars().all(|ch| ch.is_ascii_digit()))
        .count();
    others <= 1
}

/// "The MTL+caloric intake group (mean \[standard deviation\], 73.3%
/// \[6.9%\]) and Choices group (72.5% \[13.2%\]) significantly outperformed
/// the no label group (67.8% \[10.3%\]) and the TL+SNL group (65.8%
/// \[7.3%\]) in selecting the more healthful product on the healthier
/// product quiz." (PMC3475525 abstract): the sentence opens with an arm, each
/// statistic is a mean with its SD or a count with its n, and the outcome is
/// named only after the last of them, so they are all about it. Then half
/// of the outcome's words ("healthier product" of "Correct selection of the
/// healthier product") is enough.
fn outcome_after(s: &Sentence, frags: &[Frag], o: &Name, (i, c): (&Name, &Name)) -> bool {
    let (Some(first), Some(last)) = (frags.first(), frags.last()) else {
        return false;
    };
    let complete = |f: &Frag| match f.stat {
        Stat::Mean { spread, .. } => spread.is_some(),
        Stat::Count { n, pct, .. } => n.is_some() || pct.is_some(),
        Stat::Interval { .. } => false,
    };
    if !frags.iter().all(complete) || s.lower.contains("respectively") {
        return false;
    }
    // The first words are an arm's name: nothing before the first statistic
    // but that name and the bracket's label. The arm may be one not seeded
    // ("The MTL+caloric intake group (" for Choices vs no label): a few
    // words ending in "group" or "arm".
    let opens_with_seed = [i, c].iter().any(|n| {
        n.mentions(&s.text)
            .first()
            .is_some_and(|m| clip(&s.text, 0, *m).split_whitespace().count() <= 1)
    });
    let lead = clip(&s.text, 0, first.start);
    let name_words: Vec<&str> = lead
        .split(['(', '['])
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let opens_with_group = name_words.len() <= 5
        && name_words
            .last()
            .is_some_and(|w| matches!(w.to_lowercase().as_str(), "group" | "arm"));
    let opens_with_arm = opens_with_seed || opens_with_group;
    let mentions = o.mentions(&s.text);
    let tail = clip(&s.text, last.end, s.text.len());
    opens_with_arm
        && !mentions.is_empty()
        && mentions.iter().all(|m| *m >= last.end)
        && o.score(lead) == 0.0
        && o.score(tail) >= 0.5
        && !tail.chars().any(|ch| ch.is_ascii_digit())
}

/// The analysis an outcome names: intention to treat or per protocol.
fn analysis(text_words: &[String]) -> Option<&'static str> {
    let has = |w: &str| text_words.iter().any(|x| x.eq_ignore_ascii_case(w));
    let itt = has("ITT") || has("intention") || has("intention-to-treat");
    let pp = has("PP") || has("per-protocol") || (has("per") && has("protocol"));
    match (itt, pp) {
        (true, false) => Some("itt"),
        (false, true) => Some("pp"),
        _ => None,
    }
}

/// The one statistic of a sentence for the outcome: its only one, or the one
/// a "respectively" list ties to the outcome's analysis ("83.5% (71/85) and
/// 87.7% (71/81) … in the ITT and PP analyses, respectively").
fn own_stat(s: &Sentence, frags: &[Frag], want: Option<&str>) -> Option<Frag> {
    let stats: Vec<&Frag> = frags
        .iter()
        .filter(|f| !matches!(f.stat, Stat::Interval { ci: false, .. }))
        .collect();
    if let [one] = stats.as_slice() {
        return Some(**one);
    }
    let want = want?;
    let resp = s.lower.find("respectively")?;
    let last = stats.last()?;
    let items: Vec<&str> = clip(&s.text, last.end, resp)
        .split([',', ';'])
        .flat_map(|x| x.split(" and "))
        .filter(|x| !x.trim().is_empty())
        .collect();
    if items.len() != stats.len() {
        return None;
    }
    let hits: Vec<usize> = (0..items.len())
        .filter(|k| {
            items
                .get(*k)
                .is_some_and(|it| analysis(&super::arms::words(it)) == Some(want))
        })
        .collect();
    match hits.as_slice() {
        [k] => stats.get(*k).map(|f| **f),
        _ => None,
    }
}

/// "The 1-week group achieved 83.5% (71/85) … The 2-week group obtained
/// 87.7% (72/84) …" (PMC3493722): two consecutive sentences about the
/// outcome, each naming one arm only and giving its statistic.
fn one_arm_each(
    doc: &Document,
    o: &Name,
    i: &Name,
    c: &Name,
    spread: SpreadKindHint,
) -> Option<(ArmData, ArmData, (String, u32))> {
    let want = analysis(&o.stems.iter().map(|x| x.to_uppercase()).collect::<Vec<_>>())
        .or_else(|| analysis(&o.stems));
    for pair in doc.sentences.windows(2) {
        let [a, b] = pair else { continue };
        let about_it = |s: &Sentence| {
            o.score_words(&s.words, &s.stems) >= 0.6
                && !mentions_baseline_values(&s.lower)
                && !other_time_point(&o.stems, &s.words)
        };
        if !(about_it(a) && about_it(b)) {
            continue;
        }
        let names = |s: &Sentence| {
            (
                !i.mentions(&s.text).is_empty(),
                !c.mentions(&s.text).is_empty(),
            )
        };
        let (si, sc) = match (names(a), names(b)) {
            ((true, false), (false, true)) => (a, b),
            ((false, true), (true, false)) => (b, a),
            _ => continue,
        };
        let decrease = names_a_decrease(o);
        let fi = own_stat(si, &fragments(&si.text, decrease), want);
        let fc = own_stat(sc, &fragments(&sc.text, decrease), want);
        let (Some(fi), Some(fc)) = (fi, fc) else {
            continue;
        };
        let ci = |st: &Stat, s: &Sentence| {
            matches!(st, Stat::Interval { .. }) && !mean_ci_sentence(&s.lower)
        };
        if !same_kind(&fi.stat, &fc.stat)
            || matches!(fi.stat, Stat::Mean { spread: None, .. })
            || ci(&fi.stat, si)
            || ci(&fc.stat, sc)
        {
            continue;
        }
        let hint = |s: &Sentence| SpreadKindHint::from_text(&s.text).or(spread);
        return Some((
            arm_from(&fi.stat, si, hint(si), 0.6),
            arm_from(&fc.stat, sc, hint(sc), 0.6),
            (a.text.clone(), a.page),
        ));
    }
    None
}
