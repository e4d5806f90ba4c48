//! Arm statistics read from tables: columns are mapped to arms by their
//! headers, rows to the outcome by their labels (and the caption), and the
//! cells of each arm's columns are parsed as a count or a mean with its spread.

use super::arms::Name;
use super::arms::words;
use super::document::{Row, Table};
use super::headers::{
    cell_score, head_columns, is_p_label, is_stat_label, label_time, numeric_time, specific_part,
    time_label,
};
use super::numbers::{Stat, p_significant, p_value, parse_stat, sample_size};
use super::text::time_points;
use super::trial::{ArmData, Found, Pending, SpreadKindHint};

/// Where one arm sits in a table: the header cell matched and its span.
#[derive(Debug, Clone)]
struct Span {
    lo: usize,
    hi: usize,
    n: Option<(f64, String)>,
    score: f64,
}

/// The result of reading one table for one comparison.
#[derive(Debug, Clone, Default)]
pub struct TableHit {
    pub i: ArmData,
    pub c: ArmData,
    /// Significance stated in the row (p value column), if any.
    pub significant: Option<bool>,
    pub quote: String,
    pub page: u32,
    pub score: f64,
}

/// Words in a caption that mark a table of baseline characteristics.
/// A change from baseline is no baseline ("Annual percentage change from
/// baseline in tibial cartilage volume over 24 months", PMC5541727 Table 4).
fn is_baseline(caption: &str) -> bool {
    let mut c = caption.to_lowercase();
    for span in [
        "from baseline",
        "since baseline",
        "between baseline and",
        "relative to baseline",
        "compared with baseline",
        "compared to baseline",
        "baseline-adjusted",
        "adjusted for baseline",
    ] {
        c = c.replace(span, " ");
    }
    [
        "baseline",
        "characteristics",
        "demographic",
        "at admission",
        "on admission",
        "at entry",
        "composition",
    ]
    .iter()
    .any(|w| c.contains(w))
}

fn cell_centre(row: &Row, k: usize, piped: bool) -> usize {
    let p = row.pos.get(k).copied().unwrap_or(k);
    if piped {
        p
    } else {
        p + row.cells.get(k).map_or(0, |c| c.chars().count() / 2)
    }
}

/// The cells of `row` that fall in the arm span, joined by a space.
fn span_text(row: &Row, span: &Span, piped: bool) -> String {
    let mut parts = Vec::new();
    for k in 0..row.cells.len() {
        if k == 0 {
            continue;
        }
        let c = cell_centre(row, k, piped);
        if c >= span.lo
            && c < span.hi
            && let Some(t) = row.cells.get(k)
        {
            parts.push(t.as_str());
        }
    }
    parts.join(" ")
}

/// Header spans per arm; `None` unless both arms have their own column.
fn arm_spans(t: &Table, i: &Name, c: &Name) -> Option<(Span, Span)> {
    let mut best: [Option<Span>; 2] = [None, None];
    for row in t.rows.iter().take(t.header_rows.max(1)) {
        let nonempty: Vec<usize> = (0..row.cells.len())
            .filter(|k| row.cells.get(*k).is_some_and(|c| !c.is_empty()))
            .collect();
        for (idx, &k) in nonempty.iter().enumerate() {
            if k == 0 {
                continue;
            }
            let Some(cell) = row.cells.get(k) else {
                continue;
            };
            let (si, sc) = (cell_score(i, cell), cell_score(c, cell));
            let lo = if t.piped {
                k
            } else {
                row.pos.get(k).copied().unwrap_or(0).saturating_sub(3)
            };
            let hi = match nonempty.get(idx + 1) {
                Some(&nk) if t.piped => nk,
                Some(&nk) => row
                    .pos
                    .get(nk)
                    .copied()
                    .unwrap_or(usize::MAX)
                    .saturating_sub(3),
                None => usize::MAX,
            };
            let n = sample_size(cell).map(|(n, _, _)| (n, row.raw.clone()));
            for (slot, s, other) in [(0, si, sc), (1, sc, si)] {
                if s >= 0.5 && s > other {
                    let better = best
                        .get(slot)
                        .and_then(|b| b.as_ref())
                        .is_none_or(|b| s > b.score);
                    if better && let Some(b) = best.get_mut(slot) {
                        *b = Some(Span {
                            lo,
                            hi,
                            n: n.clone(),
                            score: s,
                        });
                    }
                }
            }
        }
    }
    match &best {
        [Some(si), None] if c.generic_control => {
            let sc = other_column(t, si, i);
            if let Some(b) = best.get_mut(1) {
                *b = sc;
            }
        }
        [None, Some(sc)] if i.generic_control => {
            let si = other_column(t, sc, c);
            if let Some(b) = best.get_mut(0) {
                *b = si;
            }
        }
        _ => {}
    }
    let [Some(si), Some(sc)] = best else {
        return None;
    };
    if si.lo == sc.lo {
        return None;
    }
    Some((si, sc))
}

