-- API tokens carry a scope: read-only tokens call only the server functions
-- that read (auth::tokens::READ_ONLY_ENDPOINTS). Tokens signed before this
-- migration carry no audience claim and no longer verify: create them anew.
ALTER TABLE api_tokens
    ADD COLUMN scope text NOT NULL DEFAULT 'read_write'
        CHECK (scope IN ('read_only', 'read_write'));

-- What a job works on ("document:<id>"): at most one live job of a kind per
-- subject, so two "Convert again" clicks, or a retry beside a new job, cannot
-- queue the same work twice.
ALTER TABLE jobs ADD COLUMN subject text;
CREATE UNIQUE INDEX jobs_live_subject ON jobs (kind, subject)
    WHERE subject IS NOT NULL AND status IN ('queued', 'running');

-- A job that ended for good without its handler seeing the end (cancelled
-- while queued, or failed after its last worker died) until a worker has run
-- its kind's end-of-job hook (e.g. the document is marked failed).
ALTER TABLE jobs ADD COLUMN end_unsettled boolean NOT NULL DEFAULT false;
CREATE INDEX jobs_end_unsettled ON jobs (kind) WHERE end_unsettled;
-- Conversions already stranded that way are settled by the hook too.
UPDATE jobs SET end_unsettled = true
    WHERE kind = 'documents.convert' AND status = 'cancelled' AND started_at IS NULL;

-- Pruning finished jobs by age.
CREATE INDEX jobs_finished_at ON jobs (finished_at)
    WHERE status IN ('succeeded', 'failed', 'cancelled');

-- Sign-in throttling counts failures per account and address together.
CREATE INDEX IF NOT EXISTS sign_in_attempts_email_client ON sign_in_attempts (email, client_addr, at);

-- What a job works on, in words and as a link, set by the feature that
-- queues it ("Convert “trial.pdf”" → the document's page), so the Jobs page
-- names the work rather than its kind.
ALTER TABLE jobs ADD COLUMN title text;
ALTER TABLE jobs ADD COLUMN link text;
