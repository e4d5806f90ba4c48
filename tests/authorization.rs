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
    (
        "/api/list_forms",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/get_form",
        "id={form}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/get_form_version",
        "id={form_version}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/export_form",
        "version_id={form_version}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/create_form",
        "project_id={project}&name=Form&preset=pico",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/save_form",
        "id={form}&definition={definition}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/import_form",
        "project_id={project}&file={definition}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/list_copyable_forms",
        "project_id={project}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/copy_form",
        "form_id={form}&project_id={project}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/delete_form",
        "id={free_form}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/update_plan_step",
        "version_id={free_version}&step_key=step_1&instructions=Read+the+methods",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/move_plan_field",
        "version_id={free_version}&field_key=population&step_key=step_1",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/regenerate_plan",
        "version_id={free_version}&feedback=Group+by+section",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/activate_plan",
        "version_id={free_version}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/set_plan_review",
        "project_id={project}&required=false",
        [401, 404, 404, 403, 403, 200, 200],
    ),
    (
        "/api/list_runs",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/run_options",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/get_run",
        "id={run}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/run_values",
        "id={run}&offset=0&limit=10",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/start_run",
        "project_id={project}&form_version_id={form_version}&extractor=offline&document_ids=&seeds_csv=",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/cancel_run",
        "id={live_run}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/review_grid",
        "run_id={run}&level=&filter=all&sort=name&page=1",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/review_cell",
        "value_id={value}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/review_value",
        "value_id={value}&revision=0&action=accept&value=&quote=&reason=",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/accept_verified",
        "run_id={run}&document_id={document}&expected=1",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/preview_gold",
        "run_id={run}&csv=document%2Cpopulation%0Atrial.pdf%2Cadults%0A",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/save_gold",
        "run_id={run}&name=Gold&csv=document%2Cpopulation%0Atrial.pdf%2Cadults%0A&mapping={mapping}",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/gold_from_run",
        "run_id={run}&name=Reviewed",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/list_gold",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/evaluate_run",
        "run_id={run}&gold_id={gold}&reviewed=true",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/list_evaluations",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/get_evaluation",
        "id={evaluation}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/ask_question",
        "project_id={project}&question=Which+dose%3F&document_ids=",
        [401, 404, 404, 403, 200, 200, 200],
    ),
    (
        "/api/list_questions",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/get_budget_status",
        "project_id={project}",
        [401, 404, 404, 200, 200, 200, 200],
    ),
    (
        "/api/get_usage_report",
        "days=30",
        [401, 200, 200, 200, 200, 200, 200],
    ),
    (
        "/api/set_project_budget",
        "project_id={project}&budget_usd=25",
        [401, 404, 404, 403, 403, 200, 200],
    ),
    (
        "/api/set_instance_budget",
        "budget_usd=",
        [401, 403, 403, 403, 403, 403, 200],
    ),
    (
        "/api/retry_run_failures",
        "id={run}",
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
        "name=script&days=30&scope=read_only",
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

/// What a fixture made: ids to put into request bodies.
struct Fixture {
    project: Uuid,
    job: Uuid,
    document: Uuid,
    /// A form whose active version has runs.
    form: Uuid,
    form_version: Uuid,
    /// A form without runs, its plan awaiting review.
    free_form: Uuid,
    free_version: Uuid,
    /// A finished run and a queued one.
    run: Uuid,
    live_run: Uuid,
    /// A verified value of the finished run.
    value: i64,
    /// A gold standard of the form, and an evaluation of the run against it.
    gold: Uuid,
    evaluation: Uuid,
}

/// Inserts a form with one version whose plan is generated; returns (form, version).
async fn form_with_plan(pool: &PgPool, project: Uuid, status: &str) -> (Uuid, Uuid) {
    let definition = evistream::forms::presets::preset_form("pico").expect("preset");
    let plan = evistream::forms::plan::deterministic_plan(&definition);
    let form: Uuid =
        sqlx::query_scalar("INSERT INTO forms (project_id, name) VALUES ($1, 'PICO') RETURNING id")
            .bind(project)
            .fetch_one(pool)
            .await
            .expect("form");
    let version: Uuid = sqlx::query_scalar(
        r#"INSERT INTO form_versions (form_id, version, definition, plan_status, plan)
           VALUES ($1, 1, $2, $3, $4) RETURNING id"#,
    )
    .bind(form)
    .bind(serde_json::to_value(&definition).expect("json"))
    .bind(status)
    .bind(serde_json::to_value(&plan).expect("json"))
    .fetch_one(pool)
    .await
    .expect("version");
    (form, version)
}

/// A fresh project owned by caller 5, with caller 3 as viewer and caller 4 as
/// editor, and a queued job, a converted document, forms and runs in it.
async fn fixture(pool: &PgPool, people: &People) -> Fixture {
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
    // A passage to find, so that a search answers rows to check.
    sqlx::query(
        r#"INSERT INTO document_chunks (document_id, chunk_index, project_id, page_number,
               char_start, char_end, content)
           VALUES ($1, 0, $2, 1, 0, 28, 'A randomised trial of drug X')"#,
    )
    .bind(document)
    .bind(project)
    .execute(pool)
    .await
    .expect("chunk");
    let (form, form_version) = form_with_plan(pool, project, "active").await;
    let (free_form, free_version) = form_with_plan(pool, project, "awaiting_review").await;
    let mut runs = Vec::new();
    for status in ["succeeded", "queued"] {
        let run: Uuid = sqlx::query_scalar(
            r#"INSERT INTO extraction_runs (project_id, form_version_id, extractor, status)
               VALUES ($1, $2, 'offline', $3) RETURNING id"#,
        )
        .bind(project)
        .bind(form_version)
        .bind(status)
        .fetch_one(pool)
        .await
        .expect("run");
        runs.push(run);
    }
    sqlx::query("INSERT INTO run_documents (run_id, document_id) VALUES ($1, $2)")
        .bind(runs[0])
        .bind(document)
        .execute(pool)
        .await
        .expect("run document");
    let value: i64 = sqlx::query_scalar(
        r#"INSERT INTO extracted_values (run_id, document_id, form_version_id, step_key, field_path,
               value, not_reported, quote, page, grounded, supported, confidence, extractor, text_version)
           VALUES ($1, $2, $3, 'step_1', 'population', '"adults"', false, 'adults', 1, true, true, 0.9,
                   'offline', 0) RETURNING id"#,
    )
    .bind(runs[0])
    .bind(document)
    .bind(form_version)
    .fetch_one(pool)
    .await
    .expect("value");
    // A second value, already reviewed: gold_from_run has something to take.
    sqlx::query(
        r#"INSERT INTO extracted_values (run_id, document_id, form_version_id, step_key, field_path,
               value, not_reported, grounded, supported, confidence, extractor, text_version,
               review_status, reviewed_value, reviewed_not_reported)
           VALUES ($1, $2, $3, 'step_1', 'intervention', '"drug"', false, false, false, 0.5,
                   'offline', 0, 'corrected', '"a drug"', false)"#,
    )
    .bind(runs[0])
    .bind(document)
    .bind(form_version)
    .execute(pool)
    .await
    .expect("reviewed value");
    let definition = evistream::forms::presets::preset_form("pico").expect("preset");
    let standard = evistream::evaluation::standard::GoldStandard {
        documents: vec![document],
        fields: vec!["population".to_owned()],
        values: vec![evistream::evaluation::standard::GoldValue {
            document_id: document,
            field_path: "population".to_owned(),
            entry_identity: None,
            value: Some(serde_json::json!("adults")),
        }],
    };
    let gold: Uuid = sqlx::query_scalar(
        r#"INSERT INTO gold_standards (project_id, form_id, name, source, standard, value_count)
           VALUES ($1, $2, 'Gold', 'csv', $3, 1) RETURNING id"#,
    )
    .bind(project)
    .bind(form)
    .bind(serde_json::to_value(&standard).expect("json"))
    .fetch_one(pool)
    .await
    .expect("gold");
    let result = evistream::evaluation::metrics::evaluate(
        &definition,
        &standard,
        &[],
        &evistream::evaluation::metrics::EvaluationSettings::default(),
    );
    let evaluation: Uuid = sqlx::query_scalar(
        r#"INSERT INTO evaluations (project_id, run_id, gold_standard_id, reviewed, settings, result)
           VALUES ($1, $2, $3, true, '{}', $4) RETURNING id"#,
    )
    .bind(project)
    .bind(runs[0])
    .bind(gold)
    .bind(serde_json::to_value(&result).expect("json"))
    .fetch_one(pool)
    .await
    .expect("evaluation");
    Fixture {
        gold,
        evaluation,
        value,
        project,
        job,
        document,
        form,
        form_version,
        free_form,
        free_version,
        run: runs[0],
        live_run: runs[1],
    }
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
    let failures = follow_matrix(&app, &pool, &people, &Credentials::Cookies).await;
    let attempts: Vec<(String, String, bool)> =
        sqlx::query_as("SELECT email, client_addr, succeeded FROM sign_in_attempts ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("attempts");
    assert!(failures.is_empty(), "{}\n{attempts:?}", failures.join("\n"));
}

