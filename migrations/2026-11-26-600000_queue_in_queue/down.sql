DROP INDEX applications_queue_by_assignee;
CREATE INDEX applications_queue_by_assignee ON applications (assignee_id, due_on, id);
DROP INDEX applications_queue;
CREATE INDEX applications_queue ON applications (due_on, id)
    WHERE state NOT IN ('draft', 'approved', 'rejected', 'withdrawn');
ALTER TABLE applications DROP COLUMN in_queue;
