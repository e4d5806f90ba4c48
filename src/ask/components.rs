//! The ask page of a project: a question over all or chosen documents, the
//! passages that answer it (each opening the document at its page), and the
//! questions asked before.

use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::api::{Answer, AnswerStatus, WrittenAnswer, ask_question, list_questions};
use crate::documents::api::{HIT_END, HIT_START};
use crate::documents::api::{get_document, list_documents};
use crate::documents::components::{snippet_plain, snippet_view};
use crate::error::AppError;
use crate::projects::api::get_project;
use crate::review::components::pdf::PdfView;
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
    // `?document=<id>` (from a document's page) asks about that document.
    let from_address: Vec<Uuid> = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("document"))
        .and_then(|d| Uuid::parse_str(&d).ok())
        .into_iter()
        .collect();
    let chosen = RwSignal::new(from_address);
    let asking = RwSignal::new(false);
    let latest = RwSignal::new(None::<Answer>);
    // The written answer as it streams in, before the kept one replaces it.
    let streaming = RwSignal::new(None::<String>);
    let refresh = RwSignal::new(0u32);
    let history = Resource::new(move || refresh.get(), move |_| list_questions(project));
    // The picker offers the newest documents (one list page); a question
    // over every document needs no picking.
    let documents = Resource::new(|| (), move |_| list_documents(project, None));
    let ask = move |text: String, scope: Vec<Uuid>| {
        asking.set(true);
        let ids = scope
            .iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(",");
        leptos::task::spawn_local(async move {
            match ask_question(project, text, ids).await {
                Ok(answer) if answer.status == AnswerStatus::Answering => {
                    let id = answer.id;
                    latest.set(Some(answer));
                    streaming.set(Some(String::new()));
                    follow_answer(
                        id,
                        move |piece| {
                            streaming.update(|t| t.get_or_insert_with(String::new).push_str(&piece))
                        },
                        move |done| {
                            streaming.set(None);
                            latest.set(Some(done));
                            refresh.update(|n| *n += 1);
                            asking.set(false);
                        },
                    );
                    return;
                }
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
                                {move || documents.get().map(|list| list.map(|list| list.documents).unwrap_or_default().into_iter()
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
                            {move || if asking.get() { "Answering…" } else { "Ask" }}
                        </button>
                    </form>
                }.into_any()
            } else {
                view! { <p class="muted">"Editors and owners ask questions; you can read the answers kept below."</p> }.into_any()
            }}
            {move || match (streaming.get(), latest.get()) {
                (Some(text), Some(answer)) => Some(view! {
                    <div class="answer" data-testid="answer-streaming" aria-live="polite" aria-busy="true">
                        <p class="muted">{format!("{} is writing the answer…", answer.model)}</p>
                        <p class="written-answer">{text}</p>
                    </div>
                }.into_any()),
                (None, Some(answer)) => Some(view! { <AnswerView answer ask_again=None /> }.into_any()),
                _ => None,
            }}
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
    let body = match (&answer.written, answer.status) {
        (_, AnswerStatus::Failed) => view! {
            <p class="status-bad" role="alert">{format!("The language model could not answer: {}", answer.error.clone().unwrap_or_default())}</p>
            <PassageList answer=answer.clone() />
        }.into_any(),
        (_, AnswerStatus::Answering) => view! { <p class="muted">"The answer is being written; it appears here when done."</p> }.into_any(),
        (Some(written), _) => view! { <WrittenView written=written.clone() project model=answer.model.clone() /> }.into_any(),
        (None, _) if answer.found() => view! { <PassageList answer=answer.clone() /> }.into_any(),
        (None, _) => view! { <p data-testid="not-found">"Not found in these documents."</p> }.into_any(),
    };
    view! {
        <div class="answer" data-testid="answer">
            {body}
            {ask_again.map(|again| view! {
                <button type="button" class="button button-secondary small" on:click=move |_| again.run(())>"Ask again"</button>
            })}
        </div>
    }
}

#[component]
fn PassageList(answer: Answer) -> impl IntoView {
    let project = answer.project_id;
    view! {
        <p class="muted">"Passages from the documents that best match the question (not a written answer):"</p>
        <ol class="passages">
            {answer.passages.iter().map(|p| view! {
                <li class="passage">
                    <p>{snippet_view(&p.text)}</p>
                    <a href=citation_href(project, p.document_id, p.page, &passage_quote(&p.text))>
                        {format!("{}, page {}", p.document_name, p.page)}
                    </a>
                </li>
            }).collect_view()}
        </ol>
    }
}

/// The words of a passage to mark in the PDF: its longest fragment, without
/// the match markers.
fn passage_quote(snippet: &str) -> String {
    let plain = snippet_plain(snippet).replace([HIT_START, HIT_END], "");
    plain
        .split(" … ")
        .map(str::trim)
        .max_by_key(|fragment| fragment.len())
        .unwrap_or_default()
        .to_owned()
}

/// The address that opens a citation: the document's PDF at the page, the
/// quote marked.
fn citation_href(project: Uuid, document: Uuid, page: i32, quote: &str) -> String {
    let quote = crate::documents::components::encode_query_value(quote);
    format!("/projects/{project}/ask/cite?document={document}&page={page}&quote={quote}")
}

/// The answer's text with each `[n]` a link to citation n (struck through
/// when it was removed), then the citations and the removed ones.
#[component]
fn WrittenView(written: WrittenAnswer, project: Uuid, model: String) -> impl IntoView {
    let mut parts: Vec<AnyView> = Vec::new();
    let mut rest = written.text.as_str();
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let Ok(n) = rest[open + 1..close].trim().parse::<u32>() else {
            parts.push(view! { {rest[..=open].to_owned()} }.into_any());
            rest = &rest[open + 1..];
            continue;
        };
        parts.push(view! { {rest[..open].to_owned()} }.into_any());
        if let Some(c) = written.citations.iter().find(|c| c.n == n) {
            let href = citation_href(project, c.document_id, c.page, &c.quote);
            parts.push(view! {
                <a class="citation-ref" href=href title=format!("{}, page {}", c.document_name, c.page)>{format!("[{n}]")}</a>
            }.into_any());
        } else {
            parts.push(view! {
                <span class="citation-ref citation-removed" title="Removed: not found in the paper">{format!("[{n}]")}</span>
            }.into_any());
        }
        rest = &rest[close + 1..];
    }
    parts.push(view! { {rest.to_owned()} }.into_any());
    let removed = written.removed.clone();
    view! {
        <p class="muted">{format!("Written by {model} from the passages below; every citation was checked in the paper.")}</p>
        <p class="written-answer" data-testid="written-answer">{parts}</p>
        {(!written.citations.is_empty()).then(|| view! {
            <ol class="citations" aria-label="Citations">
                {written.citations.iter().map(|c| view! {
                    <li value=c.n.to_string() data-testid="citation">
                        <q>{c.quote.clone()}</q>" — "
                        <a href=citation_href(project, c.document_id, c.page, &c.quote)>{format!("{}, page {}", c.document_name, c.page)}</a>
                    </li>
                }).collect_view()}
            </ol>
        })}
        {(!removed.is_empty()).then(|| view! {
            <div class="removed-citations" role="note" data-testid="removed-citations">
                <p>{format!("{} citation{} removed: the model quoted words that are not in the paper.",
                    removed.len(), if removed.len() == 1 { " was" } else { "s were" })}</p>
                <ul>
                    {removed.iter().map(|r| view! { <li>{format!("[{}] “{}” — {}", r.n, r.quote, r.reason)}</li> }).collect_view()}
                </ul>
            </div>
        })}
    }
}

/// Follows an answer being written: `on_text` with each piece, `on_done`
/// with the kept answer.
#[cfg(feature = "hydrate")]
fn follow_answer(
    question: Uuid,
    on_text: impl Fn(String) + 'static,
    on_done: impl Fn(Answer) + 'static,
) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(source) = web_sys::EventSource::new(&super::api::answer_events_path(question)) else {
        return;
    };
    let on_text =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(piece) = event
                .data()
                .as_string()
                .and_then(|t| serde_json::from_str::<String>(&t).ok())
            {
                on_text(piece);
            }
        });
    let closer = source.clone();
    let on_done =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            closer.close();
            if let Some(answer) = event
                .data()
                .as_string()
                .and_then(|t| serde_json::from_str::<Answer>(&t).ok())
            {
                on_done(answer);
            }
        });
    let _ = source.add_event_listener_with_callback("text", on_text.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("done", on_done.as_ref().unchecked_ref());
    let held = StoredValue::new_local((source, on_text, on_done));
    on_cleanup(move || held.with_value(|(source, ..)| source.close()));
}

