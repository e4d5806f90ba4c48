//! SQL of `extraction_runs`, `run_documents`, `run_steps`, `extracted_values`;
//! starting, cancelling and retrying runs; reading their progress and values.
//! The run job itself is in `run_job.rs`.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::api::{
    ExtractedValue, ExtractorKind, RunCounts, RunDetail, RunDocument, RunSetup, RunStatus,
    RunSummary, RunnableForm,
};
use super::seeds::{SeedableDocument, parse_seeds};
use crate::auth::authz::{Action, decide};
use crate::auth::types::SignedInUser;
use crate::error::AppError;
use crate::jobs::server::{NewJob, enqueue};
use crate::platform::Platform;

pub const RUN_KIND: &str = "extraction.run";

/// The project of run `id`, or "run not found".
async fn project_of_run(pool: &PgPool, id: Uuid) -> Result<Uuid, AppError> {
    sqlx::query_scalar!("SELECT project_id FROM extraction_runs WHERE id = $1", id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found("run"))
}

/// Authorises `action` on the project of run `id`; also whether the caller may run.
pub async fn caller_for_run(
    id: Uuid,
    action: Action,
) -> Result<(Platform, SignedInUser, Uuid, bool), AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    let project = project_of_run(&state.db, id).await?;
    let relation = crate::projects::server::authorize(&state.db, &user, project, action)
        .await
        .map_err(|err| match err {
            AppError::NotFound(_) => AppError::not_found("run"),
            other => other,
        })?;
    let can_run = decide(user.role, relation, Action::Run).is_ok();
    Ok((state, user, project, can_run))
}

struct SummaryRow {
    id: Uuid,
    project_id: Uuid,
    form_id: Uuid,
    form_name: String,
    form_version: i32,
    extractor: String,
    model: String,
    status: String,
    job_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    created_by: Option<String>,
}

async fn counts(pool: &PgPool, run: Uuid) -> Result<RunCounts, AppError> {
    let steps = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE status = 'done') AS "done!",
                  count(*) FILTER (WHERE status = 'failed') AS "failed!",
                  coalesce(sum(tokens_in), 0)::bigint AS "tokens_in!",
                  coalesce(sum(tokens_out), 0)::bigint AS "tokens_out!",
                  coalesce(sum(cost_usd), 0)::float8 AS "cost!"
           FROM run_steps WHERE run_id = $1"#,
        run
    )
    .fetch_one(pool)
    .await?;
    let values = sqlx::query!(
        r#"SELECT count(*) AS "values!",
                  count(*) FILTER (WHERE NOT not_reported AND grounded AND supported AND derivation IS NULL AND NOT seeded) AS "verified!",
                  count(*) FILTER (WHERE NOT not_reported AND grounded) AS "grounded!",
                  count(*) FILTER (WHERE NOT not_reported AND grounded AND NOT supported) AS "unsupported!",
                  count(*) FILTER (WHERE NOT not_reported AND NOT grounded AND NOT seeded) AS "ungrounded!",
                  count(*) FILTER (WHERE not_reported) AS "not_reported!",
                  count(*) FILTER (WHERE derivation IS NOT NULL) AS "derived!"
           FROM extracted_values WHERE run_id = $1"#,
        run
    )
    .fetch_one(pool)
    .await?;
    let documents = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM run_documents WHERE run_id = $1"#,
        run
    )
    .fetch_one(pool)
    .await?;
    let steps_per_document = sqlx::query_scalar!(
        r#"SELECT coalesce(jsonb_array_length(v.plan->'steps'), 0) AS "n!"
           FROM extraction_runs r JOIN form_versions v ON v.id = r.form_version_id WHERE r.id = $1"#,
        run
    )
    .fetch_one(pool)
    .await?;
    Ok(RunCounts {
        documents,
        steps_total: documents * i64::from(steps_per_document),
        steps_done: steps.done,
        steps_failed: steps.failed,
        values: values.values,
        verified: values.verified,
        grounded: values.grounded,
        unsupported: values.unsupported,
        ungrounded: values.ungrounded,
        not_reported: values.not_reported,
        derived: values.derived,
        tokens_in: steps.tokens_in,
        tokens_out: steps.tokens_out,
        cost_usd: steps.cost,
    })
}

async fn summary(pool: &PgPool, row: SummaryRow) -> Result<RunSummary, AppError> {
    Ok(RunSummary {
        counts: counts(pool, row.id).await?,
        id: row.id,
        project_id: row.project_id,
        form_id: row.form_id,
        form_name: row.form_name,
        form_version: row.form_version,
        extractor: ExtractorKind::parse(&row.extractor)?,
        model: row.model,
        status: RunStatus::parse(&row.status)?,
        job_id: row.job_id,
        created_at: row.created_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        created_by: row.created_by,
    })
}

