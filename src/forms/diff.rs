//! What changed between two versions of a form, one readable line per change,
//! addressed by key path (keys are stable across versions; labels are not).

use super::model::{FieldDef, FormDefinition};

/// The changes from `old` to `new`, e.g. "Added field arms.n_analysed".
pub fn changes(old: &FormDefinition, new: &FormDefinition) -> Vec<String> {
    let mut out = Vec::new();
    if old.name != new.name {
        out.push(format!("Renamed the form to \"{}\"", new.name));
    }
    if old.description != new.description {
        out.push("Changed the form's description".to_owned());
    }
    compare_level(&old.fields, &new.fields, "", &mut out);
    if out.is_empty() {
        out.push("No changes".to_owned());
    }
    out
}

fn compare_level(old: &[FieldDef], new: &[FieldDef], prefix: &str, out: &mut Vec<String>) {
    let path = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    for field in new {
        match old.iter().find(|o| o.key == field.key) {
            None => out.push(format!("Added field {}", path(&field.key))),
            Some(before) => {
                let mut what = Vec::new();
                if before.label != field.label {
                    what.push("label");
                }
                if before.description != field.description {
                    what.push("description");
                }
                if before.field_type != field.field_type {
                    what.push("type");
                }
                if before.options != field.options {
                    what.push("options");
                }
                if before.unit != field.unit {
                    what.push("unit");
                }
                if before.example != field.example {
                    what.push("example");
                }
                if before.hints != field.hints {
                    what.push("hints");
                }
                if before.required != field.required {
                    what.push("required");
                }
                if before.repeating != field.repeating {
                    what.push("repeating");
                }
                if !what.is_empty() {
                    out.push(format!(
                        "Changed {} of {}",
                        what.join(", "),
                        path(&field.key)
                    ));
                }
                compare_level(&before.fields, &field.fields, &path(&field.key), out);
            }
        }
    }
    for field in old {
        if !new.iter().any(|n| n.key == field.key) {
            out.push(format!("Removed field {}", path(&field.key)));
        }
    }
    let old_order: Vec<&str> = old
        .iter()
        .filter(|o| new.iter().any(|n| n.key == o.key))
        .map(|f| f.key.as_str())
        .collect();
    let new_order: Vec<&str> = new
        .iter()
        .filter(|n| old.iter().any(|o| o.key == n.key))
        .map(|f| f.key.as_str())
        .collect();
    if old_order != new_order {
        out.push(if prefix.is_empty() {
            "Reordered the fields".to_owned()
        } else {
            format!("Reordered the fields of {prefix}")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::model::FieldType;

    fn form(fields: Vec<FieldDef>) -> FormDefinition {
        FormDefinition {
            name: "F".into(),
            description: String::new(),
            fields,
        }
    }

    #[test]
    fn names_added_removed_changed_and_nested_fields() {
        let mut arms = FieldDef::new("arms", "Arms", FieldType::Subform);
        arms.repeating = true;
        arms.fields = vec![FieldDef::new("name", "Name", FieldType::Text)];
        let old = form(vec![
            FieldDef::new("design", "Design", FieldType::Text),
            arms.clone(),
        ]);
        let mut arms2 = arms;
        arms2
            .fields
            .push(FieldDef::new("n", "N", FieldType::Integer));
        let mut design = FieldDef::new("design", "Study design", FieldType::Text);
        design.hints = "Methods".into();
        let new = form(vec![
            arms2,
            design,
            FieldDef::new("x", "X", FieldType::Boolean),
        ]);
        let lines = changes(&old, &new);
        assert!(
            lines.contains(&"Added field arms.n".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"Changed label, hints of design".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"Added field x".to_owned()), "{lines:?}");
        assert!(
            lines.contains(&"Reordered the fields".to_owned()),
            "{lines:?}"
        );
        let back = changes(&new, &old);
        assert!(back.contains(&"Removed field x".to_owned()), "{back:?}");
        assert_eq!(changes(&old, &old), vec!["No changes".to_owned()]);
    }
}
