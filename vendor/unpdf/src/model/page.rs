//! Page-level types.

use super::{Paragraph, Resource, Table};
use crate::parser::backend::TextSuppression;
use serde::{Deserialize, Serialize};

/// A font whose text runs were discarded on a page, and why.
///
/// Attributes [`Page::suppressed_text_runs`] to the fonts that caused it: the sum of
/// `runs` over a page's [`Page::unreadable_fonts`] equals that page's
/// `suppressed_text_runs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadableFont {
    /// The font's `/BaseFont`, as written (a subset prefix such as `ABCDEF+` is kept).
    /// The font's resource name (the key in the page's `/Font`) when it has no `/BaseFont`.
    pub name: String,

    /// Why the font's runs were discarded. Serialized as a stable `snake_case` string
    /// (`composite_unresolved`, `binary_density`, `unmapped_codes`); consumers must treat a
    /// value they do not know as a generic "unreadable".
    pub reason: TextSuppression,

    /// Text runs of this font discarded for this reason on the page.
    pub runs: usize,
}

/// A single page in the document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    /// Page number (1-indexed)
    pub number: u32,

    /// Page width in points (1 point = 1/72 inch)
    pub width: f32,

    /// Page height in points
    pub height: f32,

    /// Content blocks on the page
    pub elements: Vec<Block>,

    /// Page rotation in degrees (0, 90, 180, 270): the page's `/Rotate`, how far clockwise
    /// it is turned for display. `width` and `height` are the unrotated page box's.
    pub rotation: u16,

    /// 이 페이지에 포함된 이미지 리소스. `(resource_id, resource)` 형식.
    /// `Block::Image { resource_id, .. }` 의 id 와 동일하며, 스트리밍 writer
    /// 가 페이지 파싱 직후 즉시 디스크로 flush 할 수 있도록 제공.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<(String, Resource)>,

    /// 이 페이지의 OCR 텍스트 레이어가 읽을 수 없다고 판단되어 폐기된 경우 `true`.
    /// 스캔 이미지 위의 투명 텍스트가 아무 의미도 이루지 못할 때만 설정된다.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ocr_text_suppressed: bool,
    /// Text runs the font decoder could not read and discarded on this page.
    ///
    /// Non-zero means the page is missing content the document held. Unlike
    /// `ocr_text_suppressed` this counts runs, not the page as a whole — a page can
    /// lose a few runs and still carry most of its text.
    pub suppressed_text_runs: usize,

    /// The fonts behind [`Self::suppressed_text_runs`]: one entry per distinct font and
    /// reason, in the order each first lost a run on the page. Empty when nothing was
    /// discarded. Omitted from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable_fonts: Vec<UnreadableFont>,

    /// Content streams of this page that could not be decoded.
    ///
    /// Lenient parsing leaves them out and keeps whatever the page's other streams hold —
    /// an empty page when the undecodable stream was its only one, which otherwise reads
    /// exactly like a blank page. Non-zero means the page is missing content. Strict
    /// parsing fails the page instead, so this is only ever non-zero under lenient.
    #[serde(default)]
    pub undecodable_content_streams: usize,

    /// 콘텐츠 스트림의 텍스트 쇼잉 오퍼레이터(`Tj`/`TJ`/`'`/`"`) 수.
    /// 0이면서 `image_op_count > 0` 이면 텍스트 레이어 없는 스캔 페이지,
    /// 둘 다 0이면 진짜 빈 페이지 — 소비자가 이 둘을 구분하는 판별자.
    /// JSON에서는 0일 때 생략된다(부재 = 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub text_op_count: u32,

    /// Image paints: `Do` operators that paint an image (or anything that is not a Form
    /// XObject) and inline images (`BI`), including those inside the forms the page paints.
    /// Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_op_count: u32,

    /// Form XObject paints: `Do` operators that paint a form. A form's content is part of
    /// the page -- its text is counted in `text_op_count`, its images in `image_op_count` --
    /// so this says how the page was assembled, not what it shows. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub form_op_count: u32,

    /// Path-filling operators (`f`, `F`, `f*`, `B`, `B*`, `b`, `b*`), including those inside
    /// the forms the page paints. Glyphs drawn as filled outlines show as text but carry
    /// none: many fills with no text operator. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub fill_op_count: u32,

    /// Image XObjects on this page recognized as images but not extractable in the
    /// current output format (unsupported color space or bit depth), so dropped.
    #[serde(default)]
    pub unsupported_image_count: usize,

    /// Share of the page's visible region (its crop box) that images show in, 0 to 1: the
    /// union of every image paint's rectangle (XObject or inline, inside forms too), clipped
    /// to the crop box and the clipping path it is painted through. Near 1 with
    /// little text is a scan; a logo is a few hundredths. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero_f32")]
    pub image_coverage: f32,

    /// Text runs whose baseline is not horizontal left to right — rotated, vertical or
    /// upside-down text. The reading order treats every run as horizontal, so text set
    /// this way may come out in the wrong order. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rotated_text_runs: u32,

    /// Characters other than whitespace drawn in a rendering mode that paints nothing (3, or
    /// 7, which only adds to the clipping path, when nothing is painted inside that clip): the
    /// OCR layer of a searchable scan, or text meant to be found and not seen. Their text is
    /// extracted although nothing shows it, unless the OCR layer was dropped
    /// (`ocr_text_suppressed`), which leaves this count as it was. Against `painted_text_chars` it weighs an invisible layer against the text
    /// that shows. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub invisible_text_chars: u32,

    /// Characters other than whitespace drawn in a rendering mode that paints them (or in
    /// mode 7 with something painted inside its clip), outside what the clipping path hides.
    /// Painted is not visible: white text on white, a zero alpha, or text under an opaque
    /// image is painted. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub painted_text_chars: u32,

    /// Those of `painted_text_chars` whose baseline is in the top or bottom tenth of the
    /// page as shown (its `/Rotate` applied), where running heads and page numbers sit: a
    /// scan whose only text is its folio has all its painted text there. A geometric count,
    /// not the tagged-PDF pagination artifacts. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub margin_text_chars: u32,

    /// Non-whitespace Unicode scalar values removed by the page-number filters, including
    /// decorations such as `Page` or dashes. Counts characters, not semantic page numbers or
    /// text runs; saturates at `u32::MAX`. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted_page_number_chars: u32,
    /// A link bound or unsupported text association limited URI preservation. Text and
    /// proven links remain; unread annotations or incomplete indexing clear all page links.
    /// Missing means false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub link_annotations_incomplete: bool,

    /// Text runs the clipping path or the page box hides entirely. Their text is left out,
    /// as it does not show. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub clipped_text_runs: u32,

    /// Text runs whose text is only whitespace: they space the words around them and show
    /// nothing of their own. A blank run the clip hides is in neither this count nor
    /// `clipped_text_runs`. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blank_text_runs: u32,
    /// Codes a composite font's `ToUnicode` and own data give no character although their
    /// glyph advances, in runs that give other text. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub undecoded_text_codes: u32,

    /// Ruling-line grids drawn on the page. More grids than `ruled_tables` means a drawn
    /// grid produced no table. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ruled_grids: u32,

    /// Tables built from the page's ruling-line grids (tables found from text alignment
    /// alone are not counted). Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ruled_tables: u32,

    /// Text regions the reading order read one after another — columns, and the bands a
    /// heading or a full-width line divides them into. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reading_regions: u32,

    /// The most of those regions set side by side at any height: 1 for a single column,
    /// 2 for two columns. Omitted from JSON when 0 (no text).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub column_count: u32,

    /// Regions read line by line across although a whitespace channel divides their text
    /// into two sides that each look like a column of text: the rules that split columns
    /// declined, so the reading order there is a guess. Omitted from JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ambiguous_layout_regions: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_zero_f32(n: &f32) -> bool {
    *n == 0.0
}

