//! What a reviewer sees of a value, target-independent so the grid, the
//! editor and the server agree: the state badge of a cell, the grid's levels
//! and columns for a form, how a value is shown, and how an edit is read.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// Below this confidence a value needs a person's look even when verified.
pub const LOW_CONFIDENCE: f32 = 0.6;

/// A reviewer's verdict on a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// The value (and its quote) as extracted is right.
    Accepted,
    /// The reviewer changed the value or chose another quote.
    Corrected,
    /// The reviewer says the paper does not report it.
    NotReported,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Accepted => "accepted",
            ReviewStatus::Corrected => "corrected",
            ReviewStatus::NotReported => "not_reported",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "accepted" => Some(ReviewStatus::Accepted),
            "corrected" => Some(ReviewStatus::Corrected),
            "not_reported" => Some(ReviewStatus::NotReported),
            _ => None,
        }
    }
}

/// A change a reviewer makes to one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    Accept,
    Correct,
    NotReported,
    /// A passage chosen in the paper becomes the value's quote.
    Quote,
}

impl ReviewAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Accept => "accept",
            ReviewAction::Correct => "correct",
            ReviewAction::NotReported => "not_reported",
            ReviewAction::Quote => "quote",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "accept" => Some(ReviewAction::Accept),
            "correct" => Some(ReviewAction::Correct),
            "not_reported" => Some(ReviewAction::NotReported),
            "quote" => Some(ReviewAction::Quote),
            _ => None,
        }
    }

    /// How the history names the change.
    pub fn label(self) -> &'static str {
        match self {
            ReviewAction::Accept => "Accepted",
            ReviewAction::Correct => "Corrected",
            ReviewAction::NotReported => "Marked not reported",
            ReviewAction::Quote => "Chose a new quote",
        }
    }
}

/// The badge of a cell: a reviewer's verdict when there is one, else what
/// eviStream decided about the extracted value (never the model's word).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    Verified,
    Derived,
    Seeded,
    Ungrounded,
    Unsupported,
    Stale,
    NotReported,
    Accepted,
    Corrected,
}

impl CellState {
    pub fn label(self) -> &'static str {
        match self {
            CellState::Verified => "verified",
            CellState::Derived => "derived",
            CellState::Seeded => "seeded",
            CellState::Ungrounded => "ungrounded",
            CellState::Unsupported => "unsupported",
            CellState::Stale => "stale",
            CellState::NotReported => "not reported",
            CellState::Accepted => "accepted",
            CellState::Corrected => "corrected",
        }
    }

    /// The badge's CSS class: good, bad (flagged) or neutral.
    pub fn class(self) -> &'static str {
        match self {
            CellState::Verified | CellState::Derived | CellState::Accepted => "cell-badge good",
            CellState::Corrected => "cell-badge corrected",
            CellState::Ungrounded | CellState::Unsupported | CellState::Stale => "cell-badge bad",
            CellState::Seeded | CellState::NotReported => "cell-badge neutral",
        }
    }

    /// Verified by eviStream (grounded and supported), or derived from verified inputs.
    pub fn is_verified(self) -> bool {
        matches!(self, CellState::Verified | CellState::Derived)
    }
}

/// What the server knows about a value, reduced to what decides its state.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ValueFacts {
    pub not_reported: bool,
    pub grounded: bool,
    pub supported: bool,
    pub derived: bool,
    pub seeded: bool,
    /// The document was converted again since the value was grounded.
    pub stale: bool,
    pub confidence: f32,
    pub review: Option<ReviewStatus>,
}

impl ValueFacts {
    pub fn state(&self) -> CellState {
        match self.review {
            Some(ReviewStatus::Accepted) => return CellState::Accepted,
            Some(ReviewStatus::Corrected | ReviewStatus::NotReported) => {
                return CellState::Corrected;
            }
            None => {}
        }
        if self.not_reported {
            CellState::NotReported
        } else if self.stale {
            CellState::Stale
        } else if self.seeded {
            CellState::Seeded
        } else if !self.grounded {
            CellState::Ungrounded
        } else if !self.supported {
            CellState::Unsupported
        } else if self.derived {
            CellState::Derived
        } else {
            CellState::Verified
        }
    }

