//! Reading a value as its field type says, the same way for a gold-standard
//! cell (text typed by a person) and for a stored value being scored: numbers
//! with thousands separators and a Unicode minus, yes/no, partial dates,
//! choice options by value, description or synonym, lists split on `;` or `|`,
//! and the words people use for "not reported".
//!
//! Target-independent and std-only apart from serde_json, so the browser could
//! show the same reading the server scores with.

use serde_json::Value;

use crate::forms::model::{ChoiceOption, FieldDef, FieldType};

/// Cell texts (after trimming, case-insensitive) that mean the paper does not
/// report the value. An empty cell means the same.
pub const NOT_REPORTED_MARKERS: [&str; 3] = ["nr", "not reported", "n/a"];

/// Whether a cell says "not reported" (empty, or one of [`NOT_REPORTED_MARKERS`]).
pub fn is_not_reported(cell: &str) -> bool {
    let t = cell.trim().to_lowercase();
    t.is_empty() || NOT_REPORTED_MARKERS.contains(&t.as_str())
}

/// Text folded for comparison: the app's normaliser (case, ligatures,
/// quotes, dashes, whitespace), then every character that is not a letter or
/// digit becomes a space, and runs of spaces become one.
pub fn normalise_text(text: &str) -> String {
    let folded = crate::text::normalise::normalise_str(text);
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A number as people type it: `12`, `12.5`, `-3`, `−3` (Unicode minus),
/// `–3` (en dash, as tables print it), `+3`, `1,234`, `1,234.5`, `1e-3`.
/// A comma is only a thousands separator (groups of three digits), so
/// `12,5` is refused rather than guessed. Infinite and NaN are refused.
pub fn parse_number(cell: &str) -> Option<f64> {
    let s = cell.trim();
    let first = s.chars().next()?;
    let (negative, rest) = match first {
        '-' | '\u{2212}' | '\u{2013}' => (true, &s[first.len_utf8()..]),
        '+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = if whole.contains(',') {
        let mut groups = whole.split(',');
        let head_ok = groups.next().is_some_and(|g| digits(g) && g.len() <= 3);
        head_ok && groups.all(|g| digits(g) && g.len() == 3)
    } else {
        whole.is_empty() || digits(whole)
    };
    let fraction_ok = fraction.is_none_or(digits);
    let has_digits = !whole.is_empty() || fraction.is_some();
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        digits(e)
    });
    if !(whole_ok && fraction_ok && has_digits && exponent_ok) {
        return None;
    }
    let plain = format!(
        "{}{}{}{}",
        if negative { "-" } else { "" },
        whole.replace(',', ""),
        fraction.map(|f| format!(".{f}")).unwrap_or_default(),
        exponent.map(|e| format!("e{e}")).unwrap_or_default()
    );
    plain.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A whole number: any [`parse_number`] form whose value is integral
