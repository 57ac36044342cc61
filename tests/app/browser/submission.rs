//! Check your answers, the declaration, the confirmation, withdrawal and the dashboard's timeline in
//! a real browser, in Korean and in English: each page checked at both widths (axe-core, no
//! sideways scrolling, the Nu HTML Checker), and the declaration made by keyboard-free clicks on
//! its label and button as a person would.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use stablereg::domain::Role;
use stablereg::i18n::Lang;

use crate::application::complete::fill_everything;
use crate::support::accounts::PASSWORD;
use crate::support::browser::Browser;
use crate::support::harness::{TestApp, spawn_app};

#[tokio::test]
async fn checking_submitting_and_withdrawing_pass_axe_in_both_languages() {
    let app = spawn_app().await;
    let b = Browser::start().await;
    for lang in Lang::ALL {
        journey(&app, &b, lang).await;
        b.client.delete_all_cookies().await.unwrap();
    }
    b.close().await;
}

async fn journey(app: &TestApp, b: &Browser, lang: Lang) {
    let institution = app
        .create_institution(&format!("Browser {}", lang.code()))
        .await;
    let account = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    app.sql(&format!(
        "UPDATE users SET is_authorised_signatory = true, lang = '{}' WHERE id = '{}'",
        lang.code(),
        account.id
    ))
    .await;
    let id = app.create_application(institution, account.id).await;
    b.goto(&app.url(&format!("/login?lang={}", lang.code())))
        .await;
    fill(b, "email", &account.email).await;
    fill(b, "password", PASSWORD).await;
    click(b, "main form[action='/login'] button[type='submit']").await;
    wait_for_heading(b, &lang.t("account-title")).await;

    // Incomplete: what is missing, each a link; no declaration yet.
    let check = app.url(&format!("/applications/{id}/check"));
    b.goto(&check).await;
    wait_for_heading(b, &lang.t("check-title")).await;
    assert!(
        b.text_of("#missing")
            .await
            .contains(&lang.t("check-missing-title"))
    );
    b.check_page().await;

    // Complete: every answer, the warnings, and the declaration.
    fill_everything(app, id, account.id).await;
    b.goto(&check).await;
    wait_for_heading(b, &lang.t("check-title")).await;
    b.check_page().await;
    click(b, "label[for='declaration']").await;
    click(b, ".portal-declaration button[type='submit']").await;
    wait_for_heading(b, &lang.t("submitted-title")).await;
    assert!(b.text_of(".portal-reference").await.starts_with("APP-"));
    b.check_page().await;

    // Withdrawal: the reason is required, then the dashboard tells of it.
    b.goto(&app.url(&format!("/applications/{id}/withdraw")))
        .await;
    wait_for_heading(b, &lang.t("withdraw-title")).await;
    b.check_page().await;
    click(b, "main form button[type='submit']").await;
    wait_for(b, "the reason's error", || async {
        b.client.find(Locator::Css("#reason-error")).await.is_ok()
    })
    .await;
    b.check_page().await;
    fill(b, "reason", "Withdrawn in a browser test").await;
    click(b, "main form button[type='submit']").await;
    wait_for_heading(b, &lang.t("applications-title")).await;
    assert!(
        b.text_of(".portal-timeline")
            .await
            .contains("Withdrawn in a browser test")
    );
    b.check_page().await;
}

async fn click(b: &Browser, css: &str) {
    let element = b
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    b.client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center', behavior: 'instant' });",
            vec![serde_json::to_value(&element).unwrap()],
        )
        .await
        .expect("the page scrolls");
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
}

async fn fill(b: &Browser, id: &str, value: &str) {
    let field = b
        .client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no #{id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn wait_for_heading(b: &Browser, h1: &str) {
    wait_for(b, h1, || async {
        match b.client.find(Locator::Css("h1")).await {
            Ok(found) => found.text().await.unwrap_or_default() == h1,
            Err(_) => false,
        }
    })
    .await;
}

async fn wait_for<F, Fut>(b: &Browser, what: &str, ready: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        let url = b.client.current_url().await.map(|u| u.to_string());
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "waited in vain for {what} on {url:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