    /// Not reviewed yet, and not something a reviewer can skip: anything but a
    /// confident verified value (a seeded value is the team's own).
    pub fn needs_review(&self) -> bool {
        if self.review.is_some() || self.seeded {
            return false;
        }
        !self.state().is_verified() || self.confidence < LOW_CONFIDENCE
    }
}

/// The grid's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GridFilter {
    #[default]
    All,
    NeedsReview,
    Ungrounded,
    Unsupported,
    LowConfidence,
    Corrected,
    FailedDocuments,
}

impl GridFilter {
    pub const ALL: [GridFilter; 7] = [
        GridFilter::All,
        GridFilter::NeedsReview,
        GridFilter::Ungrounded,
        GridFilter::Unsupported,
        GridFilter::LowConfidence,
        GridFilter::Corrected,
        GridFilter::FailedDocuments,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GridFilter::All => "all",
            GridFilter::NeedsReview => "needs_review",
            GridFilter::Ungrounded => "ungrounded",
            GridFilter::Unsupported => "unsupported",
            GridFilter::LowConfidence => "low_confidence",
            GridFilter::Corrected => "corrected",
            GridFilter::FailedDocuments => "failed_documents",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        GridFilter::ALL.into_iter().find(|f| f.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            GridFilter::All => "All values",
            GridFilter::NeedsReview => "Needs review",
            GridFilter::Ungrounded => "Ungrounded",
            GridFilter::Unsupported => "Unsupported",
            GridFilter::LowConfidence => "Low confidence",
            GridFilter::Corrected => "Corrected",
            GridFilter::FailedDocuments => "Failed documents",
        }
    }

    /// Whether a value's cell matches (failed documents match at row level).
    pub fn matches(self, facts: &ValueFacts) -> bool {
        match self {
            GridFilter::All | GridFilter::FailedDocuments => true,
            GridFilter::NeedsReview => facts.needs_review(),
            GridFilter::Ungrounded => {
                facts.review.is_none() && facts.state() == CellState::Ungrounded
            }
            GridFilter::Unsupported => {
                facts.review.is_none() && facts.state() == CellState::Unsupported
            }
            GridFilter::LowConfidence => {
                !facts.seeded && !facts.not_reported && facts.confidence < LOW_CONFIDENCE
            }
            GridFilter::Corrected => facts.state() == CellState::Corrected,
        }
    }
}

/// The grid's row orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GridSort {
    #[default]
    Name,
    /// Most values needing review first.
    NeedsReview,
    /// Least reviewed first.
    Progress,
}

impl GridSort {
    pub const ALL: [GridSort; 3] = [GridSort::Name, GridSort::NeedsReview, GridSort::Progress];

    pub fn as_str(self) -> &'static str {
        match self {
            GridSort::Name => "name",
            GridSort::NeedsReview => "needs_review",
            GridSort::Progress => "progress",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        GridSort::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            GridSort::Name => "Document name",
            GridSort::NeedsReview => "Most to review first",
            GridSort::Progress => "Least reviewed first",
        }
    }
}

/// A stored field path ("comparisons[2].outcome") as its pattern
/// ("comparisons[].outcome") and its entry indexes ([2]).
pub fn path_pattern(path: &str) -> (String, Vec<usize>) {
    let mut pattern = String::with_capacity(path.len());
    let mut entries = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        pattern.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            pattern.push_str(after);
            return (pattern, entries);
        };
        if let Ok(index) = after[..close].parse() {
            entries.push(index);
        }
        pattern.push(']');
        rest = &after[close + 1..];
    }
    pattern.push_str(rest);
    (pattern, entries)
}

/// The field a path pattern names ("comparisons[].outcome" → outcome).
pub fn field_at<'a>(form: &'a FormDefinition, pattern: &str) -> Option<&'a FieldDef> {
    let mut fields = &form.fields;
    let mut found = None;
    for part in pattern.split('.') {
        let key = part.strip_suffix("[]").unwrap_or(part);
        let field = fields.iter().find(|f| f.key == key)?;
        fields = &field.fields;
        found = Some(field);
    }
    found
}

/// A level of the grid: the top level (one row per document, `key` "") or a
/// repeating sub-form (one row per document and entry, `key` its pattern,
/// e.g. "comparisons[]").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridLevel {
    pub key: String,
    pub label: String,
}

