//! Live job updates. A database trigger NOTIFYs channel `evistream_jobs` on
//! every change of a job's state or progress; each process LISTENs once and
//! fans the updates out to (a) its idle workers, woken when a job is queued,
//! (b) its running jobs, cancelled at once when asked, and (c) the browsers
//! connected to the server-sent-events stream.
//!
//! Server-sent events rather than a websocket: updates flow one way, the
//! browser's `EventSource` reconnects by itself, and it is plain HTTP through
//! any proxy. After every (re)connection the page re-reads the job list, so
//! updates missed while disconnected never leave a stale bar.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

use super::api::{JobStatus, JobUpdate};
use super::worker::RunningJobs;
use crate::server::state::AppState;

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

/// `GET /api/jobs/events`: the server-sent-events stream of job updates.
/// Event `job` carries a `JobUpdate`; event `resync` tells the page to re-read.
pub async fn stream(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.job_events.sender.subscribe();
    let shutdown = state.shutdown.clone();
    let events = futures::stream::unfold(
        (receiver, shutdown),
        |(mut receiver, shutdown)| async move {
            let event = tokio::select! {
                received = receiver.recv() => match received {
                    Ok(Published::Update(update)) => Event::default()
                        .event("job")
                        .json_data(&update)
                        .unwrap_or_else(|_| Event::default().event("resync").data("")),
                    Ok(Published::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        Event::default().event("resync").data("")
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                // Ends the stream so graceful shutdown is not held open by browsers.
                _ = shutdown.cancelled() => return None,
            };
            Some((Ok(event), (receiver, shutdown)))
        },
    );
    metrics::counter!("job_event_streams_opened_total").increment(1);
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
