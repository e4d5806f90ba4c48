//! Sample randomized-trial reports for the demo project, generated as PDFs.
//!
//! An empty instance offers a demo project so that a newcomer sees upload →
//! conversion → search within a minute, without hunting for papers first. The
//! three reports here are **fictional**: invented trials, investigators and
//! numbers, and every page says so. They are laid out like a journal article
//! (running header and footer, structured abstract, a two-column body, a
//! results table) so that text extraction meets the same shapes it meets in
//! real papers.
//!
//! The PDFs are written with `pdf-writer` and use only the standard 14 fonts
//! (Helvetica, Helvetica-Bold, Helvetica-Oblique), so nothing is embedded.
//! Symbols that WinAnsiEncoding lacks (≥ ≤ −) are given spare codes through an
//! `/Encoding` `/Differences` array, and every font carries a `/ToUnicode`
//! CMap, so the text layer reads back as Unicode (≥ ± μ × −); μ reads back as
//! U+03BC GREEK SMALL LETTER MU. Line breaking uses Helvetica's AFM advance
//! widths, which are also written as the fonts' `/Widths`.
//!
//! The output is deterministic — no dates, no random IDs — so the same bytes,
//! and so the same SHA-256, come out of every call.

use pdf_writer::types::{SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// One generated sample report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPdf {
    /// File name to store it under, e.g. `demo-vitamin-d-falls-trial.pdf`.
    pub file_name: &'static str,
    /// The article title as printed on page 1.
    pub title: &'static str,
    /// The whole PDF file.
    pub bytes: Vec<u8>,
}

/// A phrase that occurs in exactly one demo report, on exactly one page: page
/// [`DEMO_SEARCH_PAGE`] (the Discussion) of [`DEMO_SEARCH_FILE_NAME`], the
/// vitamin D trial, which is the first report [`demo_trial_reports`] returns. It is printed on one line (its spaces do not break), so a
/// search over the extracted text finds it whole.
pub const DEMO_SEARCH_PHRASE: &str = "wintertime calcidiol plateau";

/// The 1-based page on which [`DEMO_SEARCH_PHRASE`] is printed.
pub const DEMO_SEARCH_PAGE: u32 = 2;

/// The one demo report that contains [`DEMO_SEARCH_PHRASE`].
pub const DEMO_SEARCH_FILE_NAME: &str = "demo-vitamin-d-falls-trial.pdf";

/// The three demo reports, each a two-page PDF, in a fixed order: vitamin D
/// and falls (doi 10.5555/evistream.demo.1, holds [`DEMO_SEARCH_PHRASE`]),
/// nicotine patches in pregnancy (…demo.2), exercise for knee osteoarthritis
/// (…demo.3).
pub fn demo_trial_reports() -> Vec<DemoPdf> {
    REPORTS
        .iter()
        .map(|report| DemoPdf {
            file_name: report.file_name,
            title: report.title,
            bytes: render(report),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Fonts and encoding
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    Oblique,
}

impl Face {
    fn resource(self) -> Name<'static> {
        match self {
            Face::Regular => Name(b"F1"),
            Face::Bold => Name(b"F2"),
            Face::Oblique => Name(b"F3"),
        }
    }
}

/// Helvetica advance widths (AFM `WX`, thousandths of an em) for ASCII 32–126.
/// Helvetica-Oblique has the same metrics.
const HELVETICA_ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold advance widths for ASCII 32–126.
const HELVETICA_BOLD_ASCII: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// Characters outside ASCII that the reports use: (code in the font encoding,
/// the Unicode character it stands for, Helvetica width, Helvetica-Bold width).
///
/// The base encoding is WinAnsiEncoding; codes 0x81, 0x8D and 0x8F are unused
/// there and are given glyphs through `/Differences` (see [`DIFFERENCES`]).
const EXTRA_GLYPHS: [(u8, char, u16, u16); 18] = [
    (0x81, '\u{2265}', 549, 549),   // ≥ greaterequal (Differences)
    (0x86, '\u{2020}', 556, 556),   // † dagger
    (0x8D, '\u{2212}', 584, 584),   // − minus (Differences)
    (0x8F, '\u{2264}', 549, 549),   // ≤ lessequal (Differences)
    (0x91, '\u{2018}', 222, 278),   // ‘ quoteleft
    (0x92, '\u{2019}', 222, 278),   // ’ quoteright
    (0x93, '\u{201C}', 333, 500),   // “ quotedblleft
    (0x94, '\u{201D}', 333, 500),   // ” quotedblright
    (0x95, '\u{2022}', 350, 350),   // • bullet
    (0x96, '\u{2013}', 556, 556),   // – endash
    (0x97, '\u{2014}', 1000, 1000), // — emdash
    (0xB0, '\u{00B0}', 400, 400),   // ° degree
    (0xB1, '\u{00B1}', 584, 584),   // ± plusminus
    (0xB2, '\u{00B2}', 333, 333),   // ² twosuperior
    (0xB5, '\u{03BC}', 556, 611),   // μ mu (also accepts U+00B5 on input)
    (0xB7, '\u{00B7}', 278, 278),   // · periodcentered
    (0xD7, '\u{00D7}', 584, 584),   // × multiply
    (0xE9, '\u{00E9}', 556, 556),   // é eacute
];

/// Glyph names for the codes WinAnsiEncoding leaves empty.
const DIFFERENCES: [(u8, &[u8]); 3] = [
    (0x81, b"greaterequal"),
    (0x8D, b"minus"),
    (0x8F, b"lessequal"),
];

/// The font code for `c`, or `None` when the reports' fonts cannot show it.
/// A no-break space (U+00A0) is written as a plain space: it only tells the
/// line breaker not to break there.
fn encode_char(c: char) -> Option<u8> {
    match c {
        ' '..='~' => u8::try_from(u32::from(c)).ok(),
        '\u{00A0}' => Some(b' '),
        '\u{00B5}' => Some(0xB5),
        _ => EXTRA_GLYPHS
            .iter()
            .find(|(_, unicode, _, _)| *unicode == c)
            .map(|(code, _, _, _)| *code),
    }
}

/// Encode a run of text; characters the fonts lack become `?` (the unit tests
/// check that no report text has any).
fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| encode_char(c).unwrap_or(b'?'))
        .collect()
}

/// Advance width of a font code in thousandths of an em.
fn code_width(face: Face, code: u8) -> u16 {
    let ascii = match face {
        Face::Bold => &HELVETICA_BOLD_ASCII,
        Face::Regular | Face::Oblique => &HELVETICA_ASCII,
    };
    if (32..=126).contains(&code) {
        return ascii[usize::from(code - 32)];
    }
    EXTRA_GLYPHS
        .iter()
        .find(|(c, _, _, _)| *c == code)
        .map_or(
            0,
            |(_, _, regular, bold)| {
                if face == Face::Bold { *bold } else { *regular }
            },
        )
}

/// Width of `text` set in `face` at `size` points.
fn text_width(face: Face, size: f32, text: &str) -> f32 {
    let units: u32 = encode(text)
        .into_iter()
        .map(|code| u32::from(code_width(face, code)))
        .sum();
    // Widths stay far below f32's exact-integer range, so the cast is exact.
    units as f32 * size / 1000.0
}

/// The `/ToUnicode` CMap shared by the three fonts: every code the encoding
/// uses, mapped to the character it shows.
fn to_unicode_cmap() -> Vec<u8> {
    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"UCS"),
        supplement: 0,
    };
    let mut cmap = UnicodeCmap::<u8>::new(Name(b"Adobe-UCS-0"), info);
    for code in 32u8..=126 {
        cmap.pair(code, char::from(code));
    }
    for (code, unicode, _, _) in EXTRA_GLYPHS {
        cmap.pair(code, unicode);
    }
    cmap.finish().to_vec()
}

// ---------------------------------------------------------------------------
// Page geometry
// ---------------------------------------------------------------------------

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN_X: f32 = 54.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
const COLUMN_GAP: f32 = 20.0;
const COLUMN_WIDTH: f32 = (CONTENT_WIDTH - COLUMN_GAP) / 2.0;
const HEADER_BASELINE: f32 = 806.0;
const CONTENT_TOP: f32 = 784.0;
const FOOTER_BASELINE: f32 = 40.0;
const CONTENT_BOTTOM: f32 = 66.0;

const BODY_SIZE: f32 = 9.0;
const BODY_LEADING: f32 = 11.4;
const HEADING_SIZE: f32 = 9.0;

