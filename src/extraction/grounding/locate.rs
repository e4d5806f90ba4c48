//! Finding a quote in a [`Paper`]: exact and space-insensitive matches, the
//! choice between several places by the hint page, and the mapping of a match
//! back to a page and original text.

use std::sync::OnceLock;

use super::{
    FUZZY_THRESHOLD, Grounding, Hit, Located, MAX_OCCURRENCES, PageSpan, PageText, Paper,
    SHORT_QUOTE_CHARS, SQUEEZED_SCORE, Squeezed, quote_supports,
};
use crate::forms::model::{ChoiceOption, FieldType};
use crate::text::normalise::{normalise, normalise_str};

/// first look there (with the next page, for a quote running over the break)
/// before normalising the whole paper. The answer is the one the whole paper
/// gives: an exact match on the hint page is always preferred.
pub(super) fn quick_find(pages: &[PageText], q: &str, hint: Option<u32>) -> Option<(Paper, Hit)> {
    let hint = hint?;
    if q.chars().count() < SHORT_QUOTE_CHARS {
        return None;
    }
    let i = pages.iter().position(|p| p.page == hint)?;
    let paper = Paper::new(pages.get(i..(i + 2).min(pages.len()))?);
    let start = paper
        .norm
        .text
        .match_indices(q)
        .map(|(s, _)| s)
        .find(|&s| paper.page_of(s) == Some(hint))?;
    Some((
        paper,
        Hit {
            ranges: vec![(start, start + q.len())],
            score: 1.0,
        },
    ))
}

impl Paper {
    pub fn new(pages: &[PageText]) -> Paper {
        let mut joined = String::with_capacity(pages.iter().map(|p| p.text.len() + 1).sum());
        let mut spans = Vec::with_capacity(pages.len());
        for page in pages {
            if !spans.is_empty() {
                joined.push('\n');
            }
            let start = joined.len();
            joined.push_str(page.text);
            spans.push(PageSpan {
                page: page.page,
                start,
                end: joined.len(),
            });
        }
        Paper {
            spans,
            norm: normalise(&joined),
            squeezed: OnceLock::new(),
        }
    }

    /// Finds `quote`, preferring `hint_page` when it occurs more than once.
    pub fn locate(&self, quote: &str, hint_page: Option<u32>) -> Option<Located> {
        self.located(&self.find(&normalise_str(quote), hint_page)?)
    }

    /// Locates `quote` and checks support against the paper's own text at that
    /// place (not the model's quote), so a near match can never lend support
    /// to a value the paper does not print.
    pub fn ground(
        &self,
        field_type: FieldType,
        options: &[ChoiceOption],
        value: &serde_json::Value,
        quote: &str,
        page_hint: Option<u32>,
    ) -> Grounding {
        self.grounding(
            self.find(&normalise_str(quote), page_hint),
            field_type,
            options,
            value,
        )
    }

    pub(super) fn grounding(
        &self,
        hit: Option<Hit>,
        field_type: FieldType,
        options: &[ChoiceOption],
        value: &serde_json::Value,
    ) -> Grounding {
        let Some(hit) = hit else {
            return Grounding {
                grounded: false,
                supported: false,
                located: None,
            };
        };
        let located = self.located(&hit);
        let evidence: Vec<&str> = hit
            .ranges
            .iter()
            .filter_map(|&(s, e)| self.norm.text.get(s..e))
            .collect();
        Grounding {
            grounded: located.is_some(),
            supported: located.is_some()
                && quote_supports(value, field_type, options, &evidence.join(" ... ")),
            located,
        }
    }

    /// Finds the normalised quote `q`.
    pub(super) fn find(&self, q: &str, hint: Option<u32>) -> Option<Hit> {
        if let Some((s, e, score)) = self.find_whole(q, hint) {
            return Some(Hit {
                ranges: vec![(s, e)],
                score,
            });
        }
        if q.chars().count() >= SHORT_QUOTE_CHARS && q.contains("...") {
            return self.find_elided(q, hint);
        }
        None
    }

    /// Tiers 1 to 3, without ellipsis handling.
    pub(super) fn find_whole(&self, q: &str, hint: Option<u32>) -> Option<(usize, usize, f32)> {
        if !q.chars().any(char::is_alphanumeric) {
            return None;
        }
        if q.chars().count() < SHORT_QUOTE_CHARS {
            return self.find_short(q, hint).map(|(s, e)| (s, e, 1.0));
        }
        let exact = self
            .norm
            .text
            .match_indices(q)
            .map(|(s, _)| (s, s + q.len()));
        if let Some((s, e)) = self.pick(exact, hint) {
            return Some((s, e, 1.0));
        }
        let sq = squeeze(q);
        let squeezed = self.squeezed();
        let found = squeezed
            .text
            .match_indices(sq.as_str())
            .filter_map(|(s, _)| squeezed.norm_range(s, s + sq.len()));
        if let Some((s, e)) = self.pick(found, hint) {
            return Some((s, e, SQUEEZED_SCORE));
        }
        self.find_fuzzy(&sq, 0, squeezed.text.len(), hint, FUZZY_THRESHOLD)
    }

