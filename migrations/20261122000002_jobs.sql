-- The durable background job queue. Workers in any process claim queued rows
-- with FOR UPDATE SKIP LOCKED, heartbeat while running, and a row whose
-- heartbeat went stale (its process died) is claimed again by another worker.
CREATE TABLE jobs (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind             text NOT NULL,
    payload          jsonb NOT NULL DEFAULT '{}'::jsonb,
    status           text NOT NULL DEFAULT 'queued',
    progress         smallint NOT NULL DEFAULT 0,
    progress_message text,
    done_count       integer,
    total_count      integer,
    attempts         integer NOT NULL DEFAULT 0,
    max_attempts     integer NOT NULL DEFAULT 5,
    run_after        timestamptz NOT NULL DEFAULT now(),
    locked_by        text,
    heartbeat_at     timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    last_error       text,
    owner_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    project_id       uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_status_known CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT jobs_progress_range CHECK (progress BETWEEN 0 AND 100),
    CONSTRAINT jobs_attempts_range CHECK (max_attempts >= 1 AND attempts >= 0)
);

-- What workers scan: only queued and running rows, so finished history costs nothing.
CREATE INDEX jobs_claimable ON jobs (run_after) WHERE status = 'queued';
CREATE INDEX jobs_running ON jobs (heartbeat_at) WHERE status = 'running';
CREATE INDEX jobs_owner_created ON jobs (owner_id, created_at DESC);
CREATE INDEX jobs_project_created ON jobs (project_id, created_at DESC);

-- The log of a job's steps, shown on its detail page.
CREATE TABLE job_events (
    id         bigserial PRIMARY KEY,
    job_id     uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT now(),
    level      text NOT NULL DEFAULT 'info',
    message    text NOT NULL,
    CONSTRAINT job_events_level_known CHECK (level IN ('info', 'warn', 'error'))
);
CREATE INDEX job_events_job ON job_events (job_id, id);

-- Every change of state or progress is announced on channel `evistream_jobs`,
-- whichever code path made it, so each app process can push it to browsers.
-- The payload stays far below NOTIFY's 8000-byte limit.
CREATE FUNCTION jobs_notify() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT'
       OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.progress IS DISTINCT FROM OLD.progress
       OR NEW.progress_message IS DISTINCT FROM OLD.progress_message
       OR NEW.done_count IS DISTINCT FROM OLD.done_count
       OR NEW.cancel_requested IS DISTINCT FROM OLD.cancel_requested THEN
        PERFORM pg_notify('evistream_jobs', json_build_object(
            'id', NEW.id,
            'status', NEW.status,
            'progress', NEW.progress,
            'message', left(NEW.progress_message, 200),
            'done', NEW.done_count,
            'total', NEW.total_count,
            'cancel_requested', NEW.cancel_requested,
            'owner_id', NEW.owner_id,
            'project_id', NEW.project_id,
            'sent_at_us', (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
        )::text);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_notify AFTER INSERT OR UPDATE ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobs_notify();
