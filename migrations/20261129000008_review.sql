-- Review: a person's verdict on each extracted value, and every change kept.
--
-- The extractor's own columns of extracted_values are never written again:
-- the reviewed_* columns hold the value as reviewed (what the grid shows and
-- the exports use), and value_reviews keeps each change with the value before
-- and after it. `revision` counts the changes of a cell, so a reviewer who
-- acted on an older revision is told rather than silently overwriting.
ALTER TABLE extracted_values
    ADD COLUMN review_status          text,
    ADD COLUMN reviewed_value         jsonb,
    ADD COLUMN reviewed_not_reported  boolean,
    ADD COLUMN reviewed_quote         text,
    ADD COLUMN reviewed_page          integer,
    ADD COLUMN reviewed_char_start    integer,
    ADD COLUMN reviewed_char_end      integer,
    ADD COLUMN reviewed_grounded      boolean,
    ADD COLUMN reviewed_supported     boolean,
    ADD COLUMN reviewed_by            uuid REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN reviewed_at            timestamptz,
    ADD COLUMN revision               integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT extracted_values_review_status_known
        CHECK (review_status IN ('accepted', 'corrected', 'not_reported'));

CREATE TABLE value_reviews (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    value_id           bigint NOT NULL REFERENCES extracted_values (id) ON DELETE CASCADE,
    run_id             uuid NOT NULL REFERENCES extraction_runs (id) ON DELETE CASCADE,
    document_id        uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    -- The cell's revision after this change (1 for the first).
    revision           integer NOT NULL,
    action             text NOT NULL,
    old_value          jsonb,
    old_not_reported   boolean NOT NULL,
    old_quote          text,
    old_page           integer,
    new_value          jsonb,
    new_not_reported   boolean NOT NULL,
    new_quote          text,
    new_page           integer,
    reason             text NOT NULL DEFAULT '',
    reviewer_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    -- Kept as it was, so the trail still names a reviewer whose account is gone.
    reviewer_email     text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT value_reviews_action_known
        CHECK (action IN ('accept', 'correct', 'not_reported', 'quote')),
    CONSTRAINT value_reviews_value_revision_key UNIQUE (value_id, revision)
);
CREATE INDEX value_reviews_run ON value_reviews (run_id, document_id);
