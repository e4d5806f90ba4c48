//! Recursive XY-Cut algorithm for document layout segmentation.

use std::collections::HashMap;

/// A rectangular region with position and size, in page space (y grows up the page): `y` is
/// its top edge and [`Block::bottom`] its bottom edge, `height` below it.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Block {
    pub fn right(&self) -> f32 {
        self.x + self.width
    }
    pub fn bottom(&self) -> f32 {
        self.y - self.height
    }
}

/// Gap thresholds for [`xycut_segment`].
#[derive(Debug, Clone, Copy)]
pub struct XyCutConfig {
    /// A vertical whitespace channel at least this wide always splits a region.
    pub min_x_gap: f32,
    /// A horizontal whitespace band at least this tall always splits a region.
    pub min_y_gap: f32,
    /// A narrower vertical channel, down to this width, splits a region only as a
    /// column gutter: when the text on each side spans at least
    /// [`GUTTER_MIN_SIDE_SHARE`] of the region's width and holds at least
    /// [`GUTTER_MIN_SIDE_BLOCKS`] lines. Gutters between text columns are a line
    /// height or two wide — far narrower than a safe unconditional cut — while the
    /// channel between a list's markers and its items is just as narrow but leaves
    /// a sliver on one side. Set it equal to `min_x_gap` to disable the rule.
    pub min_gutter: f32,
}

/// Minimum share of a region's width each side of a column gutter must span.
pub const GUTTER_MIN_SIDE_SHARE: f32 = 0.3;
/// Minimum number of lines on each side of a column gutter -- lines, not blocks: a page drawn a
/// word at a time puts a line's words on both sides of any space between two of them.
pub const GUTTER_MIN_SIDE_BLOCKS: usize = 3;

/// The narrowest a column beside a gutter can be when it is under [`GUTTER_MIN_SIDE_SHARE`]
/// of the region, in multiples of [`XyCutConfig::min_gutter`] — about six words of running
/// text; a list's markers or a column of figures is narrower.
pub const NARROW_COLUMN_MIN_GUTTERS: f32 = 6.0;
/// How much of such a column its lines of running text fill.
pub const NARROW_COLUMN_LINE_FILL: f32 = 0.6;

/// How far into a block its right edge is read when looking for a vertical channel, as a
/// share of [`XyCutConfig::min_gutter`] — the error a glyph-width estimate or a trailing side
/// bearing puts there.
pub const GUTTER_EDGE_SLACK: f32 = 0.2;

/// How far apart, in multiples of [`XyCutConfig::min_gutter`], two runs on one side of a channel
/// may stand and still be one line: an em, wider than the widest word space of a justified line.
///
/// A side's lines are joined only after the region is divided at the channel, so nothing
/// joined here crosses it. Across the whole region, runs are joined only up to the gutter
/// itself -- a wider join would put the two columns' lines together and close the gutter
/// being looked for.
pub const SIDE_JOIN_GUTTERS: f32 = 2.0;

/// Minimum share of a region's width a line must span to count as a line of running text
/// beside a gutter: a column's lines fill most of it, while the fragments a table of
/// contents (entries | page numbers), a chart's labels or a list's markers leave beside a
/// whitespace channel do not. A side reads as a text column when it holds at least
/// [`GUTTER_MIN_SIDE_BLOCKS`] such lines and they carry most of its text — a figure set in
/// the column adds many short label lines without making it any less a column of text.
pub const COLUMN_LINE_MIN_SHARE: f32 = 0.25;

/// What recursive XY-cut made of a page's blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segmentation {
    /// Reading-order groups, each a list of indices into the segmented blocks. Every block
    /// is in exactly one group.
    pub groups: Vec<Vec<usize>>,
    /// Regions left whole — read line by line across — although a whitespace channel
    /// divides their text into two sides that each look like a column of text (see
    /// [`COLUMN_LINE_MIN_SHARE`]). The split rules declined them; the reading order there
    /// is a guess.
    pub ambiguous_regions: usize,
}

impl Segmentation {
    /// The most groups set side by side at any height: 1 for a single column, 2 for two
    /// columns, and so on. 0 when there are no groups.
    ///
    /// XY-cut groups do not overlap, so groups whose vertical extents (the span of their
    /// blocks' centre lines) overlap stand next to each other.
    pub fn column_count(&self, blocks: &[Block]) -> usize {
        let mut events: Vec<(f32, i32)> = Vec::with_capacity(self.groups.len() * 2);
        for group in &self.groups {
            let centers = group.iter().map(|&i| blocks[i].y - blocks[i].height / 2.0);
            let (lo, hi) = centers.fold((f32::MAX, f32::MIN), |(lo, hi), c| (lo.min(c), hi.max(c)));
            if lo <= hi {
                events.push((lo, 1));
                events.push((hi, -1));
            }
        }
        // At equal heights, open before close: groups touching at a line overlap there.
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let (mut open, mut most) = (0i32, 0i32);
        for (_, delta) in events {
            open += delta;
            most = most.max(open);
        }
        most as usize
    }
}

/// Segment blocks into reading-order groups using recursive XY-cut.
///
/// The groups as copies of the blocks; [`xycut_partition`] gives them as indices, with
/// what the segmentation could not decide.
pub fn xycut_segment(blocks: &[Block], config: &XyCutConfig) -> Vec<Vec<Block>> {
    xycut_partition(blocks, config)
        .groups
        .into_iter()
        .map(|group| group.into_iter().map(|i| blocks[i]).collect())
        .collect()
}

