//! Accounts and sessions through the real router and a real PostgreSQL:
//! registration, session fixation, sign-out, deactivation, throttling,
//! cross-site request refusal and security headers.
#![cfg(feature = "ssr")]

mod common;

use axum::Router;
use axum::body::Body;
use common::{app, body_text, state};
use http::{Request, Response, StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery";

fn form(path: &str, body: String, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "evistream.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body)).expect("request")
}

/// One request through the router. Bounded: a request that never completes
/// fails its test, naming itself, rather than holding the run (seen once in
/// CI at stop 26, in the test of the pages without wasm; not reproduced).
async fn call(app: &Router, request: Request<Body>) -> Response<Body> {
    let what = format!("{} {}", request.method(), request.uri());
    tokio::time::timeout(
        std::time::Duration::from_secs(60),
        app.clone().oneshot(request),
    )
    .await
    .unwrap_or_else(|_| panic!("{what} did not answer within 60 s"))
    .expect("infallible")
}

/// The `name=value` of the session cookie a response sets.
fn session_cookie(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("evistream_session="))
        .map(|v| v.split(';').next().unwrap_or(v).to_owned())
}

fn credentials(email: &str, password: &str) -> String {
    format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    )
}

async fn register(app: &Router, email: &str) -> (Response<Body>, Option<String>) {
    let response = call(
        app,
        form("/api/register", credentials(email, PASSWORD), None),
    )
    .await;
    let cookie = session_cookie(&response);
    (response, cookie)
}

async fn sign_in(
    app: &Router,
    email: &str,
    password: &str,
    cookie: Option<&str>,
) -> Response<Body> {
    call(
        app,
        form("/api/sign_in", credentials(email, password), cookie),
    )
    .await
}

