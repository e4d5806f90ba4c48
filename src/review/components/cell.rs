//! The review pane of one value: its evidence beside the paper, the editor
//! that fits its type, the quick verdicts, and its history.

use leptos::html::Input;
use leptos::prelude::*;

use super::pdf::PdfView;
use crate::forms::model::FieldType;
use crate::review::api::{CellDetail, ValueVersion, review_cell, review_value};
use crate::review::model::{CellState, display_value, edit_text};
use crate::ui::toast::use_toasts;

/// What the pane was asked to do on opening (from a key in the grid).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Look,
    Edit,
}

#[component]
pub fn CellPane(
    value_id: i64,
    intent: Intent,
    on_close: Callback<()>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let cell = Resource::new(move || version.get(), move |_| review_cell(value_id));
    view! {
        <aside class="panel review-pane" aria-label="Value under review" data-testid="review-pane">
            <Suspense fallback=|| view! { <p class="muted">"Loading the value…"</p> }>
                {move || {
                    cell.get()
                        .map(|result| match result {
                            Ok(detail) => {
                                view! {
                                    <CellBody
                                        detail
                                        intent
                                        on_close
                                        on_changed=Callback::new(move |()| {
                                            version.update(|v| *v += 1);
                                            on_changed.run(());
                                        })
                                    />
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! {
                                    <p class="status-bad" role="alert">{err.to_string()}</p>
                                    <button type="button" class="button button-secondary" on:click=move |_| on_close.run(())>"Close"</button>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </aside>
    }
}

fn version_text(v: &ValueVersion, detail: &CellDetail) -> String {
    display_value(v.value.as_ref(), v.not_reported, Some(&detail.field))
}

fn evidence_note(detail: &CellDetail) -> String {
    let page = detail.view_page.unwrap_or(1);
    match (detail.state, detail.found_by_search) {
        (_, true) => format!(
            "The quote was not found in the paper. Opened at the first place the value itself appears (page {page})."
        ),
        (CellState::Verified | CellState::Derived, _) => {
            format!("The quote is on page {page} and states the value.")
        }
        (CellState::Unsupported, _) => {
            format!("The quote is on page {page}, but it does not state the value.")
        }
        (CellState::Ungrounded, _) => {
            "The quote was not found in the paper, and neither was the value.".to_owned()
        }
        (CellState::Stale, _) => {
            "The document was converted again after extraction: the quote may have moved."
                .to_owned()
        }
        _ if detail.grounded && detail.supported => {
            format!("The quote is on page {page} and states the value.")
        }
        _ if detail.grounded => format!("The quote is on page {page}."),
        _ => String::new(),
    }
}

#[component]
fn CellBody(
    detail: CellDetail,
    intent: Intent,
    on_close: Callback<()>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let editing = RwSignal::new(intent == Intent::Edit && detail.can_review);
    let draft = RwSignal::new(edit_text(
        detail.current.value.as_ref(),
        detail.field.field_type,
    ));
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let shown_page = RwSignal::new(detail.view_page.unwrap_or(1));
    let selection = RwSignal::new(None::<Callback<(), String>>);
    let tab_text = RwSignal::new(false);
    let value_id = detail.value_id;
    let revision = detail.revision;
    let send = move |action: &'static str, value: String, quote: String, page: Option<i32>| {
        busy.set(true);
        let why = reason.get_untracked();
        leptos::task::spawn_local(async move {
            match review_value(
                value_id,
                revision,
                action.to_owned(),
                value,
                quote,
                page,
                why,
            )
            .await
            {
                Ok(_) => {
                    toasts.success("Saved.".to_owned());
                    on_changed.run(());
                }
                Err(err) => {
                    toasts.error(err.to_string());
                    if matches!(err, crate::error::AppError::Conflict(_)) {
                        on_changed.run(());
                    }
                }
            }
            busy.set(false);
        });
    };
    let use_selection = move |_| {
        let text = selection
            .get_untracked()
            .map(|read| read.run(()))
            .unwrap_or_default();
        if text.trim().is_empty() {
            toasts.error("Select the passage in the PDF first.".to_owned());
            return;
        }
        send(
            "quote",
            String::new(),
            text,
            Some(shown_page.get_untracked()),
        );
    };
    let field = detail.field.clone();
    let current_text = version_text(&detail.current, &detail);
    let original_text = version_text(&detail.original, &detail);
    let changed = detail.review.is_some() && detail.current != detail.original;
    let note = evidence_note(&detail);
    let history = detail.history.clone();
    let page_text = detail.page_text.clone();
    let highlight = detail.highlight;
    let label = detail.field.label.clone();
    let can_review = detail.can_review;
    let is_corrected = detail.state == CellState::Corrected;
    view! {
        <div class="heading-row">
            <h2 id="pane-heading">{label.clone()}</h2>
            <button type="button" class="button button-secondary small" aria-keyshortcuts="Escape"
                on:click=move |_| on_close.run(())>"Close"</button>
        </div>
        <p class="muted">{detail.document_name.clone()} " · " <code>{detail.field_path.clone()}</code></p>
        <div class="cell-current">
            <span class="cell-value" data-testid="pane-value">{current_text}</span>
            " "
            <span class=detail.state.class() data-testid="pane-state">{detail.state.label()}</span>
            " "
            <span class="muted">{format!("confidence {:.0}%", detail.confidence * 100.0)}</span>
        </div>
        {changed.then(|| view! { <p class="muted">"Extracted: " {original_text.clone()}</p> })}
        {detail.current.quote.clone().map(|quote| view! {
            <blockquote class="quote">{quote}</blockquote>
        })}
        {(!note.is_empty()).then(|| view! { <p class="muted" data-testid="evidence-note">{note.clone()}</p> })}
        {detail.derivation.clone().map(|d| view! { <p class="muted">"Derived: " {d.to_string()}</p> })}
        {if can_review {
            view! {
                <div class="review-actions">
                    <label class="stacked">
                        "Reason (optional)"
                        <input type="text" maxlength="2000" prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev)) />
                    </label>
                    <div class="actions">
                        {(!is_corrected).then(|| view! {
                            <button type="button" class="button" aria-keyshortcuts="a" disabled=move || busy.get()
                                on:click=move |_| send("accept", String::new(), String::new(), None)>"Accept"</button>
                        })}
                        <button type="button" class="button button-secondary" aria-keyshortcuts="e"
                            on:click=move |_| editing.set(true)>"Edit value"</button>
                        <button type="button" class="button button-secondary" aria-keyshortcuts="n" disabled=move || busy.get()
                            on:click=move |_| send("not_reported", String::new(), String::new(), None)>"Not reported"</button>
                        <button type="button" class="button button-secondary" disabled=move || busy.get()
                            on:click=use_selection>"Use selected text as quote"</button>
                    </div>
                    {move || editing.get().then(|| {
                        let field = field.clone();
                        view! {
                            <form class="stacked-form value-editor" on:submit=move |ev| {
                                ev.prevent_default();
                                send("correct", draft.get_untracked(), String::new(), None);
                                editing.set(false);
                            }>
                                <ValueEditor field draft />
                                <div class="actions">
                                    <button type="submit" class="button" disabled=move || busy.get()>"Save value"</button>
                                    <button type="button" class="button button-secondary" on:click=move |_| editing.set(false)>"Cancel"</button>
                                </div>
                            </form>
                        }
                    })}
                </div>
            }
                .into_any()
        } else {
            view! { <p class="muted" data-testid="read-only">"You can read this run; editors and owners review values."</p> }.into_any()
        }}
        <div class="tabs" role="tablist" aria-label="Paper view">
            <button type="button" class="tab" role="tab" aria-selected=move || (!tab_text.get()).to_string()
                on:click=move |_| tab_text.set(false)>"PDF"</button>
            <button type="button" class="tab" role="tab" aria-selected=move || tab_text.get().to_string()
                on:click=move |_| tab_text.set(true)>"Converted text"</button>
        </div>
        <div class="paper" class:hidden=move || tab_text.get()>
            <PdfView
                url=detail.pdf_url.clone()
                start_page=detail.view_page.unwrap_or(1)
                page_count=detail.page_count
                highlight=detail.highlight_text.clone()
                highlight_page=detail.view_page
                shown_page
                selection
            />
        </div>
        <div class="paper-text" class:hidden=move || !tab_text.get() data-testid="converted-text">
            {match page_text {
                Some(text) => marked_text(&text, highlight).into_any(),
                None => view! { <p class="muted">"No converted text for this page."</p> }.into_any(),
            }}
        </div>
        <h3>"History"</h3>
        {if history.is_empty() {
            view! { <p class="muted" data-testid="history-empty">"Not reviewed yet."</p> }.into_any()
        } else {
            view! {
                <ol class="history" data-testid="history">
                    {history.into_iter().rev().map(|event| {
                        let detail_field = detail.field.clone();
                        let old = display_value(event.old.value.as_ref(), event.old.not_reported, Some(&detail_field));
                        let new = display_value(event.new.value.as_ref(), event.new.not_reported, Some(&detail_field));
                        let quote_changed = event.old.quote != event.new.quote;
                        view! {
                            <li>
                                <strong>{event.action.clone()}</strong>
                                {format!(" by {} · {}", event.reviewer, event.at.format("%Y-%m-%d %H:%M UTC"))}
                                <br />
                                {if old == new { new.clone() } else { format!("{old} → {new}") }}
                                {quote_changed.then(|| format!(" · quote: “{}”", event.new.quote.clone().unwrap_or_default()))}
                                {(!event.reason.is_empty()).then(|| format!(" · reason: {}", event.reason))}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }
                .into_any()
        }}
    }
}

/// The page's converted text with bytes `range` marked.
fn marked_text(text: &str, range: Option<(i32, i32)>) -> impl IntoView + use<> {
    let (before, mark, after) = match range {
        Some((start, end))
            if start >= 0
                && end >= start
                && text.is_char_boundary(start as usize)
                && text.is_char_boundary((end as usize).min(text.len())) =>
        {
            let (s, e) = (start as usize, (end as usize).min(text.len()));
            (
                text[..s].to_owned(),
                text[s..e].to_owned(),
                text[e..].to_owned(),
            )
        }
        _ => (text.to_owned(), String::new(), String::new()),
    };
    view! {
        <pre class="page-text" tabindex="0" aria-label="Converted text of the page">{before}{(!mark.is_empty()).then(|| view! { <mark>{mark}</mark> })}{after}</pre>
    }
}

/// An input that fits the field's type; `draft` holds the text the server reads.
#[component]
fn ValueEditor(field: crate::forms::model::FieldDef, draft: RwSignal<String>) -> impl IntoView {
    let input = NodeRef::<Input>::new();
    // Focus the editor when it opens, so a keyboard user types at once.
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let label = format!(
        "New value{}",
        if field.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", field.unit)
        }
    );
    match field.field_type {
        FieldType::SingleChoice | FieldType::Boolean => {
            let options: Vec<(String, String)> = if field.field_type == FieldType::Boolean {
                vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())]
            } else {
                field
                    .options
                    .iter()
                    .map(|o| {
                        let text = if o.description.is_empty() {
                            o.value.clone()
                        } else {
                            format!("{} — {}", o.value, o.description)
                        };
                        (o.value.clone(), text)
                    })
                    .collect()
            };
            if draft.get_untracked().is_empty()
                && let Some((first, _)) = options.first()
            {
                draft.set(first.clone());
            }
            view! {
                <label class="stacked">
                    {label}
                    <select on:change=move |ev| draft.set(event_target_value(&ev)) prop:value=move || draft.get()>
                        {options.into_iter().map(|(value, text)| {
                            let selected = draft.get_untracked() == value;
                            view! { <option value=value selected=selected>{text}</option> }
                        }).collect_view()}
                    </select>
                </label>
            }
                .into_any()
        }
        FieldType::MultipleChoice => {
            let chosen = move || {
                draft
                    .get()
                    .split(';')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            };
            view! {
                <fieldset>
                    <legend>{label}</legend>
                    {field.options.iter().map(|o| {
                        let value = o.value.clone();
                        let v2 = value.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || chosen().contains(&v2)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let mut items = chosen();
                                        items.retain(|i| i != &value);
                                        if on { items.push(value.clone()); }
                                        draft.set(items.join("; "));
                                    } />
                                {o.value.clone()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any()
        }
        FieldType::Text | FieldType::TextList => {
            let hint = if field.field_type == FieldType::TextList {
                "One item per line."
            } else {
                ""
            };
            view! {
                <label class="stacked">
                    {label}
                    <textarea rows="3" prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                    <span class="muted">{hint}</span>
                </label>
            }
            .into_any()
        }
        other => {
            let (mode, placeholder) = match other {
                FieldType::Date => ("text", "YYYY-MM-DD, YYYY-MM or YYYY"),
                FieldType::Integer => ("numeric", "e.g. 120"),
                _ => ("decimal", "e.g. 12.5"),
            };
            view! {
                <label class="stacked">
                    {label}
                    <input type="text" node_ref=input inputmode=mode placeholder=placeholder
                        data-testid="value-input"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev)) />
                </label>
            }
            .into_any()
        }
    }
}
