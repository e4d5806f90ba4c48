//! Group sizes from allocation text ("X (n = 120)", "30 received X", "30 in
//! each group"), used when the row or sentence with an outcome's numbers gives
//! no size of its own.
//!
//! Allocation text gives the randomised n. An outcome is often analysed on
//! fewer, so such a size is only answered when the paper gives no sign that the
//! two differ: no attrition, loss to follow-up, drop-out, exclusion from the
//! analysis or per-protocol population stated (outside sample-size planning),
//! and an outcome that is not itself named per protocol. Otherwise "not
//! reported": a randomised n offered as the analysed n is a value the reviewer
//! would have to re-check anyway.

use super::arms::Name;
use super::document::{Document, Sentence};
use super::headers::cell_score;
use super::numbers::{sample_size, scan};
use super::text::clip;
use super::trial::Found;

/// Words saying participants were lost between randomisation and analysis.
const ATTRITION: [&str; 16] = [
    "attrition",
    "lost to follow",
    "loss to follow",
    "dropped out",
    "drop out",
    "dropout",
    "drop-out",
    "did not complete",
    "excluded from the analys",
    "excluded from analys",
    "per-protocol analys",
    "per-protocol population",
    "per-protocol (pp)",
    "per protocol analys",
    "per protocol population",
    "per protocol (pp)",
];

/// Planning text (sample size, expected drop-out rate) says nothing about what happened.
fn planning(lower: &str) -> bool {
    [
        "sample size",
        "power",
        "assum",
        "allowing for",
        "expected",
        "anticipat",
        "estimated",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether the paper says some participants were not analysed.
pub fn attrition_stated(doc: &Document) -> bool {
    doc.sentences
        .iter()
        .any(|s| ATTRITION.iter().any(|w| s.lower.contains(w)) && !planning(&s.lower))
}

/// Denominators printed in the paper ("42/402", "12 of 35"), each once.
fn denominators(doc: &Document) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    let rows = doc
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().map(|r| r.raw.as_str()));
    for text in doc.sentences.iter().map(|s| s.text.as_str()).chain(rows) {
        let nums = scan(text);
        for pair in nums.windows(2) {
            let [a, b] = pair else { continue };
            let gap = clip(text, a.end, b.start);
            let fraction = gap == "/" || gap == " of " || gap == " out of ";
            let count = a.is_int && b.is_int && !b.pct && a.value <= b.value && b.value >= 10.0;
            if fraction && count && !out.contains(&b.value) {
                out.push(b.value);
            }
        }
    }
    out
}

/// Whether outcomes are counted over denominators near an allocation size but
/// not equal to it ("42/402" where 398 were randomised: infants, not women;
/// "39/394": those who took the treatment): the paper's analysed n varies by
/// outcome, so no randomised n stands for it.
/// Denominators equal to one of the `sizes` (either arm's, or their total) are
/// the allocation itself; when only one arm's size is known, one other
/// denominator may be the other arm's.
fn varying_denominators(dens: &[f64], n: f64, sizes: &[f64], both: bool) -> bool {
    let others = dens
        .iter()
        .filter(|d| !sizes.contains(d) && **d >= 0.8 * n && **d <= 1.25 * n)
        .count();
    others > usize::from(!both)
}

/// An outcome analysed on a subset named as such ("… in PP", "per-protocol").
pub fn subset_outcome(outcome: &str) -> bool {
    let lower = outcome.to_lowercase();
    let ws = super::arms::words(outcome);
    ATTRITION.iter().any(|w| lower.contains(w))
        || ws.iter().any(|w| w == "PP" || w == "mITT")
        || lower.contains("completer")
}

/// A table header flattened into a line by the converter: sizes split from
/// their names ("Choices (n MTL (n … (n = 99) = 98) = 98)"). Nothing in it can
/// be tied to an arm.
fn garbled(s: &str) -> bool {
    let opens = s.matches("(n ").count() + s.matches("(n\u{a0}").count();
    let dangling = s
        .match_indices("= ")
        .filter(|(k, _)| {
            let before = clip(s, k.saturating_sub(3), *k).trim_end();
            !before.ends_with(['n', 'N'])
        })
        .count();
    opens > 0 && dangling > 0
}

