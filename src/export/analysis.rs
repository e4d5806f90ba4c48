//! Analysis-ready exports of two presets, found by the form's field keys
//! (not its name), so a form started from a preset and then extended still
//! qualifies; a form lacking a needed field gets
//! [`ExportError::MissingFields`] listing them (`comparisons[].intervention_sd`).
//!
//! - **metafor** ([`MetaforCsvWriter`], the `outcome_results` preset): one
//!   row per study × comparison entry, in R's `escalc()` argument names:
//!   `study` (document name without `.pdf`), `intervention`, `comparator`,
//!   `outcome`, `outcome_type`, `direction_of_effect`, `ai`
//!   (intervention_events), `n1i` (intervention_group_size), `ci`
//!   (comparator_events), `n2i` (comparator_group_size), `m1i`
//!   (intervention_mean), `sd1i` (intervention_sd), `m2i` (comparator_mean),
//!   `sd2i` (comparator_sd). A binary row leaves the means and SDs blank, a
//!   continuous row the event counts; a row of unknown type keeps all. Blank
//!   where not reported. E.g. `escalc("RR", ai=ai, n1i=n1i, ci=ci, n2i=n2i,
//!   data=subset(d, outcome_type == "binary"))`.
//! - **robvis** ([`Rob2Collector`], the `rob2` preset): one row per result
//!   entry with `Study`, `D1`–`D5`, `Overall`, `Weight` (always 1), the
//!   judgements in robvis's words `Low`, `Some concerns`, `High`, and
//!   `No information` when not reported, missing or not a RoB 2 judgement.
//!   `Study` is the document name without `.pdf`, followed by ` (<result>)`
//!   when the document has several results. The rows also feed the
//!   traffic-light plot ([`super::traffic_light::traffic_light_svg`]).

use std::io::Write;

use super::format::{
    Cell, ExportDocument, ExportError, ExportSink, ExportSummary, ExportValue, neutralise,
    study_label,
};
use super::layout::Layout;
use crate::forms::model::{FieldType, FormDefinition};

/// The outcome_results fields metafor needs, in the order of the export's
/// columns after `study`, with the column name of each.
const METAFOR_FIELDS: [(&str, &str); 13] = [
    ("intervention", "intervention"),
    ("comparator", "comparator"),
    ("outcome", "outcome"),
    ("outcome_type", "outcome_type"),
    ("direction_of_effect", "direction_of_effect"),
    ("intervention_events", "ai"),
    ("intervention_group_size", "n1i"),
    ("comparator_events", "ci"),
    ("comparator_group_size", "n2i"),
    ("intervention_mean", "m1i"),
    ("intervention_sd", "sd1i"),
    ("comparator_mean", "m2i"),
    ("comparator_sd", "sd2i"),
];

/// The position of `outcome_type` in [`METAFOR_FIELDS`].
const OUTCOME_TYPE: usize = 3;

/// The rob2 fields robvis needs: the judgements, and `result` to name a row.
const ROB2_FIELDS: [&str; 7] = ["result", "d1", "d2", "d3", "d4", "d5", "overall"];

/// The robvis column of each judgement key.
pub const ROBVIS_DOMAINS: [&str; 6] = ["D1", "D2", "D3", "D4", "D5", "Overall"];

/// A top-level repeating sub-form holding `keys`: its index in the layout's
/// groups and the leaf of each key; else the missing fields of the closest one.
fn find_group(
    form: &FormDefinition,
    layout: &Layout,
    keys: &[&str],
    export: &'static str,
    usual_key: &str,
) -> Result<(usize, Vec<usize>), ExportError> {
    let mut best: Option<Vec<String>> = None;
    for field in &form.fields {
        if field.field_type != FieldType::Subform || !field.repeating {
            continue;
        }
        let mut leaves = Vec::new();
        let mut missing = Vec::new();
        for key in keys {
            // Only a leaf (not a sub-form) has this key path.
            match layout.leaf_by_key_path(&format!("{}.{key}", field.key)) {
                Some(leaf) => leaves.push(leaf),
                None => missing.push(format!("{}[].{key}", field.key)),
            }
        }
        let group = layout.groups.iter().position(|g| g.key_path == field.key);
        if let (true, Some(group)) = (missing.is_empty(), group) {
            return Ok((group, leaves));
        }
        if best.as_ref().is_none_or(|b| missing.len() < b.len()) {
            best = Some(missing);
        }
    }
    Err(ExportError::MissingFields {
        export,
        missing: best
            .unwrap_or_else(|| keys.iter().map(|k| format!("{usual_key}[].{k}")).collect()),
    })
}

/// The metafor CSV (outcome_results preset).
pub struct MetaforCsvWriter<W: Write> {
    out: csv::Writer<W>,
    layout: Layout,
    group: usize,
    leaves: Vec<usize>,
    summary: ExportSummary,
}

impl<W: Write> MetaforCsvWriter<W> {
    /// Checks the form has the outcome_results fields and writes the header.
    pub fn new(out: W, form: &FormDefinition) -> Result<Self, ExportError> {
        let layout = Layout::new(form);
        let keys: Vec<&str> = METAFOR_FIELDS.iter().map(|(k, _)| *k).collect();
        let (group, leaves) = find_group(form, &layout, &keys, "metafor", "comparisons")?;
        let mut out = csv::Writer::from_writer(out);
        let mut header = vec!["study"];
        header.extend(METAFOR_FIELDS.iter().map(|(_, column)| *column));
        out.write_record(&header)?;
        Ok(MetaforCsvWriter {
            out,
            layout,
            group,
            leaves,
            summary: ExportSummary::default(),
        })
    }