/// Ink colours, as RGB.
const ACCENT: [f32; 3] = [0.10, 0.23, 0.45];
const BLACK: [f32; 3] = [0.0, 0.0, 0.0];
const GREY: [f32; 3] = [0.35, 0.35, 0.35];

/// One span of text in one face.
#[derive(Debug, Clone)]
struct Run {
    face: Face,
    text: String,
}

/// Builds one page's content stream.
struct PageCanvas {
    content: Content,
}

impl PageCanvas {
    fn new() -> Self {
        Self {
            content: Content::new(),
        }
    }

    /// Show `runs` on one line whose left end is at (`x`, `y`).
    fn line(&mut self, x: f32, y: f32, size: f32, colour: [f32; 3], runs: &[Run]) {
        let content = &mut self.content;
        content.begin_text();
        content.set_fill_rgb(colour[0], colour[1], colour[2]);
        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
        for run in runs {
            content.set_font(run.face.resource(), size);
            content.show(Str(&encode(&run.text)));
        }
        content.end_text();
    }

    /// Show `text` in one face, its left end at `x`.
    fn text(&mut self, x: f32, y: f32, face: Face, size: f32, colour: [f32; 3], text: &str) {
        let runs = [Run {
            face,
            text: text.to_owned(),
        }];
        self.line(x, y, size, colour, &runs);
    }

    /// Show `text` in one face, its right end at `right`.
    fn text_right(&mut self, right: f32, y: f32, face: Face, size: f32, text: &str) {
        let x = right - text_width(face, size, text);
        self.text(x, y, face, size, GREY, text);
    }

    /// A horizontal rule.
    fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        let content = &mut self.content;
        content.set_line_width(width);
        content.set_stroke_rgb(GREY[0], GREY[1], GREY[2]);
        content.move_to(x1, y);
        content.line_to(x2, y);
        content.stroke();
    }

    fn finish(self) -> Vec<u8> {
        self.content.finish().to_vec()
    }
}

