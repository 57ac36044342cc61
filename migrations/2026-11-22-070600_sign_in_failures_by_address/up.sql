-- Failed password and code checks counted per account and client address. The growing wait after
-- five failures is per pair, so someone guessing from one address slows that address only, and the
-- owner signing in from their own is not kept waiting; the lock after 100 consecutive failures stays
-- per account (users.failed_logins), from whichever addresses they came.
CREATE TABLE sign_in_failures (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_addr text NOT NULL,
    -- Consecutive failures from this address since its last success (or the last reset).
    failures integer NOT NULL CHECK (failures > 0),
    last_failure_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, client_addr)
);
CREATE INDEX sign_in_failures_by_age ON sign_in_failures (last_failure_at);