/// Sizes of subsets (deaths, withdrawals, responders) are not group sizes.
fn subset_sentence(lower: &str) -> bool {
    [
        "died",
        "death",
        "discontinu",
        "withdr",
        "lost to",
        "excluded",
        "adverse",
        "respon",
        "dropped",
        "of them",
        "of these",
        "of whom",
        "of those",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

const CUES: [&str; 7] = [
    "received",
    "assigned to",
    "allocated to",
    "randomized to",
    "randomised to",
    "were given",
    "were fed",
];

const PEOPLE: [&str; 14] = [
    "patients",
    "subjects",
    "participants",
    "children",
    "women",
    "men",
    "infants",
    "adults",
    "were",
    "received",
    "was",
    "individuals",
    "volunteers",
    "cases",
];

/// Sizes stated for an arm: value, weight, quote and its page.
type Votes<'d> = Vec<(f64, f32, &'d str, u32)>;

/// Byte offsets of a group label ("group i") in a text: "Group I", not "Group II".
fn label_offsets(text: &str, label: &str) -> Vec<usize> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return Vec::new();
    }
    lower
        .match_indices(label)
        .filter(|(k, _)| {
            let before = lower.get(..*k).and_then(|b| b.chars().next_back());
            let after = lower.get(k + label.len()..).and_then(|a| a.chars().next());
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
        .map(|(k, _)| k)
        .collect()
}

/// Sizes stated for `me` in one sentence: `me (n = 35)`, `35 in each group`,
/// `35 patients were randomised to me`.
fn votes_in<'d>(s: &'d Sentence, me: &Name, other: &Name, w: f32, out: &mut Votes<'d>) {
    let (mut mm, mut mo) = (me.mentions(&s.text), other.mentions(&s.text));
    // "Group I (n = 30, laser group) … Group II (n = 22, placebo laser group)":
    // where the paper labels the groups and the seed carries its label, the
    // labels place the arms (the shared words "laser group" would place both).
    if let Some(own) = &me.group {
        let labelled = label_offsets(&s.text, own);
        if !labelled.is_empty() {
            mm = labelled;
            mo = other
                .group
                .as_ref()
                .map_or_else(Vec::new, |g| label_offsets(&s.text, g));
        }
    }
    // Doses that name this arm ("macitentan doses of 5 mg" → 5).
    let doses: Vec<f64> = me
        .stems
        .iter()
        .filter_map(|w| w.parse::<f64>().ok())
        .collect();
    for m in &mm {
        let window = clip(&s.text, *m, m + 70);
        if let Some((n, n_at, at)) = sample_size(window) {
            // "600 mg dose where n = 5": a word of the name right after another
            // arm's dose is that arm's, unless the size is for each ("n = 6 per dose").
            let before = clip(&s.text, m.saturating_sub(12), *m);
            let each = clip(window, at, at + 12).trim_start().starts_with("per ");
            if !doses.is_empty() && !each && scan(before).iter().any(|x| !doses.contains(&x.value))
            {
                continue;
            }
            // "Group A Group B (N = 6051) (N = 5892)": a run of sizes after a
            // run of names is read by `label_runs`, not as the nearest name's.
            let next = clip(window, at, window.len()).trim_start_matches([')', ']', ' ', '*']);
            if next.to_lowercase().starts_with("(n") {
                continue;
            }
            // The size must follow the arm's name closely: "X group (n = 35)".
            let gap = clip(window, 0, n_at);
            let close = gap.split_whitespace().count() <= 4 && !gap.contains([';', '.']);
            if close && !mo.iter().any(|x| *x > *m && *x < m + at) {
                out.push((n, w, s.text.as_str(), s.page));
            }
        }
    }
    for n in scan(&s.text) {
        if !n.is_int || n.pct || n.value < 2.0 || (1950.0..=2100.0).contains(&n.value) {
            continue;
        }
        let after = clip(&s.text, n.end, n.end + 60).to_lowercase();
        let each = [
            " in each group",
            " per group",
            " patients in each",
            " in each arm",
            " per arm",
            " in each treatment group",
            " participants in each",
            " subjects in each",
        ]
        .iter()
        .find(|p| after.starts_with(*p));
        // "13 patients in each group who exhibited …" counts a subset.
        let subset = each.is_some_and(|p| {
            let rest = clip(&after, p.len(), p.len() + 12);
            [" who", " that", " with", " had"]
                .iter()
                .any(|w| rest.contains(w))
        });
        if each.is_some() && !subset {
            out.push((n.value, w.min(1.0), s.text.as_str(), s.page));
            continue;
        }
        let next_me = mm.iter().find(|x| **x > n.end).copied();
        let next_other = mo.iter().find(|x| **x > n.end).copied();
        if let Some(nm) = next_me {
            let gap = clip(&s.text, n.end, nm).to_lowercase();
            // "120 patients were randomised to X", "30 received X": the number counts people.
            let first = gap.split_whitespace().next().unwrap_or("");
            let short = PEOPLE.contains(&first)
                && gap.split_whitespace().count() <= 6
                && !gap.chars().any(|ch| ch.is_ascii_digit() || ch == ',');
            if nm < n.end + 60
                && next_other.is_none_or(|o| o > nm)
                && CUES.iter().any(|q| gap.contains(q))
                && short
            {
                out.push((n.value, w, s.text.as_str(), s.page));
            }
        }
    }
}

