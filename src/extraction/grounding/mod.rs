//! Grounding: is a value's evidence quote in the paper, and does it state the value?
//!
//! Pure logic, no I/O. eviStream, not the model, decides whether a value is
//! verified (SPEC step 7): [`locate_quote`] finds the quote in the converted
//! pages (grounded) and [`quote_supports`] checks that the located text states
//! the value (supported). [`ground`] does both. A value a reviewer cannot check
//! is worse than none, so both checks err towards "no".
//!
//! Finding a quote, cheapest first, all in [`normalise`]d space:
//! 1. exact substring (score 1.0), preferring the hint page, across page breaks;
//! 2. exact with every space removed, so "P<0.001" finds "P < 0.001" (score
//!    [`SQUEEZED_SCORE`]);
//! 3. near-exact: candidate places voted for by the quote's n-grams (one pass
//!    over the text), then a bounded alignment of the quote against each (see
//!    [`FUZZY_THRESHOLD`]);
//! 4. a quote with an ellipsis ("..." or "…") is split and its parts found in
//!    order, each within [`MAX_ELLIPSIS_GAP`] bytes of the previous one.
//!
//! To ground many values of one paper, build a [`Paper`] once; the one-off
//! functions normalise every page per call (after trying the hint page alone).
//!
//! The alignment is written here rather than taken from a crate: `strsim` and
//! friends compare two whole strings, but we need the best-matching substring
//! of a page and its offsets (semi-global alignment), which is 30 lines.

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod corpus;
mod elided;
mod fuzzy;
mod locate;
mod support;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use std::sync::OnceLock;

use crate::forms::model::{ChoiceOption, FieldType};
use crate::text::normalise::{Normalised, normalise_str};
use locate::quick_find;

pub use support::{number_forms, quote_supports};

/// The converted text of one page (markdown-ish: headings, pipe tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageText<'a> {
    /// 1-based page number.
    pub page: u32,
    pub text: &'a str,
}

/// Where a quote was found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located {
    /// The page the quote starts on.
    pub page: u32,
    /// Byte offsets into that page's original text, on char boundaries. A quote
    /// that runs onto the next page ends at the end of this page's text.
    pub start: usize,
    pub end: usize,
    /// 1.0: identical after normalisation; [`SQUEEZED_SCORE`]: identical but for
    /// spaces; otherwise the fuzzy similarity (at least [`FUZZY_THRESHOLD`]).
    pub score: f32,
}

/// The least similarity (1 − edits ÷ quote length, counted in bytes with the
/// spaces removed) at which a near-exact match counts as the quote.
///
/// 0.9 allows one slip per ten characters (a dropped letter, "randomised" vs
/// "randomized", a stray OCR character) and nothing like a paraphrase. On the
/// test corpus the best alignment of a sentence taken from another paper scores
/// at most 0.55 (the corpus test prints it), while a quote with one slip
/// scores 0.98 or more. Fuzzy matches must also keep every digit of the quote
/// (in order), so a near match never changes a number.
pub const FUZZY_THRESHOLD: f32 = 0.9;

/// The score of a match that is exact once spaces are ignored.
pub const SQUEEZED_SCORE: f32 = 0.99;

/// Quotes shorter than this (in normalised chars) are matched exactly, on word
/// boundaries, and only when unique: once on the hint page, or, if not there,
/// once in the whole paper. A short string such as "12" or "placebo" is found in
/// many places by chance, so anything looser would ground almost anything.
pub const SHORT_QUOTE_CHARS: usize = 8;

/// The furthest (in normalised bytes) one part of an elided quote may be from
/// the next: about half a page, so "..." may skip a clause or a sentence but
/// not stitch together distant passages.
pub const MAX_ELLIPSIS_GAP: usize = 1500;

/// Longer quotes are not aligned (cost is quadratic); they must match exactly.
const MAX_FUZZY_BYTES: usize = 3000;
/// An n-gram found more often than this says nothing about where the quote is.
const MAX_ANCHOR_HITS: usize = 48;
const MAX_ANCHORS: usize = 32;
const MAX_CANDIDATES: usize = 8;
/// Enough for any sensible choice between repeated occurrences.
const MAX_OCCURRENCES: usize = 256;

/// Whether a grounded quote states the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Supported,
    Unsupported,
}

impl From<bool> for Support {
    fn from(supported: bool) -> Self {
        if supported {
            Support::Supported
        } else {
            Support::Unsupported
        }
    }
}

/// The outcome of grounding one value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grounding {
    pub grounded: bool,
    /// Never true when not grounded.
    pub supported: bool,
    pub located: Option<Located>,
}

impl Grounding {
    /// `None` when the quote is not in the paper (ungrounded).
    pub fn support(&self) -> Option<Support> {
        self.grounded.then_some(Support::from(self.supported))
    }
}

/// Finds `quote` in `pages`. Builds a [`Paper`] each call; to ground many
/// values of one paper, build the [`Paper`] once.
pub fn locate_quote(pages: &[PageText], quote: &str, hint_page: Option<u32>) -> Option<Located> {
    let q = normalise_str(quote);
    if let Some((paper, hit)) = quick_find(pages, &q, hint_page) {
        return paper.located(&hit);
    }
    let paper = Paper::new(pages);
    paper.located(&paper.find(&q, hint_page)?)
}

/// Locates `quote` and checks that the paper's text there states `value`.
pub fn ground(
    pages: &[PageText],
    field_type: FieldType,
    options: &[ChoiceOption],
    value: &serde_json::Value,
    quote: &str,
    page_hint: Option<u32>,
) -> Grounding {
    let q = normalise_str(quote);
    if let Some((paper, hit)) = quick_find(pages, &q, page_hint) {
        return paper.grounding(Some(hit), field_type, options, value);
    }
    let paper = Paper::new(pages);
    let hit = paper.find(&q, page_hint);
    paper.grounding(hit, field_type, options, value)
}

/// A paper's pages, normalised once for many look-ups.
pub struct Paper {
    spans: Vec<PageSpan>,
    /// All pages joined by "\n" and normalised, so that a quote (or a
    /// hyphenated word) running over a page break is found like any other.
    norm: Normalised,
    squeezed: OnceLock<Squeezed>,
}

/// A page's place in the joined original text.
struct PageSpan {
    page: u32,
    start: usize,
    end: usize,
}

/// The normalised text without spaces; `to_norm[i]` is the normalised byte of
/// squeezed byte `i` (plus a final entry for the end).
struct Squeezed {
    text: String,
    to_norm: Vec<usize>,
}

/// A match: normalised byte ranges (several for an elided quote) and a score.
struct Hit {
    ranges: Vec<(usize, usize)>,
    score: f32,
}
