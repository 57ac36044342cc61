//! The audit log's head (SECURITY.md "audit"): sequence numbers never repeat, and signed checkpoints
//! outside the database let `stablereg audit verify` name the newest rows when they are deleted.

use diesel_async::{AsyncConnection, RunQueryDsl};
use stablereg::audit::{self, Action, AuditKey, Event, ObjectType};
use uuid::Uuid;

use crate::support::harness::{TestApp, TestConfig, on_external_server, spawn_app, spawn_app_with};

fn checkpoint(app: &TestApp) {
    let (ok, text) = app.audit_command(&["checkpoint"]);
    assert!(ok, "{text}");
}

fn checkpoint_file(app: &TestApp) -> std::path::PathBuf {
    app.data_dir.path().join("audit-checkpoints.log")
}

/// Six events, appended by the portal's own role as the server appends them.
async fn history(app: &TestApp) {
    for _ in 0..6 {
        event(app).await;
    }
}

async fn event(app: &TestApp) {
    let key = AuditKey::from_settings(&app.settings).expect("the audit key");
    let mut conn = app.db().await;
    audit::record_alone(&mut conn, &key, &stablereg::cli::cli_actor(), some_event())
        .await
        .expect("the event is recorded");
}

fn some_event() -> Event {
    Event::new(Action::UserCreated, ObjectType::User, Uuid::now_v7())
}

/// As an attacker with the database's superuser would: the trigger off, the rows gone, the trigger on.
async fn delete_rows_from(app: &TestApp, seq: i64) {
    app.superuser_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        .await;
    app.superuser_sql(&format!("DELETE FROM audit_log WHERE seq >= {seq}"))
        .await;
    app.superuser_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        .await;
}

#[derive(diesel::QueryableByName)]
struct Seq {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    seq: i64,
}

async fn seqs(app: &TestApp) -> Vec<i64> {
    let rows: Vec<Seq> = diesel::sql_query("SELECT seq FROM audit_log ORDER BY seq")
        .load(&mut app.db().await)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.seq).collect()
}

#[tokio::test]
async fn an_untouched_log_reaches_its_newest_checkpoint() {
    let app = spawn_app().await;
    history(&app).await;
    checkpoint(&app);
    event(&app).await;
    let (ok, text) = app.audit_command(&["verify"]);
    assert!(ok, "{text}");
    assert!(text.contains("audit log intact: 7 rows"), "{text}");
    assert!(text.contains("saw row 6"), "{text}");
}

#[tokio::test]
async fn without_a_checkpoint_file_the_chain_alone_is_checked() {
    let app = spawn_app().await;
    history(&app).await;
    let elsewhere = app.data_dir.path().join("no-such-file.log");
    let (ok, text) = app.audit_command(&["verify", "--checkpoints", &elsewhere.to_string_lossy()]);
    assert!(ok, "{text}");
    assert!(text.contains("audit log intact: 6 rows"), "{text}");
    assert!(
        text.contains("no checkpoint file at") && text.contains("the chain alone was checked"),
        "{text}"
    );
}

#[tokio::test]
async fn deleted_newest_rows_are_named_after_a_checkpoint() {
    let app = spawn_app().await;
    history(&app).await;
    checkpoint(&app);
    delete_rows_from(&app, 5).await;
    let (ok, text) = app.audit_command(&["verify"]);
    assert!(
        !ok,
        "deleting the newest rows must fail verification: {text}"
    );
    assert!(
        text.contains("rows 5 to 6 are missing: the newest checkpoint, written at"),
        "{text}"
    );
    assert!(text.contains("saw row 6"), "{text}");
    assert!(!text.contains("audit log intact"), "{text}");
}