/// The column of an arm seeded only as "control": in the header row that
/// names the other arm (`si`, seeded as `i`), the one other column that names an arm —
/// not the label column, a p value, a difference or a total — when there is
/// exactly one ("|  | MPC + HA | HA alone | p * |", PMC5541727 Table 5).
fn other_column(t: &Table, si: &Span, i: &Name) -> Option<Span> {
    for row in t.rows.iter().take(t.header_rows.max(1)) {
        let nonempty: Vec<usize> = (1..row.cells.len())
            .filter(|k| row.cells.get(*k).is_some_and(|c| !c.trim().is_empty()))
            .collect();
        let lo_of = |k: usize| {
            if t.piped {
                k
            } else {
                row.pos.get(k).copied().unwrap_or(0).saturating_sub(3)
            }
        };
        if !nonempty.iter().any(|k| lo_of(*k) == si.lo) {
            continue;
        }
        let others: Vec<(usize, usize)> = nonempty
            .iter()
            .enumerate()
            .filter(|(_, k)| lo_of(**k) != si.lo)
            .filter(|(_, k)| {
                row.cells.get(**k).is_some_and(|cell| {
                    let l = plain_cell(cell);
                    !(is_p_label(&l)
                        || l.starts_with("p ")
                        || l.starts_with("p*")
                        || l.starts_with("p-")
                        || ["total", "all", "overall", "difference", "diff"]
                            .iter()
                            .any(|w| l.starts_with(w))
                        || is_stat_label(&l).is_some()
                        || !l.chars().any(char::is_alphabetic)
                        || cell_score(i, cell) >= 0.5)
                })
            })
            .map(|(idx, k)| (idx, *k))
            .collect();
        let [(idx, k)] = others.as_slice() else {
            return None;
        };
        let hi = match nonempty.get(idx + 1) {
            Some(&nk) if t.piped => nk,
            Some(&nk) => row
                .pos
                .get(nk)
                .copied()
                .unwrap_or(usize::MAX)
                .saturating_sub(3),
            None => usize::MAX,
        };
        let cell = row.cells.get(*k)?;
        return Some(Span {
            lo: lo_of(*k),
            hi,
            n: sample_size(cell).map(|(n, _, _)| (n, row.raw.clone())),
            score: 0.6,
        });
    }
    None
}

