//! Rendering options and configuration.

use super::CleanupOptions;
use std::ops::RangeInclusive;

/// Options for rendering document content.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Prefix for image paths in output (e.g., "./images/")
    pub image_path_prefix: String,

    /// How to render complex tables
    pub table_fallback: TableFallback,

    /// Maximum heading level (1-6)
    pub max_heading_level: u8,

    /// Include YAML frontmatter with metadata
    pub include_frontmatter: bool,

    /// Preserve line breaks from source
    pub preserve_line_breaks: bool,

    /// Character to use for unordered list markers
    pub list_marker: char,

    /// Escape special Markdown characters
    pub escape_special_chars: bool,

    /// Text cleanup options
    pub cleanup: Option<CleanupOptions>,

    /// Shape-refinement pass ([`unparser_shared::refine::refine`]) applied after cleanup.
    /// Lossless and idempotent — normalizes table shape, ordered-list
    /// numbering, link/image paths, frontmatter, and section anchors without
    /// deleting any visible text. If `None` (the default), no refinement is
    /// performed and output is unchanged from pre-`refine` behavior.
    #[cfg(feature = "refine")]
    pub refine: Option<unparser_shared::refine::RefineOptions>,

    /// AI-assisted markdown refine — a generative rewrite pass applied after
    /// `refine`. Unlike `refine`, not lossless/idempotent by construction: a
    /// generative rewrite cannot guarantee either. `None` (the default) leaves
    /// output unchanged; the AI endpoint is only ever contacted when this is
    /// `Some`.
    #[cfg(feature = "ai")]
    pub ai_refine: Option<AiRefineOptions>,

    /// Page selection
    pub page_selection: PageSelection,

    /// Width for wrapping long lines (0 = no wrap)
    pub line_width: u32,

    /// Collect extraction statistics during rendering
    pub collect_stats: bool,

    /// Style for page boundary markers in Markdown output.
    pub page_markers: PageMarkerStyle,
}

impl RenderOptions {
    /// Create new render options with defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the image path prefix.
    pub fn with_image_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.image_path_prefix = prefix.into();
        self
    }

    /// Set the table fallback mode.
    pub fn with_table_fallback(mut self, fallback: TableFallback) -> Self {
        self.table_fallback = fallback;
        self
    }

    /// Set the maximum heading level.
    pub fn with_max_heading(mut self, level: u8) -> Self {
        self.max_heading_level = level.clamp(1, 6);
        self
    }

    /// Enable or disable frontmatter.
    pub fn with_frontmatter(mut self, include: bool) -> Self {
        self.include_frontmatter = include;
        self
    }

    /// Enable or disable line break preservation.
    pub fn with_line_breaks(mut self, preserve: bool) -> Self {
        self.preserve_line_breaks = preserve;
        self
    }

    /// Set the list marker character.
    pub fn with_list_marker(mut self, marker: char) -> Self {
        self.list_marker = marker;
        self
    }

    /// Set cleanup options.
    pub fn with_cleanup(mut self, cleanup: CleanupOptions) -> Self {
        self.cleanup = Some(cleanup);
        self
    }

    /// Set cleanup preset.
    pub fn with_cleanup_preset(mut self, preset: super::CleanupPreset) -> Self {
        self.cleanup = Some(CleanupOptions::from_preset(preset));
        self
    }

    /// Enable the shape-refinement pass with default options.
    #[cfg(feature = "refine")]
    pub fn with_refine(mut self) -> Self {
        self.refine = Some(unparser_shared::refine::RefineOptions::default());
        self
    }

    /// Enable the AI-assisted markdown refine pass, contacting the endpoint
    /// `config` describes. Runs after `refine`, if that is also enabled.
    #[cfg(feature = "ai")]
    pub fn with_ai_refine(mut self, config: unparser_shared::ai::AiConfig) -> Self {
        self.ai_refine = Some(AiRefineOptions {
            config,
            instructions: None,
        });
        self
    }

    /// Enable minimal cleanup (Unicode normalization only).
    pub fn with_minimal_cleanup(mut self) -> Self {
        self.cleanup = Some(CleanupOptions::from_preset(super::CleanupPreset::Minimal));
        self
    }

    /// Enable standard cleanup (default level).
    pub fn with_standard_cleanup(mut self) -> Self {
        self.cleanup = Some(CleanupOptions::from_preset(super::CleanupPreset::Standard));
        self
    }

    /// Enable aggressive cleanup (for LLM training data).
    pub fn with_aggressive_cleanup(mut self) -> Self {
        self.cleanup = Some(CleanupOptions::from_preset(
            super::CleanupPreset::Aggressive,
        ));
        self
    }

    /// Disable all cleanup.
    pub fn without_cleanup(mut self) -> Self {
        self.cleanup = None;
        self
    }

    /// Set page selection.
    pub fn with_pages(mut self, selection: PageSelection) -> Self {
        self.page_selection = selection;
        self
    }

    /// Set specific page range.
    pub fn with_page_range(mut self, range: RangeInclusive<u32>) -> Self {
        self.page_selection = PageSelection::Range(range);
        self
    }

    /// Set specific pages.
    pub fn with_page_list(mut self, pages: Vec<u32>) -> Self {
        self.page_selection = PageSelection::Pages(pages);
        self
    }

    /// Set line width for wrapping.
    pub fn with_line_width(mut self, width: u32) -> Self {
        self.line_width = width;
        self
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            image_path_prefix: String::new(),
            table_fallback: TableFallback::Markdown,
            max_heading_level: 6,
            include_frontmatter: false,
            preserve_line_breaks: false,
            list_marker: '-',
            escape_special_chars: true,
            cleanup: Some(CleanupOptions::standard()), // Enable standard cleanup by default
            #[cfg(feature = "refine")]
            refine: None,
            #[cfg(feature = "ai")]
            ai_refine: None,
            page_selection: PageSelection::All,
            line_width: 0,
            collect_stats: false,
            page_markers: PageMarkerStyle::None,
        }
    }
}

