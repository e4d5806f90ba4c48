//! The base as an attacker meets it: API-token scopes and audiences, tokens
//! revoked with the password, sign-in throttling keyed on account and
//! address (atomic, with Retry-After), client addresses behind trusted
//! proxies only, a token for /metrics, slow clients (header and body
//! timeouts, uploads per user), one visibility rule for jobs, and an event
//! stream that ends when its session does.
#![cfg(feature = "ssr")]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use evistream::auth::types::Role;
use evistream::server::state::AppState;
use futures::StreamExt;
use http::{Request, Response, StatusCode, header};
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;
use uuid::Uuid;

const PASSWORD: &str = "hardening password 1";

async fn call(app: &Router, request: Request<Body>) -> Response<Body> {
    app.clone().oneshot(request).await.expect("infallible")
}

fn bearer(path: &str, token: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_owned()))
        .expect("request")
}

fn from_peer(mut request: Request<Body>, peer: &str) -> Request<Body> {
    let addr: SocketAddr = format!("{peer}:40000").parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

fn sign_in_request(email: &str, password: &str) -> Request<Body> {
    common::form_request(
        "/api/sign_in",
        &format!(
            "email={}&password={}",
            email.replace('@', "%40"),
            password.replace(' ', "+")
        ),
        None,
    )
}

async fn json(response: Response<Body>) -> serde_json::Value {
    let text = common::body_text(response).await;
    serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
}

/// A signed-in user; their id and session cookie.
async fn user(app: &Router, pool: &PgPool, email: &str) -> (Uuid, String) {
    let id = common::create_account(pool, email, PASSWORD, Role::User).await;
    (id, common::signed_in_cookie(app, email, PASSWORD).await)
}

/// Shares `project` with `email` as `role`, or unshares it (`None`), as its owner.
async fn set_membership(
    app: &Router,
    owner_cookie: &str,
    project: Uuid,
    email: &str,
    role: Option<&str>,
) {
    let email = email.replace('@', "%40");
    let request = match role {
        Some(role) => common::form_request(
            "/api/share_project",
            &format!("id={project}&email={email}&role={role}"),
            Some(owner_cookie),
        ),
        None => common::form_request(
            "/api/unshare_project",
            &format!("id={project}&email={email}"),
            Some(owner_cookie),
        ),
    };
    assert_eq!(call(app, request).await.status(), StatusCode::OK);
}

/// A queued no-op job of `owner` in `project`.
async fn project_job(pool: &PgPool, owner: Uuid, project: Uuid) -> Uuid {
    let mut tx = pool.begin().await.expect("tx");
    let job = evistream::jobs::server::enqueue(
        &mut tx,
        evistream::jobs::server::NewJob {
            owner_id: Some(owner),
            project_id: Some(project),
            ..evistream::jobs::server::NewJob::new("system.noop", serde_json::json!({}))
        },
    )
    .await
    .expect("job");
    tx.commit().await.expect("commit");
    job
}

async fn token(app: &Router, cookie: &str, scope: &str) -> String {
    let created = call(
        app,
        common::form_request(
            "/api/create_api_token",
            &format!("name=script+{scope}&days=30&scope={scope}"),
            Some(cookie),
        ),
    )
    .await;
    assert_eq!(created.status(), StatusCode::OK);
    json(created).await["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

fn with_config(pool: PgPool, change: impl FnOnce(&mut evistream::config::Config)) -> AppState {
    let mut state = common::state(pool);
    let mut config = (*state.platform.config).clone();
    change(&mut config);
    state.platform.config = Arc::new(config);
    state
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_read_only_token_reads_and_no_token_manages_credentials(pool: PgPool) {
    let app = common::app(pool.clone());
    let (owner, cookie) = user(&app, &pool, "ada@example.org").await;
    let project = evistream::projects::server::create(&pool, owner, "Trial", "")
        .await
        .expect("project");
    let read_only = token(&app, &cookie, "read_only").await;
    let read_write = token(&app, &cookie, "read_write").await;

    let listed = call(
        &app,
        bearer("/api/list_projects", &read_only, "sort=name&page=1"),
    )
    .await;
    assert_eq!(listed.status(), StatusCode::OK);
    assert!(
        json(listed)
            .await
            .to_string()
            .contains(&project.to_string())
    );
    let created = call(
        &app,
        bearer(
            "/api/create_project",
            &read_only,
            "name=Scripted&description=",
        ),
    )
    .await;
    assert_eq!(created.status(), StatusCode::FORBIDDEN);
    assert!(json(created).await.to_string().contains("read-only"));
    let upload = Request::post(format!("/api/projects/{project}/documents?name=a.pdf"))
        .header(header::AUTHORIZATION, format!("Bearer {read_only}"))
        .body(Body::from(b"%PDF-1.4\n".to_vec()))
        .expect("request");
    assert_eq!(call(&app, upload).await.status(), StatusCode::FORBIDDEN);
    let projects: i64 = sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(projects, 1, "a refused write changes nothing");

    // Read and write: writes work, credentials stay with the signed-in user.
    let created = call(
        &app,
        bearer(
            "/api/create_project",
            &read_write,
            "name=Scripted&description=",
        ),
    )
    .await;
    assert_eq!(created.status(), StatusCode::OK);
    for (path, body) in [
        (
            "/api/create_api_token",
            "name=child&days=365&scope=read_write",
        ),
        (
            "/api/change_password",
            "old_password=hardening+password+1&new_password=a+brand+new+password",
        ),
    ] {
        let refused = call(&app, bearer(path, &read_write, body)).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let tokens: i64 = sqlx::query_scalar("SELECT count(*) FROM api_tokens")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(tokens, 2, "no token minted another");
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn file_links_and_api_tokens_never_pass_for_each_other(pool: PgPool) {
    let app = common::app(pool.clone());
    let (owner, cookie) = user(&app, &pool, "ada@example.org").await;
    let api_token = token(&app, &cookie, "read_write").await;
    let keys = evistream::auth::tokens::TokenKeys::from_secret(common::TEST_TOKEN_SECRET);
    let link = evistream::auth::tokens::sign_file_link(
        &keys,
        &evistream::documents::server::FileClaims {
            aud: evistream::auth::tokens::FILE_LINK_AUDIENCE.to_owned(),
            sub: owner,
            doc: Uuid::new_v4(),
            inline: true,
            exp: chrono::Utc::now().timestamp() + 300,
        },
    )
    .expect("signed");
    // A file link as a bearer token: refused.
    let as_bearer = call(&app, bearer("/api/current_user", &link, "")).await;
    assert_eq!(as_bearer.status(), StatusCode::UNAUTHORIZED);
    // An API token as a file link: not a link.
    let as_link = common::get(&app, &format!("/files/{api_token}")).await;
    assert_eq!(as_link.status(), StatusCode::NOT_FOUND);
    // The token itself works as what it is.
    let who = call(&app, bearer("/api/current_user", &api_token, "")).await;
    assert_eq!(who.status(), StatusCode::OK);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn changing_the_password_revokes_tokens_when_asked(pool: PgPool) {
    let app = common::app(pool.clone());
    let (_, cookie) = user(&app, &pool, "ada@example.org").await;
    let kept = token(&app, &cookie, "read_only").await;
    let changed = call(
        &app,
        common::form_request(
            "/api/change_password",
            "old_password=hardening+password+1&new_password=second+password+22",
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let cookie = changed
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .expect("the session continues under a new id")
        .to_owned();
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &kept, ""))
            .await
            .status(),
        StatusCode::OK,
        "without the box ticked, tokens live on"
    );
    let changed = call(
        &app,
        common::form_request(
            "/api/change_password",
            "old_password=second+password+22&new_password=third+password+333&revoke_tokens=on",
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(
        json(changed).await,
        serde_json::json!(1),
        "one token revoked"
    );
    assert_eq!(
        call(&app, bearer("/api/list_jobs", &kept, ""))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn failures_from_one_address_do_not_lock_the_account_out_elsewhere(pool: PgPool) {
    let app = common::app(pool.clone());
    common::create_account(&pool, "ada@example.org", PASSWORD, Role::User).await;
    let allowed = evistream::auth::server::SIGN_IN_FAILURES_ALLOWED;
    for _ in 0..allowed {
        let wrong = call(
            &app,
            from_peer(
                sign_in_request("ada@example.org", "a wrong guess"),
                "203.0.113.66",
            ),
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let throttled = call(
        &app,
        from_peer(sign_in_request("ada@example.org", PASSWORD), "203.0.113.66"),
    )
    .await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = throttled
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After header");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // Ada herself, from her own address, signs in.
    let own = call(
        &app,
        from_peer(sign_in_request("ada@example.org", PASSWORD), "198.51.100.7"),
    )
    .await;
    assert_eq!(own.status(), StatusCode::OK);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_burst_of_parallel_guesses_is_counted_one_by_one(pool: PgPool) {
    let app = common::app(pool.clone());
    common::create_account(&pool, "ada@example.org", PASSWORD, Role::User).await;
    let guesses = (0..16).map(|n| {
        let app = app.clone();
        async move {
            call(
                &app,
                from_peer(
                    sign_in_request("ada@example.org", &format!("guess number {n}")),
                    "203.0.113.9",
                ),
            )
            .await
            .status()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    let judged = statuses
        .iter()
        .filter(|status| **status == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let refused = statuses
        .iter()
        .filter(|status| **status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        judged as i64,
        evistream::auth::server::SIGN_IN_FAILURES_ALLOWED,
        "{statuses:?}"
    );
    assert_eq!(judged + refused, statuses.len(), "{statuses:?}");
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn spraying_many_accounts_from_one_address_is_throttled(pool: PgPool) {
    let app = common::app(pool.clone());
    let per_address = evistream::auth::server::SIGN_IN_FAILURES_PER_ADDRESS;
    for n in 0..per_address {
        let status = call(
            &app,
            from_peer(
                sign_in_request(&format!("target{n}@example.org"), "Summer2026!"),
                "203.0.113.50",
            ),
        )
        .await
        .status();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {n}");
    }
    let next = call(
        &app,
        from_peer(
            sign_in_request("one-more@example.org", "Summer2026!"),
            "203.0.113.50",
        ),
    )
    .await;
    assert_eq!(next.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn forwarded_addresses_count_only_from_trusted_proxies(pool: PgPool) {
    let state = with_config(pool.clone(), |config| {
        config.trusted_proxies = vec!["10.0.0.0/8".parse().expect("range")];
    });
    let app = evistream::server::http::router(state);
    common::create_account(&pool, "ada@example.org", PASSWORD, Role::User).await;
    let mut via_proxy = from_peer(sign_in_request("ada@example.org", PASSWORD), "10.0.0.2");
    via_proxy.headers_mut().insert(
        "x-forwarded-for",
        "1.2.3.4, 198.51.100.9".parse().expect("value"),
    );
    assert_eq!(call(&app, via_proxy).await.status(), StatusCode::OK);
    let mut spoofed = from_peer(sign_in_request("ada@example.org", PASSWORD), "203.0.113.5");
    spoofed
        .headers_mut()
        .insert("x-forwarded-for", "198.51.100.77".parse().expect("value"));
    assert_eq!(call(&app, spoofed).await.status(), StatusCode::OK);
    let seen: Vec<String> = sqlx::query_scalar(
        "SELECT client_addr FROM audit_log WHERE action = 'sign_in' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(seen, vec!["198.51.100.9", "203.0.113.5"]);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn metrics_can_require_a_token(pool: PgPool) {
    let open = common::app(pool.clone());
    assert_eq!(
        common::get(&open, "/metrics").await.status(),
        StatusCode::OK
    );
    let state = with_config(pool, |config| {
        config.metrics_token = Some(evistream::config::Secret::new("scraper-secret-0123456789"));
    });
    let app = evistream::server::http::router(state);
    assert_eq!(
        common::get(&app, "/metrics").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let wrong = Request::get("/metrics")
        .header(header::AUTHORIZATION, "Bearer scraper-secret-0123456780")
        .body(Body::empty())
        .expect("request");
    assert_eq!(call(&app, wrong).await.status(), StatusCode::UNAUTHORIZED);
    let right = Request::get("/metrics")
        .header(header::AUTHORIZATION, "Bearer scraper-secret-0123456789")
        .body(Body::empty())
        .expect("request");
    let response = call(&app, right).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        common::body_text(response)
            .await
            .contains("http_requests_total")
    );
}

/// An upload that sends its first bytes and then nothing.
fn stalled_upload(project: Uuid, cookie: &str) -> Request<Body> {
    let first = futures::stream::once(async {
        Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"%PDF-1.4\n"))
    });
    let body = Body::from_stream(first.chain(futures::stream::pending()));
    Request::post(format!("/api/projects/{project}/documents?name=slow.pdf"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::CONTENT_LENGTH, 50 * 1024 * 1024)
        .body(body)
        .expect("request")
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_stalled_upload_gets_an_answer_and_uploads_per_user_are_capped(pool: PgPool) {
    let mut state = with_config(pool.clone(), |config| {
        config.body_read_timeout = Duration::from_secs(2);
    });
    state.documents.uploads = evistream::documents::server::UploadSlots::new(1);
    let app = evistream::server::http::router(state);
    let (owner, cookie) = user(&app, &pool, "ada@example.org").await;
    let project = evistream::projects::server::create(&pool, owner, "Uploads", "")
        .await
        .expect("project");

    let started = Instant::now();
    let first = tokio::spawn({
        let app = app.clone();
        let request = stalled_upload(project, &cookie);
        async move { call(&app, request).await }
    });
    // While the first holds the one slot, a second upload is refused at once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = call(&app, stalled_upload(project, &cookie)).await;
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(second.headers().contains_key(header::RETRY_AFTER));

    let first = tokio::time::timeout(Duration::from_secs(20), first)
        .await
        .expect("the stalled upload is answered")
        .expect("task");
    assert_eq!(first.status(), StatusCode::REQUEST_TIMEOUT);
    assert!(started.elapsed() >= Duration::from_secs(2));
    let documents: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(documents, 0);
    // The slot came back.
    let third = tokio::time::timeout(
        Duration::from_secs(20),
        call(&app, stalled_upload(project, &cookie)),
    )
    .await
    .expect("answered");
    assert_eq!(third.status(), StatusCode::REQUEST_TIMEOUT);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_connection_that_never_finishes_its_head_is_closed(pool: PgPool) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen");
    let addr = listener.local_addr().expect("address");
    let shutdown = tokio_util::sync::CancellationToken::new();
    let server = tokio::spawn(evistream::server::listen::serve(
        listener,
        common::app(pool),
        Duration::from_secs(1),
        shutdown.clone(),
    ));

    // A whole request is answered.
    let mut whole = tokio::net::TcpStream::connect(addr).await.expect("connect");
    whole
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = String::new();
    whole.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Half a head, then silence: closed after the header timeout.
    let started = Instant::now();
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the server still holds the connection");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "closed too early"
    );
    assert!(
        !String::from_utf8_lossy(&buffer).contains("200 OK"),
        "half a request was not served"
    );
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(15), server)
        .await
        .expect("the server stops")
        .expect("task");
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_job_is_visible_by_one_rule_everywhere(pool: PgPool) {
    let app = common::app(pool.clone());
    let (owner, owner_cookie) = user(&app, &pool, "owner@example.org").await;
    let (_, member_cookie) = user(&app, &pool, "member@example.org").await;
    let member =
        sqlx::query_scalar::<_, Uuid>("SELECT id FROM users WHERE email = 'member@example.org'")
            .fetch_one(&pool)
            .await
            .expect("member");
    let project = evistream::projects::server::create(&pool, owner, "Shared", "")
        .await
        .expect("project");
    set_membership(
        &app,
        &owner_cookie,
        project,
        "member@example.org",
        Some("editor"),
    )
    .await;
    // A job the member started in the project.
    let job = project_job(&pool, member, project).await;
    let listed = |cookie: String| {
        let app = app.clone();
        async move {
            json(
                call(
                    &app,
                    common::form_request("/api/list_jobs", "", Some(&cookie)),
                )
                .await,
            )
            .await
            .to_string()
        }
    };
    let get = |cookie: String| {
        let app = app.clone();
        async move {
            call(
                &app,
                common::form_request("/api/get_job", &format!("id={job}"), Some(&cookie)),
            )
            .await
            .status()
        }
    };
    assert!(
        listed(member_cookie.clone())
            .await
            .contains(&job.to_string())
    );
    assert_eq!(get(member_cookie.clone()).await, StatusCode::OK);

    set_membership(&app, &owner_cookie, project, "member@example.org", None).await;
    // Started it or not, the member no longer sees the project's job anywhere.
    assert!(
        !listed(member_cookie.clone())
            .await
            .contains(&job.to_string())
    );
    assert_eq!(get(member_cookie).await, StatusCode::NOT_FOUND);
    assert!(listed(owner_cookie).await.contains(&job.to_string()));
}

/// Reads the event stream until `wanted` arrives (true) or `limit` passes or
/// the stream ends (false); also says whether the stream ended.
async fn wait_for_event(
    stream: &mut (impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    wanted: &str,
    limit: Duration,
) -> (bool, bool) {
    let deadline = Instant::now() + limit;
    let mut seen = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.next()).await {
            Err(_) => return (false, false),
            Ok(None) => return (seen.contains(wanted), true),
            Ok(Some(Ok(bytes))) => {
                seen.push_str(&String::from_utf8_lossy(&bytes));
                if seen.contains(wanted) {
                    return (true, false);
                }
            }
            Ok(Some(Err(_))) => return (seen.contains(wanted), true),
        }
    }
}

async fn open_stream(
    app: &Router,
    cookie: &str,
) -> impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin {
    let response = call(
        app,
        Request::get(evistream::jobs::api::JOB_EVENTS_PATH)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().into_data_stream()
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn the_event_stream_follows_sign_out_and_unsharing(pool: PgPool) {
    let state = common::state(pool.clone());
    let shutdown = tokio_util::sync::CancellationToken::new();
    evistream::jobs::events::spawn_listener(
        pool.clone(),
        state.platform.job_events.clone(),
        shutdown.clone(),
    );
    let app = evistream::server::http::router(state);
    let (owner, owner_cookie) = user(&app, &pool, "owner@example.org").await;
    let (_, member_cookie) = user(&app, &pool, "member@example.org").await;
    let project = evistream::projects::server::create(&pool, owner, "Shared", "")
        .await
        .expect("project");
    set_membership(
        &app,
        &owner_cookie,
        project,
        "member@example.org",
        Some("viewer"),
    )
    .await;

    // Unsharing narrows the member's stream: the project's next job does
    // not reach them, while it reaches the owner.
    let mut owner_stream = open_stream(&app, &owner_cookie).await;
    let mut member_stream = open_stream(&app, &member_cookie).await;
    set_membership(&app, &owner_cookie, project, "member@example.org", None).await;
    // Read the member's stream meanwhile, as a browser does: a stream is
    // only re-checked while it is being read.
    wait_for_event(&mut member_stream, "no such event", Duration::from_secs(6)).await;
    let job = project_job(&pool, owner, project).await;
    let (owner_saw, _) =
        wait_for_event(&mut owner_stream, &job.to_string(), Duration::from_secs(5)).await;
    assert!(owner_saw, "the owner receives the project's job");
    let (member_saw, _) =
        wait_for_event(&mut member_stream, &job.to_string(), Duration::from_secs(2)).await;
    assert!(
        !member_saw,
        "an unshared member receives nothing of the project"
    );

    // Signing out ends the stream of that session.
    let signed_out = call(
        &app,
        common::form_request("/api/sign_out", "", Some(&owner_cookie)),
    )
    .await;
    assert_eq!(signed_out.status(), StatusCode::OK);
    let (told, ended) =
        wait_for_event(&mut owner_stream, "signed_out", Duration::from_secs(12)).await;
    assert!(told, "the stream says why it ends");
    let (_, ended_after) = if ended {
        (true, true)
    } else {
        wait_for_event(&mut owner_stream, "never", Duration::from_secs(5)).await
    };
    assert!(ended_after, "the stream ended");
    shutdown.cancel();
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn malformed_arguments_are_client_errors_not_server_errors(pool: PgPool) {
    let app = common::app(pool.clone());
    let (_, cookie) = user(&app, &pool, "ada@example.org").await;
    let not_a_uuid = call(
        &app,
        common::form_request("/api/get_document", "id=notauuid", Some(&cookie)),
    )
    .await;
    assert_eq!(not_a_uuid.status(), StatusCode::BAD_REQUEST);
    let missing = call(
        &app,
        common::form_request("/api/get_document", "", Some(&cookie)),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let huge = format!(
        "name=big&description={}",
        "x".repeat(evistream::server::http::SERVER_FN_BODY_LIMIT + 1)
    );
    let oversized = call(
        &app,
        common::form_request("/api/create_project", &huge, Some(&cookie)),
    )
    .await;
    assert_eq!(oversized.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let projects: i64 = sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(projects, 0);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_document_in_someone_elses_project_is_simply_not_found(pool: PgPool) {
    let app = common::app(pool.clone());
    let (owner, _) = user(&app, &pool, "owner@example.org").await;
    let (_, outsider) = user(&app, &pool, "outsider@example.org").await;
    let project = evistream::projects::server::create(&pool, owner, "Private", "")
        .await
        .expect("project");
    let document: Uuid = sqlx::query_scalar(
        r#"INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes)
           VALUES ($1, 'a.pdf', 'projects/' || $1 || '/a.pdf', 'abc', 10) RETURNING id"#,
    )
    .bind(project)
    .fetch_one(&pool)
    .await
    .expect("document");
    let existing = call(
        &app,
        common::form_request(
            "/api/get_document",
            &format!("id={document}"),
            Some(&outsider),
        ),
    )
    .await;
    let missing = call(
        &app,
        common::form_request(
            "/api/get_document",
            &format!("id={}", Uuid::new_v4()),
            Some(&outsider),
        ),
    )
    .await;
    assert_eq!(existing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(existing).await, json(missing).await);
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn registrations_from_one_address_are_throttled(pool: PgPool) {
    let app = common::app(pool.clone());
    let limit = common::test_config("postgres://unused/evistream").registrations_per_hour;
    let register = |email: String| {
        from_peer(
            common::form_request(
                "/api/register",
                &format!(
                    "email={}&password=long+enough+pw",
                    email.replace('@', "%40")
                ),
                None,
            ),
            "203.0.113.80",
        )
    };
    // Probing a taken address counts as much as creating one.
    common::create_account(&pool, "taken@example.org", PASSWORD, Role::User).await;
    let taken = call(&app, register("taken@example.org".to_owned())).await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for n in 1..limit {
        let made = call(&app, register(format!("new{n}@example.org"))).await;
        assert_eq!(made.status(), StatusCode::OK, "registration {n}");
    }
    let refused = call(&app, register("one-too-many@example.org".to_owned())).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key(header::RETRY_AFTER));
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(accounts, limit, "the taken one plus {} new", limit - 1);
}

/// A crash between storing an upload and committing its row leaves a file no
/// document names. The hourly sweep removes such files once they are older
/// than its minimum age, and keeps named files and young ones (an upload
/// still in flight).
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn the_sweep_removes_old_files_no_document_names(pool: PgPool) {
    use evistream::platform::storage::Storage;
    let root = std::env::temp_dir().join(format!("evistream-sweep-{}", Uuid::new_v4()));
    let storage = Storage::local(&root);
    let owner = common::create_account(&pool, "sweep@example.org", PASSWORD, Role::User).await;
    let project: Uuid =
        sqlx::query_scalar("INSERT INTO projects (owner_id, name) VALUES ($1, 'p') RETURNING id")
            .bind(owner)
            .fetch_one(&pool)
            .await
            .expect("project");
    let source = root.with_extension("src");
    std::fs::write(&source, b"%PDF-1.4 stand-in bytes").expect("source");
    let named = format!("projects/{project}/{}.pdf", Uuid::new_v4());
    let orphan_old = format!("projects/{project}/{}.pdf", Uuid::new_v4());
    let orphan_young = format!("projects/{project}/{}.pdf", Uuid::new_v4());
    let partial_old = format!("projects/{}/{}.partial", Uuid::new_v4(), Uuid::new_v4());
    for key in [&named, &orphan_old, &orphan_young, &partial_old] {
        storage.put_file(key, &source).await.expect("stored");
    }
    sqlx::query(
        "INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes)
         VALUES ($1, 'kept.pdf', $2, 'abc', 23)",
    )
    .bind(project)
    .bind(&named)
    .execute(&pool)
    .await
    .expect("document");
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    for key in [&named, &orphan_old, &partial_old] {
        std::fs::File::options()
            .write(true)
            .open(root.join(key))
            .and_then(|file| file.set_modified(two_hours_ago))
            .expect("aged");
    }

    let removed = evistream::documents::server::sweep_orphan_files(
        &pool,
        &storage,
        Duration::from_secs(3600),
    )
    .await
    .expect("sweep");
    assert_eq!(removed, 2, "the old orphan and the old partial copy");
    assert!(
        storage.exists(&named).await.expect("named"),
        "a named file was removed"
    );
    assert!(
        storage.exists(&orphan_young).await.expect("young"),
        "an upload still in flight was removed"
    );
    assert!(!storage.exists(&orphan_old).await.expect("old"));
    assert!(!storage.exists(&partial_old).await.expect("partial"));
    // A second pass has nothing left to do.
    let again = evistream::documents::server::sweep_orphan_files(
        &pool,
        &storage,
        Duration::from_secs(3600),
    )
    .await
    .expect("sweep");
    assert_eq!(again, 0);
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_file(&source);
}

/// Reads are bounded: a project's document list comes a page of 100 at a
/// time with the total, and a document's text a window of 20 pages (the
/// window holding the page asked for), so neither the answer nor the
/// server-rendered page grows with the project or the document.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn document_lists_and_page_text_come_a_page_at_a_time(pool: PgPool) {
    let app = common::app(pool.clone());
    let (owner, cookie) = user(&app, &pool, "pages@example.org").await;
    let project = evistream::projects::server::create(&pool, owner, "Big", "")
        .await
        .expect("project");
    sqlx::query(
        r#"INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes, created_at)
           SELECT $1, 'paper ' || n || '.pdf', 'projects/' || $1 || '/' || n || '.pdf', 'sha' || n, 10,
                  now() - make_interval(secs => n)
           FROM generate_series(1, 250) AS n"#,
    )
    .bind(project)
    .execute(&pool)
    .await
    .expect("documents");
    let list = |page: &str| {
        common::form_request(
            "/api/list_documents",
            &format!("project_id={project}{page}"),
            Some(&cookie),
        )
    };
    let first = json(call(&app, list("")).await).await;
    assert_eq!(first["total"], 250);
    assert_eq!(first["documents"].as_array().map(Vec::len), Some(100));
    assert_eq!(
        first["documents"][0]["original_name"], "paper 1.pdf",
        "newest first"
    );
    let third = json(call(&app, list("&page=3")).await).await;
    assert_eq!(third["documents"].as_array().map(Vec::len), Some(50));
    assert_eq!(third["documents"][49]["original_name"], "paper 250.pdf");
    let beyond = json(call(&app, list("&page=9")).await).await;
    assert_eq!(beyond["documents"].as_array().map(Vec::len), Some(0));

    let document: Uuid = sqlx::query_scalar(
        "UPDATE documents SET status = 'ready', page_count = 45
         WHERE original_name = 'paper 7.pdf' RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .expect("document");
    sqlx::query(
        "INSERT INTO document_pages (document_id, page_number, markdown)
         SELECT $1, n, 'Text of page ' || n FROM generate_series(1, 45) AS n",
    )
    .bind(document)
    .execute(&pool)
    .await
    .expect("pages");
    let detail = |page: &str| {
        common::form_request(
            "/api/get_document",
            &format!("id={document}{page}"),
            Some(&cookie),
        )
    };
    let numbers = |body: &serde_json::Value| -> Vec<i64> {
        body["pages"]
            .as_array()
            .expect("pages")
            .iter()
            .filter_map(|page| page["number"].as_i64())
            .collect()
    };
    let opening = json(call(&app, detail("")).await).await;
    assert_eq!(opening["stored_pages"], 45);
    assert_eq!(numbers(&opening), (1..=20).collect::<Vec<_>>());
    let late = json(call(&app, detail("&page=44")).await).await;
    assert_eq!(numbers(&late), (41..=45).collect::<Vec<_>>());
    assert_eq!(late["pages"][0]["markdown"], "Text of page 41");
    let middle = json(call(&app, detail("&page=21")).await).await;
    assert_eq!(numbers(&middle), (21..=40).collect::<Vec<_>>());
}

/// Sharing has to say when no account has an address, so naming unknown
/// addresses is limited per user: past the limit every share answers 429
/// (known addresses too, or the difference would still tell), parallel
/// attempts cannot overshoot, and another user is not affected.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn sharing_cannot_be_used_to_list_accounts(pool: PgPool) {
    let app = common::app(pool.clone());
    let (owner, cookie) = user(&app, &pool, "lister@example.org").await;
    let (other, other_cookie) = user(&app, &pool, "other@example.org").await;
    common::create_account(&pool, "known@example.org", PASSWORD, Role::User).await;
    let project = evistream::projects::server::create(&pool, owner, "Shared", "")
        .await
        .expect("project");
    let other_project = evistream::projects::server::create(&pool, other, "Other", "")
        .await
        .expect("project");
    let share = |cookie: &str, project: Uuid, email: &str| {
        common::form_request(
            "/api/share_project",
            &format!(
                "id={project}&email={}&role=viewer",
                email.replace('@', "%40")
            ),
            Some(cookie),
        )
    };
    let limit = evistream::projects::server::UNKNOWN_SHARES_PER_HOUR as usize;
    let attempts = futures::future::join_all((0..limit + 5).map(|n| {
        call(
            &app,
            share(&cookie, project, &format!("guess{n}@example.org")),
        )
    }))
    .await;
    let refused = attempts
        .iter()
        .filter(|response| response.status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let answered = attempts
        .iter()
        .filter(|response| response.status() == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!(
        (answered, refused),
        (limit, 5),
        "exactly the limit is answered"
    );
    let known = call(&app, share(&cookie, project, "known@example.org")).await;
    assert_eq!(known.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(known.headers().contains_key(header::RETRY_AFTER));
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM project_members")
        .fetch_one(&pool)
        .await
        .expect("members");
    assert_eq!(members, 0, "a refused share changes nothing");
    // Another user's sharing is not affected.
    let theirs = call(
        &app,
        share(&other_cookie, other_project, "known@example.org"),
    )
    .await;
    assert_eq!(theirs.status(), StatusCode::OK);
}
