//! Tests of the Excel export: the produced file is unzipped and its sheet XML read.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::HashMap;
use std::io::Read;

use super::*;
use crate::export::fixtures::*;

/// The parts of an .xlsx file by name.
fn unzip(bytes: &[u8]) -> HashMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = HashMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = String::new();
        if file.read_to_string(&mut text).is_ok() {
            parts.insert(name, text);
        }
    }
    parts
}

/// A cell of sheet XML: reference (`B2`), its `t` attribute, its inner XML.
#[derive(Debug)]
struct XmlCell {
    at: String,
    t: String,
    inner: String,
}

impl XmlCell {
    /// The cell's text (inline string) or number, unescaped.
    fn text(&self) -> String {
        let inner = match (self.inner.find("<t"), self.inner.find("<v>")) {
            (Some(start), _) => {
                let from = start + self.inner[start..].find('>').unwrap() + 1;
                &self.inner[from..from + self.inner[from..].find("</t>").unwrap()]
            }
            (None, Some(start)) => {
                &self.inner[start + 3..start + 3 + self.inner[start + 3..].find("</v>").unwrap()]
            }
            _ => "",
        };
        inner
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }
}

fn cells(sheet: &str) -> Vec<XmlCell> {
    sheet
        .split("<c r=\"")
        .skip(1)
        .map(|piece| {
            let at = piece[..piece.find('"').unwrap()].to_owned();
            let tag = &piece[..piece.find('>').unwrap()];
            let t = tag
                .split(" t=\"")
                .nth(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
                .unwrap_or_default();
            let inner = if tag.ends_with('/') {
                String::new()
            } else {
                let from = piece.find('>').unwrap() + 1;
                piece[from..from + piece[from..].find("</c>").unwrap()].to_owned()
            };
            XmlCell { at, t, inner }
        })
        .collect()
}

fn cell<'a>(cells: &'a [XmlCell], at: &str) -> &'a XmlCell {
    cells
        .iter()
        .find(|c| c.at == at)
        .unwrap_or_else(|| panic!("no cell {at}"))
}

fn export(options: ExportOptions) -> (HashMap<String, String>, ExportSummary) {
    let mut w = XlsxWriter::new(&sample_form(), options).unwrap();
    w.write_document(&doc(1, "=evil.pdf"), &sample_values())
        .unwrap();
    w.write_document(&doc(2, "b.pdf"), &[value("total", serde_json::json!(40))])
        .unwrap();
    let mut bytes = Vec::new();
    let summary = w.finish(&mut bytes).unwrap();
    (unzip(&bytes), summary)
}

#[test]
fn the_writer_can_move_to_a_blocking_task() {
    fn assert_send<T: Send>() {}
    assert_send::<XlsxWriter>();
}

