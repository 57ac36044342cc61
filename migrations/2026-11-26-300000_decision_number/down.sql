DROP INDEX decision_proposals_one_open;
ALTER TABLE decision_proposals DROP CONSTRAINT numbered_when_approved;
ALTER TABLE decision_proposals DROP COLUMN registration_number;
