//! The form builder: add, edit, reorder (buttons and drag), duplicate and
//! remove fields at any depth, with every problem shown beside its field.
//!
//! The whole definition lives in one signal; each editor addresses its field
//! by index path, so moving a field re-renders nothing but what changed.

use leptos::prelude::*;

use crate::forms::model::{ChoiceOption, FieldDef, FieldType, FormDefinition, FormProblem};
use crate::forms::validate::key_from_label;

fn level<'a>(fields: &'a [FieldDef], parent: &[usize]) -> Option<&'a [FieldDef]> {
    match parent.split_first() {
        None => Some(fields),
        Some((first, rest)) => level(&fields.get(*first)?.fields, rest),
    }
}

fn level_mut<'a>(fields: &'a mut Vec<FieldDef>, parent: &[usize]) -> Option<&'a mut Vec<FieldDef>> {
    match parent.split_first() {
        None => Some(fields),
        Some((first, rest)) => level_mut(&mut fields.get_mut(*first)?.fields, rest),
    }
}

fn field<'a>(fields: &'a [FieldDef], path: &[usize]) -> Option<&'a FieldDef> {
    let (last, parent) = path.split_last()?;
    level(fields, parent)?.get(*last)
}

fn field_mut<'a>(fields: &'a mut Vec<FieldDef>, path: &[usize]) -> Option<&'a mut FieldDef> {
    let (last, parent) = path.split_last()?;
    level_mut(fields, parent)?.get_mut(*last)
}

fn path_id(path: &[usize]) -> String {
    path.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join("-")
}

/// A key not yet used among `siblings`, from `base`.
fn unique_key(siblings: &[FieldDef], base: &str) -> String {
    let base = if base.is_empty() { "field" } else { base };
    if !siblings.iter().any(|f| f.key == base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|k| !siblings.iter().any(|f| f.key == *k))
        .unwrap_or_else(|| base.to_owned())
}

/// Moves keyboard focus to the element with `id` once the view has updated.
fn focus_later(id: String) {
    focus_first_enabled(vec![id]);
}

/// Moves keyboard focus to the first of `ids` that exists and is not
/// disabled (a field moved to the top has a disabled "Move up").
fn focus_first_enabled(ids: Vec<String>) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use leptos::wasm_bindgen::JsCast;
        for id in &ids {
            let Some(element) = document()
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            else {
                continue;
            };
            if element.has_attribute("disabled") {
                continue;
            }
            let _ = element.focus();
            return;
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = ids;
}

/// The field being dragged, shared by the editors of one builder.
#[derive(Clone, Copy)]
struct Dragging(RwSignal<Option<Vec<usize>>>);

