//! Documents: PDF upload, storage, conversion to page-anchored text, and search.
//!
//! `pdf_text` turns PDF bytes into text per page (server only, run inside the
//! isolated child of `isolation`).

#[cfg(feature = "ssr")]
pub mod confine;
#[cfg(feature = "ssr")]
pub mod isolation;
#[cfg(feature = "ssr")]
pub mod pdf_text;

pub mod api;
pub mod components;
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;
