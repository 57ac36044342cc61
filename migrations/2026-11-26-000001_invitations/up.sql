-- Every invitation made, whatever came of it: the limits on invitations count these rows, and an
-- institution's members page lists them alike, so that it never shows whether an address had an
-- account. The outcome is kept for the portal's own use and never shown to the inviter.
CREATE TABLE invitations (
    id uuid PRIMARY KEY,
    invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
    institution_id uuid REFERENCES institutions (id) ON DELETE CASCADE,
    -- The address in its normal form (what the per-address limit counts) and as typed (what is shown).
    email text NOT NULL,
    email_as_typed text NOT NULL,
    name text NOT NULL,
    authorised_signatory boolean NOT NULL,
    -- The account invited or renewed; none when the address was in use elsewhere.
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    outcome text NOT NULL CHECK (outcome IN ('created', 'renewed', 'address_in_use')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_by_inviter ON invitations (invited_by, created_at);
CREATE INDEX invitations_by_institution ON invitations (institution_id, created_at);
CREATE INDEX invitations_by_email ON invitations (email, created_at);
