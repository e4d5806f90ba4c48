//! Server functions for the caller's personal API tokens.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::TokenScope;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub scope: TokenScope,
}

/// A new token: `token` is shown once and cannot be read again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub id: Uuid,
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub scope: TokenScope,
}

#[server(prefix = "/api", endpoint = "create_api_token")]
pub async fn create_api_token(
    name: String,
    days: u32,
    scope: TokenScope,
) -> Result<NewApiToken, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = super::server::require_user().await?;
        let created =
            super::tokens::create(&state.db, &state.token_keys, user.id, &name, days, scope)
                .await?;
        let client = super::server::client_addr().await;
        super::server::audit(
            &state.db,
            Some(user.id),
            "token_create",
            Some(&created.id.to_string()),
            &client,
            serde_json::json!({ "name": name.trim(), "scope": scope.as_str() }),
        )
        .await;
        Ok(NewApiToken {
            id: created.id,
            token: created.token,
            expires_at: created.expires_at,
            scope,
        })
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenRow>, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = super::server::require_user().await?;
        let rows = sqlx::query!(
            r#"SELECT id, name, created_at AS "created_at: DateTime<Utc>",
                      expires_at AS "expires_at: DateTime<Utc>",
                      last_used_at AS "last_used_at: DateTime<Utc>",
                      (revoked_at IS NOT NULL) AS "revoked!", scope
               FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC LIMIT 200"#,
            user.id
        )
        .fetch_all(&state.db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| ApiTokenRow {
                id: row.id,
                name: row.name,
                created_at: row.created_at,
                expires_at: row.expires_at,
                last_used_at: row.last_used_at,
                revoked: row.revoked,
                scope: TokenScope::parse(&row.scope).unwrap_or(TokenScope::ReadOnly),
            })
            .collect())
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: Uuid) -> Result<(), AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = super::server::require_user().await?;
        let revoked = sqlx::query!(
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2",
            id,
            user.id
        )
        .execute(&state.db)
        .await?;
        if revoked.rows_affected() == 0 {
            return Err(AppError::not_found("token"));
        }
        let client = super::server::client_addr().await;
        super::server::audit(&state.db, Some(user.id), "token_revoke", Some(&id.to_string()), &client, serde_json::json!({})).await;
        Ok(())
    }
    .await;
    crate::error::with_http_status(result)
}