/// Every level of a form: the top, then each repeating sub-form in form order.
pub fn levels(form: &FormDefinition) -> Vec<GridLevel> {
    fn walk(fields: &[FieldDef], prefix: &str, label: &str, out: &mut Vec<GridLevel>) {
        for field in fields {
            if field.field_type != FieldType::Subform {
                continue;
            }
            let path = join(prefix, &field.key);
            let name = if label.is_empty() {
                field.label.clone()
            } else {
                format!("{label} › {}", field.label)
            };
            if field.repeating {
                let key = format!("{path}[]");
                out.push(GridLevel {
                    key: key.clone(),
                    label: name.clone(),
                });
                walk(&field.fields, &key, &name, out);
            } else {
                walk(&field.fields, &path, &name, out);
            }
        }
    }
    let mut out = vec![GridLevel {
        key: String::new(),
        label: "Per document".to_owned(),
    }];
    walk(&form.fields, "", "", &mut out);
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// A column of a level: a field, or (for a repeating sub-form inside the
/// level) the count of its entries, which opens that level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridColumn {
    /// The field's path pattern (`comparisons[].outcome`), or the sub-form's
    /// level key (`comparisons[]`) for an entries column.
    pub pattern: String,
    pub label: String,
    pub field_type: FieldType,
    pub unit: String,
    /// An entries column: opens the level of this key.
    pub entries_of: Option<String>,
}

/// The columns of `level`: the leaf fields it holds, non-repeating sub-forms
/// flattened, each repeating sub-form as one entries column.
pub fn columns(form: &FormDefinition, level: &str) -> Vec<GridColumn> {
    fn walk(fields: &[FieldDef], prefix: &str, label: &str, out: &mut Vec<GridColumn>) {
        for field in fields {
            let path = join(prefix, &field.key);
            let name = if label.is_empty() {
                field.label.clone()
            } else {
                format!("{label} › {}", field.label)
            };
            if field.field_type == FieldType::Subform {
                if field.repeating {
                    let key = format!("{path}[]");
                    out.push(GridColumn {
                        pattern: key.clone(),
                        label: name,
                        field_type: FieldType::Subform,
                        unit: String::new(),
                        entries_of: Some(key),
                    });
                } else {
                    walk(&field.fields, &path, &name, out);
                }
            } else {
                out.push(GridColumn {
                    pattern: path,
                    label: name,
                    field_type: field.field_type,
                    unit: field.unit.clone(),
                    entries_of: None,
                });
            }
        }
    }
    let mut out = Vec::new();
    if level.is_empty() {
        walk(&form.fields, "", "", &mut out);
    } else if let Some(field) = field_at(form, level).filter(|f| f.repeating) {
        walk(&field.fields, level, "", &mut out);
    }
    out
}

/// The row a value belongs to at `level`, as the entry indexes of the level
/// (empty at the top level), and the column pattern it falls in: its own
/// pattern, or the entries column of a deeper repeating sub-form. `None`
/// when the value is not under the level.
pub fn place(level: &str, path: &str) -> Option<(Vec<usize>, String)> {
    let (pattern, entries) = path_pattern(path);
    let depth = level.matches("[]").count();
    if !level.is_empty() && !pattern.starts_with(&format!("{level}.")) {
        return None;
    }
    let row = entries.get(..depth)?.to_vec();
    // The first repeating sub-form below the level, if any, is the column.
    let below = &pattern[level.len()..];
    let column = match below.find("[]") {
        Some(at) => format!("{level}{}", &below[..at + 2]),
        None => pattern.clone(),
    };
    Some((row, column))
}

/// How a value reads in a cell: choice labels as stored, yes/no, lists joined
/// by "; ", numbers with their unit.
pub fn display_value(
    value: Option<&Value>,
    not_reported: bool,
    field: Option<&FieldDef>,
) -> String {
    if not_reported {
        return "Not reported".to_owned();
    }
    let Some(value) = value else {
        return "—".to_owned();
    };
    let unit = field.map(|f| f.unit.as_str()).unwrap_or("");
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::Number(n) if unit.is_empty() => n.to_string(),
        Value::Number(n) => format!("{n} {unit}"),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(_) => value.to_string(),
    }
}

/// The text an editor starts from for a value.
pub fn edit_text(value: Option<&Value>, field_type: FieldType) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
        Some(Value::Array(items)) => {
            let sep = if field_type == FieldType::TextList {
                "\n"
            } else {
                "; "
            };
            items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map_or_else(|| item.to_string(), str::to_owned)
                })
                .collect::<Vec<_>>()
                .join(sep)
        }
        Some(other) => other.to_string(),
    }
}

