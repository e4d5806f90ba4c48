//! Account storage and password hashing.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sqlx::PgPool;
use uuid::Uuid;

use super::types::{Email, Password, Role};
use crate::error::AppError;

/// Argon2id cost, in one place. 19 MiB, 2 passes, 1 lane is OWASP's
/// recommended minimum for argon2id: about 20-40 ms per hash on one core here,
/// which bounds what a sign-in burst costs the server while keeping offline
/// guessing expensive.
const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
const ARGON2_PASSES: u32 = 2;
const ARGON2_LANES: u32 = 1;

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None)
        .map_err(|err| AppError::internal(format!("argon2 parameters: {err}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes on a blocking thread: argon2 is deliberately slow and must not stall
/// the async workers.
pub async fn hash_password(password: &Password) -> Result<String, AppError> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || {
        let hash = hasher()?
            .hash_password(password.expose().as_bytes())
            .map_err(|err| AppError::internal(format!("argon2 hash: {err}")))?;
        Ok(hash.to_string())
    })
    .await
    .map_err(|err| AppError::internal(format!("hashing task: {err}")))?
}

/// True when `password` matches the stored `hash`.
pub async fn verify_password(password: &str, hash: &str) -> Result<bool, AppError> {
    let password = password.to_owned();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || {
        Ok(hasher()?
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok())
    })
    .await
    .map_err(|err| AppError::internal(format!("verification task: {err}")))?
}

/// Creates an account. A taken email is a validation error on `email`.
#[tracing::instrument(skip_all, fields(email = %email.as_str(), role = role.as_str()), err(Display))]
pub async fn create_user(
    pool: &PgPool,
    email: &Email,
    password: &Password,
    role: Role,
) -> Result<Uuid, AppError> {
    let hash = hash_password(password).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3) RETURNING id",
        email.as_str(),
        hash,
        role.as_str(),
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// Failed sign-ins allowed for one account from one client address per
/// window; then that pair waits (429 with `Retry-After`). Keyed on the pair,
/// so someone guessing a colleague's password from elsewhere cannot lock
/// the colleague out.
pub const SIGN_IN_FAILURES_ALLOWED: i64 = 5;
/// Failures allowed from one address over all accounts per window
/// (password spraying); then that address waits.
pub const SIGN_IN_FAILURES_PER_ADDRESS: i64 = 30;
/// Failures on one account from all addresses after which every further
/// attempt on it is slowed down (never refused).
const SIGN_IN_SLOWDOWN_AFTER: i64 = 10;
const SIGN_IN_SLOWDOWN_MAX_SECS: u64 = 3;
const SIGN_IN_WINDOW_SECS: f64 = 60.0;

/// The same message for an unknown email and a wrong password.
const BAD_CREDENTIALS: &str = "the email address or password is not correct";

/// A stored account, as sign-in needs it.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub session_epoch: i32,
}

/// A hash to verify against when the email is unknown, so that both failures
/// cost the same time.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hasher()
            .ok()
            .and_then(|h| h.hash_password(b"decoy password for timing").ok())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Records a security event. Failing to audit is logged, never fatal to the
/// action itself (the action already happened).
pub async fn audit(
    pool: &PgPool,
    actor: Option<Uuid>,
    action: &str,
    target: Option<&str>,
    client_addr: &str,
    detail: serde_json::Value,
) {
    let result = sqlx::query!(
        "INSERT INTO audit_log (actor_id, action, target, client_addr, detail) VALUES ($1, $2, $3, $4, $5)",
        actor,
        action,
        target,
        client_addr,
        detail
    )
    .execute(pool)
    .await;
    if let Err(err) = result {
        tracing::error!(error = %err, action, "could not write the audit log");
    }
}

