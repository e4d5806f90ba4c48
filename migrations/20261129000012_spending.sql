-- LLM spending: every request to the model is recorded with what it cost and
-- what it was for; owners set a monthly budget per project, admins one for the
-- instance. See spending::server for how a request reserves its share first.

-- One row per call to the model. A call in flight holds a reservation: its
-- estimated ceiling, so that concurrent calls cannot together pass a budget;
-- when it ends the row holds what it really cost. A reservation left by a
-- process that died is ignored once it is older than any call can last.
CREATE TABLE llm_usage (
    id          bigserial PRIMARY KEY,
    -- Kept when the project goes: the instance's month still spent it.
    project_id  uuid REFERENCES projects (id) ON DELETE SET NULL,
    run_id      uuid REFERENCES extraction_runs (id) ON DELETE SET NULL,
    question_id uuid REFERENCES questions (id) ON DELETE SET NULL,
    user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    -- extraction | question
    purpose     text NOT NULL,
    model       text NOT NULL,
    tokens_in   bigint NOT NULL DEFAULT 0,
    tokens_out  bigint NOT NULL DEFAULT 0,
    cost_usd    double precision NOT NULL DEFAULT 0,
    reserved    boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT llm_usage_purpose_known CHECK (purpose IN ('extraction', 'question')),
    CONSTRAINT llm_usage_amounts CHECK (tokens_in >= 0 AND tokens_out >= 0 AND cost_usd >= 0)
);
CREATE INDEX llm_usage_project_time ON llm_usage (project_id, created_at);
CREATE INDEX llm_usage_time ON llm_usage (created_at);
CREATE INDEX llm_usage_run ON llm_usage (run_id) WHERE run_id IS NOT NULL;

-- NULL: no budget. Per calendar month (UTC).
ALTER TABLE projects ADD COLUMN monthly_budget_usd double precision
    CHECK (monthly_budget_usd IS NULL OR monthly_budget_usd >= 0);

-- Settings of the whole instance; one row.
CREATE TABLE instance_settings (
    id                 boolean PRIMARY KEY DEFAULT true CHECK (id),
    monthly_budget_usd double precision
        CHECK (monthly_budget_usd IS NULL OR monthly_budget_usd >= 0),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
INSERT INTO instance_settings (id) VALUES (true);

-- Each warning threshold (50, 75, 90, 100 % of a budget) is announced once
-- per budget and month: the audit log gets one line, not one per request.
-- scope: 'instance' or the project's id.
CREATE TABLE budget_alerts (
    scope      text NOT NULL,
    month      date NOT NULL,
    threshold  integer NOT NULL CHECK (threshold IN (50, 75, 90, 100)),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, month, threshold)
);

-- A run that stopped because a budget was spent; resumable once it is raised.
ALTER TABLE extraction_runs DROP CONSTRAINT extraction_runs_status_known;
ALTER TABLE extraction_runs ADD CONSTRAINT extraction_runs_status_known
    CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled',
                      'budget_reached'));

-- A written (LLM) answer is generated after the question is kept: it is
-- 'answering' until the model has finished, then 'answered' or 'failed'.
ALTER TABLE questions ADD COLUMN status text NOT NULL DEFAULT 'answered'
    CHECK (status IN ('answering', 'answered', 'failed'));
ALTER TABLE questions ADD COLUMN error text;
