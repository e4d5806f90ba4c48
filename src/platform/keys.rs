//! The keys this instance signs with: personal API tokens and the app's own
//! file links are HS256 JWTs signed and checked with them (`auth::tokens`).

use std::sync::Arc;

use jsonwebtoken::{DecodingKey, EncodingKey};
use sqlx::PgPool;
use uuid::Uuid;

/// The signing keys of this instance.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
}

impl TokenKeys {
    pub fn encoding(&self) -> &EncodingKey {
        &self.encoding
    }

    pub fn decoding(&self) -> &DecodingKey {
        &self.decoding
    }

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
