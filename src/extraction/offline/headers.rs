//! Column headers and row labels of tables as the converter leaves them: header cells naming
//! an arm by a group label ("Group II") or a dose ("600"), and header lines
//! printed as plain text above a header-less pipe table ("Group I Group II p",
//! "GV (n = 53) GP (n = 53) Total (N = 106)"), read for the column order.

use super::arms::{Name, words};
use super::blocks::plain;
use super::document::Table;
use super::pvalues::sample_size;

/// Units that may follow a dose in a column header ("600 mg").
const UNITS: [&str; 8] = ["mg", "g", "µg", "mcg", "ml", "iu", "mg/kg", "%"];

/// A column index with the group size its header gives (and the header line).
pub type Column = (usize, Option<(f64, String)>);

/// A group label in a text: "Group I", "group B", "Group 2" → "group i", …
pub fn group_labels(text: &str) -> Vec<(usize, String)> {
    let ws = words(text);
    let mut out = Vec::new();
    for (k, w) in ws.iter().enumerate() {
        if !w.eq_ignore_ascii_case("group") {
            continue;
        }
        let Some(next) = ws.get(k + 1) else { continue };
        let roman = ["I", "II", "III", "IV", "V", "VI"].contains(&next.as_str());
        let letter = next.len() == 1 && next.chars().all(|c| c.is_ascii_uppercase());
        let digit = next.len() == 1 && next.chars().all(|c| c.is_ascii_digit());
        if roman || letter || digit {
            out.push((k, format!("group {}", next.to_lowercase())));
        }
    }
    out
}

/// How well a header cell names arm `n` (0–1): its group label, a dose the
/// name holds ("0.2" for "macitentan doses of 0.2 mg"), or its words.
pub fn cell_score(n: &Name, cell: &str) -> f64 {
    let labels = group_labels(cell);
    if let (Some(own), false) = (&n.group, labels.is_empty()) {
        return if labels.iter().any(|(_, l)| l == own) {
            1.0
        } else {
            0.0
        };
    }
    let ws = words(cell);
    let nums: Vec<&String> = ws
        .iter()
        .filter(|w| w.parse::<f64>().is_ok_and(f64::is_finite))
        .collect();
    let only_units = ws
        .iter()
        .all(|w| w.parse::<f64>().is_ok() || UNITS.contains(&w.to_lowercase().as_str()));
    if let [num] = nums.as_slice()
        && only_units
        && n.stems.iter().any(|s| s == *num)
    {
        return 0.75;
    }
    n.score(cell)
}

/// Columns (cell indices) of arms `i` and `c` in a pipe table without arm
/// headers, from a header line above it, with a group size each when the
/// line gives one ("(n = 53)"). The items of the line are its group labels,
/// or its segments ended by "(n = …)", which must be as many as the value
/// columns (one less with a p column); or, for two-column tables, the order
/// in which the line names the two arms.
pub fn head_columns(t: &Table, i: &Name, c: &Name) -> Option<[Column; 2]> {
    let mut lens: Vec<usize> = t
        .rows
        .iter()
        .skip(t.header_rows)
        .map(|r| r.cells.len())
        .collect();
    lens.sort_unstable();
    let cols = lens.get(lens.len() / 2)?.checked_sub(1)?;
    for raw in t.head.iter().rev() {
        let line = plain(raw);
        let last = line.rsplit(' ').next().unwrap_or("").to_lowercase();
        let p_col = matches!(
            last.trim_end_matches(['a', 'b', 'c']),
            "p" | "value" | "p-value"
        );
        let fits = |k: usize| k == cols || (p_col && k + 1 == cols);
        let labels = group_labels(&line);
        if labels.len() >= 2 {
            if !fits(labels.len()) {
                continue;
            }
            let at = |n: &Name| labels.iter().position(|(_, l)| Some(l) == n.group.as_ref());
            let (Some(a), Some(b)) = (at(i), at(c)) else {
                continue;
            };
            return (a != b).then_some([(a + 1, None), (b + 1, None)]);
        }
        let segs = segments(&line);
        if segs.len() >= 2 {
            if !fits(segs.len()) {
                continue;
            }
            let best = |n: &Name, other: &Name| {
                segs.iter()
                    .enumerate()
                    .map(|(k, s)| (k, cell_score(n, s), cell_score(other, s)))
                    .filter(|(_, s, o)| *s >= 0.5 && s > o)
                    .max_by(|x, y| x.1.total_cmp(&y.1))
                    .map(|(k, _, _)| k)
            };
            let (Some(a), Some(b)) = (best(i, c), best(c, i)) else {
                continue;
            };
            let n_of = |k: usize| {
                let s = segs.get(k)?;
                sample_size(s).map(|(n, _, _)| (n, raw.clone()))
            };
            return (a != b).then(|| [(a + 1, n_of(a)), (b + 1, n_of(b))]);
        }
        if !fits(2) {
            continue;
        }
        let (mi, mc) = (i.mentions(&line), c.mentions(&line));
        let pi = mi.iter().find(|p| !mc.contains(p));
        let pc = mc.iter().find(|p| !mi.contains(p));
        if let (Some(pi), Some(pc)) = (pi, pc) {
            let (a, b) = if pi < pc { (1, 2) } else { (2, 1) };
            return Some([(a, None), (b, None)]);
        }
        // An arm seeded only as "control" is the other of two columns when
        // the line opens with the intervention's name and names nothing
        // else of the seeds ("MPC + HA HA alone p", PMC5541727 Table 4).
        let no_total = !line.to_lowercase().contains("total");
        if no_total && c.generic_control && mc.is_empty() && mi.first() == Some(&0) {
            return Some([(1, None), (2, None)]);
        }
        if no_total && i.generic_control && mi.is_empty() && mc.first() == Some(&0) {
            return Some([(2, None), (1, None)]);
        }
    }
    None
}

