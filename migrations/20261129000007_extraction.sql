-- Extraction runs: a form version applied to documents by an extractor; the
-- answers of every step and the grounded values taken from them.

-- Bumped by every conversion that replaces a document's pages: a value keeps
-- the text version it was grounded against, so a reconverted document's older
-- values are known to be stale.
ALTER TABLE documents ADD COLUMN text_version integer NOT NULL DEFAULT 0;

CREATE TABLE extraction_runs (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id       uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    form_version_id  uuid NOT NULL REFERENCES form_versions (id) ON DELETE RESTRICT,
    extractor        text NOT NULL,
    model            text NOT NULL DEFAULT '',
    status           text NOT NULL DEFAULT 'queued',
    job_id           uuid,
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    CONSTRAINT extraction_runs_extractor_known CHECK (extractor IN ('offline', 'openai')),
    CONSTRAINT extraction_runs_status_known
        CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'))
);
CREATE INDEX extraction_runs_project ON extraction_runs (project_id, created_at DESC);
CREATE INDEX extraction_runs_form_version ON extraction_runs (form_version_id);

-- The documents of a run, with the entries seeded for them (sub-form key →
-- list of entries with known child values), if any.
CREATE TABLE run_documents (
    run_id       uuid NOT NULL REFERENCES extraction_runs (id) ON DELETE CASCADE,
    document_id  uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seeds        jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, document_id)
);

-- One row per finished (or failed) step of one document: written in the same
-- transaction as the step's values, so a restarted run skips exactly these.
CREATE TABLE run_steps (
    run_id         uuid NOT NULL REFERENCES extraction_runs (id) ON DELETE CASCADE,
    document_id    uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    step_key       text NOT NULL,
    status         text NOT NULL,
    error          text,
    -- The extractor's answer as it came (for an LLM: the parsed JSON).
    raw_answer     jsonb,
    -- The chunks the step was given (chunk_index of document_chunks).
    context_chunks integer[] NOT NULL DEFAULT '{}',
    tokens_in      integer NOT NULL DEFAULT 0,
    tokens_out     integer NOT NULL DEFAULT 0,
    cost_usd       double precision NOT NULL DEFAULT 0,
    duration_ms    integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, document_id, step_key),
    CONSTRAINT run_steps_status_known CHECK (status IN ('done', 'failed'))
);

CREATE TABLE extracted_values (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id           uuid NOT NULL REFERENCES extraction_runs (id) ON DELETE CASCADE,
    document_id      uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    form_version_id  uuid NOT NULL REFERENCES form_versions (id) ON DELETE RESTRICT,
    step_key         text NOT NULL,
    -- Key path with entry indexes, e.g. comparisons[2].intervention_events.
    field_path       text NOT NULL,
    value            jsonb,
    not_reported     boolean NOT NULL,
    quote            text,
    page             integer,
    char_start       integer,
    char_end         integer,
    grounded         boolean NOT NULL DEFAULT false,
    supported        boolean NOT NULL DEFAULT false,
    confidence       real NOT NULL DEFAULT 0,
    -- Given by the user as a seeded entry's identifying value, not extracted.
    seeded           boolean NOT NULL DEFAULT false,
    derivation       jsonb,
    extractor        text NOT NULL,
    model            text NOT NULL DEFAULT '',
    text_version     integer NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT extracted_values_run_document_path_key UNIQUE (run_id, document_id, field_path)
);
CREATE INDEX extracted_values_run ON extracted_values (run_id, document_id);
