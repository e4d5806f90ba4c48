//! Administration: accounts and their roles, deactivation, the audit log of
//! security events. Only admins reach any of it (`Action::Administer`).

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
