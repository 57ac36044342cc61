//! A member uploads a document in a real browser, with the script on (progress bar, size check
//! before sending): the page before, a refused file, a stored one and its replacement, each checked
//! with axe-core at a desktop's and a phone's width, in Korean and in English.

use fantoccini::Locator;
use stablereg::i18n::Lang;

use crate::support::browser::Browser;
use crate::support::documents::pdf;
use crate::support::harness::spawn_app;

#[tokio::test]
async fn a_member_uploads_and_replaces_a_document_in_korean() {
    upload_journey(Lang::Ko).await;
}

#[tokio::test]
async fn a_member_uploads_and_replaces_a_document_in_english() {
    upload_journey(Lang::En).await;
}

async fn upload_journey(lang: Lang) {
    let app = spawn_app().await;
    let member = app.create_issuer_admin("한빛").await;
    let application = app
        .create_application(member.institution.unwrap(), member.id)
        .await;
    let files = tempfile::tempdir().unwrap();
    let (good, html) = (
        files.path().join("계획서.pdf"),
        files.path().join("page.pdf"),
    );
    std::fs::write(&good, pdf(2000)).unwrap();
    std::fs::write(&html, b"<html><body>not a pdf</body></html>").unwrap();

    let b = Browser::start().await;
    b.goto(&app.url(&format!("/login?lang={}", lang.code())))
        .await;
    type_into(&b, "email", &member.email).await;
    type_into(&b, "password", &member.password).await;
    b.click("main form[action='/login'] button[type='submit']")
        .await;
    b.wait_for("the sign-in to finish", || async {
        !b.client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/login")
    })
    .await;

    let page = app.url(&format!(
        "/applications/{application}/documents/business_plan?lang={}",
        lang.code()
    ));
    b.goto(&page).await;
    assert_eq!(text(&b, "h1").await, lang.t("document-business_plan"));
    b.check_page().await;

    // Not a PDF: the server's page comes back in place, with the message beside the field.
    choose_file(&b, &html).await;
    b.click("form.portal-upload button[type='submit']").await;
    b.wait_for("the refusal", || async {
        b.client
            .find(Locator::Css(".portal-error-summary"))
            .await
            .is_ok()
    })
    .await;
    assert!(
        text(&b, "#file-error")
            .await
            .contains(&lang.t("upload-not-pdf"))
    );
    b.check_page().await;

    // A PDF, then a new version of it: both listed with their hashes.
    for _ in 0..2 {
        b.goto(&page).await;
        choose_file(&b, &good).await;
        b.click("form.portal-upload button[type='submit']").await;
        b.wait_for("the upload to finish", || async {
            b.client
                .current_url()
                .await
                .unwrap()
                .path()
                .contains("/sections/")
        })
        .await;
        b.goto(&page).await;
        b.wait_for("the version to be listed", || async {
            b.client.source().await.unwrap().contains("계획서.pdf")
        })
        .await;
    }
    assert!(
        b.client
            .find(Locator::Css("#earlier-heading"))
            .await
            .is_ok()
    );
    b.check_page().await;
    b.close().await;
}

async fn type_into(b: &Browser, id: &str, value: &str) {
    let field = b.client.find(Locator::Id(id)).await.expect("the field");
    field.send_keys(value).await.expect("the field takes keys");
}

async fn choose_file(b: &Browser, path: &std::path::Path) {
    let input = b
        .client
        .find(Locator::Id("file"))
        .await
        .expect("a file input");
    input
        .send_keys(path.to_str().unwrap())
        .await
        .expect("the file is chosen");
}

async fn text(b: &Browser, css: &str) -> String {
    b.client
        .find(Locator::Css(css))
        .await
        .expect(css)
        .text()
        .await
        .unwrap()
}