    /// Flushes and returns the writer with what was written.
    pub fn finish(self) -> Result<(W, ExportSummary), ExportError> {
        let inner = self
            .out
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))?;
        Ok((inner, self.summary))
    }
}

impl<W: Write> ExportSink for MetaforCsvWriter<W> {
    fn write_document(
        &mut self,
        document: &ExportDocument,
        values: &[ExportValue],
    ) -> Result<(), ExportError> {
        let index = self.layout.index(values);
        for entries in &index.entries[self.group] {
            let cells: Vec<Cell> = self
                .leaves
                .iter()
                .map(|&leaf| Cell::of_value(index.get(leaf, entries)))
                .collect();
            // Blank what the outcome type does not use.
            let kind = match &cells[OUTCOME_TYPE] {
                Cell::Text(t) => t.as_str(),
                _ => "",
            };
            let mut row = vec![neutralise(study_label(&document.name))];
            for (i, cell) in cells.iter().enumerate() {
                let column = METAFOR_FIELDS[i].1;
                let unused = match kind {
                    "binary" => matches!(column, "m1i" | "sd1i" | "m2i" | "sd2i"),
                    "continuous" => matches!(column, "ai" | "ci"),
                    _ => false,
                };
                row.push(if unused { String::new() } else { cell.csv() });
                if !unused && *cell != Cell::Empty {
                    self.summary.values += 1;
                }
            }
            self.out.write_record(&row)?;
        }
        self.summary.documents += 1;
        Ok(())
    }
}

/// A robvis judgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judgement {
    Low,
    SomeConcerns,
    High,
    NoInformation,
}

impl Judgement {
    /// robvis's word for it.
    pub fn robvis(self) -> &'static str {
        match self {
            Judgement::Low => "Low",
            Judgement::SomeConcerns => "Some concerns",
            Judgement::High => "High",
            Judgement::NoInformation => "No information",
        }
    }

    /// A stored value (the preset's options, their synonyms, any case).
    pub fn of_value(value: Option<&ExportValue>) -> Judgement {
        let text = match value {
            Some(v) if !v.not_reported => v.value.as_ref().and_then(|j| j.as_str()),
            _ => None,
        };
        match text.map(|t| t.trim().to_lowercase()).as_deref() {
            Some("low" | "low risk" | "low risk of bias") => Judgement::Low,
            Some("some concerns" | "unclear" | "unclear risk" | "moderate") => {
                Judgement::SomeConcerns
            }
            Some("high" | "high risk" | "high risk of bias") => Judgement::High,
            _ => Judgement::NoInformation,
        }
    }
}

/// One row of the robvis table and of the traffic-light plot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobvisRow {
    pub study: String,
    /// D1–D5 and Overall.
    pub judgements: [Judgement; 6],
}

/// Collects the robvis rows of a run (rob2 preset), one document at a time.
pub struct Rob2Collector {
    layout: Layout,
    group: usize,
    /// `result`, then d1–d5 and overall.
    leaves: Vec<usize>,
    rows: Vec<RobvisRow>,
}

impl Rob2Collector {
    /// Checks the form has the rob2 fields.
    pub fn new(form: &FormDefinition) -> Result<Self, ExportError> {
        let layout = Layout::new(form);
        let (group, leaves) = find_group(form, &layout, &ROB2_FIELDS, "robvis", "results")?;
        Ok(Rob2Collector {
            layout,
            group,
            leaves,
            rows: Vec::new(),
        })
    }

    pub fn rows(&self) -> &[RobvisRow] {
        &self.rows
    }

    pub fn into_rows(self) -> Vec<RobvisRow> {
        self.rows
    }
}

impl ExportSink for Rob2Collector {
    fn write_document(
        &mut self,
        document: &ExportDocument,
        values: &[ExportValue],
    ) -> Result<(), ExportError> {
        let index = self.layout.index(values);
        let entries = &index.entries[self.group];
        let study = study_label(&document.name);
        for (n, entry) in entries.iter().enumerate() {
            let get = |i: usize| index.get(self.leaves[i], entry);
            let name = if entries.len() == 1 {
                study.to_owned()
            } else {
                match Cell::of_value(get(0)) {
                    Cell::Text(result) if !result.trim().is_empty() => {
                        format!("{study} ({})", result.trim())
                    }
                    _ => format!("{study} (result {})", n + 1),
                }
            };
            let mut judgements = [Judgement::NoInformation; 6];
            for (d, judgement) in judgements.iter_mut().enumerate() {
                *judgement = Judgement::of_value(get(d + 1));
            }
            self.rows.push(RobvisRow {
                study: name,
                judgements,
            });
        }
        Ok(())
    }
}

/// The robvis CSV of the rows: `Study,D1,D2,D3,D4,D5,Overall,Weight`.
pub fn write_robvis_csv<W: Write>(out: W, rows: &[RobvisRow]) -> Result<W, ExportError> {
    let mut out = csv::Writer::from_writer(out);
    let mut header = vec!["Study"];
    header.extend(ROBVIS_DOMAINS);
    header.push("Weight");
    out.write_record(&header)?;
    for row in rows {
        let mut record = vec![neutralise(&row.study)];
        record.extend(row.judgements.iter().map(|j| j.robvis().to_owned()));
        record.push("1".to_owned());
        out.write_record(&record)?;
    }
    out.into_inner()
        .map_err(|e| ExportError::Io(e.into_error()))
}

#[cfg(test)]
#[path = "analysis_tests.rs"]
pub(super) mod tests;
