//! SQL of review: the grid's pages, one value's detail, the changes reviewers
//! make (each kept in `value_reviews`, guarded by the cell's revision), and
//! accepting a document's verified values at once.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::api::{
    CellDetail, GRID_PAGE_SIZE, GridCell, GridPage, GridRow, ReviewEvent, ReviewProgress,
    ValueVersion,
};
use super::model::{
    GridFilter, GridSort, LOW_CONFIDENCE, ReviewAction, ReviewStatus, ValueFacts, columns,
    display_value, field_at, levels, path_pattern, place,
};
use crate::auth::authz::{Action, decide};
use crate::error::AppError;
use crate::extraction::grounding::{PageText, locate_quote, number_forms, quote_supports};
use crate::forms::model::{FieldType, FormDefinition};
use crate::platform::Platform;
use crate::text::normalise::normalise;

/// Longest reason and chosen quote a reviewer may give.
const MAX_REASON_CHARS: usize = 2000;
const MAX_QUOTE_CHARS: usize = 2000;

pub struct GridQuery<'a> {
    pub run: Uuid,
    pub level: String,
    pub filter: &'a str,
    pub sort: &'a str,
    pub page: i64,
    pub document: Option<Uuid>,
}

struct RunFacts {
    project_id: Uuid,
    project_name: String,
    form_name: String,
    form_version: i32,
    status: String,
    job_id: Option<Uuid>,
    definition: FormDefinition,
}

async fn run_facts(pool: &PgPool, run: Uuid) -> Result<RunFacts, AppError> {
    let row = sqlx::query!(
        r#"SELECT r.project_id, p.name AS project_name, f.name AS form_name, v.version,
                  r.status, r.job_id, v.definition
           FROM extraction_runs r
           JOIN projects p ON p.id = r.project_id
           JOIN form_versions v ON v.id = r.form_version_id
           JOIN forms f ON f.id = v.form_id
           WHERE r.id = $1"#,
        run
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("run"))?;
    let definition = serde_json::from_value(row.definition)
        .map_err(|err| AppError::internal(format!("stored form of run {run}: {err}")))?;
    Ok(RunFacts {
        project_id: row.project_id,
        project_name: row.project_name,
        form_name: row.form_name,
        form_version: row.version,
        status: row.status,
        job_id: row.job_id,
        definition,
    })
}

/// One document row of a grid page, with the run's total for the pager.
struct GridDocument {
    document_id: Uuid,
    original_name: String,
    failed: i64,
    verified_open: i64,
    total: i64,
}

