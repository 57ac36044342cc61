//! Two portal instances on one database, as behind a load balancer: a session begun on one works
//! on the other, approvals sent to both at once get distinct consecutive registration numbers, and
//! the two workers together send each queued mail exactly once.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Datelike;
use diesel_async::{AsyncConnection, RunQueryDsl};
use reqwest::StatusCode;
use stablereg::domain::Role;
use stablereg::i18n::Lang;
use stablereg::mail::{self, LinkMail};

use crate::review::decisions::{form_of, proposed_case, signed_in};
use crate::support::harness::{TestApp, TestConfig, free_port, spawn_app_with};
use crate::support::smtp::SmtpServer;

/// A second instance of `first`: the same database and keys, its own port, worker and DATA_DIR.
async fn second_instance(first: &TestApp, config: TestConfig) -> TestApp {
    let mut config = config;
    config
        .env
        .insert("DATABASE_URL", first.database_url.clone());
    spawn_app_with(config).await
}

#[derive(diesel::QueryableByName)]
struct Number {
    #[diesel(sql_type = diesel::sql_types::Text)]
    registration_number: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_works_on_both_and_approvals_on_both_are_numbered_without_gaps() {
    let a = spawn_app_with(TestConfig::default()).await;
    let b = second_instance(&a, TestConfig::default()).await;
    let proposer = a.create_account(Role::Reviewer, None, false).await;
    let approver = a.create_account(Role::Approver, None, false).await;
    let mut cases = Vec::new();
    for _ in 0..10 {
        cases.push(proposed_case(&a, proposer.id).await.0);
    }

    // Signed in (with the second factor) on the first; the same cookie is a session on the second.
    let on_a = signed_in(&a, &approver).await;
    let on_b = on_a.on(&b);
    assert_eq!(on_b.get("/account").await.status(), StatusCode::OK);
    assert_eq!(
        on_b.get("/review").await.status(),
        StatusCode::OK,
        "the approver's own pages answer on the second instance"
    );

    let decisions = cases.iter().enumerate().map(|(i, case)| {
        let visitor = if i % 2 == 0 { on_a.on(&a) } else { on_a.on(&b) };
        async move {
            let (token, version) = form_of(&visitor, &format!("/review/{case}/decision")).await;
            let form = [("version", version.as_str()), ("decision", "approved")];
            let res = visitor
                .post(&format!("/review/{case}/decide"), &token, &form)
                .await;
            (i, res.status())
        }
    });
    for (i, status) in futures_util::future::join_all(decisions).await {
        assert_eq!(status, StatusCode::SEE_OTHER, "approval {i}");
    }
    let mut conn = a.db().await;
    let numbers: Vec<Number> = diesel::sql_query(
        "SELECT registration_number FROM decision_proposals \
         WHERE registration_number IS NOT NULL ORDER BY registration_number",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let year = chrono::Utc::now().year();
    let expected: Vec<String> = (1..=10).map(|n| format!("KRSC-{year}-{n:04}")).collect();
    let numbers: Vec<String> = numbers.into_iter().map(|n| n.registration_number).collect();
    assert_eq!(numbers, expected);
    drop(b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_send_each_of_fifty_mails_exactly_once() {
    let port = free_port();
    let smtp = SmtpServer::start(port).await;
    let config = || {
        let mut config = TestConfig::default();
        config
            .env
            .insert("SMTP_URL", format!("smtp://127.0.0.1:{port}"));
        config
    };
    let a = spawn_app_with(config()).await;
    let b = second_instance(&a, config()).await;

    let mut conn = a.db().await;
    let settings = &a.settings;
    conn.transaction::<(), anyhow::Error, _>(async move |conn| {
        for n in 0..50 {
            let mail = LinkMail {
                lang: Lang::Ko,
                to: format!("member{n}@example.kr"),
                greeting: "안녕하세요".into(),
                subject: format!("mail {n}"),
                paragraphs: vec![],
                link: "http://127.0.0.1/x".into(),
                link_label: "go".into(),
                footnote: String::new(),
            };
            mail::enqueue(conn, settings, mail).await?;
        }
        Ok(())
    })
    .await
    .unwrap();

    let started = Instant::now();
    while smtp.received().len() < 50 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Both workers keep polling a while longer: nothing may come twice.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = smtp.received();
    assert_eq!(received.len(), 50, "each mail once");
    let ids: HashSet<String> = received
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(ids.len(), 50, "fifty different mails");
    let sent = diesel::sql_query("SELECT 1 FROM outbox WHERE sent_at IS NOT NULL AND attempts = 1")
        .execute(&mut a.db().await)
        .await
        .unwrap();
    assert_eq!(sent, 50, "each sent at its first attempt");
    drop(b);
}