impl Page {
    /// Create a new page with the given dimensions.
    pub fn new(number: u32, width: f32, height: f32) -> Self {
        Self {
            number,
            width,
            height,
            elements: Vec::new(),
            rotation: 0,
            images: Vec::new(),
            ocr_text_suppressed: false,
            suppressed_text_runs: 0,
            unreadable_fonts: Vec::new(),
            undecodable_content_streams: 0,
            text_op_count: 0,
            image_op_count: 0,
            form_op_count: 0,
            fill_op_count: 0,
            unsupported_image_count: 0,
            image_coverage: 0.0,
            rotated_text_runs: 0,
            invisible_text_chars: 0,
            painted_text_chars: 0,
            margin_text_chars: 0,
            omitted_page_number_chars: 0,
            link_annotations_incomplete: false,
            clipped_text_runs: 0,
            blank_text_runs: 0,
            undecoded_text_codes: 0,
            ruled_grids: 0,
            ruled_tables: 0,
            reading_regions: 0,
            column_count: 0,
            ambiguous_layout_regions: 0,
        }
    }

    /// Create a new page with standard Letter size (8.5 x 11 inches).
    pub fn letter(number: u32) -> Self {
        Self::new(number, 612.0, 792.0) // 8.5 * 72, 11 * 72
    }

