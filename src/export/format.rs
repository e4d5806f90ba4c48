//! What every export shares: the input rows ([`ExportDocument`],
//! [`ExportValue`]), the options, the error, the streaming contract
//! ([`ExportSink`]), cell text with formula-injection neutralisation, and
//! the export file name. The form's layout and stored paths are in
//! [`super::layout`].
//!
//! # Input
//!
//! A run's values arrive one document at a time, in document order (the SQL
//! reads them ordered by document), so an exporter holds one document's
//! values at most. Within a document the order does not matter: every format
//! puts values in form order itself.
//!
//! A value is addressed by its stored `field_path`, entries counted from 0
//! (`comparisons[2].intervention_events`; see [`super::layout`]).
//!
//! # Conventions of every export file
//!
//! - Entries are numbered **from 1** (`comparisons[1].outcome` is the first
//!   comparison, stored as `comparisons[0].outcome`).
//! - Optional columns per field, in this order after the value column:
//!   `<column>__quote`, `<column>__page`, `<column>__confidence`,
//!   `<column>__status` (see [`ExportOptions`]). A form whose keys themselves
//!   end in `__quote` (and so on) would produce look-alike headers; keys are
//!   `[a-z][a-z0-9_]*`, so this is possible but not ambiguous in position.
//! - Not reported: an empty value cell; the long CSV has a `not_reported`
//!   column and the status column (when asked for) says `not reported`.
//! - Lists (multiple choice, list of text) are joined with `"; "` in CSV.
//! - CSV text that a spreadsheet would run as a formula (first character
//!   `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'` (OWASP's
//!   advice); JSON numbers and text that is a plain decimal number (`-3.5`)
//!   stay as they are. XLSX writes text as string cells, which never run.

use std::fmt::Display;

use serde_json::Value;
use uuid::Uuid;

/// The document the following values belong to.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDocument {
    pub id: Uuid,
    /// The uploaded file name, as shown in the app.
    pub name: String,
}

/// One stored value of a run (a row of `extracted_values` plus its review state).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportValue {
    /// The stored path, entries from 0: `comparisons[2].intervention_events`.
    pub field_path: String,
    pub value: Option<Value>,
    pub not_reported: bool,
    pub quote: Option<String>,
    pub page: Option<i32>,
    pub confidence: f32,
    /// What the app decided or a reviewer did: `verified`, `ungrounded`,
    /// `corrected`, `accepted`, `not reported`, … written as given.
    pub status: String,
}

/// Extra columns (CSV, XLSX) or properties (JSON) per field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// `<column>__quote`: the evidence quote.
    pub quote: bool,
    /// `<column>__page`: the page the quote was found on (from 1).
    pub page: bool,
    /// `<column>__confidence`: the extractor's confidence, 0 to 1.
    pub confidence: bool,
    /// `<column>__status`: [`ExportValue::status`].
    pub review_status: bool,
}

impl ExportOptions {
    /// Every extra column.
    pub fn all() -> Self {
        ExportOptions {
            quote: true,
            page: true,
            confidence: true,
            review_status: true,
        }
    }

    /// The suffixes of the extra columns asked for, in column order.
    pub(crate) fn suffixes(self) -> Vec<Extra> {
        let mut out = Vec::new();
        if self.quote {
            out.push(Extra::Quote);
        }
        if self.page {
            out.push(Extra::Page);
        }
        if self.confidence {
            out.push(Extra::Confidence);
        }
        if self.review_status {
            out.push(Extra::Status);
        }
        out
    }
}

/// One kind of extra column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    Quote,
    Page,
    Confidence,
    Status,
}

impl Extra {
    /// The JSON property and the header suffix (after `__`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Extra::Quote => "quote",
            Extra::Page => "page",
            Extra::Confidence => "confidence",
            Extra::Status => "status",
        }
    }

    /// The cell of this extra for a value (empty when there is no value).
    pub(crate) fn cell(self, value: Option<&ExportValue>) -> Cell {
        let Some(v) = value else {
            return Cell::Empty;
        };
        match self {
            Extra::Quote => v.quote.clone().map_or(Cell::Empty, Cell::Text),
            Extra::Page => v.page.map_or(Cell::Empty, |p| Cell::JsonNumber(p.into())),
            Extra::Confidence => Cell::Number(confidence(v.confidence)),
            Extra::Status if v.status.is_empty() => Cell::Empty,
            Extra::Status => Cell::Text(v.status.clone()),
        }
    }
}

/// The confidence as the f64 that prints like the stored f32 (0.9, not 0.8999999761581421).
pub(crate) fn confidence(c: f32) -> f64 {
    c.to_string().parse().unwrap_or(f64::from(c))
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the CSV failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing the JSON failed: {0}")]
    Json(#[from] serde_json::Error),
    #[error("writing the Excel file failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The form lacks fields an analysis export needs (paths as `sub_form[].key`).
    #[error("the form lacks the fields the {export} export needs: {}", missing.join(", "))]
    MissingFields {
        export: &'static str,
        missing: Vec<String>,
    },
    /// Too many columns for one row (many entries of nested sub-forms).
    #[error(
        "the wide table would have {columns} columns (at most {limit}); use the long CSV instead"
    )]
    TooManyColumns { columns: usize, limit: usize },
}

/// What an exporter wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub documents: usize,
    /// Values placed in the file.
    pub values: usize,
    /// Values with no place in this format: a path the form does not have, or
    /// an entry beyond `max_entries` in the wide CSV.
    pub skipped: usize,
    /// The first few skipped paths, for a log line.
    pub skipped_examples: Vec<String>,
}

impl ExportSummary {
    pub(crate) fn skip(&mut self, path: &str) {
        self.skipped += 1;
        if self.skipped_examples.len() < 10 {
            self.skipped_examples.push(path.to_owned());
        }
    }
}

