//! Accounts. For now: the account types and creating accounts from the command
//! line (`evistream create-user --admin`). Sign-in, sessions and roles in the
//! web app build on this.

pub mod types;

#[cfg(feature = "ssr")]
pub mod server;