#[component]
pub fn FormBuilder(
    definition: RwSignal<FormDefinition>,
    problems: Memo<Vec<FormProblem>>,
) -> impl IntoView {
    provide_context(Dragging(RwSignal::new(None)));
    let form_problems = move || {
        problems.with(|ps| {
            ps.iter()
                .filter(|p| p.index_path.is_empty())
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="builder stacked-form">
            <label for="form-name">"Form name"</label>
            <input
                id="form-name"
                prop:value=move || definition.with(|d| d.name.clone())
                on:input=move |ev| definition.update(|d| d.name = event_target_value(&ev))
            />
            <label for="form-description">"Description"</label>
            <textarea
                id="form-description"
                rows="2"
                prop:value=move || definition.with(|d| d.description.clone())
                on:input=move |ev| definition.update(|d| d.description = event_target_value(&ev))
            ></textarea>
            <ul class="problems" aria-live="polite">
                {move || form_problems().into_iter().map(|m| view! { <li class="form-error">{m}</li> }).collect_view()}
            </ul>
            <FieldList definition problems parent=Vec::new() />
        </div>
    }
}

#[component]
fn FieldList(
    definition: RwSignal<FormDefinition>,
    problems: Memo<Vec<FormProblem>>,
    parent: Vec<usize>,
) -> impl IntoView {
    let parent_for_len = parent.clone();
    let count = Memo::new(move |_| {
        definition.with(|d| level(&d.fields, &parent_for_len).map_or(0, <[FieldDef]>::len))
    });
    let parent_for_add = parent.clone();
    // Named after the sub-form's label, so each "Add field" button says where it adds.
    let parent_name = {
        let parent = parent.clone();
        move || {
            definition.with(|d| {
                field(&d.fields, &parent).map(|f| {
                    if f.label.is_empty() {
                        format!("sub-form {}", f.key)
                    } else {
                        f.label.clone()
                    }
                })
            })
        }
    };
    let name_for_list = parent_name.clone();
    let add_label = move || match parent_name() {
        None => "Add field".to_owned(),
        Some(name) => format!("Add field to {name}"),
    };
    let list_label = move || match name_for_list() {
        None => "Fields".to_owned(),
        Some(name) => format!("Fields of {name}"),
    };
    view! {
        <ol class="field-list" aria-label=list_label>
            {move || {
                (0..count.get())
                    .map(|index| {
                        let mut path = parent.clone();
                        path.push(index);
                        view! { <FieldEditor definition problems path /> }.into_any()
                    })
                    .collect_view()
            }}
        </ol>
        <button
            type="button"
            class="button button-secondary button-small"
            on:click=move |_| {
                let mut added = None;
                definition.update(|d| {
                    if let Some(fields) = level_mut(&mut d.fields, &parent_for_add) {
                        let key = unique_key(fields, "field");
                        fields.push(FieldDef::new(&key, "", FieldType::Text));
                        let mut path = parent_for_add.clone();
                        path.push(fields.len() - 1);
                        added = Some(path);
                    }
                });
                if let Some(path) = added {
                    focus_later(format!("field-{}-label", path_id(&path)));
                }
            }
        >
            {add_label}
        </button>
    }
}

#[component]
fn FieldEditor(
    definition: RwSignal<FormDefinition>,
    problems: Memo<Vec<FormProblem>>,
    path: Vec<usize>,
) -> impl IntoView {
    let id = path_id(&path);
    let get = {
        let path = path.clone();
        move |read: fn(&FieldDef) -> String| {
            definition.with(|d| field(&d.fields, &path).map(read).unwrap_or_default())
        }
    };
    let set = {
        let path = path.clone();
        move |write: &dyn Fn(&mut FieldDef)| {
            definition.update(|d| {
                if let Some(f) = field_mut(&mut d.fields, &path) {
                    write(f);
                }
            })
        }
    };
    let field_type = {
        let path = path.clone();
        Memo::new(move |_| {
            definition.with(|d| field(&d.fields, &path).map_or(FieldType::Text, |f| f.field_type))
        })
    };
    let my_problems = {
        let path = path.clone();
        move || {
            problems.with(|ps| {
                ps.iter()
                    .filter(|p| p.index_path == path)
                    .map(|p| p.message.clone())
                    .collect::<Vec<_>>()
            })
        }
    };
    let index = path.last().copied().unwrap_or(0);
    let parent: Vec<usize> = path[..path.len().saturating_sub(1)].to_vec();
    let move_by = {
        let parent = parent.clone();
        move |delta: isize| {
            let target = index as isize + delta;
            let mut moved = false;
            definition.update(|d| {
                if let Some(fields) = level_mut(&mut d.fields, &parent)
                    && target >= 0
                    && (target as usize) < fields.len()
                {
                    fields.swap(index, target as usize);
                    moved = true;
                }
            });
            if moved {
                let mut new_path = parent.clone();
                new_path.push(target as usize);
                let (which, other) = if delta < 0 {
                    ("up", "down")
                } else {
                    ("down", "up")
                };
                let id = path_id(&new_path);
                focus_first_enabled(vec![
                    format!("field-{id}-move-{which}"),
                    format!("field-{id}-move-{other}"),
                ]);
            }
        }
    };
    let (move_up, move_down) = (move_by.clone(), move_by);
    let is_last = {
        let parent = parent.clone();
        move || {
            definition
                .with(|d| level(&d.fields, &parent).is_none_or(|fields| index + 1 >= fields.len()))
        }
    };
    let duplicate = {
        let parent = parent.clone();
        move |_| {
            definition.update(|d| {
                if let Some(fields) = level_mut(&mut d.fields, &parent)
                    && let Some(original) = fields.get(index).cloned()
                {
                    let mut copy = original;
                    copy.key = unique_key(fields, &format!("{}_copy", copy.key));
                    fields.insert(index + 1, copy);
                }
            });
        }
    };
    let remove = {
        let parent = parent.clone();
        move |_| {
            definition.update(|d| {
                if let Some(fields) = level_mut(&mut d.fields, &parent)
                    && index < fields.len()
                {
                    fields.remove(index);
                }
            });
        }
    };
    let dragging = use_context::<Dragging>().map(|d| d.0);
    let drop_parent = parent.clone();
    let drag_path = path.clone();
    let heading = {
        let get = get.clone();
        move || {
            let label = get(|f| f.label.clone());
            format!(
                "Field {}: {}",
                index + 1,
                if label.is_empty() {
                    "(no label)".to_owned()
                } else {
                    label
                }
            )
        }
    };
    let (g1, g2, g3, g4, g5, g6) = (
        get.clone(),
        get.clone(),
        get.clone(),
        get.clone(),
        get.clone(),
        get.clone(),
    );
    let (s1, s2, s3, s4, s5, s6, s7, s8, s9) = (
        set.clone(),
        set.clone(),
        set.clone(),
        set.clone(),
        set.clone(),
        set.clone(),
        set.clone(),
        set.clone(),
        set.clone(),
    );
    let required = {
        let path = path.clone();
        move || definition.with(|d| field(&d.fields, &path).is_some_and(|f| f.required))
    };
    let repeating = {
        let path = path.clone();
        move || definition.with(|d| field(&d.fields, &path).is_some_and(|f| f.repeating))
    };
    let children_path = path.clone();
    let options_path = path.clone();
    view! {
        <li
            class="field-card"
            on:dragover=move |ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                let Some(dragging) = dragging else { return };
                let Some(from) = dragging.get_untracked() else { return };
                dragging.set(None);
                let Some((from_index, from_parent)) = from.split_last() else { return };
                if from_parent != drop_parent.as_slice() || *from_index == index {
                    return;
                }
                let from_index = *from_index;
                definition.update(|d| {
                    if let Some(fields) = level_mut(&mut d.fields, &drop_parent)
                        && from_index < fields.len()
                    {
                        let moved = fields.remove(from_index);
                        fields.insert(index.min(fields.len()), moved);
                    }
                });
            }
        >
            <div class="field-head">
                <span
                    class="drag-handle"
                    draggable="true"
                    title="Drag to reorder"
                    aria-hidden="true"
                    on:dragstart=move |_| {
                        if let Some(dragging) = dragging {
                            dragging.set(Some(drag_path.clone()));
                        }
                    }
                >
                    "⠿"
                </span>
                <h3 id=format!("field-{id}-heading")>{heading}</h3>
                <div class="field-tools">
                    <button type="button" class="button button-secondary button-small" id=format!("field-{id}-move-up")
                        disabled=index == 0 on:click=move |_| move_up(-1)>"Move up"</button>
                    <button type="button" class="button button-secondary button-small" id=format!("field-{id}-move-down")
                        disabled=is_last on:click=move |_| move_down(1)>"Move down"</button>
                    <button type="button" class="button button-secondary button-small" on:click=duplicate>"Duplicate"</button>
                    <button type="button" class="button button-secondary button-small" on:click=remove>"Remove"</button>
                </div>
            </div>
            <ul class="problems" aria-live="polite">
                {move || my_problems().into_iter().map(|m| view! { <li class="form-error">{m}</li> }).collect_view()}
            </ul>
            <div class="field-grid">
                <label for=format!("field-{id}-label")>"Label"</label>
                <input
                    id=format!("field-{id}-label")
                    prop:value=move || g1(|f| f.label.clone())
                    on:input=move |ev| {
                        let label = event_target_value(&ev);
                        s1(&|f: &mut FieldDef| {
                            // The key follows the label until someone edits the key.
                            if f.key.is_empty() || f.key == key_from_label(&f.label) || f.key.starts_with("field") {
                                let key = key_from_label(&label);
                                if !key.is_empty() {
                                    f.key = key;
                                }
                            }
                            f.label = label.clone();
                        })
                    }
                />
                <label for=format!("field-{id}-key")>"Key"</label>
                <input
                    id=format!("field-{id}-key")
                    class="mono"
                    prop:value=move || g2(|f| f.key.clone())
                    on:input=move |ev| {
                        let key = event_target_value(&ev);
                        s2(&|f: &mut FieldDef| f.key = key.clone())
                    }
                />
                <label for=format!("field-{id}-type")>"Type"</label>
                <select
                    id=format!("field-{id}-type")
                    prop:value=move || field_type.get().as_str()
                    on:change=move |ev| {
                        if let Some(t) = FieldType::parse(&event_target_value(&ev)) {
                            s3(&|f: &mut FieldDef| {
                                f.field_type = t;
                                if !t.is_choice() {
                                    f.options.clear();
                                }
                                if !matches!(t, FieldType::Number | FieldType::Integer) {
                                    f.unit.clear();
                                }
                                if t != FieldType::Subform {
                                    f.fields.clear();
                                    f.repeating = false;
                                }
                            })
                        }
                    }
                >
                    {FieldType::ALL
                        .into_iter()
                        .map(|t| view! { <option value=t.as_str()>{t.label()}</option> })
                        .collect_view()}
                </select>
                <label for=format!("field-{id}-description")>"Description"</label>
                <textarea
                    id=format!("field-{id}-description")
                    rows="2"
                    prop:value=move || g3(|f| f.description.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        s4(&|f: &mut FieldDef| f.description = text.clone())
                    }
                ></textarea>
                <label for=format!("field-{id}-hints")>"Extraction hints"</label>
                <input
                    id=format!("field-{id}-hints")
                    prop:value=move || g4(|f| f.hints.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        s5(&|f: &mut FieldDef| f.hints = text.clone())
                    }
                />
                <label for=format!("field-{id}-example")>"Example"</label>
                <input
                    id=format!("field-{id}-example")
                    prop:value=move || g5(|f| f.example.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        s6(&|f: &mut FieldDef| f.example = text.clone())
                    }
                />
                {move || {
                    matches!(field_type.get(), FieldType::Number | FieldType::Integer)
                        .then(|| {
                            let (g, s) = (g6.clone(), s7.clone());
                            view! {
                                <label for=format!("field-{}-unit", path_id(&options_path))>"Unit"</label>
                                <input
                                    id=format!("field-{}-unit", path_id(&options_path))
                                    prop:value=move || g(|f| f.unit.clone())
                                    on:input=move |ev| {
                                        let text = event_target_value(&ev);
                                        s(&|f: &mut FieldDef| f.unit = text.clone())
                                    }
                                />
                            }
                        })
                }}
            </div>
            <label class="choice">
                <input
                    type="checkbox"
                    prop:checked=required
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        s8(&|f: &mut FieldDef| f.required = on)
                    }
                />
                " Required"
            </label>
            {
                let options_path = path.clone();
                move || {
                    field_type
                        .get()
                        .is_choice()
                        .then(|| view! { <OptionsEditor definition path=options_path.clone() /> })
                }
            }
            {move || {
                (field_type.get() == FieldType::Subform)
                    .then(|| {
                        let s = s9.clone();
                        let repeating = repeating.clone();
                        view! {
                            <label class="choice">
                                <input
                                    type="checkbox"
                                    prop:checked=repeating
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        s(&|f: &mut FieldDef| f.repeating = on)
                                    }
                                />
                                " Repeats (one entry per arm, comparison, …)"
                            </label>
                            <div class="subform">
                                <FieldList definition problems parent=children_path.clone() />
                            </div>
                        }
                            .into_any()
                    })
            }}
        </li>
    }
}