#[test]
fn sheets_are_data_one_per_repeating_subform_and_form() {
    let (parts, summary) = export(ExportOptions::default());
    let workbook = &parts["xl/workbook.xml"];
    let names: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(
        names,
        ["Data", "comparisons", "comparisons.timepoints", "Form"]
    );
    for sheet in 1..=3 {
        let xml = &parts[&format!("xl/worksheets/sheet{sheet}.xml")];
        assert!(
            xml.contains(r#"<pane xSplit="1" ySplit="1""#),
            "sheet{sheet}"
        );
        assert!(xml.contains("<cols>"), "sheet{sheet}: column widths");
    }
    assert_eq!(summary.documents, 2);
    assert_eq!(summary.values, 9);
    assert_eq!(summary.skipped_examples, ["renamed_field"]);
}

#[test]
fn data_sheet_holds_fields_outside_repeating_subforms() {
    let (parts, _) = export(ExportOptions::default());
    let data = cells(&parts["xl/worksheets/sheet1.xml"]);
    let headers: Vec<String> = ["A1", "B1", "C1", "D1", "E1"]
        .iter()
        .map(|at| cell(&data, at).text())
        .collect();
    assert_eq!(
        headers,
        ["document", "document_id", "design", "countries", "total"]
    );
    assert_eq!(cell(&data, "A2").text(), "=evil.pdf");
    assert_eq!(cell(&data, "A2").t, "inlineStr");
    assert_eq!(cell(&data, "D2").text(), "Kenya; Uganda");
    assert!(data.iter().all(|c| c.at != "E2")); // not reported: empty
    let total = cell(&data, "E3");
    assert_eq!((total.t.as_str(), total.text().as_str()), ("", "40"));
}

#[test]
fn subform_sheets_have_entry_numbers_and_numbers_stay_numbers() {
    let (parts, _) = export(ExportOptions::default());
    let comparisons = cells(&parts["xl/worksheets/sheet2.xml"]);
    let headers: Vec<String> = ["C1", "D1", "E1", "F1"]
        .iter()
        .map(|at| cell(&comparisons, at).text())
        .collect();
    assert_eq!(
        headers,
        ["comparisons entry", "outcome", "events", "estimate.value"]
    );
    assert_eq!(cell(&comparisons, "C2").text(), "1");
    assert_eq!(cell(&comparisons, "E2").text(), "7");
    assert_eq!(cell(&comparisons, "E2").t, "");
    assert_eq!(cell(&comparisons, "C3").text(), "2");
    let estimate = cell(&comparisons, "F3");
    assert_eq!(
        (estimate.t.as_str(), estimate.text().as_str()),
        ("", "-3.5")
    );
    assert!(comparisons.iter().all(|c| !c.at.ends_with('4')));

    let weeks = cells(&parts["xl/worksheets/sheet3.xml"]);
    assert_eq!(cell(&weeks, "C1").text(), "comparisons entry");
    assert_eq!(cell(&weeks, "D1").text(), "comparisons.timepoints entry");
    assert_eq!(cell(&weeks, "C2").text(), "1");
    assert_eq!(cell(&weeks, "D2").text(), "2");
    assert_eq!(cell(&weeks, "E2").text(), "12");
}

#[test]
fn a_formula_quote_is_an_inert_string_cell() {
    let (parts, _) = export(ExportOptions::all());
    for (name, xml) in &parts {
        if name.starts_with("xl/worksheets/") {
            assert!(
                !xml.contains("<f>") && !xml.contains("<f "),
                "{name} has a formula"
            );
        }
    }
    let comparisons = cells(&parts["xl/worksheets/sheet2.xml"]);
    let quote = comparisons.iter().find(|c| c.text() == HYPERLINK).unwrap();
    assert_eq!(quote.t, "inlineStr");
    let evil = comparisons
        .iter()
        .find(|c| c.text() == "=cmd|' /C calc'!A0")
        .unwrap();
    assert_eq!(evil.t, "inlineStr");
    let header: Vec<String> = comparisons
        .iter()
        .filter(|c| c.at.ends_with('1') && !c.at.ends_with("11"))
        .map(XmlCell::text)
        .collect();
    assert!(header.contains(&"outcome__quote".to_owned()));
    assert!(header.contains(&"estimate.value__confidence".to_owned()));
}

#[test]
fn form_sheet_describes_every_field() {
    let (parts, _) = export(ExportOptions::default());
    let strings = &parts["xl/sharedStrings.xml"];
    for expected in [
        "path",
        "choices",
        "comparisons[].estimate.value",
        "comparisons[].timepoints[].week",
        "Sub-form (repeating)",
        "RCT = RCT meaning; cohort = cohort meaning",
        "Whole number",
    ] {
        assert!(strings.contains(expected), "{expected}");
    }
}

#[test]
fn sheet_names_are_valid_and_unique() {
    let mut used = HashSet::from(["form".to_owned()]);
    assert_eq!(unique_sheet_name("Form", &mut used), "Form 2");
    assert_eq!(unique_sheet_name("a[b]:c", &mut used), "a_b__c");
    let long = "x".repeat(40);
    assert_eq!(unique_sheet_name(&long, &mut used).len(), 31);
    assert_eq!(
        unique_sheet_name(&long, &mut used),
        format!("{} 2", "x".repeat(29))
    );
    assert_eq!(unique_sheet_name("'", &mut used), "Sheet");
}

#[test]
fn overlong_text_is_cut_to_fit_a_cell() {
    let text = "é".repeat(40_000);
    let cut = cell_text(&text);
    assert_eq!(cut.encode_utf16().count(), MAX_CELL_CHARS);
    assert!(cut.ends_with('…'));
    assert_eq!(cell_text("short"), "short");
}
