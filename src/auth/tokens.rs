//! Personal API tokens: HS256 JWTs whose `jti` names a row of `api_tokens`, so
//! each token can be listed, revoked, and expires. Scripts send one as
//! `Authorization: Bearer <token>` to any server function.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::types::{Role, SignedInUser};
use crate::error::AppError;

/// The signing keys of this instance.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8]) -> Self {
        TokenKeys {
            encoding: Arc::new(EncodingKey::from_secret(secret)),
            decoding: Arc::new(DecodingKey::from_secret(secret)),
        }
    }

    /// The configured secret, or else the instance's own, generated once and
    /// kept in the database so every process signs and checks alike.
    pub async fn load(pool: &PgPool, configured: Option<&str>) -> Result<Self, sqlx::Error> {
        if let Some(secret) = configured {
            return Ok(Self::from_secret(secret.as_bytes()));
        }
        let fresh: Vec<u8> = [Uuid::new_v4(), Uuid::new_v4()]
            .iter()
            .flat_map(|id| id.as_bytes().to_vec())
            .collect();
        sqlx::query!(
            "INSERT INTO instance_secrets (name, value) VALUES ('api_token_signing', $1) ON CONFLICT (name) DO NOTHING",
            fresh
        )
        .execute(pool)
        .await?;
        let secret = sqlx::query_scalar!(
            "SELECT value FROM instance_secrets WHERE name = 'api_token_signing'"
        )
        .fetch_one(pool)
        .await?;
        Ok(Self::from_secret(&secret))
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub jti: Uuid,
    pub iat: i64,
    pub exp: i64,
}

pub fn sign(keys: &TokenKeys, claims: &Claims) -> Result<String, AppError> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &keys.encoding)
        .map_err(|err| AppError::internal(format!("signing a token: {err}")))
}

/// Signs any short-lived claims (download links) with the instance key.
pub fn sign_claims<T: Serialize>(keys: &TokenKeys, claims: &T) -> Result<String, AppError> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &keys.encoding)
        .map_err(|err| AppError::internal(format!("signing a link: {err}")))
}

/// The claims of a link signed by `sign_claims`, if it is genuine and unexpired.
pub fn verify_claims<T: serde::de::DeserializeOwned>(keys: &TokenKeys, token: &str) -> Option<T> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    jsonwebtoken::decode::<T>(token, &keys.decoding, &validation)
        .ok()
        .map(|data| data.claims)
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
        r#"INSERT INTO api_tokens (user_id, name, expires_at)
           VALUES ($1, $2, now() + make_interval(days => $3))
           RETURNING id, expires_at AS "expires_at: DateTime<Utc>""#,
        user,
        name,
        days as i32
    )
    .fetch_one(pool)
    .await?;
    let (id, expires_at) = (row.id, row.expires_at);
    let token = sign(
        keys,
        &Claims {
            sub: user,
            jti: id,
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
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    let claims = jsonwebtoken::decode::<Claims>(token, &keys.decoding, &validation)
        .map_err(|err| {
            tracing::info!(error = %err, "bearer token refused");
            AppError::Unauthorized
        })?
        .claims;
    let row = sqlx::query!(
        r#"UPDATE api_tokens t SET last_used_at = now()
           FROM users u
           WHERE t.id = $1 AND t.user_id = $2 AND u.id = t.user_id
             AND t.revoked_at IS NULL AND t.expires_at > now() AND u.is_active
           RETURNING u.id, u.email, u.role"#,
        claims.jti,
        claims.sub
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
