//! Validation of a form definition: every problem at once, each tied to the
//! field it concerns, so the builder can show all messages beside their fields
//! and an import can be refused with a complete list.
//!
//! Target-independent: the browser validates as the user types and the server
//! validates again before it saves, with the same code and the same messages.

use std::collections::HashMap;

use super::model::{FieldDef, FieldType, FormDefinition, FormProblem};

/// The longest form name accepted, in characters.
pub const MAX_FORM_NAME_CHARS: usize = 200;
/// The longest field key accepted, in characters (keys become export column
/// names and database paths, so they are kept short).
pub const MAX_KEY_CHARS: usize = 64;
/// How deep sub-forms may nest: the children of a top-level sub-form are at
/// level 1. Deeper trees make unreadable exports and exceed what structured
/// output of LLMs accepts.
pub const MAX_NESTING: usize = 4;

/// Every problem of `form`, in the order of the fields (form-level problems first).
/// An empty list means the form can be saved.
pub fn validate(form: &FormDefinition) -> Vec<FormProblem> {
    let mut problems = Vec::new();
    if form.name.trim().is_empty() {
        problems.push(problem("", &[], "The form needs a name".to_owned()));
    } else {
        let chars = form.name.chars().count();
        if chars > MAX_FORM_NAME_CHARS {
            problems.push(problem(
                "",
                &[],
                format!(
                    "The form name is {chars} characters long; at most {MAX_FORM_NAME_CHARS} are allowed"
                ),
            ));
        }
    }
    if form.fields.is_empty() {
        problems.push(problem(
            "",
            &[],
            "The form has no fields; add at least one".to_owned(),
        ));
    }
    check_siblings(&form.fields, "", &[], 0, &mut problems);
    problems
}

/// Parses a key typed by a user: surrounding spaces are dropped, the rest must
/// be a valid key. The error is a sentence-case message for the key's input.
pub fn parse_field_key(raw: &str) -> Result<String, String> {
    let key = raw.trim();
    match key_problem(key) {
        Some(message) => Err(message),
        None => Ok(key.to_owned()),
    }
}

/// A valid key suggested from a label ("Total randomised (n)" →
/// `total_randomised_n`), so the builder can fill the key as the user types
/// the label. Never empty; always passes [`parse_field_key`].
pub fn key_from_label(label: &str) -> String {
    let mut key = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    while key.ends_with('_') {
        key.pop();
    }
    if key.is_empty() {
        return "field".to_owned();
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        key.insert_str(0, "f_");
    }
    // Keys are ASCII here, so truncating by bytes is truncating by characters.
    key.truncate(MAX_KEY_CHARS);
    while key.ends_with('_') {
        key.pop();
    }
    key
}

/// What is wrong with a key, if anything.
pub(crate) fn key_problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("Key is required".to_owned());
    }
    let chars = key.chars().count();
    if chars > MAX_KEY_CHARS {
        return Some(format!(
            "Key is {chars} characters long; at most {MAX_KEY_CHARS} are allowed"
        ));
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some(format!(
            "Key \"{key}\" must start with a lowercase letter (a to z)"
        ));
    }
    let bad = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'));
    bad.map(|c| {
        let shown = if c == ' ' {
            "a space".to_owned()
        } else {
            format!("\"{c}\"")
        };
        format!(
            "Key \"{key}\" may contain only lowercase letters, digits and underscores, not {shown}"
        )
    })
}

/// The path segment of a field: its key, or `#n` (1-based position) when the
/// key is empty, so a message can still say which field it is about.
pub(crate) fn path_segment(field: &FieldDef, index: usize) -> String {
    if field.key.is_empty() {
        format!("#{}", index + 1)
    } else {
        field.key.clone()
    }
}

pub(crate) fn join_path(parent: &str, segment: &str) -> String {
    if parent.is_empty() {
        segment.to_owned()
    } else {
        format!("{parent}.{segment}")
    }
}

fn problem(path: &str, index_path: &[usize], message: String) -> FormProblem {
    FormProblem {
        path: path.to_owned(),
        index_path: index_path.to_vec(),
        message,
    }
}

