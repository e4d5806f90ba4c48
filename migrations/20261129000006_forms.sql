-- Extraction forms, their versions and extraction plans.

-- Whether a generated plan waits for a person to review it before it becomes
-- active (the default), or becomes active as soon as it is generated.
ALTER TABLE projects ADD COLUMN require_plan_review boolean NOT NULL DEFAULT true;

CREATE TABLE forms (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id  uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX forms_project ON forms (project_id, created_at DESC);

-- A version freezes a form definition (the JSON of forms::model::FormDefinition)
-- once a run has used it; until then the latest version is edited in place.
CREATE TABLE form_versions (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    form_id        uuid NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    version        integer NOT NULL,
    definition     jsonb NOT NULL,
    -- What changed against the previous version, one line per change.
    change_summary text[] NOT NULL DEFAULT '{}',
    plan_status    text NOT NULL DEFAULT 'draft',
    -- forms::plan::ExtractionPlan as JSON, once generated.
    plan           jsonb,
    plan_error     text,
    -- Written feedback for the next generation of the plan.
    plan_feedback  text NOT NULL DEFAULT '',
    -- The plan job that owns plan_status now; an older one cannot overwrite it.
    plan_job       uuid,
    created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT form_versions_plan_status_known
        CHECK (plan_status IN ('draft', 'generating', 'awaiting_review', 'active', 'failed')),
    CONSTRAINT form_versions_form_version_key UNIQUE (form_id, version)
);
