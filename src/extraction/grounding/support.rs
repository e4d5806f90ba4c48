//! Support: whether the located text states a value, by field type.

use super::locate::word_matches;
use crate::forms::model::{ChoiceOption, FieldType};
use crate::text::normalise::normalise_str;

/// Whether `quote` states `value`, by field type:
/// - number, integer: the quote holds a number token equal to the value in
///   one of its [`number_forms`] ("12" is not in "123", "1.25" or "-12");
/// - boolean: any quote. Yes/no is stated by meaning ("outcome assessors were
///   blinded"), which no string test can decide; grounding the quote is what
///   can be checked, and the reviewer reads it;
/// - single choice: the option's value, description or a synonym appears as
///   words; multiple choice: so does every chosen option (an empty choice is
///   unsupported, there is nothing to check);
/// - text: the value appears as words, or at least 60 % of its content words
///   (stop words dropped, a plural "s" ignored) do: enough for "mean age 54
///   years" to support "54 years", not enough for a different claim that
///   shares a word or two;
/// - date: the year appears as a number, and the month (name, abbreviation
///   or number within a numeric date) when the value has one;
/// - text list: every item appears as words (an empty list is unsupported);
/// - sub-form: never (it has no value of its own).
pub fn quote_supports(
    value: &serde_json::Value,
    field_type: FieldType,
    options: &[ChoiceOption],
    quote: &str,
) -> bool {
    let q = normalise_str(quote);
    if q.is_empty() {
        return false;
    }
    let all_strings = |check: &dyn Fn(&str) -> bool| {
        value.as_array().is_some_and(|items| {
            !items.is_empty() && items.iter().all(|v| v.as_str().is_some_and(check))
        })
    };
    match field_type {
        FieldType::Number | FieldType::Integer => {
            number_value(value).is_some_and(|x| states_number(&q, x))
        }
        FieldType::Boolean => value.is_boolean(),
        FieldType::Date => value.as_str().is_some_and(|d| states_date(&q, d)),
        FieldType::SingleChoice => value
            .as_str()
            .is_some_and(|v| states_choice(&q, options, v)),
        FieldType::MultipleChoice => all_strings(&|v| states_choice(&q, options, v)),
        FieldType::Text => value.as_str().is_some_and(|t| states_text(&q, t)),
        FieldType::TextList => all_strings(&|item| states_term(&q, &normalise_str(item))),
        FieldType::Subform => false,
    }
}

/// The ways a paper may print `x`: "12.5", "12·5", "12,5", "12.50"; 1200 as
/// "1200", "1,200", "1 200"; "0.5" as ".5"; a proportion up to 1 as a
/// percentage ("0.34" as "34%"); negatives with "-" or "−". Empty for NaN and
/// infinities.
pub fn number_forms(x: f64) -> Vec<String> {
    if !x.is_finite() {
        return Vec::new();
    }
    let magnitude = x.abs();
    let mut unsigned = unsigned_forms(&format!("{magnitude}"));
    if magnitude > 0.0 && magnitude <= 1.0 {
        // Rounded to the value's own precision: 0.345 × 100 is 34.499…
        let decimals = format!("{magnitude}")
            .split_once('.')
            .map_or(0, |(_, f)| f.len().saturating_sub(2));
        let percent = format!("{:.*}", decimals, magnitude * 100.0);
        for form in unsigned_forms(&percent) {
            for suffix in ["%", " %", " percent", " per cent"] {
                unsigned.push(format!("{form}{suffix}"));
            }
        }
    }
    let mut forms: Vec<String> = if x < 0.0 {
        unsigned
            .iter()
            .flat_map(|f| [format!("-{f}"), format!("\u{2212}{f}")])
            .collect()
    } else {
        unsigned
    };
    let mut seen = std::collections::HashSet::new();
    forms.retain(|f| seen.insert(f.clone()));
    forms
}

/// Written forms of a non-negative decimal such as "1200" or "12.5".
fn unsigned_forms(plain: &str) -> Vec<String> {
    let (int, frac) = plain.split_once('.').unwrap_or((plain, ""));
    let mut groupings = vec![int.to_owned()];
    if int.len() > 3 {
        for sep in [",", " ", "\u{2009}"] {
            groupings.push(group_thousands(int, sep));
        }
    }
    let fracs: Vec<String> = if frac.is_empty() {
        vec![String::new(), "0".to_owned(), "00".to_owned()]
    } else {
        vec![frac.to_owned(), format!("{frac}0"), format!("{frac}00")]
    };
    let mut forms = Vec::new();
    for (g, grouped) in groupings.iter().enumerate() {
        for f in &fracs {
            if f.is_empty() {
                forms.push(grouped.clone());
                continue;
            }
            // A comma before exactly three digits reads as a thousands
            // separator ("1,200"), and never follows a comma-grouped part.
            let separators: &[&str] = if g == 1 || f.len() == 3 {
                &[".", "\u{b7}"]
            } else {
                &[".", "\u{b7}", ","]
            };
            for sep in separators {
                forms.push(format!("{grouped}{sep}{f}"));
            }
        }
    }
    if int == "0" && !frac.is_empty() {
        forms.push(format!(".{frac}"));
        forms.push(format!("\u{b7}{frac}"));
    }
    forms
}