/// Segment blocks into reading-order groups using recursive XY-cut, by index.
pub fn xycut_partition(blocks: &[Block], config: &XyCutConfig) -> Segmentation {
    let mut segmentation = Segmentation::default();
    let all: Vec<usize> = (0..blocks.len()).collect();
    match blocks.len() {
        0 => {}
        1 => segmentation.groups.push(all),
        _ => {
            partition_recursive(blocks, &all, config, &mut segmentation);
            if segmentation.groups.is_empty() {
                segmentation.groups.push(all);
            }
        }
    }
    segmentation
}

fn partition_recursive(
    all: &[Block],
    indices: &[usize],
    config: &XyCutConfig,
    out: &mut Segmentation,
) {
    if indices.is_empty() {
        return;
    }
    if indices.len() == 1 {
        out.groups.push(indices.to_vec());
        return;
    }
    let blocks: Vec<Block> = indices.iter().map(|&i| all[i]).collect();

    let min_x = blocks.iter().map(|b| b.x).fold(f32::MAX, f32::min);
    let max_x = blocks.iter().map(|b| b.right()).fold(f32::MIN, f32::max);
    let min_y = blocks.iter().map(|b| b.bottom()).fold(f32::MAX, f32::min);
    let max_y = blocks.iter().map(|b| b.y).fold(f32::MIN, f32::max);

    let v_gap = find_best_vertical_gap(&blocks, min_x, max_x, config);
    let h_gap = find_best_horizontal_gap(&blocks, min_y, max_y, config.min_y_gap);

    let split_v = |at: f32| split_indices(all, indices, |b| b.x + b.width / 2.0 < at);
    let split_h = |at: f32| split_indices(all, indices, |b| b.y - b.height / 2.0 > at);

    // With no column gutter left in the region, a strip of letters stacked in its margin is
    // read on its own before the region is cut into bands, which would scatter it.
    if v_gap.is_none() {
        if let Some(at) = margin_strip(&blocks, min_x, max_x, config) {
            for part in split_v(at) {
                partition_recursive(all, &part, config, out);
            }
            return;
        }
    }

    // A line centred over the region and standing above where its columns begin -- a byline
    // or a subtitle under a title -- is read before the columns, not as the first line of the
    // one it happens to stand over.
    if v_gap.is_some() {
        if let Some(at) = centred_head(&blocks, min_x, max_x, config) {
            for part in split_h(at) {
                partition_recursive(all, &part, config, out);
            }
            return;
        }
    }

    let parts: Vec<Vec<usize>> = match (v_gap, h_gap) {
        (Some((v_pos, v_width)), Some((_, h_height))) if v_width >= h_height => split_v(v_pos),
        (_, Some((h_pos, _))) => split_h(h_pos),
        (Some((v_pos, _)), None) => split_v(v_pos),
        (None, None) => match spanning_band(&blocks, min_x, max_x, config) {
            Some((band_top, band_bottom)) => {
                let center = |b: &Block| b.y - b.height / 2.0;
                let above = indices
                    .iter()
                    .copied()
                    .filter(|&i| center(&all[i]) > band_top);
                let below = indices
                    .iter()
                    .copied()
                    .filter(|&i| center(&all[i]) < band_bottom);
                let band = indices.iter().copied().filter(|&i| {
                    let c = center(&all[i]);
                    c <= band_top && c >= band_bottom
                });
                let parts: Vec<Vec<usize>> = [above.collect(), band.collect(), below.collect()]
                    .into_iter()
                    .filter(|p: &Vec<usize>| !p.is_empty())
                    .collect();
                if parts.len() > 1 {
                    parts
                } else {
                    Vec::new()
                }
            }
            None => match column_band(&blocks, config) {
                Some(at) => split_h(at),
                None => Vec::new(),
            },
        },
    };

    if parts.is_empty() {
        if reads_across_columns(&blocks, config) {
            out.ambiguous_regions += 1;
        }
        out.groups.push(indices.to_vec());
        return;
    }
    for part in parts {
        partition_recursive(all, &part, config, out);
    }
}

/// The height to cut `blocks` at to set apart their top line, when it stands over the columns
/// below it rather than in one: centred on the region (within half an em -- the gutter's
/// width) and with its centre above every other block's top. A column's own first line
/// starts at its column's edge, not at the region's centre; one that stands higher than
/// the other columns begin is still level with nothing but itself.
fn centred_head(blocks: &[Block], min_x: f32, max_x: f32, config: &XyCutConfig) -> Option<f32> {
    let centre = |b: &Block| b.y - b.height / 2.0;
    let lines = lines_of(blocks, config.min_gutter);
    let top = lines
        .iter()
        .max_by(|a, b| centre(&a.extent).total_cmp(&centre(&b.extent)))?;
    let middle = (top.extent.x + top.extent.right()) / 2.0;
    if (middle - (min_x + max_x) / 2.0).abs() > config.min_gutter {
        return None;
    }
    let others = || {
        blocks
            .iter()
            .enumerate()
            .filter(|(i, _)| !top.members.contains(i))
            .map(|(_, b)| b)
    };
    // A heading that starts where a column's text starts is that column's, however near the
    // region's centre it falls.
    if others().any(|b| (b.x - top.extent.x).abs() <= config.min_gutter / 2.0) {
        return None;
    }
    let others_top = others().map(|b| b.y).fold(f32::MIN, f32::max);
    (others_top > f32::MIN && centre(&top.extent) > others_top).then_some(others_top)
}

/// `indices` split into those whose block satisfies `first` and the rest, in that order.
fn split_indices(
    all: &[Block],
    indices: &[usize],
    first: impl Fn(&Block) -> bool,
) -> Vec<Vec<usize>> {
    let (a, b): (Vec<usize>, Vec<usize>) = indices.iter().partition(|&&i| first(&all[i]));
    vec![a, b]
}

