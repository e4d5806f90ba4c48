//! Server functions about the system's health, callable by anyone.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the start page shows about the server it talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStatus {
    pub version: String,
    pub database_reachable: bool,
    pub pending_migrations: usize,
    pub checked_at: DateTime<Utc>,
}

/// Asks the server whether it and its database are working.
#[server(prefix = "/api", endpoint = "system_status")]
pub async fn check_system_status() -> Result<SystemStatus, AppError> {
    crate::error::with_http_status(system_status().await)
}

#[cfg(feature = "ssr")]
async fn system_status() -> Result<SystemStatus, AppError> {
    let state = crate::platform::platform()?;
    let readiness = crate::db::readiness(&state.db, std::time::Duration::from_secs(2)).await;
    Ok(SystemStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database_reachable: readiness.database,
        pending_migrations: readiness.pending_migrations.len(),
        checked_at: Utc::now(),
    })
}
