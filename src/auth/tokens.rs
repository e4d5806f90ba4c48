//! Personal API tokens: HS256 JWTs whose `jti` names a row of `api_tokens`, so
//! each token can be listed, revoked, and expires. Scripts send one as
//! `Authorization: Bearer <token>` to the server functions its scope allows
//! (`enforce_scope`). Every JWT the instance signs names its audience, so an
//! API token never passes as a file link and a file link never as a token.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::types::{Role, SignedInUser, TokenScope};
use crate::error::AppError;
pub use crate::platform::keys::TokenKeys;

/// The audience of personal API tokens.
pub const API_AUDIENCE: &str = "evistream-api";
/// The audience of the app's own signed file links.
pub const FILE_LINK_AUDIENCE: &str = "evistream-file";

/// Server functions a read-only token may call: those that only read. A new
/// server function is refused to read-only tokens until it is listed here,
/// so forgetting fails safe.
pub const READ_ONLY_ENDPOINTS: &[&str] = &[
    "current_user",
    "system_status",
    "diagnostic_jobs_enabled",
    "list_projects",
    "get_project",
    "project_activity",
    "list_documents",
    "get_document",
    "document_download_link",
    "search_documents",
    "list_jobs",
    "get_job",
    "list_forms",
    "get_form",
    "get_form_version",
    "list_copyable_forms",
    "export_form",
    "list_runs",
    "run_options",
    "get_run",
    "run_values",
    "review_grid",
    "review_cell",
    "preview_gold",
    "list_gold",
    "list_evaluations",
    "get_evaluation",
    "list_questions",
    "get_budget_status",
    "get_usage_report",
    "list_api_tokens",
    "list_users",
    "list_audit_log",
];

/// Server functions no API token may call: a token cannot mint tokens (which
/// would outlive its own revocation) nor change its owner's password.
pub const SESSION_ONLY_ENDPOINTS: &[&str] = &["create_api_token", "change_password"];

fn validation(audience: &str) -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "aud"]);
    validation
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub jti: Uuid,
    /// Always [`API_AUDIENCE`].
    pub aud: String,
    pub scope: TokenScope,
    pub iat: i64,
    pub exp: i64,
}

pub fn sign(keys: &TokenKeys, claims: &Claims) -> Result<String, AppError> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, keys.encoding())
        .map_err(|err| AppError::internal(format!("signing a token: {err}")))
}

/// Signs a file link's claims (which must carry `aud: FILE_LINK_AUDIENCE`).
pub fn sign_file_link<T: Serialize>(keys: &TokenKeys, claims: &T) -> Result<String, AppError> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, keys.encoding())
        .map_err(|err| AppError::internal(format!("signing a link: {err}")))
}

/// The claims of a file link signed by `sign_file_link`, if it is genuine,
/// unexpired and a file link (not an API token).
pub fn verify_file_link<T: serde::de::DeserializeOwned>(
    keys: &TokenKeys,
    token: &str,
) -> Option<T> {
    jsonwebtoken::decode::<T>(token, keys.decoding(), &validation(FILE_LINK_AUDIENCE))
        .ok()
        .map(|data| data.claims)
}

/// The genuine, unexpired claims of an API token, before any database check.
fn verify_api_token(keys: &TokenKeys, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
    jsonwebtoken::decode::<Claims>(token, keys.decoding(), &validation(API_AUDIENCE))
        .map(|data| data.claims)
}

/// Middleware: a request carrying `Authorization: Bearer` may reach only what
/// its token's scope allows. Reads by GET (exports, files, the event stream)
/// are open to every scope; server functions are checked by name. A token
/// that does not verify passes through, and the caller check refuses it.
pub async fn enforce_scope(
    axum::extract::State(keys): axum::extract::State<TokenKeys>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let bearer = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(claims) = bearer.and_then(|token| verify_api_token(&keys, token).ok()) else {
        return next.run(request).await;
    };
    if matches!(*request.method(), http::Method::GET | http::Method::HEAD) {
        return next.run(request).await;
    }
    let endpoint = request
        .uri()
        .path()
        .strip_prefix("/api/")
        .unwrap_or_default();
    if SESSION_ONLY_ENDPOINTS.contains(&endpoint) {
        tracing::info!(endpoint, token = %claims.jti, "API token refused: session only");
        return refused(
            "API tokens cannot do this. Sign in to the app to manage tokens and passwords",
        );
    }
    if claims.scope == TokenScope::ReadOnly && !READ_ONLY_ENDPOINTS.contains(&endpoint) {
        tracing::info!(endpoint, token = %claims.jti, "API token refused: read-only");
        return refused("This API token is read-only.");
    }
    next.run(request).await
}

fn refused(message: &str) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    (
        http::StatusCode::FORBIDDEN,
        axum::Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}

/// A freshly created token; `token` is shown once and never stored.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: Uuid,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn create(
    pool: &PgPool,
    keys: &TokenKeys,
    user: Uuid,
    name: &str,
    days: u32,
    scope: TokenScope,
) -> Result<Created, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "a token name has 1 to 100 characters",
        ));
    }
    if !(1..=365).contains(&days) {
        return Err(AppError::invalid("days", "a token lives 1 to 365 days"));
    }
    let now = Utc::now();
    let row = sqlx::query!(
        r#"INSERT INTO api_tokens (user_id, name, expires_at, scope)
           VALUES ($1, $2, now() + make_interval(days => $3), $4)
           RETURNING id, expires_at AS "expires_at: DateTime<Utc>""#,
        user,
        name,
        days as i32,
        scope.as_str()
    )
    .fetch_one(pool)
    .await?;
    let (id, expires_at) = (row.id, row.expires_at);
    let token = sign(
        keys,
        &Claims {
            sub: user,
            jti: id,
            aud: API_AUDIENCE.to_owned(),
            scope,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        },
    )?;
    Ok(Created {
        id,
        token,
        expires_at,
    })
}

/// The user a bearer token stands for, or `Unauthorized` for a token that is
/// malformed, tampered with, expired, revoked, or of a deactivated user.
pub async fn authenticate(
    pool: &PgPool,
    keys: &TokenKeys,
    token: &str,
) -> Result<SignedInUser, AppError> {
    let claims = verify_api_token(keys, token).map_err(|err| {
        tracing::info!(error = %err, "bearer token refused");
        AppError::Unauthorized
    })?;
    let row = sqlx::query!(
        r#"UPDATE api_tokens t SET last_used_at = now()
           FROM users u
           WHERE t.id = $1 AND t.user_id = $2 AND u.id = t.user_id AND t.scope = $3
             AND t.revoked_at IS NULL AND t.expires_at > now() AND u.is_active
           RETURNING u.id, u.email, u.role"#,
        claims.jti,
        claims.sub,
        claims.scope.as_str()
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::Unauthorized)?;
    Ok(SignedInUser {
        id: row.id,
        email: row.email,
        role: Role::parse(&row.role).unwrap_or(Role::Viewer),
    })
}

/// Revokes every live token of `user` (deactivation; a password change when
/// its owner asks). Returns how many were revoked.
pub async fn revoke_all<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    user: Uuid,
) -> Result<u64, AppError> {
    let revoked = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        user
    )
    .execute(executor)
    .await?;
    Ok(revoked.rows_affected())
}
