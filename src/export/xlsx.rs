//! The Excel (.xlsx) export, written with rust_xlsxwriter.
//!
//! Sheets, in order:
//! - `Data`: one row per document: `document`, `document_id`, then every leaf
//!   outside repeating sub-forms (non-repeating sub-forms as `parent.child`);
//! - one sheet per repeating sub-form, named by its key path (`comparisons`,
//!   `comparisons.timepoints`; cut to Excel's 31 characters and made unique):
//!   one row per document × entry: `document`, `document_id`, one entry-number
//!   column per repeating level (`comparisons entry`, from 1), then the
//!   sub-form's own leaves relative to it (`outcome`, `effect_estimate.value`);
//! - `Form`: every field of the form: path (`comparisons[].outcome`), label,
//!   type, unit, required, description, choices (`value = meaning; …`).
//!
//! Every sheet has a bold, frozen header row (and frozen first column) and
//! column widths from the field types. The extra columns of
//! [`ExportOptions`] follow each value column, as in the CSV
//! (`<column>__quote`, …). Numbers are number cells, yes/no are boolean
//! cells, and all text (values, quotes, names) is written with `write_string`,
//! so a quote such as `=HYPERLINK(…)` is an inert string, never a formula; text
//! longer than Excel's 32,767 characters per cell is cut with "…".
//!
//! The data sheets use rust_xlsxwriter's constant-memory mode (feature
//! `constant_memory`): each keeps one row in memory and streams the rest to a
//! temporary file (the system temp directory), so memory stays flat however
//! many documents are exported. The file is assembled by [`XlsxWriter::finish`].

use std::collections::HashSet;
use std::io::Write;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::format::{
    Cell, ExportDocument, ExportError, ExportOptions, ExportSink, ExportSummary, ExportValue, Extra,
};
use super::layout::{DocumentIndex, Layout};
use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// Excel's limit of characters in a cell (counted in UTF-16 units).
const MAX_CELL_CHARS: usize = 32_767;

/// One data sheet: its index in the workbook, its value leaves, its next row.
struct DataSheet {
    index: usize,
    leaves: Vec<usize>,
    /// Entry-number columns (0 for `Data`).
    levels: usize,
    next_row: u32,
}

/// The Excel export writer.
pub struct XlsxWriter {
    workbook: Workbook,
    layout: Layout,
    extras: Vec<Extra>,
    main: DataSheet,
    /// One per repeating sub-form, in `Layout::groups` order.
    groups: Vec<DataSheet>,
    summary: ExportSummary,
}

impl XlsxWriter {
    /// Creates the workbook with every sheet's header and the `Form` sheet.
    pub fn new(form: &FormDefinition, options: ExportOptions) -> Result<Self, ExportError> {
        Self::with_memory_mode(form, options, true)
    }

