//! The documents part of the project page (upload, list, search, activity)
//! and the document page (metadata, status, text by page, the original PDF).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use crate::ui::interval::every;

use super::api::{
    DeleteDocument, DocumentDetail, DocumentList, DocumentSummary, HIT_END, HIT_START,
    PAGES_PER_VIEW, ReconvertDocument, SearchResults, document_download_link, failure_explanation,
    failure_is_permanent, get_document, group_hits, list_documents, project_activity,
    search_documents, search_summary, sentence,
};
use super::markdown::{parse_passage, passage_param, render_page};
use crate::error::AppError;
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

fn status_class(status: &str) -> &'static str {
    match status {
        "ready" => "badge badge-good",
        "failed" => "badge badge-bad",
        _ => "badge badge-busy",
    }
}

/// A percent-encoded query value (the upload's file name).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The message of an error response body (`{"error": "…"}`), else a fallback.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn error_message(body: &str, status: u16) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .map(|message| sentence(&message))
        .unwrap_or_else(|| format!("The upload failed (HTTP {status})."))
}

/// The id in the body of a successful upload (the document's summary).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn uploaded_id(body: &str) -> Option<Uuid> {
    serde_json::from_str::<DocumentSummary>(body)
        .ok()
        .map(|document| document.id)
}

// Set by the browser-only upload code.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum UploadState {
    Uploading,
    /// Stored as (or in place of the file of) this document.
    Stored(Option<Uuid>),
    Refused(String),
    Cancelled,
}

#[derive(Clone)]
struct UploadItem {
    key: usize,
    name: String,
    /// 0.0 to 1.0.
    progress: RwSignal<f64>,
    state: RwSignal<UploadState>,
    #[cfg(feature = "hydrate")]
    request: StoredValue<Option<web_sys::XmlHttpRequest>, LocalStorage>,
}

impl UploadItem {
    fn cancel(&self) {
        #[cfg(feature = "hydrate")]
        self.request.with_value(|request| {
            if let Some(request) = request {
                let _ = request.abort();
            }
        });
    }
}

/// Sends one file with XMLHttpRequest, the one browser API that reports
/// upload progress.
/// `replace`: the failed document whose file this one replaces.
#[cfg(feature = "hydrate")]
fn start_upload(
    project: Uuid,
    replace: Option<Uuid>,
    file: web_sys::File,
    item: UploadItem,
    finished: Callback<()>,
) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(request) = web_sys::XmlHttpRequest::new() else {
        item.state.set(UploadState::Refused(
            "This browser cannot upload files.".into(),
        ));
        return;
    };
    let mut url = format!(
        "{}?name={}",
        super::api::upload_path(project),
        encode_query_value(&file.name())
    );
    if let Some(document) = replace {
        url.push_str(&format!("&replace={document}"));
    }
    if request.open_with_async("POST", &url, true).is_err() {
        item.state
            .set(UploadState::Refused("The upload could not start.".into()));
        return;
    }
    let _ = request.set_request_header("Content-Type", "application/pdf");
    let progress = item.progress;
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                progress.set(event.loaded() / event.total());
            }
        });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    on_progress.forget();

    let state = item.state;
    let answered = request.clone();
    let on_load = Closure::<dyn FnMut()>::new(move || {
        let status = answered.status().unwrap_or(0);
        if (200..300).contains(&status) {
            progress.set(1.0);
            let body = answered.response_text().ok().flatten().unwrap_or_default();
            state.set(UploadState::Stored(uploaded_id(&body)));
        } else {
            let body = answered.response_text().ok().flatten().unwrap_or_default();
            state.set(UploadState::Refused(error_message(&body, status)));
        }
        finished.run(());
    });
    request.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let on_error = Closure::<dyn FnMut()>::new(move || {
        state.set(UploadState::Refused(
            "The connection failed during the upload.".into(),
        ));
    });
    request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    let on_abort = Closure::<dyn FnMut()>::new(move || state.set(UploadState::Cancelled));
    request.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    on_abort.forget();

    if request.send_with_opt_blob(Some(&file)).is_err() {
        state.set(UploadState::Refused("The upload could not start.".into()));
        return;
    }
    item.request.set_value(Some(request));
}

