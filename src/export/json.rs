//! The JSON export: one array, one object per document, written document by
//! document (one per line) so it streams and is valid JSON once finished.
//!
//! ```json
//! [
//! {"document":"smith.pdf","document_id":"…","values":{
//!   "design":{"value":"parallel RCT","not_reported":false,"quote":"…","page":2},
//!   "comparisons":[{"outcome":{…},"effect_estimate":{"value":{…}}}]}}
//! ]
//! ```
//!
//! `values` nests like the form: a leaf is an object with `value` (as stored:
//! numbers stay numbers, lists stay arrays) and `not_reported`, plus `quote`,
//! `page`, `confidence` and `status` when asked for (null when absent); a
//! non-repeating sub-form is an object; a repeating one is an array with one
//! element per entry up to the document's last entry (an entry with no
//! values has all leaves null). Every leaf of the form is present, so every
//! document has the same shape.

use std::io::Write;

use serde_json::{Map, Value};

use super::format::{
    Cell, ExportDocument, ExportError, ExportOptions, ExportSink, ExportSummary, ExportValue, Extra,
};
use super::layout::{DocumentIndex, Layout};
use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// The JSON export writer.
pub struct JsonWriter<W: Write> {
    out: W,
    fields: Vec<FieldDef>,
    layout: Layout,
    extras: Vec<Extra>,
    summary: ExportSummary,
}

impl<W: Write> JsonWriter<W> {
    /// Opens the array.
    pub fn new(
        mut out: W,
        form: &FormDefinition,
        options: ExportOptions,
    ) -> Result<Self, ExportError> {
        out.write_all(b"[")?;
        Ok(JsonWriter {
            out,
            fields: form.fields.clone(),
            layout: Layout::new(form),
            extras: options.suffixes(),
            summary: ExportSummary::default(),
        })
    }

    /// Closes the array, flushes and returns the writer with what was written.
    pub fn finish(mut self) -> Result<(W, ExportSummary), ExportError> {
        self.out.write_all(b"\n]\n")?;
        self.out.flush()?;
        Ok((self.out, self.summary))
    }

    fn object(
        &self,
        fields: &[FieldDef],
        prefix: &str,
        entries: &[usize],
        index: &DocumentIndex<'_>,
    ) -> Value {
        let mut object = Map::new();
        for field in fields {
            let key_path = if prefix.is_empty() {
                field.key.clone()
            } else {
                format!("{prefix}.{}", field.key)
            };
            let node = if field.field_type != FieldType::Subform {
                let value = self
                    .layout
                    .leaf_by_key_path(&key_path)
                    .and_then(|leaf| index.get(leaf, entries));
                self.leaf(value)
            } else if field.repeating {
                let depth = entries.len();
                let count = self
                    .layout
                    .groups
                    .iter()
                    .position(|g| g.key_path == key_path)
                    .and_then(|g| {
                        index.entries[g]
                            .iter()
                            .filter(|e| e.starts_with(entries))
                            .filter_map(|e| e.get(depth).map(|i| i + 1))
                            .max()
                    })
                    .unwrap_or(0);
                Value::Array(
                    (0..count)
                        .map(|i| {
                            let mut inner = entries.to_vec();
                            inner.push(i);
                            self.object(&field.fields, &key_path, &inner, index)
                        })
                        .collect(),
                )
            } else {
                self.object(&field.fields, &key_path, entries, index)
            };
            object.insert(field.key.clone(), node);
        }
        Value::Object(object)
    }

    fn leaf(&self, value: Option<&ExportValue>) -> Value {
        let mut leaf = Map::new();
        let stored = value
            .filter(|v| !v.not_reported)
            .and_then(|v| v.value.clone())
            .unwrap_or(Value::Null);
        leaf.insert("value".to_owned(), stored);
        leaf.insert(
            "not_reported".to_owned(),
            Value::Bool(value.is_some_and(|v| v.not_reported)),
        );
        for extra in &self.extras {
            let json = match extra.cell(value) {
                Cell::Number(n) => {
                    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
                }
                Cell::JsonNumber(n) => Value::Number(n),
                Cell::Text(s) => Value::String(s),
                Cell::Bool(b) => Value::Bool(b),
                Cell::Empty => Value::Null,
            };
            leaf.insert(extra.name().to_owned(), json);
        }
        Value::Object(leaf)
    }
}

