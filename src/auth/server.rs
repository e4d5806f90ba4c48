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