/// Who the server thinks the cookie belongs to ("null" when nobody).
async fn whoami(app: &Router, cookie: &str) -> String {
    body_text(call(app, form("/api/current_user", String::new(), Some(cookie))).await).await
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn the_first_account_is_admin_and_later_ones_are_users(pool: PgPool) {
    let app = app(pool);
    let (first, cookie) = register(&app, "Ada@Example.org").await;
    assert_eq!(first.status(), StatusCode::OK);
    let body = body_text(first).await;
    assert!(body.contains("\"Admin\""), "{body}");
    assert!(
        body.contains("ada@example.org"),
        "email is normalised: {body}"
    );
    assert!(
        whoami(&app, &cookie.expect("signed in"))
            .await
            .contains("ada@example.org")
    );

    let (second, _) = register(&app, "grace@example.org").await;
    assert!(body_text(second).await.contains("\"User\""));

    let (again, _) = register(&app, " ADA@example.org").await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(again).await.contains("already exists"));
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn closed_registration_refuses_all_but_the_first_account(pool: PgPool) {
    let mut state = state(pool);
    let mut config = (*state.platform.config).clone();
    config.registration_open = false;
    state.platform.config = std::sync::Arc::new(config);
    let app = evistream::server::http::router(state);
    let (first, _) = register(&app, "first@example.org").await;
    assert_eq!(first.status(), StatusCode::OK);
    let (second, _) = register(&app, "second@example.org").await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert!(body_text(second).await.contains("registration is closed"));
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn signing_in_changes_the_session_id(pool: PgPool) {
    let app = app(pool);
    let (_, registered) = register(&app, "ada@example.org").await;
    let planted = registered.expect("a session");
    let response = sign_in(&app, "ada@example.org", PASSWORD, Some(&planted)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let fresh = session_cookie(&response).expect("a new session cookie");
    assert_ne!(fresh, planted, "the id must change at sign-in");
    assert_eq!(whoami(&app, &planted).await, "null", "the old id is dead");
    assert!(whoami(&app, &fresh).await.contains("ada@example.org"));
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn signing_out_destroys_the_session_on_the_server(pool: PgPool) {
    let app = app(pool.clone());
    let (_, cookie) = register(&app, "ada@example.org").await;
    let cookie = cookie.expect("a session");
    let out = call(&app, form("/api/sign_out", String::new(), Some(&cookie))).await;
    assert_eq!(out.status(), StatusCode::OK);
    // Replaying the old cookie (as a stolen copy would) gets nobody.
    assert_eq!(whoami(&app, &cookie).await, "null");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM tower_sessions.session")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(sessions, 0);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_deactivated_user_is_signed_out_at_once(pool: PgPool) {
    let app = app(pool.clone());
    let (response, cookie) = register(&app, "ada@example.org").await;
    let cookie = cookie.expect("a session");
    let body = body_text(response).await;
    let id: uuid::Uuid = serde_json::from_str::<serde_json::Value>(&body).expect("json")["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("an id");
    evistream::auth::server::set_active(&pool, id, false)
        .await
        .expect("deactivate");
    assert_eq!(whoami(&app, &cookie).await, "null");
    let denied = sign_in(&app, "ada@example.org", PASSWORD, None).await;
    assert_eq!(denied.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn wrong_email_and_wrong_password_look_the_same(pool: PgPool) {
    let app = app(pool);
    register(&app, "ada@example.org").await;
    let unknown = sign_in(&app, "nobody@example.org", PASSWORD, None).await;
    let wrong = sign_in(&app, "ada@example.org", "not the password", None).await;
    assert_eq!(unknown.status(), wrong.status());
    assert_eq!(body_text(unknown).await, body_text(wrong).await);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn repeated_failures_are_throttled(pool: PgPool) {
    let app = app(pool);
    register(&app, "ada@example.org").await;
    for _ in 0..evistream::auth::server::SIGN_IN_FAILURES_ALLOWED {
        let response = sign_in(&app, "ada@example.org", "wrong password", None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right password is refused now, with a time to wait.
    let throttled = sign_in(&app, "ada@example.org", PASSWORD, None).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = body_text(throttled).await;
    let error: evistream::error::AppError = serde_json::from_str(&body).expect("an AppError");
    assert!(
        error
            .to_string()
            .starts_with("too many attempts; try again in"),
        "{error}"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn cross_site_posts_are_refused(pool: PgPool) {
    let app = app(pool.clone());
    let mut forged = form(
        "/api/register",
        credentials("eve@example.org", PASSWORD),
        None,
    );
    forged.headers_mut().insert(
        header::ORIGIN,
        "https://evil.example".parse().expect("header"),
    );
    let response = call(&app, forged).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(users, 0, "the refused request changed nothing");

    let mut same_site = form(
        "/api/register",
        credentials("ada@example.org", PASSWORD),
        None,
    );
    same_site.headers_mut().insert(
        header::ORIGIN,
        "http://evistream.test".parse().expect("header"),
    );
    assert_eq!(call(&app, same_site).await.status(), StatusCode::OK);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn responses_carry_security_headers(pool: PgPool) {
    let app = app(pool);
    let page = call(
        &app,
        Request::get("/").body(Body::empty()).expect("request"),
    )
    .await;
    let headers = page.headers().clone();
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .expect("a CSP")
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the page's CSP names a nonce");
    let html = body_text(page).await;
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the CSP nonce"
    );
    assert_eq!(
        headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .expect("nosniff"),
        "nosniff"
    );
    assert!(headers.contains_key(header::REFERRER_POLICY));
    assert!(
        !headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "no HSTS over http"
    );

    let health = call(
        &app,
        Request::get("/healthz")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(
        health
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn changing_the_password_ends_the_other_sessions(pool: PgPool) {
    let app = app(pool);
    let (_, first) = register(&app, "ada@example.org").await;
    let first = first.expect("a session");
    let second = session_cookie(&sign_in(&app, "ada@example.org", PASSWORD, None).await)
        .expect("a second session");

    let wrong = call(
        &app,
        form(
            "/api/change_password",
            "old_password=nope&new_password=a+new+long+password".to_owned(),
            Some(&first),
        ),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        whoami(&app, &second).await.contains("ada@example.org"),
        "a refused change ends nothing"
    );

    let changed = call(
        &app,
        form(
            "/api/change_password",
            format!(
                "old_password={}&new_password=a+new+long+password",
                PASSWORD.replace(' ', "+")
            ),
            Some(&first),
        ),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let current = session_cookie(&changed).expect("this session continues under a new id");
    assert!(whoami(&app, &current).await.contains("ada@example.org"));
    assert_eq!(
        whoami(&app, &second).await,
        "null",
        "the other session ended"
    );
    assert_eq!(
        sign_in(&app, "ada@example.org", PASSWORD, None)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old password no longer works"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn the_last_admin_cannot_step_down(pool: PgPool) {
    let app = app(pool);
    let (response, cookie) = register(&app, "ada@example.org").await;
    let cookie = cookie.expect("a session");
    let id =
        serde_json::from_str::<serde_json::Value>(&body_text(response).await).expect("json")["id"]
            .as_str()
            .expect("id")
            .to_owned();
    let demote = call(
        &app,
        form(
            "/api/set_user_role",
            format!("id={id}&role=user"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(demote.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(demote).await.contains("last administrator"));
    let log = call(
        &app,
        form("/api/list_audit_log", String::new(), Some(&cookie)),
    )
    .await;
    let log = body_text(log).await;
    assert!(log.contains("register"), "{log}");
}

fn bearer(path: &str, token: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request")
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn api_tokens_work_until_revoked_and_only_untampered(pool: PgPool) {
    let app = app(pool.clone());
    let (registered, cookie) = register(&app, "ada@example.org").await;
    let cookie = cookie.expect("a session");
    let user: serde_json::Value = serde_json::from_str(&body_text(registered).await).expect("json");
    let created = call(
        &app,
        form(
            "/api/create_api_token",
            "name=nightly+export&days=30&scope=read_write".to_owned(),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(created.status(), StatusCode::OK);
    let created: serde_json::Value = serde_json::from_str(&body_text(created).await).expect("json");
    let token = created["token"].as_str().expect("token").to_owned();
    let token_id = created["id"].as_str().expect("id").to_owned();

    assert_eq!(
        call(&app, bearer("/api/list_jobs", &token)).await.status(),
        StatusCode::OK
    );
    let who = body_text(call(&app, bearer("/api/current_user", &token)).await).await;
    assert!(who.contains("ada@example.org"), "{who}");

    // Tampered: one character of the signature changed.
    let mut tampered = token.clone();
    let last = tampered.pop().expect("non-empty");
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &tampered))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Expired: a correctly signed token whose time is up.
    let keys = evistream::auth::tokens::TokenKeys::from_secret(common::TEST_TOKEN_SECRET);
    let now = chrono::Utc::now().timestamp();
    let expired = evistream::auth::tokens::sign(
        &keys,
        &evistream::auth::tokens::Claims {
            sub: user["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .expect("user id"),
            jti: token_id.parse().expect("token id"),
            aud: evistream::auth::tokens::API_AUDIENCE.to_owned(),
            scope: evistream::auth::types::TokenScope::ReadWrite,
            iat: now - 7200,
            exp: now - 3600,
        },
    )
    .expect("signed");
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &expired))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Signed with another secret.
    let foreign = evistream::auth::tokens::sign(
        &evistream::auth::tokens::TokenKeys::from_secret(b"another secret, not this instance's"),
        &evistream::auth::tokens::Claims {
            sub: user["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .expect("user id"),
            jti: token_id.parse().expect("token id"),
            aud: evistream::auth::tokens::API_AUDIENCE.to_owned(),
            scope: evistream::auth::types::TokenScope::ReadWrite,
            iat: now,
            exp: now + 3600,
        },
    )
    .expect("signed");
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &foreign))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Revoked: refused from then on.
    let revoked = call(
        &app,
        form(
            "/api/revoke_api_token",
            format!("id={token_id}"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let listed = body_text(
        call(
            &app,
            form("/api/list_api_tokens", String::new(), Some(&cookie)),
        )
        .await,
    )
    .await;
    assert!(listed.contains("\"revoked\":true"), "{listed}");
    assert!(
        !listed.contains(&token),
        "the token itself is never stored or shown again"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_deactivated_users_tokens_stop_working(pool: PgPool) {
    let app = app(pool.clone());
    let (registered, cookie) = register(&app, "ada@example.org").await;
    let user: serde_json::Value = serde_json::from_str(&body_text(registered).await).expect("json");
    let created = call(
        &app,
        form(
            "/api/create_api_token",
            "name=ci&days=1&scope=read_only".to_owned(),
            cookie.as_deref(),
        ),
    )
    .await;
    let created: serde_json::Value = serde_json::from_str(&body_text(created).await).expect("json");
    let token = created["token"].as_str().expect("token").to_owned();
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &token)).await.status(),
        StatusCode::OK
    );
    let id = user["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("id");
    evistream::auth::server::set_active(&pool, id, false)
        .await
        .expect("deactivate");
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Deactivation revoked the token for good: reactivating does not revive it.
    evistream::auth::server::set_active(&pool, id, true)
        .await
        .expect("reactivate");
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// A form as a browser submits it from a page without wasm: it accepts HTML
/// and names the page it came from.
fn browser_form(path: &str, body: String, from_page: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::ACCEPT,
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .header(header::HOST, "evistream.test")
        .header(header::ORIGIN, "http://evistream.test")
        .header(header::REFERER, format!("http://evistream.test{from_page}"))
        .body(Body::from(body))
        .expect("request")
}

/// A page as a browser asks for it.
async fn page_html(app: &Router, path: &str, cookie: Option<&str>) -> String {
    let mut request = Request::get(path)
        .header(header::ACCEPT, "text/html")
        .header(header::HOST, "evistream.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = call(app, request.body(Body::empty()).expect("request")).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    tokio::time::timeout(std::time::Duration::from_secs(60), body_text(response))
        .await
        .unwrap_or_else(|_| panic!("the page {path} did not finish within 60 s"))
}

fn location(response: &Response<Body>) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .expect("a Location")
        .to_owned()
}

/// Whether a page loads the app's wasm (its hydration scripts name it).
fn loads_wasm(html: &str) -> bool {
    html.contains(".wasm")
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_first_visit_registers_and_signs_in_without_the_apps_wasm(pool: PgPool) {
    let app = app(pool);
    let email = "ada@example.org";

    // The pages a first visit lands on are plain HTML.
    for path in ["/", "/signin?next=%2Fjobs", "/register?next=%2Fjobs"] {
        let html = page_html(&app, path, None).await;
        assert!(!loads_wasm(&html), "{path} loads the app's wasm");
        assert!(html.contains(r#"data-static="true""#), "{path}");
        assert!(html.contains("/static_page.js"), "{path}");
        // Where to go afterwards travels in the form.
        if path != "/" {
            assert!(html.contains(r#"name="next" value="/jobs""#), "{path}");
        }
    }

    // Registering by a plain form post goes on to `next`, signed in.
    let registered = call(
        &app,
        browser_form(
            "/api/register",
            format!("{}&next=%2Fjobs", credentials(email, PASSWORD)),
            "/register?next=%2Fjobs",
        ),
    )
    .await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&registered), "/jobs");
    let cookie = session_cookie(&registered).expect("a session");
    assert!(whoami(&app, &cookie).await.contains(email));

    // Signed in, the start page is the dashboard, with the app.
    let dashboard = page_html(&app, "/", Some(&cookie)).await;
    assert!(loads_wasm(&dashboard));
    assert!(!dashboard.contains("data-static"));
    assert!(loads_wasm(&page_html(&app, "/jobs", Some(&cookie)).await));

    // A wrong password leads back to the form, which shows why; no session.
    let from_page = "/signin?next=%2Fprojects%2F42";
    let refused = call(
        &app,
        browser_form(
            "/api/sign_in",
            format!(
                "{}&next=%2Fprojects%2F42",
                credentials(email, "not the password")
            ),
            from_page,
        ),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FOUND);
    assert!(session_cookie(&refused).is_none());
    let back = location(&refused);
    let back = back
        .strip_prefix("http://evistream.test")
        .unwrap_or_else(|| panic!("back to the form page: {back}"));
    assert!(back.starts_with(&format!("{from_page}&")), "{back}");
    let form_again = page_html(&app, back, None).await;
    assert!(!loads_wasm(&form_again));
    assert!(
        form_again.contains("the email address or password is not correct"),
        "the error is shown on the page"
    );
    assert!(form_again.contains(r#"name="next" value="/projects/42""#));

    // The right password goes on to the page asked for.
    let signed_in = call(
        &app,
        browser_form(
            "/api/sign_in",
            format!("{}&next=%2Fprojects%2F42", credentials(email, PASSWORD)),
            back,
        ),
    )
    .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&signed_in), "/projects/42");
    assert!(session_cookie(&signed_in).is_some());

    // Never on to another site.
    let elsewhere = call(
        &app,
        browser_form(
            "/api/sign_in",
            format!(
                "{}&next=https%3A%2F%2Fevil.example",
                credentials(email, PASSWORD)
            ),
            "/signin",
        ),
    )
    .await;
    assert_eq!(location(&elsewhere), "/projects");

    // The app's own script still gets data, not a redirect.
    let scripted = sign_in(&app, email, PASSWORD, None).await;
    assert_eq!(scripted.status(), StatusCode::OK);
    assert!(scripted.headers().get(header::LOCATION).is_none());
}
