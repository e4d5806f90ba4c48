//! SQL for administration.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::api::{AuditEntry, UserRow};
use crate::auth::types::{Password, Role, SignedInUser};
use crate::error::AppError;

/// The most accounts the administration page lists (the oldest first).
pub const MAX_LISTED_USERS: i64 = 2_000;

pub async fn list_users(pool: &PgPool) -> Result<Vec<UserRow>, AppError> {
    let rows = sqlx::query_as!(
        UserRow,
        r#"SELECT id, email, role, is_active, created_at AS "created_at: DateTime<Utc>"
           FROM users ORDER BY created_at LIMIT $1"#,
        MAX_LISTED_USERS
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Changes a role; the last active admin cannot stop being one.
pub async fn set_role(
    pool: &PgPool,
    actor: &SignedInUser,
    id: Uuid,
    role: Role,
    client_addr: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let admins = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM users WHERE role = 'admin' AND is_active AND id <> $1"#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if role != Role::Admin && admins == 0 {
        return Err(AppError::invalid(
            "role",
            "this is the last administrator; make someone else admin first",
        ));
    }
    let updated = sqlx::query!(
        "UPDATE users SET role = $2, updated_at = now() WHERE id = $1",
        id,
        role.as_str()
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::not_found("user"));
    }
    tx.commit().await?;
    crate::auth::server::audit(
        pool,
        Some(actor.id),
        "role_change",
        Some(&id.to_string()),
        client_addr,
        serde_json::json!({ "role": role.as_str() }),
    )
    .await;
    Ok(())
}

pub async fn audit_log(pool: &PgPool, limit: i64) -> Result<Vec<AuditEntry>, AppError> {
    let rows = sqlx::query_as!(
        AuditEntry,
        r#"SELECT a.at AS "at: DateTime<Utc>", u.email AS "actor?", a.action, a.target, a.client_addr
           FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
           ORDER BY a.id DESC LIMIT $1"#,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Verifies the old password, stores the new one and bumps the session epoch
/// (ending every session), and revokes the user's API tokens when asked;
/// returns the new epoch for the caller's own session and how many tokens
/// were revoked.
pub async fn change_password(
    pool: &PgPool,
    user: Uuid,
    old_password: &str,
    new_password: &Password,
    revoke_tokens: bool,
) -> Result<(i32, u64), AppError> {
    let hash = sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", user)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !crate::auth::server::verify_password(old_password, &hash).await? {
        return Err(AppError::invalid(
            "old_password",
            "the current password is not correct",
        ));
    }
    let new_hash = crate::auth::server::hash_password(new_password).await?;
    let mut tx = pool.begin().await?;
    let epoch = sqlx::query_scalar!(
        r#"UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = now()
           WHERE id = $1 RETURNING session_epoch"#,
        user,
        new_hash
    )
    .fetch_one(&mut *tx)
    .await?;
    let revoked = if revoke_tokens {
        crate::auth::tokens::revoke_all(&mut *tx, user).await?
    } else {
        0
    };
    tx.commit().await?;
    Ok((epoch, revoked))
}