/// Runs of `project` (newest first, at most 100), or the one run `run`.
async fn summary_rows(
    pool: &PgPool,
    project: Option<Uuid>,
    run: Option<Uuid>,
) -> Result<Vec<SummaryRow>, AppError> {
    Ok(sqlx::query_as!(
        SummaryRow,
        r#"SELECT r.id, r.project_id, f.id AS form_id, f.name AS form_name, v.version AS form_version,
                  r.extractor, r.model, r.status, r.job_id,
                  r.created_at AS "created_at: DateTime<Utc>",
                  r.started_at AS "started_at: DateTime<Utc>",
                  r.finished_at AS "finished_at: DateTime<Utc>",
                  u.email AS "created_by?"
           FROM extraction_runs r
           JOIN form_versions v ON v.id = r.form_version_id
           JOIN forms f ON f.id = v.form_id
           LEFT JOIN users u ON u.id = r.created_by
           WHERE ($1::uuid IS NULL OR r.project_id = $1) AND ($2::uuid IS NULL OR r.id = $2)
           ORDER BY r.created_at DESC
           LIMIT 100"#,
        project,
        run
    )
    .fetch_all(pool)
    .await?)
}

pub async fn list(pool: &PgPool, project: Uuid) -> Result<Vec<RunSummary>, AppError> {
    let rows = summary_rows(pool, Some(project), None).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(summary(pool, row).await?);
    }
    Ok(out)
}

pub async fn options(state: &Platform, project: Uuid) -> Result<RunSetup, AppError> {
    let forms = sqlx::query!(
        r#"SELECT v.id, f.name, v.version FROM form_versions v JOIN forms f ON f.id = v.form_id
           WHERE f.project_id = $1 AND v.plan_status = 'active'
           ORDER BY f.name, v.version DESC"#,
        project
    )
    .fetch_all(&state.db)
    .await?;
    let ready_documents = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM documents WHERE project_id = $1 AND status = 'ready'"#,
        project
    )
    .fetch_one(&state.db)
    .await?;
    let documents = sqlx::query!(
        r#"SELECT id, original_name FROM documents WHERE project_id = $1 AND status = 'ready'
           ORDER BY original_name LIMIT 1000"#,
        project
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|d| (d.id, d.original_name))
    .collect();
    Ok(RunSetup {
        documents,
        forms: forms
            .into_iter()
            .map(|r| RunnableForm {
                version_id: r.id,
                form_name: r.name,
                version: r.version,
            })
            .collect(),
        ready_documents,
        llm_model: state.config.llm.as_ref().map(|l| l.model.clone()),
    })
}

pub async fn detail_for_caller(id: Uuid) -> Result<RunDetail, AppError> {
    let (state, _user, _project, can_run) = caller_for_run(id, Action::View).await?;
    let pool = &state.db;
    let row = summary_rows(pool, None, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("run"))?;
    let project_name =
        sqlx::query_scalar!("SELECT name FROM projects WHERE id = $1", row.project_id)
            .fetch_one(pool)
            .await?;
    let run = summary(pool, row).await?;
    let documents = sqlx::query!(
        r#"SELECT d.id, d.original_name,
                  (SELECT count(*) FROM run_steps s WHERE s.run_id = rd.run_id AND s.document_id = d.id AND s.status = 'done') AS "done!",
                  (SELECT count(*) FROM run_steps s WHERE s.run_id = rd.run_id AND s.document_id = d.id AND s.status = 'failed') AS "failed!",
                  (SELECT count(*) FROM extracted_values e WHERE e.run_id = rd.run_id AND e.document_id = d.id) AS "values!",
                  (SELECT count(*) FROM extracted_values e WHERE e.run_id = rd.run_id AND e.document_id = d.id
                      AND NOT e.not_reported AND e.grounded AND e.supported AND NOT e.seeded) AS "verified!",
                  coalesce((SELECT array_agg(s.step_key || ': ' || coalesce(s.error, 'failed') ORDER BY s.step_key)
                            FROM run_steps s WHERE s.run_id = rd.run_id AND s.document_id = d.id AND s.status = 'failed'),
                           '{}') AS "failures!"
           FROM run_documents rd JOIN documents d ON d.id = rd.document_id
           WHERE rd.run_id = $1
           ORDER BY d.original_name
           LIMIT 2000"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let steps_per_document = if run.counts.documents > 0 {
        run.counts.steps_total / run.counts.documents
    } else {
        0
    };
    Ok(RunDetail {
        run,
        project_name,
        steps_per_document,
        documents: documents
            .into_iter()
            .map(|d| RunDocument {
                document_id: d.id,
                name: d.original_name,
                steps_done: d.done,
                steps_failed: d.failed,
                values: d.values,
                verified: d.verified,
                failures: d.failures,
            })
            .collect(),
        can_run,
    })
}

