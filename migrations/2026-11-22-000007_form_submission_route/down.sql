ALTER TABLE form_submissions
    DROP COLUMN final_session_id,
    DROP COLUMN csrf_fingerprint,
    DROP COLUMN route;
