//! An information request in a real browser, in Korean and in English: the reviewer's form (a row
//! added without JavaScript, errors), the request page, then the issuer's task list and request
//! page (with the error of an unanswered item); each page checked at both widths (axe-core, no
//! sideways scrolling, the Nu HTML Checker).

use stablereg::domain::Role;
use stablereg::i18n::Lang;
use uuid::Uuid;

use crate::application::complete::fill_everything;
use crate::support::accounts::Account;
use crate::support::browser::Browser;
use crate::support::harness::{TestApp, spawn_app};

#[tokio::test]
async fn the_request_pages_pass_axe_in_both_languages() {
    let app = spawn_app().await;
    let b = Browser::start().await;
    for lang in Lang::ALL {
        journey(&app, &b, lang).await;
        b.client.delete_all_cookies().await.unwrap();
    }
    b.close().await;
}

/// A submitted application of a new institution, its signatory, and a reviewer assigned to it.
async fn case(app: &TestApp, lang: Lang) -> (Uuid, Account, Account) {
    let institution = app
        .create_institution(&format!("Request {}", lang.code()))
        .await;
    let member = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    app.sql(&format!(
        "UPDATE users SET is_authorised_signatory = true WHERE id = '{}'",
        member.id
    ))
    .await;
    let issuer = app.visitor();
    issuer.sign_in(&member).await;
    let id = app.create_application(institution, member.id).await;
    fill_everything(app, id, member.id).await;
    let check = format!("/applications/{id}/check");
    let submit = format!("/applications/{id}/submit");
    issuer
        .submit(&check, &submit, &[("declaration", "yes")])
        .await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    app.sql(&format!(
        "UPDATE applications SET assignee_id = '{}' WHERE id = '{id}'",
        reviewer.id
    ))
    .await;
    (id, member, reviewer)
}

async fn journey(app: &TestApp, b: &Browser, lang: Lang) {
    let (id, member, reviewer) = case(app, lang).await;
    b.sign_in(app, &reviewer, lang).await;
    b.goto(&app.url(&format!("/review/{id}/requests/new")))
        .await;
    b.wait_for_heading(&lang.t("inforeq-new-title")).await;
    b.check_page().await;
    b.click("main form button[value='add']").await;
    b.wait_for_heading(&lang.t("inforeq-new-title")).await;
    assert!(
        b.client
            .find(fantoccini::Locator::Id("question-1"))
            .await
            .is_ok()
    );
    b.check_page().await;
    b.click("main form button[value='send']").await;
    b.wait_for_heading(&lang.t("inforeq-new-title")).await;
    b.check_page().await;
    b.click("#target-0 option[value='field:institution:legal_name_en']")
        .await;
    b.fill("question-0", "Spell the English name as registered.")
        .await;
    b.click("main form button[value='remove:1']").await;
    b.wait_for_heading(&lang.t("inforeq-new-title")).await;
    b.check_page().await;
    b.click("main form button[value='send']").await;
    b.wait_for_heading(&lang.t("inforeq-title")).await;
    b.check_page().await;
    b.client.delete_all_cookies().await.unwrap();

    b.sign_in(app, &member, lang).await;
    b.goto(&app.url(&format!("/applications/{id}"))).await;
    b.wait_for_heading(&lang.t("task-list-title")).await;
    b.check_page().await;
    b.click("#open-request ~ p a").await;
    b.wait_for_heading(&lang.t("inforeq-title")).await;
    b.check_page().await;
    b.click("main form[action$='/send'] button[type='submit']")
        .await;
    b.wait_for_heading(&lang.t("inforeq-title")).await;
    assert!(
        b.text_of(".portal-error-summary")
            .await
            .contains(&lang.t("inforeq-unanswered"))
    );
    b.check_page().await;
}
