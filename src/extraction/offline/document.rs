//! The converted pages cut into what extractors quote: sentences and table rows,
//! each a verbatim slice of its page text with the page number.
//!
//! Tables come as Markdown pipe tables (`| a | b |`) from the converter, or as
//! blocks of lines whose cells are separated by runs of spaces (layout text).
//! A quote is always a slice of the page text, so it is grounded by construction.

use super::PageText;
use super::arms;
use super::blocks;

/// A sentence (or a heading or list item) of running text.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub page: u32,
    /// Verbatim slice of the page text, trimmed.
    pub text: String,
    /// Lower-cased copy for matching.
    pub lower: String,
    /// Index of the sentence in reading order (abstract first).
    pub order: usize,
    /// Its words and their stems, cut once for the many names matched against it.
    pub words: Vec<String>,
    pub stems: Vec<String>,
}

/// One row of a table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row's line, verbatim.
    pub raw: String,
    pub cells: Vec<String>,
    /// Character column where each cell starts (layout tables), or the cell index.
    pub pos: Vec<usize>,
}

/// A table: its caption (title line and notes near it) and rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub page: u32,
    pub caption: String,
    pub rows: Vec<Row>,
    /// Pipe table (cells aligned by index) rather than a layout block.
    pub piped: bool,
    /// Number of leading rows that are headers.
    pub header_rows: usize,
    /// Plain lines just above the rows (a header line the converter printed
    /// as text, "Group I Group II p"), or those of the block this one continues.
    pub head: Vec<String>,
    /// The sub-heading just above the rows ("**Shoulder flexion**"), if any.
    pub section: String,
}

/// A paper ready for matching.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub sentences: Vec<Sentence>,
    pub tables: Vec<Table>,
    /// The paper names two arms by role, "the intervention group" and "the
    /// control group", and no more arms (`arms::roles_name_two_arms`).
    pub two_roles: bool,
    /// Whether only sub-headings came since the last table (it may go on).
    open_table: bool,
    /// The last sub-heading since then (it may head the next block).
    pending_heading: String,
    /// A caption that ended its page with no table under it, and the short
    /// lines after it: the table is at the top of the next page.
    carried: Option<(String, Vec<String>)>,
}

fn is_pipe_row(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') && t.matches('|').count() >= 2
}

fn is_separator_row(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '+' | '='))
}

/// Cells of a layout line: runs separated by two or more spaces (or a tab).
fn layout_cells(line: &str) -> (Vec<String>, Vec<usize>) {
    let mut cells = Vec::new();
    let mut pos = Vec::new();
    let mut cur = String::new();
    let mut cur_col = 0;
    let mut spaces = 0;
    for (col, c) in line.chars().enumerate() {
        if c == ' ' || c == '\t' {
            spaces += if c == '\t' { 2 } else { 1 };
            continue;
        }
        if spaces >= 2 && !cur.is_empty() {
            cells.push(std::mem::take(&mut cur));
            pos.push(cur_col);
        } else if spaces == 1 && !cur.is_empty() {
            cur.push(' ');
        }
        if cur.is_empty() {
            cur_col = col;
        }
        spaces = 0;
        cur.push(c);
    }
    if !cur.is_empty() {
        cells.push(cur);
        pos.push(cur_col);
    }
    (cells, pos)
}

fn pipe_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_owned()).collect()
}

/// A layout line that looks like a table row: several short cells, some of
/// them values (justified prose also has runs of spaces, but long cells).
fn is_layout_row(line: &str) -> bool {
    let (cells, _) = layout_cells(line);
    let numeric = cells.iter().filter(|c| starts_with_value(c)).count();
    let short = cells.iter().skip(1).all(|c| c.chars().count() <= 40);
    cells.len() >= 2 && short && (numeric >= 2 || (cells.len() >= 3 && numeric >= 1))
}

