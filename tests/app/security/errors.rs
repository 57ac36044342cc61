//! Error pages: styled, in the user's language, and silent about internals.

use actix_web::web;
use stablereg::error::AppError;

use crate::support::harness::{TestConfig, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_unknown_page_is_a_styled_404_in_both_languages() {
    let app = spawn_app().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("페이지를 찾을 수 없습니다"));
    assert!(
        body.contains("krds"),
        "the error page uses the portal layout"
    );
    let body = app.get("/no/such/page?lang=en").await.text().await.unwrap();
    assert!(body.contains("Page not found"));
}

#[tokio::test]
async fn a_missing_static_file_is_a_styled_404() {
    let app = spawn_app().await;
    let res = app.get("/static/0/css/nothing.css").await;
    assert_eq!(res.status(), 404);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("페이지를 찾을 수 없습니다")
    );
}

fn boom(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/test/boom",
        web::get().to(|| async {
            Err::<String, _>(AppError::Internal(anyhow::anyhow!(
                "SELECT secret FROM vault WHERE password = 'hunter2'"
            )))
        }),
    )
    .route(
        "/test/conflict",
        web::get().to(|| async { Err::<String, _>(AppError::Conflict) }),
    )
    .route(
        "/test/forbidden",
        web::get().to(|| async { Err::<String, _>(AppError::Forbidden) }),
    );
}

#[tokio::test]
async fn an_internal_error_shows_a_request_id_and_nothing_internal() {
    let app = spawn_app_with(TestConfig {
        extra_routes: boom,
        ..TestConfig::default()
    })
    .await;
    let res = app.get("/test/boom?lang=en").await;
    assert_eq!(res.status(), 500);
    let body = res.text().await.unwrap();
    assert!(body.contains("Something went wrong"));
    assert!(!body.contains("SELECT") && !body.contains("hunter2") && !body.contains("vault"));
    let id = body
        .split("<code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .expect("the page shows a request id");
    assert_eq!(id.len(), 36, "a UUID request id: {id}");
}

#[tokio::test]
async fn conflict_and_forbidden_pages_are_styled_in_both_languages() {
    let app = spawn_app_with(TestConfig {
        extra_routes: boom,
        ..TestConfig::default()
    })
    .await;
    let res = app.get("/test/conflict").await;
    assert_eq!(res.status(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("다른 변경과 충돌했습니다")
    );
    let res = app.get("/test/forbidden?lang=en").await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("You do not have access"));
}
