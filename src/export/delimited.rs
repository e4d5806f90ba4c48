//! CSV exports of a run, wide and long; conventions in [`super::format`].
//!
//! - **Wide** ([`WideCsvWriter`]): one row per document. Columns `document`,
//!   `document_id`, then every leaf field in form order; a non-repeating
//!   sub-form's leaves as `parent.child`, a repeating one's once per entry
//!   (`comparisons[1].outcome`, `comparisons[1].events`, `comparisons[2].outcome`,
//!   …, entry-major, numbered from 1), each followed by the extra columns
//!   asked for. The number of entries comes from `max_entries` (see
//!   [`super::layout::max_entries_from_paths`]); a repeating sub-form absent
//!   from it gets one (empty) entry so the header is the same for every run of
//!   a form. At most 16,384 columns (Excel's limit).
//! - **Long** ([`LongCsvWriter`]): one row per stored value, in form order
//!   within a document. Columns `document`, `document_id`, `field_path` (the
//!   stored path with entries from 1, as in the wide header), `field` (the
//!   key path without entries, for pivoting), `label`, `entry` (entry numbers
//!   from 1 joined by `.`, empty outside repeating sub-forms), `value`,
//!   `not_reported` (`true`/`false`), then `quote`, `page`, `confidence`,
//!   `status` as asked for. A value whose path the form lacks is still
//!   written, after the others, with an empty label.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use super::format::{
    Cell, ExportDocument, ExportError, ExportOptions, ExportSink, ExportSummary, ExportValue,
    Extra, neutralise,
};
use super::layout::{Layout, parse_field_path};
use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// Excel's column limit: a wider CSV would be cut when opened there.
pub const MAX_WIDE_COLUMNS: usize = 16_384;

fn finish_csv<W: Write>(
    out: csv::Writer<W>,
    summary: ExportSummary,
) -> Result<(W, ExportSummary), ExportError> {
    let inner = out
        .into_inner()
        .map_err(|e| ExportError::Io(e.into_error()))?;
    Ok((inner, summary))
}

/// One value column of the wide CSV: a leaf at some entry indexes.
struct WideColumn {
    leaf: usize,
    entries: Vec<usize>,
}

/// The wide CSV, one row per document.
pub struct WideCsvWriter<W: Write> {
    out: csv::Writer<W>,
    layout: Layout,
    columns: Vec<WideColumn>,
    placed: HashSet<(usize, Vec<usize>)>,
    extras: Vec<Extra>,
    summary: ExportSummary,
}

impl<W: Write> WideCsvWriter<W> {
    /// Writes the header. `max_entries` maps a repeating sub-form's key path
    /// (`comparisons`, `arms.timepoints`) to its largest entry count.
    pub fn new(
        out: W,
        form: &FormDefinition,
        options: ExportOptions,
        max_entries: &HashMap<String, usize>,
    ) -> Result<Self, ExportError> {
        let layout = Layout::new(form);
        let mut columns = Vec::new();
        wide_columns(&layout, &form.fields, "", &[], max_entries, &mut columns);
        let extras = options.suffixes();
        let width = 2 + columns.len() * (1 + extras.len());
        if width > MAX_WIDE_COLUMNS {
            return Err(ExportError::TooManyColumns {
                columns: width,
                limit: MAX_WIDE_COLUMNS,
            });
        }
        let mut header = vec!["document".to_owned(), "document_id".to_owned()];
        for column in &columns {
            let name = layout.leaves[column.leaf].display_path(&column.entries, 0);
            header.push(name.clone());
            header.extend(extras.iter().map(|e| format!("{name}__{}", e.name())));
        }
        let mut out = csv::Writer::from_writer(out);
        out.write_record(&header)?;
        let placed = columns
            .iter()
            .map(|c| (c.leaf, c.entries.clone()))
            .collect();
        Ok(WideCsvWriter {
            out,
            layout,
            columns,
            placed,
            extras,
            summary: ExportSummary::default(),
        })
    }