/// The counter in the database is no anchor against its superuser, who can wind it back too: the
/// checkpoint outside the database still names the rows.
#[tokio::test]
async fn deleted_newest_rows_are_named_even_with_the_counter_wound_back() {
    let app = spawn_app().await;
    history(&app).await;
    checkpoint(&app);
    delete_rows_from(&app, 4).await;
    app.superuser_sql("ALTER TABLE audit_log_counter DISABLE TRIGGER audit_log_counter_counts_up")
        .await;
    app.superuser_sql("UPDATE audit_log_counter SET last_seq = 3")
        .await;
    app.superuser_sql("ALTER TABLE audit_log_counter ENABLE TRIGGER audit_log_counter_counts_up")
        .await;
    let (ok, text) = app.audit_command(&["verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("rows 4 to 6 are missing: the newest checkpoint"),
        "{text}"
    );
    assert!(
        !text.contains("sequence numbers up to"),
        "the counter was wound back: {text}"
    );
}

#[tokio::test]
async fn the_next_event_after_a_deletion_does_not_reuse_its_number() {
    let app = spawn_app().await;
    history(&app).await;
    delete_rows_from(&app, 5).await;
    // Even with no checkpoint yet, the numbers given out tell that rows are gone.
    let (ok, text) = app.audit_command(&["verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("rows 5 to 6 are missing: sequence numbers up to 6 were given out"),
        "{text}"
    );
    event(&app).await;
    assert_eq!(seqs(&app).await, vec![1, 2, 3, 4, 7]);
    let (ok, text) = app.audit_command(&["verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("broken at row 5: missing row (4 rows before it are intact)"),
        "{text}"
    );
}

/// An append whose transaction rolls back takes its number back with it: no hole, nothing reported.
#[tokio::test]
async fn a_rolled_back_change_leaves_no_hole() {
    let app = spawn_app().await;
    history(&app).await;
    let key = AuditKey::from_settings(&app.settings).expect("the audit key");
    let mut conn = app.db().await;
    let rolled_back = conn
        .transaction::<(), diesel::result::Error, _>(async |conn| {
            audit::record(conn, &key, &stablereg::cli::cli_actor(), some_event()).await?;
            Err(diesel::result::Error::RollbackTransaction)
        })
        .await;
    assert!(rolled_back.is_err());
    event(&app).await;
    checkpoint(&app);
    assert_eq!(seqs(&app).await, vec![1, 2, 3, 4, 5, 6, 7]);
    let (ok, text) = app.audit_command(&["verify"]);
    assert!(ok, "{text}");
    assert!(text.contains("audit log intact: 7 rows"), "{text}");
}

#[tokio::test]
async fn a_checkpoint_with_a_wrong_signature_is_reported() {
    let app = spawn_app().await;
    history(&app).await;
    checkpoint(&app);
    let path = checkpoint_file(&app);
    // The server's own start-up checkpoint may be in the file too: the command's is the last line.
    let written = std::fs::read_to_string(&path).unwrap();
    let genuine = written.lines().last().unwrap();
    assert!(genuine.contains(" seq=6 "), "{written}");
    // A line changed by hand, as if it had seen fewer rows: its signature no longer fits.
    let forged = genuine.replace(" seq=6 ", " seq=5 ");
    std::fs::write(&path, format!("{written}{forged}\n")).unwrap();
    let forged_line = written.lines().count() + 1;
    let (ok, text) = app.audit_command(&["verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains(&format!("line {forged_line} of the checkpoint file"))
            && text.contains("has a signature that does not verify"),
        "{text}"
    );
    assert_eq!(
        text.matches("of the checkpoint file").count(),
        1,
        "the genuine line verifies: {text}"
    );
}

#[tokio::test]
async fn a_missing_row_counts_only_the_rows_before_it() {
    let app = spawn_app().await;
    history(&app).await;
    app.superuser_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        .await;
    app.superuser_sql("DELETE FROM audit_log WHERE seq = 4")
        .await;
    let (ok, text) = app.audit_command(&["verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("broken at row 4: missing row (3 rows before it are intact)"),
        "{text}"
    );
}

/// The worker anchors the head as soon as it starts, before its first minute is up.
#[tokio::test]
async fn the_server_writes_a_checkpoint_at_start_up() {
    let first = spawn_app().await;
    history(&first).await;
    let mut config = TestConfig::default();
    config
        .env
        .insert("DATABASE_URL", first.database_url.clone());
    let second = spawn_app_with(config).await;
    let path = checkpoint_file(&second);
    let mut written = String::new();
    for _ in 0..100 {
        written = std::fs::read_to_string(&path).unwrap_or_default();
        if !written.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(written.starts_with("v1 seq=6 hash="), "{written}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the file is the server's alone");
}

/// The portal's role may advance the counter, one step in its own appends, and nothing more.
#[tokio::test]
async fn the_portal_cannot_wind_the_counter_back() {
    let app = spawn_app().await;
    history(&app).await;
    let mut conn = app.db().await;
    for sql in [
        "UPDATE audit_log_counter SET last_seq = 3",
        "UPDATE audit_log_counter SET last_seq = last_seq + 10",
        "DELETE FROM audit_log_counter",
    ] {
        let err = diesel::sql_query(sql)
            .execute(&mut conn)
            .await
            .expect_err(sql);
        let text = err.to_string();
        assert!(
            text.contains("only counts up by one") || text.contains("permission denied"),
            "{sql}: {err}"
        );
    }
    if !on_external_server() {
        let err = diesel::sql_query(
            "ALTER TABLE audit_log_counter DISABLE TRIGGER audit_log_counter_counts_up",
        )
        .execute(&mut conn)
        .await
        .expect_err("the portal does not own the counter");
        assert!(err.to_string().contains("must be owner"), "{err}");
    }
    assert_eq!(seqs(&app).await.len(), 6);
}

/// With STORAGE=s3://…, each checkpoint is also copied to the bucket (a real S3-compatible server on
/// loopback), holding the very line the file got, signed.
#[tokio::test]
async fn the_server_copies_its_checkpoints_to_the_bucket() {
    use stablereg::audit::checkpoint::{Checkpoint, CheckpointKey};
    let s3 = crate::support::s3::S3Server::start().await;
    s3.create_bucket("audit").await;
    let first = spawn_app().await;
    history(&first).await;
    let mut config = TestConfig::default();
    config.env.extend(s3.env("audit", "portal"));
    config
        .env
        .insert("DATABASE_URL", first.database_url.clone());
    let second = spawn_app_with(config).await;
    let object = "portal/audit-checkpoints/0000000000000000006.json";
    let mut copy = None;
    for _ in 0..100 {
        copy = s3.object("audit", object).await;
        if copy.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let copy: serde_json::Value =
        serde_json::from_slice(&copy.expect("the checkpoint reached the bucket")).unwrap();
    assert_eq!(copy["seq"], 6);
    let line = copy["line"].as_str().expect("the signed line");
    let key = CheckpointKey::new(&AuditKey::from_settings(&second.settings).unwrap());
    let checkpoint = Checkpoint::parse(line, &key).expect("the copy verifies");
    assert_eq!(checkpoint.seq, 6);
    let file = std::fs::read_to_string(checkpoint_file(&second)).unwrap();
    assert!(
        file.lines().any(|l| l == line),
        "the file has the same line: {file}"
    );
    assert_eq!(s3.keys("audit").await, vec![object.to_string()]);
}
