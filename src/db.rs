//! The PostgreSQL pool, the migrations and the readiness check.

use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

use crate::config::Config;

/// The schema, embedded in the binary so a deployed binary migrates itself.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Opens the pool lazily: connections are made on first use, so a process can
/// start (and answer `/healthz`) while the database is still coming up.
pub fn connect_lazy(config: &Config) -> Result<PgPool, sqlx::Error> {
    let options: PgConnectOptions = config.database_url.expose().parse()?;
    let options = options
        .application_name("evistream")
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(1))
        .options([(
            "idle_in_transaction_session_timeout",
            format!("{}s", config.db_idle_transaction_timeout.as_secs()),
        )]);
    Ok(PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(config.db_connect_timeout)
        .connect_lazy_with(options))
}

/// A description of where the pool points, without credentials, for log lines.
pub fn describe(pool: &PgPool) -> String {
    let options = pool.connect_options();
    format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("")
    )
}

/// Applies pending migrations. Concurrent callers are serialised by sqlx's
/// advisory lock, so several processes may start at once.
#[tracing::instrument(skip_all, err(Display))]
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// What `/readyz` reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Readiness {
    pub database: bool,
    /// Migrations the binary knows that the database has not applied.
    pub pending_migrations: Vec<i64>,
    pub problem: Option<String>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.database && self.pending_migrations.is_empty()
    }
}

/// Checks that the database answers and every migration of this binary is applied.
pub async fn readiness(pool: &PgPool, timeout: Duration) -> Readiness {
    let check = async {
        // `_sqlx_migrations` is sqlx's own bookkeeping table: not in our schema,
        // so this query is checked at run time rather than at compile time.
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(pool)
                .await
                .or_else(|err| match &err {
                    // The table does not exist yet: nothing applied.
                    sqlx::Error::Database(db) if db.code().as_deref() == Some("42P01") => {
                        Ok(Vec::new())
                    }
                    _ => Err(err),
                })?;
        let pending = MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .filter(|version| !applied.contains(version))
            .collect::<Vec<_>>();
        Ok::<_, sqlx::Error>(pending)
    };
    match tokio::time::timeout(timeout, check).await {
        Ok(Ok(pending)) => Readiness {
            database: true,
            problem: (!pending.is_empty()).then(|| "migrations are pending".to_owned()),
            pending_migrations: pending,
        },
        Ok(Err(err)) => Readiness {
            database: false,
            pending_migrations: Vec::new(),
            problem: Some(format!("database error: {err}")),
        },
        Err(_) => Readiness {
            database: false,
            pending_migrations: Vec::new(),
            problem: Some(format!("database did not answer within {timeout:?}")),
        },
    }
}
