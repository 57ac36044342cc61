-- The regulator's review: who works a case, its statutory clock, notes and outcomes that stay
-- internal, information requests item by item, consultations, four-eyes decisions, and the public
-- register that approval publishes to.

-- Staff of a consulted body (Bank of Korea, Ministry of Economy and Finance, FSS).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('issuer', 'reviewer', 'approver', 'consultee', 'admin'));
ALTER TABLE users ADD COLUMN consulted_body text
    CHECK (consulted_body IN ('bank_of_korea', 'ministry_of_economy_and_finance', 'fss'));
ALTER TABLE users ADD CONSTRAINT consultees_belong_to_a_body
    CHECK ((role = 'consultee') = (consulted_body IS NOT NULL));

ALTER TABLE applications
    ADD COLUMN assignee_id uuid REFERENCES users (id),
    -- The deadline of the phase the case is in, kept by every transition: the queue sorts by it.
    -- NULL while the clock is stopped or outside a phase.
    ADD COLUMN due_on date;
-- The queue: open cases by deadline, then id (keyset pagination over both).
CREATE INDEX applications_queue ON applications (due_on, id)
    WHERE state NOT IN ('draft', 'approved', 'rejected', 'withdrawn');
CREATE INDEX applications_queue_by_state ON applications (state, due_on, id);
CREATE INDEX applications_queue_by_assignee ON applications (assignee_id, due_on, id);

-- Every start, stop and restart of a phase's clock, in order: the clock is computed from these.
CREATE TABLE clock_events (
    application_id uuid NOT NULL REFERENCES applications (id),
    seq integer NOT NULL,
    phase text NOT NULL CHECK (phase IN ('completeness', 'assessment')),
    kind text NOT NULL CHECK (kind IN ('started', 'stopped', 'restarted')),
    on_date date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, seq)
);

-- Internal notes on a case (never shown to the issuer), and each section's outcome.
CREATE TABLE review_notes (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    section text,
    author_id uuid NOT NULL REFERENCES users (id),
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX review_notes_of ON review_notes (application_id, created_at);
CREATE TABLE section_outcomes (
    application_id uuid NOT NULL REFERENCES applications (id),
    section text NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('satisfactory', 'needs_information')),
    decided_by uuid NOT NULL REFERENCES users (id),
    decided_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, section)
);

CREATE TABLE information_requests (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    phase text NOT NULL CHECK (phase IN ('completeness', 'assessment')),
    sent_by uuid NOT NULL REFERENCES users (id),
    sent_on date NOT NULL,
    due_on date NOT NULL,
    answered_on date,
    answer_note text CHECK (length(answer_note) <= 10000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX information_requests_of ON information_requests (application_id, created_at);
CREATE TABLE information_request_items (
    id uuid PRIMARY KEY,
    request_id uuid NOT NULL REFERENCES information_requests (id),
    position integer NOT NULL,
    -- What the item is about: "section:<code>", "field:<section>:<path>" or "document:<kind>".
    target text NOT NULL,
    question text NOT NULL CHECK (length(question) BETWEEN 1 AND 5000),
    answer text CHECK (length(answer) <= 10000),
    answered_at timestamptz,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed', 'asked_again')),
    -- The item this one asks again.
    follows uuid REFERENCES information_request_items (id),
    UNIQUE (request_id, position)
);

CREATE TABLE consultations (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    body text NOT NULL CHECK (body IN ('bank_of_korea', 'ministry_of_economy_and_finance', 'fss')),
    question text NOT NULL CHECK (length(question) BETWEEN 1 AND 5000),
    due_on date NOT NULL,
    sent_by uuid NOT NULL REFERENCES users (id),
    sent_at timestamptz NOT NULL DEFAULT now(),
    opinion text CHECK (opinion IN ('no_objection', 'objection', 'comments')),
    reasons text CHECK (length(reasons) <= 10000),
    opinion_by uuid REFERENCES users (id),
    opinion_at timestamptz,
    CHECK ((opinion IS NULL) = (opinion_by IS NULL))
);
CREATE INDEX consultations_of ON consultations (application_id);
CREATE INDEX consultations_for_body ON consultations (body, sent_at DESC);

-- A proposal and what the approver made of it. The proposer never decides their own proposal:
-- the CHECK holds whatever code writes the row.
CREATE TABLE decision_proposals (
    id uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    outcome text NOT NULL CHECK (outcome IN ('approve', 'reject')),
    reasons text NOT NULL CHECK (length(reasons) BETWEEN 1 AND 10000),
    conditions text CHECK (length(conditions) <= 10000),
    proposed_by uuid NOT NULL REFERENCES users (id),
    proposed_at timestamptz NOT NULL DEFAULT now(),
    decision text CHECK (decision IN ('approved', 'rejected', 'returned')),
    decision_reason text CHECK (length(decision_reason) <= 10000),
    decided_by uuid REFERENCES users (id),
    decided_at timestamptz,
    CONSTRAINT four_eyes CHECK (decided_by IS NULL OR decided_by <> proposed_by),
    CHECK ((decision IS NULL) = (decided_by IS NULL))
);
CREATE INDEX decision_proposals_of ON decision_proposals (application_id, proposed_at);

-- The public register: one entry per registered issuer, one row per chain deployment, and the
-- append-only history of every change (the Atom feed reads it).
CREATE TABLE register_entries (
    registration_number text PRIMARY KEY,
    application_id uuid NOT NULL UNIQUE REFERENCES applications (id),
    institution_id uuid NOT NULL REFERENCES institutions (id),
    legal_name_ko text NOT NULL,
    legal_name_en text NOT NULL,
    lei text,
    business_registration_number text NOT NULL,
    address text NOT NULL,
    website text NOT NULL,
    token_name text NOT NULL,
    ticker text NOT NULL,
    reference_currency text NOT NULL,
    white_paper_url text NOT NULL,
    white_paper_version text NOT NULL,
    registered_on date NOT NULL,
    status text NOT NULL CHECK (status IN ('registered', 'suspended', 'revoked')),
    status_since date NOT NULL,
    conditions text,
    latest_attestation_on date,
    latest_coverage_bp bigint,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX register_entries_by_ticker ON register_entries (upper(ticker));
CREATE INDEX register_entries_by_name ON register_entries (lower(legal_name_en));
CREATE TABLE register_deployments (
    registration_number text NOT NULL REFERENCES register_entries (registration_number),
    chain text NOT NULL,
    contract_address text NOT NULL,
    PRIMARY KEY (registration_number, chain, contract_address)
);
-- The lookup a member of the public makes: is the token at this address registered?
CREATE INDEX register_deployments_lookup ON register_deployments (chain, lower(contract_address));
CREATE TABLE register_events (
    seq bigserial PRIMARY KEY,
    registration_number text NOT NULL REFERENCES register_entries (registration_number),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL CHECK (status IN ('registered', 'suspended', 'revoked')),
    effective_on date NOT NULL,
    note text
);
CREATE TRIGGER register_events_append_only BEFORE UPDATE OR DELETE ON register_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
