//! Exports of a run's values: CSV (wide and long), JSON, Excel, and
//! analysis-ready files (metafor CSV, robvis CSV and a RoB 2 traffic-light
//! SVG). Server-only (`ssr`): pure functions over the form and the values,
//! no database; the caller reads the values and streams them in.
//!
//! Every exporter implements [`format::ExportSink`]: create it with the form
//! (which writes the header), feed it one document's values at a time in
//! document order, then `finish` it. A typical server loop:
//!
//! ```text
//! let max = export::layout::max_entries_from_paths(distinct_paths.iter().map(String::as_str));
//! let mut sink = export::delimited::WideCsvWriter::new(file, &form, options, &max)?;
//! for (document, values) in documents {          // read page by page, in document order
//!     sink.write_document(&document, &values)?;
//! }
//! let (file, summary) = sink.finish()?;          // summary.skipped: values with no column
//! ```
//!
//! - `format`: input types, options, errors, cell text and formula
//!   neutralisation, [`format::export_file_name`]; the conventions shared by
//!   every file are listed there.
//! - `layout`: stored field paths and the form's leaves in form order.
//! - `delimited`: wide and long CSV. `json`: JSON. `xlsx`: Excel.
//! - `analysis`: metafor and robvis exports (preset detection by field keys).
//! - `traffic_light`: the RoB 2 traffic-light SVG.

pub mod analysis;
pub mod delimited;
#[cfg(test)]
mod fixtures;
pub mod format;
pub mod json;
pub mod layout;
pub mod route;
pub mod traffic_light;
pub mod xlsx;
