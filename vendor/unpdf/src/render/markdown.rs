//! Markdown rendering for PDF documents.

use crate::error::Result;
use crate::model::{Block, Document, Page, Paragraph, Table};

use super::syntax::{paragraph_markdown, render_table};
use super::{CleanupPipeline, ExtractionStats, PageMarkerStyle, RenderOptions, RenderResult};
use unparser_shared::markdown;

/// Convert a document to Markdown.
pub fn to_markdown(doc: &Document, options: &RenderOptions) -> Result<String> {
    let renderer = MarkdownRenderer::new(options.clone());
    renderer.render(doc)
}

/// Convert a document to Markdown with statistics.
pub fn to_markdown_with_stats(doc: &Document, options: &RenderOptions) -> Result<RenderResult> {
    let mut options = options.clone();
    options.collect_stats = true;
    let renderer = MarkdownRenderer::new(options);
    renderer.render_with_stats(doc)
}

/// Markdown renderer.
pub struct MarkdownRenderer {
    options: RenderOptions,
    stats: ExtractionStats,
}

impl MarkdownRenderer {
    /// Create a new Markdown renderer.
    pub fn new(options: RenderOptions) -> Self {
        Self {
            options,
            stats: ExtractionStats::new(),
        }
    }

    /// Render a document to Markdown.
    pub fn render(mut self, doc: &Document) -> Result<String> {
        self.check_page_selection(doc)?;
        let result = self.render_internal(doc)?;
        Ok(result)
    }

    /// Render a document to Markdown with extraction statistics.
    pub fn render_with_stats(mut self, doc: &Document) -> Result<RenderResult> {
        self.check_page_selection(doc)?;
        self.options.collect_stats = true;
        let content = self.render_internal(doc)?;

        // Count words and characters in final content
        self.stats.count_text(&content);

        Ok(RenderResult::new(content, doc.metadata.clone(), self.stats))
    }

    /// The page selection must name pages of this document — see [`PageSelection::check`](super::PageSelection::check).
    fn check_page_selection(&self, doc: &Document) -> Result<()> {
        self.options.page_selection.check_document(doc)
    }

    fn render_internal(&mut self, doc: &Document) -> Result<String> {
        let mut output = String::new();

        // Add frontmatter if requested
        if self.options.include_frontmatter {
            output.push_str(&doc.metadata.to_yaml_frontmatter());
        }

        // Render selected pages
        for page in &doc.pages {
            if self.options.page_selection.includes(page.number) {
                self.render_page(&mut output, page);
            }
        }

        // Render form fields section
        if !doc.form_fields.is_empty() {
            output.push_str("\n---\n\n");
            output.push_str("## Form Fields\n\n");
            for field in &doc.form_fields {
                let value = field.display_value();
                if value.is_empty() {
                    output.push_str(&format!("- **{}**: _(empty)_\n", field.name));
                } else {
                    output.push_str(&format!("- **{}**: {}\n", field.name, value));
                }
            }
        }

        // Apply cleanup if configured
        if let Some(ref cleanup_options) = self.options.cleanup {
            let pipeline = CleanupPipeline::new(cleanup_options.clone());
            output = pipeline.process(&output);
        }

        let output = output.trim().to_string();

        // Shape-refinement runs last, after cleanup: it never deletes
        // visible text, so it composes safely with cleanup's noise removal
        // in either order, but normalizing the shape of what cleanup left
        // standing reads more naturally than the reverse. This is the
        // whole-document batch path; the streaming path applies refine as a
        // separate file-level post-flush pass instead (see the CLI writer)
        // because refine's passes (table shape, section anchors,
        // frontmatter) need whole-document scope that a single streamed
        // page doesn't have.
        #[cfg(feature = "refine")]
        let output = match self.options.refine {
            Some(ref refine_options) => unparser_shared::refine::refine(&output, refine_options),
            None => output,
        };

        // AI refine runs after rule-based refine, never instead of it: the
        // deterministic corrections land first so the model has less to
        // second-guess. A failed call keeps the pre-AI markdown — the rendered
        // document is still correct, just not rewritten.
        #[cfg(feature = "ai")]
        let output = match self.options.ai_refine {
            Some(ref ai_options) => {
                let mut refine_ai = unparser_shared::ai::RefineAiOptions::default();
                if let Some(ref instructions) = ai_options.instructions {
                    refine_ai = refine_ai.with_instructions(instructions.clone());
                }
                match unparser_shared::ai::refine_markdown(&ai_options.config, &output, &refine_ai)
                {
                    Ok(refined) => refined,
                    Err(e) => {
                        log::warn!("AI refine failed, keeping the un-refined markdown: {e}");
                        output
                    }
                }
            }
            None => output,
        };

        Ok(output)
    }

