//! Who owns what in a database the portal does not administer itself (the embedded cluster's, the
//! tests'): the portal's role owns every table but the audit log, which the superuser keeps.

use anyhow::Context;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

/// Hands the database's tables to `portal`, run as the superuser after the migrations. The audit log,
/// its sequence counter and their triggers' functions stay the superuser's, and so does the schema:
/// an owner could disable a trigger, replace a function or drop a table. The portal may read the log
/// and append to it, and advance the counter (its trigger allows nothing else).
pub async fn hand_to_portal(admin_url: &str, portal: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !portal.is_empty() && portal.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "a role name of lowercase letters and underscores is expected, not {portal:?}"
    );
    let mut conn = AsyncPgConnection::establish(admin_url)
        .await
        .context("cannot connect as the cluster's superuser")?;
    conn.batch_execute(&ownership_sql(portal))
        .await
        .context("cannot hand the database to the portal's role")
}

fn ownership_sql(portal: &str) -> String {
    format!(
        r#"
BEGIN;
ALTER SCHEMA public OWNER TO CURRENT_USER;
GRANT USAGE, CREATE ON SCHEMA public TO {portal};
DO $$
DECLARE relation record;
BEGIN
    FOR relation IN
        SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND c.relname NOT IN ('audit_log', 'audit_log_counter')
          AND c.relowner <> '{portal}'::regrole
          -- a sequence that belongs to a column moves with its table
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO {portal}',
                       CASE relation.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                       relation.name);
    END LOOP;
    IF (SELECT relowner FROM pg_class WHERE oid = 'audit_log'::regclass) <> current_user::regrole THEN
        ALTER TABLE audit_log OWNER TO CURRENT_USER;
    END IF;
    IF (SELECT relowner FROM pg_class WHERE oid = 'audit_log_counter'::regclass)
            <> current_user::regrole THEN
        ALTER TABLE audit_log_counter OWNER TO CURRENT_USER;
    END IF;
END $$;
ALTER FUNCTION audit_log_refuse_change() OWNER TO CURRENT_USER;
ALTER FUNCTION audit_log_counter_refuse_change() OWNER TO CURRENT_USER;
REVOKE ALL ON audit_log FROM {portal};
GRANT SELECT, INSERT ON audit_log TO {portal};
REVOKE ALL ON audit_log_counter FROM {portal};
GRANT SELECT, UPDATE ON audit_log_counter TO {portal};
COMMIT;
"#
    )
}
