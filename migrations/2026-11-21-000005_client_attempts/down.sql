DROP INDEX audit_log_object;
DROP INDEX client_attempts_by_kind;
ALTER TABLE client_attempts DROP COLUMN kind;
ALTER TABLE client_attempts RENAME TO sign_in_attempts;
CREATE INDEX sign_in_attempts_client ON sign_in_attempts (client_addr, attempted_at);