pub async fn grid_for_caller(query: GridQuery<'_>) -> Result<GridPage, AppError> {
    let (state, _user, _project, can_review) =
        crate::extraction::runs::caller_for_run(query.run, Action::View).await?;
    let filter = GridFilter::parse(query.filter)
        .ok_or_else(|| AppError::invalid("filter", "Unknown filter"))?;
    let sort =
        GridSort::parse(query.sort).ok_or_else(|| AppError::invalid("sort", "Unknown order"))?;
    let pool = &state.db;
    let facts = run_facts(pool, query.run).await?;
    let all_levels = levels(&facts.definition);
    if !all_levels.iter().any(|l| l.key == query.level) {
        return Err(AppError::invalid("level", "The form has no such sub-form"));
    }
    let grid_columns = columns(&facts.definition, &query.level);
    let offset = (query.page - 1).saturating_mul(GRID_PAGE_SIZE);
    // The default view (every document, by name) pages the documents first
    // and counts only the page's values: on a run of 500 papers × 100 fields
    // this takes 4 ms where counting the whole run to filter or sort by it
    // takes 72 ms (EXPLAIN ANALYZE, note of issue #18).
    let documents: Vec<GridDocument> = if filter == GridFilter::All && sort == GridSort::Name {
        sqlx::query_as!(
            GridDocument,
            r#"WITH page AS (
                   SELECT rd.document_id, d.original_name, count(*) OVER () AS total
                   FROM run_documents rd JOIN documents d ON d.id = rd.document_id
                   WHERE rd.run_id = $1 AND ($2::uuid IS NULL OR rd.document_id = $2)
                   ORDER BY d.original_name, rd.document_id
                   LIMIT $3 OFFSET $4
               )
               SELECT p.document_id AS "document_id!", p.original_name AS "original_name!",
                      (SELECT count(*) FROM run_steps s
                       WHERE s.run_id = $1 AND s.document_id = p.document_id AND s.status = 'failed') AS "failed!",
                      (SELECT count(*) FROM extracted_values e JOIN documents d ON d.id = e.document_id
                       WHERE e.run_id = $1 AND e.document_id = p.document_id
                         AND e.review_status IS NULL AND NOT e.not_reported AND NOT e.seeded
                         AND e.text_version = d.text_version AND e.grounded AND e.supported) AS "verified_open!",
                      p.total AS "total!"
               FROM page p
               ORDER BY p.original_name, p.document_id"#,
            query.run,
            query.document,
            GRID_PAGE_SIZE,
            offset
        )
        .fetch_all(pool)
        .await?
    } else {
        sqlx::query_as!(
            GridDocument,
            r#"WITH v AS (
                   SELECT e.document_id,
                          e.review_status IS NOT NULL AS reviewed,
                          (e.review_status IS NULL AND NOT e.seeded
                            AND (e.not_reported OR e.text_version <> d.text_version OR NOT e.grounded
                                 OR NOT e.supported OR e.confidence < $7)) AS needs,
                          (e.review_status IS NULL AND NOT e.not_reported AND NOT e.seeded
                            AND e.text_version = d.text_version AND NOT e.grounded) AS ungrounded,
                          (e.review_status IS NULL AND NOT e.not_reported AND NOT e.seeded
                            AND e.text_version = d.text_version AND e.grounded AND NOT e.supported) AS unsupported,
                          (NOT e.seeded AND NOT e.not_reported AND e.confidence < $7) AS low,
                          coalesce(e.review_status IN ('corrected', 'not_reported'), false) AS corrected,
                          (e.review_status IS NULL AND NOT e.not_reported AND NOT e.seeded
                            AND e.text_version = d.text_version AND e.grounded AND e.supported) AS verified_open
                   FROM extracted_values e JOIN documents d ON d.id = e.document_id
                   WHERE e.run_id = $1
               ), docs AS (
                   SELECT rd.document_id, d.original_name,
                          count(v.document_id) AS values,
                          count(*) FILTER (WHERE v.reviewed) AS reviewed,
                          count(*) FILTER (WHERE v.needs) AS needs,
                          count(*) FILTER (WHERE v.ungrounded) AS ungrounded,
                          count(*) FILTER (WHERE v.unsupported) AS unsupported,
                          count(*) FILTER (WHERE v.low) AS low,
                          count(*) FILTER (WHERE v.corrected) AS corrected,
                          count(*) FILTER (WHERE v.verified_open) AS verified_open,
                          (SELECT count(*) FROM run_steps s
                           WHERE s.run_id = $1 AND s.document_id = rd.document_id AND s.status = 'failed') AS failed
                   FROM run_documents rd
                   JOIN documents d ON d.id = rd.document_id
                   LEFT JOIN v ON v.document_id = rd.document_id
                   WHERE rd.run_id = $1 AND ($2::uuid IS NULL OR rd.document_id = $2)
                   GROUP BY rd.document_id, d.original_name
               )
               SELECT document_id AS "document_id!", original_name AS "original_name!",
                      failed AS "failed!", verified_open AS "verified_open!",
                      count(*) OVER () AS "total!"
               FROM docs
               WHERE CASE $3
                       WHEN 'needs_review' THEN needs > 0
                       WHEN 'ungrounded' THEN ungrounded > 0
                       WHEN 'unsupported' THEN unsupported > 0
                       WHEN 'low_confidence' THEN low > 0
                       WHEN 'corrected' THEN corrected > 0
                       WHEN 'failed_documents' THEN failed > 0
                       ELSE true
                     END
               ORDER BY CASE WHEN $4 = 'needs_review' THEN needs END DESC NULLS LAST,
                        CASE WHEN $4 = 'progress' THEN reviewed::float8 / greatest(values, 1) END ASC NULLS LAST,
                        original_name, document_id
               LIMIT $5 OFFSET $6"#,
            query.run,
            query.document,
            filter.as_str(),
            sort.as_str(),
            GRID_PAGE_SIZE,
            offset,
            LOW_CONFIDENCE
        )
        .fetch_all(pool)
        .await?
    };
    let total_documents = documents.first().map_or(0, |d| d.total);
    let ids: Vec<Uuid> = documents.iter().map(|d| d.document_id).collect();
    let values = sqlx::query!(
        r#"SELECT e.id, e.document_id, e.field_path,
                  CASE WHEN e.review_status IS NULL THEN e.value ELSE e.reviewed_value END AS value,
                  coalesce(e.reviewed_not_reported, e.not_reported) AS "not_reported!",
                  e.grounded, e.supported, e.seeded, e.confidence, e.derivation IS NOT NULL AS "derived!",
                  e.text_version <> d.text_version AS "stale!", e.review_status
           FROM extracted_values e JOIN documents d ON d.id = e.document_id
           WHERE e.run_id = $1 AND e.document_id = ANY($2)
           ORDER BY e.id"#,
        query.run,
        &ids
    )
    .fetch_all(pool)
    .await?;

    let column_index: HashMap<&str, usize> = grid_columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.pattern.as_str(), i))
        .collect();
    let depth = query.level.matches("[]").count();
    // Per document: rows by entry, each row's cells; entries columns count
    // the distinct entries below them.
    type Rows = BTreeMap<Vec<usize>, Vec<GridCell>>;
    let mut by_document: HashMap<Uuid, Rows> = HashMap::new();
    let mut entry_sets: HashMap<(Uuid, Vec<usize>, usize), HashSet<usize>> = HashMap::new();
    for v in values {
        let Some((row, column)) = place(&query.level, &v.field_path) else {
            continue;
        };
        let Some(&index) = column_index.get(column.as_str()) else {
            continue;
        };
        let value_facts = ValueFacts {
            not_reported: v.not_reported,
            grounded: v.grounded,
            supported: v.supported,
            derived: v.derived,
            seeded: v.seeded,
            stale: v.stale,
            confidence: v.confidence,
            review: v.review_status.as_deref().and_then(ReviewStatus::parse),
        };
        let cells = by_document
            .entry(v.document_id)
            .or_default()
            .entry(row.clone())
            .or_insert_with(|| vec![GridCell::Empty; grid_columns.len()]);
        let column_def = &grid_columns[index];
        if column_def.entries_of.is_some() {
            let (_, entries) = path_pattern(&v.field_path);
            if let Some(&entry) = entries.get(depth) {
                entry_sets
                    .entry((v.document_id, row.clone(), index))
                    .or_default()
                    .insert(entry);
            }
            let needs = usize::from(value_facts.needs_review());
            cells[index] = match &cells[index] {
                GridCell::Entries { needs_review, .. } => GridCell::Entries {
                    count: 0,
                    needs_review: needs_review + needs,
                },
                _ => GridCell::Entries {
                    count: 0,
                    needs_review: needs,
                },
            };
        } else {
            let field = field_at(&facts.definition, &column_def.pattern);
            cells[index] = GridCell::Value {
                value_id: v.id,
                text: display_value(v.value.as_ref(), v.not_reported, field),
                state: value_facts.state(),
                confidence: v.confidence,
                needs_review: value_facts.needs_review(),
                matches: filter.matches(&value_facts),
            };
        }
    }
    for ((document, row, index), set) in entry_sets {
        if let Some(GridCell::Entries { count, .. }) = by_document
            .get_mut(&document)
            .and_then(|rows| rows.get_mut(&row))
            .and_then(|cells| cells.get_mut(index))
        {
            *count = set.len();
        }
    }
    let mut rows = Vec::new();
    for document in documents {
        let found = by_document
            .remove(&document.document_id)
            .unwrap_or_default();
        if found.is_empty() {
            rows.push(GridRow {
                document_id: document.document_id,
                document_name: document.original_name.clone(),
                entry: Vec::new(),
                failed_steps: document.failed,
                verified_unreviewed: document.verified_open,
                cells: vec![GridCell::Empty; grid_columns.len()],
            });
        }
        for (entry, cells) in found {
            rows.push(GridRow {
                document_id: document.document_id,
                document_name: document.original_name.clone(),
                entry,
                failed_steps: document.failed,
                verified_unreviewed: document.verified_open,
                cells,
            });
        }
    }
    let progress = progress(pool, query.run).await?;
    Ok(GridPage {
        run_id: query.run,
        project_id: facts.project_id,
        project_name: facts.project_name,
        form_name: facts.form_name,
        form_version: facts.form_version,
        run_finished: !matches!(facts.status.as_str(), "queued" | "running"),
        job_id: facts.job_id,
        levels: all_levels,
        level: query.level,
        columns: grid_columns,
        rows,
        total_documents,
        page: query.page,
        page_size: GRID_PAGE_SIZE,
        progress,
        can_review,
    })
}

