//! SQL of `gold_standards` and `evaluations`: reading a CSV against the
//! project's documents, taking a run's reviewed values as gold, scoring a
//! run and keeping the result.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::api::{
    EvaluationDetail, EvaluationSummary, GoldPreview, GoldSaved, GoldSummary, MAX_GOLD_CSV_BYTES,
};
use super::gold::parse_gold_csv;
use super::mapping::{GoldMapping, suggest_mapping};
use super::metrics::{Evaluation, EvaluationSettings, RunValue, evaluate};
use super::paths::{label, leaves};
use super::standard::{GoldDocument, GoldStandard, ReviewedValue};
use crate::auth::authz::{Action, decide};
use crate::error::AppError;
use crate::forms::model::FormDefinition;
use crate::review::model::{ReviewStatus, ValueFacts};

const MAX_NAME_CHARS: usize = 200;

struct RunForm {
    project: Uuid,
    form_id: Uuid,
    definition: FormDefinition,
}

async fn run_form(pool: &PgPool, run: Uuid) -> Result<RunForm, AppError> {
    let row = sqlx::query!(
        r#"SELECT r.project_id, v.form_id, v.definition
           FROM extraction_runs r JOIN form_versions v ON v.id = r.form_version_id
           WHERE r.id = $1"#,
        run
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("run"))?;
    Ok(RunForm {
        project: row.project_id,
        form_id: row.form_id,
        definition: serde_json::from_value(row.definition)
            .map_err(|err| AppError::internal(format!("stored form of run {run}: {err}")))?,
    })
}

