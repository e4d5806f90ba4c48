//! Reading a gold-standard CSV into a [`GoldStandard`].
//!
//! Two shapes, chosen by the mapping:
//! - **wide**: one row per document, one column per field (top-level fields
//!   and fields of non-repeating sub-forms);
//! - **long**: when columns are mapped into one repeating sub-form
//!   (`comparisons[].…`), one row per entry; the entry is identified by its
//!   identifying fields (see [`GoldMapping::identity`]). Document-level
//!   columns may sit beside them: each document's non-empty cells must agree
//!   across its rows (it is enough to fill them on one row). A row whose
//!   entry cells are all empty says the document has no entries.
//!
//! Cells are read by `typed::read_cell` (empty, "NR", "not reported" and
//! "n/a" mean the paper does not report the value). Every problem is
//! collected with its row, column and reason; if there is any, nothing is
//! produced. Server-only: it needs the `csv` crate.

use std::collections::HashMap;

use serde_json::Value;
use uuid::Uuid;

use super::gold_columns::{Column, Plan, plan_columns, problem};
use super::mapping::GoldMapping;
use super::paths::{self, Repeat};
use super::standard::{GoldDocument, GoldProblem, GoldStandard, GoldValue, ProblemKind};
use super::typed::{normalise_text, read_cell, value_text};
use crate::forms::model::FormDefinition;

/// A gathered entry of a long file.
struct Entry {
    row: usize,
    identity: Vec<String>,
    /// (column index, value) of the sub-form's columns.
    values: Vec<(usize, Option<Value>)>,
}

/// What the rows say, per document, in the order documents first appear.
#[derive(Default)]
struct Gathered {
    documents: Vec<Uuid>,
    first_row: HashMap<Uuid, usize>,
    /// Document-level values: (column index, row that gave it, value).
    top: HashMap<Uuid, Vec<(usize, usize, Option<Value>)>>,
    entries: HashMap<Uuid, Vec<Entry>>,
}