/// How the callers of a matrix pass prove who they are.
enum Credentials {
    /// Their session cookies (the anonymous caller has none).
    Cookies,
    /// A read-write API token each (`None`: the caller is skipped).
    Bearer(Vec<Option<String>>),
}

/// What a Bearer caller gets where a signed-in browser gets `expected`:
/// the same, except that no token may mint tokens or change the password.
fn bearer_expectation(path: &str, expected: u16) -> u16 {
    match path {
        "/api/create_api_token" | "/api/change_password" if expected != 401 => 403,
        _ => expected,
    }
}

/// Calls every row of the matrix as every caller (each on a fresh fixture)
/// and returns what did not go as the matrix says.
async fn follow_matrix(
    app: &Router,
    pool: &PgPool,
    people: &People,
    credentials: &Credentials,
) -> Vec<String> {
    let label = match credentials {
        Credentials::Cookies => "",
        Credentials::Bearer(_) => " (API token)",
    };
    let mut failures = Vec::new();
    let mut fresh = 0;
    for (path, template, expected) in MATRIX {
        for (caller, expected) in expected.iter().enumerate() {
            let f = fixture(pool, people).await;
            fresh += 1;
            let definition = evistream::documents::components::encode_query_value(
                &evistream::forms::format::export_json(
                    &evistream::forms::presets::preset_form("arms").expect("preset"),
                ),
            );
            let body = template
                .replace("{project}", &f.project.to_string())
                .replace("{job}", &f.job.to_string())
                .replace("{document}", &f.document.to_string())
                .replace("{free_form}", &f.free_form.to_string())
                .replace("{free_version}", &f.free_version.to_string())
                .replace("{form_version}", &f.form_version.to_string())
                .replace("{form}", &f.form.to_string())
                .replace("{live_run}", &f.live_run.to_string())
                .replace("{run}", &f.run.to_string())
                .replace("{value}", &f.value.to_string())
                .replace("{gold}", &f.gold.to_string())
                .replace("{evaluation}", &f.evaluation.to_string())
                .replace(
                    "{mapping}",
                    "%7B%22document_column%22%3A%22document%22%2C%22fields%22%3A%7B%22population%22%3A%22population%22%7D%2C%22ignored%22%3A%5B%5D%2C%22identity%22%3A%5B%5D%7D",
                )
                .replace("{definition}", &definition)
                .replace("{outsider}", &people.emails[2].replace('@', "%40"))
                .replace("{member}", &people.emails[3].replace('@', "%40"))
                .replace(
                    "{member_id}",
                    &people.ids[3].map(|id| id.to_string()).unwrap_or_default(),
                )
                .replace("{fresh}", &format!("fresh{fresh}%40example.org"));
            let expected = &match credentials {
                Credentials::Cookies => *expected,
                Credentials::Bearer(tokens) => {
                    if tokens[caller].is_none() {
                        continue;
                    }
                    bearer_expectation(path, *expected)
                }
            };
            let mut request = match credentials {
                Credentials::Cookies => form(path, &body, people.cookies[caller].as_deref()),
                Credentials::Bearer(tokens) => {
                    let mut request = form(path, &body, None);
                    if let Some(token) = &tokens[caller] {
                        request.headers_mut().insert(
                            http::header::AUTHORIZATION,
                            format!("Bearer {token}").parse().expect("header"),
                        );
                    }
                    request
                }
            };
            // Each caller from its own address, as separate people would be.
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from(([10, 0, 0, caller as u8 + 1], 40000)),
            ));
            let response = app.clone().oneshot(request).await.expect("infallible");
            let status = response.status().as_u16();
            if status != *expected {
                failures.push(format!(
                    "{path} as {}{label}: expected {expected}, got {status}",
                    CALLERS[caller]
                ));
            }
            // A list that answers 200 holds this project's rows only, all of
            // them (every earlier fixture project has forms and runs too).
            if status == 200 && ROW_CHECKED.contains(path) {
                let body = common::body_text(response).await;
                let body: serde_json::Value = serde_json::from_str(&body).expect("json");
                if let Err(leak) =
                    rows_are_the_callers(pool, path, &body, &f, people.ids[caller]).await
                {
                    failures.push(format!("{path} as {}{label}: {leak}", CALLERS[caller]));
                }
            } else if status == 200 && matches!(*path, "/api/list_forms" | "/api/list_runs") {
                let body = common::body_text(response).await;
                let rows: Vec<serde_json::Value> = serde_json::from_str(&body).expect("a list");
                let foreign = rows
                    .iter()
                    .filter(|row| row["project_id"] != f.project.to_string())
                    .count();
                if rows.len() != 2 || foreign > 0 {
                    failures.push(format!(
                        "{path} as {}: {} rows, {foreign} of another project",
                        CALLERS[caller],
                        rows.len()
                    ));
                }
            }
        }
    }
    failures
}