fn check_csv(csv: &str) -> Result<(), AppError> {
    if csv.len() > MAX_GOLD_CSV_BYTES {
        return Err(AppError::invalid(
            "csv",
            format!(
                "The file is larger than {} MB",
                MAX_GOLD_CSV_BYTES / 1024 / 1024
            ),
        ));
    }
    if csv.trim().is_empty() {
        return Err(AppError::invalid("csv", "The file is empty"));
    }
    Ok(())
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::invalid(
            "name",
            format!("Give the gold standard a name of 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

pub async fn preview_for_caller(run: Uuid, csv: &str) -> Result<GoldPreview, AppError> {
    let (state, _user, _, _) =
        crate::extraction::runs::caller_for_run(run, Action::Evaluate).await?;
    check_csv(csv)?;
    let form = run_form(&state.db, run).await?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|err| AppError::invalid("csv", format!("The file is not a readable CSV: {err}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().count();
    Ok(GoldPreview {
        suggestions: suggest_mapping(&headers, &form.definition),
        headers,
        fields: leaves(&form.definition.fields)
            .into_iter()
            .map(|(pattern, chain)| (pattern, label(&chain)))
            .collect(),
        rows,
    })
}

async fn project_documents(pool: &PgPool, project: Uuid) -> Result<Vec<GoldDocument>, AppError> {
    Ok(sqlx::query!(
        "SELECT id, original_name, doi, title FROM documents WHERE project_id = $1",
        project
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|d| GoldDocument {
        id: d.id,
        file_name: d.original_name,
        doi: d.doi,
        title: d.title,
    })
    .collect())
}

pub async fn save_csv_for_caller(
    run: Uuid,
    name: &str,
    csv: &str,
    mapping: &str,
) -> Result<GoldSaved, AppError> {
    let (state, user, _, _) =
        crate::extraction::runs::caller_for_run(run, Action::Evaluate).await?;
    let name = check_name(name)?;
    check_csv(csv)?;
    let mapping: GoldMapping = serde_json::from_str(mapping)
        .map_err(|err| AppError::invalid("mapping", format!("The mapping is not valid: {err}")))?;
    let form = run_form(&state.db, run).await?;
    let documents = project_documents(&state.db, form.project).await?;
    let standard = match parse_gold_csv(csv.as_bytes(), &form.definition, &documents, &mapping) {
        Ok(standard) => standard,
        Err(problems) => {
            tracing::info!(run = %run, problems = problems.len(), "gold standard refused");
            return Ok(GoldSaved { id: None, problems });
        }
    };
    let id = store_gold(
        &state.db,
        &form,
        &name,
        "csv",
        None,
        Some(&mapping),
        &standard,
        user.id,
    )
    .await?;
    Ok(GoldSaved {
        id: Some(id),
        problems: Vec::new(),
    })
}

#[allow(clippy::too_many_arguments)]
async fn store_gold(
    pool: &PgPool,
    form: &RunForm,
    name: &str,
    source: &str,
    source_run: Option<Uuid>,
    mapping: Option<&GoldMapping>,
    standard: &GoldStandard,
    user: Uuid,
) -> Result<Uuid, AppError> {
    let json = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|err| AppError::internal(format!("gold standard as JSON: {err}")))
    };
    let mapping = mapping.map(|m| json(serde_json::to_value(m))).transpose()?;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO gold_standards (project_id, form_id, name, source, source_run_id, mapping,
                                       standard, value_count, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"#,
        form.project,
        form.form_id,
        name,
        source,
        source_run,
        mapping,
        json(serde_json::to_value(standard))?,
        standard.values.len().min(i32::MAX as usize) as i32,
        user
    )
    .fetch_one(pool)
    .await?;
    tracing::info!(gold = %id, source, values = standard.values.len(), "gold standard saved");
    Ok(id)
}

pub async fn gold_from_run_for_caller(run: Uuid, name: &str) -> Result<Uuid, AppError> {
    let (state, user, _, _) =
        crate::extraction::runs::caller_for_run(run, Action::Evaluate).await?;
    let name = check_name(name)?;
    let form = run_form(&state.db, run).await?;
    let reviewed: Vec<ReviewedValue> = sqlx::query!(
        r#"SELECT document_id, field_path, reviewed_value, reviewed_not_reported AS "not_reported!"
           FROM extracted_values WHERE run_id = $1 AND review_status IS NOT NULL
           ORDER BY id"#,
        run
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| ReviewedValue {
        document_id: r.document_id,
        field_path: r.field_path,
        value: r.reviewed_value,
        not_reported: r.not_reported,
    })
    .collect();
    if reviewed.is_empty() {
        return Err(AppError::invalid(
            "run_id",
            "Nobody has reviewed a value of this run yet",
        ));
    }
    let standard = GoldStandard::from_reviewed(&form.definition, &BTreeMap::new(), &reviewed);
    store_gold(
        &state.db,
        &form,
        &name,
        "run",
        Some(run),
        None,
        &standard,
        user.id,
    )
    .await
}

pub async fn list_gold_for_caller(project: Uuid) -> Result<Vec<GoldSummary>, AppError> {
    let (state, _) = crate::projects::server::caller_for_project(project, Action::View).await?;
    let rows = sqlx::query!(
        r#"SELECT g.id, g.name, g.form_id, f.name AS form_name, g.source, g.value_count,
                  jsonb_array_length(g.standard -> 'documents') AS "documents!",
                  g.created_at AS "created_at: DateTime<Utc>"
           FROM gold_standards g JOIN forms f ON f.id = g.form_id
           WHERE g.project_id = $1 ORDER BY g.created_at DESC LIMIT 200"#,
        project
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| GoldSummary {
            id: r.id,
            name: r.name,
            form_id: r.form_id,
            form_name: r.form_name,
            source: r.source,
            documents: r.documents.max(0) as usize,
            values: r.value_count,
            created_at: r.created_at,
        })
        .collect())
}

pub async fn evaluate_for_caller(run: Uuid, gold: Uuid, reviewed: bool) -> Result<Uuid, AppError> {
    let (state, user, project, _) =
        crate::extraction::runs::caller_for_run(run, Action::Evaluate).await?;
    let pool = &state.db;
    let form = run_form(pool, run).await?;
    let stored = sqlx::query!(
        "SELECT form_id, standard FROM gold_standards WHERE id = $1 AND project_id = $2",
        gold,
        project
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("gold standard"))?;
    if stored.form_id != form.form_id {
        return Err(AppError::invalid(
            "gold_id",
            "This gold standard is for another form",
        ));
    }
    let standard: GoldStandard = serde_json::from_value(stored.standard)
        .map_err(|err| AppError::internal(format!("stored gold standard {gold}: {err}")))?;
    let values: Vec<RunValue> = sqlx::query!(
        r#"SELECT e.document_id, e.field_path,
                  CASE WHEN $2 AND e.review_status IS NOT NULL THEN e.reviewed_value ELSE e.value END AS value,
                  CASE WHEN $2 AND e.review_status IS NOT NULL THEN e.reviewed_not_reported ELSE e.not_reported END AS "not_reported!",
                  e.grounded, e.supported, e.seeded, e.confidence, e.derivation IS NOT NULL AS "derived!",
                  e.text_version <> d.text_version AS "stale!", e.review_status
           FROM extracted_values e JOIN documents d ON d.id = e.document_id
           WHERE e.run_id = $1"#,
        run,
        reviewed
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|v| {
        let facts = ValueFacts {
            not_reported: v.not_reported,
            grounded: v.grounded,
            supported: v.supported,
            derived: v.derived,
            seeded: v.seeded,
            stale: v.stale,
            confidence: v.confidence,
            review: if reviewed {
                v.review_status.as_deref().and_then(ReviewStatus::parse)
            } else {
                None
            },
        };
        // After review, a value a person accepted or corrected counts as
        // checked, as one eviStream verified does.
        let verified = facts.state().is_verified() || facts.review.is_some();
        RunValue {
            document_id: v.document_id,
            field_path: v.field_path,
            value: v.value,
            not_reported: v.not_reported,
            verified,
        }
    })
    .collect();
    let settings = EvaluationSettings::default();
    let started = std::time::Instant::now();
    let result = evaluate(&form.definition, &standard, &values, &settings);
    let as_json = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|err| AppError::internal(format!("evaluation as JSON: {err}")))
    };
    let id = sqlx::query_scalar!(
        r#"INSERT INTO evaluations (project_id, run_id, gold_standard_id, reviewed, settings, result,
                                    accuracy, verified_accuracy, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"#,
        project,
        run,
        gold,
        reviewed,
        as_json(serde_json::to_value(&settings))?,
        as_json(serde_json::to_value(&result))?,
        result.all_values.ratios.accuracy,
        result.verified_only.ratios.accuracy,
        user.id
    )
    .fetch_one(pool)
    .await?;
    tracing::info!(evaluation = %id, run = %run, gold = %gold, ms = started.elapsed().as_millis() as u64, "run evaluated");
    Ok(id)
}

