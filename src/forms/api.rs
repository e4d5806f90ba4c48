//! Form types shared with the browser, and the form and plan server functions.
//!
//! Definitions travel as JSON text (`definition`): the same format a user
//! imports and exports (`format.rs`), so scripts and the builder send one thing.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::FormDefinition;
use super::plan::ExtractionPlan;
use crate::error::AppError;

/// Where a version's extraction plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Generating,
    AwaitingReview,
    Active,
    Failed,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Generating => "generating",
            PlanStatus::AwaitingReview => "awaiting_review",
            PlanStatus::Active => "active",
            PlanStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw {
            "draft" => Ok(PlanStatus::Draft),
            "generating" => Ok(PlanStatus::Generating),
            "awaiting_review" => Ok(PlanStatus::AwaitingReview),
            "active" => Ok(PlanStatus::Active),
            "failed" => Ok(PlanStatus::Failed),
            other => Err(AppError::Internal {
                reference: format!("unknown plan status {other}"),
            }),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::Generating => "Generating plan",
            PlanStatus::AwaitingReview => "Plan awaiting review",
            PlanStatus::Active => "Active",
            PlanStatus::Failed => "Plan failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormSummary {
    pub id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub description: String,
    /// None until the form is first saved.
    pub latest_version: Option<i32>,
    pub latest_version_id: Option<Uuid>,
    pub plan_status: Option<PlanStatus>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormVersionSummary {
    pub id: Uuid,
    pub version: i32,
    pub plan_status: PlanStatus,
    pub change_summary: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub run_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormVersionDetail {
    pub id: Uuid,
    pub form_id: Uuid,
    pub project_id: Uuid,
    pub version: i32,
    pub definition: FormDefinition,
    pub plan_status: PlanStatus,
    pub plan: Option<ExtractionPlan>,
    pub plan_error: Option<String>,
    pub plan_feedback: String,
    pub run_count: i64,
    pub can_edit: bool,
    /// The project's setting: a generated plan waits for review.
    pub require_review: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDetail {
    pub form: FormSummary,
    pub project_name: String,
    pub can_edit: bool,
    pub latest: Option<FormVersionDetail>,
    pub versions: Vec<FormVersionSummary>,
}

/// A form in another project the caller can see, to copy from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyableForm {
    pub id: Uuid,
    pub name: String,
    pub project_name: String,
    pub version: i32,
}

/// What saving produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedForm {
    pub version_id: Uuid,
    pub version: i32,
    /// True when a run had used the previous version, so a new one was made.
    pub new_version: bool,
}

/// A form name: trimmed, 1 to 200 characters.
pub fn parse_form_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > 200 {
        return Err(AppError::invalid(
            "name",
            "A form name has 1 to 200 characters",
        ));
    }
    Ok(name.to_owned())
}

/// The problems of a definition as one validation error with a message per field.
pub fn problems_error(problems: Vec<super::model::FormProblem>) -> AppError {
    let count = problems.len();
    AppError::Validation {
        message: format!(
            "The form has {count} problem{}",
            if count == 1 { "" } else { "s" }
        ),
        fields: problems
            .into_iter()
            .map(|p| crate::error::FieldError {
                field: if p.path.is_empty() {
                    "form".to_owned()
                } else {
                    p.path
                },
                message: p.message,
            })
            .collect(),
    }
}

