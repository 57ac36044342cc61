-- Addresses stay in their normal form: it is a valid spelling of each, and the old index accepts it.
DROP INDEX users_email_key;
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