/// Whether a region left whole nonetheless looks like two columns of text — see
/// [`text_column_gutter`].
fn reads_across_columns(blocks: &[Block], config: &XyCutConfig) -> bool {
    text_column_gutter(blocks, config.min_gutter).is_some()
}

/// The whitespace channel that divides `blocks` into two columns of text, if there is one:
/// a vertical channel at least `min_gutter` wide with a column of running text on each
/// side (see [`COLUMN_LINE_MIN_SHARE`]). The channel is looked for among all the
/// blocks, then among the narrow ones (at most half the extent) — a line set across both
/// columns fills the channel on its own line. Returns the channel's centre.
///
/// The fragments a table of contents (entries | page numbers), a chart's labels, a list's
/// markers or a table's cells leave beside a channel are short, so they never qualify:
/// what does is running text on both sides.
pub fn text_column_gutter(blocks: &[Block], min_gutter: f32) -> Option<f32> {
    column_gutter_with(
        blocks,
        min_gutter,
        || vertical_channels(blocks, min_gutter),
        || lines_of(blocks, min_gutter),
    )
}

/// [`text_column_gutter`], given how to find the channels through all of `blocks` and the
/// lines they make: [`column_band`] asks it of every run of a region's lines and has both
/// from orders it sorted once for the whole region.
fn column_gutter_with(
    blocks: &[Block],
    min_gutter: f32,
    channels: impl FnOnce() -> Vec<f32>,
    lines: impl FnOnce() -> Vec<Line>,
) -> Option<f32> {
    let min_x = blocks.iter().map(|b| b.x).fold(f32::MAX, f32::min);
    let max_x = blocks.iter().map(|b| b.right()).fold(f32::MIN, f32::max);
    let range = max_x - min_x;
    if range <= 0.0 {
        return None;
    }
    let divides_into_text_columns = |set: &[Block], channel: f32| -> bool {
        let side = |left: bool| {
            line_widths(
                set.iter()
                    .filter(|b| (b.x + b.width / 2.0 < channel) == left),
                min_gutter * SIDE_JOIN_GUTTERS,
            )
        };
        reads_as_text_column(&side(true), range) && reads_as_text_column(&side(false), range)
    };
    // Every channel wide enough, widest first: the widest is not always the gutter — a
    // margin tab or a column of figures beside the text leaves a wider one.
    let two_columns = |set: &[Block], channels: Vec<f32>| -> Option<f32> {
        channels
            .into_iter()
            .find(|&channel| divides_into_text_columns(set, channel))
    };
    // The narrow blocks are a subset, so too few blocks here means too few there; and
    // they are only needed when all the blocks show no gutter.
    if blocks.len() < 2 * GUTTER_MIN_SIDE_BLOCKS {
        return None;
    }
    two_columns(blocks, channels()).or_else(|| {
        let narrow = narrow_of(lines(), blocks, range);
        if narrow.len() < 2 * GUTTER_MIN_SIDE_BLOCKS {
            return None;
        }
        two_columns(&narrow, vertical_channels(&narrow, min_gutter))
    })
}

/// When a block that spans a column gutter is all that keeps a region from splitting,
/// cut the region into bands at that block: above it, its own line, below it.
///
/// A caption, title or running head set across both columns fills the gutter channel
/// on its line, so no vertical cut exists — and when it sits a line away from the
/// text, no horizontal one either; the columns were then read line by line across.
/// The gutter is found among the region's *narrow* blocks (at most half its width),
/// which must be the majority — in single-column text the wide lines are, and
/// nothing is banded. Returns the band's top and bottom, or `None` when there is no
/// such gutter or nothing crosses it; the caller bands the region only when that makes
/// it smaller.
fn spanning_band(
    blocks: &[Block],
    min_x: f32,
    max_x: f32,
    config: &XyCutConfig,
) -> Option<(f32, f32)> {
    let range = max_x - min_x;
    let narrow = narrow_blocks(blocks, range, config.min_gutter);
    if narrow.len() * 2 <= blocks.len() {
        return None;
    }
    let gutter_among = |set: &[Block]| {
        let lo = set.iter().map(|b| b.x).fold(f32::MAX, f32::min);
        let hi = set.iter().map(|b| b.right()).fold(f32::MIN, f32::max);
        find_best_vertical_gap(set, lo, hi, config).map(|(gutter, _)| gutter)
    };
    // A short line set across the columns -- a running head centred over the gutter, the
    // first half of a running foot -- is as narrow as a column's line and closes the gutter
    // among the narrow blocks on its own line. When no gutter shows, it is looked for past the
    // few lines that cross it (see `gutter_past_few_lines`).
    let gutter =
        gutter_among(&narrow).or_else(|| gutter_past_few_lines(&narrow, config, &gutter_among))?;

    // Lines of a text column fill most of their column; the fragments a table of
    // contents (entries | page numbers) or a chart's labels leave either side of a
    // channel do not.
    let text_column = |left: bool| {
        let lines = line_widths(
            narrow
                .iter()
                .filter(|b| (b.x + b.width / 2.0 < gutter) == left),
            config.min_gutter * SIDE_JOIN_GUTTERS,
        );
        reads_as_text_column(&lines, range)
    };
    if !text_column(true) || !text_column(false) {
        return None;
    }

    // A line set across the columns may be drawn in pieces none of which crosses the
    // gutter on its own; the line does.
    let spanning = lines_of(blocks, config.min_gutter)
        .into_iter()
        .map(|line| line.extent)
        .filter(|b| b.x < gutter && b.right() > gutter)
        .max_by(|a, b| a.y.partial_cmp(&b.y).unwrap_or(std::cmp::Ordering::Equal))?;
    Some((spanning.y, spanning.bottom()))
}

