//! The consultation, decision and letter pages in a real browser, in Korean and in English: each
//! checked with axe-core at a desktop's and a phone's width and with the Nu HTML Checker, with the
//! forms as a person fills them.

use fantoccini::Locator;
use stablereg::domain::Role;
use stablereg::i18n::Lang;

use super::decisions::{case_under_assessment, consultation};
use crate::support::browser::Browser;
use crate::support::harness::spawn_app;

#[tokio::test]
async fn consultation_decision_and_letter_pages_pass_axe_in_both_languages() {
    let app = spawn_app().await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    let approver = app.create_account(Role::Approver, None, false).await;
    let consultee = app.create_consultee("bank_of_korea").await;
    let b = Browser::start().await;
    for lang in [Lang::Ko, Lang::En] {
        let code = lang.code();
        let case = case_under_assessment(&app, reviewer.id).await;
        let asked = consultation(&app, case, "bank_of_korea", reviewer.id).await;

        // The consultee's list, and the case with the opinion form, then with the opinion.
        b.sign_in(&app, &consultee, Lang::Ko).await;
        b.goto(&app.url(&format!("/consultations?lang={code}")))
            .await;
        assert_eq!(b.text_of("h1").await, lang.t("consultee-title"));
        b.check_page().await;
        b.goto(&app.url(&format!("/consultations/{asked}?lang={code}")))
            .await;
        b.check_page().await;
        b.click("main form button[type='submit']").await;
        b.wait_for_path(&format!("/consultations/{asked}/opinion"))
            .await;
        assert!(!b.text_of(".portal-error-summary").await.is_empty());
        b.check_page().await;
        b.click("label[for='opinion_no_objection']").await;
        b.fill("reasons", "Custody at two banks is sound.").await;
        b.click("main form button[type='submit']").await;
        b.wait_for_path(&format!("/consultations/{asked}")).await;
        b.check_page().await;

        // The reviewer's consultation page and the proposal form.
        b.sign_in(&app, &reviewer, Lang::Ko).await;
        b.goto(&app.url(&format!("/review/{case}/consultations?lang={code}")))
            .await;
        assert!(
            b.text_of("main")
                .await
                .contains("Custody at two banks is sound.")
        );
        b.check_page().await;
        b.goto(&app.url(&format!("/review/{case}/decision?lang={code}")))
            .await;
        b.check_page().await;
        b.click("label[for='outcome_approve']").await;
        b.fill("reasons", "Reserves are fully backed.").await;
        b.fill("conditions", "Issuance at most 100 billion won.")
            .await;
        b.click("main form[action$='/propose'] button[type='submit']")
            .await;
        b.wait_for_path(&format!("/review/{case}/decision")).await;
        b.check_page().await;

        // The approver decides; the letter is printable, with its QR code.
        b.sign_in(&app, &approver, Lang::Ko).await;
        b.goto(&app.url(&format!("/review/{case}/decision?lang={code}")))
            .await;
        b.check_page().await;
        b.click("label[for='decision_approved']").await;
        b.click("main form[action$='/decide'] button[type='submit']")
            .await;
        b.wait_for_path(&format!("/review/{case}/decision")).await;
        b.check_page().await;
        b.goto(&app.url(&format!("/review/{case}/letter?lang={code}")))
            .await;
        assert!(b.text_of("main").await.contains("KRSC-"));
        b.client
            .find(Locator::Css("svg.portal-qr"))
            .await
            .expect("the QR code");
        b.check_page().await;
    }
    b.close().await;
}
