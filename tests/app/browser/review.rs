//! The review in a real browser, in Korean and in English: the queue, a case's workspace with its
//! clocks and answers, taking it, an internal note, the comparison of two versions, the day-by-day
//! log and the confirmation of completeness, each checked with axe-core at both widths and the Nu HTML Checker.

use stablereg::domain::Role;
use stablereg::domain::application::SectionKind;
use stablereg::i18n::Lang;

use crate::support::browser::Browser;

#[tokio::test]
async fn the_queue_and_the_workspace_pass_axe_in_both_languages() {
    let app = crate::support::harness::spawn_app().await;
    let issuer = app.create_issuer_admin("Hanbit").await;
    let case = crate::review::submitted_case(&app, issuer.institution.unwrap(), issuer.id, 3).await;
    let answers = serde_json::json!({
        "values": {"legal_name_ko": "한빛디지털 주식회사", "legal_name_en": "Hanbit Digital Assets Co., Ltd."},
        "rows": {"shareholders": [{"id": "r1", "values": {"name": "한빛은행", "share": "55", "is_bank": "yes"}}]}
    });
    crate::application::save_section(&app, case, SectionKind::Institution, 2, answers, issuer.id)
        .await;
    // Submitted a fortnight ago, so the day-by-day log has weekends and counted days to show.
    app.sql(&format!(
        "UPDATE clock_events SET on_date = on_date - 14 WHERE application_id = '{case}'"
    ))
    .await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;

    let b = Browser::start().await;
    b.sign_in(&app, &reviewer, Lang::Ko).await;

    let workspace = format!("/review/{case}");
    for lang in ["ko", "en"] {
        b.goto(&app.url(&format!("/review?lang={lang}"))).await;
        b.wait_for_path("/review").await;
        b.check_page().await;
        b.click(&format!("a[href='{workspace}']")).await;
        b.wait_for_path(&workspace).await;
        b.check_page().await;
        if lang == "ko" {
            b.click(&format!("form[action='{workspace}/take'] button"))
                .await;
            b.wait_for_path(&workspace).await;
            b.check_page().await;
            b.fill("body", "지분 구조 확인 필요").await;
            b.click(&format!("form[action='{workspace}/notes'] button"))
                .await;
            b.wait_for_path(&workspace).await;
            b.check_page().await;
        }
        b.click("form[action$='/outcome'] button[value='satisfactory']")
            .await;
        b.wait_for_path(&workspace).await;
        b.check_page().await;
        // An empty note is sent back with its error beside the field.
        b.click(&format!("form[action='{workspace}/notes'] button"))
            .await;
        b.wait_for_path(&format!("{workspace}/notes")).await;
        b.check_page().await;

        let compare = format!("{workspace}/sections/institution/compare");
        b.goto(&app.url(&compare)).await;
        b.wait_for_path(&compare).await;
        b.check_page().await;
        b.goto(&app.url(&format!("{workspace}/clock"))).await;
        b.wait_for_path(&format!("{workspace}/clock")).await;
        b.check_page().await;
    }
    // Confirmed complete: both clocks on the workspace.
    b.goto(&app.url(&workspace)).await;
    b.click(&format!("form[action='{workspace}/complete'] button"))
        .await;
    b.wait_for_path(&workspace).await;
    assert!(b.text_of("main").await.contains("Assessment"));
    b.check_page().await;
    b.close().await;
}
