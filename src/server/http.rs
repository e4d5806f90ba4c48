//! The HTTP stack: Leptos pages and server functions, operator endpoints, and
//! the middleware every request passes (request id, tracing span, metrics).

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use http::HeaderName;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::app::{App, shell};
use crate::auth::session;
use crate::server::security;
use crate::server::state::AppState;
use crate::system::server as ops;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the whole router for one process.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || state.provide_context()
    };
    let render_shell = {
        let options = state.platform.leptos_options.clone();
        move || shell(options.clone())
    };

    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route(
            crate::jobs::api::JOB_EVENTS_PATH,
            get(crate::jobs::events::stream),
        )
        .nest_service(
            &format!("/{}", state.platform.leptos_options.site_pkg_dir),
            crate::server::assets::pkg_service(&state.platform.leptos_options),
        )
        .route(
            crate::ask::api::ANSWER_EVENTS_ROUTE,
            get(crate::ask::written::events),
        )
        .route(
            crate::documents::routes::UPLOAD_ROUTE,
            axum::routing::post(crate::documents::routes::upload),
        )
        .route(
            crate::documents::routes::FILE_ROUTE,
            get(crate::documents::routes::file),
        )
        .route(
            crate::export::route::EXPORT_ROUTE,
            get(crate::export::route::export),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), render_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(
            // Outermost first: the id is set before the span that records it.
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(middleware::from_fn(record_metrics))
                .layer(middleware::from_fn_with_state(
                    state.platform.clone(),
                    security::headers,
                ))
                .layer(middleware::from_fn_with_state(
                    state.platform.clone(),
                    security::reject_cross_site,
                ))
                .layer(middleware::from_fn_with_state(
                    state.platform.token_keys.clone(),
                    crate::auth::tokens::enforce_scope,
                ))
                .layer(session::layer(
                    state.platform.db.clone(),
                    &state.platform.config,
                ))
                .layer(middleware::from_fn(sign_in_first))
                .layer(middleware::from_fn(cache_policy))
                .layer(middleware::from_fn(server_fn_limits))
                // gzip or brotli by Accept-Encoding: pages, server-function
                // answers, exports and static files (not the event stream).
                // tower-http's defaults: brotli 4 (not the codec's 11) and
                // gzip 6; `bench/compression` measures what they cost.
                .layer(tower_http::compression::CompressionLayer::new())
                // A body that sends nothing for this long is abandoned (the
                // upload answers 408): a slow client cannot hold a request open.
                .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
                    state.platform.config.body_read_timeout,
                )),
        )
        .with_state(state)
}

/// Static files: those with a content hash in their name (`/pkg/evistream.
/// 1a2b3c.wasm`) never change and are cached for a year; every other static
/// file is revalidated (Last-Modified) on each use.
async fn cache_policy(request: Request<Body>, next: middleware::Next) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if !response.status().is_success()
        || response.headers().contains_key(http::header::CACHE_CONTROL)
    {
        return response;
    }
    let file = path.rsplit('/').next().unwrap_or_default();
    let policy = if path.starts_with("/pkg/") && file.matches('.').count() >= 2 {
        Some("public, max-age=31536000, immutable")
    } else if path.starts_with("/pkg/")
        || path.starts_with("/pdfjs/")
        || matches!(
            file,
            "theme.js" | "static_page.js" | "pdf_view.js" | "favicon.ico"
        )
    {
        Some("no-cache")
    } else {
        None
    };
    if let Some(policy) = policy {
        response.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static(policy),
        );
    }
    response
}

/// A signed-out visit to a private page goes to the sign-in page, which
/// comes back to the page once signed in (`?next=`). Only whole-page GETs:
/// server functions and files answer 401 as they always did.
async fn sign_in_first(
    session: tower_sessions::Session,
    request: Request<Body>,
    next: middleware::Next,
) -> Response {
    use axum::response::IntoResponse;
    let path = request.uri().path();
    let private = crate::app::is_private_page(path);
    if request.method() != http::Method::GET || !private {
        return next.run(request).await;
    }
    if crate::auth::session::has_user(&session).await {
        return next.run(request).await;
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|target| target.as_str().to_owned())
        .unwrap_or_else(|| path.to_owned());
    axum::response::Redirect::to(&crate::app::sign_in_path(&target)).into_response()
}

/// The largest body a server function accepts (forms, gold CSV text).
/// Uploads have their own route and limit.
pub const SERVER_FN_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Server functions, before and after Leptos: a body over the limit is
/// refused with 413, and an error Leptos raised before the function ran
/// (malformed or missing arguments), which it always answers with 500, gets
/// the status its error means (400 for bad arguments) instead.
async fn server_fn_limits(request: Request<Body>, next: middleware::Next) -> Response {
    use axum::response::IntoResponse;
    let is_server_fn = request.method() == http::Method::POST
        && request
            .uri()
            .path()
            .strip_prefix("/api/")
            .is_some_and(|name| !name.contains('/'));
    if !is_server_fn {
        return next.run(request).await;
    }
    let announced = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if announced.is_some_and(|length| length > SERVER_FN_BODY_LIMIT) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, SERVER_FN_BODY_LIMIT));
    let response = next.run(Request::from_parts(parts, body)).await;
    if response.status() != http::StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return crate::error::AppError::internal("reading a server function's error")
            .into_response();
    };
    if let Ok(error) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
        if error.to_string().contains("length limit exceeded") {
            return too_large();
        }
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn too_large() -> Response {
    use axum::response::IntoResponse;
    (
        http::StatusCode::PAYLOAD_TOO_LARGE,
        axum::Json(serde_json::json!({
            "error": format!("The request is too large: the limit is {} MB.", SERVER_FN_BODY_LIMIT / (1024 * 1024))
        })),
    )
        .into_response()
}

fn request_span(request: &Request<Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    // A signed file link is a bearer credential: keep it out of the logs.
    let path = request.uri().path();
    let path = if path.starts_with(crate::documents::server::FILE_ROUTE_PREFIX) {
        "/files/…"
    } else {
        path
    };
    tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        path = %path,
    )
}

/// The route label for metrics: the matched route pattern, never the raw path,
/// so ids in URLs do not explode the number of series.
fn route_label(request: &Request) -> String {
    if let Some(path) = request.extensions().get::<MatchedPath>() {
        return path.as_str().to_owned();
    }
    if request.uri().path().starts_with("/pkg/") {
        "/pkg/{file}".to_owned()
    } else {
        "unmatched".to_owned()
    }
}

async fn record_metrics(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = route_label(&request);
    let method = request.method().to_string();
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}
