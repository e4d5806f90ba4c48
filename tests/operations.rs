//! The operator endpoints and the HTTP middleware, through the real router.
#![cfg(feature = "ssr")]
#![allow(clippy::unwrap_used)]

mod common;

use common::{app, body_text, get, unreachable_pool};
use http::StatusCode;
use sqlx::PgPool;

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn readyz_is_ready_with_a_migrated_database(pool: PgPool) {
    let response = get(&app(pool), "/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body_text(response).await.contains("\"ready\""));
}

#[tokio::test]
async fn readyz_reports_a_down_database_as_not_ready() {
    let response = get(&app(unreachable_pool()), "/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = body_text(response).await;
    assert!(body.contains("not ready"), "{body}");
    assert!(body.contains("\"database\":false"), "{body}");
}

#[sqlx::test(migrations = false)]
async fn readyz_reports_pending_migrations_as_not_ready(pool: PgPool) {
    let response = get(&app(pool), "/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(body_text(response).await.contains("migrations are pending"));
}

#[tokio::test]
async fn healthz_does_not_depend_on_the_database() {
    let response = get(&app(unreachable_pool()), "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = app(unreachable_pool());
    let first = get(&app, "/healthz").await;
    let second = get(&app, "/healthz").await;
    let id = |r: &http::Response<axum::body::Body>| {
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("x-request-id header")
    };
    assert_eq!(id(&first).len(), 36);
    assert_ne!(id(&first), id(&second));

    // A caller's own id is kept, so logs can be joined across services.
    let response = tower::ServiceExt::oneshot(
        app,
        http::Request::get("/healthz")
            .header("x-request-id", "trace-me-42")
            .body(axum::body::Body::empty())
            .expect("request"),
    )
    .await
    .expect("infallible");
    assert_eq!(id(&response), "trace-me-42");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = app(unreachable_pool());
    get(&app, "/healthz").await;
    get(&app, "/readyz").await;
    let response = get(&app, "/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = body_text(response).await;
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"}"#),
        "{text}"
    );
    assert!(text.contains(r#"route="/readyz",status="503""#), "{text}");
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_pages_answer_404_with_the_app_shell() {
    let response = get(&app(unreachable_pool()), "/no/such/page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body = body_text(response).await;
    assert!(body.contains("Page not found"), "{body}");
    assert!(body.contains("eviStream"), "{body}");
    assert!(
        body.contains("/pkg/evistream.js"),
        "the app's pages link the hydration script"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn the_home_page_renders_on_the_server(pool: PgPool) {
    let response = get(&app(pool), "/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = body_text(response).await;
    assert!(body.contains("verified data set"), "{body}");
    // A visitor's start page is plain HTML (app::serves_without_wasm).
    assert!(
        !body.contains("/pkg/evistream.js"),
        "a visitor's start page loads no wasm"
    );
    assert!(body.contains("/static_page.js"), "{body}");
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn metrics_report_the_job_queue_depth(pool: PgPool) {
    let mut tx = pool.begin().await.expect("begin");
    evistream::jobs::server::enqueue(
        &mut tx,
        evistream::jobs::server::NewJob::new("metrics.test", serde_json::json!({})),
    )
    .await
    .expect("enqueue");
    tx.commit().await.expect("commit");
    let text = body_text(get(&app(pool), "/metrics").await).await;
    assert!(
        text.contains(r#"jobs_queue_depth{kind="metrics.test",status="queued"} 1"#),
        "{text}"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn server_functions_answer_over_http_with_their_status(pool: PgPool) {
    let app = app(pool);
    let post = |path: &str, body: &'static str, cookie: Option<&str>| {
        let mut request =
            http::Request::post(path).header("content-type", "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.body(axum::body::Body::from(body)).expect("request")
    };
    let call = |request| tower::ServiceExt::oneshot(app.clone(), request);

    let anonymous = call(post("/api/list_jobs", "", None))
        .await
        .expect("infallible");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let registered = call(post(
        "/api/register",
        "email=ops%40example.org&password=long+enough+password",
        None,
    ))
    .await
    .expect("infallible");
    assert_eq!(registered.status(), StatusCode::OK);
    let cookie = registered
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();

    let listed = call(post("/api/list_jobs", "", Some(&cookie)))
        .await
        .expect("infallible");
    assert_eq!(listed.status(), StatusCode::OK);
    assert_eq!(body_text(listed).await, "[]");

    let missing = call(post(
        "/api/get_job",
        "id=00000000-0000-0000-0000-000000000000",
        Some(&cookie),
    ))
    .await
    .expect("infallible");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let invalid = call(post(
        "/api/start_diagnostic_job",
        "steps=0&step_ms=10",
        Some(&cookie),
    ))
    .await
    .expect("infallible");
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(invalid).await.contains("steps must be between"));
}

/// The build's assets go out as their precompressed copies by content
/// negotiation, marked immutable; a browser that accepts neither gets the
/// file itself.
#[tokio::test]
async fn assets_are_served_precompressed_by_content_negotiation() {
    use tower::ServiceExt;
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm = "(module) ".repeat(2000);
    std::fs::write(pkg.join("evistream.0123abcd.wasm"), &wasm).unwrap();
    let done = evistream::server::assets::precompress(site.path()).unwrap();
    assert_eq!(done.files, 1);
    let mut state = common::state(unreachable_pool());
    state.platform.leptos_options = leptos::config::LeptosOptions::builder()
        .output_name("evistream")
        .site_root(site.path().to_string_lossy().to_string())
        .build();
    let router = evistream::server::http::router(state);
    let fetch = |encoding: &'static str| {
        let router = router.clone();
        async move {
            let mut request = http::Request::get("/pkg/evistream.0123abcd.wasm");
            if !encoding.is_empty() {
                request = request.header(http::header::ACCEPT_ENCODING, encoding);
            }
            let response = router
                .oneshot(request.body(axum::body::Body::empty()).unwrap())
                .await
                .unwrap();
            let headers = response.headers().clone();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (headers, bytes)
        }
    };
    let (headers, body) = fetch("gzip, deflate, br").await;
    assert_eq!(headers[http::header::CONTENT_ENCODING], "br");
    assert_eq!(
        body.as_ref(),
        std::fs::read(pkg.join("evistream.0123abcd.wasm.br")).unwrap()
    );
    assert!(body.len() < wasm.len() / 10);
    assert_eq!(
        headers[http::header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let (headers, body) = fetch("gzip").await;
    assert_eq!(headers[http::header::CONTENT_ENCODING], "gzip");
    assert_eq!(
        body.as_ref(),
        std::fs::read(pkg.join("evistream.0123abcd.wasm.gz")).unwrap()
    );
    let (headers, body) = fetch("").await;
    assert!(headers.get(http::header::CONTENT_ENCODING).is_none());
    assert_eq!(body.as_ref(), wasm.as_bytes());
}
