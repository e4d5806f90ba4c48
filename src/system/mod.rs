//! The running system itself: its status for users (`api`, `components`) and
//! for operators (`server`: /healthz, /readyz, /metrics; `backup`: the
//! `backup` and `restore` commands).

pub mod api;
#[cfg(feature = "ssr")]
pub mod backup;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
