-- Attempts counted per client address now cover more than signing in (sign-ups send mail and hash
-- a password, so they are limited too): the table says which kind each attempt was.
ALTER TABLE sign_in_attempts RENAME TO client_attempts;
ALTER TABLE client_attempts ADD COLUMN kind text NOT NULL DEFAULT 'sign_in';
ALTER TABLE client_attempts ALTER COLUMN kind DROP DEFAULT;
DROP INDEX sign_in_attempts_client;
CREATE INDEX client_attempts_by_kind ON client_attempts (client_addr, kind, attempted_at);

-- Looking up what happened to one object (the admin's filter, and whether an address's owner was
-- told of an attempt within the hour) reads by object.
CREATE INDEX audit_log_object ON audit_log (object_id, seq);