    /// `constant_memory: false` keeps every cell in memory (for comparison in tests).
    fn with_memory_mode(
        form: &FormDefinition,
        options: ExportOptions,
        constant_memory: bool,
    ) -> Result<Self, ExportError> {
        let layout = Layout::new(form);
        let extras = options.suffixes();
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let mut used = HashSet::from(["form".to_owned(), "history".to_owned()]);

        let mut sheets = 0;
        let mut add = |workbook: &mut Workbook, name: &str| -> Result<usize, XlsxError> {
            let sheet = if constant_memory {
                workbook.add_worksheet_with_constant_memory()?
            } else {
                workbook.add_worksheet()
            };
            sheet.set_name(unique_sheet_name(name, &mut used))?;
            sheets += 1;
            Ok(sheets - 1)
        };

        let main_leaves: Vec<usize> = (0..layout.leaves.len())
            .filter(|&l| layout.leaves[l].groups.is_empty())
            .collect();
        let main = DataSheet {
            index: add(&mut workbook, "Data")?,
            leaves: main_leaves,
            levels: 0,
            next_row: 1,
        };
        let mut groups = Vec::new();
        for group in &layout.groups {
            groups.push(DataSheet {
                index: add(&mut workbook, &group.key_path)?,
                leaves: group.leaves.clone(),
                levels: group.ancestors.len() + 1,
                next_row: 1,
            });
        }

        for (g, sheet) in std::iter::once((None, &main))
            .chain(groups.iter().enumerate().map(|(g, s)| (Some(g), s)))
        {
            let mut header: Vec<(String, f64)> = vec![
                ("document".to_owned(), 30.0),
                ("document_id".to_owned(), 38.0),
            ];
            if let Some(g) = g {
                let group = &layout.groups[g];
                for &a in group.ancestors.iter().chain(std::iter::once(&g)) {
                    header.push((format!("{} entry", layout.groups[a].key_path), 10.0));
                }
            }
            for &leaf in &sheet.leaves {
                let leaf = &layout.leaves[leaf];
                let name = leaf.display_path(&[], sheet.levels);
                header.push((name.clone(), value_width(leaf.field_type)));
                for extra in &extras {
                    header.push((format!("{name}__{}", extra.name()), extra_width(*extra)));
                }
            }
            let ws = workbook.worksheet_from_index(sheet.index)?;
            write_header(ws, &header, &bold)?;
        }

        let ws = workbook.add_worksheet();
        // "form" is reserved above, so no sub-form sheet takes the name.
        ws.set_name("Form")?;
        write_form_sheet(ws, form, &bold)?;

        Ok(XlsxWriter {
            workbook,
            layout,
            extras,
            main,
            groups,
            summary: ExportSummary::default(),
        })
    }

    /// Assembles the .xlsx file into `out` (a file, or a `Vec<u8>`).
    pub fn finish<W: Write + Send>(mut self, out: W) -> Result<ExportSummary, ExportError> {
        self.workbook.save_to_writer(out)?;
        Ok(self.summary)
    }
}

fn write_header(
    ws: &mut Worksheet,
    header: &[(String, f64)],
    bold: &Format,
) -> Result<(), ExportError> {
    for (col, (name, width)) in header.iter().enumerate() {
        let col = column(col)?;
        let width = width.max(name.chars().count() as f64 + 2.0).min(60.0);
        ws.set_column_width(col, width)?;
        ws.write_string_with_format(0, col, name, bold)?;
    }
    ws.set_freeze_panes(1, 1)?;
    Ok(())
}

fn column(index: usize) -> Result<u16, ExportError> {
    u16::try_from(index).map_err(|_| ExportError::Xlsx(XlsxError::RowColumnLimitError))
}

fn value_width(field_type: FieldType) -> f64 {
    match field_type {
        FieldType::Text | FieldType::TextList | FieldType::MultipleChoice => 30.0,
        FieldType::SingleChoice => 18.0,
        FieldType::Number | FieldType::Integer | FieldType::Date => 12.0,
        FieldType::Boolean => 8.0,
        FieldType::Subform => 12.0,
    }
}

fn extra_width(extra: Extra) -> f64 {
    match extra {
        Extra::Quote => 50.0,
        Extra::Page => 8.0,
        Extra::Confidence => 12.0,
        Extra::Status => 14.0,
    }
}

/// A sheet name Excel accepts (≤ 31 characters, none of `[]:*?/\`, not
/// starting or ending with `'`), unique ignoring case among `used`.
fn unique_sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let clean = if clean.is_empty() { "Sheet" } else { clean };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" {n}")
        };
        let room = 31 - suffix.chars().count();
        let name = format!("{}{suffix}", clean.chars().take(room).collect::<String>());
        if used.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

