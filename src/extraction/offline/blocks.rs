//! What the converter leaves around a table: the header line printed as plain
//! text above a header-less pipe table ("Group I Group II p"), the sub-heading
//! above each block of a table cut into blocks ("**Shoulder flexion**"), and
//! layout tables whose header row has no cell over the label column.

use super::document::Row;

/// Lines longer than this are prose, not a header or a sub-heading.
const SHORT: usize = 80;

/// Strips Markdown emphasis and heading marks from a line.
pub fn plain(line: &str) -> String {
    line.trim()
        .trim_start_matches('#')
        .replace(['*', '\\'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a line opens a table caption ("Table 2", "### Table 2").
pub fn is_caption_line(line: &str) -> bool {
    let p = plain(line).to_ascii_lowercase();
    p.strip_prefix("table").is_some_and(|r| {
        r.trim_start()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// Whether a non-table line may sit between two blocks of one table: a short
/// sub-heading, not a sentence or a new caption.
pub fn is_sub_heading(line: &str) -> bool {
    let p = plain(line);
    !p.is_empty() && p.chars().count() <= SHORT && !p.ends_with('.') && !is_caption_line(line)
}

/// Context of a table starting at line `idx`: the non-table lines within a
/// few lines above (nearest last), stopping at a caption or a pipe row.
pub fn lines_above(lines: &[(usize, &str)], idx: usize) -> Vec<String> {
    let mut out = Vec::new();
    for k in (idx.saturating_sub(5)..idx).rev() {
        let Some((_, l)) = lines.get(k) else { continue };
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('|') || is_caption_line(t) || t.chars().count() > 200 {
            break;
        }
        out.push(t.to_owned());
        if out.len() >= 3 {
            break;
        }
    }
    out.reverse();
    out
}

/// A layout table whose first row names the columns but not the label column
/// ("0.2  1  5  25  100  300  600  Placebo" over "Headache  0  0  0  2  1  2  5  3"):
/// the header gets an empty label cell and all rows are aligned by cell index
/// (the converter does not keep the character columns). Returns whether it did.
pub fn align_layout(rows: &mut [Row]) -> bool {
    let Some(k) = rows.first().map(|r| r.cells.len()) else {
        return false;
    };
    let body = rows.get(1..).unwrap_or(&[]);
    let fits = body
        .iter()
        .filter(|r| {
            r.cells.len() == k + 1
                && r.cells
                    .first()
                    .is_some_and(|c| c.chars().any(char::is_alphabetic))
        })
        .count();
    if k < 2 || body.len() < 2 || fits * 4 < body.len() * 3 {
        return false;
    }
    for (i, r) in rows.iter_mut().enumerate() {
        if i == 0 {
            r.cells.insert(0, String::new());
        }
        r.pos = (0..r.cells.len()).collect();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Row {
        Row {
            raw: cells.join("  "),
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
            pos: (0..cells.len()).map(|k| k * 10).collect(),
        }
    }

    #[test]
    fn layout_header_without_label_cell_is_aligned() {
        // PMC3169777 Table 1 (adverse events by dose).
        let mut rows = vec![
            row(&["0.2", "1", "5", "25", "100", "300", "600", "Placebo"]),
            row(&["Headache", "0", "0", "0", "2", "1", "2", "5", "3"]),
            row(&["Back pain", "0", "0", "0", "0", "0", "1", "0", "1"]),
        ];
        assert!(align_layout(&mut rows));
        assert_eq!(rows[0].cells[8], "Placebo");
        assert_eq!(rows[1].pos[8], 8);
    }

    #[test]
    fn sub_headings_and_captions() {
        // PMC2972614 Table 2 blocks.
        assert!(is_sub_heading("**Shoulder flexion**"));
        assert!(is_sub_heading("## VAS"));
        assert!(!is_sub_heading("### Table 2"));
        assert!(is_caption_line("### Table 2"));
        assert!(!is_sub_heading(
            "In group I, after the therapy improvements were observed."
        ));
        let lines = [
            (0, "### Table 2"),
            (1, "Comparison of mean values of pain severity"),
            (2, "Group I Group II p"),
            (3, "## VAS"),
            (4, "| Baseline (mean±SD) | 7.16±1.64 | 7.59±1.76 | 0.343 |"),
        ];
        let above = lines_above(&lines, 4);
        assert_eq!(above.len(), 3);
        assert_eq!(above[1], "Group I Group II p");
    }
}
