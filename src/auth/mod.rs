//! Accounts. For now: the account types and creating accounts from the command
//! line (`evistream create-user --admin`). Sign-in, sessions and roles in the
//! web app build on this.

pub mod api;
pub mod components;
pub mod next;
pub mod token_api;
pub mod types;

#[cfg(feature = "ssr")]
pub mod authz;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod tokens;
