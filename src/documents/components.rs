//! The documents part of the project page (upload, list, search, activity)
//! and the document page (metadata, status, text by page, the original PDF).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use crate::ui::interval::every;

use super::api::{
    DeleteDocument, DocumentDetail, DocumentSummary, HIT_END, HIT_START, ReconvertDocument,
    document_download_link, get_document, list_documents, project_activity, search_documents,
};
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
        .unwrap_or_else(|| format!("the upload failed (HTTP {status})"))
}

// Set by the browser-only upload code.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum UploadState {
    Uploading,
    Stored,
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
#[cfg(feature = "hydrate")]
fn start_upload(project: Uuid, file: web_sys::File, item: UploadItem, finished: Callback<()>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(request) = web_sys::XmlHttpRequest::new() else {
        item.state.set(UploadState::Refused(
            "this browser cannot upload files".into(),
        ));
        return;
    };
    let url = format!(
        "{}?name={}",
        super::api::upload_path(project),
        encode_query_value(&file.name())
    );
    if request.open_with_async("POST", &url, true).is_err() {
        item.state
            .set(UploadState::Refused("the upload could not start".into()));
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
            state.set(UploadState::Stored);
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
            "the connection failed during the upload".into(),
        ));
    });
    request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    let on_abort = Closure::<dyn FnMut()>::new(move || state.set(UploadState::Cancelled));
    request.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    on_abort.forget();

    if request.send_with_opt_blob(Some(&file)).is_err() {
        state.set(UploadState::Refused("the upload could not start".into()));
        return;
    }
    item.request.set_value(Some(request));
}

