-- Evaluation: gold standards (from a CSV or a run's reviewed values) and the
-- stored results of scoring a run against one.

CREATE TABLE gold_standards (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id     uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    -- Gold values are addressed by the form's field paths.
    form_id        uuid NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    name           text NOT NULL,
    source         text NOT NULL,
    source_run_id  uuid REFERENCES extraction_runs (id) ON DELETE SET NULL,
    -- The column mapping a CSV was read with (NULL for a run's reviewed values).
    mapping        jsonb,
    -- evaluation::standard::GoldStandard
    standard       jsonb NOT NULL,
    value_count    integer NOT NULL,
    created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT gold_standards_source_known CHECK (source IN ('csv', 'run'))
);
CREATE INDEX gold_standards_project ON gold_standards (project_id, created_at DESC);

CREATE TABLE evaluations (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id         uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    run_id             uuid NOT NULL REFERENCES extraction_runs (id) ON DELETE CASCADE,
    gold_standard_id   uuid NOT NULL REFERENCES gold_standards (id) ON DELETE CASCADE,
    -- Scored with reviewers' corrections applied, or as extracted.
    reviewed           boolean NOT NULL,
    settings           jsonb NOT NULL,
    -- evaluation::metrics::Evaluation
    result             jsonb NOT NULL,
    accuracy           double precision,
    verified_accuracy  double precision,
    created_by         uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evaluations_project ON evaluations (project_id, created_at DESC);