struct SummaryRow {
    id: Uuid,
    project_id: Uuid,
    run_id: Uuid,
    form_name: String,
    version: i32,
    model: String,
    run_created: DateTime<Utc>,
    gold_name: String,
    reviewed: bool,
    accuracy: Option<f64>,
    verified_accuracy: Option<f64>,
    created_at: DateTime<Utc>,
    created_by: Option<String>,
}

impl From<SummaryRow> for EvaluationSummary {
    fn from(r: SummaryRow) -> Self {
        EvaluationSummary {
            id: r.id,
            project_id: r.project_id,
            run_id: r.run_id,
            run_label: format!(
                "{} v{} · {} · {}",
                r.form_name,
                r.version,
                r.model,
                r.run_created.format("%Y-%m-%d %H:%M")
            ),
            gold_name: r.gold_name,
            reviewed: r.reviewed,
            accuracy: r.accuracy,
            verified_accuracy: r.verified_accuracy,
            created_at: r.created_at,
            created_by: r.created_by,
        }
    }
}

pub async fn list_for_caller(project: Uuid) -> Result<Vec<EvaluationSummary>, AppError> {
    let (state, _) = crate::projects::server::caller_for_project(project, Action::View).await?;
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"SELECT e.id, e.project_id, e.run_id, f.name AS form_name, v.version,
                  CASE WHEN r.model = '' THEN r.extractor ELSE r.model END AS "model!",
                  r.created_at AS "run_created: DateTime<Utc>", g.name AS gold_name, e.reviewed,
                  e.accuracy, e.verified_accuracy, e.created_at AS "created_at: DateTime<Utc>",
                  u.email AS "created_by?"
           FROM evaluations e
           JOIN extraction_runs r ON r.id = e.run_id
           JOIN form_versions v ON v.id = r.form_version_id
           JOIN forms f ON f.id = v.form_id
           JOIN gold_standards g ON g.id = e.gold_standard_id
           LEFT JOIN users u ON u.id = e.created_by
           WHERE e.project_id = $1
           ORDER BY e.created_at DESC LIMIT 200"#,
        project
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows.into_iter().map(EvaluationSummary::from).collect())
}