/// Break a paragraph, given as runs, into lines no wider than `width`.
/// Breaks only at plain spaces; a no-break space keeps its words together.
fn wrap(runs: &[Run], size: f32, width: f32) -> Vec<Vec<Run>> {
    // Words, each with its face; a word owns the space that follows it.
    let mut words: Vec<(Face, String)> = Vec::new();
    for run in runs {
        for word in run.text.split(' ').filter(|w| !w.is_empty()) {
            words.push((run.face, word.to_owned()));
        }
    }

    let mut lines: Vec<Vec<Run>> = Vec::new();
    let mut line: Vec<Run> = Vec::new();
    let mut line_width = 0.0;
    for (face, word) in words {
        let word_width = text_width(face, size, &word);
        let space_width = text_width(face, size, " ");
        let needed = if line.is_empty() {
            word_width
        } else {
            space_width + word_width
        };
        if !line.is_empty() && line_width + needed > width {
            lines.push(std::mem::take(&mut line));
            line_width = 0.0;
        }
        let starts_line = line.is_empty();
        line_width += if starts_line { word_width } else { needed };
        match line.last_mut() {
            Some(last) if last.face == face => {
                last.text.push(' ');
                last.text.push_str(&word);
            }
            Some(last) => {
                last.text.push(' ');
                line.push(Run { face, text: word });
            }
            None => line.push(Run { face, text: word }),
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn plain(face: Face, text: &str) -> Vec<Run> {
    vec![Run {
        face,
        text: text.to_owned(),
    }]
}

// ---------------------------------------------------------------------------
// Report content model
// ---------------------------------------------------------------------------

/// A block of the two-column body.
enum Block {
    Heading(&'static str),
    /// A paragraph; its text may start with a bold lead-in.
    Para(&'static str),
    LeadPara(&'static str, &'static str),
}

struct Table {
    caption: &'static str,
    /// Relative column widths; they are scaled to the full text width.
    widths: &'static [f32],
    header: &'static [&'static str],
    rows: &'static [&'static [&'static str]],
    note: &'static str,
}

struct Report {
    number: u32,
    file_name: &'static str,
    title: &'static str,
    short_title: &'static str,
    authors: &'static str,
    affiliations: &'static str,
    citation: &'static str,
    keywords: &'static str,
    abstract_parts: &'static [(&'static str, &'static str)],
    body: &'static [Block],
    table: Table,
    /// Reference list, numbered in print.
    references: &'static [&'static str],
}

impl Report {
    fn doi(&self) -> String {
        format!("10.5555/evistream.demo.{}", self.number)
    }
}

/// Back matter shared by every report.
const BACK_MATTER: [Block; 3] = [
    Block::LeadPara(
        "Funding.",
        "None. This fictional report was written to demonstrate eviStream; no trial was \
        conducted and no funder was involved.",
    ),
    Block::LeadPara(
        "Competing interests.",
        "The invented authors declare no competing interests.",
    ),
    Block::LeadPara(
        "Data availability.",
        "There are no data: every number in this report is made up for demonstration.",
    ),
];

const JOURNAL: &str = "Demo Journal of Clinical Trials";

const FICTION_NOTE: &str = "\u{2020} Fictional report. This article was generated by eviStream \
    as demonstration material. The trial, its investigators, institutions, participants and all \
    data are invented; any resemblance to a real study is coincidental. Do not cite.";

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/// Where the two-column body flows: a list of column boxes, filled in order.
struct Flow {
    pages: Vec<PageCanvas>,
    /// (page index, x, top, bottom) of each column still to fill.
    columns: Vec<(usize, f32, f32, f32)>,
    current: usize,
    y: f32,
}

impl Flow {
    fn column(&self) -> (usize, f32, f32, f32) {
        self.columns.get(self.current).copied().unwrap_or((
            0,
            MARGIN_X,
            CONTENT_TOP,
            CONTENT_BOTTOM,
        ))
    }

    /// Move to the next column, adding a page when the list runs out.
    fn next_column(&mut self) {
        self.current += 1;
        if self.current >= self.columns.len() {
            let page = self.pages.len();
            self.pages.push(PageCanvas::new());
            self.columns
                .push((page, MARGIN_X, CONTENT_TOP, CONTENT_BOTTOM));
            self.columns.push((
                page,
                MARGIN_X + COLUMN_WIDTH + COLUMN_GAP,
                CONTENT_TOP,
                CONTENT_BOTTOM,
            ));
        }
        self.y = self.column().2;
    }

    /// Lay out lines, keeping at least `keep` of them together at the top.
    fn lines(
        &mut self,
        lines: &[Vec<Run>],
        size: f32,
        leading: f32,
        colour: [f32; 3],
        keep: usize,
    ) {
        let (_, _, top, bottom) = self.column();
        let needed = leading * keep.min(lines.len()) as f32;
        if self.y - needed < bottom && self.y < top - 0.5 {
            self.next_column();
        }
        for line in lines {
            let (_, _, top, bottom) = self.column();
            if self.y - leading < bottom && self.y < top - 0.5 {
                self.next_column();
            }
            let (page, x, _, _) = self.column();
            self.y -= leading;
            if let Some(canvas) = self.pages.get_mut(page) {
                canvas.line(x, self.y + (leading - size), size, colour, line);
            }
        }
    }

    fn space(&mut self, points: f32) {
        let (_, _, top, _) = self.column();
        if self.y < top - 0.5 {
            self.y -= points;
        }
    }
}

/// Lay out every page of a report; returns one content stream per page.
fn layout(report: &Report) -> Vec<Vec<u8>> {
    let mut first = PageCanvas::new();
    let full = |text: &str, face: Face, size: f32| wrap(&plain(face, text), size, CONTENT_WIDTH);

    // Page 1: label, title, byline, citation, abstract.
    let mut y = CONTENT_TOP - 4.0;
    first.text(
        MARGIN_X,
        y,
        Face::Bold,
        8.0,
        ACCENT,
        "RANDOMIZED CONTROLLED TRIAL",
    );
    y -= 24.0;
    for line in full(report.title, Face::Bold, 16.0) {
        first.line(MARGIN_X, y, 16.0, BLACK, &line);
        y -= 19.5;
    }
    y -= 4.0;
    for line in full(report.authors, Face::Regular, 10.0) {
        first.line(MARGIN_X, y, 10.0, BLACK, &line);
        y -= 13.0;
    }
    for line in full(report.affiliations, Face::Oblique, 8.0) {
        first.line(MARGIN_X, y, 8.0, GREY, &line);
        y -= 10.0;
    }
    y -= 4.0;
    let citation = format!("{JOURNAL}. {}. doi:{}", report.citation, report.doi());
    first.text(MARGIN_X, y, Face::Oblique, 8.5, BLACK, &citation);
    y -= 10.0;
    first.rule(MARGIN_X, PAGE_WIDTH - MARGIN_X, y, 0.6);
    y -= 16.0;
    first.text(MARGIN_X, y, Face::Bold, HEADING_SIZE, ACCENT, "Abstract");
    y -= 4.0;
    for (label, text) in report.abstract_parts {
        let runs = vec![
            Run {
                face: Face::Bold,
                text: format!("{label}: "),
            },
            Run {
                face: Face::Regular,
                text: (*text).to_owned(),
            },
        ];
        for line in wrap(&runs, 8.8, CONTENT_WIDTH) {
            y -= 11.0;
            first.line(MARGIN_X, y, 8.8, BLACK, &line);
        }
        y -= 3.0;
    }
    let keywords = vec![
        Run {
            face: Face::Bold,
            text: "Keywords: ".to_owned(),
        },
        Run {
            face: Face::Oblique,
            text: report.keywords.to_owned(),
        },
    ];
    for line in wrap(&keywords, 8.5, CONTENT_WIDTH) {
        y -= 11.0;
        first.line(MARGIN_X, y, 8.5, BLACK, &line);
    }
    y -= 8.0;
    first.rule(MARGIN_X, PAGE_WIDTH - MARGIN_X, y, 0.6);
    let body_top = y - 6.0;

    // Page 1 footnote: the report is fictional.
    let note_lines = full(FICTION_NOTE, Face::Oblique, 7.5);
    let mut note_y = CONTENT_BOTTOM + 9.0 * (note_lines.len() as f32 - 1.0);
    let note_top = note_y + 12.0;
    first.rule(MARGIN_X, MARGIN_X + 120.0, note_top, 0.5);
    for line in &note_lines {
        first.line(MARGIN_X, note_y, 7.5, GREY, line);
        note_y -= 9.0;
    }
    let first_bottom = note_top + 8.0;

    // Page 2: the results table across the full width, at the top.
    let mut second = PageCanvas::new();
    let table_bottom = draw_table(&mut second, &report.table, CONTENT_TOP);

    let right_x = MARGIN_X + COLUMN_WIDTH + COLUMN_GAP;
    let mut flow = Flow {
        pages: vec![first, second],
        columns: vec![
            (0, MARGIN_X, body_top, first_bottom),
            (0, right_x, body_top, first_bottom),
            (1, MARGIN_X, table_bottom - 10.0, CONTENT_BOTTOM),
            (1, right_x, table_bottom - 10.0, CONTENT_BOTTOM),
        ],
        current: 0,
        y: body_top,
    };

    for block in report.body {
        match block {
            Block::Heading(text) => {
                flow.space(8.0);
                let lines = wrap(&plain(Face::Bold, text), HEADING_SIZE, COLUMN_WIDTH);
                // Keep a heading with the first lines of its paragraph.
                flow.lines(&lines, HEADING_SIZE, BODY_LEADING + 2.0, ACCENT, 4);
            }
            Block::Para(text) => {
                let lines = wrap(&plain(Face::Regular, text), BODY_SIZE, COLUMN_WIDTH);
                flow.lines(&lines, BODY_SIZE, BODY_LEADING, BLACK, 2);
                flow.space(4.0);
            }
            Block::LeadPara(lead, text) => {
                let runs = vec![
                    Run {
                        face: Face::Bold,
                        text: format!("{lead} "),
                    },
                    Run {
                        face: Face::Regular,
                        text: (*text).to_owned(),
                    },
                ];
                let lines = wrap(&runs, BODY_SIZE, COLUMN_WIDTH);
                flow.lines(&lines, BODY_SIZE, BODY_LEADING, BLACK, 2);
                flow.space(4.0);
            }
        }
    }

    for block in &BACK_MATTER {
        if let Block::LeadPara(lead, text) = block {
            let runs = vec![
                Run {
                    face: Face::Bold,
                    text: format!("{lead} "),
                },
                Run {
                    face: Face::Regular,
                    text: (*text).to_owned(),
                },
            ];
            let lines = wrap(&runs, 8.0, COLUMN_WIDTH);
            flow.lines(&lines, 8.0, 10.0, BLACK, 2);
            flow.space(3.0);
        }
    }
    flow.space(6.0);
    let heading = wrap(&plain(Face::Bold, "References"), HEADING_SIZE, COLUMN_WIDTH);
    flow.lines(&heading, HEADING_SIZE, BODY_LEADING + 2.0, ACCENT, 3);
    for (index, reference) in report.references.iter().enumerate() {
        let text = format!("{}. {reference}", index + 1);
        let lines = wrap(&plain(Face::Regular, &text), 7.8, COLUMN_WIDTH);
        flow.lines(&lines, 7.8, 9.6, BLACK, 2);
        flow.space(2.0);
    }

    // Running header and footer on every page.
    let page_count = flow.pages.len();
    let doi = format!("doi:{}", report.doi());
    let mut streams = Vec::with_capacity(page_count);
    for (index, mut canvas) in flow.pages.into_iter().enumerate() {
        let number = index + 1;
        if number == 1 {
            canvas.text(MARGIN_X, HEADER_BASELINE, Face::Oblique, 7.5, GREY, JOURNAL);
            canvas.text_right(
                PAGE_WIDTH - MARGIN_X,
                HEADER_BASELINE,
                Face::Oblique,
                7.5,
                report.citation,
            );
        } else {
            canvas.text(
                MARGIN_X,
                HEADER_BASELINE,
                Face::Oblique,
                7.5,
                GREY,
                report.short_title,
            );
            canvas.text_right(
                PAGE_WIDTH - MARGIN_X,
                HEADER_BASELINE,
                Face::Oblique,
                7.5,
                &doi,
            );
        }
        canvas.rule(MARGIN_X, PAGE_WIDTH - MARGIN_X, HEADER_BASELINE - 6.0, 0.5);
        canvas.rule(MARGIN_X, PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE + 10.0, 0.5);
        canvas.text(
            MARGIN_X,
            FOOTER_BASELINE,
            Face::Regular,
            7.5,
            GREY,
            "eviStream demo document \u{2014} fictional data, not a real study",
        );
        canvas.text_right(
            PAGE_WIDTH - MARGIN_X,
            FOOTER_BASELINE,
            Face::Regular,
            7.5,
            &format!("Page {number} of {page_count}"),
        );
        streams.push(canvas.finish());
    }
    streams
}

/// Draw `table` across the full text width from `top` down; returns the y
/// below it.
fn draw_table(canvas: &mut PageCanvas, table: &Table, top: f32) -> f32 {
    const SIZE: f32 = 7.8;
    const LEADING: f32 = 9.6;
    let total: f32 = table.widths.iter().sum();
    let widths: Vec<f32> = table
        .widths
        .iter()
        .map(|w| w / total * CONTENT_WIDTH)
        .collect();

    let mut y = top;
    for line in wrap(&plain(Face::Bold, table.caption), 8.8, CONTENT_WIDTH) {
        y -= 11.0;
        canvas.line(MARGIN_X, y, 8.8, BLACK, &line);
    }
    y -= 5.0;
    canvas.rule(MARGIN_X, PAGE_WIDTH - MARGIN_X, y, 0.8);

    let draw_row = |canvas: &mut PageCanvas, y: &mut f32, cells: &[&str], face: Face| {
        let wrapped: Vec<Vec<Vec<Run>>> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| wrap(&plain(face, cell), SIZE, width - 6.0))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32;
        let mut x = MARGIN_X;
        for (lines, width) in wrapped.iter().zip(&widths) {
            let mut line_y = *y - LEADING;
            for line in lines {
                canvas.line(x, line_y + 2.0, SIZE, BLACK, line);
                line_y -= LEADING;
            }
            x += width;
        }
        *y -= LEADING * height + 3.0;
    };

    draw_row(canvas, &mut y, table.header, Face::Bold);
    canvas.rule(MARGIN_X, PAGE_WIDTH - MARGIN_X, y + 1.0, 0.4);
    for row in table.rows {
        draw_row(canvas, &mut y, row, Face::Regular);
    }
    canvas.rule(MARGIN_X, PAGE_WIDTH - MARGIN_X, y + 1.0, 0.8);
    y -= 2.0;
    for line in wrap(&plain(Face::Oblique, table.note), 7.5, CONTENT_WIDTH) {
        y -= 9.0;
        canvas.line(MARGIN_X, y, 7.5, GREY, &line);
    }
    y
}

/// Write one report as a PDF file.
fn render(report: &Report) -> Vec<u8> {
    let streams = layout(report);

    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let cmap_id = Ref::new(4);
    let font_ids = [
        (Face::Regular, Ref::new(5), "Helvetica"),
        (Face::Bold, Ref::new(6), "Helvetica-Bold"),
        (Face::Oblique, Ref::new(7), "Helvetica-Oblique"),
    ];
    let first_page = 10;
    let page_ids: Vec<Ref> = (0..streams.len())
        .map(|i| Ref::new(first_page + 2 * i32::try_from(i).unwrap_or(0)))
        .collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(page_ids.len()).unwrap_or(0));

    let title = format!("{} (fictional demo)", report.title);
    let mut info = pdf.document_info(info_id);
    info.title(TextStr(&title));
    info.author(TextStr(report.authors));
    info.subject(TextStr(
        "Fictional randomized-trial report generated by eviStream for demonstration",
    ));
    info.keywords(TextStr(report.keywords));
    info.creator(TextStr("eviStream"));
    info.producer(TextStr("eviStream demo generator (pdf-writer)"));
    info.finish();

    let cmap = to_unicode_cmap();
    pdf.cmap(cmap_id, &cmap)
        .name(Name(b"Adobe-UCS-0"))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        });

    for (face, id, base) in font_ids {
        let mut font = pdf.type1_font(id);
        font.base_font(Name(base.as_bytes()));
        font.first_char(32).last_char(255);
        font.widths((32u8..=255).map(|code| f32::from(code_width(face, code))));
        font.to_unicode(cmap_id);
        let mut encoding = font.encoding_custom();
        encoding.base_encoding(Name(b"WinAnsiEncoding"));
        let mut differences = encoding.differences();
        for (code, glyph) in DIFFERENCES {
            differences.consecutive(code, [Name(glyph)]);
        }
    }

    for (stream, page_id) in streams.iter().zip(&page_ids) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree_id);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        for (face, id, _) in font_ids {
            fonts.pair(face.resource(), id);
        }
        fonts.finish();
        resources.finish();
        page.finish();
        pdf.stream(content_id, stream);
    }

    pdf.finish()
}

