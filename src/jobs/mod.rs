//! Durable background jobs with live progress.
//!
//! `api` holds the shared types and server functions, `server` the SQL of the
//! `jobs` table, `worker` the Tokio workers that claim and run jobs, `events`
//! the LISTEN/NOTIFY fan-out and the server-sent-events stream, `components`
//! the Jobs pages.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod diagnostic;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod worker;

/// Every job kind this binary can run, with its handler.
#[cfg(feature = "ssr")]
pub fn registry(
    config: &crate::config::Config,
    documents: &crate::documents::server::DocumentServices,
    extraction: &crate::extraction::run_job::ExtractionServices,
) -> worker::Registry {
    let mut registry = worker::Registry::new();
    crate::documents::server::register(&mut registry, documents);
    crate::forms::server::register(&mut registry);
    crate::extraction::run_job::register(&mut registry, extraction);
    if config.diagnostic_jobs {
        diagnostic::register(&mut registry);
    }
    registry
}
