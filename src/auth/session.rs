//! Browser sessions: tower-sessions over PostgreSQL (so any number of app
//! processes share them), an HttpOnly SameSite=Lax cookie, idle expiry by the
//! store and absolute expiry checked here, a fresh id at sign-in, server-side
//! destruction at sign-out, and a per-user epoch that ends every session of a
//! user at once (deactivation, password change).

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use uuid::Uuid;

use super::types::{Role, SignedInUser};
use crate::config::Config;
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "evistream_session";
const USER_KEY: &str = "auth.user";

/// What a session remembers about its user.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionUser {
    id: Uuid,
    epoch: i32,
    signed_in_at: i64,
}

pub fn layer(pool: PgPool, config: &Config) -> SessionManagerLayer<PostgresStore> {
    SessionManagerLayer::new(PostgresStore::new(pool))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(CookieDuration::seconds(
            config.session_idle.as_secs() as i64,
        )))
}

/// Deletes expired sessions from the table every few minutes.
pub fn spawn_expired_deletion(pool: PgPool) {
    use tower_sessions::session_store::ExpiredDeletion;
    tokio::spawn(async move {
        if let Err(err) = PostgresStore::new(pool)
            .continuously_delete_expired(std::time::Duration::from_secs(300))
            .await
        {
            tracing::warn!(error = %err, "expired-session deletion stopped");
        }
    });
}

fn session_error(err: tower_sessions::session::Error) -> AppError {
    AppError::internal(format!("session store: {err}"))
}

/// The session of the request a server function is handling.
pub async fn of_request() -> Result<Session, AppError> {
    leptos_axum::extract()
        .await
        .map_err(|err| AppError::internal(format!("no session layer: {err}")))
}

/// Starts an authenticated session. The id changes, so an id planted before
/// sign-in (session fixation) is worthless afterwards.
pub async fn start(session: &Session, user_id: Uuid, epoch: i32) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(
            USER_KEY,
            SessionUser {
                id: user_id,
                epoch,
                signed_in_at: chrono::Utc::now().timestamp(),
            },
        )
        .await
        .map_err(session_error)
}

/// Ends the session: deleted from the store, cookie cleared.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// True when the session names a user (not yet checked against the
/// database: `user()` does that). For routing decisions only.
pub async fn has_user(session: &Session) -> bool {
    matches!(session.get::<SessionUser>(USER_KEY).await, Ok(Some(_)))
}

/// The signed-in user of this session, if the session is still valid. A
/// session past its absolute lifetime, of a deactivated user, or from before
/// the user's last epoch bump is ended here.
pub async fn user(
    session: &Session,
    pool: &PgPool,
    config: &Config,
) -> Result<Option<SignedInUser>, AppError> {
    let Some(remembered) = session
        .get::<SessionUser>(USER_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let age = chrono::Utc::now().timestamp() - remembered.signed_in_at;
    if age < 0 || age as u64 > config.session_max_age.as_secs() {
        end(session).await?;
        return Ok(None);
    }
    let row = sqlx::query!(
        "SELECT id, email, role, is_active, session_epoch FROM users WHERE id = $1",
        remembered.id
    )
    .fetch_optional(pool)
    .await?;
    match row {
        Some(row) if row.is_active && row.session_epoch == remembered.epoch => {
            Ok(Some(SignedInUser {
                id: row.id,
                email: row.email,
                role: Role::parse(&row.role).unwrap_or(Role::Viewer),
            }))
        }
        _ => {
            end(session).await?;
            Ok(None)
        }
    }
}

/// What a long-lived response (the job event stream) re-checks while it
/// runs: the session it started under still exists, and its user is still
/// active and not signed out everywhere since (password change, deactivation).
#[derive(Debug, Clone)]
pub struct SessionCheck {
    session_id: String,
    user: Uuid,
    epoch: i32,
}

impl SessionCheck {
    /// The check for `session`, which `user()` has just accepted.
    pub async fn of(session: &Session) -> Result<Option<SessionCheck>, AppError> {
        let remembered = session
            .get::<SessionUser>(USER_KEY)
            .await
            .map_err(session_error)?;
        Ok(remembered
            .zip(session.id())
            .map(|(remembered, id)| SessionCheck {
                session_id: id.to_string(),
                user: remembered.id,
                epoch: remembered.epoch,
            }))
    }

    pub async fn holds(&self, pool: &PgPool) -> Result<bool, AppError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT EXISTS (
                   SELECT 1 FROM tower_sessions.session s, users u
                   WHERE s.id = $1 AND s.expiry_date > now()
                     AND u.id = $2 AND u.is_active AND u.session_epoch = $3
               ) AS "holds!""#,
            self.session_id,
            self.user,
            self.epoch
        )
        .fetch_one(pool)
        .await?)
    }
}
