//! The home page and the language choice.

use crate::support::harness::spawn_app;

#[tokio::test]
async fn home_page_is_korean_by_default() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains(r#"<html lang="ko">"#));
    assert!(body.contains("스테이블코인 발행인 등록"));
    assert!(body.contains(r#"href="/signup""#) && body.contains(r#"href="/login""#));
    assert!(body.contains(r#"href="/register""#));
}

#[tokio::test]
async fn the_language_switch_answers_in_english_and_is_remembered() {
    let app = spawn_app().await;
    let res = app.get("/?lang=en").await;
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .expect("a language cookie")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    let body = res.text().await.unwrap();
    assert!(body.contains(r#"<html lang="en">"#));
    assert!(body.contains("Stablecoin issuer registration"));
    // The next page, without the parameter, stays English because of the cookie.
    let body = app.get("/").await.text().await.unwrap();
    assert!(body.contains(r#"<html lang="en">"#));
    // And switching back works the same way.
    let body = app.get("/?lang=ko").await.text().await.unwrap();
    assert!(body.contains(r#"<html lang="ko">"#));
    assert!(
        app.get("/")
            .await
            .text()
            .await
            .unwrap()
            .contains(r#"<html lang="ko">"#)
    );
}

#[tokio::test]
async fn accept_language_decides_the_first_visit() {
    let app = spawn_app().await;
    let en = app
        .get_with("/", &[("accept-language", "en-GB,en;q=0.9")])
        .await
        .text()
        .await
        .unwrap();
    assert!(en.contains(r#"<html lang="en">"#));
    let fr = app
        .get_with("/", &[("accept-language", "fr-FR")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        fr.contains(r#"<html lang="ko">"#),
        "an unsupported language falls back to Korean"
    );
}

#[tokio::test]
async fn the_switch_links_drop_the_notice_so_it_is_not_told_again() {
    let app = spawn_app().await;
    let body = app
        .get("/?notice=signed-out&page=2&lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("You have signed out."), "{body}");
    assert!(body.contains(r#"href="/?page=2&#38;lang=ko""#), "{body}");
    assert!(!body.contains("notice=signed-out&#38;"), "{body}");
}

#[tokio::test]
async fn the_switch_links_keep_the_rest_of_the_query() {
    let app = spawn_app().await;
    let body = app.get("/?page=2&lang=en").await.text().await.unwrap();
    assert!(body.contains(r#"href="/?page=2&#38;lang=ko""#), "{body}");
    // A fresh visitor (no language cookie yet) with an unknown ?lang= gets the default.
    let body = reqwest::get(app.url("/?lang=xx"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains(r#"<html lang="ko">"#),
        "an unknown ?lang= is ignored"
    );
}

#[tokio::test]
async fn static_files_are_versioned_cached_and_compressed() {
    let app = spawn_app().await;
    let home = app.get("/").await.text().await.unwrap();
    let href = home
        .split('"')
        .find(|s| s.starts_with("/static/") && s.ends_with("/css/app.css"))
        .expect("a versioned stylesheet link")
        .to_owned();
    let res = app.get_with(&href, &[("accept-encoding", "gzip")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let krds = href.replace("/css/app.css", "/vendor/krds/css/component/component.css");
    assert_eq!(
        app.get(&krds).await.status(),
        200,
        "KRDS is served from npm's copy"
    );
}

#[tokio::test]
async fn a_signed_in_users_language_choice_becomes_their_mail_language() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    // A link from another site, or one opened from a mail, switches the page but leaves the
    // account alone.
    for site in ["cross-site", "none"] {
        let res = app
            .get_with("/account?lang=en", &[("sec-fetch-site", site)])
            .await;
        assert!(res.text().await.unwrap().contains(r#"<html lang="en">"#));
        assert_eq!(app.user(account.id).await.lang, "ko", "{site}");
    }
    // The switch on our own pages changes the account's language too.
    let res = app
        .get_with("/account?lang=en", &[("sec-fetch-site", "same-origin")])
        .await;
    assert!(res.text().await.unwrap().contains(r#"<html lang="en">"#));
    assert_eq!(app.user(account.id).await.lang, "en");
    // A password reset mail now comes in English.
    app.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", &account.email)],
    )
    .await;
    let mail = app.last_mail_to(&account.email).await;
    assert!(
        mail.subject.contains("Reset your password"),
        "{}",
        mail.subject
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "user.language_changed")
    );
}
