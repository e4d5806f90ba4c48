//! A project's recent document activity.

use super::*;

pub async fn activity(
    pool: &PgPool,
    project: Uuid,
    limit: i64,
) -> Result<Vec<ActivityItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT at AS "at!: DateTime<Utc>", text AS "text!", href FROM (
               SELECT d.created_at AS at, 'Uploaded ' || d.original_name AS text,
                      '/projects/' || d.project_id || '/documents/' || d.id AS href
               FROM documents d WHERE d.project_id = $1
               UNION ALL
               SELECT d.updated_at, CASE d.status
                          WHEN 'ready' THEN 'Converted ' || d.original_name
                          ELSE 'Could not convert ' || d.original_name || ': ' || coalesce(d.failure_reason, '') END,
                      '/projects/' || d.project_id || '/documents/' || d.id
               FROM documents d WHERE d.project_id = $1 AND d.status IN ('ready', 'failed')
               UNION ALL
               SELECT j.created_at, 'Job ' || j.kind || ': ' || j.status, '/jobs/' || j.id
               FROM jobs j WHERE j.project_id = $1 AND j.kind <> 'documents.convert'
           ) items ORDER BY at DESC LIMIT $2"#,
        project,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ActivityItem {
            at: row.at,
            text: row.text,
            href: row.href,
        })
        .collect())
}