/// The one-line summary of finished uploads: how the stored files' conversions
/// stand in the latest list ("2 ready · 1 failed"), and the refused and
/// cancelled ones. Empty when nothing has finished.
fn upload_summary(states: &[UploadState], documents: &[DocumentSummary]) -> String {
    let (mut ready, mut failed, mut converting, mut refused, mut cancelled) = (0, 0, 0, 0, 0);
    for state in states {
        match state {
            UploadState::Uploading => {}
            UploadState::Stored(id) => {
                let status = id.and_then(|id| {
                    documents
                        .iter()
                        .find(|d| d.id == id)
                        .map(|d| d.status.as_str())
                });
                match status {
                    Some("ready") => ready += 1,
                    Some("failed") => failed += 1,
                    _ => converting += 1,
                }
            }
            UploadState::Refused(_) => refused += 1,
            UploadState::Cancelled => cancelled += 1,
        }
    }
    [
        (ready, "ready"),
        (failed, "failed"),
        (converting, "converting"),
        (refused, "refused"),
        (cancelled, "cancelled"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect::<Vec<_>>()
    .join(" · ")
}

/// Drop zone and file picker, with a progress bar and a cancel button per
/// file while it uploads. A stored file leaves the list (the documents table
/// shows it) and is counted in the summary line; a refused one stays, with
/// its reason.
#[component]
fn UploadArea(
    project: Uuid,
    uploaded: Callback<()>,
    documents: Resource<Result<DocumentList, AppError>>,
) -> impl IntoView {
    let items = RwSignal::new(Vec::<UploadItem>::new());
    let next_key = StoredValue::new(0usize);
    let dragging = RwSignal::new(false);

    #[cfg(feature = "hydrate")]
    let add_files = move |files: web_sys::FileList| {
        for index in 0..files.length() {
            let Some(file) = files.get(index) else {
                continue;
            };
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            let item = UploadItem {
                key,
                name: file.name(),
                progress: RwSignal::new(0.0),
                state: RwSignal::new(UploadState::Uploading),
                request: StoredValue::new_local(None),
            };
            items.update(|list| list.insert(0, item.clone()));
            start_upload(project, None, file, item, uploaded);
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = (project, uploaded, next_key);

    let on_drop = move |event: web_sys::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(files) = event.data_transfer().and_then(|data| data.files()) {
            add_files(files);
        }
    };
    let on_pick = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                if let Some(files) = input.files() {
                    add_files(files);
                }
                input.set_value("");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    // Only files still uploading, and refused ones (with their reason), keep
    // a row; the rest are in the table.
    let shown = move || {
        items
            .get()
            .into_iter()
            .filter(|item| {
                matches!(
                    item.state.get(),
                    UploadState::Uploading | UploadState::Refused(_)
                )
            })
            .collect::<Vec<_>>()
    };
    let summary = move || {
        let states: Vec<UploadState> = items.with(|list| {
            list.iter()
                .map(|item| item.state.get())
                .filter(|state| *state != UploadState::Uploading)
                .collect()
        });
        if states.is_empty() {
            return None;
        }
        let list = documents
            .get()
            .and_then(Result::ok)
            .map(|list| list.documents)
            .unwrap_or_default();
        Some(upload_summary(&states, &list))
    };

    view! {
        <div
            class="drop-zone"
            class:dragging=move || dragging.get()
            data-testid="drop-zone"
            on:dragover=move |event: web_sys::DragEvent| {
                event.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p>"Drop PDF files here, or"</p>
            // The input comes first so that its keyboard focus can show on
            // the label that stands for it (`input:focus-visible + label`).
            <input
                id="upload-input"
                class="visually-hidden file-picker"
                type="file"
                multiple
                accept="application/pdf,.pdf"
                on:change=on_pick
            />
            <label class="button button-secondary" for="upload-input">"Choose files…"</label>
        </div>
        <p class="upload-summary" data-testid="upload-summary" role="status">
            {move || summary().map(|text| view! { <span class="muted">"Uploads: "</span>{text} })}
        </p>
        <ul class="upload-list" aria-label="Uploads" aria-live="polite">
            <For each=shown key=|item| item.key let:item>
                <UploadRow item />
            </For>
        </ul>
    }
}

#[component]
fn UploadRow(item: UploadItem) -> impl IntoView {
    let (progress, state) = (item.progress, item.state);
    let name = item.name.clone();
    let cancel = {
        let item = item.clone();
        move |_| item.cancel()
    };
    view! {
        <li class="upload-row" data-testid="upload-row" data-name=name.clone()>
            <span class="upload-file">
                <span class="upload-name">{name.clone()}</span>
                {move || {
                    (state.get() == UploadState::Uploading)
                        .then(|| {
                            view! {
                                <progress
                                    max="100"
                                    value=move || format!("{:.0}", progress.get() * 100.0)
                                    aria-label=format!("Upload of {}", item.name)
                                ></progress>
                            }
                        })
                }}
            </span>
            <span class="upload-state" data-testid="upload-state" class:status-bad=move || matches!(state.get(), UploadState::Refused(_))>
                {move || match state.get() {
                    UploadState::Uploading => format!("{:.0} %", progress.get() * 100.0),
                    UploadState::Stored(_) => "Uploaded.".to_owned(),
                    UploadState::Refused(reason) => format!("Refused. {reason}"),
                    UploadState::Cancelled => "Cancelled.".to_owned(),
                }}
            </span>
            {move || {
                (state.get() == UploadState::Uploading)
                    .then(|| {
                        view! {
                            <button type="button" class="button button-small button-secondary" on:click=cancel.clone()>
                                "Cancel"
                            </button>
                        }
                    })
            }}
        </li>
    }
}

/// The project page's documents: upload (for editors), the list with live
/// status, search, and recent activity.
#[component]
pub fn ProjectDocuments(project: Uuid, can_edit: bool) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let page = RwSignal::new(1u32);
    let documents = Resource::new(
        move || (refresh.get(), page.get()),
        move |(_, page)| list_documents(project, Some(page)),
    );
    // Conversions finish in the background: the list is read again when one
    // of this project's jobs starts or ends (the job event stream), and
    // after a reconnection, which may have missed some.
    crate::jobs::components::follow_job_updates(
        move |update| {
            let starts = update.status == crate::jobs::api::JobStatus::Running
                && update.done.unwrap_or(0) == 0;
            if update.project_id == Some(project) && (starts || update.status.is_finished()) {
                refresh.update(|n| *n += 1);
            }
        },
        move || refresh.update(|n| *n += 1),
    );
    let uploaded = Callback::new(move |_| refresh.update(|n| *n += 1));
    view! {
        <section class="panel" aria-labelledby="documents-heading">
            <h2 id="documents-heading">"Documents"</h2>
            {can_edit.then(|| view! { <UploadArea project uploaded documents /> })}
            <Transition fallback=|| view! { <Skeleton lines=3 label="Loading documents" /> }>
                {move || {
                    documents
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.documents.is_empty() && list.page == 1 => {
                                view! { <p class="empty-state">"No documents yet."</p> }.into_any()
                            }
                            Ok(list) => {
                                let pages = list.page_count();
                                let current = list.page;
                                view! {
                                    <DocumentTable project list=list.documents />
                                    {(pages > 1)
                                        .then(|| {
                                            view! {
                                                <nav class="pager" aria-label="Document list pages">
                                                    <button type="button" class="button button-secondary" disabled=current <= 1
                                                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Previous"</button>
                                                    <span>{format!("Page {current} of {pages} ({} documents)", list.total)}</span>
                                                    <button type="button" class="button button-secondary" disabled=current >= pages
                                                        on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                                                </nav>
                                            }
                                        })}
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! { <p class="status-bad" role="alert">{sentence(&err.to_string())}</p> }.into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// The project's recent activity (uploads, conversions, runs).
#[component]
pub fn ProjectActivity(project: Uuid) -> impl IntoView {
    let activity = Resource::new(|| (), move |_| project_activity(project));
    view! {
        <section class="panel" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Recent activity"</h2>
            <Transition fallback=|| view! { <Skeleton lines=2 label="Loading activity" /> }>
                {move || {
                    activity
                        .get()
                        .map(|result| match result {
                            Ok(items) if items.is_empty() => {
                                view! { <p class="empty-state">"Nothing yet."</p> }.into_any()
                            }
                            Ok(items) => {
                                view! {
                                    <ul class="activity" aria-label="Recent activity">
                                        {items
                                            .into_iter()
                                            .map(|item| {
                                                let when = item.at.format("%Y-%m-%d %H:%M").to_string();
                                                view! {
                                                    <li>
                                                        <span class="muted">{when}" "</span>
                                                        {match item.href {
                                                            Some(href) => view! { <a href=href>{item.text}</a> }.into_any(),
                                                            None => view! { <span>{item.text}</span> }.into_any(),
                                                        }}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(err) => view! { <p class="status-bad">{sentence(&err.to_string())}</p> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn DocumentTable(project: Uuid, list: Vec<DocumentSummary>) -> impl IntoView {
    view! {
        <table class="table responsive" aria-label="Documents">
            <thead>
                <tr>
                    <th scope="col">"File"</th>
                    <th scope="col">"Title"</th>
                    <th scope="col">"Pages"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|doc| {
                        let href = format!("/projects/{project}/documents/{}", doc.id);
                        let status = doc.status.clone();
                        view! {
                            <tr data-testid="document-row" data-name=doc.original_name.clone() data-status=status.clone()>
                                <td data-label="File"><a href=href>{doc.original_name.clone()}</a></td>
                                <td data-label="Title">{doc.title.clone().unwrap_or_default()}</td>
                                <td data-label="Pages">{doc.page_count.map(|n| n.to_string()).unwrap_or_default()}</td>
                                <td data-label="Status">
                                    <span class=status_class(&status)>{status.clone()}</span>
                                    {doc
                                        .failure_reason
                                        .as_deref()
                                        .map(|reason| {
                                            view! { <span class="reason" data-testid="failure-reason">" "{first_sentence(&failure_explanation(reason))}</span> }
                                        })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The first sentence of a text (up to and including its first ". ").
fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text.to_owned(),
    }
}

/// A search snippet as plain text: the converted pages are markdown, but a
/// snippet shows words, not `**`, `## ` or table pipes.
pub fn snippet_plain(snippet: &str) -> String {
    snippet
        .lines()
        .map(|line| {
            let line = line.trim_start();
            let line = line.trim_start_matches('#').trim_start();
            let line = line.trim_matches('|').trim();
            line.replace(" | ", " · ")
                .replace("**", "")
                .replace("__", "")
                .replace(['*', '`'], "")
        })
        .filter(|line| {
            !line
                .chars()
                .all(|c| matches!(c, '-' | ':' | ' ' | '·' | '|'))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text with `HIT_START`/`HIT_END` markers as text and `<mark>` elements.
pub fn snippet_view(snippet: &str) -> Vec<AnyView> {
    let snippet = snippet_plain(snippet);
    let mut parts = Vec::new();
    let mut rest = snippet.as_str();
    while let Some(start) = rest.find(HIT_START) {
        parts.push(rest[..start].to_owned().into_any());
        let after = &rest[start + HIT_START.len_utf8()..];
        let end = after.find(HIT_END).unwrap_or(after.len());
        let hit = after[..end].to_owned();
        parts.push(view! { <mark>{hit}</mark> }.into_any());
        rest = after.get(end + HIT_END.len_utf8()..).unwrap_or("");
    }
    parts.push(rest.to_owned().into_any());
    parts
}

#[component]
pub fn SearchPanel(project: Uuid) -> impl IntoView {
    // The query lives in the address (`?q=`), so a search can be shared,
    // reloaded and returned to with the back button.
    let from_address = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get("q"))
        .unwrap_or_default();
    let query = RwSignal::new(from_address.clone());
    let submitted = RwSignal::new(from_address);
    let navigate = leptos_router::hooks::use_navigate();
    let results = Resource::new(
        move || submitted.get(),
        move |q| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                search_documents(project, q).await.map(Some)
            }
        },
    );
    view! {
        <section class="panel" aria-labelledby="search-heading">
            <h2 id="search-heading">"Search"</h2>
            <p><a href=format!("/projects/{project}/ask")>"Ask the documents a question →"</a></p>
            <form
                class="search-form"
                role="search"
                on:submit=move |event| {
                    event.prevent_default();
                    let text = query.get_untracked();
                    navigate(
                        &format!("/projects/{project}/search?q={}", encode_query_value(&text)),
                        leptos_router::NavigateOptions {
                            scroll: false,
                            ..Default::default()
                        },
                    );
                    submitted.set(text);
                }
            >
                <label for="search-input" class="visually-hidden">"Search the documents"</label>
                <input
                    id="search-input"
                    type="search"
                    placeholder="Words, \"a phrase\", or prefix*"
                    maxlength="500"
                    prop:value=move || query.get()
                    on:input=move |event| query.set(event_target_value(&event))
                />
                <button type="submit" class="button">"Search"</button>
            </form>
            <Transition fallback=|| view! { <Skeleton lines=2 label="Searching" /> }>
                {move || {
                    results
                        .get()
                        .map(|result| match result {
                            Ok(None) => ().into_any(),
                            Ok(Some(results)) => view! { <SearchResultList project results /> }.into_any(),
                            Err(err) => {
                                view! { <p class="status-bad" role="alert">{sentence(&err.to_string())}</p> }.into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// Results grouped by document: the count, then each document's title once
/// and its passages, each linking to its place on the document page.
#[component]
fn SearchResultList(project: Uuid, results: SearchResults) -> impl IntoView {
    if let Some(problem) = results.problem.clone() {
        return view! { <p class="status-bad" role="alert" data-testid="search-problem">{problem}</p> }
            .into_any();
    }
    if results.hits.is_empty() {
        return view! { <p class="empty-state" data-testid="search-empty">"No passage matches this search."</p> }
            .into_any();
    }
    let summary = search_summary(&results);
    view! {
        <p class="search-count" data-testid="search-count" role="status">{summary}</p>
        <ol class="search-groups" aria-label="Search results">
            {group_hits(results.hits)
                .into_iter()
                .map(|group| {
                    let document_href = format!("/projects/{project}/documents/{}", group.document_id);
                    let file = (group.label != group.document_name).then(|| group.document_name.clone());
                    view! {
                        <li class="search-group" data-testid="search-group">
                            <h3 class="search-group-title">
                                <a href=document_href.clone()>{group.label.clone()}</a>
                            </h3>
                            {file.map(|name| view! { <p class="muted search-group-file">{name}</p> })}
                            <ul class="search-results" aria-label=format!("Passages in {}", group.label)>
                                {group
                                    .hits
                                    .into_iter()
                                    .map(|hit| {
                                        let href = format!(
                                            "{document_href}?passage={}#page-{}",
                                            passage_param(hit.page_number, hit.char_start, hit.char_end),
                                            hit.page_number,
                                        );
                                        view! {
                                            <li data-testid="search-hit">
                                                <a href=href>{format!("Page {}", hit.page_number)}</a>
                                                <p class="snippet">{snippet_view(&hit.snippet)}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("doc").and_then(|raw| Uuid::parse_str(&raw).ok()));
    // The passage a search result pointed at (`?passage=page:start-end`).
    let passage = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get("passage"))
        .and_then(|raw| parse_passage(&raw));
    // Which window of pages to show: `?page=N` names a page, else the
    // passage's page, else the first window.
    let query = leptos_router::hooks::use_query_map();
    let passage_page = passage.as_ref().map(|(page, _)| *page);
    let page = move || {
        query
            .with(|q| q.get("page").and_then(|raw| raw.parse::<i32>().ok()))
            .or(passage_page)
    };
    let reconvert = ServerAction::<ReconvertDocument>::new();
    let refresh = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id(), page(), reconvert.version().get(), refresh.get()),
        |(id, page, _, _)| async move {
            match id {
                Some(id) => get_document(id, page).await,
                None => Err(AppError::not_found("document")),
            }
        },
    );
    every(2000, move || {
        let busy = detail
            .get_untracked()
            .and_then(|r| r.ok())
            .is_some_and(|d| matches!(d.document.status.as_str(), "pending" | "processing"));
        if busy {
            refresh.update(|n| *n += 1);
        }
    });
    let changed = Callback::new(move |_| refresh.update(|n| *n += 1));
    view! {
        <Title text="Document" />
        <Suspense fallback=|| view! { <Skeleton lines=6 label="Loading the document" /> }>
            {move || {
                detail
                    .get()
                    .map(|result| match result {
                        Ok(detail) => {
                            view! { <DocumentView detail reconvert changed passage=passage.clone() /> }
                                .into_any()
                        }
                        Err(err) => {
                            view! {
                                <section class="panel">
                                    <h1>"Document not available"</h1>
                                    <p class="status-bad" role="alert">{sentence(&err.to_string())}</p>
                                    <p><a href="/projects">"All projects"</a></p>
                                </section>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn DocumentView(
    detail: DocumentDetail,
    reconvert: ServerAction<ReconvertDocument>,
    /// Runs when the document changed here (its file was replaced).
    changed: Callback<()>,
    passage: Option<(i32, std::ops::Range<usize>)>,
) -> impl IntoView {
    let doc = detail.document.clone();
    let id = doc.id;
    let project_href = format!("/projects/{}", doc.project_id);
    let toasts = use_toasts();
    let download = move |_| {
        leptos::task::spawn_local(async move {
            match document_download_link(id).await {
                Ok(url) => {
                    let _ = window().location().assign(&url);
                }
                Err(err) => toasts.error(format!(
                    "The PDF could not be downloaded: {}",
                    sentence(&err.to_string())
                )),
            }
        });
    };
    // Land on the passage a search hit named, else on its page
    // (client-side navigation does not scroll to the fragment).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(element) = document().get_element_by_id("passage") {
            element.scroll_into_view();
            if let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element) {
                let _ = element.focus();
            }
        } else if let Ok(hash) = window().location().hash()
            && let Some(target) = hash.strip_prefix('#')
            && let Some(element) = document().get_element_by_id(target)
        {
            element.scroll_into_view();
        }
    });
    // The file name is shown once: as the heading when the paper's title is
    // unknown, else under the title.
    let (title, file_line) = match doc.title.clone() {
        Some(title) => (title, Some(doc.original_name.clone())),
        None => (doc.original_name.clone(), None),
    };
    let meta_line = [
        (!detail.authors.is_empty()).then(|| detail.authors.join(", ")),
        doc.year.map(|y| y.to_string()),
        detail.doi.clone().map(|d| format!("DOI {d}")),
        doc.page_count.map(|n| format!("{n} pages")),
        detail.ocr_used.then(|| "text from OCR".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let status = doc.status.clone();
    let failed = status == "failed";
    // "Convert again" is offered when converting again may help: not for a
    // file that cannot be read (it would fail the same way).
    let may_convert_again = match doc.failure_reason.as_deref() {
        Some(reason) if failed => !failure_is_permanent(reason),
        _ => true,
    };
    let busy = matches!(status.as_str(), "pending" | "processing");
    let can_edit = detail.can_edit;
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p><a href=project_href.clone()>{format!("← {}", detail.project_name)}</a></p>
            <h1>{title.clone()}</h1>
            {file_line.map(|name| view! { <p class="muted">{name}</p> })}
            {(!meta_line.is_empty()).then(|| view! { <p>{meta_line}</p> })}
            <p data-testid="document-status">
                <span class=status_class(&status)>{status.clone()}</span>
                {busy.then(|| view! { <span class="muted">" The text appears here when the conversion is done."</span> })}
            </p>
            {(status == "ready")
                .then(|| super::api::unreadable_pages_notice(&detail.unreadable_pages))
                .flatten()
                .map(|notice| view! { <p class="notice-warn" role="status" data-testid="unreadable-pages">{notice}</p> })}
            <div class="actions">
                {(!failed)
                    .then(|| {
                        view! {
                            <button type="button" class="button" on:click=download>"Download PDF"</button>
                            <a class="button button-secondary" href=format!("/projects/{}/ask?document={id}", doc.project_id)>"Ask about this document"</a>
                        }
                    })}
                {(can_edit && !failed)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button-secondary"
                                disabled=busy
                                on:click=move |_| {
                                    reconvert.dispatch(ReconvertDocument { id });
                                }
                            >
                                "Convert again"
                            </button>
                            <DeleteDocumentButton id project_href=project_href.clone() />
                        }
                    })}
            </div>
            <p class="form-error" role="alert">
                {move || match reconvert.value().get() {
                    Some(Err(err)) => sentence(&err.to_string()),
                    _ => String::new(),
                }}
            </p>
        </section>
        {if failed {
            let explanation = failure_explanation(doc.failure_reason.as_deref().unwrap_or_default());
            view! {
                <section class="panel failure-panel" aria-labelledby="failure-heading" data-testid="document-failure">
                    <h2 id="failure-heading">"This document could not be converted"</h2>
                    <p data-testid="failure-explanation">{explanation}</p>
                    {if can_edit {
                        view! {
                            <div class="actions">
                                <ReplaceFile project=doc.project_id id replaced=changed />
                                {may_convert_again
                                    .then(|| {
                                        view! {
                                            <button
                                                type="button"
                                                class="button button-secondary"
                                                on:click=move |_| {
                                                    reconvert.dispatch(ReconvertDocument { id });
                                                }
                                            >
                                                "Convert again"
                                            </button>
                                        }
                                    })}
                                <DeleteDocumentButton id project_href=project_href.clone() label="Delete" />
                            </div>
                        }
                            .into_any()
                    } else {
                        view! { <p class="muted">"Someone who can edit this project can replace the file or delete the document."</p> }
                            .into_any()
                    }}
                </section>
            }
                .into_any()
        } else {
            view! {
                <div class="document-layout">
                    <section class="panel document-text" aria-label="Text by page">
                        <h2>"Text"</h2>
                        {if detail.pages.is_empty() {
                            let message = if busy {
                                "The text appears here when the conversion is done."
                            } else {
                                "This document has no text."
                            };
                            view! { <p class="empty-state">{message}</p> }.into_any()
                        } else {
                            let (pager_top, pager_bottom) =
                                (page_window_nav(&detail), page_window_nav(&detail));
                            let pages = detail
                                .pages
                                .into_iter()
                                .map(|page| {
                                    let marked = passage
                                        .as_ref()
                                        .filter(|(number, _)| *number == page.number)
                                        .map(|(_, range)| range.clone());
                                    view! {
                                        <article class="page-text" id=format!("page-{}", page.number) data-page=page.number>
                                            <h3>
                                                <a href=format!("#page-{}", page.number)>{format!("Page {}", page.number)}</a>
                                            </h3>
                                            <div class="markdown">{render_page(&page.markdown, marked)}</div>
                                        </article>
                                    }
                                })
                                .collect_view();
                            view! { {pager_top} {pages} {pager_bottom} }.into_any()
                        }}
                    </section>
                    <section class="panel document-pdf" aria-label="Original PDF">
                        <h2>"Original"</h2>
                        <iframe class="pdf-frame" src=detail.view_url title=format!("PDF of {}", doc.original_name)></iframe>
                    </section>
                </div>
            }
                .into_any()
        }}
    }
}

/// Links to the previous and next windows of pages, when the document's text
/// does not fit in one ("Pages 21–40 of 412"). Plain links: the window is in
/// the address, so it survives a reload and works before hydration.
fn page_window_nav(detail: &DocumentDetail) -> Option<AnyView> {
    let first = detail.pages.first()?.number;
    let last = detail.pages.last()?.number;
    let total = detail.stored_pages;
    if total <= PAGES_PER_VIEW {
        return None;
    }
    let base = format!(
        "/projects/{}/documents/{}",
        detail.document.project_id, detail.document.id
    );
    let previous = (first > 1).then(|| {
        let to = (first - PAGES_PER_VIEW).max(1);
        view! { <a class="button button-secondary" href=format!("{base}?page={to}#page-{to}")>"Previous pages"</a> }
    });
    let next = (last < total).then(|| {
        let to = last + 1;
        view! { <a class="button button-secondary" href=format!("{base}?page={to}#page-{to}")>"Next pages"</a> }
    });
    Some(
        view! {
            <nav class="pager" aria-label="Pages of text">
                {previous}
                <span>{format!("Pages {first}–{last} of {total}")}</span>
                {next}
            </nav>
        }
        .into_any(),
    )
}

/// "Replace file…": a new file in place of a failed document's, which is
/// then converted again. The server checks it like any upload and that the
/// caller may edit the project.
#[component]
fn ReplaceFile(project: Uuid, id: Uuid, replaced: Callback<()>) -> impl IntoView {
    let upload = RwSignal::new(None::<UploadItem>);
    let on_pick = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                let item = UploadItem {
                    key: 0,
                    name: file.name(),
                    progress: RwSignal::new(0.0),
                    state: RwSignal::new(UploadState::Uploading),
                    request: StoredValue::new_local(None),
                };
                let state = item.state;
                let finished = Callback::new(move |_| {
                    if matches!(state.get_untracked(), UploadState::Stored(_)) {
                        replaced.run(());
                    }
                });
                upload.set(Some(item.clone()));
                start_upload(project, Some(id), file, item, finished);
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, project, id, replaced);
    };
    view! {
        <span class="replace-file">
            <input
                id="replace-input"
                class="visually-hidden file-picker"
                type="file"
                accept="application/pdf,.pdf"
                on:change=on_pick
            />
            <label class="button" for="replace-input">"Replace file…"</label>
        </span>
        {move || {
            upload
                .get()
                .map(|item| {
                    let (progress, state) = (item.progress, item.state);
                    view! {
                        <p class="replace-status" data-testid="replace-status" role="status">
                            {item.name.clone()}" "
                            {move || match state.get() {
                                UploadState::Uploading => format!("{:.0} %", progress.get() * 100.0),
                                UploadState::Stored(_) => "Replaced; converting again.".to_owned(),
                                UploadState::Refused(reason) => format!("Refused. {reason}"),
                                UploadState::Cancelled => "Cancelled.".to_owned(),
                            }}
                        </p>
                    }
                })
        }}
    }
}

/// Deletes the document through `delete_document`, which removes its rows
/// and queues the removal of its file, as every deletion does.
#[component]
fn DeleteDocumentButton(
    id: Uuid,
    project_href: String,
    #[prop(default = "Delete…")] label: &'static str,
) -> impl IntoView {
    let delete = ServerAction::<DeleteDocument>::new();
    let toasts = use_toasts();
    let navigate = use_navigate();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success("Document deleted.");
            navigate(&project_href, Default::default());
        }
        Some(Err(err)) => toasts.error(format!(
            "The document could not be deleted: {}",
            sentence(&err.to_string())
        )),
        None => {}
    });
    view! {
        <crate::ui::confirm::ConfirmDelete
            label
            warning="The document, its text and its file are deleted for good."
            on_confirm=Callback::new(move |_| {
                delete.dispatch(DeleteDocument { id });
            })
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: u128, status: &str) -> DocumentSummary {
        DocumentSummary {
            id: Uuid::from_u128(id),
            project_id: Uuid::nil(),
            original_name: format!("{id}.pdf"),
            status: status.to_owned(),
            failure_reason: None,
            page_count: None,
            title: None,
            year: None,
            size_bytes: 1,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn finished_uploads_fold_into_one_line() {
        let list = [
            summary(1, "ready"),
            summary(2, "ready"),
            summary(3, "failed"),
            summary(4, "processing"),
        ];
        let states = [
            UploadState::Stored(Some(Uuid::from_u128(1))),
            UploadState::Stored(Some(Uuid::from_u128(2))),
            UploadState::Stored(Some(Uuid::from_u128(3))),
            UploadState::Uploading,
        ];
        assert_eq!(upload_summary(&states, &list), "2 ready · 1 failed");
        let states = [
            UploadState::Stored(Some(Uuid::from_u128(4))),
            // Not in the list yet: the list is read again after the upload.
            UploadState::Stored(Some(Uuid::from_u128(9))),
            UploadState::Refused("The file is not a PDF.".into()),
            UploadState::Cancelled,
        ];
        assert_eq!(
            upload_summary(&states, &list),
            "2 converting · 1 refused · 1 cancelled"
        );
        assert_eq!(upload_summary(&[UploadState::Uploading], &list), "");
    }

    #[test]
    fn upload_errors_read_as_sentences() {
        assert_eq!(
            error_message(r#"{"error":"please sign in first"}"#, 401),
            "Please sign in first."
        );
        assert_eq!(
            error_message("<html>", 502),
            "The upload failed (HTTP 502)."
        );
        assert_eq!(
            first_sentence("The file could not be read: it is locked. Save a copy."),
            "The file could not be read: it is locked."
        );
    }

    #[test]
    fn encode_query_value_escapes_everything_but_unreserved() {
        assert_eq!(encode_query_value("a b&c=ü.pdf"), "a%20b%26c%3D%C3%BC.pdf");
    }
}

#[cfg(test)]
mod snippet_tests {
    use super::snippet_plain;

    #[test]
    fn snippets_show_words_not_markdown() {
        assert_eq!(
            snippet_plain("## 2. Methods\n**Results:** 12 of 35 | 8 of 36 |\n|---|---|"),
            "2. Methods Results: 12 of 35 · 8 of 36"
        );
        assert_eq!(snippet_plain("Health* *Sciences"), "Health Sciences");
    }
}
