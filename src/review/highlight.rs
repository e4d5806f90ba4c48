//! Finding an evidence quote in the PDF viewer's text layer.
//!
//! pdf.js splits a page into text items (runs of glyphs) whose text differs
//! from eviStream's converted text: no markdown, other spacing, hyphens kept
//! at line ends, ligatures as single characters. The quote is looked for with
//! the same [`normalise`] as grounding, exactly first, then ignoring spaces,
//! then as the best run of the quote's words; the answer is the items to mark.
//! Runs in the browser, so it is std only.

use crate::text::normalise::normalise;

/// How the quote was found on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Exact,
    IgnoringSpaces,
    /// Most of the quote's words, in order; shown as approximate.
    Words,
}

/// The text items to mark, by index, and how they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemMatch {
    pub items: Vec<usize>,
    pub kind: MatchKind,
}

/// At least this share of the quote's words, in one stretch of the page.
const MIN_WORD_SHARE: f32 = 0.7;

/// Finds `quote` in the page's text `items` (in reading order).
pub fn find_in_items(items: &[String], quote: &str) -> Option<ItemMatch> {
    // Items are joined by a line break: words of adjacent items never fuse
    // (the "ignoring spaces" pass joins them where they should), and a word
    // hyphenated at the end of an item joins up as it does in grounding.
    let mut joined = String::new();
    let mut bounds = Vec::with_capacity(items.len());
    for item in items {
        if !joined.is_empty() {
            joined.push('\n');
        }
        let start = joined.len();
        joined.push_str(item);
        bounds.push((start, joined.len()));
    }
    let page = normalise(&joined);
    let q = normalise(quote).text;
    if q.is_empty() || page.text.is_empty() {
        return None;
    }
    let (range, kind) = if let Some(at) = page.text.find(&q) {
        ((at, at + q.len()), MatchKind::Exact)
    } else if let Some(range) = find_squeezed(&page.text, &q) {
        (range, MatchKind::IgnoringSpaces)
    } else {
        (find_words(&page.text, &q)?, MatchKind::Words)
    };
    let (from, to) = page.original_range(range.0, range.1)?;
    let items: Vec<usize> = bounds
        .iter()
        .enumerate()
        .filter(|(_, (start, end))| *start < to && *end > from)
        .map(|(i, _)| i)
        .collect();
    (!items.is_empty()).then_some(ItemMatch { items, kind })
}

/// The quote with every space removed, found in the page with every space
/// removed; the range is in the page's normalised text.
fn find_squeezed(page: &str, quote: &str) -> Option<(usize, usize)> {
    let mut squeezed = String::with_capacity(page.len());
    let mut origin = Vec::with_capacity(page.len() + 1);
    for (at, c) in page.char_indices() {
        if c != ' ' {
            squeezed.push(c);
            origin.extend(std::iter::repeat_n(at, c.len_utf8()));
        }
    }
    origin.push(page.len());
    let q: String = quote.chars().filter(|c| *c != ' ').collect();
    if q.is_empty() {
        return None;
    }
    let at = squeezed.find(&q)?;
    let start = *origin.get(at)?;
    let last = *origin.get(at + q.len() - 1)?;
    let end = last + page[last..].chars().next().map_or(1, char::len_utf8);
    Some((start, end))
}

/// The stretch of the page, as long as the quote in words, sharing the most
/// of the quote's words (at least [`MIN_WORD_SHARE`]).
fn find_words(page: &str, quote: &str) -> Option<(usize, usize)> {
    let words: Vec<(usize, &str)> = page
        .split(' ')
        .scan(0usize, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let wanted: Vec<&str> = quote.split(' ').filter(|w| !w.is_empty()).collect();
    let n = wanted.len();
    if n < 3 || words.len() < n {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for start in 0..=(words.len() - n) {
        let window = &words[start..start + n];
        let shared = wanted
            .iter()
            .filter(|w| window.iter().any(|(_, p)| p == *w))
            .count();
        if best.is_none_or(|(_, s)| shared > s) {
            best = Some((start, shared));
        }
    }
    let (start, shared) = best?;
    if (shared as f32) < MIN_WORD_SHARE * n as f32 {
        return None;
    }
    let (first_at, _) = words[start];
    let (last_at, last) = words[start + n - 1];
    Some((first_at, last_at + last.len()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn items(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn exact_quote_marks_the_items_it_spans() {
        let page = items(&[
            "Methods",
            "A total of 120 patients were ran-",
            "domised to the intervention (n = 60)",
            "or placebo.",
        ]);
        let hit = find_in_items(&page, "120 patients were randomised to the intervention").unwrap();
        assert_eq!(hit.items, vec![1, 2]);
        assert_eq!(hit.kind, MatchKind::Exact);
    }

    #[test]
    fn ligatures_quotes_and_spacing_do_not_matter() {
        let page = items(&[
            "The e\u{fb00}ect was \u{201c}signi\u{fb01}cant\u{201d}",
            "(P<0.001).",
        ]);
        let hit = find_in_items(&page, "the effect was \"significant\" (P < 0.001)").unwrap();
        assert_eq!(hit.items, vec![0, 1]);
        assert_eq!(hit.kind, MatchKind::IgnoringSpaces);
    }

    #[test]
    fn a_near_quote_is_found_by_its_words_and_a_foreign_one_is_not() {
        let page = items(&[
            "Mean systolic blood pressure fell by 12 mmHg in the treated group",
            "compared with 3 mmHg under placebo.",
        ]);
        let hit = find_in_items(
            &page,
            "mean systolic pressure fell by 12 mmHg in the treated arm",
        )
        .unwrap();
        assert_eq!(hit.kind, MatchKind::Words);
        assert_eq!(hit.items, vec![0]);
        assert!(find_in_items(&page, "participants were followed for two years after").is_none());
        assert!(find_in_items(&page, "").is_none());
        assert!(find_in_items(&[], "anything").is_none());
    }
}