impl RenderOptions {
    /// Enable statistics collection during rendering.
    pub fn with_stats(mut self, collect: bool) -> Self {
        self.collect_stats = collect;
        self
    }

    /// Set the page marker style.
    pub fn with_page_markers(mut self, style: PageMarkerStyle) -> Self {
        self.page_markers = style;
        self
    }
}

/// Options for the AI-assisted markdown refine pass (`RenderOptions::ai_refine`).
#[cfg(feature = "ai")]
#[derive(Debug, Clone)]
pub struct AiRefineOptions {
    /// Endpoint/credentials/model to call.
    pub config: unparser_shared::ai::AiConfig,
    /// Extra guidance appended to the system prompt (e.g. domain-specific
    /// terminology to preserve). `None` by default.
    pub instructions: Option<String>,
}

/// Style for page boundary markers in Markdown output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageMarkerStyle {
    /// No markers (default, preserves existing output unchanged).
    #[default]
    None,
    /// HTML comment: `<!-- page N -->` inserted before each page's content.
    Comment,
}

/// How a table with merged cells is written: Markdown has no row or column spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableFallback {
    /// A Markdown table, every row as wide as the table: a merged cell's text is in the first
    /// position it covers and the positions it covers are empty. A reader of the Markdown
    /// cannot tell a value spanning columns -- a dimension spanning Min, Typ and Max -- from a
    /// value in the first of them; [`TableFallback::Html`] keeps the spans, as the JSON does.
    #[default]
    Markdown,
    /// An HTML table with `rowspan` and `colspan` for a table with merged cells; a table
    /// without them stays a Markdown table.
    Html,
}

/// Page selection for rendering.
#[derive(Debug, Clone, Default)]
pub enum PageSelection {
    /// Render all pages
    #[default]
    All,
    /// Render a range of pages (inclusive, 1-indexed)
    Range(RangeInclusive<u32>),
    /// Render specific pages (1-indexed)
    Pages(Vec<u32>),
}

impl PageSelection {
    /// Check if a page number should be included.
    pub fn includes(&self, page: u32) -> bool {
        match self {
            PageSelection::All => true,
            PageSelection::Range(range) => range.contains(&page),
            PageSelection::Pages(pages) => pages.contains(&page),
        }
    }

    /// Check that the selection names pages there are, given the numbers of the pages
    /// there are.
    ///
    /// A listed page that is not among them, or a range none of them fall in, is
    /// [`Error::PageOutOfRange`](crate::Error::PageOutOfRange); a range that ends before it
    /// starts is [`Error::InvalidPageRange`](crate::Error::InvalidPageRange). A selection
    /// that selects nothing is never what was asked, and honoured quietly it reads as an
    /// empty document.
    pub fn check(&self, numbers: &[u32]) -> crate::Result<()> {
        let count = numbers.len() as u32;
        match self {
            PageSelection::All => Ok(()),
            PageSelection::Pages(pages) => match pages.iter().find(|n| !numbers.contains(n)) {
                Some(&missing) => Err(crate::Error::PageOutOfRange(missing, count)),
                None => Ok(()),
            },
            PageSelection::Range(range) if range.start() > range.end() => {
                Err(crate::Error::InvalidPageRange(format!(
                    "{}-{} ends before it starts",
                    range.start(),
                    range.end()
                )))
            }
            PageSelection::Range(range) => {
                if numbers.iter().any(|n| range.contains(n)) {
                    Ok(())
                } else {
                    Err(crate::Error::PageOutOfRange(*range.start(), count))
                }
            }
        }
    }

