-- The registration number an approval gave, kept on the decision itself: the decision letter and
-- the register both read it from there, and UNIQUE refuses a number given twice whatever code
-- writes it. At most one proposal of a case waits for a decision at a time.
ALTER TABLE decision_proposals ADD COLUMN registration_number text UNIQUE
    CHECK (registration_number ~ '^KRSC-[0-9]{4}-[0-9]{4}$');
ALTER TABLE decision_proposals ADD CONSTRAINT numbered_when_approved
    CHECK ((registration_number IS NOT NULL) = (decision IS NOT DISTINCT FROM 'approved'));
CREATE UNIQUE INDEX decision_proposals_one_open ON decision_proposals (application_id)
    WHERE decision IS NULL;
