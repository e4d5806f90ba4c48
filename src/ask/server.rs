//! Retrieval for questions and the `questions` table.
//!
//! The question's words (stemmed and stop words dropped by PostgreSQL's
//! `english` configuration) are looked up in the full-text index of the
//! project's chunks as "any of them"; passages are ordered by how many of
//! the question's terms they hold, then by `ts_rank_cd` (closeness of the
//! terms), at most [`PER_DOCUMENT`] per document and [`PASSAGES`] in all. A
//! passage holding less than [`MIN_COVERAGE`] of the terms is not an answer.
//! With a language model configured, the passages go to the model, which
//! writes the answer (`super::written`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::api::{Answer, AnswerMode, AnswerStatus, MAX_QUESTION_CHARS, Passage, WrittenAnswer};
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

/// Stored in `questions.answer`: the passages and, for a written answer,
/// the answer. Rows kept before written answers hold the passages alone.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum StoredAnswer {
    Full {
        passages: Vec<Passage>,
        written: Option<WrittenAnswer>,
    },
    PassagesOnly(Vec<Passage>),
}

impl StoredAnswer {
    fn parts(self) -> (Vec<Passage>, Option<WrittenAnswer>) {
        match self {
            StoredAnswer::Full { passages, written } => (passages, written),
            StoredAnswer::PassagesOnly(passages) => (passages, None),
        }
    }
}

pub(super) fn stored_json(
    passages: &[Passage],
    written: Option<&WrittenAnswer>,
) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(serde_json::json!({ "passages": passages, "written": written }))
        .map_err(|err| AppError::internal(format!("answer as JSON: {err}")))
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
    // A model is asked only when there is something to answer from: "not
    // found" costs nothing and needs no model.
    let ask = super::written::services()?;
    let llm = ask.llm.clone().filter(|_| !passages.is_empty());
    if llm.is_some() {
        crate::spending::server::check_open(&state.db, project).await?;
    }
    let (mode, status, model) = match &llm {
        Some(client) => (
            AnswerMode::Llm,
            AnswerStatus::Answering,
            client.model().to_owned(),
        ),
        None => (AnswerMode::Passages, AnswerStatus::Answered, String::new()),
    };
    let row = sqlx::query!(
        r#"INSERT INTO questions (project_id, asked_by, question, document_ids, mode, status, model, answer)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING id, created_at AS "created_at: DateTime<Utc>""#,
        project,
        user.id,
        question,
        &documents,
        mode.as_str(),
        status.as_str(),
        model,
        stored_json(&passages, None)?
    )
    .fetch_one(&state.db)
    .await?;
    let answer = Answer {
        id: row.id,
        project_id: project,
        question: question.to_owned(),
        asked_by: Some(user.email),
        asked_at: row.created_at,
        documents,
        mode,
        status,
        passages,
        written: None,
        error: None,
        model,
        tokens_in: 0,
        tokens_out: 0,
        cost_usd: 0.0,
    };
    if let Some(client) = llm {
        super::written::start(&state, &ask.live, client, &answer, user.id).await?;
    }
    tracing::info!(project = %project, question = %answer.id, passages = answer.passages.len(),
        mode = mode.as_str(), "question asked");
    Ok(answer)
}