// ---------------------------------------------------------------------------
// The reports (all fictional)
// ---------------------------------------------------------------------------

/// In this order: the report with [`DEMO_SEARCH_PHRASE`] comes first.
const REPORTS: [Report; 3] = [VITAMIN_D, NICOTINE, KNEE];

const NICOTINE: Report = Report {
    number: 2,
    file_name: "demo-nicotine-patch-pregnancy-trial.pdf",
    title: "Nicotine patches for smoking cessation in pregnancy: a multicentre, randomized, \
        placebo-controlled trial (the LANTERN trial)\u{2020}",
    short_title: "Nicotine patches in pregnancy (LANTERN)",
    authors: "Marta Okonkwo-Lindqvist, Daniel P. Ferreira, Hannah J. Whitcombe, Tomasz Rybak, \
        Aisling Moran",
    affiliations: "Department of Obstetrics, Harbourview University Hospital (fictional); \
        Centre for Perinatal Epidemiology, Institute of Imaginary Health Sciences (fictional)",
    citation: "2021;14(3):201\u{2013}209",
    keywords: "smoking cessation; pregnancy; nicotine replacement therapy; transdermal patch; \
        birth weight; randomized controlled trial",
    abstract_parts: &[
        (
            "Background",
            "Smoking in pregnancy remains a leading preventable cause of low birth weight, yet \
            the benefit of nicotine replacement therapy for pregnant smokers is uncertain.",
        ),
        (
            "Methods",
            "In this double-blind trial at 11 maternity units, pregnant women aged \u{2265} 16 \
            years who smoked \u{2265} 5 cigarettes per day at 12 to 24 weeks of gestation were \
            randomly assigned (1:1) to 15 mg/16 h nicotine patches or identical placebo patches \
            for 8 weeks, with behavioural support in both arms. The primary outcome was \
            biochemically validated abstinence from randomization until delivery.",
        ),
        (
            "Results",
            "Of 403 women randomized, 201 received nicotine and 202 placebo. Validated \
            abstinence at delivery was 9.5% with nicotine and 5.4% with placebo (odds ratio \
            1.81, 95% CI 0.84 to 3.90; P = 0.13). Plasma nicotine at week 4 was 12.4 \u{00B1} 3.1 \
            \u{03BC}g/L versus 0.9 \u{00B1} 0.6 \u{03BC}g/L (P < 0.001). Mean birth weight \
            differed by 58 g (95% CI \u{2212}43 to 159).",
        ),
        (
            "Conclusions",
            "Nicotine patches at a standard dose did not significantly increase abstinence at \
            delivery; adherence was low and higher doses may be needed.",
        ),
    ],
    body: &[
        Block::Heading("1. Introduction"),
        Block::Para(
            "Roughly one pregnant woman in eight still smokes at the first antenatal visit in \
            many high-income settings, and the proportion is higher among younger and less \
            advantaged women. Maternal smoking is associated with fetal growth restriction, \
            preterm birth, placental abruption and sudden infant death. Behavioural support \
            helps some women to stop, but most who try relapse before delivery.",
        ),
        Block::Para(
            "Nicotine replacement therapy (NRT) doubles quit rates outside pregnancy. In \
            pregnancy its use is cautious: nicotine crosses the placenta and is vasoactive, \
            although a patch delivers less nicotine than smoking and none of the carbon \
            monoxide or combustion products. Faster metabolism of nicotine in pregnancy may \
            also make standard doses too low. We therefore tested whether a standard-dose \
            nicotine patch, added to behavioural support, increases validated abstinence until \
            delivery.",
        ),
        Block::Heading("2. Methods"),
        Block::LeadPara(
            "Design and setting.",
            "LANTERN was a parallel-group, double-blind, placebo-controlled trial in 11 \
            maternity units. The protocol was approved by the relevant ethics committee and all \
            participants gave written informed consent.",
        ),
        Block::LeadPara(
            "Participants.",
            "Women were eligible if they were aged \u{2265} 16 years, between 12 and 24 weeks \
            of gestation with a singleton pregnancy, smoked \u{2265} 5 cigarettes per day before \
            pregnancy and \u{2265} 1 per day at enrolment, and had an exhaled carbon monoxide \
            reading \u{2265} 8 ppm. We excluded women with known major fetal anomaly, unstable \
            cardiovascular disease, or dependence on alcohol or other drugs.",
        ),
        Block::LeadPara(
            "Randomization and masking.",
            "A web-based system allocated participants 1:1 in permuted blocks of four and six, \
            stratified by centre and by gestation (< 18 or \u{2265} 18 weeks). Active and \
            placebo patches were identical in appearance and packaging; participants, midwives, \
            outcome assessors and statisticians were masked to allocation.",
        ),
        Block::LeadPara(
            "Interventions.",
            "Participants received 15 mg/16 h nicotine patches or placebo patches for 8 weeks \
            (one patch daily, 56 \u{00D7} 16 h), with a 4-week supply issued at randomization and a further 4 weeks at the first \
            review. All women received structured behavioural support from trained midwives at \
            baseline and at weeks 1, 2, 4 and 8.",
        ),
        Block::LeadPara(
            "Outcomes.",
            "The primary outcome was self-reported abstinence from randomization until \
            delivery, validated by exhaled carbon monoxide < 8 ppm or salivary cotinine < 10 \
            ng/mL at delivery. Secondary outcomes included abstinence at 4 weeks, plasma \
            nicotine at week 4, birth weight, preterm birth (< 37 weeks), and adverse events.",
        ),
        Block::LeadPara(
            "Statistical analysis.",
            "Assuming abstinence of 5% with placebo, 400 women gave 80% power at a two-sided \
            significance level of 0.05 to detect an absolute increase of 6 percentage points. Analyses \
            followed the intention-to-treat principle; women lost to follow-up were counted as \
            smokers. Odds ratios were estimated by logistic regression adjusted for the \
            stratification factors, and continuous outcomes were compared by linear regression \
            and reported as mean \u{00B1} SD.",
        ),
        Block::Heading("3. Results"),
        Block::Para(
            "Between March 2017 and October 2019, 1,126 women were screened and 403 were \
            randomized: 201 to nicotine and 202 to placebo. Baseline characteristics were \
            balanced; mean age was 26.8 \u{00B1} 5.9 years and mean gestation at enrolment 16.1 \
            \u{00B1} 3.4 weeks. Delivery outcomes were available for 391 women (97%).",
        ),
        Block::Para(
            "Adherence was modest: 29% of women in the nicotine arm and 33% in the placebo arm \
            used patches for more than one month. At week 4, plasma nicotine was 12.4 \u{00B1} \
            3.1 \u{03BC}g/L with active patches and 0.9 \u{00B1} 0.6 \u{03BC}g/L with placebo (P \
            < 0.001). Validated abstinence at 4 weeks was higher with nicotine (21.4% vs 11.9%; \
            P = 0.01) but the difference narrowed by delivery (Table 2).",
        ),
        Block::Para(
            "Birth weight was 3,214 \u{00B1} 498 g with nicotine and 3,156 \u{00B1} 531 g with \
            placebo, a difference of 58 g (95% CI \u{2212}43 to 159). Rates of preterm birth, \
            miscarriage and stillbirth were similar, and no excess of serious adverse events was \
            seen. Skin reactions were more frequent with active patches (11.4% vs 4.5%).",
        ),
        Block::Heading("3.1 Subgroup and sensitivity analyses"),
        Block::Para(
            "The effect on abstinence at delivery was similar in women who smoked fewer or more \
            than 10 cigarettes per day at enrolment and in those enrolled before or after 18 \
            weeks. Excluding women with no delivery outcome, rather than counting them as \
            smokers, gave an odds ratio of 1.86 (95% CI 0.85 to 4.07). Women who used patches \
            for more than one month had abstinence of 21.1% with nicotine and 9.0% with \
            placebo, an association that is not protected by randomization.",
        ),
        Block::Heading("4. Discussion"),
        Block::Para(
            "In this trial a standard-dose nicotine patch did not significantly increase \
            abstinence until delivery, although it roughly doubled short-term abstinence. The \
            most plausible explanation is low adherence combined with the accelerated clearance \
            of nicotine in pregnancy, so that the effective dose was small. The plasma nicotine \
            we observed was well below the levels typical of the same women when smoking, which \
            supports the case for trials of higher or combined doses.",
        ),
        Block::Para(
            "The safety findings are reassuring: there was no signal of harm on birth weight or \
            on serious pregnancy outcomes. The trial was not powered for rare events, however, \
            and the confidence interval for birth weight includes small reductions. A \
            distinctive feature of LANTERN was the amber-card adherence diary, which women \
            described as more useful than the patches themselves.",
        ),
        Block::Para(
            "Our results agree with earlier pooled analyses showing a short-lived effect of NRT \
            in pregnancy. Future trials should combine adequate dosing with support that keeps \
            women using the product for longer.",
        ),
        Block::Para(
            "Biochemical validation matters in this setting. Self-reported abstinence at \
            delivery was 18.9% and 14.4% in the two arms, so roughly half of reported quitting \
            was not confirmed by carbon monoxide or cotinine. Trials that rely on self-report \
            may therefore overstate both abstinence and the difference between arms.",
        ),
        Block::Heading("5. Conclusions"),
        Block::Para(
            "Adding standard-dose nicotine patches to behavioural support did not significantly \
            increase validated abstinence at delivery among pregnant smokers, and showed no \
            evidence of harm. Trials of higher, adherence-supported doses are warranted.",
        ),
    ],
    table: Table {
        caption: "Table 2. Primary and secondary outcomes by randomized arm (intention to \
            treat). Values are n (%) or mean \u{00B1} SD.",
        widths: &[2.2, 0.6, 1.4, 1.5, 1.6, 1.4],
        header: &[
            "Arm",
            "n",
            "Plasma nicotine, \u{03BC}g/L",
            "Birth weight, g",
            "Abstinent at delivery, n (%)",
            "Preterm birth, n (%)",
        ],
        rows: &[
            &[
                "Nicotine patch, 15 mg/16 h",
                "201",
                "12.4 \u{00B1} 3.1",
                "3,214 \u{00B1} 498",
                "19 (9.5)",
                "14 (7.0)",
            ],
            &[
                "Placebo patch",
                "202",
                "0.9 \u{00B1} 0.6",
                "3,156 \u{00B1} 531",
                "11 (5.4)",
                "17 (8.4)",
            ],
            &[
                "P value",
                "",
                "P < 0.001",
                "P = 0.26",
                "P = 0.13",
                "P = 0.59",
            ],
        ],
        note: "Abstinence validated by exhaled CO < 8 ppm or salivary cotinine < 10 ng/mL; \
            missing outcomes counted as smoking. Difference in birth weight 58 g (95% CI \
            \u{2212}43 to 159). Odds ratio for abstinence 1.81 (0.84 to 3.90).",
    },
    references: &[
        "Calder RJ, Ndiaye F. Smoking in pregnancy and fetal growth: a cohort of 40,000 \
        births. J Imag Perinat Med. 2014;9:211\u{2013}219.",
        "Vasquez L, Holm T, Kerrigan B. Nicotine replacement therapy for pregnant smokers: a \
        systematic review. Demo Rev Syst. 2018;3:CD0001.",
        "Asher PM, Lund K. Accelerated nicotine metabolism in pregnancy. Fict Clin Pharmacol. \
        2012;41:77\u{2013}84.",
        "Brennan D, Sato Y. Behavioural support for stopping smoking in pregnancy: a pragmatic \
        trial. Demo J Clin Trials. 2016;9(2):88\u{2013}97.",
        "Ogundipe A, Larsen M. Cotinine and carbon monoxide validation of smoking status in \
        pregnancy. J Imag Biomark. 2015;6:301\u{2013}308.",
    ],
};