/// What `start` needs.
pub struct NewRun<'a> {
    pub project: Uuid,
    pub form_version: Uuid,
    pub extractor: ExtractorKind,
    /// Comma-separated document ids; empty = every ready document.
    pub documents: &'a str,
    pub seeds_csv: &'a str,
}

pub async fn start(
    state: &Platform,
    user: &SignedInUser,
    new: NewRun<'_>,
) -> Result<Uuid, AppError> {
    let pool = &state.db;
    let version = sqlx::query!(
        r#"SELECT v.definition, v.plan_status FROM form_versions v JOIN forms f ON f.id = v.form_id
           WHERE v.id = $1 AND f.project_id = $2"#,
        new.form_version,
        new.project
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| {
        AppError::invalid(
            "form_version_id",
            "There is no such form version in this project",
        )
    })?;
    if version.plan_status != "active" {
        return Err(AppError::invalid(
            "form_version_id",
            "This form version's plan is not active yet; review and activate it first",
        ));
    }
    let definition: crate::forms::model::FormDefinition =
        serde_json::from_value(version.definition)
            .map_err(|err| AppError::internal(format!("stored form version: {err}")))?;
    let model = match new.extractor {
        ExtractorKind::Offline => "offline".to_owned(),
        ExtractorKind::Openai => match &state.config.llm {
            Some(llm) => llm.model.clone(),
            None => {
                return Err(AppError::invalid(
                    "extractor",
                    "No language model endpoint is configured (EVISTREAM_LLM_BASE_URL); use the offline extractor",
                ));
            }
        },
    };
    if new.extractor == ExtractorKind::Openai {
        crate::spending::server::check_open(pool, new.project).await?;
    }
    let ready = sqlx::query!(
        r#"SELECT id, original_name, doi, title FROM documents
           WHERE project_id = $1 AND status = 'ready' ORDER BY original_name"#,
        new.project
    )
    .fetch_all(pool)
    .await?;
    let wanted: Vec<Uuid> = if new.documents.trim().is_empty() {
        ready.iter().map(|d| d.id).collect()
    } else {
        let mut ids = Vec::new();
        for raw in new
            .documents
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let id = Uuid::parse_str(raw).map_err(|_| {
                AppError::invalid("document_ids", format!("\"{raw}\" is not a document id"))
            })?;
            if !ready.iter().any(|d| d.id == id) {
                return Err(AppError::invalid(
                    "document_ids",
                    format!("Document {id} is not a ready document of this project"),
                ));
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    };
    if wanted.is_empty() {
        return Err(AppError::invalid(
            "document_ids",
            "There are no ready documents to run on; upload PDFs and wait for their conversion",
        ));
    }
    let seedable: Vec<SeedableDocument> = ready
        .iter()
        .filter(|d| wanted.contains(&d.id))
        .map(|d| SeedableDocument {
            id: d.id,
            name: d.original_name.clone(),
            doi: d.doi.clone(),
            title: d.title.clone(),
        })
        .collect();
    let seeds = parse_seeds(new.seeds_csv, &definition, &seedable).map_err(|problems| {
        AppError::Validation {
            message: format!(
                "The seeded entries have {} problem{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ),
            fields: problems
                .into_iter()
                .map(|message| crate::error::FieldError {
                    field: "seeds_csv".to_owned(),
                    message,
                })
                .collect(),
        }
    })?;
    let mut tx = pool.begin().await?;
    let run = sqlx::query_scalar!(
        r#"INSERT INTO extraction_runs (project_id, form_version_id, extractor, model, created_by)
           VALUES ($1, $2, $3, $4, $5) RETURNING id"#,
        new.project,
        new.form_version,
        new.extractor.as_str(),
        model,
        user.id
    )
    .fetch_one(&mut *tx)
    .await?;
    let empty = serde_json::json!({});
    for document in &wanted {
        let document_seeds = match seeds.get(document) {
            Some(s) => serde_json::to_value(s).map_err(AppError::internal)?,
            None => empty.clone(),
        };
        sqlx::query!(
            "INSERT INTO run_documents (run_id, document_id, seeds) VALUES ($1, $2, $3)",
            run,
            document,
            document_seeds
        )
        .execute(&mut *tx)
        .await?;
    }
    queue_run_job(&mut tx, user.id, new.project, run).await?;
    tx.commit().await?;
    Ok(run)
}

async fn queue_run_job(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    owner: Uuid,
    project: Uuid,
    run: Uuid,
) -> Result<(), AppError> {
    let mut job = NewJob::new(RUN_KIND, serde_json::json!({ "run_id": run }));
    job.owner_id = Some(owner);
    job.project_id = Some(project);
    let form = sqlx::query_scalar!(
        r#"SELECT f.name FROM extraction_runs r
           JOIN form_versions v ON v.id = r.form_version_id JOIN forms f ON f.id = v.form_id
           WHERE r.id = $1"#,
        run
    )
    .fetch_optional(&mut **tx)
    .await?;
    job.title = Some(match form {
        Some(form) => format!("Extraction run of “{form}”"),
        None => "Extraction run".to_owned(),
    });
    job.link = Some(format!("/projects/{project}/runs/{run}"));
    job.max_attempts = 10;
    let job_id = enqueue(tx, job).await?;
    sqlx::query!(
        "UPDATE extraction_runs SET job_id = $2, status = 'queued', finished_at = NULL WHERE id = $1",
        run,
        job_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn cancel_for_caller(id: Uuid) -> Result<(), AppError> {
    let (state, _user, _, _) = caller_for_run(id, Action::Run).await?;
    let job = sqlx::query!(
        "SELECT job_id, status FROM extraction_runs WHERE id = $1",
        id
    )
    .fetch_one(&state.db)
    .await?;
    if RunStatus::parse(&job.status)?.is_finished() {
        return Err(AppError::Conflict(
            "The run has already finished".to_owned(),
        ));
    }
    if let Some(job_id) = job.job_id {
        crate::jobs::server::request_cancel(&state.db, job_id).await?;
    }
    // A queued run that no worker has started yet ends here; a running one is
    // marked by its job when it stops.
    sqlx::query!(
        r#"UPDATE extraction_runs SET status = 'cancelled', finished_at = now()
           WHERE id = $1 AND status = 'queued'"#,
        id
    )
    .execute(&state.db)
    .await?;
    Ok(())
}

pub async fn retry_for_caller(id: Uuid) -> Result<(), AppError> {
    let (state, user, project, _) = caller_for_run(id, Action::Run).await?;
    let mut tx = state.db.begin().await?;
    let status = sqlx::query_scalar!(
        "SELECT status FROM extraction_runs WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !RunStatus::parse(&status)?.is_finished() {
        return Err(AppError::Conflict("The run is still going".to_owned()));
    }
    // Failed steps are forgotten so the job does them again; done steps stay.
    sqlx::query!(
        "DELETE FROM run_steps WHERE run_id = $1 AND status = 'failed'",
        id
    )
    .execute(&mut *tx)
    .await?;
    queue_run_job(&mut tx, user.id, project, id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn values_for_caller(
    id: Uuid,
    document: Option<Uuid>,
    offset: i64,
    limit: i64,
) -> Result<Vec<ExtractedValue>, AppError> {
    let (state, _user, _, _) = caller_for_run(id, Action::View).await?;
    let rows = sqlx::query!(
        r#"SELECT e.document_id, d.original_name, e.field_path, e.value, e.not_reported, e.quote,
                  e.page, e.char_start, e.char_end, e.grounded, e.supported, e.seeded, e.confidence,
                  e.derivation, e.text_version <> d.text_version AS "stale!"
           FROM extracted_values e JOIN documents d ON d.id = e.document_id
           WHERE e.run_id = $1 AND ($2::uuid IS NULL OR e.document_id = $2)
           ORDER BY d.original_name, e.document_id, e.id
           OFFSET $3 LIMIT $4"#,
        id,
        document,
        offset,
        limit
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ExtractedValue {
            document_id: r.document_id,
            document_name: r.original_name,
            field_path: r.field_path,
            value: r.value,
            not_reported: r.not_reported,
            quote: r.quote,
            page: r.page,
            char_start: r.char_start,
            char_end: r.char_end,
            grounded: r.grounded,
            supported: r.supported,
            seeded: r.seeded,
            confidence: r.confidence,
            derivation: r.derivation,
            stale: r.stale,
        })
        .collect())
}
