//! Every registered server function, called as each kind of caller, against
//! the matrix of SPEC.md ("Who may do what"). A server function that is not in
//! the table below fails this test: a new one must state who may call it.
#![cfg(feature = "ssr")]

mod common;

use std::collections::BTreeSet;

use axum::Router;
use common::{app, create_account as account, form_request as form};
use evistream::auth::types::Role;

use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

const PASSWORD: &str = "matrix password 123";

/// Callers, in the order of the expectation columns.
const CALLERS: [&str; 7] = [
    "anonymous",
    "global viewer",
    "non-member user",
    "project viewer",
    "project editor",
    "owner",
    "admin",
];

/// Path, form body (with {project}, {job}, {outsider}, {member}, {fresh}),
/// and the expected status for each caller.
const MATRIX: &[(&str, &str, [u16; 7])] = &[
    (
        "/api/system_status",
        "",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    ("/api/current_user", "", [200, 200, 200, 200, 200, 200, 200]),
    (
        "/api/sign_in",
        "email={fresh}&password=wrong",
        [422, 422, 422, 422, 422, 422, 422],
    ),
    (
        "/api/diagnostic_jobs_enabled",
        "",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "/api/start_diagnostic_job",
        "steps=1&step_ms=1",
        [401, 403, 200, 200, 200, 200, 200],
    ),
    ("/api/list_jobs", "", [401, 200, 200, 200, 200, 200, 200]),
    (
        "/api/get_job",
        "id={job}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/cancel_job",
        "id={job}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    // The job is queued, so a permitted retry is a conflict, not a success.
    (
        "/api/retry_job",
        "id={job}",
        [401, 404, 404, 403, 409, 409, 409],
    ),
    (
        "/api/list_projects",
        "sort=activity&page=1",
        [401, 200, 200, 200, 200, 200, 200],
    ),
    (
        "/api/list_documents",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/get_document",
        "id={document}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/document_download_link",
        "id={document}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/search_documents",
        "project_id={project}&query=trial",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/project_activity",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/reconvert_document",
        "id={document}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/delete_document",
        "id={document}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    // Any account that may create projects may create the demo project.
    (
        "/api/create_demo_project",
        "",
        [401, 403, 200, 200, 200, 200, 200],
    ),
    (
        "/api/create_project",
        "name=New&description=",
        [401, 403, 200, 200, 200, 200, 200],
    ),
    (
        "/api/get_project",
        "id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/update_project",
        "id={project}&name=Renamed&description=",
        [401, 404, 404, 403, 403, 200, 200],
    ),
    (
        "/api/share_project",
        "id={project}&email={outsider}&role=viewer",
        [401, 404, 404, 403, 403, 200, 200],
    ),
    (
        "/api/unshare_project",
        "id={project}&email={member}",
        [401, 404, 404, 403, 403, 200, 200],
    ),
    (
        "/api/delete_project",
        "id={project}",
        [401, 404, 404, 403, 403, 200, 200],
    ),
    ("/api/list_users", "", [401, 403, 403, 403, 403, 403, 200]),
    (
        "/api/set_user_role",
        "id={member_id}&role=viewer",
        [401, 403, 403, 403, 403, 403, 200],
    ),
    (
        "/api/set_user_active",
        "id={member_id}&active=true",
        [401, 403, 403, 403, 403, 403, 200],
    ),
    (
        "/api/list_audit_log",
        "",
        [401, 403, 403, 403, 403, 403, 200],
    ),
    // A wrong current password: refused for everyone, and no session ends.
    (
        "/api/change_password",
        "old_password=wrong&new_password=another+long+pw",
        [401, 422, 422, 422, 422, 422, 422],
    ),
    (
        "/api/create_api_token",
        "name=script&days=30",
        [401, 200, 200, 200, 200, 200, 200],
    ),
    (
        "/api/list_api_tokens",
        "",
        [401, 200, 200, 200, 200, 200, 200],
    ),
    // Someone else's (here: no one's) token is not found.
    (
        "/api/revoke_api_token",
        "id={project}",
        [401, 404, 404, 404, 404, 404, 404],
    ),
    // Last: both end the caller's current session.
    (
        "/api/register",
        "email={fresh}&password=long+enough+pw",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    ("/api/sign_out", "", [200, 200, 200, 200, 200, 200, 200]),
];

struct People {
    cookies: Vec<Option<String>>,
    ids: Vec<Option<Uuid>>,
    emails: Vec<String>,
}

async fn people(app: &Router, pool: &PgPool) -> People {
    let roles = [
        None,
        Some(Role::Viewer),
        Some(Role::User),
        Some(Role::User),
        Some(Role::User),
        Some(Role::User),
        Some(Role::Admin),
    ];
    let mut people = People {
        cookies: Vec::new(),
        ids: Vec::new(),
        emails: Vec::new(),
    };
    for (index, role) in roles.into_iter().enumerate() {
        let email = format!("caller{index}@example.org");
        match role {
            None => {
                people.cookies.push(None);
                people.ids.push(None);
            }
            Some(role) => {
                people
                    .ids
                    .push(Some(account(pool, &email, PASSWORD, role).await));
                people
                    .cookies
                    .push(Some(common::signed_in_cookie(app, &email, PASSWORD).await));
            }
        }
        people.emails.push(email);
    }
    people
}

/// A fresh project owned by caller 5, with caller 3 as viewer and caller 4 as
/// editor, and a queued job and a converted document in it; returns (project,
/// job, document).
async fn fixture(pool: &PgPool, people: &People) -> (Uuid, Uuid, Uuid) {
    let owner = people.ids[5].expect("owner");
    let project: Uuid = sqlx::query_scalar(
        "INSERT INTO projects (owner_id, name) VALUES ($1, 'Matrix') RETURNING id",
    )
    .bind(owner)
    .fetch_one(pool)
    .await
    .expect("project");
    for (index, role) in [(3, "viewer"), (4, "editor")] {
        sqlx::query("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)")
            .bind(project)
            .bind(people.ids[index])
            .bind(role)
            .execute(pool)
            .await
            .expect("member");
    }
    let job: Uuid = sqlx::query_scalar(
        "INSERT INTO jobs (kind, owner_id, project_id) VALUES ('matrix.test', $1, $2) RETURNING id",
    )
    .bind(owner)
    .bind(project)
    .fetch_one(pool)
    .await
    .expect("job");
    let document: Uuid = sqlx::query_scalar(
        r#"INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes, status)
           VALUES ($1, 'trial.pdf', 'projects/' || $1 || '/' || gen_random_uuid() || '.pdf',
                   md5(random()::text), 10, 'ready') RETURNING id"#,
    )
    .bind(project)
    .fetch_one(pool)
    .await
    .expect("document");
    (project, job, document)
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn every_server_function_follows_the_matrix(pool: PgPool) {
    let app = app(pool.clone());
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = MATRIX
        .iter()
        .map(|(path, _, _)| (*path).to_owned())
        .collect();
    let unlisted: Vec<_> = registered.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "server functions missing from the authorisation matrix: {unlisted:?}"
    );
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for unknown server functions: {stale:?}"
    );

    let people = people(&app, &pool).await;
    let mut failures = Vec::new();
    let mut fresh = 0;
    for (path, template, expected) in MATRIX {
        for (caller, expected) in expected.iter().enumerate() {
            let (project, job, document) = fixture(&pool, &people).await;
            fresh += 1;
            let body = template
                .replace("{project}", &project.to_string())
                .replace("{job}", &job.to_string())
                .replace("{document}", &document.to_string())
                .replace("{outsider}", &people.emails[2].replace('@', "%40"))
                .replace("{member}", &people.emails[3].replace('@', "%40"))
                .replace(
                    "{member_id}",
                    &people.ids[3].map(|id| id.to_string()).unwrap_or_default(),
                )
                .replace("{fresh}", &format!("fresh{fresh}%40example.org"));
            let mut request = form(path, &body, people.cookies[caller].as_deref());
            // Each caller from its own address, as separate people would be.
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from(([10, 0, 0, caller as u8 + 1], 40000)),
            ));
            let response = app.clone().oneshot(request).await.expect("infallible");
            let status = response.status().as_u16();
            if status != *expected {
                failures.push(format!(
                    "{path} as {}: expected {expected}, got {status}",
                    CALLERS[caller]
                ));
            }
        }
    }
    let attempts: Vec<(String, String, bool)> =
        sqlx::query_as("SELECT email, client_addr, succeeded FROM sign_in_attempts ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("attempts");
    assert!(failures.is_empty(), "{}\n{attempts:?}", failures.join("\n"));
}
