//! Project types shared with the browser, and the project server functions.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// A project name: trimmed, 1 to 200 characters.
pub fn parse_project_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > 200 {
        return Err(AppError::invalid(
            "name",
            "a project name has 1 to 200 characters",
        ));
    }
    Ok(name.to_owned())
}

/// The longest project description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// A project description: trimmed, at most `MAX_DESCRIPTION_CHARS`.
pub fn parse_project_description(raw: &str) -> Result<String, AppError> {
    let description = raw.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid(
            "description",
            format!("a description has at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(description.to_owned())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub owner_email: String,
    /// "owner", "editor", "viewer", or "admin" (sees it through the admin role).
    pub access: String,
    pub can_edit: bool,
    pub can_manage: bool,
    pub created_at: DateTime<Utc>,
    pub document_count: i64,
    pub form_count: i64,
    pub run_count: i64,
    /// Generated extraction plans wait for a person's review before they are active.
    pub require_plan_review: bool,
    /// The latest change to the project or its documents.
    pub last_activity: DateTime<Utc>,
}

/// One page of the project list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectList {
    pub projects: Vec<ProjectSummary>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

/// How the project list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProjectSort {
    Activity,
    Name,
    Created,
}

impl ProjectSort {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw {
            "" | "activity" => Ok(ProjectSort::Activity),
            "name" => Ok(ProjectSort::Name),
            "created" => Ok(ProjectSort::Created),
            _ => Err(AppError::invalid(
                "sort",
                "sort by activity, name or created",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectSort::Activity => "activity",
            ProjectSort::Name => "name",
            ProjectSort::Created => "created",
        }
    }
}

pub const PROJECT_PAGE_SIZE: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectMember {
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDetail {
    pub project: ProjectSummary,
    pub members: Vec<ProjectMember>,
}

/// The projects the caller may see, `sort` ("activity", "name", "created"),
/// `page` from 1.
#[server(prefix = "/api", endpoint = "list_projects")]
pub async fn list_projects(sort: String, page: u32) -> Result<ProjectList, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        let sort = ProjectSort::parse(&sort)?;
        super::server::list_visible(&state.db, &user, sort, page.max(1)).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "create_project")]
pub async fn create_project(name: String, description: String) -> Result<Uuid, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        crate::auth::authz::decide(
            user.role,
            crate::auth::authz::Relation::None,
            crate::auth::authz::Action::CreateProject,
        )?;
        let name = parse_project_name(&name)?;
        let description = parse_project_description(&description)?;
        super::server::create(&state.db, user.id, &name, &description).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "get_project")]
pub async fn get_project(id: Uuid) -> Result<ProjectDetail, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        super::server::authorize(&state.db, &user, id, crate::auth::authz::Action::View).await?;
        super::server::detail(&state.db, &user, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "update_project")]
pub async fn update_project(id: Uuid, name: String, description: String) -> Result<(), AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        super::server::authorize(&state.db, &user, id, crate::auth::authz::Action::Manage).await?;
        let name = parse_project_name(&name)?;
        let description = parse_project_description(&description)?;
        super::server::update(&state.db, id, &name, &description).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Shares a project with a registered user as `editor` or `viewer`.
#[server(prefix = "/api", endpoint = "share_project")]
pub async fn share_project(id: Uuid, email: String, role: String) -> Result<(), AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        super::server::authorize(&state.db, &user, id, crate::auth::authz::Action::Manage).await?;
        let email = crate::auth::types::Email::parse(&email)?;
        if !matches!(role.as_str(), "editor" | "viewer") {
            return Err(AppError::invalid(
                "role",
                "the role must be editor or viewer",
            ));
        }
        let client = crate::auth::server::client_addr().await;
        super::server::share(&state.db, &user, id, &email, &role, &client).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "unshare_project")]
pub async fn unshare_project(id: Uuid, email: String) -> Result<(), AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        super::server::authorize(&state.db, &user, id, crate::auth::authz::Action::Manage).await?;
        let client = crate::auth::server::client_addr().await;
        super::server::unshare(&state.db, &user, id, email.trim(), &client).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "delete_project")]
pub async fn delete_project(id: Uuid) -> Result<(), AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        super::server::authorize(&state.db, &user, id, crate::auth::authz::Action::Manage).await?;
        let client = crate::auth::server::client_addr().await;
        super::server::delete(&state.db, &user, id, &client).await
    }
    .await;
    crate::error::with_http_status(result)
}
