-- The register's page reads one page of entries in SQL instead of the whole register: an index in
-- the register's order, and one per filter that picks a small part of it (a status, a currency)
-- in that order. A search by text (part of a name) still reads every entry: a few thousand rows.
CREATE INDEX register_entries_in_order ON register_entries (registered_on, registration_number);
CREATE INDEX register_entries_by_status ON register_entries (status, registered_on, registration_number);
CREATE INDEX register_entries_by_currency
    ON register_entries (reference_currency, registered_on, registration_number);

-- The register's generation: a new random value in the same transaction as every statement that
-- writes an entry, a deployment or an event (publication, change of status, attestation, and the
-- demo's and the bench's bulk inserts), so a snapshot that sees the value sees the register it
-- belongs to. The downloads are built once per generation and kept by each instance under it.
-- Neither max(updated_at) nor the newest event's seq would do: now() and a sequence are taken
-- before commit, so a transaction that started earlier can commit later under an older value.
-- Writers of the register take this row's lock until they commit (they are few: approvals,
-- changes of status, attestations), always after the rows of the register they write.
CREATE TABLE register_generation (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO register_generation DEFAULT VALUES;

CREATE FUNCTION register_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE register_generation SET generation = gen_random_uuid();
    RETURN NULL;
END $$;
CREATE TRIGGER register_entries_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON register_entries FOR EACH STATEMENT EXECUTE FUNCTION register_changed();
CREATE TRIGGER register_deployments_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON register_deployments FOR EACH STATEMENT EXECUTE FUNCTION register_changed();
CREATE TRIGGER register_events_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON register_events FOR EACH STATEMENT EXECUTE FUNCTION register_changed();
