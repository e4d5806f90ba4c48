//! The form as exports see it, and stored paths read back onto it.
//!
//! A value is stored under its field path (see
//! `extraction::run_job::ground_answer`): the top-level key for a top-level
//! field (`design`); `parent.child` inside a non-repeating sub-form
//! (`effect_estimate.value`); `key[i].child` inside a repeating one, `i`
//! counting from 0 (`comparisons[2].intervention_events`); nesting composes
//! (`comparisons[0].effect_estimate.value`, `a[0].b[1].c`). `Layout`
//! lists the form's leaves and repeating sub-forms in form order and places
//! one document's values on them (`DocumentIndex`).

use std::collections::{BTreeSet, HashMap};

use super::format::ExportValue;
use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// A stored path read back: its key path (`comparisons.outcome`) and entry
/// indexes from 0 (`[2]`). `None` for text that is not a field path.
pub fn parse_field_path(path: &str) -> Option<(String, Vec<usize>)> {
    let mut keys = Vec::new();
    let mut entries = Vec::new();
    for segment in path.split('.') {
        let (key, index) = match segment.split_once('[') {
            Some((key, rest)) => {
                let digits = rest.strip_suffix(']')?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (key, Some(digits.parse::<usize>().ok()?))
            }
            None => (segment, None),
        };
        if key.is_empty() || key.contains(']') {
            return None;
        }
        keys.push(key);
        entries.extend(index);
    }
    Some((keys.join("."), entries))
}

/// The number of entries of every repeating sub-form, from the distinct
/// stored paths of a run (`SELECT DISTINCT field_path FROM extracted_values
/// WHERE run_id = $1`): the `max_entries` argument of the wide CSV. Keys are
/// key paths without indexes (`comparisons`, `arms.timepoints`); a nested
/// sub-form counts its largest entry under any parent entry.
pub fn max_entries_from_paths<'a>(
    paths: impl IntoIterator<Item = &'a str>,
) -> HashMap<String, usize> {
    let mut out: HashMap<String, usize> = HashMap::new();
    for path in paths {
        let mut prefix = String::new();
        for segment in path.split('.') {
            let (key, index) = match segment.split_once('[') {
                Some((key, rest)) => (
                    key,
                    rest.strip_suffix(']').and_then(|d| d.parse::<usize>().ok()),
                ),
                None => (segment, None),
            };
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(key);
            if let Some(i) = index {
                let count = out.entry(prefix.clone()).or_default();
                *count = (*count).max(i + 1);
            }
        }
    }
    out
}

/// A leaf (non-sub-form) field of the form.
#[derive(Debug, Clone)]
pub(crate) struct Leaf {
    /// Keys from the root: `comparisons.effect_estimate.value`.
    pub key_path: String,
    /// Labels from the root, joined with " > ".
    pub label: String,
    pub field_type: FieldType,
    /// The repeating sub-forms above it, outermost first (indexes into `Layout::groups`).
    pub groups: Vec<usize>,
    /// The keys from the root, to print a path with entry numbers and order values.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
struct Segment {
    key: String,
    repeating: bool,
    /// Position among its siblings.
    position: usize,
}

impl Leaf {
    /// The path with entry numbers from 1 (`comparisons[3].outcome`), from
    /// `from_depth` repeating levels down (0 = from the root).
    pub(crate) fn display_path(&self, entries: &[usize], from_group_depth: usize) -> String {
        let mut out = String::new();
        let mut depth = 0;
        for segment in &self.segments {
            if depth < from_group_depth {
                if segment.repeating {
                    depth += 1;
                }
                continue;
            }
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment.key);
            if segment.repeating {
                if let Some(i) = entries.get(depth) {
                    out.push_str(&format!("[{}]", i + 1));
                }
                depth += 1;
            }
        }
        out
    }

    /// Sorts values in form order, entry by entry: every field of the first
    /// comparison, then every field of the second, ….
    pub(crate) fn sort_key(&self, entries: &[usize]) -> Vec<usize> {
        let mut key = Vec::with_capacity(self.segments.len() + entries.len());
        let mut depth = 0;
        for segment in &self.segments {
            key.push(segment.position);
            if segment.repeating {
                key.push(entries.get(depth).copied().unwrap_or(0));
                depth += 1;
            }
        }
        key
    }
}

/// A repeating sub-form.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub key_path: String,
    /// Repeating sub-forms above it, outermost first.
    pub ancestors: Vec<usize>,
    /// Leaves whose innermost repeating sub-form is this one, in form order.
    pub leaves: Vec<usize>,
}

/// The form flattened for export: leaves and repeating sub-forms in form order.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub leaves: Vec<Leaf>,
    pub groups: Vec<Group>,
    by_key_path: HashMap<String, usize>,
}

impl Layout {
    pub(crate) fn new(form: &FormDefinition) -> Layout {
        let mut layout = Layout {
            leaves: Vec::new(),
            groups: Vec::new(),
            by_key_path: HashMap::new(),
        };
        layout.walk(&form.fields, &[], "", &[]);
        layout
    }

