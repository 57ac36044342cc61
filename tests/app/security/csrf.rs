//! CSRF (SECURITY.md): a missing, wrong or other session's token is a 403, and so is a POST the
//! browser marks as cross-site or whose Origin is not ours. The sign-in form is protected too.

use reqwest::StatusCode;

use crate::support::accounts::PASSWORD;
use crate::support::harness::spawn_app;

#[tokio::test]
async fn forms_without_the_sessions_token_are_refused() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    let fields = [("email", account.email.as_str()), ("password", PASSWORD)];
    let _ = app.page("/login").await;

    let missing = app
        .client
        .post(app.url("/login"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("접근 권한이 없습니다"),
        "a styled page"
    );

    let wrong = app.post("/login", "0000", &fields).await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);

    // A token from another browser's session.
    let theirs = app.visitor().token("/login").await;
    let res = app.post("/login", &theirs, &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // No session at all.
    let fresh = reqwest::Client::new();
    let res = fresh
        .post(app.url("/login"))
        .form(&[("csrf_token", theirs.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The right token works.
    let token = app.token("/login").await;
    assert_eq!(
        app.post("/login", &token, &fields).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused_before_the_form_is_read() {
    let app = spawn_app().await;
    let token = app.token("/login").await;
    let form = [
        ("csrf_token", token.as_str()),
        ("email", "a@b.kr"),
        ("password", "whatever123456"),
    ];
    let res = app
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        res.headers().contains_key("content-security-policy"),
        "refusals carry the security headers"
    );
    let res = app
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Our own origin is fine.
    let ours = app.settings.base_url.origin().ascii_serialization();
    let res = app
        .client
        .post(app.url("/login"))
        .header("origin", ours)
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