/// The question with the other spelling of each -ise/-ize word added
/// ("randomised" → also "randomized"): the English stemmer keeps them
/// apart, and papers use either.
fn with_spelling_variants(question: &str) -> String {
    let mut out = question.to_owned();
    for word in question.split(|c: char| !c.is_alphabetic()) {
        let lower = word.to_lowercase();
        for (british, american) in [("is", "iz"), ("ys", "yz")] {
            for ending in ["e", "ed", "es", "ing", "ation", "ations"] {
                let (from, to) = (format!("{british}{ending}"), format!("{american}{ending}"));
                let variant = if let Some(stem) = lower.strip_suffix(&from) {
                    Some(format!("{stem}{to}"))
                } else {
                    lower.strip_suffix(&to).map(|stem| format!("{stem}{from}"))
                };
                if let Some(variant) = variant.filter(|_| lower.len() > 6) {
                    out.push(' ');
                    out.push_str(&variant);
                }
            }
        }
    }
    out
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
           ), spelled AS (
               -- The question's terms and their other spellings: a passage
               -- matches either; the coverage counts the question's terms.
               SELECT coalesce(array_agg(DISTINCT t), '{}') AS any_terms
               FROM unnest(tsvector_to_array(to_tsvector('english', $5))) t
           ), q AS (
               SELECT terms, any_terms,
                      CASE WHEN cardinality(terms) = 0 THEN NULL
                           ELSE array_to_string(ARRAY(SELECT quote_literal(t) FROM unnest(any_terms) t), ' | ')::tsquery
                      END AS query
               FROM terms CROSS JOIN spelled
           )
           SELECT c.document_id, d.original_name, c.page_number, c.chunk_index,
                  ts_headline('english', c.content, q.query, $4) AS "snippet!",
                  ts_rank_cd(c.search, q.query) AS "rank!",
                  least(1, cardinality(ARRAY(SELECT unnest(tsvector_to_array(c.search))
                                     INTERSECT SELECT unnest(q.any_terms)))::real
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
        headline,
        with_spelling_variants(question)
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

struct QuestionRow {
    id: Uuid,
    project_id: Uuid,
    question: String,
    asked_by: Option<String>,
    created_at: DateTime<Utc>,
    document_ids: Vec<Uuid>,
    mode: String,
    status: String,
    answer: serde_json::Value,
    error: Option<String>,
    model: String,
    tokens_in: i32,
    tokens_out: i32,
    cost_usd: f64,
}

impl QuestionRow {
    fn into_answer(self) -> Result<Answer, AppError> {
        let stored: StoredAnswer = serde_json::from_value(self.answer)
            .map_err(|err| AppError::internal(format!("stored answer {}: {err}", self.id)))?;
        let (passages, written) = stored.parts();
        Ok(Answer {
            id: self.id,
            project_id: self.project_id,
            question: self.question,
            asked_by: self.asked_by,
            asked_at: self.created_at,
            documents: self.document_ids,
            mode: AnswerMode::parse(&self.mode)?,
            status: AnswerStatus::parse(&self.status)?,
            passages,
            written,
            error: self.error,
            model: self.model,
            tokens_in: self.tokens_in,
            tokens_out: self.tokens_out,
            cost_usd: self.cost_usd,
        })
    }
}

/// One kept question (for its project's viewers).
pub async fn load(pool: &sqlx::PgPool, id: Uuid) -> Result<Option<Answer>, AppError> {
    sqlx::query_as!(
        QuestionRow,
        r#"SELECT q.id, q.project_id, q.question, u.email AS "asked_by?",
                  q.created_at AS "created_at: DateTime<Utc>", q.document_ids, q.mode, q.status,
                  q.answer, q.error, q.model, q.tokens_in, q.tokens_out, q.cost_usd
           FROM questions q LEFT JOIN users u ON u.id = q.asked_by
           WHERE q.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .map(QuestionRow::into_answer)
    .transpose()
}

pub async fn list_for_caller(project: Uuid) -> Result<Vec<Answer>, AppError> {
    let (state, _) = crate::projects::server::caller_for_project(project, Action::View).await?;
    sqlx::query_as!(
        QuestionRow,
        r#"SELECT q.id, q.project_id, q.question, u.email AS "asked_by?",
                  q.created_at AS "created_at: DateTime<Utc>", q.document_ids, q.mode, q.status,
                  q.answer, q.error, q.model, q.tokens_in, q.tokens_out, q.cost_usd
           FROM questions q LEFT JOIN users u ON u.id = q.asked_by
           WHERE q.project_id = $1 ORDER BY q.created_at DESC LIMIT 100"#,
        project
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(QuestionRow::into_answer)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::with_spelling_variants;

    #[test]
    fn british_and_american_spellings_are_both_looked_for() {
        assert_eq!(
            with_spelling_variants("Were patients randomised?"),
            "Were patients randomised? randomized"
        );
        assert_eq!(
            with_spelling_variants("randomization and analysed"),
            "randomization and analysed randomisation analyzed"
        );
        assert_eq!(with_spelling_variants("the rise"), "the rise");
    }
}
