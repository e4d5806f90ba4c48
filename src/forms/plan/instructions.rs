//! The instructions of a step: the form's purpose, a description of each
//! field of the step, and the rules every answer follows.

use crate::forms::model::{FieldDef, FieldType, FormDefinition};

/// The rule every step's instructions end with.
const ANSWER_RULES: &str = "For every field: copy the passage of the paper that states the value \
verbatim into evidence.quote (exactly as printed, with no paraphrase and no ellipsis) and give \
evidence.page, the page of the PDF it is on (the first page of the PDF is 1, whatever the journal's \
page numbers). If the paper does not report the value, answer not_reported: true with value and \
evidence null; do not guess, and do not compute a value the paper does not state. Set confidence \
(0 to 1) to how clearly the quote states the value.";

pub(super) fn instructions(form: &FormDefinition, fields: &[&FieldDef]) -> String {
    let mut text = format!("This step fills part of the form \"{}\"", form.name.trim());
    if form.description.trim().is_empty() {
        text.push_str(".\n\n");
    } else {
        text.push_str(&format!(": {}\n\n", form.description.trim()));
    }
    text.push_str("Extract these fields from the paper:\n");
    for field in fields {
        describe_field(field, 0, &mut text);
    }
    for field in fields {
        if field.field_type == FieldType::Subform && field.repeating {
            text.push('\n');
            text.push_str(&entries_rule(field));
            text.push('\n');
        }
    }
    text.push('\n');
    text.push_str(ANSWER_RULES);
    text
}

fn entries_rule(field: &FieldDef) -> String {
    let described = field.description.trim();
    let per = if described.to_lowercase().starts_with("one entry per") {
        described.to_owned()
    } else {
        format!(
            "One entry per {} reported in the paper.",
            field.label.trim().to_lowercase()
        )
    };
    format!(
        "{}: {per} Give an entry only for what the paper describes, each once; an empty list means it describes none.",
        field.key
    )
}

fn type_description(field: &FieldDef) -> String {
    let base = match field.field_type {
        FieldType::Text => "text".to_owned(),
        FieldType::Number => "number".to_owned(),
        FieldType::Integer => "whole number".to_owned(),
        FieldType::Boolean => "true or false".to_owned(),
        FieldType::Date => {
            "date as YYYY-MM-DD, or YYYY-MM or YYYY when that is all the paper gives".to_owned()
        }
        FieldType::SingleChoice => "one of the options below".to_owned(),
        FieldType::MultipleChoice => "every option below that applies".to_owned(),
        FieldType::TextList => "list of short texts".to_owned(),
        FieldType::Subform if field.repeating => "list of entries with the fields below".to_owned(),
        FieldType::Subform => "group of the fields below".to_owned(),
    };
    if field.unit.trim().is_empty() {
        base
    } else {
        format!("{base}, in {}", field.unit.trim())
    }
}

fn describe_field(field: &FieldDef, level: usize, out: &mut String) {
    let indent = "  ".repeat(level);
    out.push_str(&format!(
        "{indent}- {} (`{}`, {})",
        field.label.trim(),
        field.key,
        type_description(field)
    ));
    for (part, prefix) in [
        (&field.description, ": "),
        (&field.hints, " Hints: "),
        (&field.example, " Example: "),
    ] {
        let part = part.trim();
        if !part.is_empty() {
            out.push_str(prefix);
            out.push_str(part);
        }
    }
    out.push('\n');
    for option in &field.options {
        out.push_str(&format!("{indent}  - \"{}\"", option.value));
        if !option.description.trim().is_empty() {
            out.push_str(&format!(": {}", option.description.trim()));
        }
        if !option.synonyms.is_empty() {
            out.push_str(&format!(
                " (papers may write: {})",
                option.synonyms.join("; ")
            ));
        }
        out.push('\n');
    }
    for child in &field.fields {
        describe_field(child, level + 1, out);
    }
}
