//! The job engine: a durable queue in PostgreSQL (`queue`), the Tokio workers
//! that claim and run jobs under a contract each job kind registers
//! (`worker`), and the fan-out of their live updates (`events`). The engine
//! names no job kind: features register theirs, the wiring (`server::wiring`)
//! hands the registry to the workers.

pub mod model;

#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod worker;
