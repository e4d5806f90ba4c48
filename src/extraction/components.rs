//! The runs panel of a project page (start a run, list runs) and the run page:
//! live progress pushed through the job event stream, counts, failures per
//! document, and the values with their quotes and grounding outcome.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::api::{
    CancelRun, ExtractedValue, RetryRunFailures, RunDetail, RunStatus, RunSummary, StartRun,
    get_run, list_runs, run_options, run_values,
};
use crate::error::AppError;
use crate::ui::messages::{error_text, route_id};
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

fn status_class(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Succeeded => "badge badge-good",
        RunStatus::Failed => "badge badge-bad",
        RunStatus::Partial => "badge badge-bad",
        RunStatus::Cancelled => "badge badge-cancelled",
        RunStatus::BudgetReached => "badge badge-bad",
        _ => "badge badge-busy",
    }
}

/// The runs of a project, and (for editors) the form to start one.
#[component]
pub fn ProjectRuns(project: Uuid, can_run: bool) -> impl IntoView {
    let start = ServerAction::<StartRun>::new();
    let runs = Resource::new(move || start.version().get(), move |_| list_runs(project));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = start.value().get() {
            navigate(
                &format!("/projects/{project}/runs/{id}"),
                Default::default(),
            );
        }
    });
    view! {
        <section class="panel" aria-labelledby="runs-heading">
            <h2 id="runs-heading">"Extraction runs"</h2>
            <Transition fallback=|| view! { <Skeleton lines=2 label="Loading runs" /> }>
                {move || {
                    runs.get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="empty-state">"No runs yet."</p> }.into_any()
                            }
                            Ok(list) => view! { <RunList project list /> }.into_any(),
                            Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
            {can_run.then(|| view! { <StartRunForm project start /> })}
        </section>
    }
}

