//! The commands of the `evistream` binary.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

use crate::auth::types::{Email, Password, Role};
use crate::config::Config;
use crate::db;
use crate::jobs::events::{self, JobEvents};
use crate::jobs::worker::{WorkerSettings, Workers};
use crate::server::state::AppState;
use crate::server::{http, metrics, shutdown};

#[derive(Debug, Parser)]
#[command(
    name = "evistream",
    version,
    about = "Research-paper PDFs to a verified data set"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and run background workers (the default).
    Serve,
    /// Run background workers only, for scaling work out across processes.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an account (the first administrator, typically).
    CreateUser {
        /// Email address to sign in with.
        #[arg(long)]
        email: String,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
        /// Read the password from the first line of standard input instead of
        /// prompting (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Exit 0 when the local server answers /healthz (for container health checks).
    Healthcheck,
    /// Write brotli and gzip copies beside the built site's assets (run after
    /// `cargo leptos build`; the server sends them to browsers that accept them).
    Precompress {
        /// The built site folder (LEPTOS_SITE_ROOT, e.g. target/site).
        site: std::path::PathBuf,
    },
    /// Write a backup of the database and every stored file into DIR (new or
    /// empty) while the app keeps running; its manifest.json is written last.
    Backup {
        /// The folder to write the backup into.
        #[arg(long, value_name = "DIR")]
        to: std::path::PathBuf,
    },
    /// Load a backup into an empty instance: a blank database (as createdb
    /// makes it) and a storage holding none of the backup's files. Checks the
    /// whole backup first and changes nothing when anything is wrong.
    Restore {
        /// The folder of a backup made by `evistream backup`.
        #[arg(long, value_name = "DIR")]
        from: std::path::PathBuf,
    },
    /// Convert one PDF under resource limits and print the result as one JSON
    /// line: the isolated child the server starts for every upload.
    #[command(hide = true)]
    PdfChild {
        #[arg(long, value_enum)]
        mode: crate::documents::isolation::ChildMode,
        #[arg(long)]
        max_pages: u32,
        #[arg(long)]
        memory_mb: u64,
        #[arg(long)]
        cpu_seconds: u64,
        path: std::path::PathBuf,
    },
    /// Confine this process as a PDF child would be (its input file, TMPDIR)
    /// and report which of `paths` it can still read, whether it can write
    /// its temporary folder and open a TCP connection.
    #[command(hide = true)]
    ConfinementProbe {
        input: std::path::PathBuf,
        paths: Vec<std::path::PathBuf>,
    },
}

/// Runs a command to completion. Errors carry a message meant for the operator.
pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(config, true).await,
        Command::Worker => serve(config, false).await,
        Command::Migrate => {
            let pool = connect_and_migrate(&config).await?;
            tracing::info!(database = %db::describe(&pool), "migrations applied");
            pool.close().await;
            Ok(())
        }
        Command::CreateUser {
            email,
            admin,
            password_stdin,
        } => create_user(&config, &email, admin, password_stdin).await,
        Command::Healthcheck => healthcheck().await,
        Command::Backup { to } => {
            let storage = crate::platform::storage::Storage::from_config(&config.storage)
                .await
                .context("setting up file storage")?;
            let report = crate::system::backup::backup(&config.database_url, &storage, &to).await?;
            println!("{report}");
            Ok(())
        }
        Command::Restore { from } => {
            let storage = crate::platform::storage::Storage::from_config(&config.storage)
                .await
                .context("setting up file storage")?;
            let report =
                crate::system::backup::restore(&config.database_url, &storage, &from).await?;
            println!("{report}");
            Ok(())
        }
        Command::PdfChild {
            mode,
            max_pages,
            memory_mb,
            cpu_seconds,
            path,
        } => {
            let args = crate::documents::isolation::ChildArgs {
                mode,
                max_pages,
                memory_mb,
                cpu_seconds,
                path,
            };
            if crate::documents::isolation::child_main(&args) == std::process::ExitCode::SUCCESS {
                Ok(())
            } else {
                bail!("the PDF child failed")
            }
        }
        Command::ConfinementProbe { input, paths } => {
            if crate::documents::confine::probe_main(&input, &paths)
                == std::process::ExitCode::SUCCESS
            {
                Ok(())
            } else {
                bail!("the confinement probe failed")
            }
        }
        Command::Precompress { site } => {
            let done = crate::server::assets::precompress(&site)
                .with_context(|| format!("precompressing {}", site.display()))?;
            println!("{done}");
            Ok(())
        }
    }
}

/// GETs `/healthz` from the address this process would serve on. A raw HTTP/1.0
/// request keeps an HTTP client (and curl in the image) out of the binary.
pub async fn healthcheck() -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut addr = leptos_options()?.site_addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let answer = tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .with_context(|| format!("{addr} did not answer within 5 s"))?
        .with_context(|| format!("cannot reach {addr}"))?;
    let status_line = answer.split(|b| *b == b'\n').next().unwrap_or_default();
    if status_line.windows(5).any(|w| w == b" 200 ") {
        Ok(())
    } else {
        bail!(
            "{addr}/healthz answered {}",
            String::from_utf8_lossy(status_line).trim()
        )
    }
}

/// How long start-up waits for a database that is still coming up.
const DATABASE_WAIT: Duration = Duration::from_secs(30);

