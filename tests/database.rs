//! Migrations and account storage against a real PostgreSQL (a fresh database
//! per test, made by `#[sqlx::test]` on the server of DATABASE_URL).
#![cfg(feature = "ssr")]

use std::time::Duration;

use evistream::auth::types::{Email, Password, Role};
use evistream::db::{MIGRATOR, readiness};
use evistream::error::AppError;
use sqlx::PgPool;

mod common;

#[sqlx::test(migrations = false)]
async fn migrations_run_on_an_empty_database(pool: PgPool) {
    let before = readiness(&pool, Duration::from_secs(5)).await;
    assert!(before.database);
    assert_eq!(before.pending_migrations.len(), MIGRATOR.iter().count());
    assert!(!before.is_ready());

    MIGRATOR.run(&pool).await.expect("migrations apply");
    let after = readiness(&pool, Duration::from_secs(5)).await;
    assert!(after.is_ready(), "{after:?}");

    // Running them again changes nothing (every process migrates at start).
    MIGRATOR
        .run(&pool)
        .await
        .expect("migrations are idempotent");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .expect("list tables");
    assert!(tables.contains(&"users".to_owned()), "{tables:?}");
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_taken_email_is_a_field_error(pool: PgPool) {
    let email = Email::parse("Ada@Example.org").expect("valid");
    let password = Password::parse("correct horse battery").expect("valid");
    evistream::auth::server::create_user(&pool, &email, &password, Role::Admin)
        .await
        .expect("first account");

    let again = Email::parse(" ada@example.ORG").expect("valid");
    let err = evistream::auth::server::create_user(&pool, &again, &password, Role::User)
        .await
        .expect_err("duplicate");
    match err {
        AppError::Validation { fields, .. } => assert_eq!(fields[0].field, "email"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(count, 1, "the failed insert changed nothing");
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn passwords_are_stored_as_argon2id_hashes(pool: PgPool) {
    let email = Email::parse("grace@example.org").expect("valid");
    let password = Password::parse("a long passphrase").expect("valid");
    evistream::auth::server::create_user(&pool, &email, &password, Role::User)
        .await
        .expect("created");
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&pool)
        .await
        .expect("hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("passphrase"));
    assert!(
        evistream::auth::server::verify_password("a long passphrase", &hash)
            .await
            .expect("verify")
    );
    assert!(
        !evistream::auth::server::verify_password("a long passphrasE", &hash)
            .await
            .expect("verify")
    );
}

/// A transaction left idle — its process frozen mid-way, a paused VM, a
/// SIGSTOP — is ended by the server after `EVISTREAM_DB_IDLE_TRANSACTION_SECS`,
/// and the rows it locked are free again. Without it, the worker that takes
/// over a frozen worker's job waits on those locks for as long as the frozen
/// process's connection lives (CI saw a run never finish that way).
#[sqlx::test(migrations = false)]
async fn a_transaction_left_idle_is_ended_and_its_locks_freed(pool: PgPool) {
    sqlx::query("CREATE TABLE held (id int PRIMARY KEY)")
        .execute(&pool)
        .await
        .expect("create table");
    let mut config = common::test_config(&common::database_url(&pool));
    config.db_idle_transaction_timeout = Duration::from_secs(1);
    let frozen = evistream::db::connect_lazy(&config).expect("pool");
    let mut transaction = frozen.begin().await.expect("begin");
    sqlx::query("INSERT INTO held VALUES (1)")
        .execute(&mut *transaction)
        .await
        .expect("insert");

    // Another session inserting the same key waits for the first to end, and
    // the server ends it after a second of idleness. (The 60 s bound only
    // turns a hang into a failure.)
    let other = pool.clone();
    let waiter = tokio::spawn(async move {
        sqlx::query("INSERT INTO held VALUES (1) ON CONFLICT DO NOTHING")
            .execute(&other)
            .await
    });
    let inserted = tokio::time::timeout(Duration::from_secs(60), waiter)
        .await
        .expect("the idle transaction's lock was freed")
        .expect("the waiting task ran")
        .expect("the waiting insert succeeded");
    assert_eq!(
        inserted.rows_affected(),
        1,
        "the idle transaction's row was rolled back"
    );

    // The idle transaction is gone: its session was ended.
    assert!(
        sqlx::query("SELECT 1")
            .execute(&mut *transaction)
            .await
            .is_err()
    );
}
