//! Quotes with an ellipsis: the parts found in order, each near the previous
//! one, around the longest part.

use super::locate::{floor_boundary, squeeze};
use super::{
    FUZZY_THRESHOLD, Hit, MAX_CANDIDATES, MAX_ELLIPSIS_GAP, Paper, SHORT_QUOTE_CHARS,
    SQUEEZED_SCORE,
};

impl Paper {
    /// Parts separated by "..." found in order, each near the previous one,
    /// starting from the longest (the most telling).
    pub(super) fn find_elided(&self, q: &str, hint: Option<u32>) -> Option<Hit> {
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
}
