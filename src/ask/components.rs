//! The ask page of a project: a question over all or chosen documents, the
//! passages that answer it (each opening the document at its page), and the
//! questions asked before.

use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::api::{Answer, ask_question, list_questions};
use crate::documents::api::list_documents;
use crate::documents::components::snippet_view;
use crate::error::AppError;
use crate::projects::api::get_project;
use crate::ui::messages::route_id;
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

/// `/projects/:id/ask`
#[component]
pub fn AskPage() -> impl IntoView {
    let project = route_id("id");
    let detail = Resource::new(project, |id| async move {
        match id {
            Some(id) => get_project(id).await,
            None => Err(AppError::not_found("project")),
        }
    });
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=4 label="Loading the project" /> }>
            {move || detail.get().map(|result| match result {
                Ok(detail) => view! {
                    <AskView project=detail.project.id name=detail.project.name.clone() can_ask=detail.project.can_edit />
                }.into_any(),
                Err(err) => view! {
                    <Title text="Project not available" />
                    <section class="panel"><h1>"Project not available"</h1>
                        <p class="status-bad" role="alert">{err.to_string()}</p></section>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn AskView(project: Uuid, name: String, can_ask: bool) -> impl IntoView {
    let toasts = use_toasts();
    let question = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let asking = RwSignal::new(false);
    let latest = RwSignal::new(None::<Answer>);
    let refresh = RwSignal::new(0u32);
    let history = Resource::new(move || refresh.get(), move |_| list_questions(project));
    let documents = Resource::new(|| (), move |_| list_documents(project));
    let ask = move |text: String, scope: Vec<Uuid>| {
        asking.set(true);
        let ids = scope
            .iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(",");
        leptos::task::spawn_local(async move {
            match ask_question(project, text, ids).await {
                Ok(answer) => {
                    latest.set(Some(answer));
                    refresh.update(|n| *n += 1);
                }
                Err(err) => toasts.error(err.to_string()),
            }
            asking.set(false);
        });
    };
    view! {
        <Title text=format!("Ask · {name}") />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/projects">"Projects"</a>" / "
            <a href=format!("/projects/{project}")>{name.clone()}</a>" / "
            <span aria-current="page">"Ask"</span>
        </nav>
        <section class="panel">
            <h1>"Ask the documents"</h1>
            {if can_ask {
                view! {
                    <form class="stacked-form" on:submit=move |ev| {
                        ev.prevent_default();
                        ask(question.get_untracked(), chosen.get_untracked());
                    }>
                        <label class="stacked">
                            "Question"
                            <textarea rows="2" maxlength="1000" prop:value=move || question.get()
                                on:input=move |ev| question.set(event_target_value(&ev))
                                placeholder="e.g. Were the outcome assessors blinded?"></textarea>
                        </label>
                        <details>
                            <summary>{move || {
                                let n = chosen.get().len();
                                if n == 0 { "Over every document".to_owned() } else { format!("Over {n} chosen documents") }
                            }}</summary>
                            <Transition fallback=|| ()>
                                {move || documents.get().map(|list| list.unwrap_or_default().into_iter()
                                    .filter(|d| d.status == "ready")
                                    .map(|d| {
                                        let id = d.id;
                                        view! {
                                            <label class="check">
                                                <input type="checkbox" prop:checked=move || chosen.get().contains(&id)
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        chosen.update(|c| { c.retain(|x| *x != id); if on { c.push(id); } });
                                                    } />
                                                {d.original_name.clone()}
                                            </label>
                                        }
                                    }).collect_view())}
                            </Transition>
                        </details>
                        <button type="submit" class="button" disabled=move || asking.get() || question.get().trim().is_empty()>
                            {move || if asking.get() { "Looking…" } else { "Ask" }}
                        </button>
                    </form>
                }.into_any()
            } else {
                view! { <p class="muted">"Editors and owners ask questions; you can read the answers kept below."</p> }.into_any()
            }}
            {move || latest.get().map(|answer| view! { <AnswerView answer ask_again=None /> })}
        </section>
        <section class="panel" aria-labelledby="asked-heading">
            <h2 id="asked-heading">"Asked before"</h2>
            <Transition fallback=|| view! { <Skeleton lines=2 label="Loading questions" /> }>
                {move || history.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p class="empty-state">"No questions yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ol class="plain-list" aria-label="Questions asked">
                            {list.into_iter().map(|answer| {
                                let again = can_ask.then(|| {
                                    let (text, scope) = (answer.question.clone(), answer.documents.clone());
                                    Callback::new(move |()| ask(text.clone(), scope.clone()))
                                });
                                view! { <li><details><summary>{format!("{} — {} · {}", answer.question, answer.asked_by.clone().unwrap_or_else(|| "a deleted account".to_owned()), answer.asked_at.format("%Y-%m-%d %H:%M"))}</summary>
                                    <AnswerView answer ask_again=again /></details></li> }
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AnswerView(answer: Answer, ask_again: Option<Callback<()>>) -> impl IntoView {
    let project = answer.project_id;
    view! {
        <div class="answer" data-testid="answer">
            {if answer.found() {
                view! {
                    <p class="muted">"Passages from the documents that best match the question (no written answer without a language model):"</p>
                    <ol class="passages">
                        {answer.passages.iter().map(|p| view! {
                            <li class="passage">
                                <p>{snippet_view(&p.text)}</p>
                                <a href=format!("/projects/{project}/documents/{}#page-{}", p.document_id, p.page)>
                                    {format!("{}, page {}", p.document_name, p.page)}
                                </a>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            } else {
                view! { <p data-testid="not-found">"Not found in these documents."</p> }.into_any()
            }}
            {ask_again.map(|again| view! {
                <button type="button" class="button button-secondary small" on:click=move |_| again.run(())>"Ask again"</button>
            })}
        </div>
    }
}