/// The most lines a channel may be crossed by and still be looked at as a gutter in
/// [`gutter_past_few_lines`]: a running head and a running foot.
const GUTTER_CROSSING_LINES: usize = 2;

/// How far past a gutter, on each side, a line crossing it must reach to be set across the
/// columns, in multiples of [`XyCutConfig::min_gutter`] (see [`gutter_past_few_lines`]). A
/// column's line that only pokes into a channel is not one.
const GUTTER_CROSSING_REACH: f32 = 2.0;

/// A gutter among `blocks` once the few lines set across it are set aside: a vertical channel
/// at least `min_gutter` wide that at most [`GUTTER_CROSSING_LINES`] lines cross, which
/// `gutter_among` finds a gutter in once those lines are gone -- and which each of them
/// reaches well past on both sides ([`GUTTER_CROSSING_REACH`]).
fn gutter_past_few_lines(
    blocks: &[Block],
    config: &XyCutConfig,
    gutter_among: &dyn Fn(&[Block]) -> Option<f32>,
) -> Option<f32> {
    let lines = lines_of(blocks, config.min_gutter);
    let most_crossing = GUTTER_CROSSING_LINES;
    let lo = lines.iter().map(|l| l.extent.x).fold(f32::MAX, f32::min);
    let hi = lines
        .iter()
        .map(|l| l.extent.right())
        .fold(f32::MIN, f32::max);
    let resolution = 2.0;
    let bins = (((hi - lo) / resolution) as usize).max(1);
    let mut coverage = vec![0usize; bins];
    for line in &lines {
        let start = ((line.extent.x - lo) / resolution) as usize;
        let end = (((line.extent.right() - lo) / resolution) as usize).min(bins);
        for slot in coverage.iter_mut().take(end).skip(start) {
            *slot += 1;
        }
    }
    // Runs of bins crossed by few lines, widest first.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, &count) in coverage
        .iter()
        .chain(std::iter::once(&usize::MAX))
        .enumerate()
    {
        match (count <= most_crossing, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    runs.retain(|&(s, e)| (e - s) as f32 * resolution >= config.min_gutter);
    runs.sort_by_key(|&(s, e)| std::cmp::Reverse(e - s));
    runs.into_iter().find_map(|(s, e)| {
        let centre = lo + (s + e) as f32 * resolution / 2.0;
        let crossing: Vec<&Line> = lines
            .iter()
            .filter(|l| l.extent.x < centre && l.extent.right() > centre)
            .collect();
        if crossing.is_empty() || crossing.len() > most_crossing {
            return None;
        }
        let set_aside: Vec<usize> = crossing
            .iter()
            .flat_map(|l| l.members.iter().copied())
            .collect();
        let rest: Vec<Block> = blocks
            .iter()
            .enumerate()
            .filter(|(i, _)| !set_aside.contains(i))
            .map(|(_, b)| *b)
            .collect();
        let gutter = gutter_among(&rest)?;
        let reach = config.min_gutter * GUTTER_CROSSING_REACH;
        crossing
            .iter()
            .all(|l| l.extent.x <= gutter - reach && l.extent.right() >= gutter + reach)
            .then_some(gutter)
    })
}

/// A line of text: blocks on one baseline that sit a word space apart or closer.
struct Line {
    extent: Block,
    members: Vec<usize>,
}

/// The lines `blocks` make: blocks on one baseline (centres within half a block height)
/// joined while the space between them is under `join_gap`.
///
/// A block is not always a line — a producer that positions justified text word by word
/// leaves one block per word — and the column tests are about lines: how far they run, and
/// whether one crosses a gutter. A gap of `join_gap` (the narrowest column gutter) or more
/// is never a word space, so no line is joined across a gutter.
fn lines_of(blocks: &[Block], join_gap: f32) -> Vec<Line> {
    lines_in_order(blocks, &centre_order(blocks), join_gap)
}

/// The centre of each block beside its index, highest first; blocks level with each other
/// keep their order (the sort is stable).
fn centre_order(blocks: &[Block]) -> Vec<(f32, usize)> {
    let mut order: Vec<(f32, usize)> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (block_centre(b), i))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    order
}

fn block_centre(b: &Block) -> f32 {
    b.y - b.height / 2.0
}

/// [`lines_of`], given the blocks' [`centre_order`].
fn lines_in_order(blocks: &[Block], order: &[(f32, usize)], join_gap: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut baseline: Vec<(f32, usize)> = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let end = baseline_end(blocks, order, start);
        baseline_lines(blocks, &order[start..end], join_gap, &mut baseline, &mut lines);
        start = end;
    }
    lines
}

/// Where the baseline that opens at `order[start]` ends: every block whose centre is within
/// half a height of the first's belongs to it.
fn baseline_end(blocks: &[Block], order: &[(f32, usize)], start: usize) -> usize {
    let (first_centre, first_index) = order[start];
    let first = &blocks[first_index];
    let mut end = start + 1;
    while end < order.len() {
        let (b_centre, b_index) = order[end];
        let b = &blocks[b_index];
        if (first_centre - b_centre).abs() > first.height.max(b.height) / 2.0 {
            break;
        }
        end += 1;
    }
    end
}