const VITAMIN_D: Report = Report {
    number: 1,
    file_name: "demo-vitamin-d-falls-trial.pdf",
    title: "Monthly high-dose vitamin D3 and falls in community-dwelling older adults: a \
        randomized, double-blind, placebo-controlled trial (the SOLSTICE trial)\u{2020}",
    short_title: "Vitamin D3 and falls in older adults (SOLSTICE)",
    authors: "Ingrid Halvorsen-Mbeki, Rafael Quintana, Sophie E. Achterberg, Kwame Asante, \
        Lucy Tremaine",
    affiliations: "Division of Geriatric Medicine, Northmoor General Hospital (fictional); \
        Department of Nutrition Science, University of Westvale (fictional)",
    citation: "2022;15(1):44\u{2013}52",
    keywords: "vitamin D; cholecalciferol; falls; older adults; 25-hydroxyvitamin D; \
        randomized controlled trial",
    abstract_parts: &[
        (
            "Background",
            "Low vitamin D status is common in older adults and has been linked to muscle \
            weakness and falls, but trials of supplementation have given conflicting results.",
        ),
        (
            "Methods",
            "We randomly assigned adults aged \u{2265} 70 years living in the community, with \
            at least one fall in the previous year, to oral vitamin D3 60,000 IU monthly or \
            matching placebo for 12 months. The primary outcome was the rate of falls recorded \
            by monthly calendars; secondary outcomes included serum 25-hydroxyvitamin D \
            [25(OH)D], fractures and hypercalcaemia.",
        ),
        (
            "Results",
            "A total of 612 participants were randomized (306 per arm). Serum 25(OH)D rose \
            from 41.2 \u{00B1} 14.8 to 88.5 \u{00B1} 21.3 nmol/L with vitamin D and was \
            unchanged with placebo (P < 0.001). The fall rate was 0.94 versus 0.97 falls per \
            person-year (incidence rate ratio 0.97, 95% CI 0.81 to 1.16; P = 0.74).",
        ),
        (
            "Conclusions",
            "Monthly high-dose vitamin D3 corrected low vitamin D status but did not reduce \
            falls in older adults at high risk of falling.",
        ),
    ],
    body: &[
        Block::Heading("1. Introduction"),
        Block::Para(
            "Falls are the commonest cause of injury in people older than 70 years, and about \
            a third of community-dwelling older adults fall each year. Vitamin D acts on \
            skeletal muscle through the vitamin D receptor, and observational studies link low \
            serum 25-hydroxyvitamin D [25(OH)D] to weakness, slower gait and falls.",
        ),
        Block::Para(
            "Randomized trials have not settled the question. Some daily-dose trials suggested \
            fewer falls, while trials of large intermittent doses found no benefit or even \
            harm. Monthly dosing is attractive because it improves adherence. We tested \
            whether 60,000 IU of vitamin D3 monthly reduces the rate of falls in older adults \
            who had already fallen.",
        ),
        Block::Heading("2. Methods"),
        Block::LeadPara(
            "Trial design.",
            "SOLSTICE was a two-arm, parallel, double-blind, placebo-controlled trial conducted \
            through 23 primary care practices. An independent data monitoring committee \
            reviewed safety every six months.",
        ),
        Block::LeadPara(
            "Participants.",
            "Eligible participants were aged \u{2265} 70 years, lived independently, and \
            reported \u{2265} 1 fall in the previous 12 months. Exclusion criteria were serum \
            calcium > 2.65 mmol/L, estimated glomerular filtration rate < 30 mL/min/1.73 \
            m\u{00B2}, kidney stones, sarcoidosis, or current use of more than 800 IU of \
            vitamin D per day.",
        ),
        Block::LeadPara(
            "Intervention.",
            "Participants took one capsule of vitamin D3 60,000 IU (1,500 \u{03BC}g) or an \
            identical placebo capsule on the first day of each month for 12 months (12 \u{00D7} \
            60,000 IU in all). Capsules were posted in \
            blister packs, and adherence was assessed by counting returned capsules.",
        ),
        Block::LeadPara(
            "Outcomes.",
            "The primary outcome was the rate of falls, recorded on prepaid monthly calendars \
            and confirmed by telephone. Secondary outcomes were the proportion of participants \
            who fell, injurious falls, fractures, serum 25(OH)D at 12 months, short physical \
            performance battery score, and hypercalcaemia (serum calcium > 2.65 mmol/L).",
        ),
        Block::LeadPara(
            "Statistical analysis.",
            "With 300 participants per arm we had 80% power to detect a 25% reduction in the \
            fall rate, assuming 1.0 falls per person-year and overdispersion of 1.5. Fall \
            rates were compared by negative binomial regression with follow-up time as an \
            offset. Continuous outcomes are given as mean \u{00B1} SD and compared by analysis \
            of covariance.",
        ),
        Block::Heading("3. Results"),
        Block::Para(
            "Of 1,480 people screened, 612 were randomized between September 2018 and June \
            2019; 578 (94%) completed 12 months. Mean age was 77.9 \u{00B1} 5.2 years, 64% were \
            women, and 38% had a baseline 25(OH)D < 40 nmol/L. Capsule adherence was 93%.",
        ),
        Block::Para(
            "Serum 25(OH)D rose to 88.5 \u{00B1} 21.3 nmol/L with vitamin D and was 42.0 \
            \u{00B1} 15.6 nmol/L with placebo at 12 months (P < 0.001). There were 277 falls in \
            the vitamin D arm and 289 in the placebo arm (Table 2). The proportion who fell \
            (48.4% vs 49.7%), injurious falls and fractures did not differ. Two participants \
            receiving vitamin D and one receiving placebo had transient hypercalcaemia.",
        ),
        Block::Heading("3.1 Secondary and safety outcomes"),
        Block::Para(
            "Injurious falls occurred in 21.2% of participants given vitamin D and 22.5% of \
            those given placebo. There were 14 and 17 fractures respectively, 3 of them hip \
            fractures in each arm. The short physical performance battery score declined \
            slightly in both arms, by \u{2212}0.3 \u{00B1} 1.8 and \u{2212}0.4 \u{00B1} 1.9 \
            points. No participant developed kidney stones, and mean serum calcium was \
            unchanged at 2.38 \u{00B1} 0.09 mmol/L.",
        ),
        Block::Heading("4. Discussion"),
        Block::Para(
            "Monthly vitamin D3 restored 25(OH)D to the range usually regarded as adequate but \
            did not reduce falls. The result was consistent across subgroups, including \
            participants with the lowest baseline levels, which argues against the idea that \
            only deficient people benefit.",
        ),
        Block::Para(
            "Seasonal sampling offers one clue. Concentrations measured in the placebo arm \
            between November and March showed a\u{00A0}wintertime\u{00A0}calcidiol\u{00A0}plateau \
            near 40 nmol/L rather than the steep decline we had expected, so the contrast \
            between arms was smaller in winter than planned. Bolus dosing may also produce \
            peaks that up-regulate catabolism of the active hormone.",
        ),
        Block::Para(
            "Strengths of the trial include prospective calendars, high adherence and \
            complete blinding. Its limitations are a single dosing regimen and a population \
            that was largely mobile. Taken together with earlier trials, our findings do not \
            support monthly high-dose vitamin D for the prevention of falls.",
        ),
        Block::Para(
            "Our findings fit with meta-analyses in which vitamin D given alone, without \
            calcium, had no effect on falls or fractures in community-dwelling adults. Trials \
            in care homes, where deficiency is more severe and sunlight exposure is low, may \
            still give different answers.",
        ),
        Block::Heading("5. Conclusions"),
        Block::Para(
            "In older adults at high risk of falling, 60,000 IU of vitamin D3 monthly raised \
            serum 25(OH)D substantially but did not reduce the rate of falls, injurious falls \
            or fractures over 12 months.",
        ),
    ],
    table: Table {
        caption: "Table 2. Falls, vitamin D status and safety outcomes by randomized arm. Values \
            are n, mean \u{00B1} SD or n (%).",
        widths: &[1.9, 0.6, 1.5, 1.5, 1.3, 1.5],
        header: &[
            "Arm",
            "n",
            "25(OH)D at 12 months, nmol/L",
            "Falls per person-year",
            "Participants who fell, n (%)",
            "Hypercalcaemia, n (%)",
        ],
        rows: &[
            &[
                "Vitamin D3 60,000 IU monthly",
                "306",
                "88.5 \u{00B1} 21.3",
                "0.94",
                "148 (48.4)",
                "2 (0.7)",
            ],
            &[
                "Placebo",
                "306",
                "42.0 \u{00B1} 15.6",
                "0.97",
                "152 (49.7)",
                "1 (0.3)",
            ],
            &[
                "P value",
                "",
                "P < 0.001",
                "P = 0.74",
                "P = 0.75",
                "P = 0.62",
            ],
        ],
        note: "Fall rates compared by negative binomial regression (incidence rate ratio 0.97, \
            95% CI 0.81 to 1.16). Change in SPPB score from baseline \u{2212}0.3 \u{00B1} 1.8 \
            vs \u{2212}0.4 \u{00B1} 1.9 points.",
    },
    references: &[
        "Lindgren AK, Obi C. Vitamin D receptor expression in ageing skeletal muscle. Fict J \
        Musc Res. 2013;22:145\u{2013}152.",
        "Marsh EJ, Duarte P. Serum 25-hydroxyvitamin D and falls in older adults: a \
        prospective cohort. J Imag Gerontol. 2015;70:1022\u{2013}1029.",
        "Yamada K, Fenwick R. Annual high-dose cholecalciferol and falls: a randomized trial. \
        Demo J Clin Trials. 2017;10(4):310\u{2013}318.",
        "Petrov IV, Hale S. Vitamin D supplementation for the prevention of falls: a \
        meta-analysis. Demo Rev Syst. 2020;5:CD0042.",
        "Adeola T, Grant W. Seasonal variation of serum calcidiol in northern latitudes. Fict \
        Nutr Metab. 2011;18:55\u{2013}61.",
    ],
};