/// (`12`, `12.0`, `1,234`), within the range a double holds exactly.
pub fn parse_integer(cell: &str) -> Option<i64> {
    let n = parse_number(cell)?;
    // The bound keeps the cast exact and in range.
    (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
}

/// `yes`/`no`, `true`/`false`, `1`/`0`, any case.
pub fn parse_bool(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "yes" | "true" | "1" => Some(true),
        "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A calendar date known to the year, the month or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    pub year: u32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl PartialDate {
    /// The ISO 8601 text at its own precision (`2019`, `2019-05`, `2019-05-31`).
    pub fn iso(self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with a real month and a day that exists
/// in that month.
pub fn parse_date(cell: &str) -> Option<PartialDate> {
    let parts: Vec<&str> = cell.trim().split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let year = number(parts.first()?, 4)?;
    let month = match parts.get(1) {
        Some(m) => Some(number(m, 2).filter(|m| (1..=12).contains(m))?),
        None => None,
    };
    let day = match (parts.get(2), month) {
        (Some(d), Some(m)) => Some(number(d, 2).filter(|d| *d >= 1 && *d <= days_in(year, m))?),
        _ => None,
    };
    (parts.len() <= 3).then_some(PartialDate { year, month, day })
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The option a text names: by value first, then by description (the
/// option's label), then by synonym, all compared by [`normalise_text`]. The
/// tiers keep a synonym of one option from shadowing another's value.
pub fn resolve_choice<'a>(options: &'a [ChoiceOption], text: &str) -> Option<&'a str> {
    let wanted = normalise_text(text);
    if wanted.is_empty() {
        return None;
    }
    let same = |candidate: &str| normalise_text(candidate) == wanted;
    options
        .iter()
        .find(|o| same(&o.value))
        .or_else(|| {
            options
                .iter()
                .find(|o| !o.description.is_empty() && same(&o.description))
        })
        .or_else(|| options.iter().find(|o| o.synonyms.iter().any(|s| same(s))))
        .map(|o| o.value.as_str())
}

/// The items of a list cell, split on `;` or `|`, trimmed, empty items dropped.
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split([';', '|'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a field type expects, for messages ("expected …").
pub fn expected(field: &FieldDef) -> String {
    match field.field_type {
        FieldType::Text => "text".to_owned(),
        FieldType::Number => "a number such as 12, 12.5, 1,234 or −3".to_owned(),
        FieldType::Integer => "a whole number such as 12 or 1,234".to_owned(),
        FieldType::Boolean => "yes or no (also true/false, 1/0)".to_owned(),
        FieldType::Date => "a date as YYYY, YYYY-MM or YYYY-MM-DD".to_owned(),
        FieldType::SingleChoice => format!("one of the options {}", option_list(field)),
        FieldType::MultipleChoice => format!(
            "options separated by ; or | (the options: {})",
            option_list(field)
        ),
        FieldType::TextList => "items separated by ; or |".to_owned(),
        FieldType::Subform => "the fields of the sub-form, each in its own column".to_owned(),
    }
}

fn option_list(field: &FieldDef) -> String {
    field
        .options
        .iter()
        .map(|o| format!("\"{}\"", o.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a cell as the field's type: `Ok(None)` when it says "not reported",
/// `Ok(Some(value))` in the form the app stores (numbers as JSON numbers,
/// whole numbers as integers, choices as the option's value, lists as
/// arrays of strings, dates as ISO text), or `Err(why)`.
///
/// For choice fields an option wins over the "not reported" words, because
/// some option lists have an option meaning exactly that (RoB 2's "NI" has
/// the synonym "not reported").
pub fn read_cell(field: &FieldDef, cell: &str) -> Result<Option<Value>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let refuse = || Err(format!("\"{text}\" is not {}", expected(field)));
    match field.field_type {
        FieldType::SingleChoice => match resolve_choice(&field.options, text) {
            Some(value) => Ok(Some(Value::String(value.to_owned()))),
            None if is_not_reported(text) => Ok(None),
            None => refuse(),
        },
        FieldType::MultipleChoice => {
            if is_not_reported(text) && resolve_choice(&field.options, text).is_none() {
                return Ok(None);
            }
            let mut values: Vec<Value> = Vec::new();
            let mut unknown = Vec::new();
            for item in split_list(text) {
                match resolve_choice(&field.options, &item) {
                    Some(v) if !values.iter().any(|seen| seen.as_str() == Some(v)) => {
                        values.push(Value::String(v.to_owned()));
                    }
                    Some(_) => {}
                    None => unknown.push(format!("\"{item}\"")),
                }
            }
            if unknown.is_empty() {
                Ok((!values.is_empty()).then_some(Value::Array(values)))
            } else {
                Err(format!(
                    "{} {} not among the options {}",
                    unknown.join(", "),
                    if unknown.len() == 1 { "is" } else { "are" },
                    option_list(field)
                ))
            }
        }
        _ if is_not_reported(text) => Ok(None),
        FieldType::Text => Ok(Some(Value::String(text.to_owned()))),
        FieldType::TextList => {
            let mut items: Vec<Value> = Vec::new();
            for item in split_list(text) {
                let item = Value::String(item);
                if !items.contains(&item) {
                    items.push(item);
                }
            }
            Ok((!items.is_empty()).then_some(Value::Array(items)))
        }
        FieldType::Number => match parse_number(text) {
            Some(n) => Ok(Some(number_value(n))),
            None => refuse(),
        },
        FieldType::Integer => match parse_integer(text) {
            Some(i) => Ok(Some(Value::from(i))),
            None => refuse(),
        },
        FieldType::Boolean => match parse_bool(text) {
            Some(b) => Ok(Some(Value::Bool(b))),
            None => refuse(),
        },
        FieldType::Date => match parse_date(text) {
            Some(d) => Ok(Some(Value::String(d.iso()))),
            None => refuse(),
        },
        FieldType::Subform => refuse(),
    }
}

/// A number as JSON; an integral value is stored as an integer so it reads
/// `12`, not `12.0`.
pub fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// A stored value as a number: a JSON number, or a string that reads as one.
pub fn value_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_number(s),
        _ => None,
    }
}

/// A stored value as text: strings as they are, lists joined with "; ",
/// anything else as JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// A stored value as list items: an array's items, or a string split as a
/// list cell.
pub fn value_items(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(value_text).collect(),
        Value::String(s) => split_list(s),
        other => vec![other.to_string()],
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(parse_number("12"), Some(12.0));
        assert_eq!(parse_number(" 12.5 "), Some(12.5));
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("1,234,567.25"), Some(1_234_567.25));
        assert_eq!(parse_number("\u{2212}3"), Some(-3.0));
        assert_eq!(parse_number("\u{2013}0.4"), Some(-0.4));
        assert_eq!(parse_number("+3"), Some(3.0));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("1e-3"), Some(0.001));
        for bad in [
            "abc", "", "-", "12,5", "1,23", "1234,567", "12 mg", "12%", "1.2.3", "inf", "NaN",
            "1e", "--3", "12.",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        assert_eq!(parse_integer("12.0"), Some(12));
        assert_eq!(parse_integer("1,234"), Some(1234));
        assert_eq!(parse_integer("12.5"), None);
    }

    #[test]
    fn dates_at_three_precisions_and_no_impossible_days() {
        assert_eq!(
            parse_date("2019").map(PartialDate::iso).as_deref(),
            Some("2019")
        );
        assert_eq!(
            parse_date("2019-05").map(PartialDate::iso).as_deref(),
            Some("2019-05")
        );
        assert_eq!(
            parse_date("2020-02-29").map(PartialDate::iso).as_deref(),
            Some("2020-02-29")
        );
        for bad in [
            "19",
            "2019-13",
            "2019-5",
            "2019-02-29",
            "2019-04-31",
            "2019-01-01-01",
            "May 2019",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn choices_by_value_then_description_then_synonym() {
        let form = crate::forms::presets::preset_form("outcome_results").unwrap();
        let comparisons = &form.fields[0];
        let measure = comparisons
            .fields
            .iter()
            .find(|f| f.key == "effect_estimate")
            .and_then(|e| e.fields.iter().find(|f| f.key == "measure"))
            .unwrap();
        assert_eq!(
            resolve_choice(&measure.options, "Risk Ratio"),
            Some("risk ratio")
        );
        assert_eq!(
            resolve_choice(&measure.options, "Risk ratio (relative risk)"),
            Some("risk ratio")
        );
        assert_eq!(resolve_choice(&measure.options, "rr"), Some("risk ratio"));
        assert_eq!(
            resolve_choice(&measure.options, "hedges g"),
            Some("standardised mean difference")
        );
        assert_eq!(resolve_choice(&measure.options, "ratio"), None);
    }

    #[test]
    fn an_option_meaning_not_reported_wins_over_the_marker() {
        let form = crate::forms::presets::preset_form("rob2").unwrap();
        let mut question = None;
        for domain in &form.fields {
            for f in &domain.fields {
                if f.field_type == FieldType::SingleChoice && question.is_none() {
                    question = Some(f.clone());
                }
            }
        }
        let question = question.unwrap();
        assert_eq!(
            read_cell(&question, "not reported"),
            Ok(Some(Value::String("NI".into())))
        );
        assert_eq!(read_cell(&question, ""), Ok(None));
        assert_eq!(read_cell(&question, "NR"), Ok(None));
    }

    #[test]
    fn text_is_folded_for_comparison() {
        assert_eq!(
            normalise_text("  White Grape-Juice (WGJ) "),
            "white grapejuice wgj"
        );
        assert_eq!(normalise_text("Cohen's d"), normalise_text("cohen’s  D"));
    }
}