#[component]
fn RunList(project: Uuid, list: Vec<RunSummary>) -> impl IntoView {
    view! {
        <ul class="card-list" aria-label="Runs">
            {list
                .into_iter()
                .map(|run| {
                    let c = &run.counts;
                    let line = format!(
                        "{} values · {} verified · {} not reported · {} of {} steps",
                        c.values, c.verified, c.not_reported, c.steps_done + c.steps_failed, c.steps_total
                    );
                    view! {
                        <li class="card">
                            <a class="project-name" href=format!("/projects/{project}/runs/{}", run.id)>
                                {format!("{} v{} · {}", run.form_name, run.form_version, run.model)}
                            </a>
                            " "
                            <span class=status_class(run.status)>{run.status.label()}</span>
                            <div class="muted">
                                {format!("{} · ", run.created_at.format("%Y-%m-%d %H:%M"))}
                                {line}
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn StartRunForm(project: Uuid, start: ServerAction<StartRun>) -> impl IntoView {
    let options = Resource::new(|| (), move |_| run_options(project));
    view! {
        <Transition fallback=|| ()>
            {move || {
                options
                    .get()
                    .map(|result| match result {
                        Ok(options) if options.forms.is_empty() => {
                            view! {
                                <p class="notice">
                                    "To run an extraction, create a form and activate its plan (Forms, above)."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(options) => {
                            let project_id = project.to_string();
                            // Empty = every ready document; otherwise the ticked ones.
                            let chosen = RwSignal::new(Vec::<Uuid>::new());
                            let choose = RwSignal::new(false);
                            let documents = options.documents.clone();
                            view! {
                                <details class="form-actions" open>
                                    <summary>"Start a run"</summary>
                                    <ActionForm action=start attr:class="stacked-form">
                                        <input type="hidden" name="project_id" value=project_id />
                                        <input type="hidden" name="document_ids"
                                            prop:value=move || {
                                                if choose.get() {
                                                    chosen.get().iter().map(Uuid::to_string).collect::<Vec<_>>().join(",")
                                                } else {
                                                    String::new()
                                                }
                                            } />
                                        <label for="run-form">"Form"</label>
                                        <select id="run-form" name="form_version_id">
                                            {options
                                                .forms
                                                .iter()
                                                .map(|f| view! { <option value=f.version_id.to_string()>{format!("{} (version {})", f.form_name, f.version)}</option> })
                                                .collect_view()}
                                        </select>
                                        <label for="run-extractor">"Extractor"</label>
                                        <select id="run-extractor" name="extractor">
                                            <option value="offline">"Built-in offline extractor (no network)"</option>
                                            {options
                                                .llm_model
                                                .clone()
                                                .map(|model| view! { <option value="openai">{format!("Language model: {model}")}</option> })}
                                        </select>
                                        <fieldset class="choice-group">
                                            <legend>"Documents"</legend>
                                            <label class="choice">
                                                <input type="radio" name="run-documents-scope" checked
                                                    on:change=move |_| choose.set(false) />
                                                {format!(" All {} ready documents", options.ready_documents)}
                                            </label>
                                            <label class="choice">
                                                <input type="radio" name="run-documents-scope"
                                                    on:change=move |_| choose.set(true) />
                                                " Choose documents"
                                            </label>
                                            {move || choose.get().then(|| {
                                                documents
                                                    .iter()
                                                    .map(|(id, name)| {
                                                        let id = *id;
                                                        view! {
                                                            <label class="choice">
                                                                <input type="checkbox"
                                                                    prop:checked=move || chosen.with(|c| c.contains(&id))
                                                                    on:change=move |ev| {
                                                                        let on = event_target_checked(&ev);
                                                                        chosen.update(|c| {
                                                                            c.retain(|x| *x != id);
                                                                            if on { c.push(id); }
                                                                        });
                                                                    } />
                                                                {format!(" {name}")}
                                                            </label>
                                                        }
                                                    })
                                                    .collect_view()
                                            })}
                                        </fieldset>
                                        <label for="run-seeds">"Seeded entries (optional CSV: document, then sub-form fields)"</label>
                                        <textarea id="run-seeds" name="seeds_csv" rows="3"
                                            placeholder="document,intervention,comparator,outcome"></textarea>
                                        <p class="form-error preformatted" role="alert">{move || error_text(start.value().get())}</p>
                                        <button type="submit" class="button"
                                            disabled=move || start.pending().get() || (choose.get() && chosen.with(Vec::is_empty))>"Start run"</button>
                                    </ActionForm>
                                </details>
                            }
                                .into_any()
                        }
                        Err(err) => view! { <p class="status-bad">{err.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// `/projects/:id/runs/:run`.
#[component]
pub fn RunPage() -> impl IntoView {
    let id = route_id("run");
    let refresh = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id(), refresh.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_run(id).await,
                None => Err(AppError::not_found("run")),
            }
        },
    );
    // Progress arrives through the job event stream: the bar moves with each
    // update, and the counts are read again as steps finish.
    let live = RwSignal::new(None::<(i32, i32, String)>);
    let job = RwSignal::new(None::<Uuid>);
    crate::jobs::components::follow_job_updates(
        move |update| {
            if job.get_untracked() == Some(update.id) {
                if let (Some(done), Some(total)) = (update.done, update.total) {
                    live.set(Some((
                        done,
                        total,
                        update.message.clone().unwrap_or_default(),
                    )));
                }
                refresh.update(|n| *n += 1);
            }
        },
        move || refresh.update(|n| *n += 1),
    );
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=6 label="Loading the run" /> }>
            {move || {
                detail
                    .get()
                    .map(|result| match result {
                        Ok(detail) => {
                            job.set(detail.run.job_id);
                            view! { <RunView detail live refresh /> }.into_any()
                        }
                        Err(err) => {
                            view! {
                                <Title text="Run not available" />
                                <section class="panel">
                                    <h1>"Run not available"</h1>
                                    <p class="status-bad" role="alert">{err.to_string()}</p>
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
fn RunView(
    detail: RunDetail,
    live: RwSignal<Option<(i32, i32, String)>>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let run = detail.run.clone();
    let project = run.project_id;
    let run_id = run.id;
    let toasts = use_toasts();
    let cancel = ServerAction::<CancelRun>::new();
    let retry = ServerAction::<RetryRunFailures>::new();
    Effect::new(move |_| {
        for result in [cancel.value().get(), retry.value().get()]
            .into_iter()
            .flatten()
        {
            match result {
                Ok(()) => refresh.update(|n| *n += 1),
                Err(err) => toasts.error(err.to_string()),
            }
        }
    });
    let c = run.counts.clone();
    let finished_steps = c.steps_done + c.steps_failed;
    let total = c.steps_total.max(1);
    let progress = move || {
        let (done, total_live) = live
            .get()
            .map(|(d, t, _)| (i64::from(d), i64::from(t)))
            .unwrap_or((finished_steps, total));
        let done = done.max(finished_steps).min(total_live.max(1));
        (done, total_live.max(1))
    };
    let title = format!("Run · {} v{}", run.form_name, run.form_version);
    let duration = match (run.started_at, run.finished_at) {
        (Some(start), Some(end)) => format!(" · took {} s", (end - start).num_seconds()),
        _ => String::new(),
    };
    let values = Resource::new(
        move || refresh.get(),
        move |_| run_values(run_id, None, 0, 500),
    );
    view! {
        <Title text=title.clone() />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/projects">"Projects"</a>
            " / "
            <a href=format!("/projects/{project}")>{detail.project_name.clone()}</a>
            " / "
            <span aria-current="page">{title.clone()}</span>
        </nav>
        <section class="panel">
            <div class="heading-row">
                <h1>{title.clone()}</h1>
                <span class=status_class(run.status) data-testid="run-status">{run.status.label()}</span>
                <a class="button" href=format!("/projects/{project}/runs/{run_id}/review")>"Review values"</a>
                <a class="button button-secondary" href=format!("/projects/{project}/runs/{run_id}/evaluate")>"Evaluate"</a>
            </div>
            <p class="muted">
                {format!(
                    "Extractor: {} · started by {} · {}{}",
                    run.model,
                    run.created_by.clone().unwrap_or_else(|| "a deleted account".to_owned()),
                    run.created_at.format("%Y-%m-%d %H:%M"),
                    duration,
                )}
            </p>
            <div class="progress" role="progressbar" aria-label="Run progress"
                aria-valuemin="0" aria-valuemax=move || progress().1 aria-valuenow=move || progress().0>
                <div class="progress-fill" style=move || format!("width: {}%", progress().0 * 100 / progress().1)></div>
            </div>
            <p data-testid="run-progress" role="status">
                {move || {
                    let (done, total) = progress();
                    let message = live.get().map(|(_, _, m)| m).unwrap_or_default();
                    format!("{done} of {total} steps{}", if message.is_empty() { String::new() } else { format!(" · {message}") })
                }}
            </p>
            <dl class="counts" data-testid="run-counts">
                <div><dt>"Values"</dt><dd>{c.values}</dd></div>
                <div><dt>"Verified"</dt><dd>{c.verified}</dd></div>
                <div><dt>"Grounded"</dt><dd>{c.grounded}</dd></div>
                <div><dt>"Unsupported"</dt><dd>{c.unsupported}</dd></div>
                <div><dt>"Ungrounded"</dt><dd>{c.ungrounded}</dd></div>
                <div><dt>"Not reported"</dt><dd>{c.not_reported}</dd></div>
                <div><dt>"Derived"</dt><dd>{c.derived}</dd></div>
                <div><dt>"Failed steps"</dt><dd>{c.steps_failed}</dd></div>
                <div><dt>"Tokens"</dt><dd>{c.tokens_in + c.tokens_out}</dd></div>
                <div><dt>"Cost"</dt><dd>{format!("${:.4}", c.cost_usd)}</dd></div>
            </dl>
            {detail
                .can_run
                .then(|| {
                    view! {
                        <div class="actions">
                            {(!run.status.is_finished())
                                .then(|| view! {
                                    <button type="button" class="button button-secondary" on:click=move |_| {
                                        cancel.dispatch(CancelRun { id: run_id });
                                    }>"Cancel run"</button>
                                })}
                            {(run.status.is_finished() && c.steps_failed > 0 && run.status != RunStatus::BudgetReached)
                                .then(|| view! {
                                    <button type="button" class="button" on:click=move |_| {
                                        retry.dispatch(RetryRunFailures { id: run_id });
                                    }>"Retry failed steps"</button>
                                })}
                            {(run.status == RunStatus::BudgetReached)
                                .then(|| view! {
                                    <button type="button" class="button" data-testid="resume-run" on:click=move |_| {
                                        retry.dispatch(RetryRunFailures { id: run_id });
                                    }>"Resume the run"</button>
                                })}
                        </div>
                    }
                })}
        </section>
        <section class="panel" aria-labelledby="run-docs-heading">
            <h2 id="run-docs-heading">"Documents"</h2>
            <table class="table responsive" aria-label="Documents of the run">
                <thead>
                    <tr>
                        <th scope="col">"Document"</th>
                        <th scope="col">"Steps"</th>
                        <th scope="col">"Values"</th>
                        <th scope="col">"Verified"</th>
                        <th scope="col">"Failures"</th>
                    </tr>
                </thead>
                <tbody>
                    {detail
                        .documents
                        .into_iter()
                        .map(|d| {
                            view! {
                                <tr>
                                    <td data-label="Document">
                                        <a href=format!("/projects/{project}/documents/{}", d.document_id)>{d.name.clone()}</a>
                                    </td>
                                    <td data-label="Steps">{format!("{} / {}", d.steps_done + d.steps_failed, detail.steps_per_document)}</td>
                                    <td data-label="Values">{d.values}</td>
                                    <td data-label="Verified">{d.verified}</td>
                                    <td data-label="Failures">
                                        {d.failures.into_iter().map(|f| view! { <div class="status-bad">{f}</div> }).collect_view()}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section class="panel" aria-labelledby="run-values-heading">
            <h2 id="run-values-heading">"Values"</h2>
            <Transition fallback=|| view! { <Skeleton lines=4 label="Loading values" /> }>
                {move || values.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p class="empty-state">"No values yet."</p> }.into_any(),
                    Ok(list) => view! { <ValueTable project list /> }.into_any(),
                    Err(err) => view! { <p class="status-bad">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn value_text(value: &ExtractedValue) -> String {
    match &value.value {
        None => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn state_class(state: &str) -> &'static str {
    match state {
        "verified" | "derived" => "badge badge-good",
        "not reported" | "seeded" => "badge",
        _ => "badge badge-bad",
    }
}

#[component]
fn ValueTable(project: Uuid, list: Vec<ExtractedValue>) -> impl IntoView {
    view! {
        <table class="table responsive" aria-label="Extracted values">
            <thead>
                <tr>
                    <th scope="col">"Document"</th>
                    <th scope="col">"Field"</th>
                    <th scope="col">"Value"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Evidence"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|v| {
                        let state = v.state();
                        let page_link = v.page.map(|p| {
                            format!("/projects/{project}/documents/{}#page-{p}", v.document_id)
                        });
                        view! {
                            <tr>
                                <td data-label="Document">{v.document_name.clone()}</td>
                                <td data-label="Field" class="mono">{v.field_path.clone()}</td>
                                <td data-label="Value">{value_text(&v)}<span class="muted">{format!(" · {:.0}%", v.confidence * 100.0)}</span></td>
                                <td data-label="State"><span class=state_class(state)>{state}</span></td>
                                <td data-label="Evidence">
                                    {v.quote.clone().map(|quote| {
                                        view! {
                                            <details class="quote">
                                                <summary>{format!("Quote{}", v.page.map(|p| format!(", page {p}")).unwrap_or_default())}</summary>
                                                <blockquote>{quote}</blockquote>
                                                {page_link.clone().map(|href| view! { <a href=href>"Open the page"</a> })}
                                            </details>
                                        }
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
