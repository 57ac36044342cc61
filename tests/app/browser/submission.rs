//! Check your answers, the declaration, the confirmation, withdrawal and the dashboard's timeline in
//! a real browser, in Korean and in English: each page checked at both widths (axe-core, no
//! sideways scrolling, the Nu HTML Checker), and the declaration made by keyboard-free clicks on
//! its label and button as a person would.

use fantoccini::Locator;
use stablereg::domain::Role;
use stablereg::i18n::Lang;

use crate::application::complete::fill_everything;
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
    b.sign_in(app, &account, lang).await;

    // Incomplete: what is missing, each a link; no declaration yet.
    let check = app.url(&format!("/applications/{id}/check"));
    b.goto(&check).await;
    b.wait_for_heading(&lang.t("check-title")).await;
    assert!(
        b.text_of("#missing")
            .await
            .contains(&lang.t("check-missing-title"))
    );
    b.check_page().await;

    // Complete: every answer, the warnings, and the declaration.
    fill_everything(app, id, account.id).await;
    b.goto(&check).await;
    b.wait_for_heading(&lang.t("check-title")).await;
    b.check_page().await;
    b.click("label[for='declaration']").await;
    b.click(".portal-declaration button[type='submit']").await;
    b.wait_for_heading(&lang.t("submitted-title")).await;
    assert!(b.text_of(".portal-reference").await.starts_with("APP-"));
    b.check_page().await;

    // Withdrawal: the reason is required, then the dashboard tells of it.
    b.goto(&app.url(&format!("/applications/{id}/withdraw")))
        .await;
    b.wait_for_heading(&lang.t("withdraw-title")).await;
    b.check_page().await;
    b.click("main form button[type='submit']").await;
    b.wait_for("the reason's error", || async {
        b.client.find(Locator::Css("#reason-error")).await.is_ok()
    })
    .await;
    b.check_page().await;
    b.fill("reason", "Withdrawn in a browser test").await;
    b.click("main form button[type='submit']").await;
    b.wait_for_heading(&lang.t("applications-title")).await;
    assert!(
        b.text_of(".portal-timeline")
            .await
            .contains("Withdrawn in a browser test")
    );
    b.check_page().await;
}