    /// Flushes and returns the writer with what was written.
    pub fn finish(self) -> Result<(W, ExportSummary), ExportError> {
        finish_csv(self.out, self.summary)
    }
}

fn wide_columns(
    layout: &Layout,
    fields: &[FieldDef],
    prefix: &str,
    entries: &[usize],
    max_entries: &HashMap<String, usize>,
    out: &mut Vec<WideColumn>,
) {
    for field in fields {
        let key_path = if prefix.is_empty() {
            field.key.clone()
        } else {
            format!("{prefix}.{}", field.key)
        };
        if field.field_type != FieldType::Subform {
            if let Some(leaf) = layout.leaf_by_key_path(&key_path) {
                out.push(WideColumn {
                    leaf,
                    entries: entries.to_vec(),
                });
            }
        } else if field.repeating {
            let count = max_entries.get(&key_path).copied().unwrap_or(0).max(1);
            for i in 0..count {
                let mut inner = entries.to_vec();
                inner.push(i);
                wide_columns(layout, &field.fields, &key_path, &inner, max_entries, out);
            }
        } else {
            wide_columns(layout, &field.fields, &key_path, entries, max_entries, out);
        }
    }
}

impl<W: Write> ExportSink for WideCsvWriter<W> {
    fn write_document(
        &mut self,
        document: &ExportDocument,
        values: &[ExportValue],
    ) -> Result<(), ExportError> {
        let index = self.layout.index(values);
        for value in values {
            match self.layout.locate(&value.field_path) {
                Some(key) if self.placed.contains(&key) => self.summary.values += 1,
                _ => self.summary.skip(&value.field_path),
            }
        }
        let mut row = vec![neutralise(&document.name), document.id.to_string()];
        for column in &self.columns {
            let value = index.get(column.leaf, &column.entries);
            row.push(Cell::of_value(value).csv());
            row.extend(self.extras.iter().map(|e| e.cell(value).csv()));
        }
        self.out.write_record(&row)?;
        self.summary.documents += 1;
        Ok(())
    }
}

/// The long CSV, one row per stored value.
pub struct LongCsvWriter<W: Write> {
    out: csv::Writer<W>,
    layout: Layout,
    extras: Vec<Extra>,
    summary: ExportSummary,
}

impl<W: Write> LongCsvWriter<W> {
    /// Writes the header.
    pub fn new(out: W, form: &FormDefinition, options: ExportOptions) -> Result<Self, ExportError> {
        let extras = options.suffixes();
        let mut header: Vec<&str> = vec![
            "document",
            "document_id",
            "field_path",
            "field",
            "label",
            "entry",
            "value",
            "not_reported",
        ];
        header.extend(extras.iter().map(|e| e.name()));
        let mut out = csv::Writer::from_writer(out);
        out.write_record(&header)?;
        Ok(LongCsvWriter {
            out,
            layout: Layout::new(form),
            extras,
            summary: ExportSummary::default(),
        })
    }

    /// Flushes and returns the writer with what was written.
    pub fn finish(self) -> Result<(W, ExportSummary), ExportError> {
        finish_csv(self.out, self.summary)
    }
}