async fn progress(pool: &PgPool, run: Uuid) -> Result<ReviewProgress, AppError> {
    let counts = sqlx::query!(
        r#"SELECT count(*) AS "values!",
                  count(*) FILTER (WHERE e.review_status IS NOT NULL) AS "reviewed!",
                  count(*) FILTER (WHERE e.review_status IS NULL AND NOT e.seeded
                        AND (e.not_reported OR e.text_version <> d.text_version OR NOT e.grounded
                             OR NOT e.supported OR e.confidence < $2)) AS "needs!",
                  (SELECT count(*) FROM run_documents WHERE run_id = $1) AS "documents!",
                  (SELECT count(*) FROM run_documents rd
                   WHERE rd.run_id = $1
                     AND EXISTS (SELECT 1 FROM extracted_values x WHERE x.run_id = $1 AND x.document_id = rd.document_id)
                     AND NOT EXISTS (SELECT 1 FROM extracted_values x WHERE x.run_id = $1
                                     AND x.document_id = rd.document_id AND x.review_status IS NULL)) AS "documents_reviewed!"
           FROM extracted_values e JOIN documents d ON d.id = e.document_id
           WHERE e.run_id = $1"#,
        run,
        LOW_CONFIDENCE
    )
    .fetch_one(pool)
    .await?;
    let reviewers = sqlx::query!(
        r#"SELECT reviewer_email, count(DISTINCT value_id) AS "count!"
           FROM value_reviews WHERE run_id = $1
           GROUP BY reviewer_email ORDER BY 2 DESC, 1 LIMIT 50"#,
        run
    )
    .fetch_all(pool)
    .await?;
    Ok(ReviewProgress {
        values: counts.values,
        reviewed: counts.reviewed,
        needs_review: counts.needs,
        documents: counts.documents,
        documents_reviewed: counts.documents_reviewed,
        reviewers: reviewers
            .into_iter()
            .map(|r| (r.reviewer_email, r.count))
            .collect(),
    })
}

