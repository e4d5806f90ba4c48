//! Server-side plumbing: state, HTTP stack, telemetry, shutdown, and the
//! commands of the binary.

pub mod assets;
pub mod cli;
pub mod http;
pub mod listen;
pub mod metrics;
pub mod security;
pub mod shutdown;
pub mod state;
pub mod telemetry;
pub mod wiring;