impl<W: Write> ExportSink for LongCsvWriter<W> {
    fn write_document(
        &mut self,
        document: &ExportDocument,
        values: &[ExportValue],
    ) -> Result<(), ExportError> {
        // Form order first (leaf, then entries); paths the form lacks last.
        let layout = &self.layout;
        let mut ordered: Vec<(Option<usize>, Vec<usize>, &ExportValue)> = values
            .iter()
            .map(|v| match layout.locate(&v.field_path) {
                Some((leaf, entries)) => (Some(leaf), layout.leaves[leaf].sort_key(&entries), v),
                None => (None, Vec::new(), v),
            })
            .collect();
        ordered.sort_by(|(a, ka, va), (b, kb, vb)| {
            (a.is_none(), ka, &va.field_path).cmp(&(b.is_none(), kb, &vb.field_path))
        });
        for (place, _, value) in ordered {
            let (field, entries) = parse_field_path(&value.field_path)
                .unwrap_or_else(|| (value.field_path.clone(), Vec::new()));
            let (field, label) = match place {
                Some(leaf) => {
                    let leaf = &layout.leaves[leaf];
                    (leaf.key_path.clone(), leaf.label.as_str())
                }
                None => (field, ""),
            };
            let entry = entries
                .iter()
                .map(|i| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(".");
            let mut row = vec![
                neutralise(&document.name),
                document.id.to_string(),
                neutralise(&display_path(&value.field_path)),
                neutralise(&field),
                neutralise(label),
                entry,
                Cell::of_value(Some(value)).csv(),
                value.not_reported.to_string(),
            ];
            row.extend(self.extras.iter().map(|e| e.cell(Some(value)).csv()));
            self.out.write_record(&row)?;
            self.summary.values += 1;
        }
        self.summary.documents += 1;
        Ok(())
    }
}

/// A stored path with its entries numbered from 1 (`comparisons[0].x` →
/// `comparisons[1].x`); text that is not a path is returned as it is.
pub fn display_path(stored: &str) -> String {
    if parse_field_path(stored).is_none() {
        return stored.to_owned();
    }
    stored
        .split('.')
        .map(|segment| match segment.split_once('[') {
            Some((key, rest)) => {
                let n = rest
                    .trim_end_matches(']')
                    .parse::<usize>()
                    .map_or(0, |n| n + 1);
                format!("{key}[{n}]")
            }
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::export::fixtures::*;
    use crate::export::layout::max_entries_from_paths;

    fn read(bytes: &[u8]) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    fn wide(options: ExportOptions) -> (Vec<Vec<String>>, ExportSummary) {
        let values = sample_values();
        let max = max_entries_from_paths(values.iter().map(|v| v.field_path.as_str()));
        let mut w = WideCsvWriter::new(Vec::new(), &sample_form(), options, &max).unwrap();
        w.write_document(&doc(1, "=evil.pdf"), &values).unwrap();
        w.write_document(&doc(2, "empty.pdf"), &[]).unwrap();
        let (bytes, summary) = w.finish().unwrap();
        (read(&bytes), summary)
    }

    #[test]
    fn wide_has_one_row_per_document_and_entry_columns_in_form_order() {
        let (rows, summary) = wide(ExportOptions::default());
        assert_eq!(
            rows[0],
            [
                "document",
                "document_id",
                "design",
                "countries",
                "total",
                "comparisons[1].outcome",
                "comparisons[1].events",
                "comparisons[1].estimate.value",
                "comparisons[1].timepoints[1].week",
                "comparisons[1].timepoints[2].week",
                "comparisons[2].outcome",
                "comparisons[2].events",
                "comparisons[2].estimate.value",
                "comparisons[2].timepoints[1].week",
                "comparisons[2].timepoints[2].week",
            ]
        );
        let row = &rows[1];
        assert_eq!(row[0], "'=evil.pdf");
        assert_eq!(row[1], "00000000-0000-0000-0000-000000000001");
        assert_eq!(&row[2..5], ["RCT", "Kenya; Uganda", ""]); // total: not reported
        assert_eq!(&row[5..9], ["Mortality", "7", "", ""]);
        assert_eq!(row[9], "12");
        assert_eq!(row[10], "'=cmd|' /C calc'!A0");
        assert_eq!(row[12], "-3.5"); // a number stays a number
        assert_eq!(rows[2][2..].iter().filter(|c| c.is_empty()).count(), 13);
        assert_eq!(summary.documents, 2);
        assert_eq!(summary.values, 8);
        assert_eq!(summary.skipped_examples, ["renamed_field"]);
    }

    #[test]
    fn wide_extra_columns_follow_each_value_and_quotes_stay_inert() {
        let (rows, _) = wide(ExportOptions::all());
        let h = &rows[0];
        assert_eq!(
            &h[2..7],
            [
                "design",
                "design__quote",
                "design__page",
                "design__confidence",
                "design__status"
            ]
        );
        let at = |name: &str| h.iter().position(|c| c == name).unwrap();
        let row = &rows[1];
        assert_eq!(row[at("design__page")], "3");
        assert_eq!(row[at("design__confidence")], "0.9");
        assert_eq!(row[at("total__status")], "not reported");
        assert_eq!(row[at("total")], "");
        assert_eq!(
            row[at("comparisons[2].outcome__quote")],
            format!("'{HYPERLINK}")
        );
        assert_eq!(row[at("comparisons[2].estimate.value")], "-3.5");
    }

    #[test]
    fn wide_skips_entries_beyond_max_and_caps_columns() {
        let values = sample_values();
        let mut w = WideCsvWriter::new(
            Vec::new(),
            &sample_form(),
            ExportOptions::default(),
            &HashMap::new(),
        )
        .unwrap();
        w.write_document(&doc(1, "a"), &values).unwrap();
        let (bytes, summary) = w.finish().unwrap();
        // One entry of each repeating sub-form when none is counted.
        assert_eq!(read(&bytes)[0].len(), 2 + 3 + 4);
        assert_eq!(summary.values, 5);
        assert_eq!(summary.skipped, 4);

        let max = HashMap::from([
            ("comparisons".to_owned(), 100),
            ("comparisons.timepoints".to_owned(), 100),
        ]);
        let err = WideCsvWriter::new(Vec::new(), &sample_form(), ExportOptions::all(), &max);
        assert!(matches!(err, Err(ExportError::TooManyColumns { .. })));
    }

    #[test]
    fn long_has_one_row_per_value_in_form_order() {
        let mut w = LongCsvWriter::new(Vec::new(), &sample_form(), ExportOptions::all()).unwrap();
        w.write_document(&doc(1, "a.pdf"), &sample_values())
            .unwrap();
        let (bytes, summary) = w.finish().unwrap();
        let rows = read(&bytes);
        assert_eq!(
            rows[0],
            [
                "document",
                "document_id",
                "field_path",
                "field",
                "label",
                "entry",
                "value",
                "not_reported",
                "quote",
                "page",
                "confidence",
                "status"
            ]
        );
        let paths: Vec<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
        assert_eq!(
            paths,
            [
                "design",
                "countries",
                "total",
                "comparisons[1].outcome",
                "comparisons[1].events",
                "comparisons[1].timepoints[2].week",
                "comparisons[2].outcome",
                "comparisons[2].estimate.value",
                "renamed_field",
            ]
        );
        let total = &rows[3];
        assert_eq!(&total[3..8], ["total", "Total", "", "", "true"]);
        assert_eq!(total[11], "not reported");
        let week = &rows[6];
        assert_eq!(
            &week[3..8],
            [
                "comparisons.timepoints.week",
                "Comparisons > Time points > Week",
                "1.2",
                "12",
                "false"
            ]
        );
        let evil = &rows[7];
        assert_eq!(evil[6], "'=cmd|' /C calc'!A0");
        assert_eq!(evil[8], format!("'{HYPERLINK}"));
        assert_eq!(&evil[9..11], ["3", "0.9"]);
        assert_eq!(rows[8][6], "-3.5");
        assert_eq!(rows[9][4], ""); // unknown path: no label, still written
        assert_eq!(summary.values, 9);
        assert_eq!(summary.skipped, 0);
    }

    #[test]
    fn display_paths_number_entries_from_one() {
        assert_eq!(display_path("a[0].b[9].c"), "a[1].b[10].c");
        assert_eq!(display_path("design"), "design");
        assert_eq!(display_path("not a [path"), "not a [path");
    }
}