/// Deletes sign-in attempts older than a day (throttling looks back a minute).
pub async fn prune_sign_in_attempts(pool: &PgPool) -> Result<u64, AppError> {
    let deleted = sqlx::query!("DELETE FROM sign_in_attempts WHERE at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(deleted.rows_affected())
}

/// Counts this attempt with the recent failures of its account and address
/// and records it (as a failure until the password proves right), under a
/// lock per client address, so a burst of parallel attempts is counted one
/// by one rather than all slipping past the check together. Refuses when
/// this account from this address, or this address over all accounts,
/// failed too often lately (a refused attempt is not recorded: it guessed
/// nothing); slows down an account under attack from many addresses.
/// Returns the attempt's row.
async fn throttle(pool: &PgPool, email: &str, client_addr: &str) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtext('sign-in:' || $1))",
        client_addr
    )
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query!(
        r#"SELECT
               count(*) FILTER (WHERE email = $1 AND client_addr = $2) AS "by_pair!",
               count(*) FILTER (WHERE client_addr = $2) AS "by_client!",
               count(*) FILTER (WHERE email = $1) AS "by_email!",
               min(at) FILTER (WHERE email = $1 AND client_addr = $2) AS "by_pair_oldest: chrono::DateTime<chrono::Utc>",
               min(at) FILTER (WHERE client_addr = $2) AS "by_client_oldest: chrono::DateTime<chrono::Utc>"
           FROM sign_in_attempts
           WHERE NOT succeeded AND at > now() - make_interval(secs => $3)
             AND (email = $1 OR client_addr = $2)"#,
        email,
        client_addr,
        SIGN_IN_WINDOW_SECS,
    )
    .fetch_one(&mut *tx)
    .await?;
    let oldest = if row.by_pair >= SIGN_IN_FAILURES_ALLOWED {
        Some(row.by_pair_oldest)
    } else if row.by_client >= SIGN_IN_FAILURES_PER_ADDRESS {
        Some(row.by_client_oldest)
    } else {
        None
    };
    if let Some(oldest) = oldest {
        tx.rollback().await?;
        let elapsed = oldest
            .map(|at| (chrono::Utc::now() - at).num_seconds().max(0) as f64)
            .unwrap_or(0.0);
        return Err(AppError::TooManyAttempts {
            retry_after_secs: (SIGN_IN_WINDOW_SECS - elapsed).ceil().max(1.0) as u64,
        });
    }
    let attempt = sqlx::query_scalar!(
        "INSERT INTO sign_in_attempts (email, client_addr, succeeded) VALUES ($1, $2, false) RETURNING id",
        email,
        client_addr
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    if row.by_email >= SIGN_IN_SLOWDOWN_AFTER {
        let secs =
            ((row.by_email + 1 - SIGN_IN_SLOWDOWN_AFTER) as u64).min(SIGN_IN_SLOWDOWN_MAX_SECS);
        tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
    }
    Ok(attempt)
}

/// Checks an email and password. Unknown email, wrong password and a
/// deactivated account give the same error after the same work.
#[tracing::instrument(skip_all, fields(client = %client_addr), err(Display))]
pub async fn authenticate(
    pool: &PgPool,
    raw_email: &str,
    password: &str,
    client_addr: &str,
) -> Result<Account, AppError> {
    let email = raw_email.trim().to_lowercase();
    let attempt = throttle(pool, &email, client_addr).await?;
    let row = sqlx::query!(
        "SELECT id, email, role, password_hash, is_active, session_epoch FROM users WHERE email = $1",
        email
    )
    .fetch_optional(pool)
    .await?;
    let (hash, account) = match &row {
        Some(row) => (
            row.password_hash.clone(),
            Some(Account {
                id: row.id,
                email: row.email.clone(),
                role: Role::parse(&row.role).unwrap_or(Role::Viewer),
                session_epoch: row.session_epoch,
            }),
        ),
        None => (decoy_hash().to_owned(), None),
    };
    let matches = verify_password(password, &hash).await?;
    let active = row.as_ref().is_some_and(|row| row.is_active);
    let succeeded = matches && active && account.is_some();
    if succeeded {
        sqlx::query!(
            "UPDATE sign_in_attempts SET succeeded = true WHERE id = $1",
            attempt
        )
        .execute(pool)
        .await?;
    }
    let actor = account.as_ref().map(|a| a.id);
    match account {
        Some(account) if succeeded => {
            audit(
                pool,
                actor,
                "sign_in",
                Some(&email),
                client_addr,
                serde_json::json!({}),
            )
            .await;
            Ok(account)
        }
        _ => {
            audit(
                pool,
                actor,
                "sign_in_failed",
                Some(&email),
                client_addr,
                serde_json::json!({ "reason": if row.is_none() { "unknown email" } else if !active { "deactivated" } else { "wrong password" } }),
            )
            .await;
            Err(AppError::invalid("password", BAD_CREDENTIALS))
        }
    }
}