const KNEE: Report = Report {
    number: 3,
    file_name: "demo-exercise-knee-osteoarthritis-trial.pdf",
    title: "Supervised progressive exercise versus education for knee osteoarthritis: a \
        pragmatic randomized controlled trial (the STRIDE-OA trial)\u{2020}",
    short_title: "Exercise for knee osteoarthritis (STRIDE-OA)",
    authors: "Niamh O\u{2019}Callaghan, Jun-seo Park, Elena V. Sokolova, Oluwaseun Adeyemi, \
        Pieter de Vries",
    affiliations: "School of Physiotherapy, Eastbrook University (fictional); Musculoskeletal \
        Research Unit, Riverside Community Health Trust (fictional)",
    citation: "2023;16(2):118\u{2013}126",
    keywords: "knee osteoarthritis; exercise therapy; physiotherapy; WOMAC; pain; randomized \
        controlled trial",
    abstract_parts: &[
        (
            "Background",
            "Exercise is recommended for knee osteoarthritis, but the size of its benefit over \
            good-quality education in routine care is uncertain.",
        ),
        (
            "Methods",
            "Adults aged \u{2265} 45 years with symptomatic knee osteoarthritis were randomly \
            assigned to 12 weeks of supervised progressive exercise (two 45-minute sessions per \
            week) or to an education programme. The primary outcome was change in WOMAC pain \
            (0 to 20) at 12 weeks.",
        ),
        (
            "Results",
            "Of 248 participants, 124 were assigned to each arm. WOMAC pain fell by 4.1 \
            \u{00B1} 3.6 points with exercise and 2.3 \u{00B1} 3.4 points with education \
            (difference \u{2212}1.8, 95% CI \u{2212}2.7 to \u{2212}0.9; P < 0.001). Benefits on \
            function were maintained at 6 months.",
        ),
        (
            "Conclusions",
            "Supervised progressive exercise reduced knee pain more than education, by an \
            amount close to the minimal clinically important difference.",
        ),
    ],
    body: &[
        Block::Heading("1. Introduction"),
        Block::Para(
            "Knee osteoarthritis is a leading cause of pain and disability in middle and older \
            age. Guidelines place exercise and education at the core of management, yet many \
            patients are referred for imaging, injections or surgery without a structured \
            exercise programme.",
        ),
        Block::Para(
            "Most exercise trials have compared exercise with no treatment or usual care, \
            which exaggerates benefit when the control group receives little attention. We \
            compared a supervised, progressive programme with an education programme of equal \
            contact time, delivered by physiotherapists in community clinics.",
        ),
        Block::Heading("2. Methods"),
        Block::LeadPara(
            "Design.",
            "STRIDE-OA was a pragmatic, assessor-blinded, two-arm randomized trial in six \
            community physiotherapy clinics, with follow-up at 12 weeks and 6 months.",
        ),
        Block::LeadPara(
            "Participants.",
            "We included adults aged \u{2265} 45 years with activity-related knee pain on most \
            days for \u{2265} 3 months, morning stiffness \u{2264} 30 minutes, and pain of at least \
            4 on an 11-point scale. Exclusion criteria were knee replacement on the index side, \
            intra-articular injection within 3 months, inflammatory arthritis, and a body mass \
            index \u{2265} 40 kg/m\u{00B2}.",
        ),
        Block::LeadPara(
            "Interventions.",
            "The exercise group attended two 45-minute sessions per week for 12 weeks. Each \
            session included warm-up cycling, then 3 \u{00D7} 10 repetitions of sit-to-stand, \
            step-ups, leg press and hip abduction, progressed when a set felt easy. The \
            education group attended the same number of sessions covering the nature of \
            osteoarthritis, pain management, weight control and activity pacing.",
        ),
        Block::LeadPara(
            "Outcomes.",
            "The primary outcome was change from baseline in WOMAC pain (0 to 20, higher is \
            worse) at 12 weeks. Secondary outcomes were WOMAC function, 30-second chair-stand \
            count, 40-metre fast-paced walk time, global rating of change, and adverse events.",
        ),
        Block::LeadPara(
            "Sample size and analysis.",
            "We needed 110 participants per arm to detect a difference of 1.5 points (SD 3.5) \
            with 90% power, and recruited 124 per arm to allow for 10% loss to follow-up. \
            Between-group differences were estimated by linear mixed models adjusted for \
            baseline score and clinic.",
        ),
        Block::Heading("3. Results"),
        Block::Para(
            "Between January 2020 and May 2021, 412 people were screened and 248 randomized. \
            Mean age was 63.5 \u{00B1} 8.7 years; 61% were women and mean body mass index was \
            29.8 \u{00B1} 4.6 kg/m\u{00B2}. Of the exercise group, 78% attended \u{2265} 18 of 24 \
            sessions, as did 74% of the education group.",
        ),
        Block::Para(
            "At 12 weeks WOMAC pain had fallen by 4.1 \u{00B1} 3.6 points with exercise and by \
            2.3 \u{00B1} 3.4 with education (Table 2). Chair-stand count improved by 2.6 \
            \u{00B1} 2.9 versus 0.8 \u{00B1} 2.5 repetitions (P < 0.001). Nineteen participants \
            receiving exercise reported transient increases in knee pain, none serious.",
        ),
        Block::Heading("3.1 Follow-up at 6 months"),
        Block::Para(
            "At 6 months, 231 participants (93%) provided data. The difference in WOMAC pain \
            narrowed to \u{2212}1.2 points (95% CI \u{2212}2.1 to \u{2212}0.3), while the \
            difference in WOMAC function (0 to 68) was \u{2212}4.6 points (\u{2212}7.4 to \
            \u{2212}1.8). Fast-paced walk time was 1.9 seconds faster with exercise. Fewer \
            participants in the exercise arm had sought an injection or a surgical opinion \
            (6.5% vs 12.9%).",
        ),
        Block::Heading("4. Discussion"),
        Block::Para(
            "Supervised progressive exercise reduced pain and improved function more than an \
            education programme with the same contact time. The difference in pain, 1.8 \
            points, is close to the minimal clinically important difference, and the larger \
            gains in chair-stand performance suggest that strength was the main mechanism.",
        ),
        Block::Para(
            "The comparison with an active education programme is the main strength of the \
            trial. Participants in the exercise group valued the staircase ladder chart on \
            which they plotted their own progression. Limitations include the lack of blinding \
            of participants and follow-up of only 6 months.",
        ),
        Block::Para(
            "Clinicians should offer supervised, progressive exercise as a first-line \
            treatment, while setting realistic expectations about the size of its benefit.",
        ),
        Block::Para(
            "Exercise effects in osteoarthritis tend to fade once supervision stops, and our \
            6-month results show the same pattern. Booster sessions, digital support or group \
            classes in the community may help participants to keep exercising and to retain \
            the benefit.",
        ),
        Block::Heading("5. Conclusions"),
        Block::Para(
            "Twelve weeks of supervised progressive exercise gave greater improvements in pain \
            and function than an education programme of equal contact time, with only minor \
            adverse events.",
        ),
    ],
    table: Table {
        caption: "Table 2. Outcomes at 12 weeks by randomized arm. Values are n, mean \u{00B1} SD \
            (change from baseline) or n (%).",
        widths: &[1.9, 0.6, 1.6, 1.6, 1.4, 1.4],
        header: &[
            "Arm",
            "n",
            "Change in WOMAC pain (0\u{2013}20)",
            "Change in chair stands, repetitions",
            "Improved on global rating, n (%)",
            "Adverse events, n (%)",
        ],
        rows: &[
            &[
                "Supervised exercise",
                "124",
                "\u{2212}4.1 \u{00B1} 3.6",
                "2.6 \u{00B1} 2.9",
                "79 (63.7)",
                "19 (15.3)",
            ],
            &[
                "Education",
                "124",
                "\u{2212}2.3 \u{00B1} 3.4",
                "0.8 \u{00B1} 2.5",
                "52 (41.9)",
                "6 (4.8)",
            ],
            &[
                "P value",
                "",
                "P < 0.001",
                "P < 0.001",
                "P < 0.001",
                "P = 0.007",
            ],
        ],
        note: "Differences adjusted for baseline score and clinic: WOMAC pain \u{2212}1.8 (95% \
            CI \u{2212}2.7 to \u{2212}0.9); chair stands 1.8 (1.1 to 2.5). Minimal clinically \
            important difference for WOMAC pain taken as 1.5 points.",
    },
    references: &[
        "Holloway J, Mensah K. Burden of knee osteoarthritis in community care. J Imag \
        Rheumatol. 2019;31:402\u{2013}410.",
        "Brandt F, Iqbal S. Exercise for osteoarthritis of the knee: a systematic review. Demo \
        Rev Syst. 2021;6:CD0077.",
        "Kowalczyk A, Reid M. Minimal clinically important differences for WOMAC pain. Fict \
        Outcomes Res. 2012;14:33\u{2013}39.",
        "Tanaka H, Olsen B. Education versus exercise in hip and knee pain: a feasibility \
        study. Demo J Clin Trials. 2018;11(1):12\u{2013}19.",
        "Dubois C, Nwosu E. Maintaining exercise after physiotherapy for osteoarthritis. J \
        Imag Physiother. 2020;66:240\u{2013}247.",
    ],
};

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn count(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .filter(|w| *w == needle)
            .count()
    }

    /// The text a content stream shows, decoded through the fonts' encoding
    /// (as a `/ToUnicode`-aware reader would), one line per text object.
    fn page_text(stream: &[u8]) -> String {
        let decode = |code: u8| -> char {
            if (32..=126).contains(&code) {
                return char::from(code);
            }
            EXTRA_GLYPHS
                .iter()
                .find(|(c, _, _, _)| *c == code)
                .map(|(_, unicode, _, _)| *unicode)
                .unwrap()
        };
        let mut text = String::new();
        let mut i = 0;
        while i < stream.len() {
            match stream[i] {
                b'(' => {
                    let mut depth = 1;
                    i += 1;
                    while depth > 0 {
                        let byte = stream[i];
                        match byte {
                            b'\\' => {
                                i += 1;
                                let escaped = stream[i];
                                if escaped.is_ascii_digit() {
                                    let octal = std::str::from_utf8(&stream[i..i + 3]).unwrap();
                                    text.push(decode(u8::from_str_radix(octal, 8).unwrap()));
                                    i += 2;
                                } else {
                                    text.push(char::from(escaped));
                                }
                            }
                            b'(' => {
                                depth += 1;
                                text.push('(');
                            }
                            b')' => {
                                depth -= 1;
                                if depth > 0 {
                                    text.push(')');
                                }
                            }
                            _ => text.push(decode(byte)),
                        }
                        i += 1;
                    }
                }
                b'<' if stream.get(i + 1).is_some_and(u8::is_ascii_hexdigit) => {
                    let end = i + stream[i..].iter().position(|b| *b == b'>').unwrap();
                    let hex = std::str::from_utf8(&stream[i + 1..end]).unwrap();
                    for pair in hex.as_bytes().chunks(2) {
                        let pair = std::str::from_utf8(pair).unwrap();
                        text.push(decode(u8::from_str_radix(pair, 16).unwrap()));
                    }
                    i = end + 1;
                }
                b'E' if stream[i..].starts_with(b"ET\n") => {
                    text.push('\n');
                    i += 1;
                }
                _ => i += 1,
            }
        }
        text
    }

    /// Every string a report prints.
    fn report_texts(report: &Report) -> Vec<String> {
        let mut texts: Vec<String> = vec![
            report.title.to_owned(),
            report.short_title.to_owned(),
            report.authors.to_owned(),
            report.affiliations.to_owned(),
            report.citation.to_owned(),
            report.keywords.to_owned(),
            report.table.caption.to_owned(),
            report.table.note.to_owned(),
            FICTION_NOTE.to_owned(),
        ];
        for (label, text) in report.abstract_parts {
            texts.push((*label).to_owned());
            texts.push((*text).to_owned());
        }
        for block in report.body.iter().chain(&BACK_MATTER) {
            match block {
                Block::Heading(text) | Block::Para(text) => texts.push((*text).to_owned()),
                Block::LeadPara(lead, text) => {
                    texts.push((*lead).to_owned());
                    texts.push((*text).to_owned());
                }
            }
        }
        texts.extend(report.table.header.iter().map(|s| (*s).to_owned()));
        for row in report.table.rows {
            texts.extend(row.iter().map(|s| (*s).to_owned()));
        }
        texts.extend(report.references.iter().map(|s| (*s).to_owned()));
        texts
    }

    #[test]
    fn three_distinct_pdfs() {
        let reports = demo_trial_reports();
        assert_eq!(reports.len(), 3);
        for (i, a) in reports.iter().enumerate() {
            assert!(a.bytes.starts_with(b"%PDF-"), "{}", a.file_name);
            assert!(a.bytes.ends_with(b"%%EOF") || a.bytes.ends_with(b"%%EOF\n"));
            assert!(a.file_name.ends_with(".pdf"));
            assert!(!a.title.is_empty());
            for b in &reports[i + 1..] {
                assert_ne!(a.file_name, b.file_name);
                assert_ne!(a.title, b.title);
                assert_ne!(a.bytes, b.bytes);
            }
        }
    }

    #[test]
    fn bytes_are_deterministic() {
        assert_eq!(demo_trial_reports(), demo_trial_reports());
        for pdf in demo_trial_reports() {
            assert!(!contains(&pdf.bytes, b"/CreationDate"));
            assert!(!contains(&pdf.bytes, b"/ID"));
        }
    }

    #[test]
    fn each_report_has_two_pages() {
        for pdf in demo_trial_reports() {
            let pages = count(&pdf.bytes, b"/Type /Page") - count(&pdf.bytes, b"/Type /Pages");
            assert_eq!(pages, 2, "{}", pdf.file_name);
            assert!(contains(&pdf.bytes, b"/Count 2"));
            assert!(contains(&pdf.bytes, b"Page 2 of 2"));
        }
        for report in &REPORTS {
            assert_eq!(layout(report).len(), 2, "{}", report.file_name);
        }
    }

    #[test]
    fn fonts_map_symbols_to_unicode() {
        for pdf in demo_trial_reports() {
            let bytes = &pdf.bytes;
            for font in [
                &b"/Helvetica\n"[..],
                b"/Helvetica-Bold\n",
                b"/Helvetica-Oblique\n",
            ] {
                assert!(contains(bytes, font), "{}", String::from_utf8_lossy(font));
            }
            assert_eq!(count(bytes, b"/ToUnicode 4 0 R"), 3);
            assert_eq!(count(bytes, b"/BaseEncoding /WinAnsiEncoding"), 3);
            assert!(contains(bytes, b"/greaterequal"));
            assert!(contains(bytes, b"/minus"));
            assert!(contains(bytes, b"beginbfchar"));
            // ≥ − μ ± × in the CMap.
            for pair in [
                &b"<81> <2265>"[..],
                b"<8D> <2212>",
                b"<B5> <03BC>",
                b"<B1> <00B1>",
                b"<D7> <00D7>",
            ] {
                assert!(contains(bytes, pair), "{}", String::from_utf8_lossy(pair));
            }
        }
    }

    #[test]
    fn symbols_read_back_as_unicode() {
        assert_eq!(
            encode("≥ − μ µ ± × \u{00A0}"),
            b"\x81 \x8D \xB5 \xB5 \xB1 \xD7  "
        );
        let nicotine: String = layout(&NICOTINE).iter().map(|p| page_text(p)).collect();
        assert!(nicotine.contains("0.9 ± 0.6 μg/L"), "{nicotine}");
        assert!(nicotine.contains("12.4 ± 3.1\n"));
        assert!(nicotine.contains("aged ≥ 16 years"));
        assert!(nicotine.contains("(P < 0.001)"));
        assert!(nicotine.contains("56 × 16 h"));
        assert!(nicotine.contains("Page 1 of 2"));
        let knee: String = layout(&KNEE).iter().map(|p| page_text(p)).collect();
        assert!(knee.contains("3 × 10 repetitions"));
        assert!(knee.contains("−1.8"));
        assert!(knee.contains("morning stiffness ≤ 30 minutes"));
    }

    #[test]
    fn every_printed_character_is_in_the_font() {
        for report in &REPORTS {
            for text in report_texts(report) {
                for c in text.chars() {
                    assert!(encode_char(c).is_some(), "{c:?} in {}", report.file_name);
                }
            }
        }
    }

    #[test]
    fn wrapped_lines_fit_their_column() {
        for report in &REPORTS {
            for text in report_texts(report) {
                for line in wrap(&plain(Face::Regular, &text), BODY_SIZE, COLUMN_WIDTH) {
                    let width: f32 = line
                        .iter()
                        .map(|run| text_width(run.face, BODY_SIZE, &run.text))
                        .sum();
                    let words = line
                        .iter()
                        .map(|r| r.text.split(' ').count())
                        .sum::<usize>();
                    assert!(width <= COLUMN_WIDTH || words == 1, "{width}: {line:?}");
                }
            }
        }
        assert!((text_width(Face::Regular, 10.0, "Hi") - 9.44).abs() < 1e-4);
        assert!((text_width(Face::Bold, 10.0, "Hi") - 10.0).abs() < 1e-4);
    }

    #[test]
    fn search_phrase_is_on_one_page_of_one_report() {
        let mut hits = Vec::new();
        for report in &REPORTS {
            for (index, page) in layout(report).iter().enumerate() {
                if page_text(page).contains(DEMO_SEARCH_PHRASE) {
                    hits.push((report.file_name, index + 1));
                }
            }
            for text in report_texts(report) {
                let text = text.replace('\u{00A0}', " ");
                if text.contains(DEMO_SEARCH_PHRASE) {
                    assert_eq!(report.file_name, DEMO_SEARCH_FILE_NAME);
                }
            }
        }
        let page = usize::try_from(DEMO_SEARCH_PAGE).unwrap();
        assert_eq!(hits, vec![(DEMO_SEARCH_FILE_NAME, page)]);
        assert_eq!(demo_trial_reports()[0].file_name, DEMO_SEARCH_FILE_NAME);
        let first = &demo_trial_reports()[0].bytes;
        assert!(contains(first, b"evistream.demo.1"));
    }
}
