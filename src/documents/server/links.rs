//! The app's own signed file links and download links.

use super::*;

/// The claims of a link to a stored file that the app serves itself. They
/// name no storage key or file name: the route looks both up, and checks
/// that the user the link was made for may still read the document.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileClaims {
    /// Always `auth::tokens::FILE_LINK_AUDIENCE`, so no API token passes as a
    /// file link (and no file link as an API token).
    pub aud: String,
    /// The user the link was made for.
    pub sub: Uuid,
    pub doc: Uuid,
    pub inline: bool,
    pub exp: i64,
}

pub const FILE_ROUTE_PREFIX: &str = "/files/";

pub(super) fn file_link(
    state: &Platform,
    services: &DocumentServices,
    user: Uuid,
    id: Uuid,
    inline: bool,
) -> Result<String, AppError> {
    let ttl = services.download_link_ttl.as_secs() as i64;
    let claims = FileClaims {
        aud: crate::auth::tokens::FILE_LINK_AUDIENCE.to_owned(),
        sub: user,
        doc: id,
        inline,
        exp: Utc::now().timestamp() + ttl,
    };
    let token = crate::auth::tokens::sign_file_link(&state.token_keys, &claims)?;
    Ok(format!("{FILE_ROUTE_PREFIX}{token}"))
}

/// Where a file link's document is stored and its file name, when `user` is
/// still an active account that may read the document (owner, member, or
/// admin); `None` for a deleted document or a user who lost access.
pub async fn file_for_link(
    pool: &PgPool,
    user: Uuid,
    id: Uuid,
) -> Result<Option<(String, String)>, AppError> {
    let row = sqlx::query!(
        r#"SELECT d.storage_key, d.original_name
           FROM documents d
           JOIN projects p ON p.id = d.project_id
           JOIN users u ON u.id = $2 AND u.is_active
           WHERE d.id = $1
             AND (p.owner_id = u.id OR u.role = 'admin'
                  OR EXISTS (SELECT 1 FROM project_members m
                             WHERE m.project_id = p.id AND m.user_id = u.id))"#,
        id,
        user
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| (row.storage_key, row.original_name)))
}

/// A download link: S3 presigned when files live in S3 (the bucket serves
/// it, so it stays valid for its short life whatever happens meanwhile), else
/// signed by the app and checked again when used.
pub async fn download_link(
    state: &Platform,
    services: &DocumentServices,
    user: Uuid,
    id: Uuid,
) -> Result<String, AppError> {
    let row = sqlx::query!(
        "SELECT storage_key, original_name FROM documents WHERE id = $1",
        id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("document"))?;
    let storage = &services.storage;
    match storage
        .presigned_download(
            &row.storage_key,
            &row.original_name,
            services.download_link_ttl,
        )
        .await?
    {
        Some(url) => Ok(url),
        None => file_link(state, services, user, id, false),
    }
}

/// A same-origin link for viewing the PDF in the app (the review pane's
/// pdf.js fetches it, which a presigned S3 link would not allow).
pub fn view_link(
    state: &Platform,
    services: &DocumentServices,
    user: Uuid,
    id: Uuid,
) -> Result<String, AppError> {
    file_link(state, services, user, id, true)
}