/// The stored row of one value, with what is needed around it.
struct ValueRow {
    id: i64,
    run_id: Uuid,
    document_id: Uuid,
    document_name: String,
    field_path: String,
    value: Option<Value>,
    not_reported: bool,
    quote: Option<String>,
    page: Option<i32>,
    char_start: Option<i32>,
    char_end: Option<i32>,
    grounded: bool,
    supported: bool,
    seeded: bool,
    confidence: f32,
    derivation: Option<Value>,
    stale: bool,
    review_status: Option<String>,
    reviewed_value: Option<Value>,
    reviewed_not_reported: Option<bool>,
    reviewed_quote: Option<String>,
    reviewed_page: Option<i32>,
    reviewed_char_start: Option<i32>,
    reviewed_char_end: Option<i32>,
    reviewed_grounded: Option<bool>,
    reviewed_supported: Option<bool>,
    reviewed_by: Option<String>,
    reviewed_at: Option<DateTime<Utc>>,
    revision: i32,
    page_count: Option<i32>,
    definition: Value,
}

impl ValueRow {
    fn review(&self) -> Option<ReviewStatus> {
        self.review_status.as_deref().and_then(ReviewStatus::parse)
    }

    fn original(&self) -> ValueVersion {
        ValueVersion {
            value: self.value.clone(),
            not_reported: self.not_reported,
            quote: self.quote.clone(),
            page: self.page,
        }
    }

    /// The value as it stands now, with its offsets and grounding.
    fn current(&self) -> Current {
        if self.review().is_none() {
            return Current {
                version: self.original(),
                start: self.char_start,
                end: self.char_end,
                grounded: self.grounded && !self.stale,
                supported: self.supported && !self.stale,
            };
        }
        Current {
            version: ValueVersion {
                value: self.reviewed_value.clone(),
                not_reported: self.reviewed_not_reported.unwrap_or(false),
                quote: self.reviewed_quote.clone(),
                page: self.reviewed_page,
            },
            start: self.reviewed_char_start,
            end: self.reviewed_char_end,
            grounded: self.reviewed_grounded.unwrap_or(false),
            supported: self.reviewed_supported.unwrap_or(false),
        }
    }

    fn facts(&self) -> ValueFacts {
        ValueFacts {
            not_reported: self.not_reported,
            grounded: self.grounded,
            supported: self.supported,
            derived: self.derivation.is_some(),
            seeded: self.seeded,
            stale: self.stale,
            confidence: self.confidence,
            review: self.review(),
        }
    }
}

struct Current {
    version: ValueVersion,
    start: Option<i32>,
    end: Option<i32>,
    grounded: bool,
    supported: bool,
}

