//! The demo: three fictional trial reports generated as PDFs (`reports`) and
//! the project that holds them (`server`, `api`), so a newcomer sees upload →
//! conversion → search → extraction without hunting for papers. Builds on
//! documents (ingest) and projects (create).

pub mod api;

#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod server;
