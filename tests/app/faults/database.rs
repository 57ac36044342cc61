//! The database stopped (`pg_ctl stop -m fast`, which ends every connection at once) and started
//! again while a signed-in member saves a section over and over: every answer comes within 2 s,
//! is a 503 while the database is down (never a 500), the saves succeed again within 2 s of its
//! return, and every save that was answered as saved is in the database.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use stablereg::embedded_pg::{Durability, EmbeddedPostgres};
use uuid::Uuid;

use super::Browser;
use crate::support::harness::{ScratchCluster, TestConfig, spawn_app_with};

/// One save as the member saw it.
#[derive(Debug, Clone)]
struct Answer {
    /// When it was sent, and when its answer came (or the client gave up).
    sent: Instant,
    answered: Instant,
    /// The status, or `None` when no answer came in time.
    status: Option<u16>,
    /// The version it was answered as saved under.
    saved: Option<i32>,
}

#[derive(diesel::QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    version: i32,
}

async fn versions_of(url: &str, application: Uuid) -> Vec<i32> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .expect("the database is up");
    let rows: Vec<Version> = diesel::sql_query(
        "SELECT version FROM section_versions WHERE application_id = $1 \
         AND section = 'institution' ORDER BY version",
    )
    .bind::<diesel::sql_types::Uuid, _>(application)
    .load(&mut conn)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.version).collect()
}

/// The institution section's answers, each save's own (its contact's name carries `n`).
fn answers(n: u32, base: i32) -> Vec<(String, String)> {
    [
        ("legal_name_ko", "한빛디지털 주식회사"),
        ("legal_name_en", "Hanbit Digital Co., Ltd."),
        ("legal_form", "stock_company"),
        ("incorporated_on", "2020-03-02"),
        ("business_registration_number", "124-81-00998"),
        ("corporate_registration_number", "110111-1234569"),
        ("head_office_address", "서울특별시 중구 세종대로 110"),
        ("website", "https://www.hanbit.example.kr"),
        ("contact_email", "compliance@hanbit.example.kr"),
        ("contact_phone", "02-555-0101"),
        ("institution_type", "bank_consortium"),
        ("action", "later"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .chain([
        ("contact_name".to_owned(), format!("저장 {n}")),
        ("base_version".to_owned(), base.to_string()),
    ])
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_answered_before_the_database_stopped_survive_it_and_saving_resumes_within_2_s() {
    let root = ScratchCluster::new("faults-outage");
    let mut pg = EmbeddedPostgres::new(&root, Durability::Disposable).unwrap();
    pg.ensure_running().unwrap();
    let mut config = TestConfig::default();
    config.env.insert("DATABASE_URL", pg.database_url());
    let app = spawn_app_with(config).await;
    let member = app.create_issuer_admin("한빛").await;
    let application = app
        .create_application(member.institution.unwrap(), member.id)
        .await;
    let browser = Browser::new();
    browser.sign_in(&app.address, &member).await;
    let page = app.url(&format!("/applications/{application}/sections/institution"));
    let token = browser.token(&page).await;

    let answers_seen = Arc::new(Mutex::new(Vec::<Answer>::new()));
    let running = Arc::new(AtomicBool::new(true));
    let writer = {
        let (seen, running, url) = (
            answers_seen.clone(),
            running.clone(),
            app.database_url.clone(),
        );
        let client = browser.client.clone();
        let page = page.clone();
        tokio::spawn(async move {
            let (mut base, mut n) = (0, 0);
            while AtomicBool::load(&running, Ordering::SeqCst) {
                n += 1;
                let mut form = vec![("csrf_token".to_owned(), token.clone())];
                form.extend(answers(n, base));
                let sent = Instant::now();
                let res = client.post(&page).form(&form).send().await;
                let status = res.ok().map(|r| r.status().as_u16());
                let saved = (status == Some(303)).then_some(base + 1);
                seen.lock().unwrap().push(Answer {
                    sent,
                    answered: Instant::now(),
                    status,
                    saved,
                });
                match status {
                    Some(303) => base += 1,
                    // A save answered 503 may have committed after all: start from what is there.
                    Some(409) => base = *versions_of(&url, application).await.last().unwrap(),
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        })
    };

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let stopping = Instant::now();
    let pg = tokio::task::spawn_blocking(move || {
        pg.stop().expect("the database stops");
        pg
    })
    .await
    .unwrap();
    let stopped = Instant::now();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    // Saves may succeed from here on: the database accepts connections before the start returns.
    let starting = Instant::now();
    let mut pg = tokio::task::spawn_blocking(move || {
        let mut pg = pg;
        pg.ensure_running().expect("the database starts again");
        pg
    })
    .await
    .unwrap();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    AtomicBool::store(&running, false, Ordering::SeqCst);
    writer.await.unwrap();

    let seen = answers_seen.lock().unwrap().clone();
    for answer in &seen {
        assert!(
            matches!(answer.status, Some(303 | 409 | 503)),
            "every save is answered within 2 s, as saved, as a conflict or as a 503: {answer:?}"
        );
        assert!(
            answer.answered - answer.sent < super::ANSWER_WITHIN,
            "{answer:?}"
        );
    }
    let before: Vec<&Answer> = seen.iter().filter(|a| a.answered < stopping).collect();
    assert!(
        before.len() >= 5 && before.iter().all(|a| a.status == Some(303)),
        "saves went through before the stop: {before:?}"
    );
    let down: Vec<&Answer> = seen
        .iter()
        .filter(|a| a.sent > stopped && a.answered < starting)
        .collect();
    assert!(
        !down.is_empty() && down.iter().all(|a| a.status == Some(503)),
        "503 while the database is down: {down:?}"
    );
    let back = seen
        .iter()
        .find(|a| a.answered > starting && a.saved.is_some())
        .expect("a save succeeds after the database's return");
    assert!(
        back.answered.saturating_duration_since(started) < Duration::from_secs(2),
        "saved again within 2 s of the database's return: {back:?}"
    );

    let stored = versions_of(&app.database_url, application).await;
    let acked: Vec<i32> = seen.iter().filter_map(|a| a.saved).collect();
    let lost: Vec<&i32> = acked.iter().filter(|v| !stored.contains(v)).collect();
    assert!(
        lost.is_empty(),
        "saved versions lost: {lost:?} of {acked:?}"
    );
    let before_stop = before.iter().filter(|a| a.saved.is_some()).count();
    assert!(
        stored.len() >= before_stop,
        "{} rows, {before_stop} saves before the stop",
        stored.len()
    );
    drop(app);
    pg.stop_if_started_here().unwrap();
}
