//! The platform: what every feature builds on, knowing no feature.
//!
//! The platform is this folder (the services every request can reach, file
//! storage, the client's address) and the crate's other feature-free modules:
//! `config`, `db`, `error`, `text`, `ui` and the job engine `jobs::worker`.
//! None of them imports a feature or the wiring (`server`, `app`); features
//! import the platform, and `server/` and `app/` alone know every feature and
//! wire them together. `scripts/check-layers` enforces this in `scripts/test`.

pub mod jobs;

#[cfg(feature = "ssr")]
pub mod client_addr;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod storage;

#[cfg(feature = "ssr")]
mod services;

#[cfg(feature = "ssr")]
pub use services::{Platform, platform};
