//! Projects: the unit of ownership and sharing. Everything users upload,
//! define and extract lives in a project.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
