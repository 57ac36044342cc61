//! Mail (SECURITY.md "mail"): written to the outbox in the transaction of the change, delivered by
//! the worker, retried while SMTP is down, and delivered exactly once when it comes back.

use std::time::{Duration, Instant};

use diesel_async::AsyncConnection;
use stablereg::i18n::Lang;
use stablereg::mail::{self, LinkMail};

use crate::support::harness::{TestApp, TestConfig, free_port, spawn_app, spawn_app_with};
use crate::support::smtp::SmtpServer;

async fn eventually<F: AsyncFn() -> bool>(what: &str, limit: Duration, check: F) {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{what} did not happen within {limit:?}");
}

/// The outbox, oldest first.
async fn outbox(app: &TestApp) -> Vec<stablereg::db::outbox::OutboxMail> {
    let mut conn = app.db().await;
    let newest_first = stablereg::db::outbox::latest(&mut conn, i64::MAX)
        .await
        .unwrap();
    newest_first.into_iter().rev().collect()
}

fn mail_files(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(app.data_dir.path().join("mail"))
        .map(|dir| {
            dir.flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_rolled_back_change_sends_nothing() {
    let app = spawn_app().await;
    let mut conn = app.db().await;
    let settings = &app.settings;
    let result = conn
        .transaction::<(), anyhow::Error, _>(async move |conn| {
            let mail = LinkMail {
                lang: Lang::Ko,
                to: "nobody@example.kr".into(),
                greeting: "hi".into(),
                subject: "never sent".into(),
                paragraphs: vec![],
                link: "http://x/y".into(),
                link_label: "go".into(),
                footnote: String::new(),
            };
            mail::enqueue(conn, settings, mail).await?;
            anyhow::bail!("the change failed after the mail was queued")
        })
        .await;
    assert!(result.is_err());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(outbox(&app).await.is_empty());
    assert!(mail_files(&app).iter().all(|m| !m.contains("never sent")));
}

#[tokio::test]
async fn the_file_transport_writes_each_mail_once() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", &account.email)],
    )
    .await;
    eventually("delivery to a file", Duration::from_secs(10), async || {
        let rows = outbox(&app).await;
        !rows.is_empty() && rows.iter().all(|m| m.sent_at.is_some())
    })
    .await;
    let files = mail_files(&app);
    assert_eq!(files.len(), 1);
    let id = &outbox(&app).await[0].message_id;
    assert!(
        files[0].contains(&format!("Message-ID: {id}")),
        "{}",
        files[0]
    );
}

#[tokio::test]
async fn smtp_down_then_up_delivers_every_mail_exactly_once() {
    let port = free_port();
    let mut config = TestConfig::default();
    config
        .env
        .insert("SMTP_URL", format!("smtp://127.0.0.1:{port}"));
    let app = spawn_app_with(config).await;
    let mut accounts = Vec::new();
    for name in ["가", "나", "다"] {
        let account = app.create_issuer_admin(name).await;
        app.submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", &account.email)],
        )
        .await;
        accounts.push(account);
    }
    // Nothing listens yet: every mail is tried, fails, and waits for its next attempt.
    eventually(
        "failed first attempts",
        Duration::from_secs(10),
        async || {
            let rows = outbox(&app).await;
            rows.len() == 3 && rows.iter().all(|m| m.attempts >= 1 && m.sent_at.is_none())
        },
    )
    .await;

    let server = SmtpServer::start(port).await;
    eventually(
        "delivery once SMTP is up",
        Duration::from_secs(40),
        async || outbox(&app).await.iter().all(|m| m.sent_at.is_some()),
    )
    .await;
    // Give a duplicate every chance to show up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = server.received();
    assert_eq!(received.len(), 3, "exactly one delivery per mail");
    for row in outbox(&app).await {
        let copies = received
            .iter()
            .filter(|m| m.contains(&format!("Message-ID: {}", row.message_id)))
            .count();
        assert_eq!(copies, 1, "{} delivered {copies} times", row.message_id);
    }
    for account in &accounts {
        assert!(
            received.iter().any(|m| m.contains(&account.email)),
            "a mail to {}",
            account.email
        );
    }
}

/// A mail the server refuses for good (550, no such mailbox) is kept with the reason and never
/// tried again, while the mail after it is delivered.
#[tokio::test]
async fn a_mail_refused_for_good_is_not_retried() {
    let port = free_port();
    let server = SmtpServer::start(port).await;
    let mut config = TestConfig::default();
    config
        .env
        .insert("SMTP_URL", format!("smtp://127.0.0.1:{port}"));
    let app = spawn_app_with(config).await;
    let mut conn = app.db().await;
    for to in ["nobody-here@example.kr", "someone@example.kr"] {
        let mail = LinkMail {
            lang: Lang::En,
            to: to.into(),
            greeting: "Hello".into(),
            subject: format!("for {to}"),
            paragraphs: vec![],
            link: "http://127.0.0.1/".into(),
            link_label: "Open".into(),
            footnote: String::new(),
        };
        mail::enqueue(&mut conn, &app.settings, mail).await.unwrap();
    }
    eventually(
        "one delivery and one refusal",
        Duration::from_secs(20),
        async || {
            let rows = outbox(&app).await;
            rows.iter().any(|m| m.sent_at.is_some())
                && rows.iter().any(|m| m.abandoned_at.is_some())
        },
    )
    .await;
    // Long enough for a retry (the first comes after 1 s), had there been one.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rows = outbox(&app).await;
    let refused = rows
        .iter()
        .find(|m| m.recipient.starts_with("nobody-here"))
        .unwrap();
    assert_eq!(refused.attempts, 1, "tried once");
    assert!(refused.sent_at.is_none());
    assert!(
        refused
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("No such mailbox"),
        "{:?}",
        refused.last_error
    );
    assert_eq!(server.received().len(), 1, "only the good mail arrived");
}

/// A refusal that is about the portal's own configuration (here a sender the server will not take)
/// is not the recipient's fault: the mail waits and is tried again, never abandoned.
#[tokio::test]
async fn a_refused_sender_keeps_the_mail_waiting() {
    let port = free_port();
    let server = SmtpServer::start(port).await;
    let mut config = TestConfig::default();
    config
        .env
        .insert("SMTP_URL", format!("smtp://127.0.0.1:{port}"));
    config
        .env
        .insert("MAIL_FROM", "stablereg <blocked-sender@example.kr>".into());
    let app = spawn_app_with(config).await;
    let mut conn = app.db().await;
    let mail = LinkMail {
        lang: Lang::En,
        to: "someone@example.kr".into(),
        greeting: "Hello".into(),
        subject: "waits".into(),
        paragraphs: vec![],
        link: "http://127.0.0.1/".into(),
        link_label: "Open".into(),
        footnote: String::new(),
    };
    mail::enqueue(&mut conn, &app.settings, mail).await.unwrap();
    eventually(
        "two refused attempts",
        Duration::from_secs(20),
        async || outbox(&app).await.iter().all(|m| m.attempts >= 2),
    )
    .await;
    let row = &outbox(&app).await[0];
    assert!(row.abandoned_at.is_none(), "kept for another try");
    assert!(row.sent_at.is_none());
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("Sender not allowed")
    );
    assert!(server.received().is_empty());
}