fn caption_before(lines: &[(usize, &str)], idx: usize) -> String {
    // The nearest "Table …" line within a few lines above, plus what follows it.
    let lo = idx.saturating_sub(8);
    for k in (lo..idx).rev() {
        let Some((_, l)) = lines.get(k) else { continue };
        if is_pipe_row(l) {
            break;
        }
        let t = l
            .trim()
            .trim_start_matches('#')
            .trim()
            .trim_start_matches('*');
        if t.to_ascii_lowercase().starts_with("table") {
            let mut cap = String::new();
            for (_, l2) in lines.get(k..idx).unwrap_or(&[]) {
                if !is_pipe_row(l2) {
                    cap.push_str(l2.trim());
                    cap.push(' ');
                }
            }
            return cap.trim().to_owned();
        }
    }
    String::new()
}

/// A caption at the end of a page with only short lines after it (its title,
/// a header line, a sub-heading) and no table: the caption with those lines,
/// and the last three of them as the head of the table on the next page.
fn carried_caption(lines: &[(usize, &str)]) -> Option<(String, Vec<String>)> {
    let mut after: Vec<&str> = Vec::new();
    for (_, l) in lines.iter().rev() {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if blocks::is_caption_line(t) {
            after.reverse();
            let mut cap = t.to_owned();
            for a in &after {
                cap.push_str("  ");
                cap.push_str(a);
            }
            let head = after
                .iter()
                .skip(after.len().saturating_sub(3))
                .map(|x| (*x).to_owned())
                .collect();
            return Some((cap, head));
        }
        if is_pipe_row(t) || is_layout_row(t) || !blocks::is_sub_heading(t) || after.len() >= 5 {
            return None;
        }
        after.push(t);
    }
    None
}

fn header_rows(rows: &[Row]) -> usize {
    // Leading rows with no plain numeric data cell are headers (at most 3).
    let mut h = 0;
    for r in rows.iter().take(3) {
        let numeric = r
            .cells
            .iter()
            .skip(1)
            .filter(|c| starts_with_value(c))
            .count();
        if numeric >= 2
            && !r
                .cells
                .iter()
                .any(|c| c.to_ascii_lowercase().contains("n ="))
        {
            break;
        }
        h += 1;
    }
    h.min(rows.len().saturating_sub(1))
}

fn starts_with_value(c: &str) -> bool {
    let t = c.trim_start_matches(['-', '−', '+', ' ']);
    t.chars().next().is_some_and(|d| d.is_ascii_digit())
}

impl Document {
    pub fn parse(pages: &[PageText]) -> Document {
        let mut doc = Document::default();
        for p in pages {
            doc.add_page(p);
        }
        let texts: Vec<&str> = doc.sentences.iter().map(|s| s.text.as_str()).collect();
        doc.two_roles = arms::roles_name_two_arms(&texts);
        doc
    }

