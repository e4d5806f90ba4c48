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
    let projects = Resource::new(move || create.version().get(), |_| list_projects());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/projects/{id}"), Default::default());
        }
    });
    view! {
        <Title text="Projects" />
        <section class="panel">
            <h1>"Projects"</h1>
            <Transition fallback=|| view! { <Skeleton lines=3 label="Loading projects" /> }>
                {move || {
                    projects
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p class="empty-state">"No projects yet. Create the first one below."</p> }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="project-list" aria-label="Projects">
                                        {list
                                            .into_iter()
                                            .map(|project| {
                                                view! {
                                                    <li class="project-item">
                                                        <a href=format!("/projects/{}", project.id)>{project.name}</a>
                                                        <span class="badge">{project.access}</span>
                                                        <span class="muted">{project.owner_email}</span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
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

#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
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
        <Title text="Project" />
        <Suspense fallback=|| view! { <Skeleton lines=5 label="Loading the project" /> }>
            {move || {
                detail
                    .get()
                    .map(|result| match result {
                        Ok(detail) => view! { <ProjectView detail update share /> }.into_any(),
                        Err(err) => {
                            view! {
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

#[component]
fn ProjectView(
    detail: ProjectDetail,
    update: ServerAction<UpdateProject>,
    share: ServerAction<ShareProject>,
) -> impl IntoView {
    let project = detail.project;
    let (update_id, share_id) = (project.id.to_string(), project.id.to_string());
    let (name, description) = (project.name.clone(), project.description.clone());
    let manage = if project.can_manage {
        Some(view! {
            <section class="panel narrow">
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
                <DeleteButton id=project.id />
            </section>
        })
    } else {
        None
    };
    view! {
        <section class="panel">
            <p><a href="/projects">"← All projects"</a></p>
            <h1>{project.name.clone()}</h1>
            <p>{project.description.clone()}</p>
            <p class="muted" data-testid="project-access">
                {format!("Owner: {} · your access: {}", project.owner_email, project.access)}
            </p>
            {(!project.can_edit).then(|| view! { <p class="notice">"You can read this project but not change it."</p> })}
            <h2>"Members"</h2>
            {if detail.members.is_empty() {
                view! { <p class="empty-state">"Not shared with anyone."</p> }.into_any()
            } else {
                view! {
                    <ul aria-label="Members">
                        {detail
                            .members
                            .into_iter()
                            .map(|m| view! { <li>{format!("{} ({})", m.email, m.role)}</li> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
        {manage}
    }
}

#[component]
fn DeleteButton(id: Uuid) -> impl IntoView {
    let delete = ServerAction::<DeleteProject>::new();
    let confirming = RwSignal::new(false);
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
        {move || {
            if confirming.get() {
                view! {
                    <p>"This deletes the project and everything in it for every member."</p>
                    <div class="actions">
                        <button type="button" class="button danger" on:click=move |_| {
                            delete.dispatch(DeleteProject { id });
                        }>"Delete for good"</button>
                        <button type="button" class="button button-secondary" on:click=move |_| confirming.set(false)>
                            "Keep it"
                        </button>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <button type="button" class="button button-secondary" on:click=move |_| confirming.set(true)>
                        "Delete project…"
                    </button>
                }
                    .into_any()
            }
        }}
    }
}