/// What to read of an arm's span when it holds several value cells under
/// sub-headers: under time points ("| | Baseline | 12 weeks | Baseline | 12
/// weeks |" under "Exercise (n = 30)" and "Control (n = 30)") the latest
/// follow-up, or the baseline for a baseline outcome; under "n" and a
/// statistic ("| | n | Mean (SD) | n | Mean (SD) |") the statistic's cells,
/// with the n cell as the arm's n. `None` when the span holds one value cell
/// or its sub-headers are neither (the span's text is then read as before,
/// e.g. split "Mean | SD" columns).
fn sub_column(
    t: &Table,
    row: &Row,
    span: &Span,
    wants_baseline: bool,
) -> Option<(String, Option<(f64, String)>)> {
    if !t.piped {
        return None;
    }
    let ks: Vec<usize> = (1..row.cells.len())
        .filter(|k| *k >= span.lo && *k < span.hi)
        .filter(|k| row.cells.get(*k).is_some_and(|c| !c.trim().is_empty()))
        .collect();
    if ks.len() < 2 {
        return None;
    }
    let is_n = |l: &str| {
        matches!(
            l,
            "n" | "no." | "no" | "number" | "n analysed" | "n analyzed"
        )
    };
    // The nearest row above with no row label and a sub-header over each of
    // the span's cells: time points (the converter may count "12 weeks" as
    // data), or "n" and statistics.
    let at = t.rows.iter().position(|r| std::ptr::eq(r, row))?;
    let timed = |c: &str| {
        let l = plain_cell(c);
        time_label(&l).is_some() || numeric_time(&l).is_some()
    };
    let counted = |c: &str| {
        let l = plain_cell(c);
        is_n(&l) || is_stat_label(&l) == Some(true)
    };
    let heads = t.rows.get(..at)?.iter().rev().find(|h| {
        label(h).trim().is_empty()
            && (ks.iter().all(|k| h.cells.get(*k).is_some_and(|c| timed(c)))
                || ks
                    .iter()
                    .all(|k| h.cells.get(*k).is_some_and(|c| counted(c))))
    })?;
    let labels: Vec<String> = ks
        .iter()
        .map(|k| heads.cells.get(*k).map_or(String::new(), |c| plain_cell(c)))
        .collect();
    let n_cells: Vec<usize> = (0..ks.len())
        .filter(|j| labels.get(*j).is_some_and(|l| is_n(l)))
        .collect();
    if let [j] = n_cells.as_slice() {
        let cell = row.cells.get(*ks.get(*j)?)?;
        // An n cell that is no whole number ("28*") gives no n, but the
        // statistic is still read alone.
        let n = cell
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| *v > 0.0 && v.fract() == 0.0);
        let rest: Vec<&str> = ks
            .iter()
            .enumerate()
            .filter(|(x, _)| x != j)
            .filter_map(|(_, k)| row.cells.get(*k).map(String::as_str))
            .collect();
        return Some((rest.join(" "), n.map(|n| (n, row.raw.clone()))));
    }
    if !n_cells.is_empty() || labels.iter().any(|l| !timed(l)) {
        return None;
    }
    let mut best: Option<(f64, usize)> = None;
    let mut base: Option<usize> = None;
    for (k, l) in ks.iter().zip(&labels) {
        let when = match (time_label(l), numeric_time(l)) {
            (Some(true), _) => {
                base = Some(*k);
                continue;
            }
            (_, Some(d)) => d,
            // "Post-treatment", "End of study", "Follow-up": after any number.
            (Some(false), None) => f64::MAX,
            (None, None) => return None,
        };
        if best.is_none_or(|(b, _)| when > b) {
            best = Some((when, *k));
        }
    }
    let k = if wants_baseline { base? } else { best?.1 };
    row.cells.get(k).map(|c| (c.clone(), None))
}

/// A header cell without Markdown emphasis, lower case.
fn plain_cell(cell: &str) -> String {
    cell.replace(['*', '_', '\\'], "").trim().to_lowercase()
}

/// A group size in a header row below the arm's name (`(n = 30)` on its own row).
fn header_n(t: &Table, span: &Span) -> Option<(f64, String)> {
    if span.n.is_some() {
        return span.n.clone();
    }
    for row in t.rows.iter().take(t.header_rows.max(1)) {
        let txt = span_text(row, span, t.piped);
        if let Some((n, _, _)) = sample_size(&txt) {
            return Some((n, row.raw.clone()));
        }
    }
    None
}

/// Arm spans from a header line above a header-less pipe table.
fn head_spans(t: &Table, i: &Name, c: &Name) -> Option<(Span, Span)> {
    if !t.piped {
        return None;
    }
    let [(a, na), (b, nb)] = head_columns(t, i, c)?;
    let span = |k: usize, n: Option<(f64, String)>| Span {
        lo: k,
        hi: k + 1,
        n,
        score: 0.7,
    };
    Some((span(a, na), span(b, nb)))
}