fn group_thousands(int: &str, sep: &str) -> String {
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::with_capacity(int.len() + int.len() / 3 * sep.len());
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(*d);
    }
    out
}

fn number_value(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        // A model sometimes writes a number as a string; accept it if it parses.
        serde_json::Value::String(s) => s.trim().trim_end_matches('%').trim().parse().ok(),
        _ => None,
    }
}

/// Whether normalised `q` holds `x` as a number token.
fn states_number(q: &str, x: f64) -> bool {
    number_forms(x).iter().any(|form| {
        let form = normalise_str(form);
        !form.is_empty()
            && q.match_indices(form.as_str())
                .any(|(s, _)| number_token_at(q, s, s + form.len()))
    })
}

/// Whether `q[start..end]` is a whole number: not part of a longer number,
/// not after a letter ("a1c"), and not a positive reading of a negative one.
fn number_token_at(q: &str, start: usize, end: usize) -> bool {
    let mut before = q
        .get(..start)
        .map(|h| h.chars().rev())
        .into_iter()
        .flatten();
    let mut after = q.get(end..).map(|t| t.chars()).into_iter().flatten();
    let signed = q.get(start..end).is_some_and(|t| t.starts_with('-'));
    let ok_before = match (before.next(), before.next()) {
        (None, _) => true,
        (Some(c), _) if c.is_alphanumeric() || c == '.' => false,
        (Some(','), Some(d)) if d.is_ascii_digit() => false,
        // "-12" is minus twelve unless the dash joins a range or a name ("10-12", "covid-19").
        (Some('-'), prev) if !signed => prev.is_some_and(char::is_alphanumeric),
        _ => true,
    };
    let ok_after = match (after.next(), after.next()) {
        (Some(c), _) if c.is_ascii_digit() => false,
        (Some('.' | ','), Some(d)) if d.is_ascii_digit() => false,
        _ => true,
    };
    ok_before && ok_after
}

fn states_choice(q: &str, options: &[ChoiceOption], value: &str) -> bool {
    let wanted = normalise_str(value);
    match options.iter().find(|o| normalise_str(&o.value) == wanted) {
        Some(option) => std::iter::once(&option.value)
            .chain(std::iter::once(&option.description))
            .chain(option.synonyms.iter())
            .any(|term| states_term(q, &normalise_str(term))),
        // Without a list of options the value itself is the only term.
        None => options.is_empty() && states_term(q, &wanted),
    }
}

/// Whether normalised `term` is in normalised `q` as words, or, for terms of
/// six letters or more, equal once spaces and hyphens are ignored ("double
/// blind" in "double-blind").
fn states_term(q: &str, term: &str) -> bool {
    if !term.chars().any(char::is_alphanumeric) {
        return false;
    }
    if word_matches(q, term).next().is_some() {
        return true;
    }
    let strip = |s: &str| {
        s.chars()
            .filter(|&c| c != ' ' && c != '-')
            .collect::<String>()
    };
    let term = strip(term);
    term.len() >= 6 && strip(q).contains(&term)
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "with",
];

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A word compared without a plural "s" ("patients" and "patient").
fn stem(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 => stem,
        _ => word,
    }
}

fn states_text(q: &str, text: &str) -> bool {
    let value = normalise_str(text);
    if states_term(q, &value) {
        return true;
    }
    let quote_words: std::collections::HashSet<&str> = words(q).map(stem).collect();
    let content: Vec<&str> = words(&value)
        .filter(|w| !STOP_WORDS.contains(w))
        .map(stem)
        .collect();
    let found = content.iter().filter(|w| quote_words.contains(*w)).count();
    !content.is_empty() && found * 5 >= content.len() * 3
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `date` is "YYYY", "YYYY-MM" or "YYYY-MM-DD"; anything else is checked as text.
fn states_date(q: &str, date: &str) -> bool {
    let mut parts = date.trim().split('-');
    let year = parts
        .next()
        .filter(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()));
    let month = parts
        .next()
        .map(|m| m.parse::<usize>().ok().filter(|m| (1..=12).contains(m)));
    let (Some(year), month) = (year, month) else {
        return states_text(q, date);
    };
    let year_found = word_matches(q, year).any(|(s, e)| number_token_at(q, s, e));
    match month {
        None => year_found,
        Some(None) => false,
        Some(Some(month)) => year_found && states_month(q, year, month),
    }
}

fn states_month(q: &str, year: &str, month: usize) -> bool {
    let Some(name) = month.checked_sub(1).and_then(|i| MONTHS.get(i)) else {
        return false;
    };
    let by_name = [
        *name,
        name.get(..3).unwrap_or(name),
        if month == 9 { "sept" } else { name },
    ]
    .iter()
    .any(|n| word_matches(q, n).next().is_some());
    // Or a numeric date holding the year and the month: "15/03/2019", "2019-03-15", "3/2019".
    let by_number = q
        .split(|c: char| !(c.is_ascii_digit() || matches!(c, '/' | '.' | '-')))
        .map(|token| token.split(['/', '.', '-']).collect::<Vec<_>>())
        .any(|fields| {
            fields.len() >= 2
                && fields.contains(&year)
                && fields
                    .iter()
                    .any(|f| *f != year && f.len() <= 2 && f.parse::<usize>() == Ok(month))
        });
    by_name || by_number
}
