//! What every request handler and server function can reach.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::error::AppError;
use crate::jobs::events::JobEvents;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub db: PgPool,
    pub metrics: PrometheusHandle,
    pub job_events: JobEvents,
    /// Keys that sign and check personal API tokens.
    pub token_keys: crate::auth::tokens::TokenKeys,
    /// File storage and the PDF conversion settings.
    pub documents: crate::documents::server::DocumentServices,
    /// The model client for questions and the answers being written.
    pub ask: crate::ask::written::AskServices,
    /// Cancelled when the process shuts down (ends long-lived streams).
    pub shutdown: CancellationToken,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state inside a server function (provided as Leptos context by the router).
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("AppState missing from the Leptos context"))
}
