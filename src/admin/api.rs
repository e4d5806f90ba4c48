//! Administration server functions, and changing one's own password.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub client_addr: Option<String>,
}

/// The caller, who must be an admin; and the pool.
#[cfg(feature = "ssr")]
async fn admin() -> Result<(crate::auth::types::SignedInUser, sqlx::PgPool), AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    crate::auth::authz::decide(
        user.role,
        crate::auth::authz::Relation::None,
        crate::auth::authz::Action::Administer,
    )?;
    Ok((user, state.db))
}

#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    let result = async {
        let (_, db) = admin().await?;
        super::server::list_users(&db).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "set_user_role")]
pub async fn set_user_role(id: Uuid, role: String) -> Result<(), AppError> {
    let result = async {
        let (actor, db) = admin().await?;
        let role = crate::auth::types::Role::parse(&role)
            .ok_or_else(|| AppError::invalid("role", "the role must be admin, user or viewer"))?;
        let client = crate::auth::server::client_addr().await;
        super::server::set_role(&db, &actor, id, role, &client).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "set_user_active")]
pub async fn set_user_active(id: Uuid, active: bool) -> Result<(), AppError> {
    let result = async {
        let (actor, db) = admin().await?;
        if actor.id == id && !active {
            return Err(AppError::invalid(
                "id",
                "you cannot deactivate your own account",
            ));
        }
        crate::auth::server::set_active(&db, id, active).await?;
        let client = crate::auth::server::client_addr().await;
        crate::auth::server::audit(
            &db,
            Some(actor.id),
            if active {
                "user_reactivate"
            } else {
                "user_deactivate"
            },
            Some(&id.to_string()),
            &client,
            serde_json::json!({}),
        )
        .await;
        Ok(())
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "list_audit_log")]
pub async fn list_audit_log() -> Result<Vec<AuditEntry>, AppError> {
    let result = async {
        let (_, db) = admin().await?;
        super::server::audit_log(&db, 200).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Changes the caller's password (the old one is required) and ends every
/// other session of theirs; this one stays signed in.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    old_password: String,
    new_password: String,
    // A checkbox: present ("on") when the owner asks to revoke their API tokens too.
    revoke_tokens: Option<String>,
) -> Result<u64, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        let new_password = crate::auth::types::Password::parse(&new_password)?;
        let revoke_tokens = revoke_tokens.is_some_and(|value| value != "false");
        let (epoch, revoked) = super::server::change_password(
            &state.db,
            user.id,
            &old_password,
            &new_password,
            revoke_tokens,
        )
        .await?;
        let session = crate::auth::session::of_request().await?;
        crate::auth::session::start(&session, user.id, epoch).await?;
        let client = crate::auth::server::client_addr().await;
        crate::auth::server::audit(
            &state.db,
            Some(user.id),
            "password_change",
            Some(&user.email),
            &client,
            serde_json::json!({ "tokens_revoked": revoked }),
        )
        .await;
        Ok(revoked)
    }
    .await;
    crate::error::with_http_status(result)
}