/// Reads `csv` (UTF-8, header row first) as the gold standard of `form`
/// over `documents`, or returns every problem found.
pub fn parse_gold_csv(
    csv: &[u8],
    form: &FormDefinition,
    documents: &[GoldDocument],
    mapping: &GoldMapping,
) -> Result<GoldStandard, Vec<GoldProblem>> {
    let mut problems = Vec::new();
    // Spreadsheet programs start a UTF-8 CSV with a byte-order mark.
    let csv = csv.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(csv);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(csv);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(err) => {
            return Err(vec![problem(
                1,
                None,
                None,
                ProblemKind::Unreadable,
                format!("The header row cannot be read ({err}); save the file as UTF-8 CSV"),
            )]);
        }
    };
    if headers.iter().all(String::is_empty) {
        return Err(vec![problem(
            1,
            None,
            None,
            ProblemKind::Unreadable,
            "The file is empty; it needs a header row naming its columns".to_owned(),
        )]);
    }
    let plan = plan_columns(&headers, form, mapping, &mut problems);
    let mut gathered = Gathered::default();
    for (n, record) in reader.records().enumerate() {
        let row = n + 2;
        match record {
            Ok(record) if record.len() != headers.len() => problems.push(problem(
                row,
                None,
                None,
                ProblemKind::RaggedRow,
                format!(
                    "The row has {} cells but the header has {} columns",
                    record.len(),
                    headers.len()
                ),
            )),
            Ok(record) => {
                let cells: Vec<&str> = record.iter().map(str::trim).collect();
                read_row(row, &cells, &plan, documents, &mut gathered, &mut problems);
            }
            Err(err) => problems.push(problem(
                row,
                None,
                None,
                ProblemKind::Unreadable,
                format!("The row cannot be read ({err})"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(assemble(form, &plan, gathered))
    } else {
        Err(problems)
    }
}

fn read_row(
    row: usize,
    cells: &[&str],
    plan: &Plan<'_>,
    documents: &[GoldDocument],
    gathered: &mut Gathered,
    problems: &mut Vec<GoldProblem>,
) {
    let cell = |i: usize| cells.get(i).copied().unwrap_or("");
    let document = plan.document.as_ref().and_then(|(i, name)| {
        let raw = cell(*i);
        match find_document(documents, raw) {
            Ok(id) => Some(id),
            Err((kind, reason)) => {
                problems.push(problem(row, Some(name), Some(raw), kind, reason));
                None
            }
        }
    });
    let mut typed: Vec<(usize, Option<Value>)> = Vec::new();
    for column in &plan.columns {
        let raw = cell(column.index);
        match read_cell(column.field, raw) {
            Ok(value) => typed.push((column.index, value)),
            Err(why) => problems.push(problem(
                row,
                Some(&column.name),
                Some(raw),
                ProblemKind::WrongType,
                why,
            )),
        }
    }
    let Some(document) = document else { return };
    let first_row = *gathered.first_row.entry(document).or_insert(row);
    if first_row == row {
        gathered.documents.push(document);
    }
    let Some((_, identity_columns)) = &plan.entries else {
        // Wide: one row per document.
        if first_row != row {
            let (i, name) = plan
                .document
                .as_ref()
                .map_or((0, ""), |(i, n)| (*i, n.as_str()));
            problems.push(problem(
                row,
                Some(name),
                Some(cell(i)),
                ProblemKind::DuplicateRow,
                format!(
                    "Row {first_row} is already this document's row; give one row per document"
                ),
            ));
            return;
        }
        let values = typed.into_iter().map(|(i, v)| (i, row, v)).collect();
        gathered.top.insert(document, values);
        return;
    };
    // Long: document-level cells first (the first non-empty one counts), then the entry.
    let top = gathered.top.entry(document).or_default();
    for column in plan.columns.iter().filter(|c| c.entry_at.is_none()) {
        let Some((_, Some(value))) = typed.iter().find(|(i, _)| *i == column.index) else {
            continue;
        };
        match top.iter().find(|(i, _, _)| *i == column.index) {
            Some((_, given_row, Some(given))) if given != value => problems.push(problem(
                row,
                Some(&column.name),
                Some(cell(column.index)),
                ProblemKind::ConflictingValue,
                format!(
                    "Row {given_row} gives this document \"{}\"; a document-level column must agree across the document's rows",
                    value_text(given)
                ),
            )),
            Some(_) => {}
            None => top.push((column.index, row, Some(value.clone()))),
        }
    }
    let entry_columns: Vec<&Column<'_>> = plan
        .columns
        .iter()
        .filter(|c| c.entry_at.is_some())
        .collect();
    let entries = gathered.entries.entry(document).or_default();
    if entry_columns.iter().all(|c| cell(c.index).is_empty()) {
        // A row without entry cells: the document has no entries (or only
        // document-level values).
        return;
    }
    let mut identity = Vec::new();
    for i in identity_columns {
        let raw = cell(*i);
        if raw.is_empty() {
            let name = entry_columns
                .iter()
                .find(|c| c.index == *i)
                .map_or("", |c| c.name.as_str());
            problems.push(problem(
                row,
                Some(name),
                None,
                ProblemKind::EmptyIdentity,
                "This cell identifies the entry and cannot be empty".to_owned(),
            ));
            return;
        }
        identity.push(raw.to_owned());
    }
    let key: Vec<String> = identity.iter().map(|t| normalise_text(t)).collect();
    let same = |e: &&Entry| {
        e.identity
            .iter()
            .map(|t| normalise_text(t))
            .collect::<Vec<_>>()
            == key
    };
    if let Some(first) = entries.iter().find(same) {
        problems.push(problem(
            row,
            None,
            None,
            ProblemKind::DuplicateEntry,
            format!(
                "Row {} already has this entry ({}) of this document",
                first.row,
                identity.join(" / ")
            ),
        ));
        return;
    }
    let values = typed
        .into_iter()
        .filter(|(i, _)| entry_columns.iter().any(|c| c.index == *i))
        .collect();
    entries.push(Entry {
        row,
        identity,
        values,
    });
}

/// The document a cell names: by file name (with or without `.pdf`, any
/// case), else by DOI (`https://doi.org/`, `doi:` and case ignored), else by
/// title (normalised).
fn find_document(documents: &[GoldDocument], raw: &str) -> Result<Uuid, (ProblemKind, String)> {
    if raw.is_empty() {
        return Err((
            ProblemKind::UnknownDocument,
            "The document cell is empty".to_owned(),
        ));
    }
    let stem = |name: &str| {
        let lower = name.trim().to_lowercase();
        lower
            .strip_suffix(".pdf")
            .map(str::to_owned)
            .unwrap_or(lower)
    };
    let wanted_stem = stem(raw);
    let wanted_doi = normalise_doi(raw);
    let wanted_title = normalise_text(raw);
    let tiers: [Vec<&GoldDocument>; 3] = [
        documents
            .iter()
            .filter(|d| stem(&d.file_name) == wanted_stem)
            .collect(),
        documents
            .iter()
            .filter(|d| {
                !wanted_doi.is_empty()
                    && d.doi
                        .as_deref()
                        .is_some_and(|doi| normalise_doi(doi) == wanted_doi)
            })
            .collect(),
        documents
            .iter()
            .filter(|d| {
                !wanted_title.is_empty()
                    && d.title
                        .as_deref()
                        .is_some_and(|t| normalise_text(t) == wanted_title)
            })
            .collect(),
    ];
    match tiers.iter().find(|t| !t.is_empty()).map(Vec::as_slice) {
        Some([one]) => Ok(one.id),
        Some(many) => Err((
            ProblemKind::AmbiguousDocument,
            format!(
                "\"{raw}\" names {} documents ({}); use the file name",
                many.len(),
                many.iter()
                    .map(|d| d.file_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        None => Err((
            ProblemKind::UnknownDocument,
            format!("No document of this project has the file name, DOI or title \"{raw}\""),
        )),
    }
}

/// A DOI without its resolver prefix, lowercased (DOIs are case-insensitive).
fn normalise_doi(raw: &str) -> String {
    let lower = raw.trim().to_lowercase();
    let mut rest = lower.as_str();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ] {
        if let Some(stripped) = rest.strip_prefix(prefix) {
            rest = stripped;
            break;
        }
    }
    let rest = rest.trim();
    if rest.starts_with("10.") {
        rest.to_owned()
    } else {
        String::new()
    }
}

fn assemble(form: &FormDefinition, plan: &Plan<'_>, mut gathered: Gathered) -> GoldStandard {
    let mut values = Vec::new();
    for document in &gathered.documents {
        if let Some(top) = gathered.top.remove(document) {
            for column in plan.columns.iter().filter(|c| c.entry_at.is_none()) {
                let value = top
                    .iter()
                    .find(|(i, _, _)| *i == column.index)
                    .and_then(|(_, _, v)| v.clone());
                values.push(GoldValue {
                    document_id: *document,
                    field_path: paths::format(&column.segments),
                    entry_identity: None,
                    value,
                });
            }
        }
        for (n, entry) in gathered
            .entries
            .remove(document)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            for column in plan.columns.iter().filter(|c| c.entry_at.is_some()) {
                let mut segments = column.segments.clone();
                if let Some(at) = column.entry_at.and_then(|at| segments.get_mut(at)) {
                    at.repeat = Repeat::At(n);
                }
                let value = entry
                    .values
                    .iter()
                    .find(|(i, _)| *i == column.index)
                    .and_then(|(_, v)| v.clone());
                values.push(GoldValue {
                    document_id: *document,
                    field_path: paths::format(&segments),
                    entry_identity: Some(entry.identity.clone()),
                    value,
                });
            }
        }
    }
    let mapped: Vec<String> = plan
        .columns
        .iter()
        .map(|c| paths::format(&c.segments))
        .collect();
    let fields = paths::leaves(&form.fields)
        .into_iter()
        .map(|(pattern, _)| pattern)
        .filter(|p| mapped.contains(p))
        .collect();
    GoldStandard {
        documents: gathered.documents,
        fields,
        values,
    }
}
