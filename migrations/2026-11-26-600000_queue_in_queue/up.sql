-- Whether a case is in the queue (submitted and not yet closed), kept by the database from its
-- state, and the queue's indexes limited to those cases by this column. The queue's statement then
-- names the column itself rather than a list of states passed as a parameter: PostgreSQL can only
-- use a partial index in a plan made for any parameters (a prepared statement's generic plan) when
-- the statement's own text implies the index's condition. With the states as a parameter every
-- queue page was planned anew, 0.45 ms of PostgreSQL's 0.73 ms per page at 100,000 applications.
ALTER TABLE applications ADD COLUMN in_queue boolean NOT NULL
    GENERATED ALWAYS AS (state NOT IN ('draft', 'approved', 'rejected', 'withdrawn')) STORED;

DROP INDEX applications_queue;
CREATE INDEX applications_queue ON applications (due_on, id) WHERE in_queue;
DROP INDEX applications_queue_by_assignee;
CREATE INDEX applications_queue_by_assignee ON applications (assignee_id, due_on, id) WHERE in_queue;
