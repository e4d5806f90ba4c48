//! Seeded entries from a CSV: for a repeating sub-form, the entries a
//! meta-analyst already knows per document (e.g. intervention, comparator,
//! outcome); the extractor then fills the other fields of each entry instead of
//! discovering entries.
//!
//! Format: a header row; a `document` column (matched against the file name,
//! DOI or title of a document, case-insensitively); optionally a `subform`
//! column naming the repeating sub-form (needed only when the form has more
//! than one); every other column is a child key of that sub-form. One row per
//! entry. Every problem (row, column, why) is reported; nothing is seeded
//! unless the whole file is right.

use std::collections::BTreeMap;

use serde_json::Value;
use uuid::Uuid;

use super::extractor::Seeds;
use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// A document seeds can name.
pub struct SeedableDocument {
    pub id: Uuid,
    pub name: String,
    pub doi: Option<String>,
    pub title: Option<String>,
}

/// Parses `csv` into seeds per document, or every problem found.
pub fn parse_seeds(
    csv: &str,
    form: &FormDefinition,
    documents: &[SeedableDocument],
) -> Result<BTreeMap<Uuid, Seeds>, Vec<String>> {
    let mut problems = Vec::new();
    let mut seeds: BTreeMap<Uuid, Seeds> = BTreeMap::new();
    if csv.trim().is_empty() {
        return Ok(seeds);
    }
    let repeating: Vec<&FieldDef> = form
        .fields
        .iter()
        .filter(|f| f.field_type == FieldType::Subform && f.repeating)
        .collect();
    if repeating.is_empty() {
        return Err(vec![
            "This form has no repeating sub-form, so it cannot take seeded entries".to_owned(),
        ]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(csv.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_lowercase()).collect(),
        Err(err) => return Err(vec![format!("The header row cannot be read: {err}")]),
    };
    let Some(document_column) = headers.iter().position(|h| h == "document") else {
        return Err(vec![
            "The CSV needs a \"document\" column (file name, DOI or title)".to_owned(),
        ]);
    };
    let subform_column = headers.iter().position(|h| h == "subform");
    if subform_column.is_none() && repeating.len() > 1 {
        problems.push(format!(
            "The form has {} repeating sub-forms ({}); add a \"subform\" column saying which",
            repeating.len(),
            repeating
                .iter()
                .map(|f| f.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (row_index, record) in reader.records().enumerate() {
        let row = row_index + 2;
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                problems.push(format!("Row {row}: {err}"));
                continue;
            }
        };
        let cell = |i: usize| record.get(i).unwrap_or("").to_owned();
        let document_value = cell(document_column);
        let document = find_document(documents, &document_value);
        if document.is_none() {
            problems.push(format!(
                "Row {row}, column document: no ready document of this project is named \"{document_value}\" (by file name, DOI or title)"
            ));
        }
        let subform = match subform_column {
            Some(i) => {
                let key = cell(i);
                match repeating.iter().find(|f| f.key == key) {
                    Some(f) => Some(*f),
                    None => {
                        problems.push(format!(
                            "Row {row}, column subform: \"{key}\" is not a repeating sub-form of the form"
                        ));
                        None
                    }
                }
            }
            None => repeating.first().copied(),
        };
        let Some(subform) = subform else { continue };
        let mut entry = BTreeMap::new();
        for (i, header) in headers.iter().enumerate() {
            if i == document_column || Some(i) == subform_column {
                continue;
            }
            let raw = cell(i);
            let Some(child) = subform.fields.iter().find(|f| f.key == *header) else {
                problems.push(format!(
                    "Column {header}: not a field of sub-form {} (its fields: {})",
                    subform.key,
                    subform
                        .fields
                        .iter()
                        .map(|f| f.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                continue;
            };
            if raw.is_empty() {
                continue;
            }
            match typed_value(child, &raw) {
                Ok(value) => {
                    entry.insert(child.key.clone(), value);
                }
                Err(why) => problems.push(format!("Row {row}, column {header}: {why}")),
            }
        }
        if let Some(document) = document {
            seeds
                .entry(document)
                .or_default()
                .entry(subform.key.clone())
                .or_default()
                .push(entry);
        }
    }
    // A column problem is reported once per column, not once per row.
    problems.dedup();
    if problems.is_empty() {
        Ok(seeds)
    } else {
        Err(problems)
    }
}

fn normalise_name(raw: &str) -> String {
    raw.trim().to_lowercase()
}

fn find_document(documents: &[SeedableDocument], raw: &str) -> Option<Uuid> {
    let wanted = normalise_name(raw);
    if wanted.is_empty() {
        return None;
    }
    let stem = |name: &str| {
        let name = normalise_name(name);
        name.strip_suffix(".pdf").map(str::to_owned).unwrap_or(name)
    };
    documents
        .iter()
        .find(|d| {
            normalise_name(&d.name) == wanted
                || stem(&d.name) == stem(&wanted)
                || d.doi
                    .as_deref()
                    .is_some_and(|doi| normalise_name(doi) == wanted)
                || d.title
                    .as_deref()
                    .is_some_and(|t| normalise_name(t) == wanted)
        })
        .map(|d| d.id)
}

fn typed_value(field: &FieldDef, raw: &str) -> Result<Value, String> {
    match field.field_type {
        FieldType::Text | FieldType::Date => Ok(Value::String(raw.to_owned())),
        FieldType::Integer => raw
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("\"{raw}\" is not a whole number")),
        FieldType::Number => raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("\"{raw}\" is not a number")),
        FieldType::Boolean => match raw.to_lowercase().as_str() {
            "yes" | "true" | "1" => Ok(Value::Bool(true)),
            "no" | "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("\"{raw}\" is not yes or no")),
        },
        FieldType::SingleChoice => field
            .options
            .iter()
            .find(|o| o.value.eq_ignore_ascii_case(raw))
            .map(|o| Value::String(o.value.clone()))
            .ok_or_else(|| format!("\"{raw}\" is not one of the options of {}", field.key)),
        FieldType::MultipleChoice | FieldType::TextList | FieldType::Subform => Err(format!(
            "{} cannot be seeded (only single values can)",
            field.key
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn documents() -> Vec<SeedableDocument> {
        vec![SeedableDocument {
            id: Uuid::nil(),
            name: "PMC1.pdf".into(),
            doi: Some("10.1/abc".into()),
            title: Some("A trial".into()),
        }]
    }

    #[test]
    fn seeds_entries_per_document_and_lists_every_problem() {
        let form = crate::forms::presets::preset_form("outcome_results").unwrap();
        let good = "document,intervention,comparator,outcome\nPMC1,Drug,Placebo,Death\n10.1/ABC,Drug,Placebo,Pain\n";
        let seeds = parse_seeds(good, &form, &documents()).unwrap();
        let entries = &seeds[&Uuid::nil()]["comparisons"];
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1]["outcome"], Value::String("Pain".into()));

        let bad = "document,intervention,colour,intervention_events\nPMC9,Drug,red,many\n";
        let problems = parse_seeds(bad, &form, &documents()).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("PMC9"));
        assert!(problems.iter().any(|p| p.contains("colour")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("\"many\" is not a whole number"))
        );

        let missing = parse_seeds("name\nx\n", &form, &documents()).unwrap_err();
        assert!(missing[0].contains("document"));
        assert!(parse_seeds("", &form, &documents()).unwrap().is_empty());
    }
}
