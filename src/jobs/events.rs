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
use uuid::Uuid;

use super::api::{JobStatus, JobUpdate};
use super::worker::RunningJobs;
use crate::auth::types::Role;
use crate::error::AppError;
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

/// Which updates one signed-in browser may receive, by the rule of
/// `server::list_visible`: jobs of projects the user owns or is a member of,
/// the user's own jobs outside any project; everything for admins.
struct Audience {
    user: Uuid,
    admin: bool,
    projects: Vec<Uuid>,
}

impl Audience {
    fn admits(&self, update: &JobUpdate) -> bool {
        self.admin
            || match update.project_id {
                Some(project) => self.projects.contains(&project),
                None => update.owner_id == Some(self.user),
            }
    }
}

/// How often a connected stream re-checks its session and memberships.
const STREAM_RECHECK: Duration = Duration::from_secs(5);

/// The state of one connected stream between events.
struct Streaming {
    receiver: broadcast::Receiver<Published>,
    shutdown: CancellationToken,
    audience: Audience,
    db: PgPool,
    check: crate::auth::session::SessionCheck,
    recheck: tokio::time::Interval,
    /// Set after the last event (`signed_out`): the stream ends next.
    ended: bool,
}

/// `GET /api/jobs/events`: the server-sent-events stream of job updates for
/// the signed-in user. Event `job` carries a `JobUpdate`; event `resync` tells
/// the page to re-read.
pub async fn stream(
    State(state): State<AppState>,
    session: tower_sessions::Session,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let user = crate::auth::session::user(&session, &state.db, &state.config)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let check = crate::auth::session::SessionCheck::of(&session)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let audience = Audience {
        user: user.id,
        admin: user.role == Role::Admin,
        projects: super::server::visible_project_ids(&state.db, user.id).await?,
    };
    let receiver = state.job_events.sender.subscribe();
    let mut recheck = tokio::time::interval(STREAM_RECHECK);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    recheck.reset();
    let context = Streaming {
        receiver,
        shutdown: state.shutdown.clone(),
        audience,
        db: state.db.clone(),
        check,
        recheck,
        ended: false,
    };
    let events = futures::stream::unfold(context, |mut context| async move {
        if context.ended {
            return None;
        }
        let Streaming {
            receiver,
            shutdown,
            audience,
            db,
            check,
            recheck,
            ..
        } = &mut context;
        loop {
            let event = tokio::select! {
                // A due re-check goes first: no event is forwarded under
                // rights the session may have lost meanwhile.
                biased;
                _ = recheck.tick() => {
                    // Signed out, deactivated, password changed, unshared:
                    // what the stream may carry is decided again.
                    match check.holds(db).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::info!(user = %audience.user, "job event stream ended: the session no longer holds");
                            context.ended = true;
                            let event = Event::default().event("signed_out").data("");
                            return Some((Ok(event), context));
                        }
                        Err(err) => tracing::warn!(error = %err, "job event stream could not re-check its session"),
                    }
                    if let Ok(projects) = super::server::visible_project_ids(db, audience.user).await {
                        audience.projects = projects;
                    }
                    continue;
                }
                received = receiver.recv() => match received {
                    Ok(Published::Update(update)) if audience.admits(&update) => Event::default()
                        .event("job")
                        .json_data(&update)
                        .unwrap_or_else(|_| Event::default().event("resync").data("")),
                    Ok(Published::Update(_)) => continue,
                    Ok(Published::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        // Memberships may have changed too: read them again.
                        if let Ok(projects) = super::server::visible_project_ids(db, audience.user).await {
                            audience.projects = projects;
                        }
                        Event::default().event("resync").data("")
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                // Ends the stream so graceful shutdown is not held open by browsers.
                _ = shutdown.cancelled() => return None,
            };
            return Some((Ok(event), context));
        }
    });
    metrics::counter!("job_event_streams_opened_total").increment(1);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