/// Text cut to what a cell holds.
fn cell_text(text: &str) -> String {
    if text.len() <= MAX_CELL_CHARS {
        // Bytes ≥ UTF-16 units, so it fits.
        return text.to_owned();
    }
    let mut units = 0;
    let mut out = String::new();
    for c in text.chars() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: Cell) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Number(n) => {
            ws.write_number(row, col, n)?;
        }
        Cell::JsonNumber(n) => {
            if let Some(n) = n.as_f64() {
                ws.write_number(row, col, n)?;
            }
        }
        Cell::Bool(b) => {
            ws.write_boolean(row, col, b)?;
        }
        Cell::Text(s) => {
            ws.write_string(row, col, cell_text(&s))?;
        }
    }
    Ok(())
}

fn write_form_sheet(
    ws: &mut Worksheet,
    form: &FormDefinition,
    bold: &Format,
) -> Result<(), ExportError> {
    let header: Vec<(String, f64)> = [
        ("path", 36.0),
        ("label", 36.0),
        ("type", 16.0),
        ("unit", 12.0),
        ("required", 10.0),
        ("description", 60.0),
        ("choices", 60.0),
    ]
    .into_iter()
    .map(|(n, w)| (n.to_owned(), w))
    .collect();
    write_header(ws, &header, bold)?;
    let mut rows = Vec::new();
    form_rows(&form.fields, "", &mut rows);
    for (row, cells) in rows.into_iter().enumerate() {
        let row = u32::try_from(row + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, text) in cells.into_iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(row, column(col)?, cell_text(&text))?;
            }
        }
    }
    Ok(())
}

fn form_rows(fields: &[FieldDef], prefix: &str, out: &mut Vec<[String; 7]>) {
    for field in fields {
        let path = format!("{prefix}{}", field.key);
        let kind = if field.field_type == FieldType::Subform && field.repeating {
            "Sub-form (repeating)".to_owned()
        } else {
            field.field_type.label().to_owned()
        };
        let choices = field
            .options
            .iter()
            .map(|o| {
                if o.description.is_empty() {
                    o.value.clone()
                } else {
                    format!("{} = {}", o.value, o.description)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        out.push([
            path.clone(),
            field.label.clone(),
            kind,
            field.unit.clone(),
            if field.required { "yes" } else { "" }.to_owned(),
            field.description.clone(),
            choices,
        ]);
        if field.field_type == FieldType::Subform {
            let marker = if field.repeating { "[]" } else { "" };
            form_rows(&field.fields, &format!("{path}{marker}."), out);
        }
    }
}

impl XlsxWriter {
    fn write_row(
        &mut self,
        sheet: Option<usize>,
        document: &ExportDocument,
        entries: &[usize],
        cells: &DocumentIndex<'_>,
    ) -> Result<(), ExportError> {
        let data = match sheet {
            None => &mut self.main,
            Some(g) => &mut self.groups[g],
        };
        let row = data.next_row;
        data.next_row += 1;
        let ws = self.workbook.worksheet_from_index(data.index)?;
        ws.write_string(row, 0, cell_text(&document.name))?;
        ws.write_string(row, 1, document.id.to_string())?;
        let mut col: u16 = 2;
        for &entry in entries.iter().take(data.levels) {
            ws.write_number(row, col, (entry + 1) as f64)?;
            col += 1;
        }
        for &leaf in &data.leaves {
            let value = cells.get(leaf, entries);
            write_cell(ws, row, col, Cell::of_value(value))?;
            col += 1;
            for extra in &self.extras {
                write_cell(ws, row, col, extra.cell(value))?;
                col += 1;
            }
        }
        Ok(())
    }
}

impl ExportSink for XlsxWriter {
    fn write_document(
        &mut self,
        document: &ExportDocument,
        values: &[ExportValue],
    ) -> Result<(), ExportError> {
        let index = self.layout.index(values);
        self.write_row(None, document, &[], &index)?;
        for g in 0..self.groups.len() {
            for entries in &index.entries[g] {
                self.write_row(Some(g), document, entries, &index)?;
            }
        }
        self.summary.documents += 1;
        self.summary.values += index.cells.len();
        for value in index.unplaced {
            self.summary.skip(&value.field_path);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;
