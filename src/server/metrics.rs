//! The process-wide Prometheus recorder.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// How often histogram samples are drained into their buckets.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Latency buckets in seconds: fine below 100 ms where pages should be, coarse above.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the recorder on first call and returns its handle. Safe to call
/// more than once (tests build several apps in one process).
///
/// The first call also starts the upkeep: histograms keep every sample until
/// upkeep drains them, so an app without it grows with every request (the
/// soak bench once measured exactly that). Starting it here means no app can
/// forget it; a plain thread, because the first call may come before any
/// Tokio runtime exists or from a test's runtime that ends with the test.
pub fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("_duration_seconds".to_owned()),
                    LATENCY_BUCKETS,
                )
                .expect("latency buckets are a non-empty constant")
                .build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder was installed first, in which case
            // our handle renders nothing but nothing breaks.
            let _ = metrics::set_global_recorder(recorder);
            let upkept = handle.clone();
            let started = std::thread::Builder::new()
                .name("metrics-upkeep".to_owned())
                .spawn(move || loop {
                    std::thread::sleep(UPKEEP_INTERVAL);
                    upkept.run_upkeep();
                });
            if let Err(err) = started {
                tracing::warn!(error = %err, "could not start the metrics upkeep; histogram samples will accumulate");
            }
            handle
        })
        .clone()
}

#[cfg(test)]
mod tests {
    /// Any app that asks for the handle gets the upkeep with it: the thread
    /// runs in this process, under its name, after the first call.
    ///
    /// A new thread names itself once it runs, a moment after `spawn`
    /// returns, so the test looks again until it appears (a failure takes
    /// ten seconds to report; a pass takes microseconds).
    #[test]
    fn the_first_handle_starts_the_upkeep_thread() {
        let _ = super::handle();
        let _ = super::handle();
        let upkeep_threads = || {
            std::fs::read_dir("/proc/self/task")
                .expect("Linux /proc")
                .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
                .filter(|name| name.trim() == "metrics-upkeep")
                .count()
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut found = upkeep_threads();
        while found == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
            found = upkeep_threads();
        }
        assert_eq!(found, 1);
    }
}
