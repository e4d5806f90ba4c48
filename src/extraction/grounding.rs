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

use crate::forms::model::{ChoiceOption, FieldType};
use crate::text::normalise::{Normalised, normalise, normalise_str};
use std::cell::OnceCell;

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

/// Most quotes are verbatim and on their hint page, so the one-off functions
/// first look there (with the next page, for a quote running over the break)
/// before normalising the whole paper. The answer is the one the whole paper
/// gives: an exact match on the hint page is always preferred.
fn quick_find(pages: &[PageText], q: &str, hint: Option<u32>) -> Option<(Paper, Hit)> {
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

/// A paper's pages, normalised once for many look-ups.
pub struct Paper {
    spans: Vec<PageSpan>,
    /// All pages joined by "\n" and normalised, so that a quote (or a
    /// hyphenated word) running over a page break is found like any other.
    norm: Normalised,
    squeezed: OnceCell<Squeezed>,
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
            squeezed: OnceCell::new(),
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

    fn grounding(
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
    fn find(&self, q: &str, hint: Option<u32>) -> Option<Hit> {
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
    fn find_whole(&self, q: &str, hint: Option<u32>) -> Option<(usize, usize, f32)> {
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

    /// Parts separated by "..." found in order, each near the previous one,
    /// starting from the longest (the most telling).
    fn find_elided(&self, q: &str, hint: Option<u32>) -> Option<Hit> {
        let parts: Vec<&str> = q
            .split("...")
            .map(|p| p.trim_matches(|c: char| c == ' ' || c == '[' || c == ']'))
            .filter(|p| p.chars().any(char::is_alphanumeric))
            .collect();
        let (longest, anchor) = parts
            .iter()
            .enumerate()
            .max_by_key(|(i, p)| (p.len(), usize::MAX - i))?;
        // The longest part may occur more than once; the right occurrence is
        // the one the other parts sit close to.
        let mut found: Vec<(usize, usize, f32)> = Vec::new();
        if anchor.chars().count() >= SHORT_QUOTE_CHARS {
            found.extend(
                self.norm
                    .text
                    .match_indices(anchor)
                    .take(MAX_CANDIDATES)
                    .map(|(s, _)| (s, s + anchor.len(), 1.0)),
            );
        }
        if found.is_empty() {
            found.extend(self.find_whole(anchor, hint));
        }
        found
            .into_iter()
            .filter_map(|start| self.complete_elided(&parts, longest, start))
            .min_by_key(|hit| {
                let (first, last) = (
                    hit.ranges.first().map_or(0, |r| r.0),
                    hit.ranges.last().map_or(0, |r| r.1),
                );
                (self.hint_distance(first, hint), last.saturating_sub(first))
            })
    }

    /// The other parts of an elided quote around its longest part, found at `anchor`.
    fn complete_elided(
        &self,
        parts: &[&str],
        longest: usize,
        anchor: (usize, usize, f32),
    ) -> Option<Hit> {
        let (s, e, mut score) = anchor;
        let mut ranges = vec![(s, e)];
        let mut cursor = e;
        for part in parts.iter().skip(longest + 1) {
            let hi = cursor.saturating_add(MAX_ELLIPSIS_GAP + part.len());
            let (s, e, part_score) = self.find_near(part, cursor, hi, true)?;
            ranges.push((s, e));
            score = score.min(part_score);
            cursor = e;
        }
        let mut cursor = s;
        for part in parts.iter().take(longest).rev() {
            let lo = cursor.saturating_sub(MAX_ELLIPSIS_GAP + part.len());
            let (s, e, part_score) = self.find_near(part, lo, cursor, false)?;
            ranges.insert(0, (s, e));
            score = score.min(part_score);
            cursor = s;
        }
        Some(Hit { ranges, score })
    }

    /// A part of an elided quote within `lo..hi` (normalised bytes), the
    /// occurrence nearest the previous part.
    fn find_near(
        &self,
        part: &str,
        lo: usize,
        hi: usize,
        forward: bool,
    ) -> Option<(usize, usize, f32)> {
        let text = &self.norm.text;
        let (lo, hi) = (floor_boundary(text, lo), floor_boundary(text, hi));
        let region = text.get(lo..hi)?;
        let exact = if forward {
            region.find(part)
        } else {
            region.rfind(part)
        };
        if let Some(s) = exact {
            return Some((lo + s, lo + s + part.len(), 1.0));
        }
        let squeezed = self.squeezed();
        let (slo, shi) = (squeezed.position_of(lo), squeezed.position_of(hi));
        let sq = squeeze(part);
        let region = squeezed.text.get(slo..shi)?;
        let found = if forward {
            region.find(sq.as_str())
        } else {
            region.rfind(sq.as_str())
        };
        if let Some(s) = found {
            let (s, e) = squeezed.norm_range(slo + s, slo + s + sq.len())?;
            return Some((s, e, SQUEEZED_SCORE));
        }
        if part.chars().count() < SHORT_QUOTE_CHARS {
            return None;
        }
        self.find_fuzzy(&sq, slo, shi, None, FUZZY_THRESHOLD)
    }

    /// Tier 4 within squeezed bytes `lo..hi`: n-gram anchors vote for where the
    /// quote would start; the best-voted places are aligned.
    fn find_fuzzy(
        &self,
        sq: &str,
        lo: usize,
        hi: usize,
        hint: Option<u32>,
        min_score: f32,
    ) -> Option<(usize, usize, f32)> {
        let squeezed = self.squeezed();
        let hay = squeezed.text.get(lo..hi)?;
        let m = sq.len();
        if m == 0 || m > MAX_FUZZY_BYTES {
            return None;
        }
        let (anchors, mut starts) = anchor_votes(sq.as_bytes(), hay.as_bytes());
        starts.sort_unstable();
        // Clusters of implied starts: edits shift them a little, so neighbours
        // within a tolerance vote for the same place. A cluster is kept narrow
        // so that the window aligned stays about the quote's length.
        let tolerance = (m / 8 + 4) as isize;
        let mut clusters: Vec<(isize, isize, usize)> = Vec::new();
        for &s in &starts {
            match clusters.last_mut() {
                Some((first, last, votes))
                    if s - *last <= tolerance && s - *first <= 2 * tolerance =>
                {
                    *last = s;
                    *votes += 1;
                }
                _ => clusters.push((s, s, 1)),
            }
        }
        let min_votes = if anchors >= 3 { 2 } else { 1 };
        clusters.retain(|c| c.2 >= min_votes);
        clusters.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let slack = (m / 8 + 8) as isize;
        let mut best: Option<(usize, usize, f32)> = None;
        for &(first, last, _) in clusters.iter().take(MAX_CANDIDATES) {
            let w0 = (first - slack).clamp(0, hay.len() as isize) as usize;
            let w1 = (last + m as isize + slack).clamp(0, hay.len() as isize) as usize;
            let Some(window) = hay.as_bytes().get(w0..w1) else {
                continue;
            };
            let (dist, a, b) = align(sq.as_bytes(), window);
            let score = 1.0 - dist as f32 / m as f32;
            if score < min_score {
                continue;
            }
            let (a, b) = (floor_boundary(hay, w0 + a), ceil_boundary(hay, w0 + b));
            let Some(found) = hay.get(a..b) else { continue };
            let same_digits = digits(found).eq(digits(sq));
            let better = match best {
                None => true,
                Some((bs, _, bscore)) => {
                    score > bscore
                        || (score == bscore
                            && self.hint_distance(lo + a, hint) < self.hint_distance(lo + bs, hint))
                }
            };
            if same_digits && better {
                best = Some((lo + a, lo + b, score));
            }
        }
        let (a, b, score) = best?;
        let (s, e) = squeezed.norm_range(a, b)?;
        Some((s, e, score))
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

    fn hint_distance(&self, norm_pos: usize, hint: Option<u32>) -> u32 {
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

    fn located(&self, hit: &Hit) -> Option<Located> {
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

    fn squeezed(&self) -> &Squeezed {
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

impl Squeezed {
    /// The normalised range of squeezed range `start..end` (char boundaries).
    fn norm_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        Some((*self.to_norm.get(start)?, *self.to_norm.get(end - 1)? + 1))
    }

    /// The squeezed position of normalised byte `pos` (or of the next kept byte).
    fn position_of(&self, pos: usize) -> usize {
        self.to_norm
            .partition_point(|&p| p < pos)
            .min(self.text.len())
    }
}

/// The quote's n-grams (non-overlapping, at most [`MAX_ANCHORS`]) found in
/// `hay` in one pass, each hit voting for where the quote would start. Returns
/// the number of anchors and the votes; anchors hit more than
/// [`MAX_ANCHOR_HITS`] times do not vote.
fn anchor_votes(quote: &[u8], hay: &[u8]) -> (usize, Vec<isize>) {
    let k = if quote.len() < 24 { 4 } else { 6 }.min(quote.len());
    let pack = |gram: &[u8]| gram.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b));
    let hash = |gram: u64| (gram.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 52) as usize;
    let positions: Vec<usize> = (0..=quote.len() - k).step_by(k).collect();
    let stride = positions.len().div_ceil(MAX_ANCHORS).max(1);
    let mut anchors: Vec<(u64, usize)> = positions
        .iter()
        .step_by(stride)
        .filter_map(|&p| Some((pack(quote.get(p..p + k)?), p)))
        .collect();
    anchors.sort_unstable();
    // A 4096-bit filter answers "not an anchor" for almost every position
    // without a search.
    let mut filter = [0u64; 64];
    for &(gram, _) in &anchors {
        let h = hash(gram);
        if let Some(word) = filter.get_mut((h >> 6) & 63) {
            *word |= 1 << (h & 63);
        }
    }
    let mask = if k >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * k)) - 1
    };
    let mut window = 0u64;
    let mut hits: Vec<(usize, usize)> = Vec::new();
    let mut counts = vec![0usize; anchors.len()];
    for (i, &b) in hay.iter().enumerate() {
        window = ((window << 8) | u64::from(b)) & mask;
        let h = hash(window);
        let maybe = filter
            .get((h >> 6) & 63)
            .is_some_and(|word| word & (1 << (h & 63)) != 0);
        if i + 1 < k || !maybe {
            continue;
        }
        let from = anchors.partition_point(|a| a.0 < window);
        for (j, _) in anchors
            .iter()
            .enumerate()
            .skip(from)
            .take_while(|(_, a)| a.0 == window)
        {
            hits.push((j, i + 1 - k));
            if let Some(c) = counts.get_mut(j) {
                *c += 1;
            }
        }
    }
    let votes = hits
        .iter()
        .filter(|&&(j, _)| counts.get(j).is_some_and(|&c| c <= MAX_ANCHOR_HITS))
        .filter_map(|&(j, p)| Some(p as isize - anchors.get(j)?.1 as isize))
        .collect();
    (anchors.len(), votes)
}

/// Semi-global edit distance (Sellers 1980): the cheapest alignment of the
/// whole `pattern` against any substring of `text`, in O(|pattern|·|text|)
/// time and O(|pattern|) space. Returns (edits, start, end) in `text`.
fn align(pattern: &[u8], text: &[u8]) -> (usize, usize, usize) {
    // col[i] = (cost, start) of the best alignment of pattern[..i] ending here.
    let mut col: Vec<(u32, u32)> = (0..=pattern.len() as u32).map(|i| (i, 0)).collect();
    let mut best = (pattern.len() as u32, 0, 0);
    for (j, &t) in text.iter().enumerate() {
        let Some((first, rest)) = col.split_first_mut() else {
            break;
        };
        let mut diag = *first;
        *first = (0, j as u32 + 1);
        let mut above = *first;
        for (cell, &p) in rest.iter_mut().zip(pattern) {
            let left = *cell;
            // Prefer the diagonal on ties: it keeps the span tight.
            let mut next = (diag.0 + u32::from(p != t), diag.1);
            if left.0 + 1 < next.0 {
                next = (left.0 + 1, left.1);
            }
            if above.0 + 1 < next.0 {
                next = (above.0 + 1, above.1);
            }
            diag = left;
            *cell = next;
            above = next;
        }
        if let Some(&(cost, start)) = col.last()
            && cost < best.0
        {
            best = (cost, start, j as u32 + 1);
        }
    }
    (best.0 as usize, best.1 as usize, best.2 as usize)
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|&c| c != ' ').collect()
}

fn digits(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(char::is_ascii_digit)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Occurrences of `needle` in `hay` not glued to a letter or digit on a side
/// where the needle itself starts or ends with one ("12" not in "123").
fn word_matches<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
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

/// Whether `quote` states `value`, by field type:
/// - number, integer: the quote holds a number token equal to the value in
///   one of its [`number_forms`] ("12" is not in "123", "1.25" or "-12");
/// - boolean: any quote. Yes/no is stated by meaning ("outcome assessors were
///   blinded"), which no string test can decide; grounding the quote is what
///   can be checked, and the reviewer reads it;
/// - single choice: the option's value, description or a synonym appears as
///   words; multiple choice: so does every chosen option (an empty choice is
///   unsupported, there is nothing to check);
/// - text: the value appears as words, or at least 60 % of its content words
///   (stop words dropped, a plural "s" ignored) do: enough for "mean age 54
///   years" to support "54 years", not enough for a different claim that
///   shares a word or two;
/// - date: the year appears as a number, and the month (name, abbreviation
///   or number within a numeric date) when the value has one;
/// - text list: every item appears as words (an empty list is unsupported);
/// - sub-form: never (it has no value of its own).
pub fn quote_supports(
    value: &serde_json::Value,
    field_type: FieldType,
    options: &[ChoiceOption],
    quote: &str,
) -> bool {
    let q = normalise_str(quote);
    if q.is_empty() {
        return false;
    }
    let all_strings = |check: &dyn Fn(&str) -> bool| {
        value.as_array().is_some_and(|items| {
            !items.is_empty() && items.iter().all(|v| v.as_str().is_some_and(check))
        })
    };
    match field_type {
        FieldType::Number | FieldType::Integer => {
            number_value(value).is_some_and(|x| states_number(&q, x))
        }
        FieldType::Boolean => value.is_boolean(),
        FieldType::Date => value.as_str().is_some_and(|d| states_date(&q, d)),
        FieldType::SingleChoice => value
            .as_str()
            .is_some_and(|v| states_choice(&q, options, v)),
        FieldType::MultipleChoice => all_strings(&|v| states_choice(&q, options, v)),
        FieldType::Text => value.as_str().is_some_and(|t| states_text(&q, t)),
        FieldType::TextList => all_strings(&|item| states_term(&q, &normalise_str(item))),
        FieldType::Subform => false,
    }
}

/// The ways a paper may print `x`: "12.5", "12·5", "12,5", "12.50"; 1200 as
/// "1200", "1,200", "1 200"; "0.5" as ".5"; a proportion up to 1 as a
/// percentage ("0.34" as "34%"); negatives with "-" or "−". Empty for NaN and
/// infinities.
pub fn number_forms(x: f64) -> Vec<String> {
    if !x.is_finite() {
        return Vec::new();
    }
    let magnitude = x.abs();
    let mut unsigned = unsigned_forms(&format!("{magnitude}"));
    if magnitude > 0.0 && magnitude <= 1.0 {
        // Rounded to the value's own precision: 0.345 × 100 is 34.499…
        let decimals = format!("{magnitude}")
            .split_once('.')
            .map_or(0, |(_, f)| f.len().saturating_sub(2));
        let percent = format!("{:.*}", decimals, magnitude * 100.0);
        for form in unsigned_forms(&percent) {
            for suffix in ["%", " %", " percent", " per cent"] {
                unsigned.push(format!("{form}{suffix}"));
            }
        }
    }
    let mut forms: Vec<String> = if x < 0.0 {
        unsigned
            .iter()
            .flat_map(|f| [format!("-{f}"), format!("\u{2212}{f}")])
            .collect()
    } else {
        unsigned
    };
    let mut seen = std::collections::HashSet::new();
    forms.retain(|f| seen.insert(f.clone()));
    forms
}

/// Written forms of a non-negative decimal such as "1200" or "12.5".
fn unsigned_forms(plain: &str) -> Vec<String> {
    let (int, frac) = plain.split_once('.').unwrap_or((plain, ""));
    let mut groupings = vec![int.to_owned()];
    if int.len() > 3 {
        for sep in [",", " ", "\u{2009}"] {
            groupings.push(group_thousands(int, sep));
        }
    }
    let fracs: Vec<String> = if frac.is_empty() {
        vec![String::new(), "0".to_owned(), "00".to_owned()]
    } else {
        vec![frac.to_owned(), format!("{frac}0"), format!("{frac}00")]
    };
    let mut forms = Vec::new();
    for (g, grouped) in groupings.iter().enumerate() {
        for f in &fracs {
            if f.is_empty() {
                forms.push(grouped.clone());
                continue;
            }
            // A comma before exactly three digits reads as a thousands
            // separator ("1,200"), and never follows a comma-grouped part.
            let separators: &[&str] = if g == 1 || f.len() == 3 {
                &[".", "\u{b7}"]
            } else {
                &[".", "\u{b7}", ","]
            };
            for sep in separators {
                forms.push(format!("{grouped}{sep}{f}"));
            }
        }
    }
    if int == "0" && !frac.is_empty() {
        forms.push(format!(".{frac}"));
        forms.push(format!("\u{b7}{frac}"));
    }
    forms
}

fn group_thousands(int: &str, sep: &str) -> String {
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::with_capacity(int.len() + int.len() / 3 * sep.len());
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(*d);
    }
    out
}

fn number_value(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        // A model sometimes writes a number as a string; accept it if it parses.
        serde_json::Value::String(s) => s.trim().trim_end_matches('%').trim().parse().ok(),
        _ => None,
    }
}

/// Whether normalised `q` holds `x` as a number token.
fn states_number(q: &str, x: f64) -> bool {
    number_forms(x).iter().any(|form| {
        let form = normalise_str(form);
        !form.is_empty()
            && q.match_indices(form.as_str())
                .any(|(s, _)| number_token_at(q, s, s + form.len()))
    })
}

/// Whether `q[start..end]` is a whole number: not part of a longer number,
/// not after a letter ("a1c"), and not a positive reading of a negative one.
fn number_token_at(q: &str, start: usize, end: usize) -> bool {
    let mut before = q
        .get(..start)
        .map(|h| h.chars().rev())
        .into_iter()
        .flatten();
    let mut after = q.get(end..).map(|t| t.chars()).into_iter().flatten();
    let signed = q.get(start..end).is_some_and(|t| t.starts_with('-'));
    let ok_before = match (before.next(), before.next()) {
        (None, _) => true,
        (Some(c), _) if c.is_alphanumeric() || c == '.' => false,
        (Some(','), Some(d)) if d.is_ascii_digit() => false,
        // "-12" is minus twelve unless the dash joins a range or a name ("10-12", "covid-19").
        (Some('-'), prev) if !signed => prev.is_some_and(char::is_alphanumeric),
        _ => true,
    };
    let ok_after = match (after.next(), after.next()) {
        (Some(c), _) if c.is_ascii_digit() => false,
        (Some('.' | ','), Some(d)) if d.is_ascii_digit() => false,
        _ => true,
    };
    ok_before && ok_after
}

fn states_choice(q: &str, options: &[ChoiceOption], value: &str) -> bool {
    let wanted = normalise_str(value);
    match options.iter().find(|o| normalise_str(&o.value) == wanted) {
        Some(option) => std::iter::once(&option.value)
            .chain(std::iter::once(&option.description))
            .chain(option.synonyms.iter())
            .any(|term| states_term(q, &normalise_str(term))),
        // Without a list of options the value itself is the only term.
        None => options.is_empty() && states_term(q, &wanted),
    }
}

/// Whether normalised `term` is in normalised `q` as words, or, for terms of
/// six letters or more, equal once spaces and hyphens are ignored ("double
/// blind" in "double-blind").
fn states_term(q: &str, term: &str) -> bool {
    if !term.chars().any(char::is_alphanumeric) {
        return false;
    }
    if word_matches(q, term).next().is_some() {
        return true;
    }
    let strip = |s: &str| {
        s.chars()
            .filter(|&c| c != ' ' && c != '-')
            .collect::<String>()
    };
    let term = strip(term);
    term.len() >= 6 && strip(q).contains(&term)
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "with",
];

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A word compared without a plural "s" ("patients" and "patient").
fn stem(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 => stem,
        _ => word,
    }
}

