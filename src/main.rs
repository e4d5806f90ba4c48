//! The `evistream` binary: parses the command line and the configuration, then
//! hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use evistream::config::Config;
use evistream::server::cli::{Cli, Command, run};
use evistream::server::telemetry;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The PDF child is started by the server for each upload; it needs no
    // configuration or telemetry, and its stdout carries only its JSON answer.
    // It runs before any runtime thread exists: its confinement (Landlock)
    // binds the thread that sets it and the threads and programs it starts,
    // so no thread may be left unconfined.
    match cli.command {
        Some(Command::PdfChild {
            mode,
            max_pages,
            memory_mb,
            cpu_seconds,
            path,
        }) => {
            return evistream::documents::isolation::child_main(
                &evistream::documents::isolation::ChildArgs {
                    mode,
                    max_pages,
                    memory_mb,
                    cpu_seconds,
                    path,
                },
            );
        }
        Some(Command::ConfinementProbe { input, paths }) => {
            return evistream::documents::confine::probe_main(&input, &paths);
        }
        // A build step: needs no configuration, database or runtime.
        Some(Command::Precompress { site }) => {
            return match evistream::server::assets::precompress(&site) {
                Ok(done) => {
                    println!("{done}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("evistream precompress {}: {err}", site.display());
                    ExitCode::FAILURE
                }
            };
        }
        _ => {}
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("evistream: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async_main(cli))
}

async fn async_main(cli: Cli) -> ExitCode {
    // The container health check must work without the app's configuration.
    if let Some(Command::Healthcheck) = cli.command {
        return match evistream::server::cli::healthcheck().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("unhealthy: {err:#}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("evistream: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %format!("{err:#}"), "evistream stopped with an error");
            eprintln!("evistream: {err:#}");
            ExitCode::FAILURE
        }
    }
}
