//! SQL of the `forms` and `form_versions` tables, versioning, and the plan job.

use serde::Deserialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::api::{
    CopyableForm, FormDetail, FormSummary, FormVersionDetail, FormVersionSummary, PlanStatus,
    SavedForm, problems_error,
};
use super::model::{FORM_FORMAT_TAG, FORM_FORMAT_VERSION, FormDefinition};
use super::plan::{self, ExtractionPlan};
use crate::auth::authz::{Action, decide};
use crate::auth::types::SignedInUser;
use crate::error::AppError;
use crate::jobs::server::{NewJob, enqueue};
use crate::jobs::worker::{JobContext, JobError, JobResult, Registry};

/// Generates the extraction plan of one form version.
pub const PLAN_KIND: &str = "forms.plan";

pub fn register(registry: &mut Registry) {
    registry.register(PLAN_KIND, run_plan_job);
}

// ---------------------------------------------------------------- reading

pub async fn list(pool: &PgPool, project: Uuid) -> Result<Vec<FormSummary>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT f.id, f.project_id, f.name, f.description,
                  f.updated_at AS "updated_at: chrono::DateTime<chrono::Utc>",
                  v.version AS "version?", v.id AS "version_id?", v.plan_status AS "plan_status?"
           FROM forms f
           LEFT JOIN LATERAL (
               SELECT id, version, plan_status FROM form_versions
               WHERE form_id = f.id ORDER BY version DESC LIMIT 1
           ) v ON true
           WHERE f.project_id = $1
           ORDER BY f.updated_at DESC
           LIMIT 500"#,
        project
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(FormSummary {
                id: row.id,
                project_id: row.project_id,
                name: row.name,
                description: row.description,
                latest_version: row.version,
                latest_version_id: row.version_id,
                plan_status: row
                    .plan_status
                    .as_deref()
                    .map(PlanStatus::parse)
                    .transpose()?,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

/// The project of form `id`, or "not found".
async fn project_of_form(pool: &PgPool, id: Uuid) -> Result<Uuid, AppError> {
    sqlx::query_scalar!("SELECT project_id FROM forms WHERE id = $1", id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found("form"))
}

/// The form and project of version `id`, or "not found".
async fn owners_of_version(pool: &PgPool, id: Uuid) -> Result<(Uuid, Uuid), AppError> {
    let row = sqlx::query!(
        r#"SELECT f.id, f.project_id FROM form_versions v JOIN forms f ON f.id = v.form_id
           WHERE v.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("form version"))?;
    Ok((row.id, row.project_id))
}

/// Authorises `action` on the project of form `id`; a form the caller may not
/// see is "form not found".
async fn caller_for_form(
    id: Uuid,
    action: Action,
) -> Result<(crate::platform::Platform, SignedInUser, Uuid, bool), AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    let project = project_of_form(&state.db, id).await?;
    let relation = crate::projects::server::authorize(&state.db, &user, project, action)
        .await
        .map_err(hide_project)?;
    let can_edit = decide(user.role, relation, Action::EditContent).is_ok();
    Ok((state, user, project, can_edit))
}

/// "project not found" would tell an outsider that the form exists.
fn hide_project(err: AppError) -> AppError {
    match err {
        AppError::NotFound(_) => AppError::not_found("form"),
        other => other,
    }
}

pub async fn detail_for_caller(id: Uuid) -> Result<FormDetail, AppError> {
    let (state, _user, project, can_edit) = caller_for_form(id, Action::View).await?;
    let pool = &state.db;
    let form = sqlx::query!(
        r#"SELECT f.name, f.description, p.name AS project_name,
                  f.updated_at AS "updated_at: chrono::DateTime<chrono::Utc>"
           FROM forms f JOIN projects p ON p.id = f.project_id WHERE f.id = $1"#,
        id
    )
    .fetch_one(pool)
    .await?;
    let versions = sqlx::query!(
        r#"SELECT v.id, v.version, v.plan_status, v.change_summary,
                  v.created_at AS "created_at: chrono::DateTime<chrono::Utc>",
                  u.email AS "created_by?",
                  (SELECT count(*) FROM extraction_runs r WHERE r.form_version_id = v.id) AS "run_count!"
           FROM form_versions v LEFT JOIN users u ON u.id = v.created_by
           WHERE v.form_id = $1 ORDER BY v.version DESC"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let versions: Vec<FormVersionSummary> = versions
        .into_iter()
        .map(|v| {
            Ok(FormVersionSummary {
                id: v.id,
                version: v.version,
                plan_status: PlanStatus::parse(&v.plan_status)?,
                change_summary: v.change_summary,
                created_at: v.created_at,
                created_by: v.created_by,
                run_count: v.run_count,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let latest = match versions.first() {
        Some(v) => Some(version_detail(pool, v.id, can_edit).await?),
        None => None,
    };
    Ok(FormDetail {
        form: FormSummary {
            id,
            project_id: project,
            name: form.name,
            description: form.description,
            latest_version: versions.first().map(|v| v.version),
            latest_version_id: versions.first().map(|v| v.id),
            plan_status: versions.first().map(|v| v.plan_status),
            updated_at: form.updated_at,
        },
        project_name: form.project_name,
        can_edit,
        latest,
        versions,
    })
}

pub async fn version_for_caller(id: Uuid) -> Result<FormVersionDetail, AppError> {
    let state = crate::platform::platform()?;
    let (form, _) = owners_of_version(&state.db, id).await?;
    let (state, _user, _project, can_edit) =
        caller_for_form(form, Action::View)
            .await
            .map_err(|err| match err {
                AppError::NotFound(_) => AppError::not_found("form version"),
                other => other,
            })?;
    version_detail(&state.db, id, can_edit).await
}

/// One version with its definition and plan.
pub async fn version_detail(
    pool: &PgPool,
    id: Uuid,
    can_edit: bool,
) -> Result<FormVersionDetail, AppError> {
    let row = sqlx::query!(
        r#"SELECT v.id, v.form_id, f.project_id, v.version, v.definition, v.plan_status, v.plan,
                  v.plan_error, v.plan_feedback, p.require_plan_review,
                  (SELECT count(*) FROM extraction_runs r WHERE r.form_version_id = v.id) AS "run_count!"
           FROM form_versions v JOIN forms f ON f.id = v.form_id
           JOIN projects p ON p.id = f.project_id
           WHERE v.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("form version"))?;
    let definition: FormDefinition = serde_json::from_value(row.definition)
        .map_err(|err| AppError::internal(format!("stored form version {id}: {err}")))?;
    let plan: Option<ExtractionPlan> = row
        .plan
        .map(serde_json::from_value)
        .transpose()
        .map_err(|err| AppError::internal(format!("stored plan of version {id}: {err}")))?;
    Ok(FormVersionDetail {
        id: row.id,
        form_id: row.form_id,
        project_id: row.project_id,
        version: row.version,
        definition,
        plan_status: PlanStatus::parse(&row.plan_status)?,
        plan,
        plan_error: row.plan_error,
        plan_feedback: row.plan_feedback,
        run_count: row.run_count,
        can_edit,
        require_review: row.require_plan_review,
    })
}

// ---------------------------------------------------------------- writing

/// Parses what a client sent as a definition: an exported form file or the
/// bare `FormDefinition` JSON. Every problem is listed.
pub fn parse_definition(text: &str) -> Result<FormDefinition, AppError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|err| {
        AppError::invalid("definition", format!("The form is not valid JSON: {err}"))
    })?;
    let file = if value.get("format").is_some() {
        text.to_owned()
    } else {
        serde_json::json!({
            "format": FORM_FORMAT_TAG,
            "version": FORM_FORMAT_VERSION,
            "form": value,
        })
        .to_string()
    };
    super::format::import_json(&file).map_err(problems_error)
}

pub async fn create(
    pool: &PgPool,
    user: &SignedInUser,
    project: Uuid,
    name: &str,
    preset: &str,
) -> Result<Uuid, AppError> {
    if preset.is_empty() {
        let id = sqlx::query_scalar!(
            "INSERT INTO forms (project_id, name, created_by) VALUES ($1, $2, $3) RETURNING id",
            project,
            name,
            user.id
        )
        .fetch_one(pool)
        .await?;
        return Ok(id);
    }
    let mut definition = super::presets::preset_form(preset)
        .ok_or_else(|| AppError::invalid("preset", format!("There is no preset \"{preset}\"")))?;
    definition.name = name.to_owned();
    create_with(pool, user, project, &definition).await
}

/// A new form whose first version is `definition` (validated here).
pub async fn create_with(
    pool: &PgPool,
    user: &SignedInUser,
    project: Uuid,
    definition: &FormDefinition,
) -> Result<Uuid, AppError> {
    let problems = super::validate::validate(definition);
    if !problems.is_empty() {
        return Err(problems_error(problems));
    }
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO forms (project_id, name, description, created_by)
           VALUES ($1, $2, $3, $4) RETURNING id"#,
        project,
        definition.name,
        definition.description,
        user.id
    )
    .fetch_one(&mut *tx)
    .await?;
    insert_version(
        &mut tx,
        user,
        project,
        id,
        1,
        definition,
        vec!["Created".to_owned()],
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Inserts a version and queues the generation of its plan.
async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: &SignedInUser,
    project: Uuid,
    form: Uuid,
    version: i32,
    definition: &FormDefinition,
    changes: Vec<String>,
) -> Result<Uuid, AppError> {
    let json = serde_json::to_value(definition).map_err(AppError::internal)?;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO form_versions (form_id, version, definition, change_summary, plan_status, created_by)
           VALUES ($1, $2, $3, $4, 'generating', $5) RETURNING id"#,
        form,
        version,
        json,
        &changes,
        user.id
    )
    .fetch_one(&mut **tx)
    .await?;
    queue_plan(tx, user, project, id).await?;
    Ok(id)
}

async fn queue_plan(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: &SignedInUser,
    project: Uuid,
    version: Uuid,
) -> Result<(), AppError> {
    let mut job = NewJob::new(PLAN_KIND, serde_json::json!({ "version_id": version }));
    job.owner_id = Some(user.id);
    job.project_id = Some(project);
    let form = sqlx::query!(
        r#"SELECT f.id, f.name, v.version FROM form_versions v JOIN forms f ON f.id = v.form_id
           WHERE v.id = $1"#,
        version
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(form) = form {
        job.title = Some(format!(
            "Extraction plan for “{}” v{}",
            form.name, form.version
        ));
        job.link = Some(format!("/projects/{project}/forms/{}", form.id));
    }
    job.max_attempts = 3;
    let job_id = enqueue(tx, job).await?;
    sqlx::query!(
        r#"UPDATE form_versions SET plan_status = 'generating', plan = NULL, plan_error = NULL,
               plan_job = $2, updated_at = now() WHERE id = $1"#,
        version,
        job_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn save_for_caller(id: Uuid, text: &str) -> Result<SavedForm, AppError> {
    let (state, user, project, _) = caller_for_form(id, Action::EditContent).await?;
    let definition = parse_definition(text)?;
    save(&state.db, &user, project, id, &definition).await
}

/// Saves `definition` as the form's latest version: in place while no run has
/// used that version, otherwise as a new version, so runs keep what they used.
pub async fn save(
    pool: &PgPool,
    user: &SignedInUser,
    project: Uuid,
    form: Uuid,
    definition: &FormDefinition,
) -> Result<SavedForm, AppError> {
    let problems = super::validate::validate(definition);
    if !problems.is_empty() {
        return Err(problems_error(problems));
    }
    let mut tx = pool.begin().await?;
    // Lock the form row: two saves at once must not both create version n+1.
    sqlx::query!("SELECT id FROM forms WHERE id = $1 FOR UPDATE", form)
        .fetch_one(&mut *tx)
        .await?;
    let latest = sqlx::query!(
        r#"SELECT v.id, v.version, v.definition,
                  EXISTS (SELECT 1 FROM extraction_runs r WHERE r.form_version_id = v.id) AS "used!"
           FROM form_versions v WHERE v.form_id = $1 ORDER BY v.version DESC LIMIT 1"#,
        form
    )
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE forms SET name = $2, description = $3, updated_at = now() WHERE id = $1",
        form,
        definition.name,
        definition.description
    )
    .execute(&mut *tx)
    .await?;
    let saved = match latest {
        None => {
            let version_id = insert_version(
                &mut tx,
                user,
                project,
                form,
                1,
                definition,
                vec!["Created".to_owned()],
            )
            .await?;
            SavedForm {
                version_id,
                version: 1,
                new_version: true,
            }
        }
        Some(latest) => {
            let previous: FormDefinition = serde_json::from_value(latest.definition)
                .map_err(|err| AppError::internal(format!("stored version: {err}")))?;
            if previous == *definition {
                tx.commit().await?;
                return Ok(SavedForm {
                    version_id: latest.id,
                    version: latest.version,
                    new_version: false,
                });
            }
            if latest.used {
                let changes = super::diff::changes(&previous, definition);
                let version_id = insert_version(
                    &mut tx,
                    user,
                    project,
                    form,
                    latest.version + 1,
                    definition,
                    changes,
                )
                .await?;
                SavedForm {
                    version_id,
                    version: latest.version + 1,
                    new_version: true,
                }
            } else {
                // Changes are described against the version before this one.
                let before = sqlx::query_scalar!(
                    "SELECT definition FROM form_versions WHERE form_id = $1 AND version = $2",
                    form,
                    latest.version - 1
                )
                .fetch_optional(&mut *tx)
                .await?;
                let changes = match before.map(serde_json::from_value::<FormDefinition>) {
                    Some(Ok(before)) => super::diff::changes(&before, definition),
                    _ => vec!["Created".to_owned()],
                };
                let json = serde_json::to_value(definition).map_err(AppError::internal)?;
                sqlx::query!(
                    r#"UPDATE form_versions SET definition = $2, change_summary = $3, updated_at = now()
                       WHERE id = $1"#,
                    latest.id,
                    json,
                    &changes
                )
                .execute(&mut *tx)
                .await?;
                queue_plan(&mut tx, user, project, latest.id).await?;
                SavedForm {
                    version_id: latest.id,
                    version: latest.version,
                    new_version: false,
                }
            }
        }
    };
    tx.commit().await?;
    Ok(saved)
}

pub async fn copyable(
    pool: &PgPool,
    user: &SignedInUser,
    project: Uuid,
) -> Result<Vec<CopyableForm>, AppError> {
    let admin = user.role == crate::auth::types::Role::Admin;
    let rows = sqlx::query!(
        r#"SELECT f.id, f.name, p.name AS project_name, v.version
           FROM forms f JOIN projects p ON p.id = f.project_id
           JOIN LATERAL (SELECT version FROM form_versions WHERE form_id = f.id
                         ORDER BY version DESC LIMIT 1) v ON true
           WHERE f.project_id <> $2
             AND ($3 OR p.owner_id = $1 OR EXISTS (
                 SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = $1))
           ORDER BY p.name, f.name
           LIMIT 200"#,
        user.id,
        project,
        admin
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CopyableForm {
            id: r.id,
            name: r.name,
            project_name: r.project_name,
            version: r.version,
        })
        .collect())
}

pub async fn copy_for_caller(form: Uuid, target: Uuid) -> Result<Uuid, AppError> {
    let (state, user, _, _) = caller_for_form(form, Action::View).await?;
    crate::projects::server::authorize(&state.db, &user, target, Action::EditContent).await?;
    let definition = sqlx::query_scalar!(
        "SELECT definition FROM form_versions WHERE form_id = $1 ORDER BY version DESC LIMIT 1",
        form
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::Conflict("This form has not been saved yet".to_owned()))?;
    let definition: FormDefinition = serde_json::from_value(definition)
        .map_err(|err| AppError::internal(format!("stored form {form}: {err}")))?;
    create_with(&state.db, &user, target, &definition).await
}

pub async fn delete_for_caller(id: Uuid) -> Result<(), AppError> {
    let (state, _user, _, _) = caller_for_form(id, Action::EditContent).await?;
    let used = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM extraction_runs r JOIN form_versions v
                          ON v.id = r.form_version_id WHERE v.form_id = $1) AS "used!""#,
        id
    )
    .fetch_one(&state.db)
    .await?;
    if used {
        return Err(AppError::Conflict(
            "Runs have used this form; delete those runs first".to_owned(),
        ));
    }
    sqlx::query!("DELETE FROM forms WHERE id = $1", id)
        .execute(&state.db)
        .await?;
    Ok(())
}

pub async fn set_review_required(
    pool: &PgPool,
    project: Uuid,
    required: bool,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE projects SET require_plan_review = $2, updated_at = now() WHERE id = $1",
        project,
        required
    )
    .execute(pool)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- plans

/// A reviewer's change to a generated plan.
pub enum PlanEdit {
    Instructions {
        step_key: String,
        instructions: String,
    },
    MoveField {
        field_key: String,
        step_key: String,
    },
}

/// The version (locked for update) and its authorisation, for plan changes.
async fn version_for_change(
    version: Uuid,
) -> Result<(crate::platform::Platform, SignedInUser, Uuid), AppError> {
    let state = crate::platform::platform()?;
    let (form, _) = owners_of_version(&state.db, version).await?;
    let (state, user, project, _) =
        caller_for_form(form, Action::EditContent)
            .await
            .map_err(|err| match err {
                AppError::NotFound(_) => AppError::not_found("form version"),
                other => other,
            })?;
    Ok((state, user, project))
}

pub async fn edit_plan_for_caller(version: Uuid, edit: PlanEdit) -> Result<(), AppError> {
    let (state, _user, _) = version_for_change(version).await?;
    let mut tx = state.db.begin().await?;
    let row = sqlx::query!(
        r#"SELECT v.definition, v.plan, v.plan_status, p.require_plan_review,
                  EXISTS (SELECT 1 FROM extraction_runs r WHERE r.form_version_id = v.id) AS "used!"
           FROM form_versions v JOIN forms f ON f.id = v.form_id JOIN projects p ON p.id = f.project_id
           WHERE v.id = $1 FOR UPDATE OF v"#,
        version
    )
    .fetch_one(&mut *tx)
    .await?;
    if row.used {
        return Err(AppError::Conflict(
            "Runs have used this plan; save the form to make a new version".to_owned(),
        ));
    }
    let status = PlanStatus::parse(&row.plan_status)?;
    if !matches!(status, PlanStatus::AwaitingReview | PlanStatus::Active) {
        return Err(AppError::Conflict(format!(
            "The plan cannot be edited while it is {}",
            status.label().to_lowercase()
        )));
    }
    let definition: FormDefinition = serde_json::from_value(row.definition)
        .map_err(|err| AppError::internal(format!("stored version {version}: {err}")))?;
    let mut plan: ExtractionPlan = row
        .plan
        .map(serde_json::from_value)
        .transpose()
        .map_err(|err| AppError::internal(format!("stored plan {version}: {err}")))?
        .ok_or_else(|| AppError::Conflict("The plan has not been generated".to_owned()))?;
    apply_edit(&mut plan, edit)?;
    let problems = plan::check_plan(&definition, &plan);
    if !problems.is_empty() {
        return Err(AppError::invalid("plan", problems.join("; ")));
    }
    let json = serde_json::to_value(&plan).map_err(AppError::internal)?;
    // An edited plan is reviewed again before it is active, where review is required.
    let status = if row.require_plan_review {
        PlanStatus::AwaitingReview
    } else {
        status
    };
    sqlx::query!(
        "UPDATE form_versions SET plan = $2, plan_status = $3, updated_at = now() WHERE id = $1",
        version,
        json,
        status.as_str()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Applies one edit; unknown steps and fields are validation errors.
pub fn apply_edit(plan: &mut ExtractionPlan, edit: PlanEdit) -> Result<(), AppError> {
    match edit {
        PlanEdit::Instructions {
            step_key,
            instructions,
        } => {
            let instructions = instructions.trim();
            if instructions.is_empty() || instructions.chars().count() > 8000 {
                return Err(AppError::invalid(
                    "instructions",
                    "Instructions have 1 to 8,000 characters",
                ));
            }
            let step = plan
                .steps
                .iter_mut()
                .find(|s| s.key == step_key)
                .ok_or_else(|| AppError::invalid("step_key", "There is no such step"))?;
            step.instructions = instructions.to_owned();
        }
        PlanEdit::MoveField {
            field_key,
            step_key,
        } => {
            if !plan.steps.iter().any(|s| s.key == step_key) {
                return Err(AppError::invalid("step_key", "There is no such step"));
            }
            let mut found = false;
            for step in &mut plan.steps {
                let before = step.field_keys.len();
                step.field_keys.retain(|k| *k != field_key);
                found |= step.field_keys.len() != before;
            }
            if !found {
                return Err(AppError::invalid(
                    "field_key",
                    "That field is not in the plan",
                ));
            }
            if let Some(step) = plan.steps.iter_mut().find(|s| s.key == step_key) {
                step.field_keys.push(field_key);
            }
            // A step left without fields has nothing to ask.
            plan.steps.retain(|s| !s.field_keys.is_empty());
            let keys: Vec<String> = plan.steps.iter().map(|s| s.key.clone()).collect();
            for step in &mut plan.steps {
                step.depends_on.retain(|d| keys.contains(d));
            }
        }
    }
    Ok(())
}

pub async fn regenerate_for_caller(version: Uuid, feedback: &str) -> Result<(), AppError> {
    let (state, user, project) = version_for_change(version).await?;
    if feedback.chars().count() > 4000 {
        return Err(AppError::invalid(
            "feedback",
            "Feedback has at most 4,000 characters",
        ));
    }
    let mut tx = state.db.begin().await?;
    let used = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM extraction_runs WHERE form_version_id = $1) AS "used!""#,
        version
    )
    .fetch_one(&mut *tx)
    .await?;
    if used {
        return Err(AppError::Conflict(
            "Runs have used this plan; save the form to make a new version".to_owned(),
        ));
    }
    sqlx::query!(
        "UPDATE form_versions SET plan_feedback = $2 WHERE id = $1",
        version,
        feedback.trim()
    )
    .execute(&mut *tx)
    .await?;
    queue_plan(&mut tx, &user, project, version).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn activate_for_caller(version: Uuid) -> Result<(), AppError> {
    let (state, _user, _) = version_for_change(version).await?;
    let updated = sqlx::query!(
        r#"UPDATE form_versions SET plan_status = 'active', updated_at = now()
           WHERE id = $1 AND plan_status = 'awaiting_review' AND plan IS NOT NULL"#,
        version
    )
    .execute(&state.db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "Only a generated plan awaiting review can be activated".to_owned(),
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct PlanPayload {
    version_id: Uuid,
}

/// Generates the plan of a version: deterministic grouping, checked before use.
async fn run_plan_job(ctx: JobContext) -> JobResult {
    let payload: PlanPayload = ctx.payload()?;
    let retry = |err: sqlx::Error| JobError::Retry(format!("database: {err}"));
    let row = sqlx::query!(
        r#"SELECT v.definition, v.plan_job, p.require_plan_review
           FROM form_versions v JOIN forms f ON f.id = v.form_id JOIN projects p ON p.id = f.project_id
           WHERE v.id = $1"#,
        payload.version_id
    )
    .fetch_optional(&ctx.db)
    .await
    .map_err(retry)?;
    let Some(row) = row else {
        ctx.log("The form version no longer exists.").await;
        return Ok(());
    };
    if row.plan_job != Some(ctx.job.id) {
        ctx.log("A newer plan generation replaced this one.").await;
        return Ok(());
    }
    let outcome = serde_json::from_value::<FormDefinition>(row.definition)
        .map_err(|err| vec![format!("the stored form cannot be read: {err}")])
        .and_then(|definition| {
            let plan = plan::deterministic_plan(&definition);
            let mut problems = plan::check_plan(&definition, &plan);
            for step in &plan.steps {
                let schema = plan::step_schema(&definition, step);
                problems.extend(
                    plan::check_strict_subset(&schema)
                        .into_iter()
                        .map(|p| format!("step {}: {p}", step.key)),
                );
            }
            if problems.is_empty() {
                Ok(plan)
            } else {
                Err(problems)
            }
        });
    let (status, plan, error) = match outcome {
        Ok(plan) => {
            let json = serde_json::to_value(&plan)
                .map_err(|err| JobError::Fail(format!("plan to JSON: {err}")))?;
            ctx.log(&format!("Generated a plan of {} steps.", plan.steps.len()))
                .await;
            let status = if row.require_plan_review {
                PlanStatus::AwaitingReview
            } else {
                PlanStatus::Active
            };
            (status, Some(json), None)
        }
        Err(problems) => {
            let reason = format!("The plan could not be generated: {}", problems.join("; "));
            ctx.log(&reason).await;
            (PlanStatus::Failed, None, Some(reason))
        }
    };
    sqlx::query!(
        r#"UPDATE form_versions SET plan_status = $3, plan = $4, plan_error = $5, updated_at = now()
           WHERE id = $1 AND plan_job = $2"#,
        payload.version_id,
        ctx.job.id,
        status.as_str(),
        plan,
        error
    )
    .execute(&ctx.db)
    .await
    .map_err(retry)?;
    Ok(())
}