    fn add_page(&mut self, page: &PageText) {
        let text = page.text.as_str();
        let mut lines: Vec<(usize, &str)> = Vec::new();
        let mut off = 0;
        for l in text.split_inclusive('\n') {
            lines.push((off, l.trim_end_matches(['\n', '\r'])));
            off += l.len();
        }
        let mut carried = self.carried.take();
        let top = lines
            .iter()
            .position(|(_, l)| !l.trim().is_empty())
            .unwrap_or(0);
        let mut i = 0;
        let mut para: Option<(usize, usize)> = None;
        while i < lines.len() {
            let Some(&(start, line)) = lines.get(i) else {
                break;
            };
            let pipe = is_pipe_row(line);
            let layout = !pipe && is_layout_row(line) && self.layout_block_len(&lines, i) >= 2;
            if pipe || layout {
                self.flush(text, page.page, para.take());
                let start_idx = i;
                let caption = caption_before(&lines, i);
                let mut rows = Vec::new();
                while let Some(&(_, l)) = lines.get(i) {
                    if pipe && is_pipe_row(l) {
                        if !is_separator_row(l) {
                            let cells = pipe_cells(l);
                            let pos = (0..cells.len()).collect();
                            rows.push(Row {
                                raw: l.trim().to_owned(),
                                cells,
                                pos,
                            });
                        }
                    } else if !pipe
                        && (is_layout_row(l)
                            || l.trim().is_empty() && self.layout_block_len(&lines, i + 1) >= 1)
                    {
                        if !l.trim().is_empty() {
                            let (cells, pos) = layout_cells(l);
                            rows.push(Row {
                                raw: l.trim().to_owned(),
                                cells,
                                pos,
                            });
                        }
                    } else {
                        break;
                    }
                    i += 1;
                }
                let aligned = !pipe && blocks::align_layout(&mut rows);
                let header_rows = if aligned { 1 } else { header_rows(&rows) };
                let above = blocks::lines_above(&lines, start_idx);
                let prev = self.tables.last().filter(|_| self.open_table);
                let (caption, head) = match (prev, carried.take()) {
                    // A block of the table above, cut off by a sub-heading.
                    (Some(p), _) if caption.is_empty() => (p.caption.clone(), p.head.clone()),
                    // The page's first lines, under a caption that ended the
                    // page before ("### Table 5 … Medial tibial plateau 6
                    // months 0.8 (3.9) …" then "|  | MPC + HA | HA alone |",
                    // PMC5541727).
                    (None, Some(c)) if caption.is_empty() && start_idx == top => c,
                    _ => (caption, above.clone()),
                };
                let mut section = above
                    .last()
                    .filter(|l| blocks::is_sub_heading(l))
                    .map(|l| blocks::plain(l))
                    .unwrap_or_default();
                if section.is_empty() && prev.is_some() {
                    // A block at the top of a page, its sub-heading on the page before.
                    section = std::mem::take(&mut self.pending_heading);
                }
                self.pending_heading.clear();
                self.tables.push(Table {
                    page: page.page,
                    caption,
                    rows,
                    piped: pipe || aligned,
                    header_rows,
                    head,
                    section,
                });
                self.open_table = true;
                continue;
            }
            let t = line.trim();
            if !t.is_empty() && !blocks::is_sub_heading(t) {
                self.open_table = false;
            } else if !t.is_empty() && self.open_table {
                self.pending_heading = blocks::plain(t);
            }
            if t.is_empty() || t.starts_with('#') {
                self.flush(text, page.page, para.take());
                if t.starts_with('#') {
                    self.flush(text, page.page, Some((start, start + line.len())));
                }
            } else {
                let end = start + line.len();
                para = Some(para.map_or((start, end), |(s, _)| (s, end)));
            }
            i += 1;
        }
        self.flush(text, page.page, para);
        self.carried = carried_caption(&lines);
    }

    fn layout_block_len(&self, lines: &[(usize, &str)], from: usize) -> usize {
        // Rows may be spaced by single blank lines (the converter's layout text).
        let mut n = 0;
        let mut blank = false;
        for (_, l) in lines.get(from..).unwrap_or(&[]) {
            if l.trim().is_empty() && !blank && n > 0 {
                blank = true;
            } else if is_layout_row(l) {
                n += 1;
                blank = false;
            } else {
                break;
            }
        }
        n
    }

    /// Splits the paragraph `text[s..e]` into sentences.
    fn flush(&mut self, text: &str, page: u32, range: Option<(usize, usize)>) {
        let Some((s, e)) = range else { return };
        let Some(para) = text.get(s..e) else { return };
        for piece in split_sentences(para) {
            let t = piece.trim().trim_start_matches('#').trim();
            if t.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
                continue;
            }
            let order = self.sentences.len();
            let words = arms::words(t);
            let stems = words.iter().map(|w| arms::stem(w)).collect();
            self.sentences.push(Sentence {
                page,
                text: t.to_owned(),
                lower: t.to_lowercase(),
                order,
                words,
                stems,
            });
        }
    }
}

