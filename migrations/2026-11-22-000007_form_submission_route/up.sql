-- A one-time key is bound to the form that used it: the route (method and path), the session it was
-- claimed in and that session's CSRF token (as a SHA-256 fingerprint), and the session the first
-- submission left the browser with. A repeat gets the first answer only from the same route, with
-- the same token, in the same session or in the one the first submission replaced it with
-- (signing in does). Keys claimed before this have an empty route and fingerprint, so they are
-- replayed to no one; they are swept within a day.
ALTER TABLE form_submissions
    ADD COLUMN route text NOT NULL DEFAULT '',
    ADD COLUMN csrf_fingerprint bytea NOT NULL DEFAULT ''::bytea,
    -- NULL while the first submission is being handled, or when it ended the session (signing out).
    ADD COLUMN final_session_id uuid;
ALTER TABLE form_submissions
    ALTER COLUMN route DROP DEFAULT,
    ALTER COLUMN csrf_fingerprint DROP DEFAULT;