/// Drop zone and file picker, with a progress bar and a cancel button per file.
#[component]
fn UploadArea(project: Uuid, uploaded: Callback<()>) -> impl IntoView {
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
            start_upload(project, file, item, uploaded);
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
            <label class="button button-secondary" for="upload-input">"Choose files…"</label>
            <input
                id="upload-input"
                class="visually-hidden"
                type="file"
                multiple
                accept="application/pdf,.pdf"
                on:change=on_pick
            />
        </div>
        <ul class="upload-list" aria-label="Uploads" aria-live="polite">
            <For each=move || items.get() key=|item| item.key let:item>
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
            <span class="upload-name">{name.clone()}</span>
            <progress
                max="100"
                value=move || format!("{:.0}", progress.get() * 100.0)
                aria-label=format!("Upload of {name}")
            ></progress>
            <span class="upload-state" data-testid="upload-state">
                {move || match state.get() {
                    UploadState::Uploading => format!("{:.0} %", progress.get() * 100.0),
                    UploadState::Stored => "uploaded".to_owned(),
                    UploadState::Refused(reason) => format!("refused: {reason}"),
                    UploadState::Cancelled => "cancelled".to_owned(),
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
    let documents = Resource::new(move || refresh.get(), move |_| list_documents(project));
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
            {can_edit.then(|| view! { <UploadArea project uploaded /> })}
            <Transition fallback=|| view! { <Skeleton lines=3 label="Loading documents" /> }>
                {move || {
                    documents
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="empty-state">"No documents yet."</p> }.into_any()
                            }
                            Ok(list) => view! { <DocumentTable project list /> }.into_any(),
                            Err(err) => {
                                view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any()
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
                            Err(err) => view! { <p class="status-bad">{err.to_string()}</p> }.into_any(),
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
                                    {doc.failure_reason.clone().map(|reason| view! { <span class="reason" data-testid="failure-reason">" "{reason}</span> })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
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
                            Ok(Some(hits)) if hits.is_empty() => {
                                view! { <p class="empty-state" data-testid="search-empty">"No matches."</p> }.into_any()
                            }
                            Ok(Some(hits)) => {
                                view! {
                                    <ol class="search-results" aria-label="Search results">
                                        {hits
                                            .into_iter()
                                            .map(|hit| {
                                                let href = format!(
                                                    "/projects/{project}/documents/{}#page-{}",
                                                    hit.document_id,
                                                    hit.page_number,
                                                );
                                                let label = hit.title.clone().unwrap_or_else(|| hit.document_name.clone());
                                                view! {
                                                    <li data-testid="search-hit">
                                                        <a href=href>{label}" — page "{hit.page_number}</a>
                                                        <p class="snippet">{snippet_view(&hit.snippet)}</p>
                                                        <p class="muted">{hit.document_name.clone()}</p>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("doc").and_then(|raw| Uuid::parse_str(&raw).ok()));
    let reconvert = ServerAction::<ReconvertDocument>::new();
    let refresh = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id(), reconvert.version().get(), refresh.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_document(id).await,
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
    view! {
        <Title text="Document" />
        <Suspense fallback=|| view! { <Skeleton lines=6 label="Loading the document" /> }>
            {move || {
                detail
                    .get()
                    .map(|result| match result {
                        Ok(detail) => view! { <DocumentView detail reconvert /> }.into_any(),
                        Err(err) => {
                            view! {
                                <section class="panel">
                                    <h1>"Document not available"</h1>
                                    <p class="status-bad" role="alert">{err.to_string()}</p>
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
                Err(err) => toasts.error(format!("Could not download: {err}")),
            }
        });
    };
    // Land on the page a search hit named (client-side navigation does not scroll).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Ok(hash) = window().location().hash()
            && let Some(target) = hash.strip_prefix('#')
            && let Some(element) = document().get_element_by_id(target)
        {
            element.scroll_into_view();
        }
    });
    let title = doc
        .title
        .clone()
        .unwrap_or_else(|| doc.original_name.clone());
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
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p><a href=project_href.clone()>{format!("← {}", detail.project_name)}</a></p>
            <h1>{title.clone()}</h1>
            <p class="muted">{doc.original_name.clone()}</p>
            <p>{meta_line}</p>
            <p data-testid="document-status">
                <span class=status_class(&status)>{status.clone()}</span>
                {doc.failure_reason.clone().map(|r| view! { <span class="reason">" "{r}</span> })}
            </p>
            <div class="actions">
                <button type="button" class="button" on:click=download>"Download PDF"</button>
                <a class="button button-secondary" href=format!("/projects/{}/ask?document={id}", doc.project_id)>"Ask about this document"</a>
                {detail
                    .can_edit
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button-secondary"
                                disabled=matches!(status.as_str(), "pending" | "processing")
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
                    Some(Err(err)) => err.to_string(),
                    _ => String::new(),
                }}
            </p>
        </section>
        <div class="document-layout">
            <section class="panel document-text" aria-label="Text by page">
                <h2>"Text"</h2>
                {if detail.pages.is_empty() {
                    view! { <p class="empty-state">"No text yet."</p> }.into_any()
                } else {
                    detail
                        .pages
                        .into_iter()
                        .map(|page| {
                            view! {
                                <article class="page-text" id=format!("page-{}", page.number) data-page=page.number>
                                    <h3>
                                        <a href=format!("#page-{}", page.number)>{format!("Page {}", page.number)}</a>
                                    </h3>
                                    <div class="markdown">{render_markdown(&page.markdown)}</div>
                                </article>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </section>
            <section class="panel document-pdf" aria-label="Original PDF">
                <h2>"Original"</h2>
                <iframe class="pdf-frame" src=detail.view_url title=format!("PDF of {}", doc.original_name)></iframe>
            </section>
        </div>
    }
}

/// One block of a page's markdown, as the converter writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    /// Rows of cells; `header` when the converter marked the first row so.
    Table {
        header: bool,
        rows: Vec<Vec<String>>,
    },
    Paragraph(String),
}

/// Drops the emphasis markers the converter adds (display only: the stored
/// text keeps them).
fn plain(text: &str) -> String {
    text.replace("**", "")
        .trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
        .to_owned()
}

fn is_separator_row(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|cell| !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':' | ' ')))
}

/// Splits a page's markdown into headings, tables and paragraphs. Only the
/// few constructs the converter writes are recognised; anything else is text.
pub fn markdown_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for chunk in markdown.split("\n\n") {
        let lines: Vec<&str> = chunk.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        if lines.iter().all(|l| l.trim_start().starts_with('|')) {
            let mut rows: Vec<Vec<String>> = lines
                .iter()
                .map(|line| {
                    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
                    inner.split('|').map(plain).collect()
                })
                .collect();
            let header = rows.get(1).is_some_and(|row| is_separator_row(row));
            if header {
                rows.remove(1);
            }
            rows.retain(|row| !is_separator_row(row));
            blocks.push(Block::Table { header, rows });
            continue;
        }
        let mut rest = &lines[..];
        if let Some(first) = lines.first()
            && let Some(title) = first.trim_start().strip_prefix('#')
        {
            blocks.push(Block::Heading(plain(title.trim_start_matches('#'))));
            rest = &lines[1..];
        }
        if !rest.is_empty() {
            blocks.push(Block::Paragraph(plain(&rest.join("\n"))));
        }
    }
    blocks
}

fn render_markdown(markdown: &str) -> Vec<AnyView> {
    markdown_blocks(markdown)
        .into_iter()
        .map(|block| match block {
            Block::Heading(text) => view! { <h4>{text}</h4> }.into_any(),
            Block::Paragraph(text) => view! { <p>{text}</p> }.into_any(),
            Block::Table { header, rows } => {
                let mut rows = rows.into_iter();
                let head = if header { rows.next() } else { None };
                view! {
                    <div class="table-scroll">
                        <table class="page-table">
                            {head
                                .map(|cells| {
                                    view! {
                                        <thead>
                                            <tr>{cells.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr>
                                        </thead>
                                    }
                                })}
                            <tbody>
                                {rows
                                    .map(|cells| {
                                        view! { <tr>{cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }
        })
        .collect()
}

#[component]
fn DeleteDocumentButton(id: Uuid, project_href: String) -> impl IntoView {
    let delete = ServerAction::<DeleteDocument>::new();
    let toasts = use_toasts();
    let navigate = use_navigate();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success("Document deleted.");
            navigate(&project_href, Default::default());
        }
        Some(Err(err)) => toasts.error(format!("Could not delete: {err}")),
        None => {}
    });
    view! {
        <crate::ui::confirm::ConfirmDelete
            label="Delete…"
            on_confirm=Callback::new(move |_| {
                delete.dispatch(DeleteDocument { id });
            })
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_blocks_recognise_what_the_converter_writes() {
        let blocks = markdown_blocks(
            "## 2. Methods\nWe randomised **120** adults.\n\n| Arm | n |\n| --- | --- |\n| A | 60 |\n| B | 60 |\n\nPlain | text with a bar",
        );
        assert_eq!(
            blocks,
            vec![
                Block::Heading("2. Methods".into()),
                Block::Paragraph("We randomised 120 adults.".into()),
                Block::Table {
                    header: true,
                    rows: vec![
                        vec!["Arm".into(), "n".into()],
                        vec!["A".into(), "60".into()],
                        vec!["B".into(), "60".into()],
                    ],
                },
                Block::Paragraph("Plain | text with a bar".into()),
            ]
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
