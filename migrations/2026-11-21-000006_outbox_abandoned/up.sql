-- A mail the receiving server refused for good (no such mailbox, say) is kept with its error but
-- never tried again: retrying every ten minutes forever would help nobody.
ALTER TABLE outbox ADD COLUMN abandoned_at timestamptz;
