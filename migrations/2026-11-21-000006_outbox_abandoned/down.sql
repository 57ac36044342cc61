ALTER TABLE outbox DROP COLUMN abandoned_at;
