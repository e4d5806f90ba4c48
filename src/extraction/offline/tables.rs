//! Arm statistics read from tables: columns are mapped to arms by their
//! headers, rows to the outcome by their labels (and the caption), and the
//! cells of each arm's columns are parsed as a count or a mean with its spread.

use super::arms::Name;
use super::document::{Row, Table};
use super::headers::{
    cell_score, head_columns, is_p_label, is_stat_label, specific_part, time_label,
};
use super::numbers::{Stat, p_significant, p_value, parse_stat, sample_size};
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
fn is_baseline(caption: &str) -> bool {
    let c = caption.to_lowercase();
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
    let [Some(si), Some(sc)] = best else {
        return None;
    };
    if si.lo == sc.lo {
        return None;
    }
    Some((si, sc))
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
    let mut best: Option<TableHit> = None;
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
        for row in t.rows.iter().skip(t.header_rows) {
            let own_label = label(row);
            let time = time_label(own_label);
            if is_p_label(own_label) || (time == Some(true) && !wants_baseline) {
                // p value rows; baseline rows of a before/after table.
                continue;
            }
            let stat_row = is_stat_label(own_label).or(time.map(|_| true));
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
            let ti = span_text(row, &si, t.piped);
            let tc = span_text(row, &sc, t.piped);
            if ti.is_empty() && tc.is_empty() {
                // A sub-heading row ("Motion range") gives context to the rows below.
                section = lab.to_owned();
                continue;
            }
            let own = outcome.score(lab).max(specific.as_ref().map_or(0.0, |s| {
                let v = s.score(lab);
                if v >= 0.99 { v } else { 0.0 }
            }));
            let ctx = outcome.score(&format!("{lab} {section} {}", t.caption));
            if own < 0.34 || ctx < 0.6 {
                continue;
            }
            let score = own * 0.6 + ctx * 0.4;
            if best.as_ref().is_some_and(|b| b.score >= score) {
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
            let Some(ai) = arm_data(&ti, ni.as_ref(), row, t, (hint, ci), score) else {
                continue;
            };
            let Some(ac) = arm_data(&tc, nc.as_ref(), row, t, (hint, ci), score) else {
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
