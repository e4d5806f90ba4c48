//! Full-text search over the chunks of a project's documents.

use super::*;

/// The best `limit` passages of a project matching `query`, with the number
/// of all matching passages and documents, or what is wrong with the query.
pub async fn search(
    pool: &PgPool,
    project: Uuid,
    query: &str,
    limit: i64,
) -> Result<SearchResults, AppError> {
    if let Some(problem) = crate::documents::api::search_problem(query) {
        return Ok(SearchResults {
            problem: Some(problem),
            ..SearchResults::default()
        });
    }
    let Some(expression) = crate::documents::api::search_expression(query) else {
        return Ok(SearchResults::default());
    };
    let headline = format!(
        "StartSel={HIT_START}, StopSel={HIT_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    // Counting every match and ranking them reads the same rows; the
    // snippets, the costly part, are made only for the passages returned.
    let hits = sqlx::query!(
        r#"WITH q AS (SELECT to_tsquery('english', $2) AS query),
           matches AS (
               SELECT c.document_id, c.chunk_index, ts_rank_cd(c.search, q.query) AS rank
               FROM document_chunks c CROSS JOIN q
               WHERE c.project_id = $1 AND c.search @@ q.query),
           totals AS (
               SELECT count(*) AS passages, count(DISTINCT document_id) AS documents FROM matches),
           best AS (
               SELECT m.* FROM matches m JOIN documents d ON d.id = m.document_id
               ORDER BY m.rank DESC, d.original_name, m.chunk_index
               LIMIT $4)
           SELECT c.document_id, d.original_name, d.title, c.page_number, c.char_start, c.char_end,
                  ts_headline('english', c.content, q.query, $3) AS "snippet!",
                  best.rank AS "rank!",
                  totals.passages AS "passages!", totals.documents AS "documents!"
           FROM best
           JOIN document_chunks c ON c.document_id = best.document_id AND c.chunk_index = best.chunk_index
           JOIN documents d ON d.id = c.document_id
           CROSS JOIN q CROSS JOIN totals
           ORDER BY best.rank DESC, d.original_name, c.chunk_index"#,
        project,
        expression,
        headline,
        limit
    )
    .fetch_all(pool)
    .await?;
    let (passages, documents) = hits
        .first()
        .map_or((0, 0), |hit| (hit.passages, hit.documents));
    Ok(SearchResults {
        hits: hits
            .into_iter()
            .map(|hit| SearchHit {
                document_id: hit.document_id,
                document_name: hit.original_name,
                title: hit.title,
                page_number: hit.page_number,
                char_start: hit.char_start,
                char_end: hit.char_end,
                snippet: hit.snippet,
                rank: hit.rank,
            })
            .collect(),
        passages,
        documents,
        problem: None,
    })
}
