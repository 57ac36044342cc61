ALTER TABLE sessions ADD COLUMN reauthenticated_at timestamptz;
DELETE FROM email_tokens WHERE purpose = 'change_email';
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('verify_email', 'reset_password', 'invitation'));
ALTER TABLE users DROP COLUMN pending_email;
