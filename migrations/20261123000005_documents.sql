-- Documents: uploaded PDFs, their conversion to page-anchored text, and the
-- chunks full-text search runs over.
CREATE TABLE documents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    -- The user's file name, kept as metadata only; the file lives under storage_key.
    original_name   text NOT NULL,
    storage_key     text NOT NULL,
    sha256          text NOT NULL,
    size_bytes      bigint NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    failure_reason  text,
    page_count      integer,
    title           text,
    authors         text[] NOT NULL DEFAULT '{}',
    year            integer,
    doi             text,
    ocr_used        boolean NOT NULL DEFAULT false,
    conversion_ms   integer,
    -- The conversion job that owns the status now; an older run (a worker
    -- presumed dead, a superseded job) cannot overwrite what a newer one wrote.
    conversion_job  uuid,
    uploaded_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT documents_status_known CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
    CONSTRAINT documents_project_sha256_key UNIQUE (project_id, sha256),
    CONSTRAINT documents_storage_key_key UNIQUE (storage_key)
);
CREATE INDEX documents_project_created ON documents (project_id, created_at DESC);

-- The converted text, one row per page (markdown; page numbers start at 1).
CREATE TABLE document_pages (
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    page_number integer NOT NULL,
    markdown    text NOT NULL,
    PRIMARY KEY (document_id, page_number)
);

-- Passages of a page, with character offsets into that page's markdown, so a
-- search hit (and later an evidence quote) points at a page and a place on it.
CREATE TABLE document_chunks (
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    chunk_index integer NOT NULL,
    project_id  uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    page_number integer NOT NULL,
    char_start  integer NOT NULL,
    char_end    integer NOT NULL,
    content     text NOT NULL,
    search      tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
    PRIMARY KEY (document_id, chunk_index)
);
CREATE INDEX document_chunks_search ON document_chunks USING gin (search);
CREATE INDEX document_chunks_project ON document_chunks (project_id);