    fn render_page(&mut self, output: &mut String, page: &Page) {
        if self.options.page_markers == PageMarkerStyle::Comment {
            if !output.is_empty() && !output.ends_with("\n\n") {
                output.push('\n');
            }
            output.push_str(&format!("<!-- page {} -->\n\n", page.number));
        }
        if self.options.collect_stats {
            self.stats.add_page();
        }
        let mut previous: Option<&Block> = None;
        for block in &page.elements {
            if super::syntax::ends_a_list(previous, block)
                && !output.is_empty()
                && !output.ends_with("\n\n")
            {
                output.push('\n');
            }
            self.render_block(output, block);
            previous = Some(block);
        }
    }

    fn render_block(&mut self, output: &mut String, block: &Block) {
        match block {
            Block::Paragraph(p) => self.render_paragraph(output, p),
            Block::Table(t) => {
                if self.options.collect_stats {
                    self.stats.add_table();
                }
                self.render_table(output, t);
            }
            Block::Image {
                resource_id,
                alt_text,
                ..
            } => {
                if self.options.collect_stats {
                    self.stats.add_image();
                }
                self.render_image(output, resource_id, alt_text.as_deref());
            }
            Block::HorizontalRule => {
                if self.options.collect_stats {
                    self.stats.add_horizontal_rule();
                }
                output.push_str("\n---\n\n");
            }
            Block::PageBreak | Block::SectionBreak => {
                if !output.ends_with("\n\n") {
                    output.push_str("\n\n");
                }
            }
            Block::Code { content } => {
                output.push_str(&super::syntax::fenced_code(content));
                output.push_str("\n\n");
            }
            Block::Raw { content } => {
                output.push_str(content);
                output.push_str("\n\n");
            }
        }
    }

    fn render_paragraph(&mut self, output: &mut String, para: &Paragraph) {
        if para.is_empty() {
            return;
        }
        if self.options.collect_stats {
            if para.style.heading_level.is_some() {
                self.stats.add_heading();
            } else if para.style.list_info.is_some() {
                self.stats.add_list_item();
            } else {
                self.stats.add_paragraph();
            }
        }
        output.push_str(&paragraph_markdown(para, &self.options));
    }

    fn render_table(&self, output: &mut String, table: &Table) {
        output.push_str(&render_table(table, &self.options));
    }