impl<W: Write> ExportSink for JsonWriter<W> {
    fn write_document(
        &mut self,
        document: &ExportDocument,
        values: &[ExportValue],
    ) -> Result<(), ExportError> {
        let index = self.layout.index(values);
        let nested = self.object(&self.fields, "", &[], &index);
        let mut object = Map::new();
        object.insert("document".to_owned(), Value::String(document.name.clone()));
        object.insert(
            "document_id".to_owned(),
            Value::String(document.id.to_string()),
        );
        object.insert("values".to_owned(), nested);
        let separator: &[u8] = if self.summary.documents == 0 {
            b"\n"
        } else {
            b",\n"
        };
        self.out.write_all(separator)?;
        serde_json::to_writer(&mut self.out, &Value::Object(object))?;
        self.summary.documents += 1;
        self.summary.values += index.cells.len();
        for value in index.unplaced {
            self.summary.skip(&value.field_path);
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::export::fixtures::*;

    fn export(options: ExportOptions, documents: usize) -> (Value, ExportSummary) {
        let mut w = JsonWriter::new(Vec::new(), &sample_form(), options).unwrap();
        for n in 0..documents {
            w.write_document(&doc(n as u128, &format!("d{n}.pdf")), &sample_values())
                .unwrap();
        }
        let (bytes, summary) = w.finish().unwrap();
        (serde_json::from_slice(&bytes).unwrap(), summary)
    }

    #[test]
    fn an_empty_export_is_an_empty_array() {
        assert_eq!(export(ExportOptions::default(), 0).0, json!([]));
    }

    #[test]
    fn documents_nest_like_the_form_and_keep_types() {
        let (all, summary) = export(ExportOptions::default(), 2);
        assert_eq!(all.as_array().unwrap().len(), 2);
        let d = &all[0];
        assert_eq!(d["document"], "d0.pdf");
        assert_eq!(d["document_id"], "00000000-0000-0000-0000-000000000000");
        let v = &d["values"];
        assert_eq!(v["design"], json!({"value": "RCT", "not_reported": false}));
        assert_eq!(v["countries"]["value"], json!(["Kenya", "Uganda"]));
        assert_eq!(v["total"], json!({"value": null, "not_reported": true}));
        let comparisons = v["comparisons"].as_array().unwrap();
        assert_eq!(comparisons.len(), 2);
        assert_eq!(comparisons[0]["events"]["value"], json!(7));
        assert_eq!(comparisons[1]["estimate"]["value"]["value"], json!(-3.5));
        // Entry 0 of the time points is missing: kept as an empty entry so
        // entry 1 stays second.
        let weeks = comparisons[0]["timepoints"].as_array().unwrap();
        assert_eq!(
            weeks[0]["week"],
            json!({"value": null, "not_reported": false})
        );
        assert_eq!(weeks[1]["week"]["value"], json!(12));
        assert_eq!(comparisons[1]["timepoints"], json!([]));
        // Keys in form order.
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["design", "countries", "total", "comparisons"]);
        assert_eq!(summary.values, 16);
        assert_eq!(summary.skipped, 2);
    }

    #[test]
    fn extras_and_a_formula_quote_round_trip_as_plain_strings() {
        let (all, _) = export(ExportOptions::all(), 1);
        let outcome = &all[0]["values"]["comparisons"][1]["outcome"];
        assert_eq!(outcome["quote"], HYPERLINK);
        assert_eq!(outcome["value"], "=cmd|' /C calc'!A0");
        assert_eq!(outcome["page"], json!(3));
        assert_eq!(outcome["confidence"], json!(0.9));
        assert_eq!(outcome["status"], "verified");
        let missing = &all[0]["values"]["comparisons"][1]["events"];
        assert_eq!(
            missing,
            &json!({"value": null, "not_reported": false, "quote": null, "page": null,
                    "confidence": null, "status": null})
        );
    }
}
