//! The header of a gold-standard CSV read through its mapping: which column
//! names the document, which column fills which field, and, in a long file,
//! which repeating sub-form its rows are entries of and which columns
//! identify an entry. Every problem of the mapping is collected here (row 1).

use std::collections::BTreeMap;

use super::mapping::GoldMapping;
use super::paths::{self, Repeat, Segment};
use super::standard::{GoldProblem, ProblemKind, identity_for};
use crate::forms::model::{FieldDef, FormDefinition};

/// A column mapped to a field.
pub(super) struct Column<'a> {
    pub(super) index: usize,
    pub(super) name: String,
    pub(super) segments: Vec<Segment>,
    pub(super) field: &'a FieldDef,
    /// The position of the repeating sub-form in `segments`, in a long file.
    pub(super) entry_at: Option<usize>,
}

pub(super) fn problem(
    row: usize,
    column: Option<&str>,
    value: Option<&str>,
    kind: ProblemKind,
    reason: String,
) -> GoldProblem {
    GoldProblem {
        row,
        column: column.map(str::to_owned),
        value: value.map(str::to_owned),
        kind,
        reason,
    }
}

/// What the mapping makes of the header.
pub(super) struct Plan<'a> {
    pub(super) document: Option<(usize, String)>,
    pub(super) columns: Vec<Column<'a>>,
    /// Long files: the repeating sub-form's pattern segments (up to and
    /// including it) and the columns of its identifying fields.
    pub(super) entries: Option<(Vec<Segment>, Vec<usize>)>,
}

pub(super) fn plan_columns<'a>(
    headers: &[String],
    form: &'a FormDefinition,
    mapping: &GoldMapping,
    problems: &mut Vec<GoldProblem>,
) -> Plan<'a> {
    for (i, name) in headers.iter().enumerate() {
        if headers[..i].contains(name) {
            problems.push(problem(
                1,
                Some(name),
                None,
                ProblemKind::DuplicateHeader,
                format!("Two columns are named \"{name}\"; rename one so the mapping can tell them apart"),
            ));
        }
    }
    let document = mapping
        .document_column
        .as_ref()
        .and_then(|d| headers.iter().position(|h| h == d).map(|i| (i, d.clone())));
    if document.is_none() {
        problems.push(problem(
            1,
            mapping.document_column.as_deref(),
            None,
            ProblemKind::MissingDocumentColumn,
            match &mapping.document_column {
                None => {
                    "Choose the column that names each row's document (file name, DOI or title)"
                        .to_owned()
                }
                Some(d) => format!("The document column \"{d}\" is not in the file"),
            },
        ));
    }
    for name in mapping.fields.keys() {
        if !headers.contains(name) {
            problems.push(problem(
                1,
                Some(name),
                None,
                ProblemKind::UnknownColumn,
                format!("The mapping names column \"{name}\", which the file does not have"),
            ));
        }
    }
    let mut columns: Vec<Column<'a>> = Vec::new();
    for (index, name) in headers.iter().enumerate() {
        let is_document = document.as_ref().is_some_and(|(d, _)| *d == index);
        let mapped = mapping.fields.get(name);
        match (is_document, mapped) {
            (true, Some(pattern)) => problems.push(problem(
                1,
                Some(name),
                None,
                ProblemKind::SameField,
                format!("\"{name}\" is the document column; it cannot also fill {pattern}"),
            )),
            (true, None) => {}
            (false, None) if mapping.ignored.contains(name) => {}
            (false, None) => problems.push(problem(
                1,
                Some(name),
                None,
                ProblemKind::UnmappedColumn,
                format!("Column \"{name}\" is not mapped; map it to a field or ignore it"),
            )),
            (false, Some(pattern)) => {
                if let Some(column) = field_column(index, name, pattern, form, problems) {
                    if let Some(earlier) = columns.iter().find(|c| c.segments == column.segments) {
                        problems.push(problem(
                            1,
                            Some(name),
                            None,
                            ProblemKind::SameField,
                            format!(
                                "Columns \"{}\" and \"{name}\" are both mapped to {}",
                                earlier.name,
                                paths::format(&column.segments)
                            ),
                        ));
                    } else {
                        columns.push(column);
                    }
                }
            }
        }
    }
    let entries = plan_entries(form, mapping, &columns, problems);
    Plan {
        document,
        columns,
        entries,
    }
}

