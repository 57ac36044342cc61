-- The audit log's sequence numbers never repeat. They were the newest row's plus one, so whoever
-- deleted the newest rows (the trigger disabled by a superuser) had the next event reuse a deleted
-- number, and the gap could never be seen. The counter is one row, advanced under the append's
-- advisory lock in the append's own transaction: a deletion leaves it where it was, and a rollback
-- takes its step back with it, so a hole in the log always means a deleted row. (A PostgreSQL
-- sequence would survive deletions too, but every rolled-back append would leave a hole.)
CREATE TABLE audit_log_counter (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    last_seq bigint NOT NULL CHECK (last_seq >= 0)
);
INSERT INTO audit_log_counter (one, last_seq) SELECT true, COALESCE(max(seq), 0) FROM audit_log;

-- Like the log it counts, the counter only goes forward: one step at a time, never back, never away.
CREATE FUNCTION audit_log_counter_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.one AND NEW.last_seq = OLD.last_seq + 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log_counter only counts up by one: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_counter_counts_up BEFORE INSERT OR UPDATE OR DELETE ON audit_log_counter
    FOR EACH ROW EXECUTE FUNCTION audit_log_counter_refuse_change();
CREATE TRIGGER audit_log_counter_no_truncate BEFORE TRUNCATE ON audit_log_counter
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_counter_refuse_change();