/// The lines of one baseline's blocks (`group`, in centre order), left to right, appended to
/// `lines`; `baseline` is scratch space.
fn baseline_lines(
    blocks: &[Block],
    group: &[(f32, usize)],
    join_gap: f32,
    baseline: &mut Vec<(f32, usize)>,
    lines: &mut Vec<Line>,
) {
    baseline.clear();
    baseline.extend(group.iter().map(|&(_, i)| (blocks[i].x, i)));
    baseline.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut current: Option<Line> = None;
    for &(_, i) in baseline.iter() {
        let b = blocks[i];
        match &mut current {
            Some(line) if b.x - line.extent.right() < join_gap => {
                let top = line.extent.y.max(b.y);
                let bottom = line.extent.bottom().min(b.bottom());
                let right = line.extent.right().max(b.right());
                line.extent = Block {
                    x: line.extent.x,
                    y: top,
                    width: right - line.extent.x,
                    height: top - bottom,
                };
                line.members.push(i);
            }
            _ => {
                lines.extend(current.take());
                current = Some(Line {
                    extent: b,
                    members: vec![i],
                });
            }
        }
    }
    lines.extend(current);
}

/// [`lines_in_order`] of the runs of a region's blocks that [`column_band`] tries, without
/// sorting each run again.
///
/// A run whose blocks hold exactly the places `start..end` of the region's centre order
/// has that slice of the order, with each index less `start`, as its own centre order. Its
/// baselines are then the region's, opened at `start` and closed at `end` at the latest:
/// where a baseline ends depends only on where it opens and on the order after it (see
/// [`baseline_end`]). So the lines of every baseline are worked out once and shifted into
/// each run that holds it. Runs of any other shape are `None`, for the caller to work out.
struct RunLines<'a> {
    blocks: &'a [Block],
    order: &'a [(f32, usize)],
    join_gap: f32,
    /// The largest place in `order` among `blocks[..k]`, at `k`.
    prefix_max_place: Vec<usize>,
    /// The smallest place in `order` among `blocks[k..]`, at `k`.
    suffix_min_place: Vec<usize>,
    /// The lines of the baseline over `order[start..end]`, by `(start, end)`, with indices
    /// into `blocks`.
    baselines: HashMap<(usize, usize), Vec<Line>>,
    scratch: Vec<(f32, usize)>,
}

impl<'a> RunLines<'a> {
    fn new(blocks: &'a [Block], order: &'a [(f32, usize)], join_gap: f32) -> Self {
        let mut place = vec![0; blocks.len()];
        for (at, &(_, i)) in order.iter().enumerate() {
            place[i] = at;
        }
        let mut prefix_max_place = Vec::with_capacity(blocks.len() + 1);
        prefix_max_place.push(0);
        for &at in &place {
            let so_far = prefix_max_place[prefix_max_place.len() - 1];
            prefix_max_place.push(so_far.max(at));
        }
        let mut suffix_min_place = vec![usize::MAX; blocks.len() + 1];
        for k in (0..blocks.len()).rev() {
            suffix_min_place[k] = suffix_min_place[k + 1].min(place[k]);
        }
        Self {
            blocks,
            order,
            join_gap,
            prefix_max_place,
            suffix_min_place,
            baselines: HashMap::new(),
            scratch: Vec::new(),
        }
    }

    /// The lines of `blocks[start..end]`, with indices into that run, when the run is a
    /// prefix or a suffix of the blocks that holds a contiguous slice of the centre order.
    fn of_run(&mut self, start: usize, end: usize) -> Option<Vec<Line>> {
        let contiguous = if start == 0 {
            end == 0 || self.prefix_max_place[end] < end
        } else {
            end == self.blocks.len() && self.suffix_min_place[start] >= start
        };
        if !contiguous {
            return None;
        }
        let order = &self.order[..end];
        let mut lines = Vec::new();
        let mut at = start;
        while at < end {
            let stop = baseline_end(self.blocks, order, at);
            let (blocks, join_gap, scratch) = (self.blocks, self.join_gap, &mut self.scratch);
            let baseline = self.baselines.entry((at, stop)).or_insert_with(|| {
                let mut lines = Vec::new();
                baseline_lines(blocks, &order[at..stop], join_gap, scratch, &mut lines);
                lines
            });
            lines.extend(baseline.iter().map(|line| Line {
                extent: line.extent,
                members: line.members.iter().map(|&i| i - start).collect(),
            }));
            at = stop;
        }
        Some(lines)
    }
}

/// The widths of the lines `blocks` make (see [`lines_of`]), shortest first.
fn line_widths<'a>(blocks: impl Iterator<Item = &'a Block>, join_gap: f32) -> Vec<f32> {
    let blocks: Vec<Block> = blocks.copied().collect();
    let mut widths: Vec<f32> = lines_of(&blocks, join_gap)
        .iter()
        .map(|line| line.extent.width)
        .collect();
    widths.sort_by(f32::total_cmp);
    widths
}

/// The blocks whose line spans at most half of `range` — what can make up a column. A line
/// set across the columns is wide even when drawn word by word, so none of its pieces is
/// kept.
fn narrow_blocks(blocks: &[Block], range: f32, join_gap: f32) -> Vec<Block> {
    narrow_of(lines_of(blocks, join_gap), blocks, range)
}

/// [`narrow_blocks`], given the lines `blocks` make.
fn narrow_of(lines: Vec<Line>, blocks: &[Block], range: f32) -> Vec<Block> {
    lines
        .into_iter()
        .filter(|line| line.extent.width <= range * 0.5)
        .flat_map(|line| line.members.into_iter().map(|i| blocks[i]))
        .collect()
}

/// The fewest lines a band cut off by [`column_band`] has.
const BAND_MIN_LINES: usize = 2;