/// A header line cut after each "(n = …)": one segment per column.
fn segments(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some((_, _, end)) = sample_size(rest) {
        let cut = rest
            .get(end..)
            .and_then(|r| r.find(')').filter(|k| *k <= 1).map(|k| end + k + 1))
            .unwrap_or(end);
        out.push(rest.get(..cut).unwrap_or("").trim().to_owned());
        rest = rest.get(cut..).unwrap_or("");
    }
    out
}

/// `Some(true)` for a row label naming a usable statistic ("mean (SD)", "n (%)"),
/// `Some(false)` for one that is not (median, range, IQR), `None` for an outcome.
pub fn is_stat_label(label: &str) -> Option<bool> {
    let l = label.trim().to_lowercase();
    if [
        "median",
        "range",
        "iqr",
        "interquartile",
        "min",
        "max",
        "95% ci",
    ]
    .iter()
    .any(|w| l.starts_with(w))
    {
        return Some(false);
    }
    let usable = [
        "mean",
        "sd",
        "n (%)",
        "no. (%)",
        "n/n",
        "number (%)",
        "events",
    ]
    .iter()
    .any(|w| l.starts_with(w));
    usable.then_some(true)
}

/// `Some(true)` for a row label that is a baseline time point ("Baseline
/// (mean±SD)", "Before"), `Some(false)` for a later one ("Posttreatment",
/// "After 6 weeks", "Week 12"); the outcome is then the sub-heading above.
pub fn time_label(label: &str) -> Option<bool> {
    let l = label.trim().to_lowercase();
    if l.chars().count() > 40 {
        return None;
    }
    let starts = |ws: &[&str]| ws.iter().any(|w| l.starts_with(w));
    if starts(&[
        "baseline",
        "pre-treatment",
        "pretreatment",
        "before",
        "pre-",
        "at entry",
    ]) {
        return Some(true);
    }
    starts(&[
        "post",
        "after",
        "end of",
        "follow-up",
        "final",
        "week ",
        "month ",
        "at week",
        "at month",
    ])
    .then_some(false)
}

/// A row label that is only a time point after the start, as a number and a
/// unit ("24 months", "12 weeks", "Day 7", "at month 6"): its length in days.
/// The outcome is then named by the block's sub-heading and the caption
/// ("Medial tibia" over "6 months", "12 months", "24 months", PMC5541727
/// Table 4). Time 0 ("0 months", "day 0") is the baseline, not a time point.
pub fn numeric_time(label: &str) -> Option<f64> {
    let ws: Vec<String> = words(&plain(label).to_lowercase())
        .into_iter()
        .filter(|w| !matches!(w.as_str(), "at" | "after" | "by" | "in" | "post"))
        .collect();
    let unit = |w: &str| match w.trim_end_matches('s') {
        "hour" | "hr" | "h" => Some(1.0 / 24.0),
        "day" | "d" => Some(1.0),
        "week" | "wk" => Some(7.0),
        "month" | "mo" => Some(30.44),
        "year" | "yr" => Some(365.25),
        _ => None,
    };
    let num = |w: &str| w.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0);
    match ws.as_slice() {
        [a, b] => match (num(a), unit(b), unit(a), num(b)) {
            (Some(n), Some(u), _, _) | (_, _, Some(u), Some(n)) => Some(n * u),
            _ => None,
        },
        _ => None,
    }
}