async fn value_row(
    db: impl sqlx::PgExecutor<'_>,
    id: i64,
    lock: bool,
) -> Result<ValueRow, AppError> {
    // FOR UPDATE only when changing: the row lock serialises two reviewers.
    let row = if lock {
        sqlx::query_as!(
            ValueRow,
            r#"SELECT e.id, e.run_id, e.document_id, d.original_name AS document_name,
                      e.field_path, e.value, e.not_reported, e.quote, e.page,
                      e.char_start, e.char_end, e.grounded, e.supported, e.seeded, e.confidence,
                      e.derivation, e.text_version <> d.text_version AS "stale!",
                      e.review_status, e.reviewed_value, e.reviewed_not_reported, e.reviewed_quote,
                      e.reviewed_page, e.reviewed_char_start, e.reviewed_char_end,
                      e.reviewed_grounded, e.reviewed_supported,
                      (SELECT email FROM users WHERE id = e.reviewed_by) AS reviewed_by,
                      e.reviewed_at AS "reviewed_at: DateTime<Utc>", e.revision, d.page_count,
                      v.definition
               FROM extracted_values e
               JOIN documents d ON d.id = e.document_id
               JOIN form_versions v ON v.id = e.form_version_id
               WHERE e.id = $1
               FOR UPDATE OF e"#,
            id
        )
        .fetch_optional(db)
        .await?
    } else {
        sqlx::query_as!(
            ValueRow,
            r#"SELECT e.id, e.run_id, e.document_id, d.original_name AS document_name,
                      e.field_path, e.value, e.not_reported, e.quote, e.page,
                      e.char_start, e.char_end, e.grounded, e.supported, e.seeded, e.confidence,
                      e.derivation, e.text_version <> d.text_version AS "stale!",
                      e.review_status, e.reviewed_value, e.reviewed_not_reported, e.reviewed_quote,
                      e.reviewed_page, e.reviewed_char_start, e.reviewed_char_end,
                      e.reviewed_grounded, e.reviewed_supported,
                      (SELECT email FROM users WHERE id = e.reviewed_by) AS reviewed_by,
                      e.reviewed_at AS "reviewed_at: DateTime<Utc>", e.revision, d.page_count,
                      v.definition
               FROM extracted_values e
               JOIN documents d ON d.id = e.document_id
               JOIN form_versions v ON v.id = e.form_version_id
               WHERE e.id = $1"#,
            id
        )
        .fetch_optional(db)
        .await?
    };
    row.ok_or_else(|| AppError::not_found("value"))
}

/// Authorises `action` on the value's project; an outsider's "not found"
/// names the value, not the project.
async fn authorize_value(
    state: &Platform,
    user: &crate::auth::types::SignedInUser,
    project: Uuid,
    action: Action,
) -> Result<bool, AppError> {
    let relation = crate::projects::server::authorize(&state.db, user, project, action)
        .await
        .map_err(|err| match err {
            AppError::NotFound(_) => AppError::not_found("value"),
            other => other,
        })?;
    Ok(decide(user.role, relation, Action::Run).is_ok())
}

fn form_of(row: &ValueRow) -> Result<FormDefinition, AppError> {
    serde_json::from_value(row.definition.clone())
        .map_err(|err| AppError::internal(format!("stored form of value {}: {err}", row.id)))
}

async fn pages(pool: &PgPool, document: Uuid) -> Result<Vec<(i32, String)>, AppError> {
    Ok(sqlx::query!(
        "SELECT page_number, markdown FROM document_pages WHERE document_id = $1 ORDER BY page_number",
        document
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|p| (p.page_number, p.markdown))
    .collect())
}

