//! Liveness and readiness, including a database that goes away and comes back.

use std::time::{Duration, Instant};

use stablereg::embedded_pg::{Durability, EmbeddedPostgres};

use crate::support::harness::{ScratchCluster, TestConfig, spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_and_readyz_answer_when_all_is_well() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ready");
}

/// The database is stopped under a running portal: /readyz must say 503 quickly (a hang would be
/// as bad as no answer), and 200 again soon after the database returns, without a restart.
#[tokio::test]
async fn readyz_follows_the_database_down_and_up() {
    // A cluster of this test's own, so stopping it disturbs no other test.
    let root = ScratchCluster::new("outage");
    let mut pg = EmbeddedPostgres::new(&root, Durability::Disposable).unwrap();
    pg.ensure_running().unwrap();
    let mut config = TestConfig::default();
    config.env.insert("DATABASE_URL", pg.database_url());
    let app = spawn_app_with(config).await;
    let probe = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let readyz = app.url("/readyz");
    assert_eq!(probe.get(&readyz).send().await.unwrap().status(), 200);

    // A signed-in user, whose every page needs the database (the session lives there).
    let issuer = app.create_issuer_admin("한빛").await;
    app.sign_in(&issuer).await;

    pg.stop().unwrap();
    for _ in 0..3 {
        let res = probe
            .get(&readyz)
            .send()
            .await
            .expect("answered within 2 s while the database is down");
        assert_eq!(res.status(), 503);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("서비스를 잠시 이용할 수 없습니다")
        );
    }
    assert_eq!(
        probe
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = app.get("/account").await;
    assert_eq!(
        res.status(),
        503,
        "a signed-in page is a 503 while the database is down, never a 500"
    );
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("서비스를 잠시 이용할 수 없습니다")
    );

    pg.ensure_running().unwrap();
    let back = Instant::now();
    let mut status = 0;
    while back.elapsed() < Duration::from_secs(2) {
        status = probe
            .get(&readyz)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        status, 200,
        "ready again within 2 s of the database's return"
    );
    drop(app);
}