#[server(prefix = "/api", endpoint = "list_forms")]
pub async fn list_forms(project_id: Uuid) -> Result<Vec<FormSummary>, AppError> {
    crate::error::respond(async {
        let (state, _user) = crate::projects::server::caller_for_project(
            project_id,
            crate::auth::authz::Action::View,
        )
        .await?;
        super::server::list(&state.db, project_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_form")]
pub async fn get_form(id: Uuid) -> Result<FormDetail, AppError> {
    crate::error::respond(async { super::server::detail_for_caller(id).await }).await
}

#[server(prefix = "/api", endpoint = "get_form_version")]
pub async fn get_form_version(id: Uuid) -> Result<FormVersionDetail, AppError> {
    crate::error::respond(async { super::server::version_for_caller(id).await }).await
}

/// A new form, empty (`preset` = "") or from a preset; returns its id.
#[server(prefix = "/api", endpoint = "create_form")]
pub async fn create_form(project_id: Uuid, name: String, preset: String) -> Result<Uuid, AppError> {
    crate::error::respond(async {
        let (state, user) = crate::projects::server::caller_for_project(
            project_id,
            crate::auth::authz::Action::EditContent,
        )
        .await?;
        let name = parse_form_name(&name)?;
        super::server::create(&state.db, &user, project_id, &name, &preset).await
    })
    .await
}

/// Saves a definition (the JSON of `FormDefinition`, or an exported form file).
/// Nothing invalid is saved.
#[server(prefix = "/api", endpoint = "save_form")]
pub async fn save_form(id: Uuid, definition: String) -> Result<SavedForm, AppError> {
    crate::error::respond(async { super::server::save_for_caller(id, &definition).await }).await
}

/// A new form from an exported form file; every problem of the file is listed.
#[server(prefix = "/api", endpoint = "import_form")]
pub async fn import_form(project_id: Uuid, file: String) -> Result<Uuid, AppError> {
    crate::error::respond(async {
        let (state, user) = crate::projects::server::caller_for_project(
            project_id,
            crate::auth::authz::Action::EditContent,
        )
        .await?;
        let definition = super::format::import_json(&file).map_err(problems_error)?;
        super::server::create_with(&state.db, &user, project_id, &definition).await
    })
    .await
}

/// Forms of other projects the caller can see (to copy from).
#[server(prefix = "/api", endpoint = "list_copyable_forms")]
pub async fn list_copyable_forms(project_id: Uuid) -> Result<Vec<CopyableForm>, AppError> {
    crate::error::respond(async {
        let (state, user) = crate::projects::server::caller_for_project(
            project_id,
            crate::auth::authz::Action::EditContent,
        )
        .await?;
        super::server::copyable(&state.db, &user, project_id).await
    })
    .await
}

/// Copies the latest version of form `form_id` (any project the caller can
/// see) into project `project_id` as a new form.
#[server(prefix = "/api", endpoint = "copy_form")]
pub async fn copy_form(form_id: Uuid, project_id: Uuid) -> Result<Uuid, AppError> {
    crate::error::respond(async { super::server::copy_for_caller(form_id, project_id).await }).await
}

#[server(prefix = "/api", endpoint = "delete_form")]
pub async fn delete_form(id: Uuid) -> Result<(), AppError> {
    crate::error::respond(async { super::server::delete_for_caller(id).await }).await
}

/// The version as an exported form file (canonical JSON).
#[server(prefix = "/api", endpoint = "export_form")]
pub async fn export_form(version_id: Uuid) -> Result<String, AppError> {
    crate::error::respond(async {
        let detail = super::server::version_for_caller(version_id).await?;
        Ok(super::format::export_json(&detail.definition))
    })
    .await
}

/// Rewrites one step's instructions (plan awaiting review or failed).
#[server(prefix = "/api", endpoint = "update_plan_step")]
pub async fn update_plan_step(
    version_id: Uuid,
    step_key: String,
    instructions: String,
) -> Result<(), AppError> {
    crate::error::respond(async {
        super::server::edit_plan_for_caller(
            version_id,
            super::server::PlanEdit::Instructions {
                step_key,
                instructions,
            },
        )
        .await
    })
    .await
}

/// Moves a top-level field to another step.
#[server(prefix = "/api", endpoint = "move_plan_field")]
pub async fn move_plan_field(
    version_id: Uuid,
    field_key: String,
    step_key: String,
) -> Result<(), AppError> {
    crate::error::respond(async {
        super::server::edit_plan_for_caller(
            version_id,
            super::server::PlanEdit::MoveField {
                field_key,
                step_key,
            },
        )
        .await
    })
    .await
}

/// Generates the plan again, with written feedback for the generator.
#[server(prefix = "/api", endpoint = "regenerate_plan")]
pub async fn regenerate_plan(version_id: Uuid, feedback: String) -> Result<(), AppError> {
    crate::error::respond(async {
        super::server::regenerate_for_caller(version_id, &feedback).await
    })
    .await
}

/// Makes a reviewed plan active: the version can then be run.
#[server(prefix = "/api", endpoint = "activate_plan")]
pub async fn activate_plan(version_id: Uuid) -> Result<(), AppError> {
    crate::error::respond(async { super::server::activate_for_caller(version_id).await }).await
}

/// The project setting: must a generated plan be reviewed before it is active?
#[server(prefix = "/api", endpoint = "set_plan_review")]
pub async fn set_plan_review(project_id: Uuid, required: bool) -> Result<(), AppError> {
    crate::error::respond(async {
        let (state, _user) = crate::projects::server::caller_for_project(
            project_id,
            crate::auth::authz::Action::Manage,
        )
        .await?;
        super::server::set_review_required(&state.db, project_id, required).await
    })
    .await
}
