-- Sign-in state that outlives a process: a per-user session epoch (bumped to
-- end every session of a user at once), projects with members, sign-in attempts
-- for throttling, and the audit log of security events.
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

CREATE TABLE projects (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200)
);
CREATE INDEX projects_owner ON projects (owner_id);

CREATE TABLE project_members (
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id),
    CONSTRAINT project_members_role_known CHECK (role IN ('editor', 'viewer'))
);
CREATE INDEX project_members_user ON project_members (user_id);

ALTER TABLE jobs ADD CONSTRAINT jobs_project_fkey
    FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;

CREATE TABLE sign_in_attempts (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL,
    client_addr text NOT NULL,
    succeeded   boolean NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at) WHERE NOT succeeded;
CREATE INDEX sign_in_attempts_client ON sign_in_attempts (client_addr, at) WHERE NOT succeeded;

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    action      text NOT NULL,
    target      text,
    client_addr text,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);

-- Sessions, in the layout tower-sessions' PostgresStore expects, owned by our
-- migrations so that every process shares one table from the start.
CREATE SCHEMA IF NOT EXISTS tower_sessions;
CREATE TABLE IF NOT EXISTS tower_sessions.session (
    id          text PRIMARY KEY NOT NULL,
    data        bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);
