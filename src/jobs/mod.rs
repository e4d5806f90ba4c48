//! The Jobs pages: who may see which job, cancel and retry, live progress.
//!
//! `api` holds the shared types and server functions, `server` the SQL that
//! lists, shows, cancels and retries jobs for a caller, `events` the
//! server-sent-events stream, `components` the pages, `diagnostic` a job kind
//! for trying the queue. The engine itself (queue, workers, fan-out) is
//! `platform::jobs`; it knows no feature.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod diagnostic;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod server;
/// The engine lives in the platform; this path stays for the job kinds.
#[cfg(feature = "ssr")]
pub use crate::platform::jobs::worker;
