//! Tests of the metafor and robvis exports, on the real presets.

#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::{Value, json};

use super::*;
use crate::export::fixtures::*;
use crate::forms::model::FieldDef;
use crate::forms::presets::preset_form;

fn read(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn comparison(entry: usize, pairs: &[(&str, Value)]) -> Vec<ExportValue> {
    pairs
        .iter()
        .map(|(key, v)| value(&format!("comparisons[{entry}].{key}"), v.clone()))
        .collect()
}

fn metafor_rows(form: &FormDefinition) -> (Vec<Vec<String>>, ExportSummary) {
    let mut values = comparison(
        0,
        &[
            ("intervention", json!("Drug A")),
            ("comparator", json!("Placebo")),
            ("outcome", json!("Death at 28 days")),
            ("outcome_type", json!("binary")),
            ("direction_of_effect", json!("significantly decreased")),
            ("intervention_events", json!(12)),
            ("intervention_group_size", json!(100)),
            ("comparator_events", json!(20)),
            ("comparator_group_size", json!(98)),
            // Stray for a binary outcome: left out of the row.
            ("intervention_mean", json!(1.5)),
        ],
    );
    values.extend(comparison(
        1,
        &[
            ("intervention", json!("Drug A")),
            ("comparator", json!("Placebo")),
            ("outcome", json!(HYPERLINK)),
            ("outcome_type", json!("continuous")),
            ("intervention_mean", json!(-3.5)),
            ("intervention_sd", json!(1.25)),
            ("intervention_group_size", json!(50)),
            ("comparator_mean", json!(-1)),
            ("comparator_group_size", json!(49)),
            ("intervention_events", json!(3)),
        ],
    ));
    values.push(not_reported("comparisons[1].comparator_sd"));
    values.push(not_reported("comparisons[1].direction_of_effect"));
    let mut w = MetaforCsvWriter::new(Vec::new(), form).unwrap();
    w.write_document(&doc(1, "Smith 2020.pdf"), &values)
        .unwrap();
    w.write_document(&doc(2, "No comparisons.pdf"), &[])
        .unwrap();
    let (bytes, summary) = w.finish().unwrap();
    (read(&bytes), summary)
}

#[test]
fn metafor_rows_use_escalc_names_and_blank_what_the_type_does_not_use() {
    let (rows, summary) = metafor_rows(&preset_form("outcome_results").unwrap());
    assert_eq!(
        rows[0],
        [
            "study",
            "intervention",
            "comparator",
            "outcome",
            "outcome_type",
            "direction_of_effect",
            "ai",
            "n1i",
            "ci",
            "n2i",
            "m1i",
            "sd1i",
            "m2i",
            "sd2i"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "Smith 2020",
            "Drug A",
            "Placebo",
            "Death at 28 days",
            "binary",
            "significantly decreased",
            "12",
            "100",
            "20",
            "98",
            "",
            "",
            "",
            ""
        ]
    );
    assert_eq!(
        rows[2],
        [
            "Smith 2020",
            "Drug A",
            "Placebo",
            &format!("'{HYPERLINK}"),
            "continuous",
            "",
            "",
            "50",
            "",
            "49",
            "-3.5",
            "1.25",
            "-1",
            ""
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(summary.documents, 2);
    assert_eq!(summary.values, 9 + 9);
}

#[test]
fn metafor_finds_the_fields_in_an_extended_form_and_lists_what_is_missing() {
    // Another sub-form key and an extra field still qualify.
    let mut form = preset_form("outcome_results").unwrap();
    form.fields[0].key = "results".to_owned();
    form.fields
        .insert(0, FieldDef::new("notes", "Notes", FieldType::Text));
    let mut w = MetaforCsvWriter::new(Vec::new(), &form).unwrap();
    w.write_document(
        &doc(1, "a.pdf"),
        &[value("results[0].intervention", json!("X"))],
    )
    .unwrap();
    assert_eq!(read(&w.finish().unwrap().0)[1][1], "X");

    let mut lacking = preset_form("outcome_results").unwrap();
    lacking.fields[0]
        .fields
        .retain(|f| f.key != "intervention_sd" && f.key != "comparator_events");
    let err = MetaforCsvWriter::new(Vec::new(), &lacking).err().unwrap();
    match &err {
        ExportError::MissingFields { export, missing } => {
            assert_eq!(*export, "metafor");
            assert_eq!(
                missing,
                &[
                    "comparisons[].comparator_events",
                    "comparisons[].intervention_sd"
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("comparisons[].intervention_sd"));

    let err = MetaforCsvWriter::new(Vec::new(), &sample_form())
        .err()
        .unwrap();
    assert!(
        matches!(&err, ExportError::MissingFields { missing, .. } if missing.len() == 12),
        "{err}"
    );
    let err = MetaforCsvWriter::new(Vec::new(), &preset_form("pico").unwrap())
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("comparisons[].intervention,"),
        "{err}"
    );
}

fn result(entry: usize, pairs: &[(&str, Value)]) -> Vec<ExportValue> {
    pairs
        .iter()
        .map(|(key, v)| value(&format!("results[{entry}].{key}"), v.clone()))
        .collect()
}

pub(crate) fn rob2_rows() -> Vec<RobvisRow> {
    let mut c = Rob2Collector::new(&preset_form("rob2").unwrap()).unwrap();
    let mut one = result(
        0,
        &[
            ("result", json!("Mortality")),
            ("d1", json!("Low")),
            ("d2", json!("Some concerns")),
            ("d3", json!("High")),
            ("d4", json!("low risk")),
            ("d5", json!("PY")),
            ("overall", json!("High")),
        ],
    );
    one.push(not_reported("results[0].q1_1"));
    c.write_document(&doc(1, "Smith 2020.pdf"), &one).unwrap();
    let mut two = result(0, &[("result", json!("Pain")), ("overall", json!("Low"))]);
    two.extend(result(1, &[("d1", json!("High"))]));
    two.push(not_reported("results[1].d2"));
    c.write_document(&doc(2, "=Jones.pdf"), &two).unwrap();
    c.write_document(&doc(3, "Nothing.pdf"), &[]).unwrap();
    c.into_rows()
}

#[test]
fn robvis_rows_map_judgements_to_robvis_words() {
    use Judgement::*;
    let rows = rob2_rows();
    assert_eq!(
        rows,
        [
            RobvisRow {
                study: "Smith 2020".into(),
                judgements: [Low, SomeConcerns, High, Low, NoInformation, High],
            },
            RobvisRow {
                study: "=Jones (Pain)".into(),
                judgements: [
                    NoInformation,
                    NoInformation,
                    NoInformation,
                    NoInformation,
                    NoInformation,
                    Low
                ],
            },
            RobvisRow {
                study: "=Jones (result 2)".into(),
                judgements: [
                    High,
                    NoInformation,
                    NoInformation,
                    NoInformation,
                    NoInformation,
                    NoInformation
                ],
            },
        ]
    );
}

#[test]
fn robvis_csv_has_the_rob2_template_columns() {
    let rows = read(&write_robvis_csv(Vec::new(), &rob2_rows()).unwrap());
    assert_eq!(
        rows[0],
        ["Study", "D1", "D2", "D3", "D4", "D5", "Overall", "Weight"]
    );
    assert_eq!(
        rows[1],
        [
            "Smith 2020",
            "Low",
            "Some concerns",
            "High",
            "Low",
            "No information",
            "High",
            "1"
        ]
    );
    assert_eq!(rows[2][0], "'=Jones (Pain)");
    assert_eq!(rows.len(), 4);
}

#[test]
fn robvis_needs_the_rob2_judgements() {
    let err = Rob2Collector::new(&preset_form("outcome_results").unwrap())
        .err()
        .unwrap();
    let text = err.to_string();
    assert!(text.contains("robvis"), "{text}");
    assert!(text.contains("comparisons[].d1"), "{text}");
    let err = Rob2Collector::new(&sample_form()).err().unwrap();
    assert!(err.to_string().contains("comparisons[].overall"), "{err}");
    let mut lacking = preset_form("rob2").unwrap();
    lacking.fields[0].fields.retain(|f| f.key != "d4");
    match Rob2Collector::new(&lacking).err().unwrap() {
        ExportError::MissingFields { missing, .. } => assert_eq!(missing, ["results[].d4"]),
        other => panic!("{other:?}"),
    }
}
