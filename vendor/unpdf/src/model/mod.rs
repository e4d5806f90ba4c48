//! Document model types for PDF content representation.
//!
//! This module defines the intermediate representation (IR) that bridges
//! PDF parsing and content rendering. The model is format-agnostic and
//! can represent content from any PDF document.

mod document;
mod form;
mod page;
mod paragraph;
mod quality;
mod resource;
mod table;

pub use document::{Document, Metadata, Outline, OutlineItem};
pub use form::{FieldType, FieldValue, FormField};
pub use page::{Block, Page, UnreadableFont};
pub use paragraph::{
    Alignment, InlineContent, ListInfo, ListStyle, NumberStyle, Paragraph, ParagraphStyle, TextRun,
    TextStyle,
};
pub use quality::{ExtractionQuality, QualityAccumulator};
pub use resource::{Resource, ResourceType};
pub use table::{Table, TableCell, TableRow};
