//! The platform's services, reachable from every request handler and server
//! function. A feature's own services (documents' storage and upload limits,
//! ask's model client) are separate values the wiring provides beside this one
//! (`server::state`), so the platform names no feature.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::error::AppError;
use crate::platform::jobs::events::JobEvents;
use crate::platform::keys::TokenKeys;

#[derive(Clone)]
pub struct Platform {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub db: PgPool,
    pub metrics: PrometheusHandle,
    pub job_events: JobEvents,
    /// Keys that sign and check personal API tokens and file links.
    pub token_keys: TokenKeys,
    /// Cancelled when the process shuts down (ends long-lived streams).
    pub shutdown: CancellationToken,
}

impl FromRef<Platform> for LeptosOptions {
    fn from_ref(platform: &Platform) -> Self {
        platform.leptos_options.clone()
    }
}

/// The platform inside a server function (provided as Leptos context by the router).
pub fn platform() -> Result<Platform, AppError> {
    leptos::prelude::use_context::<Platform>()
        .ok_or_else(|| AppError::internal("the platform is missing from the Leptos context"))
}