/// The height to cut a region at so that one part reads as two columns of text, when the
/// region as a whole does not: the columns end (or begin) at a band set across them — a
/// run of footnotes, a full-width table — that leaves no whitespace channel through the
/// region and too little space above it for a plain horizontal cut. Lines are tried as cut
/// points from the outside in, and the cut that leaves the larger columns part wins.
///
/// [`spanning_band`] covers the single line set across the columns; this covers the band of
/// several, whose lines need not even reach across both columns on their own — a
/// footnote's continuation line can be no wider than a column and still close the gutter.
///
/// What the other part is decides whether the cut is a boundary at all. A band is set
/// *across* the columns: some line of it crosses their gutter — a title over two columns, a
/// footnote rule's first note. A last line that stands inside one column is the column's
/// own, and cutting it off left the column part one line larger than the true boundary's,
/// so it won. And where the other part reads as columns too, the region is two column
/// systems stacked, and the boundary between them is where the gutter moves: a cut whose
/// two parts share a gutter is inside one system. The band can be two lines — a two-line
/// title over the columns is cut off as itself, not with the columns' first rows.
fn column_band(blocks: &[Block], config: &XyCutConfig) -> Option<f32> {
    let centre = |b: &Block| b.y - b.height / 2.0;
    let mut lines = lines_of(blocks, config.min_gutter);
    if lines.len() < GUTTER_MIN_SIDE_BLOCKS + BAND_MIN_LINES {
        return None;
    }
    lines.sort_by(|a, b| centre(&b.extent).total_cmp(&centre(&a.extent)));
    // Every run of lines tried below is a prefix or a suffix of `lines`, so its blocks are
    // a contiguous run of `members`, and the orders `text_column_gutter` sorts them in are
    // the region's orders with the other blocks left out (both sorts are stable). Sorting
    // the region once instead of every run takes the log factor off the loop.
    let members: Vec<Block> = lines
        .iter()
        .flat_map(|line| line.members.iter().map(|&i| blocks[i]))
        .collect();
    let mut line_starts = vec![0];
    for line in &lines {
        line_starts.push(line_starts[line_starts.len() - 1] + line.members.len());
    }
    let by_centre = centre_order(&members);
    let mut by_left: Vec<(f32, f32, usize)> = members
        .iter()
        .enumerate()
        .map(|(i, b)| (b.x, b.right(), i))
        .collect();
    by_left.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut run_lines = RunLines::new(&members, &by_centre, config.min_gutter);
    let mut gutter = |part: &std::ops::Range<usize>| -> Option<f32> {
        let (start, end) = (line_starts[part.start], line_starts[part.end]);
        let run = &members[start..end];
        column_gutter_with(
            run,
            config.min_gutter,
            || {
                let lo = run.iter().map(|b| b.x).fold(f32::MAX, f32::min);
                channels_in_order(
                    lo,
                    by_left
                        .iter()
                        .filter(|&&(.., i)| (start..end).contains(&i))
                        .map(|&(left, right, _)| (left, right)),
                    config.min_gutter,
                )
            },
            || {
                run_lines.of_run(start, end).unwrap_or_else(|| {
                    let order: Vec<(f32, usize)> = by_centre
                        .iter()
                        .filter(|&&(_, i)| (start..end).contains(&i))
                        .map(|&(c, i)| (c, i - start))
                        .collect();
                    lines_in_order(run, &order, config.min_gutter)
                })
            },
        )
    };
    let crosses = |part: &[Line], at: f32| {
        part.iter()
            .any(|line| line.extent.x < at && line.extent.right() > at)
    };
    let mut best: Option<(usize, f32)> = None;
    // One line set across the columns is `spanning_band`'s, under its own stricter test.
    for cut in BAND_MIN_LINES..=lines.len() - BAND_MIN_LINES {
        let (above, below) = lines.split_at(cut);
        let (last_above, first_below) = (&above[above.len() - 1].extent, &below[0].extent);
        // Never between two lines that overlap: that would cut through text.
        if last_above.bottom() < first_below.y {
            continue;
        }
        let at = (centre(last_above) + centre(first_below)) / 2.0;
        let (above_lines, below_lines) = (0..cut, cut..lines.len());
        for ((part, part_lines), (other, other_lines)) in [
            ((above, &above_lines), (below, &below_lines)),
            ((below, &below_lines), (above, &above_lines)),
        ] {
            if part.len() < GUTTER_MIN_SIDE_BLOCKS
                || best.is_some_and(|(size, _)| size >= part.len())
            {
                continue;
            }
            let Some(g) = gutter(part_lines) else {
                continue;
            };
            let boundary = match gutter(other_lines) {
                None => crosses(other, g),
                Some(h) => (h - g).abs() >= config.min_gutter,
            };
            if boundary {
                best = Some((part.len(), at));
            }
        }
    }
    best.map(|(_, at)| at)
}

/// Where `blocks` divide into separate reading flows side by side, if they do: the gutter
/// between two columns of text ([`text_column_gutter`]) or the channel that sets a margin
/// strip apart — the boundaries XY-Cut reads across only as two flows.
pub fn reading_boundary(blocks: &[Block], config: &XyCutConfig) -> Option<f32> {
    let min_x = blocks.iter().map(|b| b.x).fold(f32::MAX, f32::min);
    let max_x = blocks.iter().map(|b| b.right()).fold(f32::MIN, f32::max);
    text_column_gutter(blocks, config.min_gutter)
        .or_else(|| margin_strip(blocks, min_x, max_x, config))
}

/// Widest share of a region a margin strip may take — see [`margin_strip`].
pub const MARGIN_STRIP_MAX_SHARE: f32 = 0.12;

