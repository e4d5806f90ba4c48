//! Periodic work in the browser (a no-op during server rendering).

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Calls `tick` every `ms` milliseconds while the calling component lives.
pub fn every(ms: u64, tick: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_millis(ms)) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ms, tick);
    }
}