/// Registers an account. The first account of an empty instance becomes
/// admin; later ones are users, and only while registration is open.
#[tracing::instrument(skip_all, fields(email = %email.as_str()), err(Display))]
pub async fn register(
    pool: &PgPool,
    email: &Email,
    password: &Password,
    registration_open: bool,
    registrations_per_hour: i64,
    client_addr: &str,
) -> Result<Account, AppError> {
    // Registration must say when an email is taken; it is throttled per
    // address (before spending a hash) so that cannot be used to list accounts.
    let recent = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM audit_log
           WHERE action IN ('register', 'register_refused') AND client_addr = $1
             AND at > now() - interval '1 hour'"#,
        client_addr
    )
    .fetch_one(pool)
    .await?;
    if recent >= registrations_per_hour {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: 3600,
        });
    }
    let hash = hash_password(password).await?;
    let mut tx = pool.begin().await?;
    // Serialises concurrent first registrations, so exactly one becomes admin.
    sqlx::query!("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let existing = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM users"#)
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 && !registration_open {
        return Err(AppError::Conflict(
            "registration is closed on this instance; ask an administrator for an account"
                .to_owned(),
        ));
    }
    let role = if existing == 0 {
        Role::Admin
    } else {
        Role::User
    };
    let inserted = sqlx::query!(
        "INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3) RETURNING id, session_epoch",
        email.as_str(),
        hash,
        role.as_str(),
    )
    .fetch_one(&mut *tx)
    .await;
    let row = match inserted {
        Ok(row) => row,
        Err(err) => {
            let err = AppError::from(err);
            drop(tx);
            audit(
                pool,
                None,
                "register_refused",
                Some(email.as_str()),
                client_addr,
                serde_json::json!({ "reason": err.to_string() }),
            )
            .await;
            return Err(err);
        }
    };
    tx.commit().await?;
    audit(
        pool,
        Some(row.id),
        "register",
        Some(email.as_str()),
        client_addr,
        serde_json::json!({ "role": role.as_str() }),
    )
    .await;
    Ok(Account {
        id: row.id,
        email: email.as_str().to_owned(),
        role,
        session_epoch: row.session_epoch,
    })
}

/// Deactivates or reactivates an account; deactivation ends its sessions at
/// once and revokes its API tokens for good (reactivation does not bring
/// them back).
pub async fn set_active(pool: &PgPool, user_id: Uuid, active: bool) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        r#"UPDATE users SET is_active = $2,
               session_epoch = session_epoch + CASE WHEN $2 THEN 0 ELSE 1 END,
               updated_at = now()
           WHERE id = $1"#,
        user_id,
        active
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::not_found("user"));
    }
    if !active {
        super::tokens::revoke_all(&mut *tx, user_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The caller of the current server function, from its session.
/// A session cookie wins; otherwise an `Authorization: Bearer` API token is
/// checked (a bad token is an error, not an anonymous call).
pub async fn caller() -> Result<Option<super::types::SignedInUser>, AppError> {
    let state = crate::platform::platform()?;
    let session = super::session::of_request().await?;
    let headers: http::HeaderMap = leptos_axum::extract()
        .await
        .map_err(|err| AppError::internal(format!("request headers: {err}")))?;
    caller_of(&state, &session, &headers).await
}

/// The caller of a plain axum route (uploads, downloads), by the same rules
/// as `caller`.
pub async fn caller_of(
    state: &crate::platform::Platform,
    session: &tower_sessions::Session,
    headers: &http::HeaderMap,
) -> Result<Option<super::types::SignedInUser>, AppError> {
    if let Some(user) = super::session::user(session, &state.db, &state.config).await? {
        return Ok(Some(user));
    }
    let bearer = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match bearer {
        Some(token) => super::tokens::authenticate(&state.db, &state.token_keys, token.trim())
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// The caller, who must be signed in.
pub async fn require_user() -> Result<super::types::SignedInUser, AppError> {
    caller().await?.ok_or(AppError::Unauthorized)
}

/// The client's address for throttling and the audit log: the TCP peer, or
/// the address a trusted reverse proxy names (`platform::client_addr`).
pub async fn client_addr() -> String {
    use axum::extract::ConnectInfo;
    let Ok(ConnectInfo(peer)) = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>().await
    else {
        return "unknown".to_owned();
    };
    let trusted = crate::platform::platform()
        .map(|state| state.config.trusted_proxies.clone())
        .unwrap_or_default();
    if trusted.is_empty() {
        return peer.ip().to_string();
    }
    let headers: http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
    crate::platform::client_addr::client_ip(peer, &headers, &trusted).to_string()
}
