-- How many entries the register has, kept beside its generation by the same trigger: the public
-- register's first page showed the count of a COUNT(*) over every entry on each request, a third
-- of PostgreSQL's time on that page at a few thousand entries, for a number that changes only when
-- an issuer is published.
ALTER TABLE register_generation ADD COLUMN entries bigint NOT NULL DEFAULT 0;
UPDATE register_generation SET entries = (SELECT count(*) FROM register_entries);

-- The count is taken after the generation's row is locked, in a statement of its own: a writer
-- that waited for another's commit counts with a snapshot taken after that commit (the first
-- UPDATE's snapshot, taken before the wait, would miss the other writer's entries).
CREATE OR REPLACE FUNCTION register_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE register_generation SET generation = gen_random_uuid();
    IF TG_TABLE_NAME = 'register_entries' THEN
        UPDATE register_generation SET entries = (SELECT count(*) FROM register_entries);
    END IF;
    RETURN NULL;
END $$;
