-- The registration application: one row per application, every save of a section kept as a
-- version (append-only, so a reviewer can compare what was submitted with what was answered later),
-- uploaded documents with their own versions, and the immutable snapshot taken at each submission.

CREATE TABLE applications (
    id uuid PRIMARY KEY,
    institution_id uuid NOT NULL REFERENCES institutions (id),
    state text NOT NULL DEFAULT 'draft' CHECK (state IN (
        'draft', 'submitted', 'information_requested_completeness', 'under_assessment',
        'information_requested_assessment', 'decision_proposed', 'approved', 'rejected', 'withdrawn')),
    -- APP-2026-000123, given at the first submission.
    reference text UNIQUE,
    -- Raised by every change of state, so that a transition guarded by the version it read refuses
    -- to act on a case that changed meanwhile.
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    closed_at timestamptz,
    withdrawal_reason text CHECK (length(withdrawal_reason) <= 2000)
);
-- At most one open application per institution: a new one only after a withdrawal or a decision.
CREATE UNIQUE INDEX applications_one_open ON applications (institution_id)
    WHERE state NOT IN ('approved', 'rejected', 'withdrawn');
CREATE INDEX applications_by_institution ON applications (institution_id, created_at DESC);

CREATE TABLE section_versions (
    application_id uuid NOT NULL REFERENCES applications (id),
    section text NOT NULL,
    version integer NOT NULL CHECK (version > 0),
    answers jsonb NOT NULL,
    saved_by uuid NOT NULL REFERENCES users (id),
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, section, version)
);

CREATE TABLE documents (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    kind text NOT NULL,
    -- The group row the document belongs to (a director's CV), or '' for a document asked once.
    subject text NOT NULL DEFAULT '',
    version integer NOT NULL CHECK (version > 0),
    file_name text NOT NULL CHECK (length(file_name) <= 255),
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key text NOT NULL,
    uploaded_by uuid NOT NULL REFERENCES users (id),
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (application_id, kind, subject, version)
);

-- What was submitted, each time: the section versions and documents as they stood. Never changed.
CREATE TABLE submissions (
    application_id uuid NOT NULL REFERENCES applications (id),
    round integer NOT NULL CHECK (round > 0),
    submitted_by uuid NOT NULL REFERENCES users (id),
    submitted_at timestamptz NOT NULL DEFAULT now(),
    -- {"institution": 3, ...}: the version of each section submitted.
    sections jsonb NOT NULL,
    -- The ids of the documents submitted.
    documents uuid[] NOT NULL,
    PRIMARY KEY (application_id, round)
);

-- Gapless numbers per kind and year (APP references, KRSC registration numbers): the row is locked
-- by the transaction that takes the next number, so a rolled-back transaction gives its number back.
CREATE TABLE reference_counters (
    kind text NOT NULL,
    year integer NOT NULL,
    last integer NOT NULL,
    PRIMARY KEY (kind, year)
);

-- A section posted after its member's session had ended, kept for that member to find on their
-- return (never saved into the application without their saving it again).
CREATE TABLE pending_posts (
    id uuid PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    path text NOT NULL,
    answers jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The settings of the application's checks (thresholds, switches, legal-basis texts): one row, the
-- defaults of the code overridden by what an admin changed.
CREATE TABLE rule_settings (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    rules jsonb NOT NULL,
    updated_by uuid REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME;
END $$;
CREATE TRIGGER section_versions_append_only BEFORE UPDATE OR DELETE ON section_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER submissions_append_only BEFORE UPDATE OR DELETE ON submissions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
