//! The start page.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{CheckSystemStatus, SystemStatus, check_system_status};
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

#[component]
pub fn HomePage() -> impl IntoView {
    let user = crate::auth::components::use_user();
    view! {
        <Title text="" />
        <Transition fallback=|| ()>
            {move || {
                user.0
                    .get()
                    .map(|result| match result.ok().flatten() {
                        Some(_) => view! { <Dashboard /> }.into_any(),
                        None => view! { <Welcome /> }.into_any(),
                    })
            }}
        </Transition>
        <StatusCard />
    }
}

/// The start page of a signed-in user: recent projects, work in progress,
/// and the next step of the journey.
#[component]
fn Dashboard() -> impl IntoView {
    let projects = Resource::new(
        || (),
        |_| crate::projects::api::list_projects("activity".to_owned(), 1),
    );
    let jobs = Resource::new(|| (), |_| crate::jobs::api::list_jobs());
    view! {
        <section class="panel" aria-labelledby="dashboard-title">
            <h1 id="dashboard-title">"Your work"</h1>
            <Transition fallback=|| view! { <Skeleton lines=3 label="Loading your projects" /> }>
                {move || {
                    projects
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.projects.is_empty() => view! {
                                <p class="next-step" data-testid="next-step">
                                    "Next step: "
                                    <a href="/projects">"create a project"</a>
                                    " (or a demo project with three sample trial reports) and upload PDFs."
                                </p>
                            }
                                .into_any(),
                            Ok(list) => {
                                let first = list.projects[0].clone();
                                let hint = next_step(&first);
                                view! {
                                    <p class="next-step" data-testid="next-step">
                                        "Next step in "
                                        <a href=format!("/projects/{}", first.id)>{first.name.clone()}</a>
                                        ": " {hint}
                                    </p>
                                    <h2>"Recent projects"</h2>
                                    <ul class="recent-projects" aria-label="Recent projects">
                                        {list
                                            .projects
                                            .into_iter()
                                            .take(5)
                                            .map(|p| view! {
                                                <li>
                                                    <a href=format!("/projects/{}", p.id)>{p.name.clone()}</a>
                                                    <span class="muted">
                                                        {format!(
                                                            " · {} documents · {} forms · {} runs",
                                                            p.document_count, p.form_count, p.run_count
                                                        )}
                                                    </span>
                                                </li>
                                            })
                                            .collect_view()}
                                    </ul>
                                    <p><a href="/projects">"All projects"</a></p>
                                }
                                    .into_any()
                            }
                            Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }
                                .into_any(),
                        })
                }}
            </Transition>
            <h2>"Work in progress"</h2>
            <Transition fallback=|| view! { <Skeleton lines=2 label="Loading jobs" /> }>
                {move || {
                    jobs.get().map(|result| {
                        let active: Vec<_> = result
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|job| {
                                matches!(
                                    job.status,
                                    crate::jobs::api::JobStatus::Queued
                                        | crate::jobs::api::JobStatus::Running
                                )
                            })
                            .take(5)
                            .collect();
                        if active.is_empty() {
                            view! { <p class="muted">"Nothing running."</p> }.into_any()
                        } else {
                            view! {
                                <ul aria-label="Work in progress">
                                    {active
                                        .into_iter()
                                        .map(|job| {
                                            let title = job.title();
                                            view! {
                                                <li>
                                                    <a href=format!("/jobs/{}", job.id)>{title}</a>
                                                    <span class="muted">{format!(" · {} · {}%", job.status.as_str(), job.progress)}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <p><a href="/jobs">"All jobs"</a></p>
                            }
                                .into_any()
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// What to do next in a project, following the journey.
fn next_step(project: &crate::projects::api::ProjectSummary) -> &'static str {
    if project.document_count == 0 {
        "upload the papers (PDF)."
    } else if project.form_count == 0 {
        "define an extraction form (start from a preset)."
    } else if project.run_count == 0 {
        "run the form over the documents."
    } else {
        "review the extracted values beside their quotes, then evaluate and export."
    }
}

/// The start page of a visitor: what eviStream does and how to begin.
#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"From research PDFs to a verified data set"</h1>
            <p class="lead">
                "Define an extraction form once, run it over hundreds of papers in the background, "
                "check every value against the quote and page it came from, correct it, measure "
                "accuracy against a gold standard, and export."
            </p>
        </section>
        <section class="steps" aria-labelledby="steps-title">
            <h2 id="steps-title">"How it works"</h2>
            <ol class="step-list">
                <li><strong>"Upload"</strong>" PDFs into a project; they are converted to page-anchored text."</li>
                <li><strong>"Define"</strong>" an extraction form: fields, types, options, hints."</li>
                <li><strong>"Extract"</strong>" with an LLM or the offline extractor, as a background job."</li>
                <li><strong>"Review"</strong>" each value beside its evidence quote in the PDF."</li>
                <li><strong>"Evaluate and export"</strong>" to CSV, JSON, Excel or an analysis-ready file."</li>
                <li><strong>"Ask"</strong>" one-off questions across the papers, with the passages that answer them."</li>
            </ol>
            <p class="actions">
                <a class="button" href="/register">"Create an account"</a>
                " "
                <a class="button button-secondary" href="/signin">"Sign in"</a>
            </p>
        </section>
    }
}

/// The server's status, rendered on the server and refreshable from the browser.
#[component]
fn StatusCard() -> impl IntoView {
    let toasts = use_toasts();
    let initial = Resource::new(|| (), |_| check_system_status());
    let check = ServerAction::<CheckSystemStatus>::new();
    let checks = RwSignal::new(0u32);

    Effect::new(move |_| {
        if let Some(result) = check.value().get() {
            match result {
                Ok(status) if status.database_reachable => {
                    toasts.success("The server and its database answer.")
                }
                Ok(_) => toasts.error("The server answers, but its database does not."),
                Err(err) => toasts.error(format!("The server did not answer: {err}")),
            }
        }
    });

    let latest = move || match check.value().get() {
        Some(result) => Some(result),
        None => initial.get(),
    };

    view! {
        <section class="panel status-card" aria-labelledby="status-title">
            <h2 id="status-title">"System status"</h2>
            <Suspense fallback=|| view! { <Skeleton lines=3 label="Loading system status" /> }>
                {move || {
                    latest()
                        .map(|result| match result {
                            Ok(status) => view! { <StatusDetails status /> }.into_any(),
                            Err(err) => {
                                view! {
                                    <p class="status-bad" role="alert">
                                        "The server could not report its status: " {err.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
            <div class="actions">
                <button
                    type="button"
                    class="button"
                    disabled=move || check.pending().get()
                    on:click=move |_| {
                        checks.update(|n| *n += 1);
                        check.dispatch(CheckSystemStatus {});
                    }
                >
                    {move || if check.pending().get() { "Checking…" } else { "Check server status" }}
                </button>
                <span class="muted" data-testid="check-count">
                    {move || match checks.get() {
                        0 => String::new(),
                        1 => "Checked once from this page.".to_owned(),
                        n => format!("Checked {n} times from this page."),
                    }}
                </span>
            </div>
        </section>
    }
}

#[component]
fn StatusDetails(status: SystemStatus) -> impl IntoView {
    let database = if status.database_reachable {
        "reachable"
    } else {
        "not reachable"
    };
    let migrations = match status.pending_migrations {
        0 => "all applied".to_owned(),
        n => format!("{n} pending"),
    };
    view! {
        <dl class="status-list">
            <dt>"Version"</dt>
            <dd>{status.version}</dd>
            <dt>"Database"</dt>
            <dd
                class=if status.database_reachable { "status-ok" } else { "status-bad" }
                data-testid="database-status"
            >
                {database}
            </dd>
            <dt>"Migrations"</dt>
            <dd>{migrations}</dd>
            <dt>"Checked at"</dt>
            <dd data-testid="checked-at">{status.checked_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</dd>
        </dl>
    }
}
