DROP TABLE register_events, register_deployments, register_entries, decision_proposals,
    consultations, information_request_items, information_requests, section_outcomes, review_notes,
    clock_events;
DROP INDEX applications_queue, applications_queue_by_state, applications_queue_by_assignee;
ALTER TABLE applications DROP COLUMN assignee_id, DROP COLUMN due_on;
ALTER TABLE users DROP CONSTRAINT consultees_belong_to_a_body;
ALTER TABLE users DROP COLUMN consulted_body;
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('issuer', 'reviewer', 'approver', 'admin'));
