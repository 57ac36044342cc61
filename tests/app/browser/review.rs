//! The review in a real browser, in Korean and in English: the queue, a case's workspace with its
//! clocks and answers, taking it, an internal note, the comparison of two versions, the day-by-day
//! log and the confirmation of completeness, each checked with axe-core at both widths and the Nu HTML Checker.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use stablereg::domain::Role;
use stablereg::domain::application::SectionKind;

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
    crate::review::save(&app, case, SectionKind::Institution, 2, answers, issuer.id).await;
    // Submitted a fortnight ago, so the day-by-day log has weekends and counted days to show.
    app.sql(&format!(
        "UPDATE clock_events SET on_date = on_date - 14 WHERE application_id = '{case}'"
    ))
    .await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;

    let b = Browser::start().await;
    b.goto(&app.url("/login")).await;
    fill(&b, "email", &reviewer.email).await;
    fill(&b, "password", &reviewer.password).await;
    click(&b, "main form[action='/login'] button[type='submit']").await;
    wait_for_path(&b, "/mfa").await;
    fill(&b, "code", &app.current_code(&reviewer).await).await;
    click(&b, "main form[action='/mfa'] button[type='submit']").await;
    wait_for_path(&b, "/account").await;

    let workspace = format!("/review/{case}");
    for lang in ["ko", "en"] {
        b.goto(&app.url(&format!("/review?lang={lang}"))).await;
        wait_for_path(&b, "/review").await;
        b.check_page().await;
        click(&b, &format!("a[href='{workspace}']")).await;
        wait_for_path(&b, &workspace).await;
        b.check_page().await;
        if lang == "ko" {
            click(&b, &format!("form[action='{workspace}/take'] button")).await;
            wait_for_path(&b, &workspace).await;
            fill(&b, "body", "지분 구조 확인 필요").await;
            click(&b, &format!("form[action='{workspace}/notes'] button")).await;
            wait_for_path(&b, &workspace).await;
        }
        click(&b, "form[action$='/outcome'] button[value='satisfactory']").await;
        wait_for_path(&b, &workspace).await;
        b.check_page().await;
        // An empty note is sent back with its error beside the field.
        click(&b, &format!("form[action='{workspace}/notes'] button")).await;
        wait_for_path(&b, &format!("{workspace}/notes")).await;
        b.check_page().await;

        let compare = format!("{workspace}/sections/institution/compare");
        b.goto(&app.url(&compare)).await;
        wait_for_path(&b, &compare).await;
        b.check_page().await;
        b.goto(&app.url(&format!("{workspace}/clock"))).await;
        wait_for_path(&b, &format!("{workspace}/clock")).await;
        b.check_page().await;
    }
    // Confirmed complete: both clocks on the workspace.
    b.goto(&app.url(&workspace)).await;
    click(&b, &format!("form[action='{workspace}/complete'] button")).await;
    wait_for_path(&b, &workspace).await;
    assert!(b.text_of("main").await.contains("Assessment"));
    b.check_page().await;
    b.close().await;
}

async fn fill(b: &Browser, id: &str, value: &str) {
    let field = b.client.find(Locator::Id(id)).await.expect("the field");
    field.clear().await.unwrap();
    field.send_keys(value).await.expect("the field takes keys");
}

async fn click(b: &Browser, css: &str) {
    let element = b.client.find(Locator::Css(css)).await.expect(css);
    b.client
        .execute(
            "arguments[0].scrollIntoView({ block: 'center', behavior: 'instant' });",
            vec![serde_json::to_value(&element).unwrap()],
        )
        .await
        .unwrap();
    element.click().await.expect("it can be clicked");
}

/// Waits (up to 15 s) until the browser is on `path` and its page has loaded.
async fn wait_for_path(b: &Browser, path: &str) {
    let started = Instant::now();
    loop {
        let url = b.client.current_url().await.unwrap();
        let loaded = b
            .client
            .execute("return document.readyState", vec![])
            .await
            .unwrap();
        if url.path() == path && loaded == "complete" {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "waited in vain for {path}; the browser is on {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
