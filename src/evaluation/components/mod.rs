//! The evaluation pages: a run's gold standards (upload a CSV, map its
//! columns, or take another run's reviewed values) and its evaluations; one
//! evaluation's scores, chart, entries and differences, beside another's.

mod chart;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use self::chart::AccuracyChart;
use super::api::{
    EvaluationDetail, GoldPreview, evaluate_run, get_evaluation, gold_from_run, list_evaluations,
    list_gold, preview_gold, save_gold,
};
use super::mapping::{ColumnTarget, GoldMapping};
use super::metrics::{FieldScore, Scores};
use crate::error::AppError;
use crate::extraction::api::{RunDetail, get_run};
use crate::ui::messages::route_id;
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

const DOCUMENT: &str = "__document";
const IGNORE: &str = "__ignore";

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |x| format!("{:.1}%", x * 100.0))
}

/// `/projects/:id/runs/:run/evaluate`
#[component]
pub fn EvaluatePage() -> impl IntoView {
    let run = route_id("run");
    let detail = Resource::new(run, |run| async move {
        match run {
            Some(run) => get_run(run).await,
            None => Err(AppError::not_found("run")),
        }
    });
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=6 label="Loading the run" /> }>
            {move || detail.get().map(|result| match result {
                Ok(detail) => view! { <EvaluateView detail /> }.into_any(),
                Err(err) => view! {
                    <Title text="Run not available" />
                    <section class="panel"><h1>"Run not available"</h1>
                        <p class="status-bad" role="alert">{err.to_string()}</p></section>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn EvaluateView(detail: RunDetail) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let project = detail.run.project_id;
    let run = detail.run.id;
    let form_id = detail.run.form_id;
    let title = format!(
        "Evaluate · {} v{}",
        detail.run.form_name, detail.run.form_version
    );
    let refresh = RwSignal::new(0u32);
    let golds = Resource::new(move || refresh.get(), move |_| list_gold(project));
    let evaluations = Resource::new(move || refresh.get(), move |_| list_evaluations(project));
    let reviewed = RwSignal::new(true);
    let evaluate = move |gold: Uuid| {
        let navigate = navigate.clone();
        let with_review = reviewed.get_untracked();
        leptos::task::spawn_local(async move {
            match evaluate_run(run, gold, with_review).await {
                Ok(id) => navigate(
                    &format!("/projects/{project}/evaluations/{id}"),
                    Default::default(),
                ),
                Err(err) => toasts.error(err.to_string()),
            }
        });
    };
    let from_review = move |_| {
        leptos::task::spawn_local(async move {
            match gold_from_run(run, "Reviewed values of this run".to_owned()).await {
                Ok(_) => {
                    toasts.success("Saved the reviewed values as a gold standard.".to_owned());
                    refresh.update(|n| *n += 1);
                }
                Err(err) => toasts.error(err.to_string()),
            }
        });
    };
    let can_evaluate = detail.can_run;
    view! {
        <Title text=title.clone() />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/projects">"Projects"</a>" / "
            <a href=format!("/projects/{project}")>{detail.project_name.clone()}</a>" / "
            <a href=format!("/projects/{project}/runs/{run}")>"Run"</a>" / "
            <span aria-current="page">"Evaluate"</span>
        </nav>
        <section class="panel">
            <h1>{title}</h1>
            <p class="muted">"Score this run against a gold standard: a CSV of the right answers, or another run's reviewed values."</p>
        </section>
        {can_evaluate.then(|| view! { <GoldUpload run on_saved=Callback::new(move |()| refresh.update(|n| *n += 1)) /> })}
        <section class="panel" aria-labelledby="gold-heading">
            <h2 id="gold-heading">"Gold standards of this form"</h2>
            {can_evaluate.then(|| view! {
                <div class="actions">
                    <label class="check">
                        <input type="checkbox" prop:checked=move || reviewed.get()
                            on:change=move |ev| reviewed.set(event_target_checked(&ev)) />
                        "Score the values with reviewers' corrections"
                    </label>
                    <button type="button" class="button button-secondary" on:click=from_review>
                        "Use this run's reviewed values as a gold standard"
                    </button>
                </div>
            })}
            <Transition fallback=|| view! { <Skeleton lines=2 label="Loading gold standards" /> }>
                {move || golds.get().map(|result| match result {
                    Ok(list) => {
                        let list: Vec<_> = list.into_iter().filter(|g| g.form_id == form_id).collect();
                        if list.is_empty() {
                            view! { <p class="empty-state">"No gold standard for this form yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="plain-list" aria-label="Gold standards">
                                    {list.into_iter().map(|g| {
                                        let id = g.id;
                                        let evaluate = evaluate.clone();
                                        view! {
                                            <li>
                                                <strong>{g.name.clone()}</strong>
                                                {format!(" · {} documents · {} values · from {}", g.documents, g.values, if g.source == "csv" { "a CSV" } else { "a run's review" })}
                                                " "
                                                {can_evaluate.then(|| view! {
                                                    <button type="button" class="button small" on:click=move |_| evaluate(id)>
                                                        {format!("Evaluate against {}", g.name)}
                                                    </button>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }
                    Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
        <section class="panel" aria-labelledby="evaluations-heading">
            <h2 id="evaluations-heading">"Evaluations in this project"</h2>
            <Transition fallback=|| view! { <Skeleton lines=2 label="Loading evaluations" /> }>
                {move || evaluations.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p class="empty-state">"No evaluations yet."</p> }.into_any(),
                    Ok(list) => view! { <EvaluationList list /> }.into_any(),
                    Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EvaluationList(list: Vec<super::api::EvaluationSummary>) -> impl IntoView {
    view! {
        <table class="table responsive" aria-label="Evaluations">
            <thead><tr><th>"Run"</th><th>"Gold standard"</th><th>"Values"</th><th>"Accuracy"</th><th>"Verified only"</th><th>"When"</th></tr></thead>
            <tbody>
                {list.into_iter().map(|e| view! {
                    <tr>
                        <td data-label="Run"><a href=format!("/projects/{}/evaluations/{}", e.project_id, e.id)>{e.run_label.clone()}</a></td>
                        <td data-label="Gold standard">{e.gold_name.clone()}</td>
                        <td data-label="Values">{if e.reviewed { "reviewed" } else { "as extracted" }}</td>
                        <td data-label="Accuracy">{percent(e.accuracy)}</td>
                        <td data-label="Verified only">{percent(e.verified_accuracy)}</td>
                        <td data-label="When">{e.created_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Reads the chosen file's text in the browser.
#[cfg(feature = "hydrate")]
async fn file_text(ev: &leptos::ev::Event) -> Option<(String, String)> {
    use wasm_bindgen::JsCast;
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    Some((file.name(), text.as_string()?))
}

#[component]
fn GoldUpload(run: Uuid, on_saved: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let csv = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<GoldPreview>);
    // (column, target): a field pattern, DOCUMENT, IGNORE, or "" (not mapped).
    let targets = RwSignal::new(Vec::<(String, String)>::new());
    let problems = RwSignal::new(Vec::<String>::new());
    let load = move |text: String, file: String| {
        csv.set(text.clone());
        if name.get_untracked().is_empty() {
            name.set(file.trim_end_matches(".csv").to_owned());
        }
        problems.set(Vec::new());
        leptos::task::spawn_local(async move {
            match preview_gold(run, text).await {
                Ok(p) => {
                    targets.set(
                        p.suggestions
                            .iter()
                            .map(|s| {
                                let target = match &s.target {
                                    Some(ColumnTarget::Document) => DOCUMENT.to_owned(),
                                    Some(ColumnTarget::Field { pattern }) => pattern.clone(),
                                    None => String::new(),
                                };
                                (s.column.clone(), target)
                            })
                            .collect(),
                    );
                    preview.set(Some(p));
                }
                Err(err) => toasts.error(err.to_string()),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if let Some((file, text)) = file_text(&ev).await {
                load(text, file);
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, load);
    };
    let save = move |_| {
        let mut mapping = GoldMapping::default();
        for (column, target) in targets.get_untracked() {
            match target.as_str() {
                DOCUMENT => mapping.document_column = Some(column),
                IGNORE => mapping.ignored.push(column),
                "" => {}
                pattern => {
                    mapping.fields.insert(column, pattern.to_owned());
                }
            }
        }
        let mapping = serde_json::to_string(&mapping).unwrap_or_default();
        let (text, gold_name) = (csv.get_untracked(), name.get_untracked());
        leptos::task::spawn_local(async move {
            match save_gold(run, gold_name, text, mapping).await {
                Ok(saved) if saved.id.is_some() => {
                    problems.set(Vec::new());
                    preview.set(None);
                    toasts.success("Gold standard saved.".to_owned());
                    on_saved.run(());
                }
                Ok(saved) => problems.set(saved.problems.iter().map(ToString::to_string).collect()),
                Err(err) => toasts.error(err.to_string()),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="upload-gold-heading">
            <h2 id="upload-gold-heading">"Upload a gold standard"</h2>
            <p class="muted">
                "A CSV with a column naming the document (file name, DOI or title) and one column per field; \
                 for a repeating sub-form, one row per entry with its identifying fields (e.g. intervention, comparator, outcome). \
                 Empty cells and “NR” mean not reported."
            </p>
            <label class="stacked">
                "Gold-standard CSV"
                <input type="file" accept=".csv,text/csv" on:change=on_file data-testid="gold-file" />
            </label>
            {move || preview.get().map(|p| {
                let fields = p.fields.clone();
                view! {
                    <p>{format!("{} rows, {} columns. Check how each column is read:", p.rows, p.headers.len())}</p>
                    <table class="table mapping-table" aria-label="Column mapping">
                        <thead><tr><th>"Column"</th><th>"Read as"</th></tr></thead>
                        <tbody>
                            {move || targets.get().into_iter().enumerate().map(|(i, (column, target))| {
                                let fields = fields.clone();
                                view! {
                                    <tr>
                                        <th scope="row">{column.clone()}</th>
                                        <td>
                                            <select aria-label=format!("Read column {column} as")
                                                on:change=move |ev| {
                                                    let value = event_target_value(&ev);
                                                    targets.update(|t| if let Some(slot) = t.get_mut(i) { slot.1 = value; });
                                                }>
                                                <option value="" selected=target.is_empty()>"— not mapped —"</option>
                                                <option value=DOCUMENT selected=target == DOCUMENT>"The document"</option>
                                                <option value=IGNORE selected=target == IGNORE>"Ignore this column"</option>
                                                {fields.into_iter().map(|(pattern, label)| {
                                                    let selected = pattern == target;
                                                    view! { <option value=pattern.clone() selected=selected>{format!("{label} ({pattern})")}</option> }
                                                }).collect_view()}
                                            </select>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <label class="stacked">
                        "Name"
                        <input type="text" maxlength="200" prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" class="button" on:click=save>"Check and save"</button>
                }
            })}
            {move || {
                let list = problems.get();
                (!list.is_empty()).then(|| view! {
                    <div role="alert">
                        <p class="status-bad">{format!("Nothing was saved: {} problems.", list.len())}</p>
                        <ul class="problems" data-testid="gold-problems">
                            {list.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                        </ul>
                    </div>
                })
            }}
        </section>
    }
}

/// `/projects/:id/evaluations/:evaluation` (`?compare=<id>` shows another beside it).
#[component]
pub fn EvaluationPage() -> impl IntoView {
    let id = route_id("evaluation");
    let compare = RwSignal::new(None::<Uuid>);
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_evaluation(id).await,
            None => Err(AppError::not_found("evaluation")),
        }
    });
    let other = Resource::new(
        move || compare.get(),
        |other| async move {
            match other {
                Some(id) => Some(get_evaluation(id).await),
                None => None,
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=8 label="Loading the evaluation" /> }>
            {move || detail.get().map(|result| match result {
                Ok(detail) => view! { <EvaluationView detail compare other /> }.into_any(),
                Err(err) => view! {
                    <Title text="Evaluation not available" />
                    <section class="panel"><h1>"Evaluation not available"</h1>
                        <p class="status-bad" role="alert">{err.to_string()}</p></section>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn EvaluationView(
    detail: EvaluationDetail,
    compare: RwSignal<Option<Uuid>>,
    other: Resource<Option<Result<EvaluationDetail, AppError>>>,
) -> impl IntoView {
    let s = detail.summary.clone();
    let project = s.project_id;
    let title = format!("Evaluation · {}", s.run_label);
    let names: std::collections::HashMap<Uuid, String> = detail.documents.iter().cloned().collect();
    let quotes: std::collections::HashMap<(Uuid, String), String> = detail
        .quotes
        .iter()
        .map(|(d, p, q)| ((*d, p.clone()), q.clone()))
        .collect();
    let result = detail.result.clone();
    let others = Resource::new(|| (), move |_| list_evaluations(project));
    let base = StoredValue::new(detail.result.all_values.clone());
    let this = s.id;
    view! {
        <Title text=title.clone() />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/projects">"Projects"</a>" / "
            <a href=format!("/projects/{project}")>{detail.project_name.clone()}</a>" / "
            <a href=format!("/projects/{project}/runs/{}/evaluate", s.run_id)>"Evaluate"</a>" / "
            <span aria-current="page">"Evaluation"</span>
        </nav>
        <section class="panel">
            <h1>{title}</h1>
            <p class="muted">{format!(
                "Against “{}” · values {} · {} documents scored · by {} on {}",
                s.gold_name,
                if s.reviewed { "with reviewers' corrections" } else { "as extracted" },
                result.documents,
                s.created_by.clone().unwrap_or_else(|| "a deleted account".to_owned()),
                s.created_at.format("%Y-%m-%d %H:%M"),
            )}</p>
            <dl class="counts" data-testid="evaluation-overall">
                <div><dt>"Accuracy"</dt><dd>{percent(result.all_values.ratios.accuracy)}</dd></div>
                <div><dt>"Precision"</dt><dd>{percent(result.all_values.ratios.precision)}</dd></div>
                <div><dt>"Recall"</dt><dd>{percent(result.all_values.ratios.recall)}</dd></div>
                <div><dt>"F1"</dt><dd>{percent(result.all_values.ratios.f1)}</dd></div>
                <div><dt>"Accuracy, verified only"</dt><dd>{percent(result.verified_only.ratios.accuracy)}</dd></div>
                <div><dt>"Precision, verified only"</dt><dd>{percent(result.verified_only.ratios.precision)}</dd></div>
            </dl>
            <AccuracyChart all=result.all_values.clone() verified=result.verified_only.clone() />
        </section>
        <section class="panel" aria-labelledby="fields-heading">
            <h2 id="fields-heading">"Per field"</h2>
            <FieldTable all=result.all_values.clone() verified=result.verified_only.clone() />
        </section>
        {(!result.entries.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="entries-heading">
                <h2 id="entries-heading">"Entries of repeating sub-forms"</h2>
                <table class="table responsive" aria-label="Entries">
                    <thead><tr><th>"Sub-form"</th><th>"Gold"</th><th>"Run"</th><th>"Matched"</th><th>"Missed"</th><th>"Extra"</th></tr></thead>
                    <tbody>{result.entries.iter().map(|e| view! {
                        <tr><td data-label="Sub-form">{e.label.clone()}</td><td data-label="Gold">{e.gold_entries}</td><td data-label="Run">{e.run_entries}</td>
                            <td data-label="Matched">{e.matched}</td><td data-label="Missed">{e.missed}</td><td data-label="Extra">{e.extra}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </section>
        })}
        <section class="panel" aria-labelledby="compare-heading">
            <h2 id="compare-heading">"Compare with another evaluation"</h2>
            <Transition fallback=|| ()>
                {move || others.get().map(|list| {
                    let list: Vec<_> = list.unwrap_or_default().into_iter().filter(|e| e.id != this).collect();
                    view! {
                        <label class="stacked">
                            "Other evaluation"
                            <select on:change=move |ev| compare.set(Uuid::parse_str(&event_target_value(&ev)).ok())>
                                <option value="">"— choose —"</option>
                                {list.into_iter().map(|e| view! {
                                    <option value=e.id.to_string()>{format!("{} · {} · {}", e.run_label, e.gold_name, if e.reviewed { "reviewed" } else { "as extracted" })}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || other.get().flatten().map(|result| match result {
                    Ok(other) => view! { <Comparison base=base.get_value() other /> }.into_any(),
                    Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
        <section class="panel" aria-labelledby="differences-heading">
            <h2 id="differences-heading">{format!("Differences ({})", result.differences.len())}</h2>
            <div class="grid-scroll">
                <table class="table" aria-label="Differences">
                    <thead><tr><th>"Document"</th><th>"Field"</th><th>"Gold"</th><th>"Run"</th><th>"Outcome"</th><th>"Run's quote"</th></tr></thead>
                    <tbody>
                        {result.differences.iter().take(500).map(|d| {
                            let show = |v: &Option<serde_json::Value>| v.as_ref().map_or_else(|| "not reported".to_owned(), |v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
                            let quote = d.run_path.as_ref().and_then(|p| quotes.get(&(d.document_id, p.clone()))).cloned().unwrap_or_default();
                            view! {
                                <tr>
                                    <td>{names.get(&d.document_id).cloned().unwrap_or_default()}</td>
                                    <td><code>{d.run_path.clone().or(d.gold_path.clone()).unwrap_or_else(|| d.field.clone())}</code></td>
                                    <td>{show(&d.gold)}</td>
                                    <td>{show(&d.run)}{d.verified.then_some(" ✓")}</td>
                                    <td>{format!("{:?}", d.outcome).to_lowercase()}</td>
                                    <td class="quote-cell">{quote}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// This evaluation's scores beside another's, field by field.
#[component]
fn Comparison(base: Scores, other: EvaluationDetail) -> impl IntoView {
    let theirs = &other.result.all_values;
    let delta = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => {
            let d = (a - b) * 100.0;
            let class = if d > 0.05 {
                "delta-up"
            } else if d < -0.05 {
                "delta-down"
            } else {
                ""
            };
            view! { <span class=class>{format!("{d:+.1} points")}</span> }.into_any()
        }
        _ => view! { <span>"—"</span> }.into_any(),
    };
    let rows: Vec<_> = base
        .fields
        .iter()
        .map(|f| {
            let other_field = theirs.fields.iter().find(|o| o.field == f.field);
            (
                f.label.clone(),
                f.ratios.accuracy,
                other_field.and_then(|o| o.ratios.accuracy),
            )
        })
        .collect();
    view! {
        <table class="table responsive" aria-label="Comparison" data-testid="comparison">
            <thead><tr><th>"Field"</th><th>"This evaluation"</th><th>{format!("{} ({})", other.summary.run_label, if other.summary.reviewed { "reviewed" } else { "as extracted" })}</th><th>"Difference"</th></tr></thead>
            <tbody>
                <tr>
                    <th scope="row">"All fields"</th>
                    <td data-label="This evaluation">{percent(base.ratios.accuracy)}</td>
                    <td data-label="Other">{percent(theirs.ratios.accuracy)}</td>
                    <td data-label="Difference">{delta(base.ratios.accuracy, theirs.ratios.accuracy)}</td>
                </tr>
                {rows.into_iter().map(|(label, mine, theirs)| view! {
                    <tr>
                        <td data-label="Field">{label}</td>
                        <td data-label="This evaluation">{percent(mine)}</td>
                        <td data-label="Other">{percent(theirs)}</td>
                        <td data-label="Difference">{delta(mine, theirs)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn FieldTable(all: Scores, verified: Scores) -> impl IntoView {
    let rows: Vec<(FieldScore, FieldScore)> = all.fields.into_iter().zip(verified.fields).collect();
    view! {
        <table class="table responsive" aria-label="Scores per field">
            <thead><tr><th>"Field"</th><th>"Gold values"</th><th>"Correct"</th><th>"Incorrect"</th><th>"Missed"</th><th>"Spurious"</th>
                <th>"Accuracy"</th><th>"F1"</th><th>"Accuracy, verified only"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(a, v)| view! {
                    <tr>
                        <td data-label="Field">{a.label.clone()}</td>
                        <td data-label="Gold values">{a.counts.gold_values}</td>
                        <td data-label="Correct">{a.counts.correct}</td>
                        <td data-label="Incorrect">{a.counts.incorrect}</td>
                        <td data-label="Missed">{a.counts.missed}</td>
                        <td data-label="Spurious">{a.counts.spurious}</td>
                        <td data-label="Accuracy">{percent(a.ratios.accuracy)}</td>
                        <td data-label="F1">{percent(a.ratios.f1)}</td>
                        <td data-label="Accuracy, verified only">{percent(v.ratios.accuracy)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
