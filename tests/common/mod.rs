//! Helpers shared by the integration tests.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use http::{Request, Response};
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tower::ServiceExt;

use std::sync::Arc;

use evistream::config::Config;
use evistream::jobs::events::JobEvents;
use evistream::server::state::AppState;
use tokio_util::sync::CancellationToken;

pub const TEST_TOKEN_SECRET: &[u8] = b"a test secret of at least thirty-two bytes";

pub fn test_config(database_url: &str) -> Config {
    let url = database_url.to_owned();
    Config::from_lookup(&move |key| match key {
        "DATABASE_URL" => Some(url.clone()),
        "EVISTREAM_DIAGNOSTIC_JOBS" => Some("true".to_owned()),
        _ => None,
    })
    .expect("test configuration is valid")
}

pub fn state(db: PgPool) -> AppState {
    AppState {
        leptos_options: LeptosOptions::builder().output_name("evistream").build(),
        config: Arc::new(test_config("postgres://unused/evistream")),
        db,
        metrics: evistream::server::metrics::handle(),
        job_events: JobEvents::new(),
        token_keys: evistream::auth::tokens::TokenKeys::from_secret(TEST_TOKEN_SECRET),
        shutdown: CancellationToken::new(),
    }
}

pub fn app(db: PgPool) -> Router {
    evistream::server::http::router(state(db))
}

/// A pool pointing at a port where no database listens.
pub fn unreachable_pool() -> PgPool {
    PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy("postgres://postgres@127.0.0.1:9/evistream")
        .expect("a well-formed URL")
}

pub async fn get(app: &Router, path: &str) -> Response<Body> {
    app.clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("infallible")
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8 body")
}
