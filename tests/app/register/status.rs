//! Suspension, reinstatement and revocation by an approver or an admin: shown at once on the
//! register's page, the CSV, the JSON, the lookup and the feed, with the date and the reason; every
//! change audited; a revocation final; a bad form sent back with its errors.

use reqwest::StatusCode;
use stablereg::domain::Role;

use super::fixture::{EVM_ADDRESS, app_with_hanul};
use crate::support::accounts::location;

const FORM: &str = "/review/register/KRSC-2026-0001/status";

fn today() -> String {
    stablereg::services::review::clock::today().to_string()
}

#[tokio::test]
async fn a_suspension_shows_at_once_with_its_date_and_reason_and_is_audited() {
    let app = app_with_hanul().await;
    // Before anyone signs in: the public pages, so that nothing could be served from a cache.
    assert!(
        app.page("/register/KRSC-2026-0001?lang=en")
            .await
            .contains("Registered")
    );
    let approver = app.create_account(Role::Approver, None, false).await;
    app.sign_in(&approver).await;
    let form = app.page(FORM).await;
    assert!(form.contains("value=\"suspended\"") && form.contains("value=\"revoked\""));
    assert!(
        !form.contains("value=\"registered\""),
        "it is registered already"
    );
    let res = app
        .submit(
            FORM,
            FORM,
            &[
                ("status", "suspended"),
                ("reason", "Reserves below 100% for two months"),
                ("effective_on", &today()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/register/KRSC-2026-0001?notice=saved");

    let visitor = app.visitor();
    let page = visitor.page("/register/KRSC-2026-0001?lang=en").await;
    assert!(page.contains("Suspended") && page.contains("Reserves below 100% for two months"));
    assert!(page.contains("not currently in good standing"));
    assert!(page.contains(&format!("since <time datetime=\"{}\">", today())));
    let listed = visitor.page("/register?status=suspended").await;
    assert!(listed.contains("KRSC-2026-0001"));
    let csv = visitor.get("/register.csv").await.text().await.unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.starts_with(&format!("KRSC-2026-0001,suspended,{},", today())),
        "{row}"
    );
    let json: serde_json::Value = visitor.get("/register.json").await.json().await.unwrap();
    let history = json["entries"][0]["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["status"], "suspended");
    assert_eq!(history[1]["note"], "Reserves below 100% for two months");
    let lookup: serde_json::Value = visitor
        .get(&format!(
            "/register/lookup.json?chain=ethereum&address={EVM_ADDRESS}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lookup["issuers"][0]["status"], "suspended");
    let feed = visitor
        .get("/register/feed.atom")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(feed.matches("<entry>").count(), 2);
    assert!(feed.contains("suspended from"));
    let actions = app.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "register.status_changed")
            .count(),
        2,
        "the registration and the suspension: {actions:?}"
    );
}

#[tokio::test]
async fn a_bad_change_is_sent_back_and_a_revocation_is_final() {
    let app = app_with_hanul().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let res = app
        .submit(
            FORM,
            FORM,
            &[
                ("status", "registered"),
                ("reason", " "),
                ("effective_on", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("status-error") && page.contains("reason-error"));
    assert!(
        page.contains("effective_on-error"),
        "before the registration"
    );
    let before = app.audit_actions().await.len();
    let change = |status: &'static str| {
        let app = &app;
        async move {
            app.submit(
                FORM,
                FORM,
                &[
                    ("status", status),
                    ("reason", "Decision of the Commission"),
                    ("effective_on", &today()),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(change("suspended").await, StatusCode::SEE_OTHER);
    assert_eq!(
        change("registered").await,
        StatusCode::SEE_OTHER,
        "reinstated"
    );
    assert_eq!(change("revoked").await, StatusCode::SEE_OTHER);
    assert_eq!(
        change("registered").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "final"
    );
    let final_form = app.page(&format!("{FORM}?lang=en")).await;
    assert!(final_form.contains("its status no longer changes"));
    assert_eq!(app.audit_actions().await.len(), before + 3);
    let page = app.page("/register/KRSC-2026-0001?lang=en").await;
    assert!(page.contains("Revoked"));
    assert_eq!(page.matches("Decision of the Commission").count(), 3);
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    let visitor = app.visitor();
    visitor.sign_in(&reviewer).await;
    assert_eq!(visitor.get(FORM).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/review/register/KRSC-2026-0404/status")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