/// The row label: the first cell.
fn label(row: &Row) -> &str {
    row.cells.first().map_or("", String::as_str)
}

/// Whether the header of the column around `centre` names p values.
fn is_p_column(t: &Table, centre: usize) -> bool {
    t.rows.iter().take(t.header_rows).any(|h| {
        (0..h.cells.len()).any(|k| {
            let c = cell_centre(h, k, t.piped);
            let near = if t.piped {
                c == centre
            } else {
                c.abs_diff(centre) <= 4
            };
            near && h.cells.get(k).is_some_and(|x| {
                let l = x.to_lowercase();
                l == "p"
                    || l.starts_with("p value")
                    || l.starts_with("p-value")
                    || l.starts_with("p*")
                    || l.starts_with("p ")
            })
        })
    })
}

/// Significance from a row's cells outside the arm spans (a p value column).
fn row_significance(row: &Row, spans: [&Span; 2], t: &Table) -> Option<bool> {
    for k in 1..row.cells.len() {
        let c = cell_centre(row, k, t.piped);
        if spans.iter().any(|s| c >= s.lo && c < s.hi) {
            continue;
        }
        let cell = row
            .cells
            .get(k)?
            .trim()
            .trim_end_matches(['*', '†', '‡', 'a', 'b', 'c']);
        if let Some(p) = p_value(cell) {
            return p_significant(p);
        }
        if cell.eq_ignore_ascii_case("ns") {
            return Some(false);
        }
        if is_p_column(t, c) {
            let bare = cell.trim_start_matches(['<', '>', '=', '≤', ' ']);
            let op = if cell.starts_with('<') || cell.starts_with('≤') {
                '<'
            } else if cell.starts_with('>') {
                '>'
            } else {
                '='
            };
            if let Ok(v) = bare.trim().parse::<f64>()
                && (0.0..=1.0).contains(&v)
            {
                return p_significant((v, op));
            }
        }
    }
    None
}

