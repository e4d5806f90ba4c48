//! Document-level types.

use super::{Block, ExtractionQuality, FormField, Page, Resource, Table};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A parsed PDF document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// Document metadata (title, author, etc.)
    pub metadata: Metadata,

    /// Pages in the document. Each page holds the resources extracted from it
    /// ([`Page::images`]); [`Document::resources`] lists them across the document.
    pub pages: Vec<Page>,

    /// Document outline (bookmarks)
    pub outline: Option<Outline>,

    /// Extraction quality diagnostics
    pub extraction_quality: ExtractionQuality,

    /// Form fields extracted from AcroForm
    pub form_fields: Vec<FormField>,
}

impl Document {
    /// Create a new empty document.
    pub fn new() -> Self {
        Self {
            metadata: Metadata::default(),
            pages: Vec::new(),
            outline: None,
            extraction_quality: ExtractionQuality::default(),
            form_fields: Vec::new(),
        }
    }

    /// Get the number of pages in the document.
    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }

    /// Get a page by its number in the PDF (1-indexed).
    ///
    /// The number is the page's own, not its position here: a document parsed with a page
    /// selection holds only those pages, and one parsed leniently leaves out a page that
    /// failed, so the third page held need not be page 3.
    pub fn get_page(&self, page_num: u32) -> Option<&Page> {
        self.pages.iter().find(|page| page.number == page_num)
    }

    /// Add a page to the document.
    pub fn add_page(&mut self, page: Page) {
        self.pages.push(page);
    }

    /// Every extracted resource, in reading order: page by page, and within a page in the
    /// order the page lists them.
    ///
    /// The ids are the ones the rendered output references (`![](page1_Im0.jpg)`), so an
    /// image reference and its resource are joined by plain equality. A resource lives on
    /// the page it was collected from; this is a view over [`Page::images`], not a copy.
    pub fn resources(&self) -> impl Iterator<Item = (&str, &Resource)> {
        self.pages
            .iter()
            .flat_map(|page| page.images.iter().map(|(id, r)| (id.as_str(), r)))
    }

    /// How many resources [`resources`](Self::resources) lists.
    pub fn resource_count(&self) -> usize {
        self.pages.iter().map(|page| page.images.len()).sum()
    }

    /// The resource `id` names -- an id from [`resources`](Self::resources) or from an image
    /// reference in the rendered output.
    pub fn get_resource(&self, id: &str) -> Option<&Resource> {
        self.resources()
            .find_map(|(rid, resource)| (rid == id).then_some(resource))
    }

    /// Every table of the document in reading order, with where it is: the page's number and
    /// the table's place among that page's tables (from 1) — the names `unpdf tables` writes
    /// them under (`p<page>-t<n>`).
    pub fn tables(&self) -> impl Iterator<Item = (u32, usize, &Table)> {
        self.pages.iter().flat_map(|page| {
            page.elements
                .iter()
                .filter_map(|block| match block {
                    Block::Table(table) => Some(table),
                    _ => None,
                })
                .enumerate()
                .map(move |(i, table)| (page.number, i + 1, table))
        })
    }

    /// Check if the document has any pages.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Get plain text content of the entire document.
    pub fn plain_text(&self) -> String {
        self.pages
            .iter()
            .map(|page| page.plain_text())
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

impl Default for Document {
    fn default() -> Self {
        Self::new()
    }
}

/// Document metadata.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// Document title
    pub title: Option<String>,

    /// Document author
    pub author: Option<String>,

    /// Document subject
    pub subject: Option<String>,

    /// Keywords
    pub keywords: Option<String>,

    /// Creator application
    pub creator: Option<String>,

    /// PDF producer
    pub producer: Option<String>,

    /// Creation date
    pub created: Option<DateTime<Utc>>,

    /// Last modification date
    pub modified: Option<DateTime<Utc>>,

    /// PDF version (e.g., "1.7")
    pub pdf_version: String,

    /// Total number of pages
    pub page_count: u32,

    /// Whether the document is encrypted
    pub encrypted: bool,

    /// Whether the document is tagged (accessible)
    pub tagged: bool,
}