pub async fn cell_for_caller(value_id: i64) -> Result<CellDetail, AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    let project = sqlx::query_scalar!(
        "SELECT r.project_id FROM extracted_values e JOIN extraction_runs r ON r.id = e.run_id WHERE e.id = $1",
        value_id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("value"))?;
    let can_review = authorize_value(&state, &user, project, Action::View).await?;
    let row = value_row(&state.db, value_id, false).await?;
    let form = form_of(&row)?;
    let (pattern, _) = path_pattern(&row.field_path);
    let field = field_at(&form, &pattern)
        .cloned()
        .ok_or_else(|| AppError::internal(format!("value {value_id}: no field {pattern}")))?;
    let history = sqlx::query!(
        r#"SELECT revision, action, reviewer_email, created_at AS "created_at: DateTime<Utc>", reason,
                  old_value, old_not_reported, old_quote, old_page,
                  new_value, new_not_reported, new_quote, new_page
           FROM value_reviews WHERE value_id = $1 ORDER BY revision"#,
        value_id
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|h| ReviewEvent {
        revision: h.revision,
        action: ReviewAction::parse(&h.action).map_or(h.action.clone(), |a| a.label().to_owned()),
        reviewer: h.reviewer_email,
        at: h.created_at,
        reason: h.reason,
        old: ValueVersion {
            value: h.old_value,
            not_reported: h.old_not_reported,
            quote: h.old_quote,
            page: h.old_page,
        },
        new: ValueVersion {
            value: h.new_value,
            not_reported: h.new_not_reported,
            quote: h.new_quote,
            page: h.new_page,
        },
    })
    .collect();
    let current = row.current();
    let all_pages = pages(&state.db, row.document_id).await?;
    let place = where_to_open(&current, &field, &all_pages);
    let pdf_url = crate::documents::server::view_link(
        &state,
        &crate::documents::server::services()?,
        user.id,
        row.document_id,
    )?;
    let facts = row.facts();
    Ok(CellDetail {
        value_id,
        run_id: row.run_id,
        document_id: row.document_id,
        document_name: row.document_name.clone(),
        field_path: row.field_path.clone(),
        field,
        original: row.original(),
        state: facts.state(),
        grounded: current.grounded,
        supported: current.supported,
        confidence: row.confidence,
        derivation: row.derivation.clone(),
        stale: row.stale,
        review: row.review(),
        revision: row.revision,
        history,
        page_count: row
            .page_count
            .unwrap_or(all_pages.len().min(i32::MAX as usize) as i32),
        view_page: place.page,
        found_by_search: place.by_search,
        highlight_text: place.text,
        page_text: place.page_text,
        highlight: place.range,
        pdf_url,
        can_review,
        current: current.version,
    })
}

struct OpenAt {
    page: Option<i32>,
    by_search: bool,
    text: Option<String>,
    page_text: Option<String>,
    range: Option<(i32, i32)>,
}

/// Where the pane opens the paper: at the quote when it was found there, else
/// at the first place the value itself is printed (said so in the pane).
fn where_to_open(
    current: &Current,
    field: &crate::forms::model::FieldDef,
    pages: &[(i32, String)],
) -> OpenAt {
    let text_of = |page: i32| {
        pages
            .iter()
            .find(|(n, _)| *n == page)
            .map(|(_, t)| t.clone())
    };
    if current.grounded
        && let (Some(page), Some(quote)) = (current.version.page, &current.version.quote)
    {
        return OpenAt {
            page: Some(page),
            by_search: false,
            text: Some(quote.clone()),
            page_text: text_of(page),
            range: current.start.zip(current.end),
        };
    }
    let needles: Vec<String> = match (&current.version.value, current.version.not_reported) {
        (Some(value), false) => match field.field_type {
            FieldType::Number | FieldType::Integer => {
                value.as_f64().map(number_forms).unwrap_or_default()
            }
            _ => display_value(Some(value), false, None)
                .split("; ")
                .next()
                .map(|s| vec![s.to_owned()])
                .unwrap_or_default(),
        },
        _ => Vec::new(),
    };
    for (page, text) in pages {
        let normalised = normalise(text);
        for needle in &needles {
            let n = normalise(needle).text;
            if n.len() < 2 {
                continue;
            }
            if let Some(at) = find_word(&normalised.text, &n)
                && let Some((start, end)) = normalised.original_range(at, at + n.len())
            {
                return OpenAt {
                    page: Some(*page),
                    by_search: true,
                    text: Some(text[start..end].to_owned()),
                    page_text: Some(text.clone()),
                    range: Some((start as i32, end as i32)),
                };
            }
        }
    }
    let first = current.version.page.or(pages.first().map(|(n, _)| *n));
    OpenAt {
        page: first,
        by_search: false,
        text: None,
        page_text: first.and_then(text_of),
        range: None,
    }
}

