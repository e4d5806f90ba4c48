//! The two document routes that move bytes, which server functions do not
//! fit: the upload (a raw PDF body, streamed to disk with a size limit, so
//! the browser can report progress per file) and the signed file link.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{self, HeaderMap, HeaderValue};
use serde::Deserialize;
use uuid::Uuid;

use super::server::{self, FileClaims};
use crate::auth::authz::Action;
use crate::error::AppError;
use crate::platform::Platform;

pub const UPLOAD_ROUTE: &str = "/api/projects/{project}/documents";
pub const FILE_ROUTE: &str = "/files/{token}";

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    /// The user's file name (kept as metadata only).
    pub name: String,
    /// A document of the project whose conversion failed, to take this file
    /// in place of its own.
    pub replace: Option<Uuid>,
}

/// `POST /api/projects/{project}/documents?name=…` with the PDF as the body:
/// 201 with the new document, 409 for a file already in the project, 422 for
/// a file that fails the checks (not a PDF, empty, too large, too many pages).
/// With `&replace={document}`, the file replaces that failed document's file
/// (200 with the document, converted again; 409 unless it had failed).
pub async fn upload(
    State(state): State<Platform>,
    State(documents): State<server::DocumentServices>,
    session: tower_sessions::Session,
    Path(project): Path<Uuid>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let user = crate::auth::server::caller_of(&state, &session, &headers)
            .await?
            .ok_or(AppError::Unauthorized)?;
        crate::projects::server::authorize(&state.db, &user, project, Action::EditContent).await?;
        let _slot = documents.uploads.acquire(user.id)?;
        let max = documents.max_upload_bytes;
        // Refuse an announced oversize body before reading any of it.
        let announced = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if announced.is_some_and(|length| length > max) {
            return Err(AppError::invalid(
                "file",
                format!(
                    "The file is too large: the limit is {} MB.",
                    max.div_ceil(1024 * 1024)
                ),
            ));
        }
        let received = server::receive(body.into_data_stream(), max).await?;
        // Once the bytes are in, finish the ingest even if the client goes
        // away: a dropped request must not leave a stored file without a row.
        let (db, services, name, replace) = (
            state.db.clone(),
            documents.clone(),
            query.name.clone(),
            query.replace,
        );
        tokio::spawn(async move {
            match replace {
                Some(document) => {
                    server::replace_file(&db, &services, project, &user, document, &name, received)
                        .await
                        .map(|summary| (StatusCode::OK, summary))
                }
                None => server::ingest(&db, &services, project, &user, &name, received)
                    .await
                    .map(|summary| (StatusCode::CREATED, summary)),
            }
        })
        .await
        .map_err(|err| AppError::internal(format!("upload task: {err}")))?
    }
    .await;
    match result {
        Ok((status, document)) => {
            tracing::info!(project = %project, document = %document.id, file = %document.original_name, replaced = query.replace.is_some(), "document uploaded");
            (status, Json(document)).into_response()
        }
        Err(err) => {
            tracing::info!(project = %project, file = %query.name, error = %err, "upload refused");
            err.into_response()
        }
    }
}

/// `GET /files/{token}`: the stored PDF, for a link the app signed (the
/// in-page viewer, and downloads when files are stored locally).
pub async fn file(
    State(state): State<Platform>,
    State(documents): State<server::DocumentServices>,
    Path(token): Path<String>,
) -> Response {
    let Some(claims) =
        crate::auth::tokens::verify_file_link::<FileClaims>(&state.token_keys, &token)
    else {
        return AppError::NotFound("file (the link is invalid or has expired)".to_owned())
            .into_response();
    };
    // A link outlives nothing: not the document, not a re-upload under it,
    // not its user's access to the project.
    let (key, name) = match server::file_for_link(&state.db, claims.sub, claims.doc).await {
        Ok(Some(found)) => found,
        Ok(None) => return AppError::not_found("file").into_response(),
        Err(err) => return err.into_response(),
    };
    let (reader, length) = match documents.storage.open(&key).await {
        Ok(opened) => opened,
        Err(err) => {
            tracing::warn!(document = %claims.doc, error = %err, "signed file link could not be served");
            return err.into_response();
        }
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    let disposition = crate::platform::storage::content_disposition(
        if claims.inline {
            "inline"
        } else {
            "attachment"
        },
        &name,
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    // The document page shows the PDF in a frame of the app itself.
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'self'"),
    );
    response
}