fn states_text(q: &str, text: &str) -> bool {
    let value = normalise_str(text);
    if states_term(q, &value) {
        return true;
    }
    let quote_words: std::collections::HashSet<&str> = words(q).map(stem).collect();
    let content: Vec<&str> = words(&value)
        .filter(|w| !STOP_WORDS.contains(w))
        .map(stem)
        .collect();
    let found = content.iter().filter(|w| quote_words.contains(*w)).count();
    !content.is_empty() && found * 5 >= content.len() * 3
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `date` is "YYYY", "YYYY-MM" or "YYYY-MM-DD"; anything else is checked as text.
fn states_date(q: &str, date: &str) -> bool {
    let mut parts = date.trim().split('-');
    let year = parts
        .next()
        .filter(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()));
    let month = parts
        .next()
        .map(|m| m.parse::<usize>().ok().filter(|m| (1..=12).contains(m)));
    let (Some(year), month) = (year, month) else {
        return states_text(q, date);
    };
    let year_found = word_matches(q, year).any(|(s, e)| number_token_at(q, s, e));
    match month {
        None => year_found,
        Some(None) => false,
        Some(Some(month)) => year_found && states_month(q, year, month),
    }
}

fn states_month(q: &str, year: &str, month: usize) -> bool {
    let Some(name) = month.checked_sub(1).and_then(|i| MONTHS.get(i)) else {
        return false;
    };
    let by_name = [
        *name,
        name.get(..3).unwrap_or(name),
        if month == 9 { "sept" } else { name },
    ]
    .iter()
    .any(|n| word_matches(q, n).next().is_some());
    // Or a numeric date holding the year and the month: "15/03/2019", "2019-03-15", "3/2019".
    let by_number = q
        .split(|c: char| !(c.is_ascii_digit() || matches!(c, '/' | '.' | '-')))
        .map(|token| token.split(['/', '.', '-']).collect::<Vec<_>>())
        .any(|fields| {
            fields.len() >= 2
                && fields.contains(&year)
                && fields
                    .iter()
                    .any(|f| *f != year && f.len() <= 2 && f.parse::<usize>() == Ok(month))
        });
    by_name || by_number
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(page: u32, text: &str) -> PageText<'_> {
        PageText { page, text }
    }

    fn option(value: &str, description: &str, synonyms: &[&str]) -> ChoiceOption {
        ChoiceOption {
            value: value.to_owned(),
            description: description.to_owned(),
            synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn supports(value: serde_json::Value, field_type: FieldType, quote: &str) -> bool {
        quote_supports(&value, field_type, &[], quote)
    }

    #[test]
    fn numbers_are_whole_tokens_in_any_written_form() {
        use FieldType::{Integer, Number};
        assert!(supports(json!(12), Integer, "12 (34%)"));
        assert!(supports(json!(34), Number, "12 (34%)"));
        assert!(supports(json!(0.34), Number, "12 (34%)"));
        assert!(supports(json!(0.345), Number, "n = 12 (34.5 %)"));
        assert!(!supports(json!(12), Integer, "123 patients"));
        assert!(!supports(json!(12), Number, "1.25 mg"));
        assert!(!supports(json!(12), Number, "0.12 mg"));
        assert!(!supports(json!(12), Number, "HbA12 rose"));
        assert!(supports(json!(12.5), Number, "a mean of 12·5 days"));
        assert!(supports(json!(12.5), Number, "12.50 days"));
        assert!(supports(json!(12.5), Number, "12,5 days"));
        assert!(!supports(json!(12.5), Number, "12.55 days"));
        assert!(supports(json!(1200), Integer, "1,200 screened"));
        assert!(supports(json!(1200), Integer, "1\u{a0}200 screened"));
        assert!(supports(json!(1200), Integer, "1200 screened"));
        assert!(!supports(json!(1.2), Number, "1,200 screened"));
        assert!(supports(
            json!(-0.7),
            Number,
            "difference −0.7 (95% CI −1.2 to −0.2)"
        ));
        assert!(supports(json!(-0.7), Number, "difference -0.7"));
        assert!(!supports(json!(0.7), Number, "difference −0.7"));
        assert!(!supports(json!(-0.7), Number, "a range of 0.2-0.7"));
        assert!(supports(json!(0.7), Number, "a range of 0.2-0.7"));
        assert!(supports(json!(19), Integer, "during covid-19"));
        assert!(supports(json!(0.5), Number, "p = .5"));
        assert!(!supports(json!(5), Number, "p = .5"));
        assert!(supports(json!(12), Integer, "12.0 kg"));
        assert!(supports(json!("12"), Integer, "we enrolled 12 women"));
        assert!(!supports(json!(null), Integer, "we enrolled 12 women"));
        assert!(supports(json!(12), Integer, "≥ 12 µg"));
    }

    #[test]
    fn number_forms_lists_the_printed_variants() {
        let forms = number_forms(1200.0);
        for f in ["1200", "1,200", "1 200", "1200.0"] {
            assert!(forms.iter().any(|x| x == f), "{f} in {forms:?}");
        }
        let forms = number_forms(12.5);
        for f in ["12.5", "12·5", "12,5", "12.50"] {
            assert!(forms.iter().any(|x| x == f), "{f} in {forms:?}");
        }
        let forms = number_forms(-0.5);
        for f in ["-0.5", "−0.5", "-.5", "−.5"] {
            assert!(forms.iter().any(|x| x == f), "{f} in {forms:?}");
        }
        assert!(number_forms(0.25).iter().any(|x| x == "25%"));
        assert!(number_forms(f64::NAN).is_empty());
    }

    #[test]
    fn choices_texts_dates_and_booleans() {
        let options = [
            option("parallel", "Parallel group", &[]),
            option("crossover", "Cross-over", &["crossed over"]),
            option("PY", "Probably yes", &["likely"]),
        ];
        let choice = |v: serde_json::Value, q: &str| {
            quote_supports(&v, FieldType::SingleChoice, &options, q)
        };
        assert!(choice(
            json!("crossover"),
            "patients crossed over after 4 weeks"
        ));
        assert!(choice(json!("crossover"), "a randomised cross-over trial"));
        assert!(choice(json!("parallel"), "In this parallel-group trial"));
        assert!(!choice(json!("parallel"), "In this crossover trial"));
        assert!(
            !choice(json!("factorial"), "a factorial trial"),
            "not an option"
        );
        let multi = |v: serde_json::Value, q: &str| {
            quote_supports(&v, FieldType::MultipleChoice, &options, q)
        };
        assert!(multi(
            json!(["parallel", "crossover"]),
            "parallel arms that crossed over"
        ));
        assert!(!multi(json!(["parallel", "crossover"]), "parallel arms"));
        assert!(!multi(json!([]), "parallel arms"));

        assert!(supports(
            json!("mean age 54 years"),
            FieldType::Text,
            "The mean age was 54 years."
        ));
        assert!(supports(
            json!("metformin"),
            FieldType::Text,
            "Patients received metformin 500 mg."
        ));
        assert!(!supports(
            json!("insulin glargine"),
            FieldType::Text,
            "Patients received metformin."
        ));
        assert!(!supports(
            json!("12 weeks"),
            FieldType::Text,
            "follow-up lasted 8 weeks"
        ));
        assert!(supports(
            json!(["Spain", "Italy"]),
            FieldType::TextList,
            "centres in Spain and Italy"
        ));
        assert!(!supports(
            json!(["Spain", "France"]),
            FieldType::TextList,
            "centres in Spain and Italy"
        ));

        assert!(supports(
            json!("2019"),
            FieldType::Date,
            "between 2019 and 2020"
        ));
        assert!(!supports(json!("2019"), FieldType::Date, "in 20190 cells"));
        assert!(supports(
            json!("2019-03"),
            FieldType::Date,
            "recruited from March 2019"
        ));
        assert!(supports(
            json!("2019-09-01"),
            FieldType::Date,
            "from 1 Sept 2019"
        ));
        assert!(supports(
            json!("2019-03-15"),
            FieldType::Date,
            "on 15/03/2019"
        ));
        assert!(!supports(
            json!("2019-04"),
            FieldType::Date,
            "recruited from March 2019"
        ));

        assert!(supports(
            json!(true),
            FieldType::Boolean,
            "Outcome assessors were blinded."
        ));
        assert!(supports(
            json!(false),
            FieldType::Boolean,
            "An open-label trial."
        ));
        assert!(!supports(json!(true), FieldType::Subform, "anything"));
    }

    #[test]
    fn ground_checks_support_against_the_paper_text() {
        let pages = [
            page(1, "Methods"),
            page(2, "In total, 123 patients were randomised to the two arms."),
        ];
        let g = ground(
            &pages,
            FieldType::Integer,
            &[],
            &json!(123),
            "123 patients were randomised",
            None,
        );
        assert!(g.grounded && g.supported);
        assert_eq!(g.support(), Some(Support::Supported));
        assert_eq!(g.located.map(|l| l.page), Some(2));
        // A near match that changes a digit is not grounded at all.
        let g = ground(
            &pages,
            FieldType::Integer,
            &[],
            &json!(124),
            "124 patients were randomised to the two",
            None,
        );
        assert!(!g.grounded && !g.supported && g.support().is_none());
        let g = ground(
            &pages,
            FieldType::Integer,
            &[],
            &json!(12),
            "123 patients were randomised",
            None,
        );
        assert!(g.grounded && !g.supported);
    }

    #[test]
    fn locates_with_offsets_in_the_original_page() {
        let text = "## Results\n\nThe ﬁrst dose (≥ 12 µg) was well tolerated; **treat-\nment** effects were\u{a0}large (P < 0.001).";
        let pages = [page(3, "Intro text."), page(4, text)];
        let cases = [
            (
                "the first dose (≥ 12 µg) was well tolerated",
                1.0,
                "The ﬁrst dose (≥ 12 µg) was well tolerated",
            ),
            (
                "treatment effects were large",
                1.0,
                "treat-\nment** effects were\u{a0}large",
            ),
            (
                "effects were large (P<0.001)",
                SQUEEZED_SCORE,
                "effects were\u{a0}large (P < 0.001)",
            ),
        ];
        for (quote, score, original) in cases {
            let l = locate_quote(&pages, quote, None).unwrap();
            assert_eq!((l.page, l.score), (4, score), "{quote}");
            assert_eq!(&text[l.start..l.end], original);
        }
        let l = locate_quote(&pages, "The first dose ... was well tolerated", Some(4)).unwrap();
        assert_eq!(
            &text[l.start..l.end],
            "The ﬁrst dose (≥ 12 µg) was well tolerated"
        );
        let l = locate_quote(&pages, "The frst dose (≥ 12 µg) was wel tolerated", Some(4)).unwrap();
        assert!(l.score >= FUZZY_THRESHOLD && l.score < 1.0);
        assert_eq!(
            &text[l.start..l.end],
            "The ﬁrst dose (≥ 12 µg) was well tolerated"
        );
        assert_eq!(
            locate_quote(&pages, "The first dose (≥ 13 µg) was well tolerated", None),
            None
        );
        assert_eq!(locate_quote(&pages, "", None), None);
        assert_eq!(locate_quote(&[], "anything at all", None), None);
    }

    #[test]
    fn short_quotes_must_be_unique_whole_words() {
        let pages = [
            page(1, "Placebo, 12 patients."),
            page(2, "Placebo and 123 patients; placebo."),
        ];
        assert_eq!(
            locate_quote(&pages, "12", None).map(|l| (l.page, l.start)),
            Some((1, 9))
        );
        assert_eq!(
            locate_quote(&pages, "placebo", Some(1)).map(|l| l.page),
            Some(1)
        );
        assert_eq!(
            locate_quote(&pages, "placebo", Some(2)),
            None,
            "twice on the hint page"
        );
        assert_eq!(
            locate_quote(&pages, "placebo", None),
            None,
            "three times in the paper"
        );
        assert_eq!(
            locate_quote(&pages, "lacebo", None),
            None,
            "not a whole word"
        );
    }

    #[test]
    fn finds_quotes_over_a_page_break_and_prefers_the_hint_page() {
        let pages = [
            page(
                1,
                "Baseline characteristics were similar. All patients gave consent.",
            ),
            page(2, "Adverse events were rare and mild in both treat-"),
            page(3, "ment groups. All patients gave consent."),
        ];
        let l = locate_quote(&pages, "rare and mild in both treatment groups", None).unwrap();
        assert_eq!(
            (l.page, l.start, l.end, l.score),
            (2, 20, pages[1].text.len(), 1.0)
        );
        assert_eq!(
            locate_quote(&pages, "All patients gave consent", Some(3)).map(|l| l.page),
            Some(3)
        );
        assert_eq!(
            locate_quote(&pages, "All patients gave consent", None).map(|l| l.page),
            Some(1)
        );
    }
}

/// Property-style tests on real papers: sentences are perturbed the way PDF
/// conversion and models perturb them and must still be found at the right
/// place; sentences from other papers must not be found.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod corpus {
    use super::*;
    use std::path::PathBuf;

    /// A fixed-seed linear congruential generator (Knuth's MMIX constants).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) as usize
        }
        fn below(&mut self, n: usize) -> usize {
            if n == 0 { 0 } else { self.next() % n }
        }
    }

    fn corpus_dir() -> PathBuf {
        let candidates = [
            std::env::var("EVISTREAM_CORPUS_DIR")
                .ok()
                .map(PathBuf::from),
            Some(PathBuf::from("/work/shared/corpus")),
            Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
        ];
        candidates
            .into_iter()
            .flatten()
            .find(|d| d.join("rct-dev/articles/txt").is_dir())
            .unwrap_or_else(|| {
                panic!(
                    "test corpus not found: set EVISTREAM_CORPUS_DIR to the directory holding \
                     rct-dev/articles/txt (tried /work/shared/corpus and ../shared/corpus)"
                )
            })
    }

    struct Article {
        text: String,
        /// Byte ranges of the pseudo-pages (each starts at a whitespace char).
        pages: Vec<(usize, usize)>,
        /// Byte ranges of sentences worth quoting, unique in the article.
        sentences: Vec<(usize, usize)>,
    }

    impl Article {
        fn page_texts(&self) -> Vec<PageText<'_>> {
            self.pages
                .iter()
                .enumerate()
                .map(|(i, &(s, e))| PageText {
                    page: i as u32 + 1,
                    text: &self.text[s..e],
                })
                .collect()
        }
        fn page_index(&self, at: usize) -> usize {
            self.pages
                .iter()
                .position(|&(s, e)| s <= at && at < e)
                .unwrap()
        }
    }

    fn load(page_chars: usize) -> Vec<Article> {
        let dir = corpus_dir().join("rct-dev/articles/txt");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        assert!(
            paths.len() >= 5,
            "expected the rct-dev articles in {}",
            dir.display()
        );
        paths
            .iter()
            .map(|p| article(std::fs::read_to_string(p).unwrap(), page_chars))
            .collect()
    }

    fn article(text: String, page_chars: usize) -> Article {
        let mut pages = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let mut end = (start + page_chars).min(text.len());
            while end < text.len()
                && !(text.is_char_boundary(end) && text[end..].starts_with(char::is_whitespace))
            {
                end += 1;
            }
            pages.push((start, end));
            start = end;
        }
        let norm = normalise_str(&text);
        let mut sentences = Vec::new();
        let mut s = 0;
        for (i, c) in text.char_indices() {
            let end_of_sentence = c == '\n' || (c == '.' && text[i + 1..].starts_with(' '));
            if !end_of_sentence {
                continue;
            }
            let e = if c == '.' { i + 1 } else { i };
            let sentence = text[s..e].trim();
            let lead = text[s..e].len() - text[s..e].trim_start().len();
            let words = sentence.split_whitespace().count();
            if (60..=400).contains(&sentence.len()) && words >= 8 {
                let n = normalise_str(sentence);
                if norm.matches(n.as_str()).count() == 1 {
                    sentences.push((s + lead, s + lead + sentence.len()));
                }
            }
            s = i + c.len_utf8();
        }
        Article {
            text,
            pages,
            sentences,
        }
    }

    /// Perturbs a sentence the way conversion does; normalises to the same text.
    fn perturb(s: &str, rng: &mut Lcg) -> String {
        let mut out = String::new();
        for (i, word) in s.split(' ').enumerate() {
            if i > 0 {
                // Never a line break after "50-": "50-\nand" is ambiguous even to a reader.
                let spaces: &[&str] = if out.ends_with(['-', '\u{2010}', '\u{2011}', '\u{ad}']) {
                    &["  ", " \u{a0}"]
                } else {
                    &["  ", "\n", " \n ", " \u{a0}"]
                };
                out.push_str(spaces.get(rng.below(8)).copied().unwrap_or(" "));
            }
            let plain = word.len() >= 6 && word.bytes().all(|b| b.is_ascii_lowercase());
            if plain && rng.below(4) == 0 {
                let cut = 2 + rng.below(word.len() - 3);
                out.push_str(&format!("{}-\n{}", &word[..cut], &word[cut..]));
            } else {
                out.push_str(word);
            }
        }
        let mut result = out
            .replace("fi", "\u{fb01}")
            .replace("fl", "\u{fb02}")
            .replace("ff", "\u{fb00}");
        result = result.replace('\'', "\u{2019}");
        let mut quotes = 0;
        result = result
            .chars()
            .map(|c| {
                if c == '"' {
                    quotes += 1;
                    if quotes % 2 == 1 {
                        '\u{201c}'
                    } else {
                        '\u{201d}'
                    }
                } else {
                    c
                }
            })
            .collect();
        let chars: Vec<char> = result.chars().collect();
        chars
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                if c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                    '\u{2212}'
                } else {
                    c
                }
            })
            .collect()
    }

    /// One slip a model makes: a dropped letter, spaces around an operator
    /// squeezed out, or a middle part elided with "...".
    fn slip(s: &str, rng: &mut Lcg) -> String {
        match rng.below(3) {
            0 => {
                let letters: Vec<usize> = s
                    .char_indices()
                    .filter(|(_, c)| c.is_ascii_alphabetic())
                    .map(|(i, _)| i)
                    .collect();
                let at = letters[rng.below(letters.len())];
                format!("{}{}", &s[..at], &s[at + 1..])
            }
            1 => s
                .replace(" = ", "=")
                .replace(" < ", "<")
                .replace(" (", "(")
                .replace(", ", " ,"),
            _ => {
                let words: Vec<&str> = s.split(' ').collect();
                let n = words.len();
                let (a, b) = (n / 3, n / 3 + 1 + rng.below(n / 3));
                format!("{} ... {}", words[..a].join(" "), words[b..].join(" "))
            }
        }
    }

    /// The match starts at the sentence or after markup the normaliser drops
    /// ("# " of a heading).
    fn assert_starts_at(page: &str, expected: usize, found: usize) {
        assert!(
            found >= expected && normalise_str(&page[expected..found]).is_empty(),
            "{expected} vs {found}"
        );
    }

    fn overlap(a: (usize, usize), b: (usize, usize)) -> f64 {
        let common = a.1.min(b.1).saturating_sub(a.0.max(b.0));
        common as f64 / (a.1 - a.0).max(b.1 - b.0) as f64
    }

    #[test]
    fn perturbed_sentences_are_found_at_their_place_and_foreign_ones_are_not() {
        let articles = load(3000);
        let mut rng = Lcg(0x5eed);
        let (mut exact, mut straddling, mut fuzzy, mut negatives, mut false_positives) =
            (0, 0, 0, 0, 0);
        for trial in 0..900 {
            let a = &articles[rng.below(articles.len())];
            let (s, e) = a.sentences[rng.below(a.sentences.len())];
            let sentence = &a.text[s..e];
            let p = a.page_index(s);
            let (ps, pe) = a.pages[p];
            let straddles = e > pe;
            let hint = if rng.below(2) == 0 {
                Some(p as u32 + 1)
            } else {
                None
            };
            match trial % 3 {
                // The page text is perturbed (as a PDF converter would), the quote is clean.
                0 if !straddles => {
                    let perturbed = perturb(sentence, &mut rng);
                    let page_text = format!("{}{}{}", &a.text[ps..s], perturbed, &a.text[e..pe]);
                    let mut pages = a.page_texts();
                    pages[p].text = &page_text;
                    let l = locate_quote(&pages, sentence, hint)
                        .unwrap_or_else(|| panic!("not found: {sentence:?}"));
                    assert_eq!((l.page, l.score), (p as u32 + 1, 1.0), "{sentence:?}");
                    assert_starts_at(&page_text, s - ps, l.start);
                    assert_eq!(
                        normalise_str(&page_text[l.start..l.end]),
                        normalise_str(sentence)
                    );
                    exact += 1;
                }
                // The quote is perturbed (as a model might), the pages are clean.
                0 | 1 => {
                    let quote = perturb(sentence, &mut rng);
                    let l = locate_quote(&a.page_texts(), &quote, hint)
                        .unwrap_or_else(|| panic!("not found: {quote:?}"));
                    assert_eq!((l.page, l.score), (p as u32 + 1, 1.0), "{quote:?}");
                    assert_starts_at(&a.text[ps..pe], s - ps, l.start);
                    if straddles {
                        assert_eq!(l.end, pe - ps);
                        straddling += 1;
                    } else {
                        assert_eq!(
                            normalise_str(&a.text[ps + l.start..ps + l.end]),
                            normalise_str(sentence)
                        );
                        exact += 1;
                    }
                }
                // A slip: found near-exactly, overlapping the true span.
                _ => {
                    let quote = slip(sentence, &mut rng);
                    let l = locate_quote(&a.page_texts(), &quote, hint)
                        .unwrap_or_else(|| panic!("not found: {quote:?}"));
                    assert_eq!(l.page, p as u32 + 1, "{quote:?}");
                    let truth = (s - ps, e.min(pe) - ps);
                    assert!(
                        overlap((l.start, l.end), truth) >= 0.9,
                        "{quote:?} at {l:?}, truth {truth:?}"
                    );
                    fuzzy += 1;
                }
            }
            // And a sentence from another paper, which must not be found.
            let other = &articles[rng.below(articles.len())];
            let target = &articles[rng.below(articles.len())];
            if std::ptr::eq(other, target) {
                continue;
            }
            let (os, oe) = other.sentences[rng.below(other.sentences.len())];
            let foreign = &other.text[os..oe];
            if normalise_str(&target.text).contains(&normalise_str(foreign)) {
                continue;
            }
            negatives += 1;
            if let Some(l) = locate_quote(&target.page_texts(), foreign, hint) {
                false_positives += 1;
                let found = &target.page_texts()[l.page as usize - 1].text[l.start..l.end];
                println!("false positive: {foreign:?} found as {found:?} ({l:?})");
            }
        }
        println!(
            "corpus: {exact} exact, {straddling} across a page break, {fuzzy} near-exact found; \
             {false_positives} false positives in {negatives} foreign sentences"
        );
        assert!(exact >= 400 && straddling >= 5 && fuzzy >= 250 && negatives >= 200);
        assert_eq!(false_positives, 0);
    }

    /// How close foreign sentences come: the best alignment score with no threshold.
    #[test]
    fn foreign_sentences_score_far_below_the_threshold() {
        let articles = load(3000);
        let mut rng = Lcg(7);
        let mut worst: f32 = 0.0;
        for _ in 0..200 {
            let other = &articles[rng.below(articles.len())];
            let target = &articles[rng.below(articles.len())];
            let (os, oe) = other.sentences[rng.below(other.sentences.len())];
            let foreign = normalise_str(&other.text[os..oe]);
            if std::ptr::eq(other, target) || normalise_str(&target.text).contains(&foreign) {
                continue;
            }
            let paper = Paper::new(&target.page_texts());
            let sq = squeeze(&foreign);
            let len = paper.squeezed().text.len();
            if let Some((_, _, score)) = paper.find_fuzzy(&sq, 0, len, None, 0.0) {
                worst = worst.max(score);
            }
        }
        println!(
            "best fuzzy score of a foreign sentence: {worst:.3} (threshold {FUZZY_THRESHOLD})"
        );
        assert!(worst < FUZZY_THRESHOLD - 0.1);
    }

    /// CPU time of this thread (Linux; scheduler-tick resolution, fine over a
    /// second or more), so the figure means something on a busy machine.
    fn cpu_ns() -> u64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    fn rates(n: usize, wall: std::time::Instant, cpu: u64) -> (f64, f64) {
        let cpu_secs = cpu_ns().saturating_sub(cpu) as f64 / 1e9;
        (
            n as f64 / wall.elapsed().as_secs_f64(),
            n as f64 / cpu_secs.max(1e-9),
        )
    }

    /// Prints quotes per second on a 30-page paper (run with --nocapture).
    #[test]
    fn throughput_on_a_thirty_page_paper() {
        let articles = load(3000);
        let mut text = String::new();
        for a in &articles {
            if text.len() >= 30 * 3000 {
                break;
            }
            text.push_str(&a.text);
            text.push('\n');
        }
        let paper_article = article(text, 3000);
        let pages = paper_article.page_texts();
        assert!(pages.len() >= 30, "{} pages", pages.len());
        let mut rng = Lcg(42);
        // Mostly verbatim quotes with the right page, as models mostly give;
        // some perturbed, some with a slip, some made up, some without a page.
        let mut quotes: Vec<(String, Option<u32>)> = Vec::new();
        for i in 0..1000 {
            let (s, e) = paper_article.sentences[rng.below(paper_article.sentences.len())];
            let sentence = &paper_article.text[s..e];
            let page = paper_article.page_index(s) as u32 + 1;
            quotes.push(match i % 10 {
                0 => (slip(sentence, &mut rng), Some(page)),
                1 => (
                    "this sentence is not in the paper at all, it was made up".to_owned(),
                    Some(page),
                ),
                2 => (perturb(sentence, &mut rng), Some(page)),
                3 => (sentence.to_owned(), None),
                4 => (sentence.to_owned(), Some(page % 30 + 1)),
                _ => (sentence.to_owned(), Some(page)),
            });
        }
        let (wall, cpu) = (std::time::Instant::now(), cpu_ns());
        let found = quotes
            .iter()
            .filter(|(q, hint)| locate_quote(&pages, q, *hint).is_some())
            .count();
        let stateless = rates(quotes.len(), wall, cpu);
        let (wall, cpu) = (std::time::Instant::now(), cpu_ns());
        let paper = Paper::new(&pages);
        let found_prepared = quotes
            .iter()
            .filter(|(q, hint)| paper.locate(q, *hint).is_some())
            .count();
        let prepared = rates(quotes.len(), wall, cpu);
        println!(
            "throughput on {} pages ({} bytes), quotes/s by wall clock (by CPU time): \
             locate_quote {:.0} ({:.0}), Paper::locate {:.0} ({:.0}); {found} of {} found",
            pages.len(),
            paper_article.text.len(),
            stateless.0,
            stateless.1,
            prepared.0,
            prepared.1,
            quotes.len()
        );
        assert_eq!(found, found_prepared);
        assert!(found >= 850);
    }
}
