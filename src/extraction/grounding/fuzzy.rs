//! Near-exact matching: candidate places voted for by the quote's n-grams,
//! then a bounded semi-global alignment of the quote against each.

use super::locate::{ceil_boundary, digits, floor_boundary};
use super::{MAX_ANCHOR_HITS, MAX_ANCHORS, MAX_CANDIDATES, MAX_FUZZY_BYTES, Paper, Squeezed};

impl Paper {
    /// Tier 4 within squeezed bytes `lo..hi`: n-gram anchors vote for where the
    /// quote would start; the best-voted places are aligned.
    pub(super) fn find_fuzzy(
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
}

impl Squeezed {
    /// The normalised range of squeezed range `start..end` (char boundaries).
    pub(super) fn norm_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        Some((*self.to_norm.get(start)?, *self.to_norm.get(end - 1)? + 1))
    }

    /// The squeezed position of normalised byte `pos` (or of the next kept byte).
    pub(super) fn position_of(&self, pos: usize) -> usize {
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
