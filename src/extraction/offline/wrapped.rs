//! Table headers whose "(n = …)" wrapped onto the next line, flattened by the
//! converter into one line: the names of the columns first, some ending in a
//! dangling "(n", then the sizes in the same column order, "(n = 99)" under a
//! name that kept none of it and "= 98)" under one that kept its "(n"
//! (PMC3475525: "No Label Control Choices (n MTL (n MTL+Caloric Intake TL+SNL
//! (n P (n = 99) = 98) = 98) (n = 90) = 95)").
//!
//! Read only when the two halves agree: as many dangling "(n" as sizes
//! without their "(n", so each dangling "(n" ends the column of its size. The
//! names between two dangling "(n" belong to the columns of the sizes between
//! them, in order; an arm is placed in a column only where that is certain —
//! the whole text of a lone column, the first words of the first column of a
//! span, the last words before a dangling "(n" — and where it matches one
//! column clearly better than any other.

use super::arms::{Name, content_stems, words};
use super::document::Document;

/// One size of the flattened header: value, and whether it lost its "(n".
#[derive(Debug, Clone, Copy, PartialEq)]
struct Size {
    start: usize,
    end: usize,
    value: f64,
    bare: bool,
}

/// `(n = 99)` or `= 98)` at `eq` (the byte offset of an `=`), with its span.
fn size_at(t: &str, eq: usize) -> Option<Size> {
    let before = t.get(..eq)?.trim_end();
    let (start, bare) = if let Some(b) = before
        .strip_suffix('n')
        .or_else(|| before.strip_suffix('N'))
    {
        // "(n = 99)": the bracket must be right before the n.
        let b = b.trim_end();
        if !b.ends_with('(') {
            return None;
        }
        (b.len() - 1, false)
    } else {
        // "= 98)": a word or a closing bracket before, no letter n.
        (eq, true)
    };
    let rest = t.get(eq + 1..)?;
    let digits_from = rest.len() - rest.trim_start().len();
    let digits: String = rest
        .get(digits_from..)?
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect();
    let value: f64 = digits.replace(',', "").parse().ok()?;
    let after = rest.get(digits_from + digits.len()..)?;
    let close = after.len() - after.trim_start().len();
    if !after.trim_start().starts_with(')') {
        return None;
    }
    let end = eq + 1 + digits_from + digits.len() + close + 1;
    Some(Size {
        start,
        end,
        value,
        bare,
    })
}

/// Offsets of "(n" not followed by "=": the starts of sizes wrapped away.
fn dangling(t: &str) -> Vec<usize> {
    t.match_indices('(')
        .filter(|(k, _)| {
            let rest = t.get(k + 1..).unwrap_or("");
            let rest = rest.trim_start();
            let after_n = rest.strip_prefix('n').or_else(|| rest.strip_prefix('N'));
            // "(n" then the end or a space before other words, never "(n =" or "(no".
            after_n.is_some_and(|a| {
                !a.starts_with(char::is_alphanumeric) && !a.trim_start().starts_with('=')
            })
        })
        .map(|(k, _)| k)
        .collect()
}

/// The columns of one span of names: which columns it covers and its words.
struct Span {
    first: usize,
    last: usize,
    words: Vec<String>,
    /// Whether its last column ends at a dangling "(n" (known end).
    closed: bool,
}

/// How well `n` names exactly `ws`: its share found there times the share
/// of the window's words that are its own.
fn fit(n: &Name, ws: &[String]) -> f64 {
    if ws.is_empty() {
        return 0.0;
    }
    let text = ws.join(" ");
    let own: Vec<&String> = ws.iter().filter(|w| !content_stems(w).is_empty()).collect();
    if own.is_empty() {
        return 0.0;
    }
    let mine = own.iter().filter(|w| n.score(w) > 0.0).count();
    n.score(&text) * mine as f64 / own.len() as f64
}

/// The column of arm `n`: (column, fit). A lone column matched exactly
/// decides; otherwise the best must beat every other column by 0.3.
fn column_of(n: &Name, spans: &[Span]) -> Option<usize> {
    let mut scores: Vec<(usize, f64, bool)> = Vec::new();
    for sp in spans {
        let nw = sp.words.len();
        if sp.first == sp.last && sp.closed {
            scores.push((sp.first, fit(n, &sp.words), true));
            continue;
        }
        // The first column of the span begins with its first word.
        let head = (1..nw)
            .map(|k| fit(n, sp.words.get(..k).unwrap_or(&[])))
            .fold(0.0, f64::max);
        scores.push((sp.first, head, false));
        if sp.closed {
            // The last column ends at the dangling "(n".
            let tail = (1..nw)
                .map(|k| fit(n, sp.words.get(nw - k..).unwrap_or(&[])))
                .fold(0.0, f64::max);
            scores.push((sp.last, tail, false));
        }
    }
    if let Some(exact) = scores.iter().find(|s| s.2 && s.1 >= 0.999) {
        let others = scores.iter().filter(|s| s.2 && s.1 >= 0.999).count();
        return (others == 1).then_some(exact.0);
    }
    let best = scores.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let rival = scores
        .iter()
        .filter(|s| s.0 != best.0)
        .map(|s| s.1)
        .fold(0.0, f64::max);
    (best.1 >= 0.8 && best.1 - rival >= 0.3).then_some(best.0)
}