    /// [`check`](Self::check) against the pages `doc` holds — what every renderer that takes
    /// a selection does before it renders.
    pub(crate) fn check_document(&self, doc: &crate::model::Document) -> crate::Result<()> {
        let numbers: Vec<u32> = doc.pages.iter().map(|page| page.number).collect();
        self.check(&numbers)
    }

    /// Parse a page selection string (e.g., "1-10", "1,3,5,7-10").
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();

        if s.is_empty() || s == "all" {
            return Ok(PageSelection::All);
        }

        // Check for simple range (e.g., "1-10")
        if let Some((start, end)) = s.split_once('-') {
            if !start.contains(',') && !end.contains(',') {
                let start: u32 = start.trim().parse().map_err(|_| "Invalid start page")?;
                let end: u32 = end.trim().parse().map_err(|_| "Invalid end page")?;
                return Ok(PageSelection::Range(start..=end));
            }
        }

        // Parse comma-separated list with possible ranges
        let mut pages = Vec::new();
        for part in s.split(',') {
            let part = part.trim();
            if let Some((start, end)) = part.split_once('-') {
                let start: u32 = start.trim().parse().map_err(|_| "Invalid page number")?;
                let end: u32 = end.trim().parse().map_err(|_| "Invalid page number")?;
                for p in start..=end {
                    if !pages.contains(&p) {
                        pages.push(p);
                    }
                }
            } else {
                let p: u32 = part.parse().map_err(|_| "Invalid page number")?;
                if !pages.contains(&p) {
                    pages.push(p);
                }
            }
        }

        pages.sort();
        Ok(PageSelection::Pages(pages))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_render_options_builder() {
        let options = RenderOptions::new()
            .with_frontmatter(true)
            .with_max_heading(3)
            .with_table_fallback(TableFallback::Html);

        assert!(options.include_frontmatter);
        assert_eq!(options.max_heading_level, 3);
        assert_eq!(options.table_fallback, TableFallback::Html);
    }

    #[test]
    fn page_selection_check_names_what_is_missing() {
        use crate::Error;
        let held = [3, 4];
        assert!(PageSelection::All.check(&held).is_ok());
        assert!(PageSelection::Pages(vec![3, 4]).check(&held).is_ok());
        assert!(PageSelection::Range(1..=3).check(&held).is_ok());
        assert!(matches!(
            PageSelection::Pages(vec![3, 9]).check(&held),
            Err(Error::PageOutOfRange(9, 2))
        ));
        assert!(matches!(
            PageSelection::Range(5..=8).check(&held),
            Err(Error::PageOutOfRange(5, 2))
        ));
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = PageSelection::Range(4..=3);
        assert!(matches!(
            backwards.check(&held),
            Err(Error::InvalidPageRange(_))
        ));
    }

    #[test]
    fn test_page_selection_includes() {
        let all = PageSelection::All;
        assert!(all.includes(1));
        assert!(all.includes(100));

        let range = PageSelection::Range(5..=10);
        assert!(!range.includes(4));
        assert!(range.includes(5));
        assert!(range.includes(10));
        assert!(!range.includes(11));

        let pages = PageSelection::Pages(vec![1, 3, 5, 7]);
        assert!(pages.includes(1));
        assert!(!pages.includes(2));
        assert!(pages.includes(3));
    }

    #[test]
    fn test_page_selection_parse() {
        let all = PageSelection::parse("all").unwrap();
        assert!(matches!(all, PageSelection::All));

        let range = PageSelection::parse("1-10").unwrap();
        assert!(matches!(range, PageSelection::Range(_)));

        let mixed = PageSelection::parse("1,3,5-7,10").unwrap();
        if let PageSelection::Pages(pages) = mixed {
            assert_eq!(pages, vec![1, 3, 5, 6, 7, 10]);
        } else {
            panic!("Expected Pages variant");
        }
    }

    #[test]
    fn test_page_marker_style_default_is_none() {
        let options = RenderOptions::new();
        assert_eq!(options.page_markers, PageMarkerStyle::None);
    }

    #[cfg(feature = "ai")]
    #[test]
    fn test_ai_refine_is_none_by_default() {
        let options = RenderOptions::default();
        assert!(options.ai_refine.is_none());
    }

    #[cfg(feature = "ai")]
    #[test]
    fn test_with_ai_refine_sets_config() {
        let config = unparser_shared::ai::AiConfig::new("https://example.test", "key", "model");
        let options = RenderOptions::new().with_ai_refine(config);
        let ai_refine = options.ai_refine.expect("ai_refine set");
        assert_eq!(ai_refine.config.base_url, "https://example.test");
        assert!(ai_refine.instructions.is_none());
    }

    #[test]
    fn test_page_marker_style_builder() {
        let options = RenderOptions::new().with_page_markers(PageMarkerStyle::Comment);
        assert_eq!(options.page_markers, PageMarkerStyle::Comment);
    }
}