/// Sentence boundaries: `.`, `!`, `?` or `;`-free split after a full stop followed by
/// white space and a capital, digit or bracket, not after common abbreviations.
pub fn split_sentences(para: &str) -> Vec<&str> {
    const ABBREV: [&str; 12] = [
        "e.g", "i.e", "vs", "al", "fig", "no", "approx", "dr", "ref", "resp", "min", "ca",
    ];
    let mut out = Vec::new();
    let mut last = 0;
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    for (k, &(_, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // A citation number glued after the full stop, "(Figure 1).18 This …":
        // the sentence ends after the number.
        let prev = k.checked_sub(1).and_then(|p| chars.get(p)).map(|x| x.1);
        let cite = chars
            .get(k + 1..)
            .unwrap_or(&[])
            .iter()
            .take_while(|x| x.1.is_ascii_digit() || matches!(x.1, ',' | '–' | '-'))
            .count();
        let k = if c == '.'
            && (1..=8).contains(&cite)
            && prev.is_some_and(|p| p.is_alphabetic() || matches!(p, ')' | ']'))
            && chars.get(k + 1).is_some_and(|x| x.1.is_ascii_digit())
            && chars.get(k + cite).is_some_and(|x| x.1.is_ascii_digit())
            && chars.get(k + cite + 1).is_some_and(|x| x.1.is_whitespace())
            && chars.get(k + cite + 2).is_some_and(|x| x.1.is_uppercase())
        {
            k + cite
        } else {
            k
        };
        let Some(&(pos, c)) = chars.get(k) else {
            continue;
        };
        let next = chars.get(k + 1).map(|x| x.1);
        let after = chars.get(k + 2).map(|x| x.1);
        if !next.is_some_and(char::is_whitespace) {
            continue;
        }
        if !after.is_some_and(|a| a.is_uppercase() || a.is_ascii_digit() || a == '(' || a == '[') {
            continue;
        }
        let word: String = para
            .get(last..pos)
            .unwrap_or("")
            .rsplit(|ch: char| ch.is_whitespace() || ch == '(')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if ABBREV.contains(&word.as_str()) || (word.chars().count() == 1 && c == '.') {
            continue;
        }
        let end = pos + c.len_utf8();
        if let Some(piece) = para.get(last..end) {
            out.push(piece);
        }
        last = end;
    }
    if let Some(rest) = para.get(last..)
        && !rest.trim().is_empty()
    {
        out.push(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_verbatim_and_split_sensibly() {
        // PMC1216327 abstract.
        let p = "The mean body weight gain was greater among patients receiving WGJ (+ 50.7 gm) as compared\nwith the patients fed WA (- 0.7 gm) (p = 0.08). The duration of the illness was longer, e.g. in infants.";
        let s = split_sentences(p);
        assert_eq!(s.len(), 2);
        assert!(p.contains(s[0].trim()));
    }

    #[test]
    fn citation_numbers_glued_to_the_full_stop_end_a_sentence() {
        // PMC5971365: "… as reported previously (Figure 1).18 This effect was sustained …".
        let p = "The change was 4.1 (12.4) vs 2.9 (12.7), as reported previously (Figure 1).18 This effect was sustained at week 144.";
        let s = split_sentences(p);
        assert_eq!(s.len(), 2);
        assert!(s[0].ends_with("(Figure 1).18"));
        // Trap: a decimal is no citation ("was 1.18 This" does not occur in
        // prose, but "p = 0.18 The" must not be cut inside the number).
        let p = "The difference was not significant (p = 0.18). The groups were similar.";
        assert_eq!(
            split_sentences(p)[0],
            "The difference was not significant (p = 0.18)."
        );
    }

    #[test]
    fn pipe_and_layout_tables_are_found() {
        let page = PageText {
            page: 3,
            text: "Table 2. Outcomes\n\n| Outcome | WGJ n = 30 | WA n = 30 |\n|---|---|---|\n| Duration (h) | 47.5 ± 38.9 | 26.5 ± 27.4 |\n\nText after. More text here.\n\nAge (months)    10.27    4.75    10.27\nVomiting (h)    41.57    35.45   46.97\n".into(),
        };
        let d = Document::parse(std::slice::from_ref(&page));
        assert_eq!(d.tables.len(), 2);
        assert_eq!(d.tables[0].rows.len(), 2);
        assert_eq!(d.tables[0].header_rows, 1);
        assert!(d.tables[0].caption.starts_with("Table 2"));
        assert_eq!(d.tables[1].rows[1].cells.len(), 4);
        assert_eq!(d.sentences.len(), 3);
    }
}