    fn render_image(&self, output: &mut String, resource_id: &str, alt_text: Option<&str>) {
        let alt = alt_text.unwrap_or("");
        let path = format!("{}{}", self.options.image_path_prefix, resource_id);
        output.push_str(&markdown::image(alt, &path, false));
        output.push_str("\n\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InlineContent;

    #[test]
    fn test_render_simple_paragraph() {
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        page.add_paragraph(Paragraph::with_text("Hello, world!"));
        doc.add_page(page);

        let options = RenderOptions::new();
        let result = to_markdown(&doc, &options).unwrap();
        // Exclamation mark is NOT escaped (only special with brackets for images)
        assert!(result.contains("Hello, world!"));
    }

    /// `RenderOptions::default()` leaves `refine` off — the last line of
    /// defense protecting deployed consumers. A backslash-separated link
    /// path is exactly the kind of value `unparser_shared::refine`'s link normalization
    /// pass would touch, so its survival here proves refine did not run.
    #[cfg(feature = "refine")]
    #[test]
    fn test_refine_off_by_default_leaves_backslash_link_paths_untouched() {
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        let mut para = Paragraph::new();
        para.content.push(InlineContent::Link {
            text: "doc".to_string(),
            url: "sub\\folder\\file.pdf".to_string(),
            title: None,
            style: Default::default(),
        });
        page.add_paragraph(para);
        doc.add_page(page);

        let options = RenderOptions::default();
        assert!(options.refine.is_none());

        let result = to_markdown(&doc, &options).unwrap();
        assert!(
            result.contains("sub\\folder\\file.pdf"),
            "refine must not run when RenderOptions::default() leaves it off: {result:?}"
        );
    }

    /// `render_internal` wires `RenderOptions.refine` into `unparser_shared::refine::refine`
    /// after cleanup -- this exercises that wiring end to end, not
    /// the refine pass's own logic (that's `unparser-shared`'s test suite).
    #[cfg(feature = "refine")]
    #[test]
    fn test_refine_on_normalizes_backslash_link_paths() {
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        let mut para = Paragraph::new();
        para.content.push(InlineContent::Link {
            text: "doc".to_string(),
            url: "sub\\folder\\file.pdf".to_string(),
            title: None,
            style: Default::default(),
        });
        page.add_paragraph(para);
        doc.add_page(page);

        let options = RenderOptions::default().with_refine();
        let result = to_markdown(&doc, &options).unwrap();

        assert!(
            result.contains("sub/folder/file.pdf"),
            "refine should normalize backslashes to forward slashes: {result:?}"
        );
        assert!(
            !result.contains('\\'),
            "no backslash should remain: {result:?}"
        );
    }

    #[test]
    fn test_render_block_image_emits_a_real_markdown_link() {
        // Regression: `render_image` used to ignore `resource_id` (it was
        // even underscore-prefixed) and emit only an HTML comment, so a
        // library consumer calling `to_markdown()` directly never got a
        // usable image reference -- `StreamingRenderer::render_block`
        // (used by both `collect_content` and the CLI writer) already built
        // a real `![alt](path)` link from `image_path_prefix` + resource id;
        // batch had silently diverged from it.
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        page.elements.push(Block::Image {
            resource_id: "page1_Im1.jpg".to_string(),
            alt_text: Some("A photo".to_string()),
            width: None,
            height: None,
            x: None,
            y: None,
        });
        doc.add_page(page);

        let options = RenderOptions::new().with_image_prefix("images/");
        let result = to_markdown(&doc, &options).unwrap();
        assert!(
            result.contains("![A photo](images/page1_Im1.jpg)"),
            "expected a real image link, got:\n{result}"
        );
    }

    /// A description with a blank line would end the paragraph inside `![...]`, and an
    /// unbalanced `)` would end a bare destination — in the batch and the streaming writer.
    #[test]
    fn test_image_alt_and_targets_stay_inside_their_syntax() {
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        page.elements.push(Block::Image {
            resource_id: "page1_Im1.jpg".to_string(),
            alt_text: Some("First line\n\nsecond [line]".to_string()),
            width: None,
            height: None,
            x: None,
            y: None,
        });
        let mut para = Paragraph::new();
        para.content.push(InlineContent::Link {
            text: "notes".to_string(),
            url: "notes).txt".to_string(),
            title: None,
            style: Default::default(),
        });
        page.elements.push(Block::Paragraph(para));
        doc.add_page(page);

        let options = RenderOptions::new().with_image_prefix("images/");
        let batch = to_markdown(&doc, &options).unwrap();
        let streamed: String = crate::render::streaming::StreamingRenderer::new(&doc, options)
            .unwrap()
            .filter_map(|e| match e {
                crate::render::streaming::RenderEvent::Block(s) => Some(s),
                _ => None,
            })
            .collect();
        for result in [batch, streamed] {
            assert!(
                result.contains(r"![First line second \[line\]](images/page1_Im1.jpg)"),
                "image: {result:?}"
            );
            assert!(result.contains("[notes](<notes).txt>)"), "link: {result:?}");
        }
    }

    #[test]
    fn test_link_destination_with_a_space_is_angle_wrapped() {
        // Regression: a bare `(dest with space)` is not valid CommonMark syntax at all --
        // pulldown-cmark never produces a Link event for it, so a consumer sees the
        // brackets as literal text instead of a link.
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        let mut para = Paragraph::new();
        para.content.push(InlineContent::Link {
            text: "doc".to_string(),
            url: "my folder/file.png".to_string(),
            title: None,
            style: Default::default(),
        });
        page.elements.push(Block::Paragraph(para));
        doc.add_page(page);

        let options = RenderOptions::new();
        let result = to_markdown(&doc, &options).unwrap();
        assert!(
            result.contains("[doc](<my folder/file.png>)"),
            "destination not angle-wrapped: {result:?}"
        );
    }

    #[test]
    fn test_render_heading() {
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        page.add_paragraph(Paragraph::heading("Chapter 1", 1));
        doc.add_page(page);

        let options = RenderOptions::new();
        let result = to_markdown(&doc, &options).unwrap();
        assert!(result.contains("# Chapter 1"));
    }

    #[test]
    fn test_render_with_frontmatter() {
        let mut doc = Document::new();
        doc.metadata.title = Some("Test Doc".to_string());
        let page = Page::letter(1);
        doc.add_page(page);

        let options = RenderOptions::new().with_frontmatter(true);
        let result = to_markdown(&doc, &options).unwrap();
        assert!(result.contains("---"));
        assert!(result.contains("title:"));
    }

    #[test]
    fn test_page_markers_comment_inserted() {
        let mut doc = Document::new();
        let mut page1 = Page::letter(1);
        page1.add_paragraph(Paragraph::with_text("First page content"));
        doc.add_page(page1);
        let mut page2 = Page::letter(2);
        page2.add_paragraph(Paragraph::with_text("Second page content"));
        doc.add_page(page2);

        let options = RenderOptions::new().with_page_markers(PageMarkerStyle::Comment);
        let result = to_markdown(&doc, &options).unwrap();
        assert!(
            result.contains("<!-- page 1 -->"),
            "marker for page 1 missing in:\n{}",
            result
        );
        assert!(
            result.contains("<!-- page 2 -->"),
            "marker for page 2 missing in:\n{}",
            result
        );
    }

    #[test]
    fn test_page_markers_none_by_default() {
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        page.add_paragraph(Paragraph::with_text("Content"));
        doc.add_page(page);

        let options = RenderOptions::new();
        let result = to_markdown(&doc, &options).unwrap();
        assert!(
            !result.contains("<!-- page "),
            "unexpected page marker in output:\n{}",
            result
        );
    }

    #[test]
    fn test_page_markers_precede_content() {
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        page.add_paragraph(Paragraph::heading("Chapter 1", 1));
        doc.add_page(page);

        let options = RenderOptions::new().with_page_markers(PageMarkerStyle::Comment);
        let result = to_markdown(&doc, &options).unwrap();
        let marker_pos = result.find("<!-- page 1 -->").expect("marker missing");
        let heading_pos = result.find("# Chapter 1").expect("heading missing");
        assert!(marker_pos < heading_pos, "marker must precede page content");
    }

    #[test]
    fn test_page_markers_survive_cleanup() {
        use crate::render::{CleanupOptions, CleanupPreset};
        let mut doc = Document::new();
        let mut page = Page::letter(1);
        page.add_paragraph(Paragraph::with_text("Content"));
        doc.add_page(page);

        for preset in [
            CleanupPreset::Minimal,
            CleanupPreset::Standard,
            CleanupPreset::Aggressive,
        ] {
            let options = RenderOptions::new()
                .with_page_markers(PageMarkerStyle::Comment)
                .with_cleanup(CleanupOptions::from_preset(preset));
            let result = to_markdown(&doc, &options).unwrap();
            assert!(
                result.contains("<!-- page 1 -->"),
                "marker stripped by {:?} cleanup preset",
                preset
            );
        }
    }

    #[test]
    fn test_page_markers_respect_page_selection() {
        let mut doc = Document::new();
        for i in 1..=3u32 {
            let mut page = Page::letter(i);
            page.add_paragraph(Paragraph::with_text(format!("Page {}", i)));
            doc.add_page(page);
        }

        // Only render page 2
        let options = RenderOptions::new()
            .with_page_markers(PageMarkerStyle::Comment)
            .with_page_list(vec![2]);
        let result = to_markdown(&doc, &options).unwrap();

        assert!(
            !result.contains("<!-- page 1 -->"),
            "page 1 marker must be absent when filtered"
        );
        assert!(
            result.contains("<!-- page 2 -->"),
            "page 2 marker must be present"
        );
        assert!(
            !result.contains("<!-- page 3 -->"),
            "page 3 marker must be absent when filtered"
        );
    }

    #[test]
    fn test_page_markers_after_frontmatter() {
        let mut doc = Document::new();
        doc.metadata.title = Some("Test".to_string());
        let mut page = Page::letter(1);
        page.add_paragraph(Paragraph::with_text("Content"));
        doc.add_page(page);

        let options = RenderOptions::new()
            .with_frontmatter(true)
            .with_page_markers(PageMarkerStyle::Comment);
        let result = to_markdown(&doc, &options).unwrap();
        assert!(
            result.contains("<!-- page 1 -->"),
            "marker missing:\n{}",
            result
        );
        // marker must appear after frontmatter closing ---
        let second_dashes = result
            .find("---")
            .and_then(|i| result[i + 3..].find("---").map(|j| i + 3 + j + 3))
            .expect("frontmatter not found");
        let marker_pos = result.find("<!-- page 1 -->").expect("marker not found");
        assert!(
            marker_pos > second_dashes,
            "marker must appear after frontmatter"
        );
    }
}