fn field_column<'a>(
    index: usize,
    name: &str,
    pattern: &str,
    form: &'a FormDefinition,
    problems: &mut Vec<GoldProblem>,
) -> Option<Column<'a>> {
    let mut refuse = |reason: String| {
        problems.push(problem(
            1,
            Some(name),
            None,
            ProblemKind::UnknownField,
            format!("Column \"{name}\" is mapped to {pattern}, but {reason}"),
        ));
        None
    };
    let Some(segments) = paths::parse(pattern) else {
        return refuse(
            "that is not a field path (keys joined by dots, [] after a repeating sub-form)"
                .to_owned(),
        );
    };
    if segments.iter().any(|s| matches!(s.repeat, Repeat::At(_))) {
        return refuse(
            "a mapping names a field of every entry: write [] instead of an index".to_owned(),
        );
    }
    let chain = match paths::resolve(&form.fields, &segments) {
        Ok(chain) => chain,
        Err(why) => return refuse(why),
    };
    let repeating: Vec<usize> = segments
        .iter()
        .enumerate()
        .filter(|(_, s)| s.repeat == Repeat::Any)
        .map(|(i, _)| i)
        .collect();
    if repeating.len() > 1 {
        return refuse(
            "one CSV holds one level of entries; sub-forms repeating inside entries need their own file"
                .to_owned(),
        );
    }
    let field = chain.last().copied()?;
    Some(Column {
        index,
        name: name.to_owned(),
        segments,
        field,
        entry_at: repeating.first().copied(),
    })
}

fn plan_entries(
    form: &FormDefinition,
    mapping: &GoldMapping,
    columns: &[Column<'_>],
    problems: &mut Vec<GoldProblem>,
) -> Option<(Vec<Segment>, Vec<usize>)> {
    let mut subform: Option<(Vec<Segment>, &str)> = None;
    for column in columns {
        let Some(at) = column.entry_at else { continue };
        let prefix = column.segments.get(..=at)?.to_vec();
        match &subform {
            None => subform = Some((prefix, &column.name)),
            Some((first, first_column)) if *first != prefix => problems.push(problem(
                1,
                Some(&column.name),
                None,
                ProblemKind::MixedSubforms,
                format!(
                    "Column \"{}\" fills {} but column \"{first_column}\" fills {}; one file holds the entries of one repeating sub-form",
                    column.name,
                    paths::format(&prefix),
                    paths::format(first)
                ),
            )),
            Some(_) => {}
        }
    }
    let (prefix, _) = subform?;
    let chain = subform_at(form, &prefix)?;
    let pattern = paths::format(&prefix);
    let pattern = pattern.strip_suffix("[]").unwrap_or(&pattern).to_owned();
    let mut identities = BTreeMap::new();
    if !mapping.identity.is_empty() {
        identities.insert(pattern.clone(), mapping.identity.clone());
    }
    let keys = identity_for(&identities, &pattern, chain);
    let mut identity_columns = Vec::new();
    for key in &keys {
        let mut wanted = prefix.clone();
        wanted.push(Segment {
            key: key.clone(),
            repeat: Repeat::No,
        });
        match columns.iter().find(|c| c.segments == wanted) {
            Some(c) => identity_columns.push(c.index),
            None => problems.push(problem(
                1,
                None,
                None,
                ProblemKind::MissingIdentity,
                format!(
                    "Entries of {pattern} are identified by {}, but no column is mapped to {}",
                    keys.join(", "),
                    paths::format(&wanted)
                ),
            )),
        }
    }
    Some((prefix, identity_columns))
}

/// The sub-form a pattern ending in `key[]` names.
fn subform_at<'a>(form: &'a FormDefinition, prefix: &[Segment]) -> Option<&'a FieldDef> {
    let mut siblings = &form.fields;
    let mut found = None;
    for segment in prefix {
        let field = siblings.iter().find(|f| f.key == segment.key)?;
        siblings = &field.fields;
        found = Some(field);
    }
    found
}