impl Metadata {
    /// Create new metadata with PDF version.
    pub fn with_version(version: impl Into<String>) -> Self {
        Self {
            pdf_version: version.into(),
            ..Default::default()
        }
    }

    /// Convert metadata to YAML frontmatter format.
    pub fn to_yaml_frontmatter(&self) -> String {
        // RAG-ready frontmatter: only essential metadata
        let mut lines = vec!["---".to_string()];

        if let Some(ref title) = self.title {
            lines.push(format!("title: \"{}\"", escape_yaml(title)));
        }
        if let Some(ref author) = self.author {
            lines.push(format!("author: \"{}\"", escape_yaml(author)));
        }
        // Only include keywords if non-empty (useful for RAG)
        if let Some(ref keywords) = self.keywords {
            if !keywords.trim().is_empty() {
                lines.push(format!("keywords: \"{}\"", escape_yaml(keywords)));
            }
        }
        lines.push(format!("pages: {}", self.page_count));

        lines.push("---".to_string());
        lines.push(String::new());

        lines.join("\n")
    }
}

/// Escape special characters for YAML strings.
fn escape_yaml(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Document outline (bookmarks/table of contents).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outline {
    /// Top-level outline items
    pub items: Vec<OutlineItem>,
}

impl Outline {
    /// Create a new empty outline.
    pub fn new() -> Self {
        Self { items: Vec::new() }
    }

    /// Add an item to the outline.
    pub fn add_item(&mut self, item: OutlineItem) {
        self.items.push(item);
    }

    /// Check if the outline is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Get the total number of items (including nested).
    pub fn total_items(&self) -> usize {
        fn count_items(items: &[OutlineItem]) -> usize {
            items
                .iter()
                .map(|item| 1 + count_items(&item.children))
                .sum()
        }
        count_items(&self.items)
    }
}

/// A single outline item (bookmark).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutlineItem {
    /// Item title
    pub title: String,

    /// Target page number (1-indexed)
    pub page: Option<u32>,

    /// Nesting level (0 = top level)
    pub level: u8,

    /// Child items
    pub children: Vec<OutlineItem>,
}

impl OutlineItem {
    /// Create a new outline item.
    pub fn new(title: impl Into<String>, page: Option<u32>, level: u8) -> Self {
        Self {
            title: title.into(),
            page,
            level,
            children: Vec::new(),
        }
    }

    /// Add a child item.
    pub fn add_child(&mut self, child: OutlineItem) {
        self.children.push(child);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document parsed with a page selection holds pages 3 and 4: page 3 is the first
    /// one held, and there is no page 1.
    #[test]
    fn get_page_finds_a_page_by_its_number_not_its_position() {
        let mut doc = Document::new();
        doc.add_page(Page::new(3, 612.0, 792.0));
        doc.add_page(Page::new(4, 612.0, 792.0));
        assert_eq!(doc.get_page(3).map(|p| p.number), Some(3));
        assert_eq!(doc.get_page(4).map(|p| p.number), Some(4));
        assert!(doc.get_page(1).is_none());
        assert!(doc.get_page(0).is_none());
    }

    #[test]
    fn test_document_new() {
        let doc = Document::new();
        assert!(doc.is_empty());
        assert_eq!(doc.page_count(), 0);
    }

    #[test]
    fn test_metadata_frontmatter() {
        let mut metadata = Metadata::with_version("1.7");
        metadata.title = Some("Test Document".to_string());
        metadata.author = Some("John Doe".to_string());
        metadata.page_count = 10;

        let yaml = metadata.to_yaml_frontmatter();
        assert!(yaml.contains("title: \"Test Document\""));
        assert!(yaml.contains("author: \"John Doe\""));
        assert!(yaml.contains("pages: 10"));
        // RAG-ready: pdf_version is no longer included
        assert!(!yaml.contains("pdf_version"));
    }

    #[test]
    fn test_outline() {
        let mut outline = Outline::new();
        let mut chapter1 = OutlineItem::new("Chapter 1", Some(1), 0);
        chapter1.add_child(OutlineItem::new("Section 1.1", Some(2), 1));
        chapter1.add_child(OutlineItem::new("Section 1.2", Some(5), 1));
        outline.add_item(chapter1);

        assert_eq!(outline.total_items(), 3);
    }
}
