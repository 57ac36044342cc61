-- One row per form submitted with an idempotency key: the first POST claims the key and does the
-- work; a repeat of it (a double click, a resent form) gets the first one's redirect instead.
CREATE TABLE form_submissions (
    key uuid PRIMARY KEY,
    session_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- NULL while the first submission is being handled.
    location text
);
CREATE INDEX form_submissions_created ON form_submissions (created_at);
