//! The fan-out of job updates: every process LISTENs on one PostgreSQL
//! channel; each update reaches this process's event streams (broadcast) and
//! wakes its idle workers when new work is queued.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

use super::model::{JobStatus, JobUpdate};
use super::worker::RunningJobs;

pub const CHANNEL: &str = "evistream_jobs";

/// What the listener publishes inside the process.
#[derive(Debug, Clone)]
pub enum Published {
    Update(JobUpdate),
    /// Updates may have been lost (the listener reconnected): re-read state.
    Resync,
}

/// The in-process side of the fan-out.
#[derive(Clone)]
pub struct JobEvents {
    pub sender: broadcast::Sender<Published>,
    pub wake_workers: Arc<Notify>,
    pub running: RunningJobs,
}

impl JobEvents {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(1024);
        JobEvents {
            sender,
            wake_workers: Arc::new(Notify::new()),
            running: RunningJobs::default(),
        }
    }
}

impl Default for JobEvents {
    fn default() -> Self {
        Self::new()
    }
}

/// Listens until `shutdown`, reconnecting after errors.
pub fn spawn_listener(pool: PgPool, events: JobEvents, shutdown: CancellationToken) {
    tokio::spawn(async move {
        loop {
            let listener = async {
                let mut listener = PgListener::connect_with(&pool).await?;
                listener.listen(CHANNEL).await?;
                Ok::<_, sqlx::Error>(listener)
            };
            let mut listener = tokio::select! {
                result = listener => match result {
                    Ok(listener) => listener,
                    Err(err) => {
                        tracing::warn!(error = %err, "cannot LISTEN for job updates; retrying in 2 s");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        continue;
                    }
                },
                _ = shutdown.cancelled() => return,
            };
            // Anything that happened before this connection is unknown to us.
            let _ = events.sender.send(Published::Resync);
            events.wake_workers.notify_waiters();
            loop {
                let notification = tokio::select! {
                    n = listener.try_recv() => n,
                    _ = shutdown.cancelled() => return,
                };
                match notification {
                    Ok(Some(notification)) => dispatch(&events, notification.payload()),
                    // The connection dropped; try_recv reconnects on the next call.
                    Ok(None) => {
                        let _ = events.sender.send(Published::Resync);
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "job update listener failed; reconnecting");
                        break;
                    }
                }
            }
        }
    });
}

fn dispatch(events: &JobEvents, payload: &str) {
    let update: JobUpdate = match serde_json::from_str(payload) {
        Ok(update) => update,
        Err(err) => {
            tracing::warn!(error = %err, payload, "unreadable job notification");
            return;
        }
    };
    if update.status == JobStatus::Queued {
        events.wake_workers.notify_waiters();
    }
    if update.cancel_requested && update.status == JobStatus::Running {
        events.running.cancel(update.id);
    }
    // No receivers is normal (no browser connected).
    let _ = events.sender.send(Published::Update(update));
}