/// Reads the best matching row of all tables for `outcome` between arms `i`, `c`.
pub fn from_tables(
    tables: &[Table],
    outcome: &Name,
    i: &Name,
    c: &Name,
    spread: SpreadKindHint,
    outcome_text: &str,
) -> Option<TableHit> {
    let wants_baseline = is_baseline(outcome_text);
    let specific = specific_part(outcome_text);
    let wanted_times = time_points(&outcome.stems);
    let mut best: Option<TableHit> = None;
    // Where the best hit is when it is a time-point row: its table, block
    // and time; and whether another block's time-point row ties with it.
    let mut at: Option<(String, String, f64)> = None;
    let mut tied = false;
    for t in tables {
        if is_baseline(&t.caption) && !wants_baseline {
            continue;
        }
        let Some((si, sc)) = arm_spans(t, i, c).or_else(|| head_spans(t, i, c)) else {
            continue;
        };
        let ni = header_n(t, &si);
        let nc = header_n(t, &sc);
        let mut section = t.section.clone();
        // A last header row that is only a label ("| Pain score, mean (SD) |
        // | |") heads the rows below it like a sub-heading.
        if let Some(h) = t.header_rows.checked_sub(1).and_then(|k| t.rows.get(k))
            && h.cells.iter().skip(1).all(|c| c.trim().is_empty())
            && !label(h).trim().is_empty()
        {
            section = label(h).to_owned();
        }
        for row in t.rows.iter().skip(t.header_rows) {
            let own_label = label(row);
            let time = time_label(own_label);
            if is_p_label(own_label) || (time == Some(true) && !wants_baseline) {
                // p value rows; baseline rows of a before/after table.
                continue;
            }
            // "Pain score at baseline": a baseline row under another name.
            if !wants_baseline && super::text::mentions_baseline_values(&own_label.to_lowercase()) {
                continue;
            }
            let days = numeric_time(own_label);
            // A time point in a longer label ("Pain score at 12 weeks").
            let row_days = days.or_else(|| label_time(own_label));
            if row_days.is_some()
                && !wanted_times.is_empty()
                && !time_points(&words(own_label))
                    .iter()
                    .any(|x| wanted_times.contains(&(x.0.clone(), x.1.clone())))
            {
                // The outcome names another time point ("at 6 months").
                continue;
            }
            let stat_row = is_stat_label(own_label).or(time.or(days.map(|_| false)).map(|_| true));
            if stat_row == Some(false) {
                // Medians, ranges, IQRs: not means, and not for this form.
                continue;
            }
            let joined = format!("{section} {own_label}");
            let lab = if stat_row.is_some() {
                joined.as_str()
            } else {
                own_label
            };
            let (ti, row_ni) = sub_column(t, row, &si, wants_baseline)
                .unwrap_or_else(|| (span_text(row, &si, t.piped), None));
            let (tc, row_nc) = sub_column(t, row, &sc, wants_baseline)
                .unwrap_or_else(|| (span_text(row, &sc, t.piped), None));
            if ti.is_empty() && tc.is_empty() {
                // A sub-heading row ("Motion range") gives context to the rows below.
                section = lab.to_owned();
                continue;
            }
            // The caption of a table cut into blocks may end with the first
            // block's sub-heading ("… over 24 months  MPC + HA HA alone p
            // Medial tibia"): a time-point row of another block is not about it.
            let caption = match (days, t.head.last()) {
                (Some(_), Some(h)) if super::blocks::is_sub_heading(h) => {
                    t.caption.replace(h.trim(), " ")
                }
                _ => t.caption.clone(),
            };
            let ctx = outcome.score(&format!("{lab} {section} {caption}"));
            // A bare time point takes its outcome from the block's
            // sub-heading and the caption together.
            let own = if days.is_some() {
                ctx
            } else {
                outcome.score(lab)
            }
            .max(specific.as_ref().map_or(0.0, |s| {
                let v = s.score(lab);
                if v >= 0.99 { v } else { 0.0 }
            }));
            if own < 0.34 || ctx < 0.6 {
                continue;
            }
            // A block whose sub-heading names something else ("Adverse
            // events" under a caption that also names the outcome).
            let topic = !section.trim().is_empty()
                && is_stat_label(&section).is_none()
                && numeric_time(&section).is_none();
            if days.is_some() && topic && outcome.score(&section) == 0.0 {
                continue;
            }
            let score = own * 0.6 + ctx * 0.4;
            if let (Some(b), Some(d), Some((bt, bs, bd))) = (best.as_ref(), row_days, at.as_ref())
                && (b.score - score).abs() < 1e-9
            {
                // Rows of one outcome at several time points: the latest
                // (the end of follow-up) unless the outcome names one;
                // another block that fits as well (medial, lateral) leaves
                // it open, unless one of them is the total.
                let total = |x: &str| {
                    let l = x.to_lowercase();
                    l.starts_with("total") || l.starts_with("overall")
                };
                if *bt == t.caption && *bs == section {
                    if d <= *bd {
                        continue;
                    }
                } else if total(&section) && !total(bs) {
                    tied = false;
                } else {
                    if !total(bs) {
                        tied = true;
                    }
                    continue;
                }
            } else if best.as_ref().is_some_and(|b| b.score >= score) {
                continue;
            }
            let hint = SpreadKindHint::from_text(&format!(
                "{} {} {}",
                t.caption,
                lab,
                t.rows
                    .iter()
                    .take(t.header_rows)
                    .map(|r| r.raw.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
            .or(spread);
            let heads = t
                .rows
                .iter()
                .take(t.header_rows)
                .map(|r| r.raw.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let ci = mean_ci_label(&format!("{lab} {heads}"));
            // An "n" cell of the row is the n of this outcome.
            let (ni_row, nc_row) = (row_ni.or_else(|| ni.clone()), row_nc.or_else(|| nc.clone()));
            let Some(ai) = arm_data(&ti, ni_row.as_ref(), row, t, (hint, ci), score) else {
                continue;
            };
            let Some(ac) = arm_data(&tc, nc_row.as_ref(), row, t, (hint, ci), score) else {
                continue;
            };
            if ai.kind() != ac.kind() || ai.kind() == 2 {
                continue;
            }
            // A lone number is a mean only where the table says means are shown.
            let context = format!(
                "{} {} {}",
                t.caption,
                lab,
                t.rows
                    .iter()
                    .take(t.header_rows)
                    .map(|r| r.raw.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
            .to_lowercase();
            let lone = ai.mean.is_some() && (ai.sd.is_none() || ac.sd.is_none());
            if lone && !context.contains("mean") {
                continue;
            }
            if context.contains("median") && !context.contains("mean") {
                continue;
            }
            let same_block = row_days.is_some()
                && at
                    .as_ref()
                    .is_some_and(|(bt, bs, _)| *bt == t.caption && *bs == section);
            if !same_block && best.as_ref().is_none_or(|b| b.score < score - 1e-9) {
                tied = false;
            }
            at = row_days.map(|d| (t.caption.clone(), section.clone(), d));
            best = Some(TableHit {
                significant: row_significance(row, [&si, &sc], t),
                i: ai,
                c: ac,
                quote: row.raw.clone(),
                page: t.page,
                score,
            });
        }
    }
    if tied && at.is_some() {
        return None;
    }
    best
}

/// Reads a table that gives the arms as rows and the outcomes as columns
/// ("| Group | n | Body weight (kg) | Waist (cm) |" over "| Exercise | 30 |
/// 70.1 ± 5.2 | … |"): one column whose header names the outcome clearly
/// better than any other column, one row per seeded arm (each named by its
/// first cell, better than the other arm, by no other row), and an "n" column
/// for the group sizes if there is one. Used when no table has the arms as
/// columns.
pub fn from_transposed(
    tables: &[Table],
    outcome: &Name,
    i: &Name,
    c: &Name,
    spread: SpreadKindHint,
    outcome_text: &str,
) -> Option<TableHit> {
    let wants_baseline = is_baseline(outcome_text);
    let mut best: Option<TableHit> = None;
    for t in tables {
        if !t.piped || t.header_rows == 0 || (is_baseline(&t.caption) && !wants_baseline) {
            continue;
        }
        let width = t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        // Each column's header: its cells over the header rows, joined.
        let head = |k: usize| {
            t.rows
                .iter()
                .take(t.header_rows)
                .filter_map(|r| r.cells.get(k))
                .map(|x| x.trim())
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let heads: Vec<String> = (0..width).map(head).collect();
        // The arms must not head columns (then the table is the usual way round).
        if heads
            .iter()
            .skip(1)
            .any(|h| cell_score(i, h) >= 0.5 || cell_score(c, h) >= 0.5)
        {
            continue;
        }
        let scores: Vec<f64> = heads.iter().map(|h| outcome.score(h)).collect();
        let Some((k, &top)) = scores
            .iter()
            .enumerate()
            .skip(1)
            .max_by(|a, b| a.1.total_cmp(b.1))
        else {
            continue;
        };
        let runner_up = scores
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(j, _)| *j != k)
            .map(|(_, v)| *v)
            .fold(0.0, f64::max);
        if top < 0.6 || top - runner_up < 0.3 {
            continue;
        }
        let n_col = heads.iter().position(|h| {
            matches!(
                plain_cell(h).as_str(),
                "n" | "no." | "no" | "number" | "n (patients)"
            )
        });
        let arm_row = |n: &Name, other: &Name| {
            let hits: Vec<&Row> = t
                .rows
                .iter()
                .skip(t.header_rows)
                .filter(|r| {
                    let l = label(r);
                    let (s, o) = (cell_score(n, l), cell_score(other, l));
                    s >= 0.5 && s > o
                })
                .collect();
            match hits.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        };
        let (Some(ri), Some(rc)) = (arm_row(i, c), arm_row(c, i)) else {
            continue;
        };
        if std::ptr::eq(ri, rc) {
            continue;
        }
        let context = format!("{} {}", t.caption, heads.get(k).map_or("", String::as_str));
        let hint = SpreadKindHint::from_text(&context).or(spread);
        let ci = mean_ci_label(&context);
        let n_of = |r: &Row| {
            let cell = r.cells.get(n_col?)?;
            let v = cell.trim().parse::<f64>().ok()?;
            (v.fract() == 0.0 && v > 0.0).then(|| (v, r.raw.clone()))
        };
        let score = 0.6 + 0.1 * top.min(1.0);
        let read = |r: &Row| {
            let cell = r.cells.get(k)?;
            arm_data(cell, n_of(r).as_ref(), r, t, (hint, ci), score)
        };
        let (Some(ai), Some(ac)) = (read(ri), read(rc)) else {
            continue;
        };
        if ai.kind() != ac.kind() || ai.kind() == 2 {
            continue;
        }
        let lower = context.to_lowercase();
        let lone = ai.mean.is_some() && (ai.sd.is_none() || ac.sd.is_none());
        if (lone && !lower.contains("mean"))
            || (lower.contains("median") && !lower.contains("mean"))
        {
            continue;
        }
        if best.as_ref().is_some_and(|b| b.score >= score) {
            continue;
        }
        best = Some(TableHit {
            significant: None,
            i: ai,
            c: ac,
            quote: ri.raw.clone(),
            page: t.page,
            score,
        });
    }
    best
}

/// Whether a row label or header says its cells are a mean with its 95% CI:
/// "Mean (95% CI)", "mean [95% confidence interval]", not "Mean difference (95% CI)".
fn mean_ci_label(text: &str) -> bool {
    let lower = text.to_lowercase().replace(['*', '_'], "");
    lower.match_indices("mean").any(|(k, _)| {
        let rest = lower
            .get(k + 4..)
            .unwrap_or("")
            .trim_start_matches([' ', '(', '[', ',', ':']);
        ["95% ci", "95 % ci", "95% confidence", "95 % confidence"]
            .iter()
            .any(|w| rest.starts_with(w))
    })
}

fn arm_data(
    text: &str,
    n_head: Option<&(f64, String)>,
    row: &Row,
    t: &Table,
    (hint, ci_cells): (SpreadKindHint, bool),
    score: f64,
) -> Option<ArmData> {
    let conf = if score >= 0.8 { 0.85 } else { 0.7 };
    let stat = parse_stat(text, n_head.map(|x| x.0))?;
    let at = |v: f64, conf: f32| Found::new(v, &row.raw, t.page, conf);
    let mut d = ArmData::default();
    if let Some((n, raw)) = n_head {
        d.n = Some(Found::new(*n, raw, t.page, conf - 0.05));
    }
    match stat {
        Stat::Count { events, n, pct } => {
            if let Some(n) = n {
                d.n = Some(at(n, conf));
            }
            if events.is_finite() {
                let consistent = match (pct, d.n.as_ref()) {
                    (Some(p), Some(nn)) => {
                        nn.value > 0.0 && ((events / nn.value * 100.0) - p).abs() <= 1.0
                    }
                    _ => true,
                };
                d.events = Some(at(events, if consistent { conf } else { conf - 0.3 }));
            } else if let Some(p) = pct {
                // Events follow from n later, as a derived value.
                d.pct = Some(at(p, conf));
            }
        }
        Stat::Mean { mean, spread, kind } => {
            d.mean = Some(at(mean, conf));
            if let Some(s) = spread {
                let r = hint.resolve(kind);
                d.sd = r.sd(s, &row.raw, t.page, d.n.as_ref(), conf);
                if d.sd.is_none() {
                    d.pending = r.pending(s, &row.raw, t.page, conf);
                }
            }
        }
        // A mean with its 95% CI (by the cell or its header): the SD follows
        // from n (Cochrane Handbook 6.5.2.3).
        Stat::Interval {
            centre, lo, hi, ci, ..
        } if ci || ci_cells => {
            d.mean = Some(at(centre, conf));
            d.pending = Some(Pending::Ci(at(lo, conf), at(hi, conf)));
        }
        Stat::Interval { .. } => return None,
    }
    Some(d)
}
