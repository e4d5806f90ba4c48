//! The forms of a project (panel on the project page) and the form page:
//! builder, preview, versions, export, and the extraction plan.

mod builder;
mod plan;
mod preview;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::api::{
    CopyForm, CreateForm, FormDetail, ImportForm, SaveForm, get_form, list_copyable_forms,
    list_forms,
};
use super::model::FormDefinition;
use crate::error::AppError;
use crate::ui::messages::{error_text, route_id};
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

fn status_badge(status: Option<super::api::PlanStatus>) -> (&'static str, &'static str) {
    use super::api::PlanStatus as S;
    match status {
        None => ("badge", "Not saved yet"),
        Some(S::Active) => ("badge badge-good", "Active"),
        Some(S::Failed) => ("badge badge-bad", "Plan failed"),
        Some(S::AwaitingReview) => ("badge badge-busy", "Plan awaiting review"),
        Some(s) => ("badge badge-busy", s.label()),
    }
}

/// The forms panel of a project page: list, new (blank or preset), import, copy.
#[component]
pub fn ProjectForms(project: Uuid, can_edit: bool) -> impl IntoView {
    let create = ServerAction::<CreateForm>::new();
    let import = ServerAction::<ImportForm>::new();
    let copy = ServerAction::<CopyForm>::new();
    let forms = Resource::new(
        move || {
            (
                create.version().get(),
                import.version().get(),
                copy.version().get(),
            )
        },
        move |_| list_forms(project),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        let made = [
            create.value().get(),
            import.value().get(),
            copy.value().get(),
        ];
        if let Some(Ok(id)) = made.into_iter().flatten().find(|r| r.is_ok()) {
            navigate(
                &format!("/projects/{project}/forms/{id}"),
                Default::default(),
            );
        }
    });
    view! {
        <section class="panel" aria-labelledby="forms-heading">
            <h2 id="forms-heading">"Forms"</h2>
            <Transition fallback=|| view! { <Skeleton lines=2 label="Loading forms" /> }>
                {move || {
                    forms
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <p class="empty-state">
                                        "No forms yet. A form says which data to extract from every paper; start from a preset below."
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="card-list" aria-label="Forms">
                                        {list
                                            .into_iter()
                                            .map(|form| {
                                                let (class, label) = status_badge(form.plan_status);
                                                view! {
                                                    <li class="card">
                                                        <a class="project-name" href=format!("/projects/{project}/forms/{}", form.id)>
                                                            {form.name}
                                                        </a>
                                                        " "
                                                        <span class=class>{label}</span>
                                                        <span class="muted">
                                                            {form.latest_version.map(|v| format!(" · version {v}")).unwrap_or_default()}
                                                        </span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
            {can_edit.then(|| view! { <NewFormControls project create import copy /> })}
        </section>
    }
}

#[component]
fn NewFormControls(
    project: Uuid,
    create: ServerAction<CreateForm>,
    import: ServerAction<ImportForm>,
    copy: ServerAction<CopyForm>,
) -> impl IntoView {
    let copyable = Resource::new(|| (), move |_| list_copyable_forms(project));
    let project_id = project.to_string();
    let (import_id, copy_project) = (project_id.clone(), project_id.clone());
    view! {
        <details class="form-actions" open>
            <summary>"New form"</summary>
            <ActionForm action=create attr:class="stacked-form">
                <input type="hidden" name="project_id" value=project_id />
                <label for="new-form-name">"Name of the new form"</label>
                <input id="new-form-name" name="name" required maxlength="200" />
                <label for="new-form-preset">"Start from"</label>
                <select id="new-form-preset" name="preset">
                    <option value="">"A blank form"</option>
                    {super::presets::presets()
                        .into_iter()
                        .map(|p| view! { <option value=p.id>{format!("{} — {}", p.name, p.summary)}</option> })
                        .collect_view()}
                </select>
                <p class="form-error" role="alert">{move || error_text(create.value().get())}</p>
                <button type="submit" class="button">"Create form"</button>
            </ActionForm>
        </details>
        <details class="form-actions">
            <summary>"Import a form file (JSON)"</summary>
            <ActionForm action=import attr:class="stacked-form">
                <input type="hidden" name="project_id" value=import_id />
                <label for="import-form-file">"Paste the contents of an exported form"</label>
                <textarea id="import-form-file" name="file" rows="6" required></textarea>
                <p class="form-error preformatted" role="alert">{move || error_text(import.value().get())}</p>
                <button type="submit" class="button">"Import"</button>
            </ActionForm>
        </details>
        <details class="form-actions">
            <summary>"Copy a form from another project"</summary>
            <Transition fallback=|| ()>
                {move || {
                    copyable
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="muted">"No forms in other projects you can see."</p> }.into_any()
                            }
                            Ok(list) => {
                                let copy_project = copy_project.clone();
                                view! {
                                    <ActionForm action=copy attr:class="stacked-form">
                                        <input type="hidden" name="project_id" value=copy_project />
                                        <label for="copy-form-source">"Form"</label>
                                        <select id="copy-form-source" name="form_id">
                                            {list
                                                .into_iter()
                                                .map(|f| {
                                                    view! {
                                                        <option value=f.id.to_string()>
                                                            {format!("{} — {} (version {})", f.name, f.project_name, f.version)}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                        <p class="form-error" role="alert">{move || error_text(copy.value().get())}</p>
                                        <button type="submit" class="button">"Copy"</button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            Err(err) => view! { <p class="status-bad">{err.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
        </details>
    }
}

/// `/projects/:id/forms/:form`: the builder (editors) or the read-only form
/// (viewers), its versions, export, and the plan of the latest version.
#[component]
pub fn FormPage() -> impl IntoView {
    let id = route_id("form");
    let refresh = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id(), refresh.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_form(id).await,
                None => Err(AppError::not_found("form")),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=6 label="Loading the form" /> }>
            {move || {
                detail
                    .get()
                    .map(|result| match result {
                        Ok(detail) => view! { <FormView detail refresh /> }.into_any(),
                        Err(err) => {
                            view! {
                                <Title text="Form not available" />
                                <section class="panel">
                                    <h1>"Form not available"</h1>
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

fn starting_definition(detail: &FormDetail) -> FormDefinition {
    detail
        .latest
        .as_ref()
        .map(|v| v.definition.clone())
        .unwrap_or_else(|| FormDefinition {
            name: detail.form.name.clone(),
            description: detail.form.description.clone(),
            fields: Vec::new(),
        })
}

#[component]
fn FormView(detail: FormDetail, refresh: RwSignal<u32>) -> impl IntoView {
    let project = detail.form.project_id;
    let form_id = detail.form.id;
    let can_edit = detail.can_edit;
    let definition = RwSignal::new(starting_definition(&detail));
    let saved = StoredValue::new(starting_definition(&detail));
    let save = ServerAction::<SaveForm>::new();
    let toasts = use_toasts();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(outcome)) => {
            saved.set_value(definition.get_untracked());
            toasts.success(if outcome.new_version {
                format!(
                    "Saved as version {}. Generating its extraction plan…",
                    outcome.version
                )
            } else {
                format!(
                    "Saved version {}. Generating its extraction plan…",
                    outcome.version
                )
            });
            refresh.update(|n| *n += 1);
        }
        Some(Err(err)) => toasts.error(format!("Not saved: {err}")),
        None => {}
    });
    let problems = Memo::new(move |_| definition.with(super::validate::validate));
    let dirty = Memo::new(move |_| definition.with(|d| saved.with_value(|s| s != d)));
    let tab = RwSignal::new(if can_edit { "build" } else { "preview" });
    let title = detail.form.name.clone();
    let export_name = detail.form.name.clone();
    let latest = detail.latest.clone();
    let versions = detail.versions.clone();
    view! {
        <Title text=format!("{title} · Form") />
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
                <span class=status_badge(detail.form.plan_status).0>{status_badge(detail.form.plan_status).1}</span>
            </div>
            {(!can_edit).then(|| view! { <p class="notice">"You can read this form but not change it."</p> })}
            <div class="tabs" role="tablist" aria-label="Form views">
                {can_edit
                    .then(|| {
                        view! {
                            <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == "build").to_string()
                                on:click=move |_| tab.set("build")>"Build"</button>
                        }
                    })}
                <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == "preview").to_string()
                    on:click=move |_| tab.set("preview")>"Preview"</button>
                <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == "json").to_string()
                    on:click=move |_| tab.set("json")>"JSON"</button>
            </div>
            <div role="tabpanel">
                {move || match tab.get() {
                    "build" => view! { <builder::FormBuilder definition problems /> }.into_any(),
                    "json" => {
                        view! {
                            <pre class="json-view" aria-label="The form as JSON">
                                {move || definition.with(super::format::export_json)}
                            </pre>
                        }
                            .into_any()
                    }
                    _ => view! { <preview::FormPreview definition /> }.into_any(),
                }}
            </div>
            <div class="actions">
                {can_edit
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button"
                                disabled=move || !problems.with(|p| p.is_empty()) || save.pending().get() || !dirty.get()
                                on:click=move |_| {
                                    let text = definition.with_untracked(|d| serde_json::to_string(d).unwrap_or_default());
                                    save.dispatch(SaveForm { id: form_id, definition: text });
                                }
                            >
                                {move || if save.pending().get() { "Saving…" } else { "Save form" }}
                            </button>
                            <span class="muted" role="status">
                                {move || {
                                    let count = problems.with(|p| p.len());
                                    if count > 0 {
                                        format!("{count} problem{} to fix before saving", if count == 1 { "" } else { "s" })
                                    } else if dirty.get() {
                                        "Unsaved changes".to_owned()
                                    } else {
                                        "All changes saved".to_owned()
                                    }
                                }}
                            </span>
                        }
                    })}
                <a
                    class="button button-secondary"
                    download=format!("{}.form.json", file_stem(&export_name))
                    href=move || {
                        format!(
                            "data:application/json;charset=utf-8,{}",
                            crate::documents::components::encode_query_value(&definition.with(super::format::export_json)),
                        )
                    }
                >
                    "Export JSON"
                </a>
            </div>
        </section>
        {latest.map(|version| view! { <plan::PlanPanel version refresh /> })}
        <section class="panel" aria-labelledby="versions-heading">
            <h2 id="versions-heading">"Versions"</h2>
            {if versions.is_empty() {
                view! { <p class="empty-state">"Not saved yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="card-list" aria-label="Versions" reversed>
                        {versions
                            .into_iter()
                            .map(|v| {
                                view! {
                                    <li class="card">
                                        <strong>{format!("Version {}", v.version)}</strong>
                                        <span class="muted">
                                            {format!(
                                                " · {} · {}{}",
                                                v.created_at.format("%Y-%m-%d %H:%M"),
                                                v.plan_status.label(),
                                                if v.run_count > 0 { format!(" · used by {} run(s)", v.run_count) } else { String::new() },
                                            )}
                                        </span>
                                        <ul>{v.change_summary.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
        </section>
    }
}

/// A file-name-safe stem of a form name.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if stem.is_empty() {
        "form".to_owned()
    } else {
        stem
    }
}