/// A strip of short blocks along the region's left or right edge that is a flow of its own,
/// returned as the centre of the channel that sets it apart.
///
/// A thumb-index tab set as letters stacked down the margin, or a column of margin notes,
/// stands beside the text with a channel narrower than a column gutter, so no other rule
/// cuts it off — and read with the text, its letters fall between the text's lines and
/// break its paragraphs apart. What sets it apart from a list's markers or a page's line
/// numbers, which also stand in a narrow strip, is that its lines are not the text's
/// lines: markers and line numbers sit on the baselines of the text beside them, a tab's
/// letters mostly do not. So the strip — at most [`MARGIN_STRIP_MAX_SHARE`] of the region,
/// at least [`GUTTER_MIN_SIDE_BLOCKS`] short blocks, across a channel at least
/// `min_gutter` wide — is cut off when most of its blocks share no baseline with the text.
fn margin_strip(blocks: &[Block], min_x: f32, max_x: f32, config: &XyCutConfig) -> Option<f32> {
    let range = max_x - min_x;
    if range <= 0.0 {
        return None;
    }
    // Text on one line shares its baseline to within a point or two, whatever its size; a
    // block's bottom stands just under its baseline, by a share of its height small enough
    // for the bottoms of one line's blocks to agree as closely.
    let on_a_baseline_of = |b: &Block, others: &[&Block]| {
        others
            .iter()
            .any(|o| (o.bottom() - b.bottom()).abs() <= b.height.max(o.height) * 0.2)
    };
    let channels = vertical_channels(blocks, config.min_gutter);
    channels.into_iter().find(|&channel| {
        let (left, right): (Vec<&Block>, Vec<&Block>) =
            blocks.iter().partition(|b| b.x + b.width / 2.0 < channel);
        let sides = [(&left, &right), (&right, &left)];
        let is_strip = sides.into_iter().any(|(strip, text)| {
            let lo = strip.iter().map(|b| b.x).fold(f32::MAX, f32::min);
            let hi = strip.iter().map(|b| b.right()).fold(f32::MIN, f32::max);
            let at_edge = lo <= min_x + 0.5 || hi >= max_x - 0.5;
            let aligned = strip.iter().filter(|b| on_a_baseline_of(b, text)).count();
            at_edge
                && strip.len() >= GUTTER_MIN_SIDE_BLOCKS
                && text.len() >= GUTTER_MIN_SIDE_BLOCKS
                && hi - lo <= range * MARGIN_STRIP_MAX_SHARE
                && aligned * 2 < strip.len()
        });
        is_strip
    })
}