/// Checks a list of sibling fields; `depth` is their nesting level (0 = top).
fn check_siblings(
    fields: &[FieldDef],
    parent_path: &str,
    parent_index: &[usize],
    depth: usize,
    out: &mut Vec<FormProblem>,
) {
    let place = if depth == 0 {
        "this form"
    } else {
        "this sub-form"
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, field) in fields.iter().enumerate() {
        let path = join_path(parent_path, &path_segment(field, i));
        let mut index_path = parent_index.to_vec();
        index_path.push(i);
        check_field(field, &path, &index_path, depth, out);
        if !field.key.is_empty() {
            let count = seen.entry(field.key.as_str()).or_insert(0);
            *count += 1;
            // The first occurrence is fine; each later one is the problem, so
            // the message appears beside the field the user just added.
            if *count > 1 {
                let times = if *count == 2 {
                    "twice".to_owned()
                } else {
                    format!("{count} times")
                };
                out.push(problem(
                    &path,
                    &index_path,
                    format!("Key \"{}\" is used {times} in {place}", field.key),
                ));
            }
        }
    }
}

fn check_field(
    field: &FieldDef,
    path: &str,
    index_path: &[usize],
    depth: usize,
    out: &mut Vec<FormProblem>,
) {
    let mut push = |message: String| out.push(problem(path, index_path, message));
    if let Some(message) = key_problem(&field.key) {
        push(message);
    }
    if field.label.trim().is_empty() {
        push("Label is required".to_owned());
    }

    let kind = field.field_type;
    if kind.is_choice() {
        if field.options.is_empty() {
            push(format!("{} fields need at least one option", kind.label()));
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (j, option) in field.options.iter().enumerate() {
            let value = option.value.trim();
            if value.is_empty() {
                push(format!("Option {} has no value", j + 1));
                continue;
            }
            let count = seen.entry(value).or_insert(0);
            *count += 1;
            if *count == 2 {
                push(format!("Option \"{value}\" is listed twice"));
            }
        }
    } else if !field.options.is_empty() {
        push(format!(
            "Only choice fields have options; remove the options or change the type from {}",
            kind.label().to_lowercase()
        ));
    }

    if !field.unit.is_empty() && !matches!(kind, FieldType::Number | FieldType::Integer) {
        push(format!(
            "Only number fields have a unit; remove \"{}\" or change the type from {}",
            field.unit,
            kind.label().to_lowercase()
        ));
    }

    if kind == FieldType::Subform {
        if field.fields.is_empty() {
            push("A sub-form needs at least one field".to_owned());
        } else if depth + 1 > MAX_NESTING {
            push(format!(
                "Sub-forms may be nested at most {MAX_NESTING} levels deep; the fields of this one would be at level {}",
                depth + 1
            ));
        } else {
            check_siblings(&field.fields, path, index_path, depth + 1, out);
        }
    } else {
        // Children of a non-sub-form are not checked: they would never be
        // used, and the one message below tells the user what to do.
        if !field.fields.is_empty() {
            push(format!(
                "Only sub-forms have fields of their own; remove the {} child fields or make this a sub-form",
                field.fields.len()
            ));
        }
        if field.repeating {
            push("Only sub-forms can repeat".to_owned());
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::forms::model::ChoiceOption;

    fn option(value: &str) -> ChoiceOption {
        ChoiceOption {
            value: value.to_owned(),
            description: String::new(),
            synonyms: Vec::new(),
        }
    }

    fn form(fields: Vec<FieldDef>) -> FormDefinition {
        FormDefinition {
            name: "Test form".to_owned(),
            description: String::new(),
            fields,
        }
    }

    fn subform(key: &str, fields: Vec<FieldDef>) -> FieldDef {
        let mut f = FieldDef::new(key, "Group", FieldType::Subform);
        f.fields = fields;
        f
    }

    fn messages(problems: &[FormProblem]) -> Vec<(String, String)> {
        problems
            .iter()
            .map(|p| (p.path.clone(), p.message.clone()))
            .collect()
    }

    #[test]
    fn a_good_form_has_no_problems() {
        let mut design = FieldDef::new("design", "Design", FieldType::SingleChoice);
        design.options = vec![option("parallel"), option("crossover")];
        let mut dose = FieldDef::new("dose", "Dose", FieldType::Number);
        dose.unit = "mg".to_owned();
        let mut arms = subform("arms", vec![FieldDef::new("n", "N", FieldType::Integer)]);
        arms.repeating = true;
        assert_eq!(validate(&form(vec![design, dose, arms])), vec![]);
    }

    #[test]
    fn form_level_problems() {
        let mut f = form(vec![]);
        f.name = "   ".to_owned();
        let problems = validate(&f);
        assert_eq!(problems.len(), 2);
        assert!(
            problems
                .iter()
                .all(|p| p.path.is_empty() && p.index_path.is_empty())
        );
        assert_eq!(problems[0].message, "The form needs a name");
        assert_eq!(
            problems[1].message,
            "The form has no fields; add at least one"
        );

        let mut f = form(vec![FieldDef::new("a", "A", FieldType::Text)]);
        f.name = "x".repeat(201);
        assert_eq!(
            validate(&f)[0].message,
            "The form name is 201 characters long; at most 200 are allowed"
        );
        f.name = "é".repeat(200);
        assert_eq!(validate(&f), vec![]);
    }

    #[test]
    fn key_rules() {
        assert_eq!(parse_field_key("  n_arms2 "), Ok("n_arms2".to_owned()));
        assert_eq!(parse_field_key(""), Err("Key is required".to_owned()));
        assert_eq!(
            parse_field_key("2arms"),
            Err("Key \"2arms\" must start with a lowercase letter (a to z)".to_owned())
        );
        assert_eq!(
            parse_field_key("Arms"),
            Err("Key \"Arms\" must start with a lowercase letter (a to z)".to_owned())
        );
        assert_eq!(
            parse_field_key("n arms"),
            Err(
                "Key \"n arms\" may contain only lowercase letters, digits and underscores, not a space"
                    .to_owned()
            )
        );
        assert_eq!(
            parse_field_key("n-arms"),
            Err(
                "Key \"n-arms\" may contain only lowercase letters, digits and underscores, not \"-\""
                    .to_owned()
            )
        );
        assert!(parse_field_key(&"a".repeat(64)).is_ok());
        assert_eq!(
            parse_field_key(&"a".repeat(65)),
            Err("Key is 65 characters long; at most 64 are allowed".to_owned())
        );
    }

    #[test]
    fn keys_from_labels_are_valid() {
        assert_eq!(key_from_label("Total randomised (n)"), "total_randomised_n");
        assert_eq!(key_from_label("1.1 Was it random?"), "f_1_1_was_it_random");
        assert_eq!(key_from_label("—"), "field");
        for label in ["Été", "  A  B  ", &"long word ".repeat(20), "9"] {
            let key = key_from_label(label);
            assert_eq!(parse_field_key(&key), Ok(key.clone()), "{label}");
        }
    }

    #[test]
    fn field_paths_use_position_when_the_key_is_empty() {
        let f = form(vec![
            FieldDef::new("a", "A", FieldType::Text),
            subform(
                "group",
                vec![
                    FieldDef::new("ok", "Ok", FieldType::Text),
                    FieldDef::new("", "", FieldType::Text),
                ],
            ),
        ]);
        assert_eq!(
            messages(&validate(&f)),
            vec![
                ("group.#2".to_owned(), "Key is required".to_owned()),
                ("group.#2".to_owned(), "Label is required".to_owned()),
            ]
        );
        assert_eq!(validate(&f)[0].index_path, vec![1, 1]);
    }

    #[test]
    fn duplicate_keys_are_reported_on_the_later_fields() {
        let f = form(vec![
            FieldDef::new("arm", "A", FieldType::Text),
            FieldDef::new("arm", "B", FieldType::Text),
            subform(
                "g",
                vec![
                    FieldDef::new("x", "X", FieldType::Text),
                    FieldDef::new("x", "X", FieldType::Text),
                    FieldDef::new("x", "X", FieldType::Text),
                    // The same key in another sub-form is fine.
                    FieldDef::new("arm", "Arm", FieldType::Text),
                ],
            ),
        ]);
        let problems = validate(&f);
        assert_eq!(
            messages(&problems),
            vec![
                (
                    "arm".to_owned(),
                    "Key \"arm\" is used twice in this form".to_owned()
                ),
                (
                    "g.x".to_owned(),
                    "Key \"x\" is used twice in this sub-form".to_owned()
                ),
                (
                    "g.x".to_owned(),
                    "Key \"x\" is used 3 times in this sub-form".to_owned()
                ),
            ]
        );
        assert_eq!(problems[0].index_path, vec![1]);
        assert_eq!(problems[1].index_path, vec![2, 1]);
        assert_eq!(problems[2].index_path, vec![2, 2]);
    }

    #[test]
    fn option_problems() {
        let no_options = FieldDef::new("a", "A", FieldType::MultipleChoice);
        let mut bad_options = FieldDef::new("b", "B", FieldType::SingleChoice);
        bad_options.options = vec![option("Y"), option(" "), option("Y"), option("Y")];
        let mut text_with_options = FieldDef::new("c", "C", FieldType::Text);
        text_with_options.options = vec![option("x")];
        assert_eq!(
            messages(&validate(&form(vec![no_options, bad_options, text_with_options]))),
            vec![
                ("a".to_owned(), "Multiple choice fields need at least one option".to_owned()),
                ("b".to_owned(), "Option 2 has no value".to_owned()),
                ("b".to_owned(), "Option \"Y\" is listed twice".to_owned()),
                (
                    "c".to_owned(),
                    "Only choice fields have options; remove the options or change the type from text"
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn units_only_on_numbers() {
        let mut integer = FieldDef::new("n", "N", FieldType::Integer);
        integer.unit = "participants".to_owned();
        let mut text = FieldDef::new("t", "T", FieldType::Text);
        text.unit = "mg".to_owned();
        assert_eq!(
            messages(&validate(&form(vec![integer, text]))),
            vec![(
                "t".to_owned(),
                "Only number fields have a unit; remove \"mg\" or change the type from text"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn sub_form_shape_problems() {
        let empty = subform("empty", vec![]);
        let mut text_with_children = FieldDef::new("t", "T", FieldType::Text);
        text_with_children.fields = vec![FieldDef::new("", "", FieldType::Text)];
        text_with_children.repeating = true;
        assert_eq!(
            messages(&validate(&form(vec![empty, text_with_children]))),
            vec![
                ("empty".to_owned(), "A sub-form needs at least one field".to_owned()),
                (
                    "t".to_owned(),
                    "Only sub-forms have fields of their own; remove the 1 child fields or make this a sub-form"
                        .to_owned()
                ),
                ("t".to_owned(), "Only sub-forms can repeat".to_owned()),
            ]
        );
    }

    #[test]
    fn nesting_is_limited_to_four_levels() {
        let leaf = || FieldDef::new("leaf", "Leaf", FieldType::Text);
        // Four nested levels: s1 > s2 > s3 > s4 > leaf (leaf at level 4).
        let four = subform(
            "s1",
            vec![subform(
                "s2",
                vec![subform("s3", vec![subform("s4", vec![leaf()])])],
            )],
        );
        assert_eq!(validate(&form(vec![four])), vec![]);
        let five = subform(
            "s1",
            vec![subform(
                "s2",
                vec![subform(
                    "s3",
                    vec![subform("s4", vec![subform("s5", vec![leaf()])])],
                )],
            )],
        );
        let problems = validate(&form(vec![five]));
        assert_eq!(
            messages(&problems),
            vec![(
                "s1.s2.s3.s4.s5".to_owned(),
                "Sub-forms may be nested at most 4 levels deep; the fields of this one would be at level 5"
                    .to_owned()
            )]
        );
        assert_eq!(problems[0].index_path, vec![0, 0, 0, 0, 0]);
    }
}
