//! The demo mailbox (issue 7, item 9): served only to someone trying demo data on their own machine
//! (demo data loaded, BASE_URL on loopback) or when DEMO_MAILBOX says so, and mail files readable by
//! the portal's user alone.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use diesel_async::{AsyncConnection, AsyncPgConnection};
use stablereg::audit::AuditKey;
use stablereg::config::Settings;

use crate::support::harness::{TestApp, TestConfig, TestDatabase, spawn_app, spawn_app_with};

/// A server on `base_url` without DEMO_MAILBOX, over a database that holds demo data or not. The
/// database is returned too: it outlives the server.
async fn serve(base_url: &str, demo_data: bool) -> (TestApp, TestDatabase) {
    let db = TestDatabase::create().await;
    let mut config = TestConfig::default();
    config.env.remove("DEMO_MAILBOX");
    config.env.insert("BASE_URL", base_url.into());
    config.env.insert("DATABASE_URL", db.url.clone());
    if demo_data {
        let key = AuditKey::new(&config.env["AUDIT_KEY"]);
        let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
        // The demo's documents go to a store of their own; the mailbox needs none of them.
        let data = tempfile::tempdir().unwrap();
        let mut env = config.env.clone();
        env.insert("DATA_DIR", data.path().to_string_lossy().into_owned());
        let settings = Settings::from_lookup(|k| env.get(k).cloned()).unwrap();
        stablereg::demo::seed_into(&mut conn, &settings, &key)
            .await
            .unwrap();
    }
    (spawn_app_with(config).await, db)
}

#[tokio::test]
async fn a_loopback_server_with_demo_data_serves_the_mailbox() {
    let (app, _db) = serve("http://127.0.0.1:0", true).await;
    assert_eq!(app.get("/demo/mail").await.status(), 200);
    let (app, _db) = serve("http://localhost:0", true).await;
    assert_eq!(app.get("/demo/mail").await.status(), 200);
}

#[tokio::test]
async fn a_server_without_demo_data_hides_the_mailbox_unless_switched_on() {
    let (app, _db) = serve("http://127.0.0.1:0", false).await;
    assert_eq!(app.get("/demo/mail").await.status(), 404);
    let mut config = TestConfig::default();
    config.env.insert("DEMO_MAILBOX", "true".into());
    let app = spawn_app_with(config).await;
    assert_eq!(app.get("/demo/mail").await.status(), 200);
}

#[tokio::test]
async fn a_server_reached_over_https_or_another_host_hides_the_mailbox() {
    for base_url in ["https://stablereg.example", "http://stablereg.example:8080"] {
        let (app, _db) = serve(base_url, true).await;
        assert_eq!(app.get("/demo/mail").await.status(), 404, "{base_url}");
    }
}

#[tokio::test]
async fn mail_files_are_the_portals_users_alone() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", &account.email)],
    )
    .await;
    // Delivered means written and its mode set: the outbox row is marked sent after both.
    let started = Instant::now();
    while !delivered(&app).await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no mail delivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let dir = app.data_dir.path().join("mail");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "the mail folder");
    assert_eq!(mode(&files[0].path()), 0o600, "{:?}", files[0].path());
}

async fn delivered(app: &TestApp) -> bool {
    let rows = stablereg::db::outbox::latest(&mut app.db().await, i64::MAX)
        .await
        .unwrap();
    !rows.is_empty() && rows.iter().all(|m| m.sent_at.is_some())
}
