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
use evistream::platform::Platform;
use evistream::server::state::AppState;
use tokio_util::sync::CancellationToken;

pub const TEST_TOKEN_SECRET: &[u8] = b"a test secret of at least thirty-two bytes";

/// The URL of the test's own database (same server as DATABASE_URL), for
/// processes and pools the test starts itself.
pub fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for database tests");
    let database = pool
        .connect_options()
        .get_database()
        .expect("the test pool names its database")
        .to_owned();
    let server = base
        .rsplit_once('/')
        .map_or(base.as_str(), |(server, _)| server);
    format!("{server}/{database}")
}

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
        platform: Platform {
            leptos_options: LeptosOptions::builder().output_name("evistream").build(),
            config: Arc::new(test_config("postgres://unused/evistream")),
            db,
            metrics: evistream::server::metrics::handle(),
            job_events: JobEvents::new(),
            token_keys: evistream::auth::tokens::TokenKeys::from_secret(TEST_TOKEN_SECRET),
            shutdown: CancellationToken::new(),
        },
        documents: documents(evistream::platform::storage::Storage::local(
            test_files_dir(),
        )),
        ask: evistream::ask::written::AskServices::default(),
    }
}

/// A folder of this test process for stored files.
pub fn test_files_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("evistream-test-files-{}", std::process::id()))
}

/// Document services over `storage`, with PDF children run from the real binary.
pub fn documents(
    storage: evistream::platform::storage::Storage,
) -> evistream::documents::server::DocumentServices {
    evistream::documents::server::DocumentServices::new(
        &test_config("postgres://unused/evistream"),
        storage,
        std::path::PathBuf::from(env!("CARGO_BIN_EXE_evistream")),
    )
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

/// A new account with `password`.
pub async fn create_account(
    pool: &PgPool,
    email: &str,
    password: &str,
    role: evistream::auth::types::Role,
) -> uuid::Uuid {
    evistream::auth::server::create_user(
        pool,
        &evistream::auth::types::Email::parse(email).expect("email"),
        &evistream::auth::types::Password::parse(password).expect("password"),
        role,
    )
    .await
    .expect("account")
}

/// Signs in through the server function; returns the session cookie.
pub async fn signed_in_cookie(app: &Router, email: &str, password: &str) -> String {
    let response = app
        .clone()
        .oneshot(form_request(
            "/api/sign_in",
            &format!(
                "email={}&password={}",
                email.replace('@', "%40"),
                password.replace(' ', "+")
            ),
            None,
        ))
        .await
        .expect("infallible");
    assert_eq!(
        response.status(),
        http::StatusCode::OK,
        "sign-in of {email}"
    );
    response
        .headers()
        .get(http::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned()
}

/// A form POST to a server function, with a session cookie when given.
pub fn form_request(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(http::header::HOST, "evistream.test");
    if let Some(cookie) = cookie {
        request = request.header(http::header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_owned())).expect("request")
}
