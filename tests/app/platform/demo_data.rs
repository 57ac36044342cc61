//! What `stablereg demo` leaves for a person trying the portal: a draft application half filled in,
//! with sections in every status of the task list.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use stablereg::audit::AuditKey;
use stablereg::demo::DEMO_PASSWORD;

use crate::support::harness::{TestConfig, TestDatabase, spawn_app_with};

#[tokio::test]
async fn the_demo_issuer_finds_a_draft_with_sections_in_every_status() {
    let db = TestDatabase::create().await;
    let mut config = TestConfig::default();
    config.env.insert("DATABASE_URL", db.url.clone());
    let key = AuditKey::new(&config.env["AUDIT_KEY"]);
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    stablereg::demo::seed_into(&mut conn, &key).await.unwrap();
    let app = spawn_app_with(config).await;
    let res = app
        .sign_in_password("issuer@demo.stablereg.kr", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), 303, "the demo issuer signs in");
    let list = app.page("/applications").await;
    let start = list
        .find("/applications/0")
        .expect("a draft on the dashboard");
    let path: String = list[start..].chars().take_while(|c| *c != '"').collect();
    let tasks = app.page(&path).await;
    for status in ["완료", "작성 중", "시작 전", "아직 시작할 수 없음"] {
        assert!(tasks.contains(status), "{status} on the demo task list");
    }
    let section = app.page(&format!("{path}/sections/institution")).await;
    assert!(section.contains("value=\"한빛은행 주식회사\""));
}