#[component]
fn OptionsEditor(definition: RwSignal<FormDefinition>, path: Vec<usize>) -> impl IntoView {
    let id = path_id(&path);
    let count_path = path.clone();
    let count = Memo::new(move |_| {
        definition.with(|d| field(&d.fields, &count_path).map_or(0, |f| f.options.len()))
    });
    let add_path = path.clone();
    view! {
        <fieldset class="options">
            <legend>"Options"</legend>
            <ol>
                {move || {
                    (0..count.get())
                        .map(|i| {
                            let (p1, p2, p3, p4) = (path.clone(), path.clone(), path.clone(), path.clone());
                            let id = format!("field-{}-option-{i}", path_id(&path));
                            view! {
                                <li class="option-row">
                                    <label for=format!("{id}-value")>{format!("Option {} value", i + 1)}</label>
                                    <input
                                        id=format!("{id}-value")
                                        prop:value=move || definition.with(|d| field(&d.fields, &p1).and_then(|f| f.options.get(i)).map(|o| o.value.clone()).unwrap_or_default())
                                        on:input=move |ev| {
                                            let text = event_target_value(&ev);
                                            definition.update(|d| {
                                                if let Some(o) = field_mut(&mut d.fields, &p2).and_then(|f| f.options.get_mut(i)) {
                                                    o.value = text;
                                                }
                                            })
                                        }
                                    />
                                    <label for=format!("{id}-description")>"Meaning (optional)"</label>
                                    <input
                                        id=format!("{id}-description")
                                        prop:value=move || definition.with(|d| field(&d.fields, &p3).and_then(|f| f.options.get(i)).map(|o| o.description.clone()).unwrap_or_default())
                                        on:input=move |ev| {
                                            let text = event_target_value(&ev);
                                            definition.update(|d| {
                                                if let Some(o) = field_mut(&mut d.fields, &p4).and_then(|f| f.options.get_mut(i)) {
                                                    o.description = text;
                                                }
                                            })
                                        }
                                    />
                                    <button
                                        type="button"
                                        class="button button-secondary button-small"
                                        aria-label=format!("Remove option {}", i + 1)
                                        on:click={
                                            let p = path.clone();
                                            move |_| definition.update(|d| {
                                                if let Some(f) = field_mut(&mut d.fields, &p) && i < f.options.len() {
                                                    f.options.remove(i);
                                                }
                                            })
                                        }
                                    >
                                        "Remove"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <button
                type="button"
                class="button button-secondary button-small"
                id=format!("field-{id}-add-option")
                on:click=move |_| {
                    let mut added = None;
                    definition.update(|d| {
                        if let Some(f) = field_mut(&mut d.fields, &add_path) {
                            f.options.push(ChoiceOption {
                                value: String::new(),
                                description: String::new(),
                                synonyms: Vec::new(),
                            });
                            added = Some(f.options.len() - 1);
                        }
                    });
                    if let Some(i) = added {
                        focus_later(format!("field-{}-option-{i}-value", path_id(&add_path)));
                    }
                }
            >
                "Add option"
            </button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_address_nested_fields_and_keys_stay_unique() {
        let mut sub = FieldDef::new("arms", "Arms", FieldType::Subform);
        sub.fields = vec![FieldDef::new("name", "Name", FieldType::Text)];
        let mut fields = vec![FieldDef::new("a", "A", FieldType::Text), sub];
        assert_eq!(
            field(&fields, &[1, 0]).map(|f| f.key.as_str()),
            Some("name")
        );
        assert!(field(&fields, &[2]).is_none());
        assert!(field(&fields, &[]).is_none());
        if let Some(f) = field_mut(&mut fields, &[1, 0]) {
            f.label = "Arm name".into();
        }
        assert_eq!(fields[1].fields[0].label, "Arm name");
        assert_eq!(unique_key(&fields, "a"), "a_2");
        assert_eq!(unique_key(&fields, "b"), "b");
    }
}
