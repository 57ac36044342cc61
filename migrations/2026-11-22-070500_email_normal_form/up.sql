-- Addresses are stored in one normal form (trimmed, Unicode NFC, lowercased with full Unicode rules:
-- see src/domain/email.rs) and compared exactly under a plain unique index. The old index compared
-- lower(email), which lowercases ASCII only under the cluster's C locale, while the code lowercased
-- all of Unicode: `Ä@…` and `ä@…` became two accounts, and the `Ä…` one could never sign in.
--
-- Existing rows are brought to the normal form here; ICU's root lowercasing is the Unicode mapping
-- Rust's `str::to_lowercase` applies. Two accounts whose addresses become one are never merged
-- silently: the migration stops and names them, for a person to decide which keeps the address.
DROP INDEX users_email_key;

DO $$
DECLARE
    normal text;
    clashes text;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
        normal := 'normalize(lower(normalize(btrim(%1$s), NFC) COLLATE "und-x-icu"), NFC)';
    ELSIF EXISTS (SELECT 1 FROM users WHERE email || coalesce(pending_email, '') ~ '[^\x01-\x7f]') THEN
        RAISE EXCEPTION 'addresses with non-ASCII letters can only be normalised by a PostgreSQL '
            'built with ICU (the collation "und-x-icu" is missing)';
    ELSE
        normal := 'lower(btrim(%1$s) COLLATE "C")';
    END IF;
    EXECUTE format(
        'SELECT string_agg(format(''%%s: %%s'', normal, accounts), ''; '' ORDER BY normal)
           FROM (SELECT normal, string_agg(format(''%%s <%%s>'', id, email), '', '' ORDER BY created_at) AS accounts
                   FROM (SELECT id, email, created_at, %s AS normal FROM users) AS each_one
                  GROUP BY normal
                 HAVING count(*) > 1) AS shared',
        format(normal, 'email'))
      INTO clashes;
    IF clashes IS NOT NULL THEN
        RAISE EXCEPTION 'accounts whose addresses are one address once normalised (give one of each '
            'pair another address by hand, then migrate again): %', clashes;
    END IF;
    EXECUTE format('UPDATE users SET email = %s, pending_email = %s',
                   format(normal, 'email'), format(normal, 'pending_email'));
END
$$;

CREATE UNIQUE INDEX users_email_key ON users (email);