/// `needle` in `haystack` not inside a longer word or number.
fn find_word(haystack: &str, needle: &str) -> Option<usize> {
    let bytes = haystack.as_bytes();
    let mut from = 0;
    while let Some(found) = haystack[from..].find(needle) {
        let at = from + found;
        let end = at + needle.len();
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        let joined = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
        if !joined(before) && !joined(after) {
            return Some(at);
        }
        from = at + 1;
        while !haystack.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// A reviewer's change (see `api::review_value`).
pub struct Change<'a> {
    pub value_id: i64,
    pub revision: i32,
    pub action: &'a str,
    pub value: &'a str,
    pub quote: &'a str,
    pub page: Option<i32>,
    pub reason: &'a str,
}

/// What a value becomes.
struct NewVersion {
    status: ReviewStatus,
    value: Option<Value>,
    not_reported: bool,
    quote: Option<String>,
    page: Option<i32>,
    start: Option<i32>,
    end: Option<i32>,
    grounded: bool,
    supported: bool,
}

pub async fn change_for_caller(change: Change<'_>) -> Result<(), AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    let action = ReviewAction::parse(change.action).ok_or_else(|| {
        AppError::invalid(
            "action",
            "The action is accept, correct, not_reported or quote",
        )
    })?;
    let reason = change.reason.trim();
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::invalid(
            "reason",
            format!("A reason is at most {MAX_REASON_CHARS} characters"),
        ));
    }
    let project = sqlx::query_scalar!(
        "SELECT r.project_id FROM extracted_values e JOIN extraction_runs r ON r.id = e.run_id WHERE e.id = $1",
        change.value_id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("value"))?;
    authorize_value(&state, &user, project, Action::Run).await?;

    let mut tx = state.db.begin().await?;
    let row = value_row(&mut *tx, change.value_id, true).await?;
    if row.revision != change.revision {
        let who = row
            .reviewed_by
            .clone()
            .unwrap_or_else(|| "another reviewer".to_owned());
        let when = row
            .reviewed_at
            .map(|t| t.format(" at %H:%M UTC").to_string())
            .unwrap_or_default();
        return Err(AppError::Conflict(format!(
            "This value was changed by {who}{when} since you opened it, so your change was not \
             saved. The latest version is shown now: check it and try again."
        )));
    }
    let form = form_of(&row)?;
    let (pattern, _) = path_pattern(&row.field_path);
    let field = field_at(&form, &pattern).ok_or_else(|| {
        AppError::internal(format!("value {}: no field {pattern}", change.value_id))
    })?;
    let current = row.current();
    let next =
        match action {
            ReviewAction::Accept => NewVersion {
                status: match row.review() {
                    Some(ReviewStatus::Corrected | ReviewStatus::NotReported) => {
                        return Err(AppError::invalid(
                            "action",
                            "A corrected value is already a reviewer's; correct it again instead",
                        ));
                    }
                    _ => ReviewStatus::Accepted,
                },
                value: current.version.value.clone(),
                not_reported: current.version.not_reported,
                quote: current.version.quote.clone(),
                page: current.version.page,
                start: current.start,
                end: current.end,
                grounded: current.grounded,
                supported: current.supported,
            },
            ReviewAction::Correct => {
                let value = super::model::parse_edit(field, change.value)
                    .map_err(|message| AppError::invalid("value", message))?;
                // The quote stays; whether it states the new value is checked again.
                let supported = current.grounded
                    && current.version.quote.as_deref().is_some_and(|q| {
                        quote_supports(&value, field.field_type, &field.options, q)
                    });
                NewVersion {
                    status: ReviewStatus::Corrected,
                    value: Some(value),
                    not_reported: false,
                    quote: current.version.quote.clone(),
                    page: current.version.page,
                    start: current.start,
                    end: current.end,
                    grounded: current.grounded,
                    supported,
                }
            }
            ReviewAction::NotReported => NewVersion {
                status: ReviewStatus::NotReported,
                value: None,
                not_reported: true,
                quote: None,
                page: None,
                start: None,
                end: None,
                grounded: false,
                supported: false,
            },
            ReviewAction::Quote => {
                let quote = change.quote.trim();
                if quote.is_empty() {
                    return Err(AppError::invalid(
                        "quote",
                        "Select the passage in the paper first",
                    ));
                }
                if quote.chars().count() > MAX_QUOTE_CHARS {
                    return Err(AppError::invalid(
                        "quote",
                        format!("A quote is at most {MAX_QUOTE_CHARS} characters"),
                    ));
                }
                if current.version.not_reported || current.version.value.is_none() {
                    return Err(AppError::invalid(
                        "quote",
                        "Enter the value first; a quote is the evidence for a value",
                    ));
                }
                let all_pages = pages(&state.db, row.document_id).await?;
                let texts: Vec<PageText> = all_pages
                    .iter()
                    .map(|(n, t)| PageText {
                        page: (*n).max(0) as u32,
                        text: t,
                    })
                    .collect();
                let hint = change.page.map(|p| p.max(0) as u32);
                let located = locate_quote(&texts, quote, hint).ok_or_else(|| {
                AppError::invalid(
                    "quote",
                    "The selected passage was not found in the paper's text (a scanned page, or \
                     a selection across columns); select a shorter passage",
                )
            })?;
                let supported =
                    current.version.value.as_ref().is_some_and(|v| {
                        quote_supports(v, field.field_type, &field.options, quote)
                    });
                NewVersion {
                    status: ReviewStatus::Corrected,
                    value: current.version.value.clone(),
                    not_reported: false,
                    quote: Some(quote.to_owned()),
                    page: Some(located.page.min(i32::MAX as u32) as i32),
                    start: Some(located.start.min(i32::MAX as usize) as i32),
                    end: Some(located.end.min(i32::MAX as usize) as i32),
                    grounded: true,
                    supported,
                }
            }
        };
    sqlx::query!(
        r#"UPDATE extracted_values
           SET review_status = $2, reviewed_value = $3, reviewed_not_reported = $4,
               reviewed_quote = $5, reviewed_page = $6, reviewed_char_start = $7,
               reviewed_char_end = $8, reviewed_grounded = $9, reviewed_supported = $10,
               reviewed_by = $11, reviewed_at = now(), revision = revision + 1
           WHERE id = $1"#,
        change.value_id,
        next.status.as_str(),
        next.value,
        next.not_reported,
        next.quote,
        next.page,
        next.start,
        next.end,
        next.grounded,
        next.supported,
        user.id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"INSERT INTO value_reviews (value_id, run_id, document_id, revision, action,
               old_value, old_not_reported, old_quote, old_page,
               new_value, new_not_reported, new_quote, new_page,
               reason, reviewer_id, reviewer_email)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"#,
        change.value_id,
        row.run_id,
        row.document_id,
        row.revision + 1,
        action.as_str(),
        current.version.value,
        current.version.not_reported,
        current.version.quote,
        current.version.page,
        next.value,
        next.not_reported,
        next.quote,
        next.page,
        reason,
        user.id,
        user.email
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(
        value = change.value_id,
        action = action.as_str(),
        "value reviewed"
    );
    Ok(())
}

