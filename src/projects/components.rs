//! The project list and the project page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

use super::api::{
    CreateProject, DeleteProject, ProjectDetail, ShareProject, UpdateProject, get_project,
    list_projects,
};
use crate::error::AppError;
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

fn error_of<T>(result: Option<Result<T, AppError>>) -> Option<String> {
    match result {
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    }
}

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let sort = RwSignal::new("activity".to_owned());
    let page = RwSignal::new(1u32);
    let projects = Resource::new(
        move || (create.version().get(), sort.get(), page.get()),
        |(_, sort, page)| list_projects(sort, page),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/projects/{id}"), Default::default());
        }
    });
    view! {
        <Title text="Projects" />
        <section class="panel">
            <div class="heading-row">
                <h1>"Projects"</h1>
                <label class="inline-label">
                    "Sort by "
                    <select
                        aria-label="Sort projects"
                        on:change=move |event| {
                            sort.set(event_target_value(&event));
                            page.set(1);
                        }
                    >
                        <option value="activity">"Last activity"</option>
                        <option value="name">"Name"</option>
                        <option value="created">"Newest"</option>
                    </select>
                </label>
            </div>
            <Transition fallback=|| view! { <Skeleton lines=3 label="Loading projects" /> }>
                {move || {
                    projects
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.projects.is_empty() && list.page == 1 => {
                                view! {
                                    <p class="empty-state">"No projects yet. Create the first one below, or try the demo."</p>
                                    <DemoOffer />
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                let pages = (list.total.max(1) as u32).div_ceil(list.page_size);
                                let current = list.page;
                                view! {
                                    <table class="table responsive" aria-label="Projects">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Project"</th>
                                                <th scope="col">"Documents"</th>
                                                <th scope="col">"Forms"</th>
                                                <th scope="col">"Runs"</th>
                                                <th scope="col">"Last activity"</th>
                                                <th scope="col">"Access"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .projects
                                                .into_iter()
                                                .map(|project| {
                                                    view! {
                                                        <tr>
                                                            <td data-label="Project">
                                                                <a class="project-name" href=format!("/projects/{}", project.id)>{project.name}</a>
                                                                <span class="muted">" "{project.owner_email}</span>
                                                            </td>
                                                            <td data-label="Documents">{project.document_count}</td>
                                                            <td data-label="Forms">{project.form_count}</td>
                                                            <td data-label="Runs">{project.run_count}</td>
                                                            <td data-label="Last activity">{project.last_activity.format("%Y-%m-%d %H:%M").to_string()}</td>
                                                            <td data-label="Access"><span class="badge">{project.access}</span></td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                    {(pages > 1)
                                        .then(|| {
                                            view! {
                                                <nav class="pager" aria-label="Project pages">
                                                    <button type="button" class="button button-secondary" disabled=current <= 1
                                                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Previous"</button>
                                                    <span>{format!("Page {current} of {pages}")}</span>
                                                    <button type="button" class="button button-secondary" disabled=current >= pages
                                                        on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                                                </nav>
                                            }
                                        })}
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
        <section class="panel narrow">
            <h2>"New project"</h2>
            <ActionForm action=create attr:class="stacked-form">
                <label for="project-name">"Name"</label>
                <input id="project-name" name="name" required maxlength="200" />
                <label for="project-description">"Description"</label>
                <input id="project-description" name="description" />
                <p class="form-error" role="alert">{move || error_of(create.value().get())}</p>
                <button type="submit" class="button">"Create project"</button>
            </ActionForm>
        </section>
    }
}

/// On an empty list: one click makes a project with generated sample trial
/// reports, converted in the background, ready to search.
#[component]
fn DemoOffer() -> impl IntoView {
    let demo = ServerAction::<crate::demo::api::CreateDemoProject>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = demo.value().get() {
            navigate(&format!("/projects/{id}"), Default::default());
        }
    });
    view! {
        <div class="demo-offer">
            <button
                type="button"
                class="button"
                disabled=move || demo.pending().get()
                on:click=move |_| {
                    demo.dispatch(crate::demo::api::CreateDemoProject {});
                }
            >
                {move || if demo.pending().get() { "Creating the demo…" } else { "Create a demo project" }}
            </button>
            <p class="form-error" role="alert">{move || error_of(demo.value().get())}</p>
        </div>
    }
}

/// The tabs of a project page, each its own address under `/projects/:id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectTab {
    Documents,
    Forms,
    Runs,
    Search,
    Activity,
    Settings,
}

impl ProjectTab {
    pub const ALL: [ProjectTab; 6] = [
        ProjectTab::Documents,
        ProjectTab::Forms,
        ProjectTab::Runs,
        ProjectTab::Search,
        ProjectTab::Activity,
        ProjectTab::Settings,
    ];

    /// The path segment after the project id ("" for documents).
    pub fn segment(self) -> &'static str {
        match self {
            ProjectTab::Documents => "",
            ProjectTab::Forms => "forms",
            ProjectTab::Runs => "runs",
            ProjectTab::Search => "search",
            ProjectTab::Activity => "activity",
            ProjectTab::Settings => "settings",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProjectTab::Documents => "Documents",
            ProjectTab::Forms => "Forms",
            ProjectTab::Runs => "Runs",
            ProjectTab::Search => "Search",
            ProjectTab::Activity => "Activity",
            ProjectTab::Settings => "Members & settings",
        }
    }

    /// The tab a project path shows (`/projects/<id>/<segment>`).
    pub fn of_path(path: &str) -> ProjectTab {
        let segment = path.trim_end_matches('/').split('/').nth(3).unwrap_or("");
        ProjectTab::ALL
            .into_iter()
            .find(|tab| tab.segment() == segment)
            .unwrap_or(ProjectTab::Documents)
    }

    pub fn href(self, project: Uuid) -> String {
        match self.segment() {
            "" => format!("/projects/{project}"),
            segment => format!("/projects/{project}/{segment}"),
        }
    }
}

#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let location = leptos_router::hooks::use_location();
    let tab = Memo::new(move |_| ProjectTab::of_path(&location.pathname.get()));
    let id = move || params.with(|p| p.get("id").and_then(|raw| Uuid::parse_str(&raw).ok()));
    let update = ServerAction::<UpdateProject>::new();
    let share = ServerAction::<ShareProject>::new();
    let detail = Resource::new(
        move || (id(), update.version().get(), share.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_project(id).await,
                None => Err(AppError::not_found("project")),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Skeleton lines=5 label="Loading the project" /> }>
            {move || {
                detail
                    .get()
                    .map(|result| match result {
                        Ok(detail) => view! { <ProjectView detail update share tab /> }.into_any(),
                        Err(err) => {
                            view! {
                                <Title text="Project not available" />
                                <section class="panel">
                                    <h1>"Project not available"</h1>
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

/// What to do next in the project, following the journey.
fn next_step(project: &super::api::ProjectSummary) -> Option<(&'static str, ProjectTab)> {
    if !project.can_edit {
        None
    } else if project.document_count == 0 {
        Some(("Upload the papers (PDF) below.", ProjectTab::Documents))
    } else if project.form_count == 0 {
        Some((
            "Define an extraction form: start from a preset.",
            ProjectTab::Forms,
        ))
    } else if project.run_count == 0 {
        Some(("Run a form over the documents.", ProjectTab::Runs))
    } else {
        None
    }
}

#[component]
fn ProjectView(
    detail: ProjectDetail,
    update: ServerAction<UpdateProject>,
    share: ServerAction<ShareProject>,
    tab: Memo<ProjectTab>,
) -> impl IntoView {
    let project = detail.project;
    let id = project.id;
    let can_edit = project.can_edit;
    let can_manage = project.can_manage;
    let name = project.name.clone();
    let hint = next_step(&project);
    let members = detail.members;
    let settings = {
        let project = project.clone();
        move || {
            view! {
                <ProjectSettings
                    project=project.clone()
                    members=members.clone()
                    update
                    share
                    can_manage
                />
            }
        }
    };
    view! {
        // `try_get`: the server reads the title after rendering, when a
        // render cut short under load may already have disposed the tab's
        // memo; `get` then panicked and dropped the connection (bench/load
        // at saturation: 3 project pages in 1,404).
        <Title text=move || match tab.try_get() {
            Some(tab) => format!("{} · {name}", tab.label()),
            None => name.clone(),
        } />
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/projects">"Projects"</a>
            <span aria-hidden="true">" › "</span>
            <span aria-current="page">{project.name.clone()}</span>
        </nav>
        <header class="project-header">
            <h1>{project.name.clone()}</h1>
            {(!project.description.is_empty()).then(|| view! { <p>{project.description.clone()}</p> })}
            <p class="muted" data-testid="project-counts">
                {format!(
                    "{} documents · {} forms · {} runs",
                    project.document_count, project.form_count, project.run_count
                )}
            </p>
            <p class="muted" data-testid="project-access">
                {format!("Owner: {} · your access: {}", project.owner_email, project.access)}
            </p>
            {(!can_edit).then(|| view! { <p class="notice">"You can read this project but not change it."</p> })}
            <crate::spending::components::BudgetWarning project=id />
            {hint.map(|(text, target)| view! {
                <p class="next-step" data-testid="next-step">
                    "Next step: " <a href=target.href(id)>{text}</a>
                </p>
            })}
        </header>
        <nav class="tabs" aria-label="Project sections">
            {ProjectTab::ALL
                .into_iter()
                .map(|each| view! {
                    <a
                        href=each.href(id)
                        class="tab"
                        aria-current=move || (tab.get() == each).then_some("page")
                    >
                        {each.label()}
                    </a>
                })
                .collect_view()}
        </nav>
        {move || match tab.get() {
            ProjectTab::Documents => view! {
                <crate::documents::components::ProjectDocuments project=id can_edit />
            }
                .into_any(),
            ProjectTab::Forms => view! {
                <crate::forms::components::ProjectForms project=id can_edit />
            }
                .into_any(),
            ProjectTab::Runs => view! {
                <crate::extraction::components::ProjectRuns project=id can_run=can_edit />
            }
                .into_any(),
            ProjectTab::Search => view! {
                <crate::documents::components::SearchPanel project=id />
            }
                .into_any(),
            ProjectTab::Activity => view! {
                <crate::documents::components::ProjectActivity project=id />
            }
                .into_any(),
            ProjectTab::Settings => settings().into_any(),
        }}
    }
}

/// Members, and for those who manage the project: its settings, sharing,
/// the plan-review setting and deletion.
#[component]
fn ProjectSettings(
    project: super::api::ProjectSummary,
    members: Vec<super::api::ProjectMember>,
    update: ServerAction<UpdateProject>,
    share: ServerAction<ShareProject>,
    can_manage: bool,
) -> impl IntoView {
    let (update_id, share_id) = (project.id.to_string(), project.id.to_string());
    let (name, description) = (project.name.clone(), project.description.clone());
    let manage = can_manage.then(|| {
        view! {
            <h2>"Settings"</h2>
            <ActionForm action=update attr:class="stacked-form">
                <input type="hidden" name="id" value=update_id />
                <label for="edit-name">"Name"</label>
                <input id="edit-name" name="name" value=name required />
                <label for="edit-description">"Description"</label>
                <input id="edit-description" name="description" value=description />
                <p class="form-error" role="alert">{move || error_of(update.value().get())}</p>
                <button type="submit" class="button">"Save"</button>
            </ActionForm>
            <h2>"Share"</h2>
            <ActionForm action=share attr:class="stacked-form">
                <input type="hidden" name="id" value=share_id />
                <label for="share-email">"Email address of a registered user"</label>
                <input id="share-email" type="email" name="email" required />
                <label for="share-role">"Role"</label>
                <select id="share-role" name="role">
                    <option value="viewer">"Viewer (read only)"</option>
                    <option value="editor">"Editor"</option>
                </select>
                <p class="form-error" role="alert">{move || error_of(share.value().get())}</p>
                <button type="submit" class="button">"Share"</button>
            </ActionForm>
            <PlanReviewSetting project=project.id required=project.require_plan_review />
            <DeleteButton id=project.id />
        }
    });
    view! {
        <section class="panel narrow">
            <h2>"Members"</h2>
            {if members.is_empty() {
                view! { <p class="empty-state">"Not shared with anyone."</p> }.into_any()
            } else {
                view! {
                    <ul aria-label="Members">
                        {members
                            .into_iter()
                            .map(|m| view! { <li>{format!("{} ({})", m.email, m.role)}</li> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            {manage}
        </section>
    }
}

/// Whether generated extraction plans wait for review before they are active.
#[component]
fn PlanReviewSetting(project: Uuid, required: bool) -> impl IntoView {
    let set = ServerAction::<crate::forms::api::SetPlanReview>::new();
    let toasts = use_toasts();
    Effect::new(move |_| match set.value().get() {
        Some(Ok(())) => toasts.success("Setting saved."),
        Some(Err(err)) => toasts.error(format!("Not saved: {err}")),
        None => {}
    });
    view! {
        <h2>"Extraction plans"</h2>
        <label class="choice">
            <input
                type="checkbox"
                prop:checked=required
                on:change=move |ev| {
                    set.dispatch(crate::forms::api::SetPlanReview {
                        project_id: project,
                        required: event_target_checked(&ev),
                    });
                }
            />
            " A generated plan waits for review before it can be run"
        </label>
    }
}

#[component]
fn DeleteButton(id: Uuid) -> impl IntoView {
    let delete = ServerAction::<DeleteProject>::new();
    let toasts = use_toasts();
    let navigate = use_navigate();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success("Project deleted.");
            navigate("/projects", Default::default());
        }
        Some(Err(err)) => toasts.error(format!("Could not delete: {err}")),
        None => {}
    });
    view! {
        <h2>"Delete"</h2>
        <crate::ui::confirm::ConfirmDelete
            label="Delete project…"
            warning="This deletes the project and everything in it for every member."
            on_confirm=Callback::new(move |_| {
                delete.dispatch(DeleteProject { id });
            })
        />
    }
}
