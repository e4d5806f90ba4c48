//! The running system itself: its status for users (`api`, `components`) and
//! for operators (`server`: /healthz, /readyz, /metrics).

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