    /// A short quote: exact, on word boundaries, unique on the hint page or else in the paper.
    fn find_short(&self, q: &str, hint: Option<u32>) -> Option<(usize, usize)> {
        let all: Vec<(usize, usize)> = word_matches(&self.norm.text, q)
            .take(MAX_OCCURRENCES)
            .collect();
        let on_hint: Vec<&(usize, usize)> = all
            .iter()
            .filter(|&&(s, _)| hint.is_some() && self.page_of(s) == hint)
            .collect();
        match (on_hint.as_slice(), all.as_slice()) {
            ([only], _) => Some(**only),
            ([], [only]) => Some(*only),
            _ => None,
        }
    }

    /// Of several matches (normalised ranges, in order), the first on the hint
    /// page, else the one on the nearest page.
    fn pick(
        &self,
        found: impl Iterator<Item = (usize, usize)>,
        hint: Option<u32>,
    ) -> Option<(usize, usize)> {
        let mut found = found.take(MAX_OCCURRENCES);
        if hint.is_none() {
            return found.next();
        }
        found.min_by_key(|&(s, _)| self.hint_distance(s, hint))
    }

    pub(super) fn hint_distance(&self, norm_pos: usize, hint: Option<u32>) -> u32 {
        match (hint, self.page_of(norm_pos)) {
            (Some(h), Some(p)) => h.abs_diff(p),
            _ => 0,
        }
    }

    /// The index of the page holding original byte `orig` (a separator counts
    /// as the start of the next page).
    fn span_index(&self, orig: usize) -> Option<usize> {
        let i = self
            .spans
            .partition_point(|s| s.start <= orig)
            .checked_sub(1)?;
        let span = self.spans.get(i)?;
        if orig >= span.end && i + 1 < self.spans.len() {
            Some(i + 1)
        } else {
            Some(i)
        }
    }

    fn page_of(&self, norm_pos: usize) -> Option<u32> {
        let orig = *self.norm.offsets.get(norm_pos)?;
        Some(self.spans.get(self.span_index(orig)?)?.page)
    }

    pub(super) fn located(&self, hit: &Hit) -> Option<Located> {
        let start = hit.ranges.first()?.0;
        let end = hit.ranges.last()?.1;
        let (from, to) = self.norm.original_range(start, end)?;
        let span = self.spans.get(self.span_index(from)?)?;
        let from = from.clamp(span.start, span.end);
        let to = to.clamp(from, span.end);
        Some(Located {
            page: span.page,
            start: from - span.start,
            end: to - span.start,
            score: hit.score,
        })
    }

    pub(super) fn squeezed(&self) -> &Squeezed {
        self.squeezed.get_or_init(|| {
            let text = self.norm.text.as_bytes();
            let mut bytes = Vec::with_capacity(text.len());
            let mut to_norm = Vec::with_capacity(text.len() + 1);
            for (i, &b) in text.iter().enumerate().filter(|&(_, &b)| b != b' ') {
                bytes.push(b);
                to_norm.push(i);
            }
            to_norm.push(text.len());
            // Removing ASCII spaces keeps UTF-8 valid, so this never falls back.
            Squeezed {
                text: String::from_utf8(bytes).unwrap_or_default(),
                to_norm,
            }
        })
    }
}

pub(super) fn squeeze(s: &str) -> String {
    s.chars().filter(|&c| c != ' ').collect()
}

pub(super) fn digits(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(char::is_ascii_digit)
}

pub(super) fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Occurrences of `needle` in `hay` not glued to a letter or digit on a side
/// where the needle itself starts or ends with one ("12" not in "123").
pub(super) fn word_matches<'a>(
    hay: &'a str,
    needle: &'a str,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let starts_word = needle.chars().next().is_some_and(char::is_alphanumeric);
    let ends_word = needle
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    hay.match_indices(needle)
        .map(|(s, _)| (s, s + needle.len()))
        .filter(move |&(s, e)| {
            let before = hay.get(..s).and_then(|h| h.chars().next_back());
            let after = hay.get(e..).and_then(|h| h.chars().next());
            let glued_before = starts_word && before.is_some_and(char::is_alphanumeric);
            let glued_after = ends_word && after.is_some_and(char::is_alphanumeric);
            !glued_before && !glued_after
        })
}
