//! Retrieval for questions and the `questions` table.
//!
//! The question's words (stemmed and stop words dropped by PostgreSQL's
//! `english` configuration) are looked up in the full-text index of the
//! project's chunks as "any of them"; passages are ordered by how many of
//! the question's terms they hold, then by `ts_rank_cd` (closeness of the
//! terms), at most [`PER_DOCUMENT`] per document and [`PASSAGES`] in all. A
//! passage holding less than [`MIN_COVERAGE`] of the terms is not an answer.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::api::{Answer, MAX_QUESTION_CHARS, Passage};
use crate::auth::authz::Action;
use crate::documents::api::{HIT_END, HIT_START};
use crate::error::AppError;

const PASSAGES: usize = 10;
const PER_DOCUMENT: usize = 3;
/// Of a question's terms, the share a passage must hold.
const MIN_COVERAGE: f32 = 0.34;

fn parse_ids(raw: &str) -> Result<Vec<Uuid>, AppError> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            Uuid::parse_str(s).map_err(|_| {
                AppError::invalid("document_ids", format!("\"{s}\" is not a document id"))
            })
        })
        .collect()
}

pub async fn ask_for_caller(
    project: Uuid,
    question: &str,
    document_ids: &str,
) -> Result<Answer, AppError> {
    let (state, user) = crate::projects::server::caller_for_project(project, Action::Run).await?;
    let question = question.trim();
    if question.is_empty() || question.chars().count() > MAX_QUESTION_CHARS {
        return Err(AppError::invalid(
            "question",
            format!("Ask a question of 1 to {MAX_QUESTION_CHARS} characters"),
        ));
    }
    let documents = parse_ids(document_ids)?;
    if !documents.is_empty() {
        let known: i64 = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM documents WHERE project_id = $1 AND id = ANY($2)"#,
            project,
            &documents
        )
        .fetch_one(&state.db)
        .await?;
        if known != documents.len() as i64 {
            return Err(AppError::invalid(
                "document_ids",
                "A chosen document is not in this project",
            ));
        }
    }
    let passages = retrieve(&state.db, project, question, &documents).await?;
    let answer = serde_json::to_value(&passages)
        .map_err(|err| AppError::internal(format!("answer as JSON: {err}")))?;
    let row = sqlx::query!(
        r#"INSERT INTO questions (project_id, asked_by, question, document_ids, mode, answer)
           VALUES ($1, $2, $3, $4, 'passages', $5)
           RETURNING id, created_at AS "created_at: DateTime<Utc>""#,
        project,
        user.id,
        question,
        &documents,
        answer
    )
    .fetch_one(&state.db)
    .await?;
    tracing::info!(project = %project, question = %row.id, passages = passages.len(), "question answered");
    Ok(Answer {
        id: row.id,
        project_id: project,
        question: question.to_owned(),
        asked_by: Some(user.email),
        asked_at: row.created_at,
        documents,
        mode: "passages".to_owned(),
        passages,
    })
}

/// The best passages for `question` among the project's (or the chosen) documents.
pub async fn retrieve(
    pool: &sqlx::PgPool,
    project: Uuid,
    question: &str,
    documents: &[Uuid],
) -> Result<Vec<Passage>, AppError> {
    let headline = format!(
        "StartSel={HIT_START}, StopSel={HIT_END}, MaxWords=45, MinWords=20, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    let rows = sqlx::query!(
        r#"WITH terms AS (
               SELECT coalesce(array_agg(DISTINCT t), '{}') AS terms
               FROM unnest(tsvector_to_array(to_tsvector('english', $2))) t
           ), q AS (
               SELECT terms,
                      CASE WHEN cardinality(terms) = 0 THEN NULL
                           ELSE array_to_string(ARRAY(SELECT quote_literal(t) FROM unnest(terms) t), ' | ')::tsquery
                      END AS query
               FROM terms
           )
           SELECT c.document_id, d.original_name, c.page_number, c.chunk_index,
                  ts_headline('english', c.content, q.query, $4) AS "snippet!",
                  ts_rank_cd(c.search, q.query) AS "rank!",
                  (cardinality(ARRAY(SELECT unnest(tsvector_to_array(c.search))
                                     INTERSECT SELECT unnest(q.terms)))::real
                     / greatest(cardinality(q.terms), 1))::real AS "coverage!"
           FROM document_chunks c
           JOIN documents d ON d.id = c.document_id
           CROSS JOIN q
           WHERE q.query IS NOT NULL AND c.project_id = $1 AND c.search @@ q.query
             AND (cardinality($3::uuid[]) = 0 OR c.document_id = ANY($3))
           ORDER BY 7 DESC, 6 DESC, d.original_name, c.page_number
           LIMIT 200"#,
        project,
        question,
        documents,
        headline
    )
    .fetch_all(pool)
    .await?;
    let mut per_document: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    let mut passages = Vec::new();
    for row in rows {
        if row.coverage < MIN_COVERAGE || passages.len() == PASSAGES {
            break;
        }
        let taken = per_document.entry(row.document_id).or_default();
        if *taken == PER_DOCUMENT {
            continue;
        }
        *taken += 1;
        passages.push(Passage {
            document_id: row.document_id,
            document_name: row.original_name,
            page: row.page_number,
            chunk: row.chunk_index,
            text: row.snippet,
            coverage: row.coverage,
            rank: row.rank,
        });
    }
    Ok(passages)
}

pub async fn list_for_caller(project: Uuid) -> Result<Vec<Answer>, AppError> {
    let (state, _) = crate::projects::server::caller_for_project(project, Action::View).await?;
    let rows = sqlx::query!(
        r#"SELECT q.id, q.question, u.email AS "asked_by?", q.created_at AS "created_at: DateTime<Utc>",
                  q.document_ids, q.mode, q.answer
           FROM questions q LEFT JOIN users u ON u.id = q.asked_by
           WHERE q.project_id = $1 ORDER BY q.created_at DESC LIMIT 100"#,
        project
    )
    .fetch_all(&state.db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Answer {
                id: r.id,
                project_id: project,
                question: r.question,
                asked_by: r.asked_by,
                asked_at: r.created_at,
                documents: r.document_ids,
                mode: r.mode,
                passages: serde_json::from_value(r.answer)
                    .map_err(|err| AppError::internal(format!("stored answer {}: {err}", r.id)))?,
            })
        })
        .collect()
}
