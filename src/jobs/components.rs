//! The Jobs pages: the list with live progress, and a job's detail with its log.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::api::{
    CancelJob, JobStatus, JobSummary, JobUpdate, RetryJob, StartDiagnosticJob,
    diagnostic_jobs_enabled, get_job, list_jobs,
};
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

/// Live updates received since the list was last read, by job.
type LiveUpdates = RwSignal<HashMap<Uuid, JobUpdate>>;

/// Connection state of the live stream, shown to the user. Only the browser
/// build changes it.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Live {
    Connecting,
    Connected,
    Reconnecting,
}

#[component]
pub fn JobsPage() -> impl IntoView {
    let toasts = use_toasts();
    let jobs = Resource::new(|| (), |_| list_jobs());
    let live: LiveUpdates = RwSignal::new(HashMap::new());
    let connection = RwSignal::new(Live::Connecting);
    let shown = RwSignal::new(String::new());

    // Re-reads the list and drops the overlay it supersedes.
    let reload = move || {
        live.set(HashMap::new());
        jobs.refetch();
    };
    subscribe_to_job_updates(live, connection, reload, jobs);

    let diagnostics = Resource::new(|| (), |_| diagnostic_jobs_enabled());
    let start = ServerAction::<StartDiagnosticJob>::new();
    Effect::new(move |_| match start.value().get() {
        Some(Ok(_)) => {
            toasts.info("Diagnostic job queued.");
            reload();
        }
        Some(Err(err)) => toasts.error(format!("Could not start the job: {err}")),
        None => {}
    });

    view! {
        <Title text="Jobs" />
        <section class="panel">
            <div class="page-heading">
                <h1>"Jobs"</h1>
                <span class="live-indicator" data-testid="live-state">
                    {move || match connection.get() {
                        Live::Connecting => "connecting…",
                        Live::Connected => "live",
                        Live::Reconnecting => "reconnecting…",
                    }}
                </span>
            </div>
            <p class="muted">
                "Background work (PDF conversion, extraction runs), newest first. Progress updates live."
            </p>
            <label class="inline-field">
                "Show "
                <select
                    name="status-filter"
                    on:change=move |ev| shown.set(event_target_value(&ev))
                >
                    <option value="">"all jobs"</option>
                    <option value="queued">"queued"</option>
                    <option value="running">"running"</option>
                    <option value="failed">"failed"</option>
                    <option value="succeeded">"succeeded"</option>
                    <option value="cancelled">"cancelled"</option>
                </select>
            </label>
            <Suspense fallback=|| ()>
                {move || {
                    diagnostics
                        .get()
                        .and_then(Result::ok)
                        .filter(|enabled| *enabled)
                        .map(|_| {
                            view! {
                                <div class="actions">
                                    <button
                                        type="button"
                                        class="button button-secondary"
                                        on:click=move |_| {
                                            start.dispatch(StartDiagnosticJob { steps: 40, step_ms: 500 });
                                        }
                                    >
                                        "Run a diagnostic job"
                                    </button>
                                </div>
                            }
                        })
                }}
            </Suspense>
            <Transition fallback=|| view! { <Skeleton lines=4 label="Loading jobs" /> }>
                {move || {
                    jobs.get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="empty-state">"No jobs yet."</p> }.into_any()
                            }
                            Ok(list) => view! { <JobTable list live reload shown /> }.into_any(),
                            Err(err) => {
                                view! {
                                    <p class="status-bad" role="alert">
                                        "Could not load the jobs: " {err.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn JobTable(
    list: Vec<JobSummary>,
    live: LiveUpdates,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    /// The status shown ("" for every job).
    shown: RwSignal<String>,
) -> impl IntoView {
    view! {
        <ul class="job-list" aria-label="Jobs">
            {list
                .into_iter()
                .map(|job| {
                    let id = job.id;
                    // The row as last read, with any live update applied on top.
                    let current = Memo::new(move |_| {
                        let mut job = job.clone();
                        if let Some(update) = live.with(|m| m.get(&id).cloned()) {
                            job.apply(&update);
                        }
                        job
                    });
                    view! { <JobRow job=current reload shown /> }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn JobRow(
    job: Memo<JobSummary>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    shown: RwSignal<String>,
) -> impl IntoView {
    let toasts = use_toasts();
    let cancel = ServerAction::<CancelJob>::new();
    let retry = ServerAction::<RetryJob>::new();
    Effect::new(move |_| {
        if let Some(Err(err)) = cancel.value().get() {
            toasts.error(format!("Could not cancel: {err}"));
        }
    });
    Effect::new(move |_| match retry.value().get() {
        Some(Ok(_)) => reload(),
        Some(Err(err)) => toasts.error(format!("Could not retry: {err}")),
        None => {}
    });

    let title = move || job.with(JobSummary::title);
    view! {
        <li
            class="job-row"
            data-testid="job-row"
            data-job-id=move || job.with(|j| j.id.to_string())
            hidden=move || {
                let wanted = shown.get();
                !wanted.is_empty() && job.with(|j| j.status.as_str() != wanted)
            }
        >
            <div class="job-head">
                <a href=move || format!("/jobs/{}", job.with(|j| j.id))>{title}</a>
                <StatusBadge status=Signal::derive(move || job.with(|j| j.status)) />
            </div>
            <p class="job-context muted">
                {move || job.with(|j| j.project.clone()).map(|(id, name)| view! {
                    <a href=format!("/projects/{id}")>{name}</a>
                    " · "
                })}
                {move || job.with(|j| j.link.clone()).map(|href| view! {
                    <a href=href>"Open"</a>
                    " · "
                })}
                <span>{move || job.with(|j| format!("queued {}", j.created_at.format("%Y-%m-%d %H:%M UTC")))}</span>
            </p>
            <ProgressBar job />
            <div class="job-meta muted">
                <span>{move || job.with(|j| j.message.clone().unwrap_or_default())}</span>
                <span>{move || job.with(duration_text)}</span>
                <span>{move || job.with(|j| format!("attempt {} of {}", j.attempts, j.max_attempts))}</span>
            </div>
            {move || {
                job.with(|j| j.error.clone())
                    .filter(|_| job.with(|j| j.status != JobStatus::Succeeded))
                    .map(|error| view! { <p class="job-error">{error}</p> })
            }}
            <div class="job-actions">
                {move || {
                    let current = job.get();
                    let id = current.id;
                    match current.status {
                        JobStatus::Queued | JobStatus::Running => {
                            let label = if current.cancel_requested { "Cancelling…" } else { "Cancel" };
                            view! {
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    disabled=current.cancel_requested
                                    aria-label=format!("Cancel {}", current.title())
                                    on:click=move |_| {
                                        cancel.dispatch(CancelJob { id });
                                    }
                                >
                                    {label}
                                </button>
                            }
                                .into_any()
                        }
                        JobStatus::Failed | JobStatus::Cancelled => {
                            view! {
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    aria-label=format!("Retry {}", current.title())
                                    on:click=move |_| {
                                        retry.dispatch(RetryJob { id });
                                    }
                                >
                                    "Retry"
                                </button>
                            }
                                .into_any()
                        }
                        JobStatus::Succeeded => ().into_any(),
                    }
                }}
            </div>
        </li>
    }
}

#[component]
fn StatusBadge(status: Signal<JobStatus>) -> impl IntoView {
    view! {
        <span
            class=move || format!("badge badge-{}", status.get().as_str())
            data-testid="job-status"
        >
            {move || status.get().as_str()}
        </span>
    }
}

#[component]
fn ProgressBar(job: Memo<JobSummary>) -> impl IntoView {
    let percent = move || job.with(|j| j.progress);
    let label = move || {
        job.with(|j| match (j.done, j.total) {
            (Some(done), Some(total)) => format!("{done} of {total}"),
            _ => format!("{}%", j.progress),
        })
    };
    view! {
        <div
            class="progress"
            role="progressbar"
            aria-label="Progress"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=move || percent().to_string()
            aria-valuetext=label
            data-testid="job-progress"
        >
            <div class="progress-fill" style=move || format!("width: {}%", percent())></div>
        </div>
    }
}

fn duration_text(job: &JobSummary) -> String {
    let Some(started) = job.started_at else {
        return format!("queued {}", job.created_at.format("%H:%M:%S"));
    };
    match job.finished_at {
        Some(finished) => {
            let seconds = (finished - started).num_milliseconds() as f64 / 1000.0;
            format!("took {seconds:.1} s")
        }
        None => format!("started {}", started.format("%H:%M:%S")),
    }
}

#[component]
pub fn JobDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|raw| Uuid::parse_str(&raw).ok()));
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_job(id).await,
            None => Err(crate::error::AppError::not_found("job")),
        }
    });
    view! {
        <Title text="Job" />
        <section class="panel">
            <p>
                <a href="/jobs">"← All jobs"</a>
            </p>
            <Suspense fallback=|| view! { <Skeleton lines=5 label="Loading the job" /> }>
                {move || {
                    detail
                        .get()
                        .map(|result| match result {
                            Ok(detail) => {
                                let job = detail.job;
                                view! {
                                    <h1>{job.title()}</h1>
                                    <dl class="status-list">
                                        <dt>"Status"</dt>
                                        <dd data-testid="job-status">{job.status.as_str()}</dd>
                                        <dt>"Progress"</dt>
                                        <dd>{format!("{}%", job.progress)}</dd>
                                        <dt>"Attempts"</dt>
                                        <dd>{format!("{} of {}", job.attempts, job.max_attempts)}</dd>
                                        <dt>"Created"</dt>
                                        <dd>{job.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</dd>
                                        <dt>"Duration"</dt>
                                        <dd>{duration_text(&job)}</dd>
                                        <dt>"Error"</dt>
                                        <dd>{job.error.clone().unwrap_or_else(|| "none".to_owned())}</dd>
                                    </dl>
                                    <h2>"Log"</h2>
                                    <ol class="job-log">
                                        {detail
                                            .log
                                            .into_iter()
                                            .map(|line| {
                                                view! {
                                                    <li class=format!("log-{}", line.level)>
                                                        <time>{line.at.format("%H:%M:%S%.3f").to_string()}</time>
                                                        " "
                                                        {line.message}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! {
                                    <h1>"Job not available"</h1>
                                    <p class="status-bad" role="alert">{err.to_string()}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

/// Opens the event stream in the browser: applies `job` events to `live`,
/// re-reads the list after every (re)connection and on `resync`, and when a
/// job appears or finishes (its row needs fields the event does not carry).
#[cfg(feature = "hydrate")]
fn subscribe_to_job_updates(
    live: LiveUpdates,
    connection: RwSignal<Live>,
    reload: impl Fn() + Copy + 'static,
    jobs: Resource<Result<Vec<JobSummary>, crate::error::AppError>>,
) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(source) = web_sys::EventSource::new(super::api::JOB_EVENTS_PATH) else {
        connection.set(Live::Reconnecting);
        return;
    };
    let on_job =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(update) = serde_json::from_str::<JobUpdate>(&text) else {
                return;
            };
            let known = jobs
                .with_untracked(|list| {
                    list.as_ref()
                        .and_then(|r| r.as_ref().ok())
                        .map(|list| list.iter().any(|j| j.id == update.id))
                })
                .unwrap_or(false);
            if !known || update.status.is_finished() {
                reload();
            } else {
                live.update(|m| {
                    m.insert(update.id, update);
                });
            }
        });
    let on_resync = Closure::<dyn Fn(web_sys::Event)>::new(move |_| reload());
    let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        // A reconnection may have missed updates: read the state afresh.
        if connection.get_untracked() != Live::Connecting {
            reload();
        }
        connection.set(Live::Connected);
    });
    let on_error =
        Closure::<dyn Fn(web_sys::Event)>::new(move |_| connection.set(Live::Reconnecting));
    let _ = source.add_event_listener_with_callback("job", on_job.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("resync", on_resync.as_ref().unchecked_ref());
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    // The closures must live as long as the stream; both go when the page does.
    let held = StoredValue::new_local((source, on_job, on_resync, on_open, on_error));
    on_cleanup(move || {
        held.with_value(|(source, ..)| source.close());
    });
}

#[cfg(not(feature = "hydrate"))]
fn subscribe_to_job_updates(
    _live: LiveUpdates,
    _connection: RwSignal<Live>,
    _reload: impl Fn() + Copy + 'static,
    _jobs: Resource<Result<Vec<JobSummary>, crate::error::AppError>>,
) {
}

/// Calls `on_update` with every job update the signed-in user may see, and
/// `on_resync` after every (re)connection (updates may have been missed), for
/// as long as the calling component lives. Pages that follow one job (a run)
/// use it instead of polling.
#[cfg(feature = "hydrate")]
pub fn follow_job_updates(on_update: impl Fn(JobUpdate) + 'static, on_resync: impl Fn() + 'static) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(source) = web_sys::EventSource::new(super::api::JOB_EVENTS_PATH) else {
        return;
    };
    let on_job =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(update) = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<JobUpdate>(&text).ok())
            {
                on_update(update);
            }
        });
    let on_resync = std::rc::Rc::new(on_resync);
    let resync = on_resync.clone();
    let on_resync_event = Closure::<dyn Fn(web_sys::Event)>::new(move |_| resync());
    let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |_| on_resync());
    let _ = source.add_event_listener_with_callback("job", on_job.as_ref().unchecked_ref());
    let _ =
        source.add_event_listener_with_callback("resync", on_resync_event.as_ref().unchecked_ref());
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let held = StoredValue::new_local((source, on_job, on_resync_event, on_open));
    on_cleanup(move || {
        held.with_value(|(source, ..)| source.close());
    });
}

#[cfg(not(feature = "hydrate"))]
pub fn follow_job_updates(
    _on_update: impl Fn(JobUpdate) + 'static,
    _on_resync: impl Fn() + 'static,
) {
}
