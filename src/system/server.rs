//! Operator endpoints: liveness, readiness and Prometheus metrics. Plain axum
//! routes, because load balancers and scrapers speak plain HTTP.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db;
use crate::platform::Platform;

/// How long `/readyz` waits for the database before calling it down.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

/// `/healthz`: the process is alive and serving HTTP. Never touches the database,
/// so a database outage does not get healthy processes restarted.
pub async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `/readyz`: the database answers and this binary's migrations are applied.
pub async fn readyz(State(state): State<Platform>) -> impl IntoResponse {
    let readiness = db::readiness(&state.db, READINESS_TIMEOUT).await;
    if readiness.is_ready() {
        (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready", "checks": readiness })),
        )
    } else {
        tracing::warn!(problem = ?readiness.problem, "not ready");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "not ready", "checks": readiness })),
        )
    }
}

/// `/metrics`: Prometheus text exposition of everything recorded in-process.
pub async fn metrics(State(state): State<Platform>, headers: axum::http::HeaderMap) -> Response {
    if let Some(expected) = &state.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default();
        if !constant_time_eq(given.as_bytes(), expected.expose().as_bytes()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "metrics need Authorization: Bearer <EVISTREAM_METRICS_TOKEN>\n",
            )
                .into_response();
        }
    }
    metrics::gauge!("db_pool_connections").set(f64::from(state.db.size()));
    metrics::gauge!("db_pool_idle_connections").set(state.db.num_idle() as f64);
    record_queue_depth(&state).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Compares without stopping at the first difference, so the time taken
/// tells nothing about how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// Sets `jobs_queue_depth{kind,status}` from the table, zeroing series that
/// emptied since the last scrape.
async fn record_queue_depth(state: &Platform) {
    static SEEN: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());
    let depth = match crate::platform::jobs::queue::depth(&state.db).await {
        Ok(depth) => depth,
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the queue depth");
            return;
        }
    };
    let Ok(mut seen) = SEEN.lock() else { return };
    for (kind, status) in seen.iter() {
        if !depth.iter().any(|(k, s, _)| k == kind && s == status) {
            metrics::gauge!("jobs_queue_depth", "kind" => kind.clone(), "status" => status.clone())
                .set(0.0);
        }
    }
    seen.clear();
    for (kind, status, count) in depth {
        metrics::gauge!("jobs_queue_depth", "kind" => kind.clone(), "status" => status.clone())
            .set(count as f64);
        seen.push((kind, status));
    }
}
