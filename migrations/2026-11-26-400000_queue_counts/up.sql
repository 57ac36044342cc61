-- The queue's count of cases per state, kept as applications change instead of counted on every
-- page: counting 100,000 applications took 30-60 ms of each queue page (make bench). Statement
-- triggers with transition tables add up each statement's rows once (a bulk insert is one upsert
-- per state, not one per row), and take the counters' row locks in the order of the states' names,
-- so two transitions in opposite directions cannot deadlock on them.
CREATE TABLE application_state_counts (
    state text PRIMARY KEY,
    count bigint NOT NULL
);
INSERT INTO application_state_counts (state, count)
SELECT state, count(*) FROM applications GROUP BY state;

CREATE FUNCTION count_application_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO application_state_counts AS c (state, count)
        SELECT state, count(*) FROM new_rows GROUP BY state ORDER BY state
        ON CONFLICT (state) DO UPDATE SET count = c.count + excluded.count;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE application_state_counts AS c SET count = c.count - gone.n
          FROM (SELECT state, count(*) AS n FROM old_rows GROUP BY state ORDER BY state) AS gone
         WHERE c.state = gone.state;
    ELSE
        INSERT INTO application_state_counts AS c (state, count)
        SELECT state, sum(delta) FROM (
            SELECT state, 1 AS delta FROM new_rows
            UNION ALL
            SELECT state, -1 FROM old_rows) AS moved
        GROUP BY state HAVING sum(delta) <> 0 ORDER BY state
        ON CONFLICT (state) DO UPDATE SET count = c.count + excluded.count;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER application_states_inserted AFTER INSERT ON applications
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_application_states();
CREATE TRIGGER application_states_updated AFTER UPDATE ON applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_application_states();
CREATE TRIGGER application_states_deleted AFTER DELETE ON applications
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_application_states();
