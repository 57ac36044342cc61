//! The audit log (SECURITY.md "audit"): append-only by trigger, chained by an HMAC whose key is not in
//! the database, and `stablereg audit verify` names the first row that does not fit.

use std::process::Command;

use stablereg::domain::Role;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::support::harness::{TestApp, on_external_server, spawn_app};

fn verify(app: &TestApp) -> (bool, String) {
    app.audit_command(&["verify"])
}

/// Some history: a few sign-ins and failures.
async fn history(app: &TestApp) {
    let account = app.create_issuer_admin("한빛").await;
    for _ in 0..3 {
        app.sign_in_password(&account.email, "wrong password here")
            .await;
        app.sql(&format!(
            "UPDATE users SET last_failed_login_at = NULL WHERE id = '{}'",
            account.id
        ))
        .await;
    }
    app.sign_in(&account).await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
}

#[tokio::test]
async fn an_untouched_log_verifies() {
    let app = spawn_app().await;
    history(&app).await;
    let (ok, text) = verify(&app);
    assert!(ok, "{text}");
    // Three failures, the issuer's sign-in, and the admin's two steps (password, then code).
    assert!(text.contains("audit log intact: 6 rows"), "{text}");
}

#[tokio::test]
async fn rows_cannot_be_changed_or_removed() {
    let app = spawn_app().await;
    history(&app).await;
    // As a superuser, who owns the table: the portal's role may not even try.
    let mut conn = app.superuser_db().await;
    for sql in [
        "UPDATE audit_log SET action = 'nothing' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
        "TRUNCATE audit_log",
    ] {
        let err = diesel_async::RunQueryDsl::execute(diesel::sql_query(sql), &mut conn)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn a_tampered_middle_row_is_found() {
    let app = spawn_app().await;
    history(&app).await;
    // A superuser who disables the trigger can change a row, but not its HMAC.
    app.superuser_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        .await;
    app.superuser_sql("UPDATE audit_log SET actor_email = 'someone-else@example.kr' WHERE seq = 3")
        .await;
    app.superuser_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        .await;
    let (ok, text) = verify(&app);
    assert!(!ok, "tampering must fail verification: {text}");
    assert!(text.contains("broken at row 3"), "{text}");
}

/// An action no version of the portal writes is an error when the log is read, never a fallback:
/// `verify` names the row, and the admin's browser of the log fails rather than show it as something.
#[tokio::test]
async fn a_row_with_an_unknown_action_is_found() {
    let app = spawn_app().await;
    history(&app).await;
    app.superuser_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        .await;
    app.superuser_sql("UPDATE audit_log SET action = 'nothing' WHERE seq = 4")
        .await;
    app.superuser_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        .await;
    let (ok, text) = verify(&app);
    assert!(!ok, "an unknown action must fail verification: {text}");
    assert!(text.contains("broken at row 4"), "{text}");
    let mut conn = app.db().await;
    let read =
        stablereg::db::audit_log::page(&mut conn, &stablereg::db::audit_log::Filter::default(), 10)
            .await;
    assert!(read.is_err(), "a row with an unknown action does not load");
}

#[tokio::test]
async fn a_removed_row_is_found() {
    let app = spawn_app().await;
    history(&app).await;
    app.superuser_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        .await;
    app.superuser_sql("DELETE FROM audit_log WHERE seq = 2")
        .await;
    app.superuser_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        .await;
    let (ok, text) = verify(&app);
    assert!(!ok);
    assert!(text.contains("broken at row 2: missing row"), "{text}");
}

#[tokio::test]
async fn a_rewritten_chain_without_the_key_is_found() {
    let app = spawn_app().await;
    history(&app).await;
    let out = Command::new(env!("CARGO_BIN_EXE_stablereg"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &app.database_url)
        .env("AUDIT_KEY", "a different key")
        .env("DATA_DIR", app.data_dir.path())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a chain checked with the wrong key fails at its first row"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken at row 1"));
}

/// The portal's own database role is no superuser and does not own the audit log, so the server
/// itself cannot switch the append-only trigger off (or drop it) to rewrite history.
#[tokio::test]
async fn the_portal_cannot_disable_the_audit_trigger() {
    if on_external_server() {
        eprintln!("skipped: DATABASE_URL's role is the operator's to choose");
        return;
    }
    let app = spawn_app().await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let role: Vec<Superuser> =
        diesel::sql_query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            .load(&mut conn)
            .await
            .unwrap();
    assert!(!role[0].rolsuper, "the portal connects as a superuser");
    for sql in [
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "DROP TABLE audit_log",
    ] {
        let err = diesel::sql_query(sql)
            .execute(&mut conn)
            .await
            .expect_err(sql);
        assert!(err.to_string().contains("must be owner"), "{sql}: {err}");
    }
}

#[derive(diesel::QueryableByName)]
struct Superuser {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    rolsuper: bool,
}
