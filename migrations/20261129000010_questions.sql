-- Questions asked of a project's documents, and the answers given, kept so
-- that viewers can read them and anyone can ask again.
CREATE TABLE questions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    asked_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    question      text NOT NULL,
    -- The documents asked about; empty = the whole project.
    document_ids  uuid[] NOT NULL DEFAULT '{}',
    -- passages (offline, extractive) or an LLM's written answer.
    mode          text NOT NULL,
    model         text NOT NULL DEFAULT '',
    -- ask::api::Passage list (and, later, the written answer and citations).
    answer        jsonb NOT NULL,
    tokens_in     integer NOT NULL DEFAULT 0,
    tokens_out    integer NOT NULL DEFAULT 0,
    cost_usd      double precision NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT questions_mode_known CHECK (mode IN ('passages', 'llm'))
);
CREATE INDEX questions_project ON questions (project_id, created_at DESC);