#[cfg(not(feature = "hydrate"))]
fn follow_answer(
    _question: Uuid,
    _on_text: impl Fn(String) + 'static,
    _on_done: impl Fn(Answer) + 'static,
) {
}

/// `/projects/:id/ask/cite?document=&page=&quote=`: a citation, opened at
/// its page in the PDF with the quote marked.
#[component]
pub fn CitationPage() -> impl IntoView {
    let project = route_id("id");
    let query = leptos_router::hooks::use_query_map();
    let document = move || query.with(|q| q.get("document").and_then(|d| Uuid::parse_str(&d).ok()));
    let page = query
        .with_untracked(|q| q.get("page").and_then(|p| p.parse::<i32>().ok()))
        .unwrap_or(1);
    let quote = query.with_untracked(|q| q.get("quote")).unwrap_or_default();
    let detail = Resource::new(document, move |id| async move {
        match id {
            Some(id) => get_document(id, Some(page)).await,
            None => Err(AppError::not_found("document")),
        }
    });
    view! {
        <Title text="Citation" />
        <Suspense fallback=|| view! { <Skeleton lines=4 label="Loading the document" /> }>
            {move || detail.get().map(|result| match result {
                Ok(detail) => {
                    let doc = detail.document.clone();
                    let project = project().unwrap_or(doc.project_id);
                    let shown_page = RwSignal::new(page);
                    let selection = RwSignal::new(None);
                    view! {
                        <nav class="breadcrumbs" aria-label="Breadcrumbs">
                            <a href="/projects">"Projects"</a>" / "
                            <a href=format!("/projects/{project}")>{detail.project_name.clone()}</a>" / "
                            <a href=format!("/projects/{project}/ask")>"Ask"</a>" / "
                            <span aria-current="page">"Citation"</span>
                        </nav>
                        <section class="panel">
                            <h1>{doc.title.clone().unwrap_or_else(|| doc.original_name.clone())}</h1>
                            <blockquote data-testid="cited-quote">{quote.clone()}</blockquote>
                            <p><a href=format!("/projects/{project}/documents/{}?page={page}#page-{page}", doc.id)>"Open the document's text"</a></p>
                            <PdfView
                                url=detail.view_url.clone()
                                start_page=page
                                page_count=doc.page_count.unwrap_or(page)
                                highlight=Some(quote.clone())
                                highlight_page=Some(page)
                                shown_page
                                selection
                            />
                        </section>
                    }.into_any()
                }
                Err(err) => view! {
                    <section class="panel"><h1>"Citation not available"</h1>
                        <p class="status-bad" role="alert">{err.to_string()}</p></section>
                }.into_any(),
            })}
        </Suspense>
    }
}