pub async fn accept_verified_for_caller(
    run: Uuid,
    document: Uuid,
    expected: i64,
) -> Result<i64, AppError> {
    let (state, user, _project, _) =
        crate::extraction::runs::caller_for_run(run, Action::Run).await?;
    let mut tx = state.db.begin().await?;
    let accepted = sqlx::query!(
        r#"WITH changed AS (
               UPDATE extracted_values e
               SET review_status = 'accepted', reviewed_value = e.value,
                   reviewed_not_reported = false, reviewed_quote = e.quote,
                   reviewed_page = e.page, reviewed_char_start = e.char_start,
                   reviewed_char_end = e.char_end, reviewed_grounded = true,
                   reviewed_supported = true, reviewed_by = $3, reviewed_at = now(),
                   revision = e.revision + 1
               FROM documents d
               WHERE d.id = e.document_id AND e.run_id = $1 AND e.document_id = $2
                 AND e.review_status IS NULL AND NOT e.not_reported AND NOT e.seeded
                 AND e.grounded AND e.supported AND e.text_version = d.text_version
               RETURNING e.id, e.revision, e.value, e.quote, e.page
           )
           INSERT INTO value_reviews (value_id, run_id, document_id, revision, action,
               old_value, old_not_reported, old_quote, old_page,
               new_value, new_not_reported, new_quote, new_page, reason, reviewer_id, reviewer_email)
           SELECT id, $1, $2, revision, 'accept', value, false, quote, page,
                  value, false, quote, page, 'accepted with every verified value of the document', $3, $4
           FROM changed"#,
        run,
        document,
        user.id,
        user.email
    )
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    if accepted != expected {
        // The run added (or someone reviewed) values since the count was shown.
        return Err(AppError::Conflict(format!(
            "{accepted} verified values are waiting now, not {expected}; nothing was accepted. \
             Check the count and confirm again."
        )));
    }
    tx.commit().await?;
    Ok(accepted)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_whole() {
        assert_eq!(find_word("n = 120 and 12 patients", "12"), Some(12));
        assert_eq!(find_word("1200 patients", "12"), None);
        assert_eq!(find_word("12", "12"), Some(0));
    }
}