/// The sizes of arms `i` and `c` in a flattened wrapped header `text`.
pub fn wrapped_sizes(text: &str, i: &Name, c: &Name) -> Option<(f64, f64)> {
    // Emphasis and escapes blanked, byte offsets kept.
    let t: String = text
        .chars()
        .map(|ch| {
            if matches!(ch, '*' | '_' | '\\') {
                ' '
            } else {
                ch
            }
        })
        .collect();
    let sizes: Vec<Size> = t
        .match_indices('=')
        .filter_map(|(k, _)| size_at(&t, k))
        .collect();
    // The first run of sizes with nothing but spaces between them.
    let mut run: Vec<Size> = Vec::new();
    for s in sizes {
        match run.last() {
            Some(p) if t.get(p.end..s.start).is_some_and(|g| g.trim().is_empty()) => run.push(s),
            Some(_) if run.len() >= 2 && run.iter().any(|x| x.bare) => break,
            _ => run = vec![s],
        }
    }
    if run.len() < 2 || !run.iter().any(|x| x.bare) {
        return None;
    }
    let names = t.get(..run.first()?.start)?;
    let opens = dangling(names);
    let bare: Vec<usize> = (0..run.len())
        .filter(|k| run.get(*k).is_some_and(|s| s.bare))
        .collect();
    if opens.len() != bare.len() {
        return None;
    }
    let mut spans = Vec::new();
    let (mut from, mut col) = (0usize, 0usize);
    for (open, last) in opens.iter().zip(&bare) {
        let ws = words(names.get(from..*open)?);
        if ws.len() < last + 1 - col {
            return None;
        }
        spans.push(Span {
            first: col,
            last: *last,
            words: ws,
            closed: true,
        });
        from = open + 2;
        col = last + 1;
    }
    if col < run.len() {
        let ws = words(names.get(from..)?);
        if ws.len() <= run.len() - col {
            return None;
        }
        spans.push(Span {
            first: col,
            last: run.len() - 1,
            words: ws,
            closed: false,
        });
    }
    let (ci, cc) = (column_of(i, &spans)?, column_of(c, &spans)?);
    if ci == cc {
        return None;
    }
    Some((run.get(ci)?.value, run.get(cc)?.value))
}

/// Votes (value, weight, quote, page) per arm from the document's sentences.
pub fn wrapped_votes<'d>(
    doc: &'d Document,
    i: &Name,
    c: &Name,
) -> [Vec<(f64, f32, &'d str, u32)>; 2] {
    let mut out: [Vec<(f64, f32, &'d str, u32)>; 2] = [Vec::new(), Vec::new()];
    for s in &doc.sentences {
        if let Some((ni, nc)) = wrapped_sizes(&s.text, i, c) {
            let [vi, vc] = &mut out;
            vi.push((ni, 2.0, s.text.as_str(), s.page));
            vc.push((nc, 2.0, s.text.as_str(), s.page));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn read(t: &str, i: &str, c: &str) -> Option<(f64, f64)> {
        let a = BTreeMap::new();
        wrapped_sizes(t, &Name::new(i, &a), &Name::new(c, &a))
    }

    #[test]
    fn wrapped_header_sizes_follow_their_columns() {
        // PMC3475525 Table 1, flattened: five columns, three of them with a
        // dangling "(n" whose "= …)" is on the line below.
        let t = "**No Label Control Choices (n MTL (n MTL+Caloric Intake TL+SNL (n** ***P*** **(n = 99) = 98) = 98) (n = 90) = 95) b**";
        assert_eq!(read(t, "MTL group", "No label group"), Some((98.0, 99.0)));
        assert_eq!(
            read(t, "MTL+caloric intake group", "TL+SNL group"),
            Some((90.0, 95.0))
        );
        assert_eq!(
            read(t, "choices group", "No label group"),
            Some((98.0, 99.0))
        );
        // An arm the header does not name is not placed.
        assert_eq!(read(t, "placebo", "No label group"), None);
    }

    #[test]
    fn wrapped_headers_that_do_not_add_up_are_not_read() {
        // PMC3475525 Table 3: three lines merged in another order ("98)"
        // lost its "=", the "(n" count does not match).
        let t = "Control Group(n = 98) 98) Intake (n = 90) = 95) = 99)";
        assert_eq!(read(t, "Intake", "Control"), None);
        // Two columns in one span, the arm's words in its middle: not certain.
        let t = "Alpha Beta Gamma (n Delta (n (n = 10) = 11) = 12)";
        assert_eq!(read(t, "Beta", "Delta"), None);
        // Ordinary headers with whole "(n = …)" are left to the other readers.
        let t = "Drug (n = 40) Placebo (n = 41)";
        assert_eq!(read(t, "Drug", "Placebo"), None);
    }

    #[test]
    fn a_lone_column_named_exactly_wins_over_a_longer_name_sharing_its_word() {
        // "MTL (n" is the column of the MTL arm; "MTL+Caloric Intake" is another.
        let t = "Control (n MTL (n MTL+Caloric Intake = 98) = 97) (n = 90)";
        assert_eq!(read(t, "MTL", "Control"), Some((97.0, 98.0)));
    }
}
