-- Identity: institutions and their members, regulator accounts, sessions, single-use mail tokens,
-- MFA recovery codes, sign-in throttling, the mail outbox and the tamper-evident audit log.

CREATE TABLE institutions (
    id uuid PRIMARY KEY,
    legal_name_ko text NOT NULL,
    legal_name_en text NOT NULL,
    business_registration_number text NOT NULL UNIQUE CHECK (business_registration_number ~ '^[0-9]{10}$'),
    corporate_registration_number text NOT NULL CHECK (corporate_registration_number ~ '^[0-9]{13}$'),
    lei text CHECK (lei ~ '^[0-9A-Z]{18}[0-9]{2}$'),
    institution_type text NOT NULL CHECK (institution_type IN ('bank', 'non_bank', 'fintech', 'other')),
    address text NOT NULL,
    contact_phone text NOT NULL,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    display_name text NOT NULL,
    role text NOT NULL CHECK (role IN ('issuer', 'reviewer', 'approver', 'admin')),
    institution_id uuid REFERENCES institutions (id),
    is_institution_admin boolean NOT NULL DEFAULT false,
    is_authorised_signatory boolean NOT NULL DEFAULT false,
    -- NULL until an invited user sets a password.
    password_hash text,
    email_verified_at timestamptz,
    active boolean NOT NULL DEFAULT true,
    lang text NOT NULL DEFAULT 'ko' CHECK (lang IN ('ko', 'en')),
    failed_logins integer NOT NULL DEFAULT 0,
    last_failed_login_at timestamptz,
    locked_at timestamptz,
    -- base32 TOTP secret; enrolment is complete once totp_enabled_at is set.
    totp_secret text,
    totp_enabled_at timestamptz,
    -- The last accepted TOTP time step: a code is accepted once (replay protection).
    totp_last_step bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT issuers_belong_to_an_institution CHECK ((role = 'issuer') = (institution_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_institution ON users (institution_id);

-- Server-side sessions. Only a hash of the cookie's token is stored, so a copy of this table signs
-- nobody in. A session starts anonymous (it carries the CSRF token of the sign-in form) and climbs
-- through the stages of signing in; a new token is issued at every climb.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    stage text NOT NULL CHECK (stage IN ('anonymous', 'password_verified', 'signed_in')),
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    -- When the user last gave their password (and code) again, for sensitive changes.
    reauthenticated_at timestamptz,
    CHECK ((stage = 'anonymous') = (user_id IS NULL))
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- Single-use links sent by mail: email verification (24 h), password reset (1 h), invitation (72 h).
CREATE TABLE email_tokens (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'invitation')),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);

CREATE TABLE recovery_codes (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at timestamptz
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Sign-in attempts per client address, shared by every instance of the portal.
CREATE TABLE sign_in_attempts (
    client_addr text NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_client ON sign_in_attempts (client_addr, attempted_at);

-- Mail waiting to be delivered, written in the same transaction as the change that causes it.
CREATE TABLE outbox (
    id uuid PRIMARY KEY,
    message_id text NOT NULL UNIQUE,
    recipient text NOT NULL,
    subject text NOT NULL,
    body_text text NOT NULL,
    body_html text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    last_error text
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- The audit log: append-only, each row chained to the one before by an HMAC whose key is not in
-- the database, so neither editing a row nor recomputing the chain goes unnoticed.
CREATE TABLE audit_log (
    seq bigint PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    actor_id uuid,
    actor_email text,
    action text NOT NULL,
    object_type text NOT NULL,
    object_id text,
    client_addr text,
    details jsonb NOT NULL DEFAULT '{}',
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