/// Lists whose rows are checked, not only their status: a 200 that carries
/// another project's rows would otherwise pass.
const ROW_CHECKED: &[&str] = &[
    "/api/list_documents",
    "/api/search_documents",
    "/api/project_activity",
    "/api/list_jobs",
    "/api/list_projects",
];

/// Checks that a list answered to `caller` holds only what they may see, and
/// for the project lists, the fixture's own rows.
async fn rows_are_the_callers(
    pool: &PgPool,
    path: &str,
    body: &serde_json::Value,
    f: &Fixture,
    caller: Option<Uuid>,
) -> Result<(), String> {
    let strings = |items: &serde_json::Value, key: &str| -> Vec<String> {
        items
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|row| row[key].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let only = |found: Vec<String>, wanted: Uuid, what: &str| -> Result<(), String> {
        let wanted = wanted.to_string();
        if found.is_empty() {
            return Err(format!("no {what} rows; expected the fixture's"));
        }
        match found.iter().find(|id| **id != wanted) {
            Some(other) => Err(format!("a {what} row of {other}, not {wanted}")),
            None => Ok(()),
        }
    };
    match path {
        "/api/list_documents" => only(
            strings(&body["documents"], "project_id"),
            f.project,
            "document",
        ),
        "/api/search_documents" => {
            only(strings(&body["hits"], "document_id"), f.document, "search")
        }
        "/api/project_activity" => {
            let foreign: Vec<String> = strings(body, "href")
                .into_iter()
                .filter(|href| {
                    href.starts_with("/projects/")
                        && !href.starts_with(&format!("/projects/{}", f.project))
                })
                .collect();
            if foreign.is_empty() {
                Ok(())
            } else {
                Err(format!("activity of other projects: {foreign:?}"))
            }
        }
        "/api/list_jobs" | "/api/list_projects" => {
            let (ids, table) = if path == "/api/list_jobs" {
                (strings(body, "id"), "jobs")
            } else {
                (strings(&body["projects"], "id"), "projects")
            };
            let ids: Vec<Uuid> = ids.iter().filter_map(|id| id.parse().ok()).collect();
            let caller = caller.ok_or("an anonymous caller got a list")?;
            // What the caller may see: admins everything; others their own
            // projects, those shared with them, and their own project-less jobs.
            let project = if table == "jobs" {
                "t.project_id"
            } else {
                "t.id"
            };
            let own_outside = if table == "jobs" {
                "(t.project_id IS NULL AND t.owner_id = $2)"
            } else {
                "false"
            };
            let sql = format!(
                "SELECT count(*) FROM {table} t WHERE t.id = ANY($1) AND NOT (
                     (SELECT role = 'admin' FROM users WHERE id = $2) OR {own_outside}
                     OR EXISTS (SELECT 1 FROM projects p WHERE p.id = {project} AND p.owner_id = $2)
                     OR EXISTS (SELECT 1 FROM project_members m
                                WHERE m.project_id = {project} AND m.user_id = $2))"
            );
            let foreign: i64 = sqlx::query_scalar(&sql)
                .bind(&ids)
                .bind(caller)
                .fetch_one(pool)
                .await
                .expect("visibility");
            if foreign > 0 {
                return Err(format!("{foreign} {table} the caller may not see"));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A read-write API token (each caller mints their own with their session).
async fn read_write_token(app: &Router, cookie: &str) -> Option<String> {
    let response = app
        .clone()
        .oneshot(form(
            "/api/create_api_token",
            "name=matrix&days=1&scope=read_write",
            Some(cookie),
        ))
        .await
        .expect("infallible");
    if response.status() != http::StatusCode::OK {
        return None;
    }
    let body: serde_json::Value =
        serde_json::from_str(&common::body_text(response).await).expect("json");
    body["token"].as_str().map(str::to_owned)
}

/// The same matrix, every signed-in caller calling with an API token instead
/// of a session: a token acts for its user and no more (and mints nothing).
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn api_token_callers_follow_the_matrix(pool: PgPool) {
    let app = app(pool.clone());
    let people = people(&app, &pool).await;
    let mut tokens = Vec::new();
    for cookie in &people.cookies {
        tokens.push(match cookie {
            Some(cookie) => Some(read_write_token(&app, cookie).await.expect("token")),
            None => None,
        });
    }
    let failures = follow_matrix(&app, &pool, &people, &Credentials::Bearer(tokens)).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The plain routes beside the server functions, as each caller: the upload
/// (by session and by API token), a file link made for the caller (checked
/// when used, so it opens only what the caller may read), and the job event
/// stream.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn the_upload_file_and_event_routes_follow_the_matrix(pool: PgPool) {
    use axum::body::Body;
    use http::{Request, header};
    let state = common::state(pool.clone());
    let app = evistream::server::http::router(state.clone());
    let people = people(&app, &pool).await;
    let mut pdfs = evistream::demo::reports::demo_trial_reports()
        .into_iter()
        .map(|report| report.bytes);
    let (by_session, by_token) = (pdfs.next().expect("pdf"), pdfs.next().expect("pdf"));
    let stored = std::env::temp_dir().join(format!("evistream-matrix-{}.pdf", Uuid::new_v4()));
    std::fs::write(&stored, &by_session).expect("file");
    const UPLOAD: [u16; 7] = [401, 404, 404, 403, 201, 201, 201];
    const FILE: [u16; 7] = [404, 404, 404, 200, 200, 200, 200];
    const EVENTS: [u16; 7] = [401, 200, 200, 200, 200, 200, 200];
    let mut failures = Vec::new();
    for caller in 0..CALLERS.len() {
        let f = fixture(&pool, &people).await;
        let who = CALLERS[caller];
        let upload = |bytes: &[u8], credential: Option<(http::HeaderName, String)>| {
            let mut request = Request::post(format!(
                "/api/projects/{}/documents?name=new.pdf",
                f.project
            ))
            .header(header::CONTENT_TYPE, "application/pdf");
            if let Some((name, value)) = credential {
                request = request.header(name, value);
            }
            request.body(Body::from(bytes.to_vec())).expect("request")
        };
        // By session, then (for a signed-in caller) by API token.
        let mut credentials = vec![(
            "",
            &by_session,
            people.cookies[caller]
                .clone()
                .map(|cookie| (header::COOKIE, cookie)),
        )];
        if let Some(cookie) = &people.cookies[caller] {
            let token = read_write_token(&app, cookie).await.expect("token");
            credentials.push((
                " (API token)",
                &by_token,
                Some((header::AUTHORIZATION, format!("Bearer {token}"))),
            ));
        }
        for (how, bytes, credential) in credentials {
            let status = app
                .clone()
                .oneshot(upload(bytes, credential))
                .await
                .expect("infallible")
                .status()
                .as_u16();
            if status != UPLOAD[caller] {
                failures.push(format!(
                    "upload as {who}{how}: expected {}, got {status}",
                    UPLOAD[caller]
                ));
            }
        }

        // A file link made for this caller (the anonymous one: for an
        // account that does not exist) opens the file only if they may read it.
        let key: String = sqlx::query_scalar("SELECT storage_key FROM documents WHERE id = $1")
            .bind(f.document)
            .fetch_one(&pool)
            .await
            .expect("key");
        state
            .documents
            .storage
            .put_file(&key, &stored)
            .await
            .expect("stored");
        let claims = evistream::documents::server::FileClaims {
            aud: evistream::auth::tokens::FILE_LINK_AUDIENCE.to_owned(),
            sub: people.ids[caller].unwrap_or_else(Uuid::new_v4),
            doc: f.document,
            inline: true,
            exp: chrono::Utc::now().timestamp() + 60,
        };
        let link = evistream::auth::tokens::sign_file_link(&state.platform.token_keys, &claims)
            .expect("link");
        let response = common::get(&app, &format!("/files/{link}")).await;
        let status = response.status().as_u16();
        if status != FILE[caller] {
            failures.push(format!(
                "file link as {who}: expected {}, got {status}",
                FILE[caller]
            ));
        } else if status == 200 {
            let served = axum::body::to_bytes(response.into_body(), 10 << 20)
                .await
                .expect("body");
            if served.as_ref() != by_session.as_slice() {
                failures.push(format!("file link as {who}: other bytes served"));
            }
        }

        let mut request = Request::get(evistream::jobs::api::JOB_EVENTS_PATH);
        if let Some(cookie) = &people.cookies[caller] {
            request = request.header(header::COOKIE, cookie);
        }
        let status = app
            .clone()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("infallible")
            .status()
            .as_u16();
        if status != EVENTS[caller] {
            failures.push(format!(
                "event stream as {who}: expected {}, got {status}",
                EVENTS[caller]
            ));
        }
    }
    let _ = std::fs::remove_file(&stored);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