pub async fn detail_for_caller(id: Uuid) -> Result<EvaluationDetail, AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    let project = sqlx::query_scalar!("SELECT project_id FROM evaluations WHERE id = $1", id)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("evaluation"))?;
    let relation = crate::projects::server::authorize(&state.db, &user, project, Action::View)
        .await
        .map_err(|err| match err {
            AppError::NotFound(_) => AppError::not_found("evaluation"),
            other => other,
        })?;
    let pool = &state.db;
    let summary = sqlx::query_as!(
        SummaryRow,
        r#"SELECT e.id, e.project_id, e.run_id, f.name AS form_name, v.version,
                  CASE WHEN r.model = '' THEN r.extractor ELSE r.model END AS "model!",
                  r.created_at AS "run_created: DateTime<Utc>", g.name AS gold_name, e.reviewed,
                  e.accuracy, e.verified_accuracy, e.created_at AS "created_at: DateTime<Utc>",
                  u.email AS "created_by?"
           FROM evaluations e
           JOIN extraction_runs r ON r.id = e.run_id
           JOIN form_versions v ON v.id = r.form_version_id
           JOIN forms f ON f.id = v.form_id
           JOIN gold_standards g ON g.id = e.gold_standard_id
           LEFT JOIN users u ON u.id = e.created_by
           WHERE e.id = $1"#,
        id
    )
    .fetch_one(pool)
    .await?;
    let row = sqlx::query!(
        "SELECT e.result, p.name FROM evaluations e JOIN projects p ON p.id = e.project_id WHERE e.id = $1",
        id
    )
    .fetch_one(pool)
    .await?;
    let result: Evaluation = serde_json::from_value(row.result)
        .map_err(|err| AppError::internal(format!("stored evaluation {id}: {err}")))?;
    let document_ids: Vec<Uuid> = result
        .differences
        .iter()
        .map(|d| d.document_id)
        .chain(result.pairings.iter().map(|p| p.document_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let documents = sqlx::query!(
        "SELECT id, original_name FROM documents WHERE id = ANY($1)",
        &document_ids
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|d| (d.id, d.original_name))
    .collect();
    let quotes = sqlx::query!(
        r#"SELECT document_id, field_path, coalesce(reviewed_quote, quote) AS "quote!"
           FROM extracted_values
           WHERE run_id = $1 AND document_id = ANY($2) AND coalesce(reviewed_quote, quote) IS NOT NULL"#,
        summary.run_id,
        &document_ids
    )
    .fetch_all(pool)
    .await?;
    let wanted: HashSet<(Uuid, &str)> = result
        .differences
        .iter()
        .filter_map(|d| d.run_path.as_deref().map(|p| (d.document_id, p)))
        .collect();
    let quotes = quotes
        .into_iter()
        .filter(|q| wanted.contains(&(q.document_id, q.field_path.as_str())))
        .map(|q| (q.document_id, q.field_path, q.quote))
        .collect();
    Ok(EvaluationDetail {
        summary: summary.into(),
        project_name: row.name,
        result,
        documents,
        quotes,
        can_evaluate: decide(user.role, relation, Action::Evaluate).is_ok(),
    })
}