/// Reads a reviewer's edit of `field` into the value it stores, or says what
/// is wrong with it. Choices are matched to an option's value, ignoring case.
pub fn parse_edit(field: &FieldDef, raw: &str) -> Result<Value, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Enter a value, or mark the value as not reported.".to_owned());
    }
    let option_of = |item: &str| {
        field
            .options
            .iter()
            .find(|o| o.value.eq_ignore_ascii_case(item.trim()))
            .map(|o| Value::String(o.value.clone()))
            .ok_or_else(|| {
                let known: Vec<&str> = field.options.iter().map(|o| o.value.as_str()).collect();
                format!("\"{}\" is not one of: {}.", item.trim(), known.join(", "))
            })
    };
    match field.field_type {
        FieldType::Text => Ok(Value::String(text.to_owned())),
        FieldType::Number => {
            let x = parse_number(text)
                .ok_or_else(|| format!("\"{text}\" is not a number (e.g. 12.5 or -3)."))?;
            serde_json::Number::from_f64(x)
                .map(Value::Number)
                .ok_or_else(|| format!("\"{text}\" is not a finite number."))
        }
        FieldType::Integer => {
            let x = parse_number(text)
                .ok_or_else(|| format!("\"{text}\" is not a whole number (e.g. 120)."))?;
            if x.fract() != 0.0 || x.abs() > 9.0e15 {
                return Err(format!("\"{text}\" is not a whole number (e.g. 120)."));
            }
            Ok(Value::from(x as i64))
        }
        FieldType::Boolean => match text.to_ascii_lowercase().as_str() {
            "yes" | "true" | "y" | "1" => Ok(Value::Bool(true)),
            "no" | "false" | "n" | "0" => Ok(Value::Bool(false)),
            _ => Err("Answer yes or no.".to_owned()),
        },
        FieldType::Date => {
            if is_partial_iso_date(text) {
                Ok(Value::String(text.to_owned()))
            } else {
                Err(format!(
                    "\"{text}\" is not a date as YYYY-MM-DD, YYYY-MM or YYYY."
                ))
            }
        }
        FieldType::SingleChoice => option_of(text),
        FieldType::MultipleChoice => {
            let items: Result<Vec<Value>, String> = split_list(text).map(option_of).collect();
            Ok(Value::Array(items?))
        }
        FieldType::TextList => Ok(Value::Array(
            split_list(text)
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        )),
        FieldType::Subform => {
            Err("A sub-form has no value of its own; edit its entries' fields.".to_owned())
        }
    }
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// "1,234.5", "−3" (Unicode minus) and "12.5" read as numbers.
fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn is_partial_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let in_range = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && in_range(m, 12) && digits(d, 2) && in_range(d, 31)
        }
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::forms::model::ChoiceOption;

    fn form() -> FormDefinition {
        let mut comparisons = FieldDef::new("comparisons", "Comparisons", FieldType::Subform);
        comparisons.repeating = true;
        comparisons.fields = vec![
            FieldDef::new("outcome", "Outcome", FieldType::Text),
            FieldDef::new("events", "Events", FieldType::Integer),
        ];
        let mut setting = FieldDef::new("setting", "Setting", FieldType::Subform);
        setting.fields = vec![FieldDef::new("country", "Country", FieldType::Text)];
        let mut design = FieldDef::new("design", "Design", FieldType::SingleChoice);
        design.options = vec![
            ChoiceOption {
                value: "parallel".into(),
                description: String::new(),
                synonyms: vec![],
            },
            ChoiceOption {
                value: "crossover".into(),
                description: String::new(),
                synonyms: vec![],
            },
        ];
        FormDefinition {
            name: "Test".into(),
            description: String::new(),
            fields: vec![design, setting, comparisons],
        }
    }

    #[test]
    fn paths_split_into_pattern_and_entries() {
        assert_eq!(
            path_pattern("comparisons[12].outcome"),
            ("comparisons[].outcome".to_owned(), vec![12])
        );
        assert_eq!(
            path_pattern("a[1].b[3].c"),
            ("a[].b[].c".to_owned(), vec![1, 3])
        );
        assert_eq!(path_pattern("design"), ("design".to_owned(), vec![]));
    }

    #[test]
    fn levels_and_columns_follow_the_form() {
        let form = form();
        let keys: Vec<String> = levels(&form).into_iter().map(|l| l.key).collect();
        assert_eq!(keys, vec!["".to_owned(), "comparisons[]".to_owned()]);
        let top: Vec<String> = columns(&form, "").into_iter().map(|c| c.pattern).collect();
        assert_eq!(top, vec!["design", "setting.country", "comparisons[]"]);
        let inner: Vec<String> = columns(&form, "comparisons[]")
            .into_iter()
            .map(|c| c.pattern)
            .collect();
        assert_eq!(inner, vec!["comparisons[].outcome", "comparisons[].events"]);
        assert!(columns(&form, "nope[]").is_empty());
    }

    #[test]
    fn values_are_placed_in_their_row_and_column() {
        assert_eq!(place("", "design"), Some((vec![], "design".to_owned())));
        assert_eq!(
            place("", "comparisons[3].outcome"),
            Some((vec![], "comparisons[]".to_owned()))
        );
        assert_eq!(
            place("comparisons[]", "comparisons[3].outcome"),
            Some((vec![3], "comparisons[].outcome".to_owned()))
        );
        assert_eq!(place("comparisons[]", "design"), None);
        assert_eq!(
            place("a[]", "a[1].b[2].c"),
            Some((vec![1], "a[].b[]".to_owned()))
        );
    }

    #[test]
    fn states_put_the_reviewer_first_then_evidence() {
        let verified = ValueFacts {
            grounded: true,
            supported: true,
            confidence: 0.9,
            ..Default::default()
        };
        assert_eq!(verified.state(), CellState::Verified);
        assert!(!verified.needs_review());
        let unsure = ValueFacts {
            confidence: 0.3,
            ..verified
        };
        assert!(unsure.needs_review(), "low confidence needs a look");
        let unsupported = ValueFacts {
            supported: false,
            ..verified
        };
        assert_eq!(unsupported.state(), CellState::Unsupported);
        assert!(unsupported.needs_review());
        let accepted = ValueFacts {
            review: Some(ReviewStatus::Accepted),
            ..unsupported
        };
        assert_eq!(accepted.state(), CellState::Accepted);
        assert!(!accepted.needs_review());
        let stale = ValueFacts {
            stale: true,
            ..verified
        };
        assert_eq!(stale.state(), CellState::Stale);
        let silent = ValueFacts {
            not_reported: true,
            ..Default::default()
        };
        assert_eq!(silent.state(), CellState::NotReported);
        assert!(silent.needs_review());
        assert!(GridFilter::Ungrounded.matches(&ValueFacts::default()));
        assert!(!GridFilter::Ungrounded.matches(&silent));
    }

    #[test]
    fn edits_are_read_by_field_type() {
        let form = form();
        let design = field_at(&form, "design").unwrap();
        assert_eq!(
            parse_edit(design, "Crossover").unwrap(),
            Value::from("crossover")
        );
        assert!(
            parse_edit(design, "cohort")
                .unwrap_err()
                .contains("parallel, crossover")
        );
        let events = field_at(&form, "comparisons[].events").unwrap();
        assert_eq!(parse_edit(events, "1,234").unwrap(), Value::from(1234));
        assert!(parse_edit(events, "12.5").is_err());
        assert!(parse_edit(events, "").is_err());
        let mut number = FieldDef::new("m", "Mean", FieldType::Number);
        number.unit = "mg".into();
        assert_eq!(
            parse_edit(&number, "\u{2212}3.5").unwrap(),
            Value::from(-3.5)
        );
        assert_eq!(
            display_value(Some(&Value::from(4.5)), false, Some(&number)),
            "4.5 mg"
        );
        let date = FieldDef::new("d", "Date", FieldType::Date);
        assert!(parse_edit(&date, "2024-02").is_ok());
        assert!(parse_edit(&date, "2024-13").is_err());
        let list = FieldDef::new("l", "Countries", FieldType::TextList);
        assert_eq!(
            parse_edit(&list, "France\n Spain ;").unwrap(),
            serde_json::json!(["France", "Spain"])
        );
        assert_eq!(
            edit_text(Some(&serde_json::json!(["a", "b"])), FieldType::TextList),
            "a\nb"
        );
    }
}