/// Connects (waiting up to [`DATABASE_WAIT`] for the server to come up) and
/// applies migrations. A failed migration stops the process.
async fn connect_and_migrate(config: &Config) -> anyhow::Result<PgPool> {
    let pool = db::connect_lazy(config).context("DATABASE_URL is not a valid PostgreSQL URL")?;
    let started = Instant::now();
    loop {
        match db::migrate(&pool).await {
            Ok(()) => return Ok(pool),
            Err(sqlx::migrate::MigrateError::Execute(
                err @ (sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)),
            )) if started.elapsed() < DATABASE_WAIT => {
                tracing::warn!(database = %db::describe(&pool), error = %err, "database not reachable yet; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(err) => bail!(
                "database migration failed on {}: {err}. The process stops so that it never runs against a schema it does not know.",
                db::describe(&pool)
            ),
        }
    }
}

/// Leptos's runtime options: `Leptos.toml` in the working directory when
/// present, with `LEPTOS_*` variables overriding it.
fn leptos_options() -> anyhow::Result<LeptosOptions> {
    let file = std::path::Path::new("Leptos.toml");
    let conf = if file.exists() {
        leptos::config::get_configuration(Some("Leptos.toml"))
    } else {
        leptos::config::get_configuration(None)
    }
    .context("reading Leptos.toml / LEPTOS_* settings")?;
    Ok(conf.leptos_options)
}

async fn serve(config: Config, with_web: bool) -> anyhow::Result<()> {
    // Other processes of this user may not read this one's memory or
    // /proc/<pid>/environ (database URL, keys); PDF children are confined too.
    if let Err(err) = nix::sys::prctl::set_dumpable(false) {
        tracing::warn!(error = %err, "could not make the process non-dumpable");
    }
    let pool = connect_and_migrate(&config).await?;
    let shutdown = shutdown::on_signal();
    let metrics = metrics::handle();
    crate::extraction::llm::describe_metrics();

    let config = Arc::new(config);
    crate::auth::session::spawn_expired_deletion(pool.clone());
    let storage = crate::platform::storage::Storage::from_config(&config.storage)
        .await
        .context("setting up file storage")?;
    tracing::info!(storage = %storage.describe(), "file storage ready");
    crate::server::wiring::spawn_pruning(pool.clone(), storage.clone(), config.job_retention);
    let child_exe = std::env::current_exe().context("locating this program for PDF children")?;
    let documents = crate::documents::server::DocumentServices::new(&config, storage, child_exe);
    let extraction = crate::extraction::run_job::ExtractionServices::from_config(&config)
        .map_err(|reason| anyhow::anyhow!("setting up the language model client: {reason}"))?;
    let job_events = JobEvents::new();
    events::spawn_listener(pool.clone(), job_events.clone(), shutdown.clone());
    let workers = Workers::spawn(
        pool.clone(),
        crate::server::wiring::registry(&config, &documents, &extraction),
        WorkerSettings::new(config.worker_concurrency, config.job_stale_after),
        job_events.wake_workers.clone(),
        job_events.running.clone(),
        shutdown.clone(),
    );

    if with_web {
        let leptos_options = leptos_options()?;
        let addr: SocketAddr = leptos_options.site_addr;
        let token_keys = crate::auth::tokens::TokenKeys::load(
            &pool,
            config.token_secret.as_ref().map(|secret| secret.expose()),
        )
        .await
        .context("loading the API token signing key")?;
        let state = AppState {
            platform: crate::platform::Platform {
                token_keys,
                leptos_options,
                config: config.clone(),
                db: pool.clone(),
                metrics,
                job_events,
                shutdown: shutdown.clone(),
            },
            documents,
            ask: crate::ask::written::AskServices::new(extraction.client()),
        };
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("cannot listen on {addr} (set LEPTOS_SITE_ADDR to another address)")
        })?;
        tracing::info!(%addr, database = %db::describe(&pool), "serving http://{addr}");
        let header_read_timeout = config.header_read_timeout;
        crate::server::listen::serve(
            listener,
            http::router(state),
            header_read_timeout,
            shutdown.clone(),
        )
        .await;
    } else {
        tracing::info!(database = %db::describe(&pool), "running workers only");
        shutdown.cancelled().await;
    }

    // Workers get the grace period to finish the job they are in.
    workers.stop(config.shutdown_grace).await;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn create_user(
    config: &Config,
    email: &str,
    admin: bool,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|err| anyhow::anyhow!("--email: {err}"))?;
    let raw = if password_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ").context("reading the password")?;
        let second =
            rpassword::prompt_password("Repeat password: ").context("reading the password")?;
        if first != second {
            bail!("the two passwords differ; nothing was created");
        }
        first
    };
    let password = Password::parse(&raw).map_err(|err| anyhow::anyhow!("{err}"))?;
    let role = if admin { Role::Admin } else { Role::User };

    let pool = connect_and_migrate(config).await?;
    let result = crate::auth::server::create_user(&pool, &email, &password, role).await;
    pool.close().await;
    let id = result.map_err(|err| anyhow::anyhow!("{err}"))?;
    eprintln!(
        "created {} account {} ({id})",
        role.as_str(),
        email.as_str()
    );
    Ok(())
}