/// Anything that takes a run's values one document at a time.
pub trait ExportSink {
    /// Writes one document; `values` are that document's, in any order.
    fn write_document(
        &mut self,
        document: &ExportDocument,
        values: &[ExportValue],
    ) -> Result<(), ExportError>;
}

/// A cell before it is written in some format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Number(f64),
    /// A JSON number, kept as printed (`12`, `-3.5`, `1e-5`).
    JsonNumber(serde_json::Number),
    Bool(bool),
    Text(String),
}

impl Cell {
    /// The cell of a stored value: empty when not reported or absent.
    pub(crate) fn of_value(value: Option<&ExportValue>) -> Cell {
        match value {
            Some(v) if !v.not_reported => Cell::of_json(v.value.as_ref()),
            _ => Cell::Empty,
        }
    }

    pub(crate) fn of_json(value: Option<&Value>) -> Cell {
        match value {
            None | Some(Value::Null) => Cell::Empty,
            Some(Value::Number(n)) => Cell::JsonNumber(n.clone()),
            Some(Value::Bool(b)) => Cell::Bool(*b),
            Some(Value::String(s)) => Cell::Text(s.clone()),
            Some(Value::Array(items)) => Cell::Text(
                items
                    .iter()
                    .map(|item| match item {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Some(other @ Value::Object(_)) => Cell::Text(other.to_string()),
        }
    }

    /// The CSV text of the cell: numbers as printed, text neutralised.
    pub(crate) fn csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(n) => n.to_string(),
            Cell::JsonNumber(n) => n.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Text(s) => neutralise(s),
        }
    }
}

/// CSV text a spreadsheet will not run as a formula: text starting with `=`,
/// `+`, `-`, `@`, tab or carriage return gets a leading `'`, unless it is a
/// plain decimal number (`-3.5`, `+2`, `1e-5`), which a spreadsheet reads as
/// a number.
pub fn neutralise(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(text) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn is_plain_number(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit())
        && text.parse::<f64>().is_ok()
}

/// A document name as a study label: without a trailing `.pdf`.
pub(crate) fn study_label(name: &str) -> &str {
    let len = name.len();
    if len > 4 && name.is_char_boundary(len - 4) && name[len - 4..].eq_ignore_ascii_case(".pdf") {
        &name[..len - 4]
    } else {
        name
    }
}

/// A safe ASCII file name: `my-project_run-3_2026-11-29.csv`. Each part is
/// lower-cased, Latin accents removed (é → e) and other non-ASCII letters
/// dropped, anything else but letters and digits turned into single dashes, and cut to 60 characters; an empty part
/// is left out (an empty project name becomes `export`).
pub fn export_file_name(
    project_name: &str,
    run_label: &str,
    date: impl Display,
    extension: &str,
) -> String {
    let project = slug(project_name);
    let mut parts = vec![if project.is_empty() {
        "export".to_owned()
    } else {
        project
    }];
    parts.extend(
        [slug(run_label), slug(&date.to_string())]
            .into_iter()
            .filter(|p| !p.is_empty()),
    );
    let extension: String = extension
        .trim_start_matches('.')
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let stem = parts.join("_");
    if extension.is_empty() {
        stem
    } else {
        format!("{stem}.{extension}")
    }
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(plain) = unaccented(c) {
            out.push_str(plain);
        } else if (c.is_ascii() || c.is_whitespace()) && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The plain letters of a lower-case Latin letter with a diacritic.
fn unaccented(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ś' | 'š' => "s",
        'ź' | 'ż' | 'ž' => "z",
        'ł' => "l",
        'ř' => "r",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::export::fixtures::*;

    #[test]
    fn cells_keep_numbers_and_join_lists() {
        let v = |json: Value| Cell::of_json(Some(&json)).csv();
        assert_eq!(v(serde_json::json!(-3.5)), "-3.5");
        assert_eq!(v(serde_json::json!(12)), "12");
        assert_eq!(v(serde_json::json!(true)), "true");
        assert_eq!(v(serde_json::json!(["Kenya", "Uganda"])), "Kenya; Uganda");
        assert_eq!(v(serde_json::json!(["=1+1", "x"])), "'=1+1; x");
        assert_eq!(v(Value::Null), "");
        let mut nr = value("design", serde_json::json!("x"));
        nr.not_reported = true;
        assert_eq!(Cell::of_value(Some(&nr)), Cell::Empty);
    }

    #[test]
    fn formula_text_is_neutralised_and_numbers_are_not() {
        for risky in [
            HYPERLINK, "+A1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "=1",
        ] {
            assert_eq!(neutralise(risky), format!("'{risky}"));
        }
        for safe in ["-3.5", "+2", "-1e-5", "plain", "", "<0.001", "a=b"] {
            assert_eq!(neutralise(safe), safe);
        }
        assert_eq!(confidence(0.9), 0.9);
    }

    #[test]
    fn file_names_are_safe_ascii() {
        assert_eq!(
            export_file_name("My Project", "Run 3", "2026-11-29", "csv"),
            "my-project_run-3_2026-11-29.csv"
        );
        assert_eq!(
            export_file_name("../../etc/Ünïcödé  — trial!", "", "2026-01-02", ".XLSX"),
            "etc-unicode-trial_2026-01-02.xlsx"
        );
        assert_eq!(
            export_file_name("", "run 1", "", "j/s.on"),
            "export_run-1.json"
        );
        let long = export_file_name(&"a".repeat(300), "r", "d", "csv");
        assert!(long.len() < 80, "{long}");
        assert_eq!(study_label("Smith 2020.PDF"), "Smith 2020");
        assert_eq!(study_label(".pdf"), ".pdf");
    }
}
