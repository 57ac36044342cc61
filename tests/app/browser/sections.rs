//! The task list and the section pages in a real browser, in Korean and in English: starting an
//! application, a section sent back with its errors, a row added without JavaScript's help, and the
//! attestation with its totals and checks, each page checked at both widths (axe-core, no sideways
//! scrolling, the Nu HTML Checker).

use fantoccini::Locator;
use stablereg::domain::Role;
use stablereg::i18n::Lang;

use crate::application::complete::fill_everything;
use crate::support::browser::Browser;
use crate::support::harness::{TestApp, spawn_app};

#[tokio::test]
async fn the_task_list_and_section_pages_pass_axe_in_both_languages() {
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
        .create_institution(&format!("Sections {}", lang.code()))
        .await;
    let account = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    b.sign_in(app, &account, lang).await;

    b.goto(&app.url("/applications")).await;
    b.wait_for_heading(&lang.t("applications-title")).await;
    b.check_page().await;
    b.click("main form[action='/applications'] button[type='submit']")
        .await;
    b.wait_for_heading(&lang.t("task-list-title")).await;
    b.check_page().await;
    let task_list = b.current_path().await;
    // Every section answered (as a colleague might have), so the pages below show their checks.
    let id = task_list
        .trim_start_matches("/applications/")
        .parse()
        .unwrap();
    fill_everything(app, id, account.id).await;
    b.goto(&app.url(&task_list)).await;
    b.wait_for_heading(&lang.t("task-list-title")).await;
    b.check_page().await;

    // A section sent back: the summary names each field, every value kept.
    b.click(".portal-task-title a").await;
    b.wait_for_heading(&lang.t("section-institution-title"))
        .await;
    b.check_page().await;
    b.fill("business_registration_number", "124-81-00999").await;
    b.click(".portal-actions button[value='continue']").await;
    b.wait_for("the error summary", || async {
        b.client
            .find(Locator::Css(".portal-error-summary"))
            .await
            .is_ok()
    })
    .await;
    assert!(
        b.text_of(".portal-error-summary")
            .await
            .contains(&lang.t("field-brn"))
    );
    b.check_page().await;

    // A row added by a button, without any script.
    let management = format!("{task_list}/sections/management");
    b.goto(&app.url(&management)).await;
    b.wait_for_heading(&lang.t("section-management-title"))
        .await;
    b.check_page().await;
    b.click("button[value='add:directors']").await;
    b.wait_for("a second director", || async {
        b.client.find(Locator::Id("directors-1-name")).await.is_ok()
    })
    .await;
    b.check_page().await;

    // The attestation of a complete application: its totals and its checks.
    b.goto(&app.url(&format!("{task_list}/sections/attestation")))
        .await;
    b.wait_for_heading(&lang.t("section-attestation-title"))
        .await;
    assert!(b.client.find(Locator::Css(".portal-totals")).await.is_ok());
    b.check_page().await;
    b.goto(&app.url(&task_list)).await;
    b.wait_for_heading(&lang.t("task-list-title")).await;
    b.check_page().await;
}