    fn walk(&mut self, fields: &[FieldDef], segments: &[Segment], label: &str, groups: &[usize]) {
        for (position, field) in fields.iter().enumerate() {
            let mut segments = segments.to_vec();
            segments.push(Segment {
                key: field.key.clone(),
                repeating: field.repeating && field.field_type == FieldType::Subform,
                position,
            });
            let key_path = segments
                .iter()
                .map(|s| s.key.as_str())
                .collect::<Vec<_>>()
                .join(".");
            let label = if label.is_empty() {
                field.label.clone()
            } else {
                format!("{label} > {}", field.label)
            };
            if field.field_type != FieldType::Subform {
                self.by_key_path.insert(key_path.clone(), self.leaves.len());
                if let Some(&g) = groups.last() {
                    self.groups[g].leaves.push(self.leaves.len());
                }
                self.leaves.push(Leaf {
                    key_path,
                    label,
                    field_type: field.field_type,
                    groups: groups.to_vec(),
                    segments,
                });
            } else if field.repeating {
                let index = self.groups.len();
                self.groups.push(Group {
                    key_path,
                    ancestors: groups.to_vec(),
                    leaves: Vec::new(),
                });
                let mut inner = groups.to_vec();
                inner.push(index);
                self.walk(&field.fields, &segments, &label, &inner);
            } else {
                self.walk(&field.fields, &segments, &label, groups);
            }
        }
    }

    /// The leaf a stored path addresses, with its entry indexes, if the form has it.
    pub(crate) fn locate(&self, field_path: &str) -> Option<(usize, Vec<usize>)> {
        let (key_path, entries) = parse_field_path(field_path)?;
        let leaf = *self.by_key_path.get(&key_path)?;
        (self.leaves[leaf].groups.len() == entries.len()).then_some((leaf, entries))
    }

    pub(crate) fn leaf_by_key_path(&self, key_path: &str) -> Option<usize> {
        self.by_key_path.get(key_path).copied()
    }

    /// One document's values placed on the form.
    pub(crate) fn index<'a>(&self, values: &'a [ExportValue]) -> DocumentIndex<'a> {
        let mut index = DocumentIndex {
            cells: HashMap::new(),
            entries: vec![BTreeSet::new(); self.groups.len()],
            unplaced: Vec::new(),
        };
        for value in values {
            let Some((leaf, entries)) = self.locate(&value.field_path) else {
                index.unplaced.push(value);
                continue;
            };
            for (depth, &group) in self.leaves[leaf].groups.iter().enumerate() {
                index.entries[group].insert(entries[..=depth].to_vec());
            }
            index.cells.insert((leaf, entries), value);
        }
        index
    }
}

/// One document's values by (leaf, entry indexes).
pub(crate) struct DocumentIndex<'a> {
    pub cells: HashMap<(usize, Vec<usize>), &'a ExportValue>,
    /// Per repeating sub-form: the entry index paths present, sorted.
    pub entries: Vec<BTreeSet<Vec<usize>>>,
    /// Values whose path the form does not have.
    pub unplaced: Vec<&'a ExportValue>,
}

impl<'a> DocumentIndex<'a> {
    pub(crate) fn get(&self, leaf: usize, entries: &[usize]) -> Option<&'a ExportValue> {
        self.cells.get(&(leaf, entries.to_vec())).copied()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::export::fixtures::*;

    #[test]
    fn field_paths_parse_to_key_path_and_entries() {
        assert_eq!(parse_field_path("design"), Some(("design".into(), vec![])));
        assert_eq!(
            parse_field_path("comparisons[2].effect_estimate.value"),
            Some(("comparisons.effect_estimate.value".into(), vec![2]))
        );
        assert_eq!(
            parse_field_path("a[0].b[11].c"),
            Some(("a.b.c".into(), vec![0, 11]))
        );
        for bad in ["", "a..b", "a[x].b", "a[1", "a[].b", "[1]", "a[1]]"] {
            assert_eq!(parse_field_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn max_entries_counts_every_repeating_level() {
        let counts = max_entries_from_paths([
            "design",
            "comparisons[0].outcome",
            "comparisons[4].effect_estimate.value",
            "a[1].b[0].c",
            "a[0].b[6].c",
        ]);
        assert_eq!(counts.get("comparisons"), Some(&5));
        assert_eq!(counts.get("a"), Some(&2));
        assert_eq!(counts.get("a.b"), Some(&7));
        assert_eq!(counts.get("design"), None);
    }

    #[test]
    fn layout_follows_the_form_and_locates_stored_paths() {
        let layout = Layout::new(&sample_form());
        let paths: Vec<&str> = layout.leaves.iter().map(|l| l.key_path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "design",
                "countries",
                "total",
                "comparisons.outcome",
                "comparisons.events",
                "comparisons.estimate.value",
                "comparisons.timepoints.week",
            ]
        );
        assert_eq!(layout.groups.len(), 2);
        assert_eq!(layout.groups[1].key_path, "comparisons.timepoints");
        assert_eq!(layout.groups[1].ancestors, [0]);
        assert_eq!(
            layout.locate("comparisons[1].timepoints[2].week"),
            Some((6, vec![1, 2]))
        );
        // Wrong number of entry indexes, or unknown keys, place nowhere.
        assert_eq!(layout.locate("comparisons.outcome"), None);
        assert_eq!(layout.locate("design[0]"), None);
        assert_eq!(layout.locate("nope"), None);
        let leaf = &layout.leaves[6];
        assert_eq!(
            leaf.display_path(&[1, 2], 0),
            "comparisons[2].timepoints[3].week"
        );
        assert_eq!(leaf.display_path(&[1, 2], 1), "timepoints[3].week");
        assert_eq!(leaf.label, "Comparisons > Time points > Week");
    }
}
