-- A new email address waits here until its owner follows the link sent to it: until then the
-- account keeps working with the old one, so a typo cannot lock anyone out.
ALTER TABLE users ADD COLUMN pending_email text;

ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('verify_email', 'reset_password', 'invitation', 'change_email'));

-- Sensitive changes ask for the password (and code) every time; no re-authentication window is kept.
ALTER TABLE sessions DROP COLUMN reauthenticated_at;
