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
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use sqlx::PgPool;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::api::JobUpdate;
use crate::auth::types::Role;
use crate::error::AppError;
use crate::platform::Platform;
pub use crate::platform::jobs::events::{CHANNEL, JobEvents, Published, spawn_listener};

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
    State(state): State<Platform>,
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