/// The centres of the vertical whitespace channels at least `min_width` wide that run
/// through `blocks` — no block reaches into them — widest first.
fn vertical_channels(blocks: &[Block], min_width: f32) -> Vec<f32> {
    let lo = blocks.iter().map(|b| b.x).fold(f32::MAX, f32::min);
    let mut edges: Vec<(f32, f32)> = blocks.iter().map(|b| (b.x, b.right())).collect();
    // Blocks that start at the same x can be swept in any order when every block ends at or
    // after its start and channels are wider than nothing: the first of them takes the
    // channel (if any) and leaves the reach past all their starts, so no other finds one.
    // Then the faster unstable sort gives the same channels; otherwise (a NaN, a negative
    // width) the stable sort keeps the order the result may depend on.
    if min_width > 0.0 && edges.iter().all(|&(left, right)| right >= left) {
        edges.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    } else {
        edges.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    channels_in_order(lo, edges, min_width)
}

/// [`vertical_channels`], given the lowest left edge and the blocks' edges in order of
/// their left edge.
fn channels_in_order(
    lo: f32,
    edges: impl IntoIterator<Item = (f32, f32)>,
    min_width: f32,
) -> Vec<f32> {
    let mut channels: Vec<(f32, f32)> = Vec::new();
    let mut reach = lo;
    for (left, right) in edges {
        if left - reach >= min_width {
            channels.push(((reach + left) / 2.0, left - reach));
        }
        reach = reach.max(right);
    }
    channels.sort_by(|a, b| b.1.total_cmp(&a.1));
    channels.into_iter().map(|(centre, _)| centre).collect()
}

/// Whether lines of these widths fill a column `width` wide as running text does: at least
/// [`GUTTER_MIN_SIDE_BLOCKS`] of them span [`NARROW_COLUMN_LINE_FILL`] of it, and those carry
/// most of the text. A column of figures, a table's column of short cells or a list's markers
/// leave most of their width empty.
fn fills_its_column(widths: &[f32], width: f32) -> bool {
    let long: Vec<f32> = widths
        .iter()
        .copied()
        .filter(|&w| w >= width * NARROW_COLUMN_LINE_FILL)
        .collect();
    let all: f32 = widths.iter().sum();
    long.len() >= GUTTER_MIN_SIDE_BLOCKS && long.iter().sum::<f32>() * 2.0 >= all
}

/// Whether lines of these widths make a column of running text in a region `range` wide:
/// at least [`GUTTER_MIN_SIDE_BLOCKS`] of them span [`COLUMN_LINE_MIN_SHARE`] of it, and
/// those carry most of the text.
fn reads_as_text_column(widths: &[f32], range: f32) -> bool {
    let long: Vec<f32> = widths
        .iter()
        .copied()
        .filter(|&w| w >= range * COLUMN_LINE_MIN_SHARE)
        .collect();
    let all: f32 = widths.iter().sum();
    long.len() >= GUTTER_MIN_SIDE_BLOCKS && long.iter().sum::<f32>() * 2.0 >= all
}

fn find_best_vertical_gap(
    blocks: &[Block],
    min_x: f32,
    max_x: f32,
    config: &XyCutConfig,
) -> Option<(f32, f32)> {
    let min_gap = config.min_gutter.min(config.min_x_gap);
    let range = max_x - min_x;
    if range < min_gap * 2.0 {
        return None;
    }

    let resolution = 2.0;
    let num_bins = ((range / resolution) as usize).max(1);
    let mut profile = vec![0u32; num_bins];

    // A block's right edge is where its text position ended, from glyph widths that are
    // often estimated: a column's line can reach a point or two past where its ink stops and
    // close a gutter only a line height wide. Its edge is read this much further in.
    let edge_slack = config.min_gutter * GUTTER_EDGE_SLACK;
    for block in blocks {
        let start = ((block.x - min_x) / resolution) as usize;
        let right = (block.right() - edge_slack).max(block.x);
        let end = ((right - min_x) / resolution) as usize;
        for slot in profile.iter_mut().take(end.min(num_bins)).skip(start) {
            *slot += 1;
        }
    }

    let qualifies = |start: usize, len: usize| -> bool {
        let width = len as f32 * resolution;
        if width >= config.min_x_gap {
            return true;
        }
        if width < config.min_gutter {
            return false;
        }
        let gap_left = min_x + start as f32 * resolution;
        let gap_right = gap_left + width;
        let center = (gap_left + gap_right) / 2.0;
        let (left, right): (Vec<Block>, Vec<Block>) =
            blocks.iter().partition(|b| b.x + b.width / 2.0 < center);
        // Each side is already one side of the channel, so its runs on one baseline are one
        // line however far apart. `column_band` counts lines of a region not yet split, where
        // joining without a limit would merge the columns, so it keeps its half-em join.
        if lines_of(&left, f32::INFINITY).len() < GUTTER_MIN_SIDE_BLOCKS
            || lines_of(&right, f32::INFINITY).len() < GUTTER_MIN_SIDE_BLOCKS
        {
            return false;
        }
        let min_side = range * GUTTER_MIN_SIDE_SHARE;
        let (left_width, right_width) = (gap_left - min_x, max_x - gap_right);
        if left_width >= min_side && right_width >= min_side {
            return true;
        }
        // In a region of three or more columns the gutter beside an outer column leaves it
        // well under the share — a quarter of four columns. It still divides text columns when
        // the other side holds a gutter of its own and this side is a column of text: wide
        // enough for one, its lines filling it. Two columns of unequal width stay declined.
        let narrow_is_left = left_width < right_width;
        let narrow_width = left_width.min(right_width);
        if right_width.max(left_width) < min_side
            || narrow_width < config.min_gutter * NARROW_COLUMN_MIN_GUTTERS
        {
            return false;
        }
        // A box or a heading set across the other side's columns closes its gutters on its
        // own lines; the gutter is looked for among the blocks no wider than half that side.
        let wide_width = left_width.max(right_width);
        let wide_columns: Vec<Block> = blocks
            .iter()
            .filter(|b| (b.x + b.width / 2.0 < center) != narrow_is_left)
            .filter(|b| b.width <= wide_width / 2.0)
            .copied()
            .collect();
        if vertical_channels(&wide_columns, config.min_gutter).is_empty() {
            return false;
        }
        let side = blocks
            .iter()
            .filter(|b| (b.x + b.width / 2.0 < center) == narrow_is_left);
        fills_its_column(
            &line_widths(side, config.min_gutter * SIDE_JOIN_GUTTERS),
            narrow_width,
        )
    };

    widest_qualifying_gap(&profile, resolution, min_x, qualifies)
}

/// The widest run of empty bins that `qualifies(start_bin, len_bins)` accepts, as
/// `(center, width)`.
fn widest_qualifying_gap(
    profile: &[u32],
    resolution: f32,
    offset: f32,
    qualifies: impl Fn(usize, usize) -> bool,
) -> Option<(f32, f32)> {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < profile.len() {
        if profile[i] != 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < profile.len() && profile[i] == 0 {
            i += 1;
        }
        let len = i - start;
        if best.is_none_or(|(_, best_len)| len > best_len) && qualifies(start, len) {
            best = Some((start, len));
        }
    }
    best.map(|(start, len)| {
        let width = len as f32 * resolution;
        (
            offset + (start as f32 + len as f32 / 2.0) * resolution,
            width,
        )
    })
}

fn find_best_horizontal_gap(
    blocks: &[Block],
    min_y: f32,
    max_y: f32,
    min_gap: f32,
) -> Option<(f32, f32)> {
    let range = max_y - min_y;
    if range < min_gap * 2.0 {
        return None;
    }

    let resolution = 2.0;
    let num_bins = ((range / resolution) as usize).max(1);
    let mut profile = vec![0u32; num_bins];

    for block in blocks {
        let top = block.y;
        let bottom = block.bottom();
        let start = ((bottom - min_y) / resolution).max(0.0) as usize;
        let end = ((top - min_y) / resolution) as usize;
        for slot in profile.iter_mut().take(end.min(num_bins)).skip(start) {
            *slot += 1;
        }
    }

    find_widest_gap(&profile, resolution, min_y, min_gap)
}

fn find_widest_gap(
    profile: &[u32],
    resolution: f32,
    offset: f32,
    min_gap: f32,
) -> Option<(f32, f32)> {
    let mut best_start = 0;
    let mut best_len = 0;
    let mut cur_start = 0;
    let mut cur_len = 0;

    for (i, &count) in profile.iter().enumerate() {
        if count == 0 {
            if cur_len == 0 {
                cur_start = i;
            }
            cur_len += 1;
        } else {
            if cur_len > best_len {
                best_start = cur_start;
                best_len = cur_len;
            }
            cur_len = 0;
        }
    }
    if cur_len > best_len {
        best_start = cur_start;
        best_len = cur_len;
    }

    let gap_width = best_len as f32 * resolution;
    if gap_width >= min_gap {
        let gap_center = offset + (best_start as f32 + best_len as f32 / 2.0) * resolution;
        Some((gap_center, gap_width))
    } else {
        None
    }
}
