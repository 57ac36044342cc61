CREATE OR REPLACE FUNCTION register_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE register_generation SET generation = gen_random_uuid();
    RETURN NULL;
END $$;
ALTER TABLE register_generation DROP COLUMN entries;