/// The one time point a longer row label names ("Pain score at 12 weeks",
/// "HbA1c, month 6"), in days; `None` for none or several.
pub fn label_time(label: &str) -> Option<f64> {
    let ws = words(&plain(label).to_lowercase());
    let tps = super::text::time_points(&ws);
    let [(unit, num)] = tps.as_slice() else {
        return None;
    };
    let n = num
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)?;
    let u = match unit.as_str() {
        "hour" => 1.0 / 24.0,
        "day" => 1.0,
        "week" => 7.0,
        "month" => 30.44,
        "year" => 365.25,
        _ => return None,
    };
    Some(n * u)
}

/// A row of p values ("p", "P value").
pub fn is_p_label(label: &str) -> bool {
    let l = label.trim().to_lowercase();
    matches!(
        l.trim_end_matches(['*', 'a', 'b']),
        "p" | "p value" | "p-value" | "p values"
    )
}

/// The specific part of an outcome written "general - specific"
/// ("Motion range - Shoulder flexion", "adverse event profile - headache").
pub fn specific_part(outcome: &str) -> Option<Name> {
    let (_, spec) = outcome.rsplit_once(" - ")?;
    let n = Name::new(spec, &std::collections::BTreeMap::new());
    (!n.stems.is_empty()).then_some(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::document::Row;
    use super::*;
    use std::collections::BTreeMap;

    fn table(head: &str, rows: &[&[&str]]) -> Table {
        Table {
            page: 1,
            caption: String::new(),
            rows: rows
                .iter()
                .map(|r| Row {
                    raw: r.join(" | "),
                    cells: r.iter().map(|c| (*c).to_owned()).collect(),
                    pos: (0..r.len()).collect(),
                })
                .collect(),
            piped: true,
            header_rows: 0,
            head: vec![head.to_owned()],
            section: String::new(),
        }
    }

    #[test]
    fn group_labels_order_columns() {
        // PMC2972614 Table 2: "Group I Group II p" above the pipe rows.
        let t = table(
            "Group I Group II p",
            &[&[
                "Posttreatment (mean±SD)",
                "168±22.65",
                "174.31±14.98",
                "0.313",
            ]],
        );
        let none = BTreeMap::new();
        let i = Name::new("Laser therapy (Group I)", &none);
        let c = Name::new("Placebo laser therapy (Group II)", &none);
        let cols = head_columns(&t, &i, &c).unwrap();
        assert_eq!((cols[0].0, cols[1].0), (1, 2));
        let swapped = head_columns(&t, &c, &i).unwrap();
        assert_eq!((swapped[0].0, swapped[1].0), (2, 1));
    }

    #[test]
    fn sizes_in_the_header_line() {
        // PMC4678179 Table 1: "**GV (n = 53) GP (n = 53) Total (N = 106)**".
        let mut abbr = BTreeMap::new();
        abbr.insert("GV".to_owned(), "gemcitabine vandetanib".to_owned());
        abbr.insert("GP".to_owned(), "gemcitabine placebo".to_owned());
        let t = table(
            "**GV (n = 53) GP (n = 53) Total (N = 106)**",
            &[&["White", "40 (77)", "45 (88)", "85 (83)"]],
        );
        let i = Name::new("GV", &abbr);
        let c = Name::new("GP", &abbr);
        let cols = head_columns(&t, &i, &c).unwrap();
        assert_eq!(cols[0].0, 1);
        assert_eq!(cols[1].0, 2);
        assert_eq!(cols[1].1.as_ref().map(|x| x.0), Some(53.0));
    }

    #[test]
    fn doses_name_columns() {
        // PMC3169777 Table 1: dose columns "0.2 … 600  Placebo".
        let none = BTreeMap::new();
        let i = Name::new("macitentan doses of 0.2 mg", &none);
        assert!(cell_score(&i, "0.2") >= 0.75);
        assert!(cell_score(&i, "Placebo") < 0.5);
        assert!(cell_score(&i, "25") < 0.5);
    }

    #[test]
    fn bare_time_points_as_row_labels() {
        // PMC5541727 Tables 4 and 5 rows; PMC4140238 "7 min" is no unit here.
        assert_eq!(numeric_time("24 months"), Some(24.0 * 30.44));
        assert_eq!(numeric_time("6 months"), Some(6.0 * 30.44));
        assert_eq!(numeric_time("Week 12"), Some(84.0));
        assert_eq!(numeric_time("at day 7"), Some(7.0));
        assert_eq!(numeric_time("0 months"), None);
        assert_eq!(numeric_time("24 months later, HbA1c"), None);
        assert_eq!(numeric_time("Medial tibia"), None);
    }
}