/// The size most sentences give; `None` when another size is nearly as well supported.
fn pick(v: &Votes) -> Option<Found> {
    let mut tally: Vec<(f64, f32, &str, u32)> = Vec::new();
    for (n, w, q, p) in v {
        match tally.iter_mut().find(|t| t.0 == *n) {
            Some(t) => t.1 += w,
            None => tally.push((*n, *w, q, *p)),
        }
    }
    tally.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (n, w, q, p) = *tally.first()?;
    let rival = tally.get(1).map_or(0.0, |t| t.1);
    if rival * 2.0 > w {
        return None;
    }
    let conf = if w >= 2.0 { 0.6 } else { 0.55 };
    Some(Found::new(n, q, p, conf))
}

/// Sizes in table column headers: "| | MPC + HA ( n = 11) | HA alone ( n = 6) |",
/// a cell naming one arm (better than the other) with its n. A table of a
/// subgroup ("| CoPAT ( n = 8) | IPAT ( n = 25) |", PMC2667135) gives smaller
/// sizes than the whole trial's: only each arm's largest header size counts.
fn header_votes<'d>(doc: &'d Document, i: &Name, c: &Name, votes: &mut [Votes<'d>; 2]) {
    let mut found: [Votes<'d>; 2] = [Vec::new(), Vec::new()];
    header_sizes(doc, i, c, &mut found);
    for (mine, all) in found.into_iter().zip(votes.iter_mut()) {
        let most = mine.iter().map(|v| v.0).fold(0.0, f64::max);
        all.extend(mine.into_iter().filter(|v| v.0 == most));
    }
}

fn header_sizes<'d>(doc: &'d Document, i: &Name, c: &Name, votes: &mut [Votes<'d>; 2]) {
    for t in &doc.tables {
        for row in t.rows.iter().take(t.header_rows.max(1)) {
            for cell in row.cells.iter().skip(1) {
                let Some((n, _, _)) = sample_size(cell) else {
                    continue;
                };
                let (si, sc) = (cell_score(i, cell), cell_score(c, cell));
                // Equal shares: the name with more of its words in the cell
                // ("MPC + HA" over "HA alone" in "MPC + HA (n = 11)").
                let words_in = |n: &Name, sh: f64| sh * n.stems.len() as f64;
                let (wi, wc) = (words_in(i, si), words_in(c, sc));
                let slot = if si >= 0.5 && (si > sc || (si == sc && wi > wc)) {
                    0
                } else if sc >= 0.5 && (sc > si || (si == sc && wc > wi)) {
                    1
                } else {
                    continue;
                };
                let w = 2.0 * si.max(sc) as f32;
                if let Some(v) = votes.get_mut(slot) {
                    v.push((n, w, row.raw.as_str(), t.page));
                }
            }
        }
    }
}

/// "Group A Group B (N = 6051) (N = 5892)" (PMC3510731, a table header
/// flattened into a line): group labels one after another, then as many sizes
/// one after another, in the same order. Only the arms' own labels count.
fn label_runs<'d>(doc: &'d Document, i: &Name, c: &Name, votes: &mut [Votes<'d>; 2]) {
    let (Some(gi), Some(gc)) = (&i.group, &c.group) else {
        return;
    };
    let blank = |t: &str| {
        t.chars()
            .all(|ch| ch.is_whitespace() || matches!(ch, '*' | '_' | '(' | ')' | '[' | ']'))
    };
    for s in &doc.sentences {
        let mut labels: Vec<(usize, usize, String)> = super::headers::group_labels(&s.text)
            .into_iter()
            .map(|(_, l)| l)
            .fold(Vec::new(), |mut v: Vec<String>, l| {
                if !v.contains(&l) {
                    v.push(l);
                }
                v
            })
            .into_iter()
            .flat_map(|l| {
                label_offsets(&s.text, &l)
                    .into_iter()
                    .map(move |k| (k, k + l.len(), l.clone()))
            })
            .collect();
        labels.sort_unstable();
        // The first run of adjacent labels.
        let mut run: Vec<&(usize, usize, String)> = Vec::new();
        for l in &labels {
            match run.last() {
                Some(prev) if blank(clip(&s.text, prev.1, l.0)) => run.push(l),
                Some(_) if run.len() >= 2 => break,
                _ => run = vec![l],
            }
        }
        let Some(last) = run.last() else { continue };
        if run.len() < 2 {
            continue;
        }
        // As many sizes right after it, nothing else between them.
        let mut sizes: Vec<f64> = Vec::new();
        let mut at = last.1;
        while let Some((n, n_at, end)) = sample_size(clip(&s.text, at, s.text.len())) {
            let between = clip(&s.text, at, at + n_at);
            if !blank(between) {
                break;
            }
            sizes.push(n);
            at += end;
            at += clip(&s.text, at, s.text.len())
                .find(|ch: char| ch != ')' && ch != ']')
                .unwrap_or(0);
        }
        if sizes.len() != run.len() {
            continue;
        }
        for (slot, g) in [gi, gc].into_iter().enumerate() {
            let pos = run.iter().position(|l| l.2 == *g);
            if let (Some(k), Some(v)) = (pos, votes.get_mut(slot))
                && let Some(n) = sizes.get(k)
            {
                v.push((*n, 2.0, s.text.as_str(), s.page));
            }
        }
    }
}

/// Group sizes from allocation text, or `None` where the analysed n may differ.
pub fn group_sizes(
    doc: &Document,
    i: &Name,
    c: &Name,
    outcome: &str,
) -> (Option<Found>, Option<Found>) {
    let itt = {
        let l = outcome.to_lowercase();
        l.contains("intention to treat")
            || l.contains("intention-to-treat")
            || super::arms::words(outcome).iter().any(|w| w == "ITT")
    };
    if subset_outcome(outcome) || (attrition_stated(doc) && !itt) {
        return (None, None);
    }
    let mut votes: [Votes; 2] = [Vec::new(), Vec::new()];
    for s in &doc.sentences {
        if subset_sentence(&s.lower) || planning(&s.lower) || garbled(&s.text) {
            continue;
        }
        let alloc = ["random", "assign", "allocat", "enrol", "included"]
            .iter()
            .any(|w| s.lower.contains(w));
        let w = if alloc { 2.0 } else { 1.0 };
        for (slot, (me, other)) in [(i, c), (c, i)].into_iter().enumerate() {
            let score = me.score_words(&s.words, &s.stems) as f32;
            if score == 0.0 {
                continue;
            }
            // A sentence naming the arm only in part ("gemcitabine" for
            // "gemcitabine plus placebo") is weaker evidence for its size.
            if let Some(v) = votes.get_mut(slot) {
                votes_in(s, me, other, w * score, v);
            }
        }
    }
    header_votes(doc, i, c, &mut votes);
    label_runs(doc, i, c, &mut votes);
    for (mine, all) in super::wrapped::wrapped_votes(doc, i, c)
        .into_iter()
        .zip(votes.iter_mut())
    {
        all.extend(mine);
    }
    let [vi, vc] = votes;
    let (ni, nc) = (pick(&vi), pick(&vc));
    let dens = denominators(doc);
    let mut known: Vec<f64> = [&ni, &nc]
        .iter()
        .filter_map(|f| f.as_ref().map(|f| f.value))
        .collect();
    let both = known.len() == 2;
    if let [a, b] = known[..] {
        known.push(a + b);
    }
    let steady = |f: &Option<Found>| {
        f.as_ref()
            .is_none_or(|f| !varying_denominators(&dens, f.value, &known, both))
    };
    // An intention-to-treat outcome is analysed on the randomised n whatever
    // the per-protocol denominators.
    if itt || (steady(&ni) && steady(&nc)) {
        (ni, nc)
    } else {
        (None, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extraction::offline::PageText;
    use std::collections::BTreeMap;

    fn doc(text: &str) -> Document {
        Document::parse(&[PageText {
            page: 1,
            text: text.into(),
        }])
    }

    fn sizes(text: &str, i: &str, c: &str, o: &str) -> (Option<f64>, Option<f64>) {
        let d = doc(text);
        let a = BTreeMap::new();
        let (x, y) = group_sizes(&d, &Name::new(i, &a), &Name::new(c, &a), o);
        (x.map(|f| f.value), y.map(|f| f.value))
    }

    #[test]
    fn allocation_sizes_when_nobody_is_lost() {
        // PMC2972614 (methods): "Group II (n = 22, placebo laser group) received
        // placebo laser therapy." Only the placebo arm's name is distinctive here.
        let t = "Group I (n = 30, laser group) received laser therapy (5 joule/cm2 at each point). Group II (n = 22, placebo laser group) received placebo laser therapy.";
        assert_eq!(
            sizes(
                t,
                "Laser therapy (Group I)",
                "Placebo laser therapy (Group II)",
                "pain"
            )
            .1,
            Some(22.0)
        );
    }

    #[test]
    fn group_labels_place_the_arms_that_shared_words_cannot() {
        // PMC2972614: "laser" names both arms, but the seeds carry the paper's labels.
        let t = "Group I (n = 30, laser group) received laser therapy. Group II (n = 22, placebo laser group) received placebo laser therapy.";
        assert_eq!(
            sizes(
                t,
                "Laser therapy (Group I)",
                "Placebo laser therapy (Group II)",
                "pain"
            ),
            (Some(30.0), Some(22.0))
        );
        // Trap: without labels on the seeds the shared words leave it a tie.
        assert_eq!(
            sizes(t, "Laser therapy", "Placebo laser therapy", "pain").0,
            None
        );
    }

    #[test]
    fn randomised_n_is_withheld_when_attrition_is_stated() {
        // PMC5777645: randomised 76 / 75, analysed 70 / 70 ("Patient attrition was 8%").
        let t = "Patients were randomised to the peer-led intervention (n = 76) or conventional care alone (n = 75). Patient attrition was 8%.";
        assert_eq!(
            sizes(
                t,
                "peer-led intervention",
                "conventional care alone",
                "HbA1c"
            ),
            (None, None)
        );
        // Planning text alone is no attrition.
        let t = "Patients were randomised to the peer-led intervention (n = 76) or conventional care alone (n = 75). Allowing for a dropout rate of 20%, we recruited 75 per arm.";
        assert_eq!(
            sizes(
                t,
                "peer-led intervention",
                "conventional care alone",
                "HbA1c"
            )
            .1,
            Some(75.0)
        );
    }

    #[test]
    fn per_protocol_outcomes_get_no_randomised_n() {
        // PMC3493722: 85 and 84 randomised; the PP rates are on 81 and 81.
        let t = "Among these patients, 85 patients received 1-week PPI+BMT and 84 patients received 2-week PPI+BMT.";
        assert_eq!(
            sizes(
                t,
                "1-week PPI+BMT",
                "2-week PPI+BMT",
                "eradication rate in ITT"
            ),
            (Some(85.0), Some(84.0))
        );
        assert_eq!(
            sizes(
                t,
                "1-week PPI+BMT",
                "2-week PPI+BMT",
                "eradication rate in PP"
            ),
            (None, None)
        );
    }

    #[test]
    fn flattened_table_headers_are_read_only_where_they_add_up() {
        // PMC3475525: a header line whose sizes were split from the arm names
        // ("(n" on the names' line, "= 98)" on the next); see `wrapped`.
        let t = "No Label Control Choices (n MTL (n MTL+Caloric Intake TL+SNL (n P (n = 99) = 98) = 98) (n = 90) = 95) b";
        assert_eq!(
            sizes(t, "MTL group", "No label group", "quiz"),
            (Some(98.0), Some(99.0))
        );
        // Table 3 of the same paper: lines merged in another order, not read.
        let t = "Control Group(n = 98) 98) Intake (n = 90) = 95) = 99)";
        assert_eq!(
            sizes(t, "MTL+ Caloric Intake", "Control Group", "quiz"),
            (None, None)
        );
    }

    #[test]
    fn italic_n_in_converted_markdown() {
        // PMC3169777 (figure legend): the converter keeps the italic n as "*n*".
        let t = "Arithmetic mean (±SD) plasma endothelin-1 concentrations in healthy subjects after administration of a single dose of 0.2, 1, 5, 25, 100, 300 or 600 mg of macitentan (*n* = 6 per dose group) or placebo (*n* = 14). \\**P* < 0.05 compared with placebo";
        assert_eq!(
            sizes(
                t,
                "macitentan doses of 5 mg",
                "placebo",
                "Plasma endothelin-1 concentrations"
            ),
            (Some(6.0), Some(14.0))
        );
    }

    #[test]
    fn another_doses_size_is_not_this_doses() {
        // PMC3169777 (figure legend): "n = 5" is the 600 mg group's; the
        // other doses have 6 ("per group"), which a second sentence confirms.
        let t = "Arithmetic mean plasma concentration–time profiles of macitentan in healthy subjects (*n* = 6 per group except for 600 mg dose where *n* = 5) after administration of a single dose of 0.2, 1, 5, 25, 100, 300 or 600 mg of macitentan. Plasma endothelin-1 concentrations after a single dose of 0.2, 1, 5, 25, 100, 300 or 600 mg of macitentan (*n* = 6 per dose group) or placebo (*n* = 14).";
        assert_eq!(
            sizes(t, "macitentan doses of 5 mg", "placebo", "endothelin-1").0,
            Some(6.0)
        );
        // The 600 mg arm has both 6 and 5 stated: withheld, not guessed.
        assert_eq!(
            sizes(t, "macitentan doses of 600 mg", "placebo", "endothelin-1").0,
            None
        );
    }

    #[test]
    fn column_headers_give_sizes() {
        // PMC2667135: a subgroup table's header sizes are not the arms'.
        let t = "Table 1\n\n|  | CoPAT ( n = 103) | IPAT ( n = 97) |\n| --- | --- | --- |\n| Male | 60 | 59 |\n\nTable 3 Left-sided endocarditis\n\n|  | CoPAT ( n = 8) | IPAT ( n = 25) |\n| --- | --- | --- |\n| Death | 1 | 6 |\n";
        assert_eq!(
            sizes(t, "CoPAT", "IPAT", "deaths"),
            (Some(103.0), Some(97.0))
        );
        // PMC5541727 Table 3 header.
        let t = "Table 3 Incidence of adverse events\n\n|  | MPC + HA ( n = 11) | HA alone ( n = 6) |\n| --- | --- | --- |\n| Total number of adverse events | 94 | 39 |\n";
        assert_eq!(
            sizes(t, "MPC + HA", "HA alone", "pain"),
            (Some(11.0), Some(6.0))
        );
        // Trap: completers are fewer than randomised; the header n is withheld.
        let t = format!("{t}\nTwo patients dropped out before week 4.");
        assert_eq!(sizes(&t, "MPC + HA", "HA alone", "pain"), (None, None));
    }

    #[test]
    fn the_same_size_in_each_arm() {
        // Shaped like PMC4678179's abstract.
        let t = "The phase II study enrolled 106 evaluable patients randomised to GV or GP (n = 53 in each arm).";
        assert_eq!(
            sizes(t, "GV", "GP", "overall survival"),
            (Some(53.0), Some(53.0))
        );
        // Trap: a subset "in each arm who …" is not the arm's size.
        let t = "Overall, 12 patients in each arm who had progressed on GV or GP received second-line therapy.";
        assert_eq!(sizes(t, "GV", "GP", "overall survival"), (None, None));
    }
}
