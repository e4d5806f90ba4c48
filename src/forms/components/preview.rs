//! The form as a reviewer will fill it in: one control per field type, sub-forms
//! as groups (a repeating one shows its first entry and says it repeats).

use leptos::prelude::*;

use crate::forms::model::{FieldDef, FieldType, FormDefinition};

#[component]
pub fn FormPreview(definition: RwSignal<FormDefinition>) -> impl IntoView {
    view! {
        <form class="preview stacked-form" aria-label="Form preview" on:submit=|ev| ev.prevent_default()>
            {move || {
                definition.with(|d| {
                    if d.fields.is_empty() {
                        view! { <p class="empty-state">"No fields yet."</p> }.into_any()
                    } else {
                        d.fields.iter().map(|f| preview_field(f, "preview")).collect_view().into_any()
                    }
                })
            }}
        </form>
    }
}

fn preview_field(field: &FieldDef, prefix: &str) -> AnyView {
    let id = format!("{prefix}-{}", field.key);
    let label = if field.label.is_empty() {
        field.key.clone()
    } else {
        field.label.clone()
    };
    let label = if field.required {
        format!("{label} (required)")
    } else {
        label
    };
    let help = [field.description.as_str(), field.unit.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let help = (!help.is_empty()).then(|| view! { <small class="muted">{help}</small> });
    match field.field_type {
        FieldType::Subform => {
            let children = field
                .fields
                .iter()
                .map(|f| preview_field(f, &id))
                .collect_view();
            let note = field
                .repeating
                .then(|| view! { <p class="muted">"Entry 1 — this sub-form repeats: one entry per item the paper reports."</p> });
            view! {
                <fieldset class="subform">
                    <legend>{label}</legend>
                    {help}
                    {note}
                    {children}
                </fieldset>
            }
            .into_any()
        }
        FieldType::Boolean => view! {
            <label class="choice"><input type="checkbox" id=id.clone() />" "{label}</label>
            {help}
        }
        .into_any(),
        FieldType::SingleChoice => {
            let options = field
                .options
                .iter()
                .map(|o| {
                    let text = if o.description.is_empty() {
                        o.value.clone()
                    } else {
                        format!("{} — {}", o.value, o.description)
                    };
                    view! { <option value=o.value.clone()>{text}</option> }
                })
                .collect_view();
            view! {
                <label for=id.clone()>{label}</label>
                {help}
                <select id=id>
                    <option value="">"Not reported"</option>
                    {options}
                </select>
            }
            .into_any()
        }
        FieldType::MultipleChoice => {
            let options = field
                .options
                .iter()
                .map(|o| view! { <label class="choice"><input type="checkbox" />" "{o.value.clone()}</label> })
                .collect_view();
            view! {
                <fieldset class="choice-group">
                    <legend>{label}</legend>
                    {help}
                    {options}
                </fieldset>
            }
            .into_any()
        }
        other => {
            let kind = match other {
                FieldType::Number | FieldType::Integer => "number",
                FieldType::Date => "date",
                _ => "text",
            };
            let step = (other == FieldType::Number).then_some("any");
            let placeholder = if other == FieldType::TextList {
                "One item per line".to_owned()
            } else {
                field.example.clone()
            };
            view! {
                <label for=id.clone()>{label}</label>
                {help}
                <input id=id type=kind step=step placeholder=placeholder />
            }
            .into_any()
        }
    }
}