    /// Create a new page with standard A4 size (210 x 297 mm).
    pub fn a4(number: u32) -> Self {
        Self::new(number, 595.0, 842.0) // 210mm * 2.834, 297mm * 2.834
    }

    /// Add a block to the page.
    pub fn add_block(&mut self, block: Block) {
        self.elements.push(block);
    }

    /// Add a paragraph to the page.
    pub fn add_paragraph(&mut self, paragraph: Paragraph) {
        self.elements.push(Block::Paragraph(paragraph));
    }

    /// Add a table to the page.
    pub fn add_table(&mut self, table: Table) {
        self.elements.push(Block::Table(table));
    }

    /// Get plain text content of the page.
    pub fn plain_text(&self) -> String {
        self.elements
            .iter()
            .filter_map(|block| {
                let mut text = String::new();
                block.append_plain_text(&mut text);
                (!text.is_empty()).then_some(text)
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Check if the page is empty (no content blocks).
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// Get the number of blocks on the page.
    pub fn block_count(&self) -> usize {
        self.elements.len()
    }

    /// Get page dimensions as (width, height) tuple.
    pub fn dimensions(&self) -> (f32, f32) {
        (self.width, self.height)
    }

    /// Check if the page is in landscape orientation.
    pub fn is_landscape(&self) -> bool {
        self.width > self.height
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::letter(1)
    }
}

/// A content block on a page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of text
    Paragraph(Paragraph),

    /// A table
    Table(Table),

    /// An image reference
    Image {
        /// Resource ID for the image
        resource_id: String,
        /// Alternative text
        alt_text: Option<String>,
        /// Image width in points
        width: Option<f32>,
        /// Image height in points
        height: Option<f32>,
        /// X position on page
        x: Option<f32>,
        /// Y position on page
        y: Option<f32>,
    },

    /// A horizontal rule / separator
    HorizontalRule,

    /// A page break marker
    PageBreak,

    /// A section break marker
    SectionBreak,

    /// Preformatted text set in a fixed-pitch font, such as a program listing: its lines as
    /// printed, each indented by the spaces its offset from the block's left edge amounts to,
    /// with no joining, escaping or clean-up. The Markdown renderer writes it as a fenced code
    /// block; plain text and JSON carry the lines as they are.
    Code {
        /// The lines, joined by `\n`.
        content: String,
    },

    /// Raw/unstructured content
    Raw {
        /// Raw content text
        content: String,
    },
}

impl Block {
    /// Append the plain-text representation of this block to `out`.
    ///
    /// Produces the same text as calling `plain_text()` on the underlying
    /// variant (Paragraph / Table / etc.); a code or raw block contributes its content as it
    /// is. [`Page::plain_text`] reads every block through this.
    pub fn append_plain_text(&self, out: &mut String) {
        match self {
            Block::Paragraph(p) => out.push_str(&p.plain_text()),
            Block::Table(t) => out.push_str(&t.plain_text()),
            Block::Code { content } | Block::Raw { content } => out.push_str(content),
            // Image, HorizontalRule, PageBreak, SectionBreak contribute no text.
            _ => {}
        }
    }

    /// Create an image block.
    pub fn image(resource_id: impl Into<String>) -> Self {
        Block::Image {
            resource_id: resource_id.into(),
            alt_text: None,
            width: None,
            height: None,
            x: None,
            y: None,
        }
    }

    /// Create an image block with dimensions.
    pub fn image_with_size(resource_id: impl Into<String>, width: f32, height: f32) -> Self {
        Block::Image {
            resource_id: resource_id.into(),
            alt_text: None,
            width: Some(width),
            height: Some(height),
            x: None,
            y: None,
        }
    }

    /// Check if this block is a paragraph.
    pub fn is_paragraph(&self) -> bool {
        matches!(self, Block::Paragraph(_))
    }

    /// Check if this block is a table.
    pub fn is_table(&self) -> bool {
        matches!(self, Block::Table(_))
    }

    /// Check if this block is an image.
    pub fn is_image(&self) -> bool {
        matches!(self, Block::Image { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_page_new() {
        let page = Page::new(1, 612.0, 792.0);
        assert_eq!(page.number, 1);
        assert_eq!(page.width, 612.0);
        assert_eq!(page.height, 792.0);
        assert!(page.is_empty());
    }

    #[test]
    fn test_page_letter_a4() {
        let letter = Page::letter(1);
        assert!(!letter.is_landscape());

        let a4 = Page::a4(1);
        assert!(!a4.is_landscape());
    }

    #[test]
    fn test_block_variants() {
        let img = Block::image("img1");
        assert!(img.is_image());
        assert!(!img.is_paragraph());
    }
}
