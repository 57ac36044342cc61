//! Withdrawing an application with a reason (then the institution may start again), and another
//! institution's application not found on any route of checking, submitting or withdrawing.

use reqwest::StatusCode;

use super::complete::fill_everything;
use super::submission::{application, count, declare, filing, submit_url};
use crate::support::accounts::location;
use crate::support::harness::spawn_app;

#[tokio::test]
async fn a_withdrawal_gives_its_reason_and_frees_the_institution_to_start_again() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    fill_everything(&app, f.id, f.signatory.id).await;
    assert_eq!(
        declare(&f.signatory_visitor, f.id).await.status(),
        StatusCode::SEE_OTHER
    );
    let withdraw = format!("/applications/{}/withdraw", f.id);
    let page = f.colleague_visitor.page(&withdraw).await;
    assert!(page.contains("name=\"reason\""));

    let res = f
        .colleague_visitor
        .submit(&withdraw, &withdraw, &[("reason", "   ")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Enter why you are withdrawing the application.")
    );
    let long = "가".repeat(2001);
    let res = f
        .colleague_visitor
        .submit(&withdraw, &withdraw, &[("reason", long.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("2000"), "the limit told");
    assert!(html.contains(&long), "what was typed kept");
    assert_eq!(application(&app, f.id).await.state.as_str(), "submitted");

    let reason = "사업 계획을 다시 세웁니다";
    let res = f
        .colleague_visitor
        .submit(&withdraw, &withdraw, &[("reason", reason)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/applications?notice=withdrawn");
    let stored = application(&app, f.id).await;
    assert_eq!(stored.state.as_str(), "withdrawn");
    assert_eq!(stored.withdrawal_reason.as_deref(), Some(reason));
    assert!(stored.closed_at.is_some());
    let confirmation = f
        .signatory_visitor
        .page(&format!("/applications/{}/submitted", f.id))
        .await;
    assert!(
        !confirmation.contains("기한은") && !confirmation.contains("/withdraw\""),
        "no deadline and no withdrawal once withdrawn: {confirmation}"
    );
    let details = count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM audit_log WHERE action = 'application.withdrawn' \
             AND object_id = '{}' AND details->'details'->>'reason' = '{reason}'",
            f.id
        ),
    )
    .await;
    assert_eq!(details, 1, "audited with the reason");

    let dashboard = f.signatory_visitor.page(&location(&res)).await;
    assert!(dashboard.contains("신청이 철회되었습니다"), "{dashboard}");
    assert!(dashboard.contains(reason), "the timeline gives the reason");
    assert!(
        dashboard.contains("action=\"/applications\""),
        "a new one may start"
    );
    assert_eq!(
        f.signatory_visitor.get(&withdraw).await.status(),
        StatusCode::CONFLICT,
        "withdrawn once"
    );
    let res = f
        .signatory_visitor
        .submit("/applications", "/applications", &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_ne!(
        location(&res),
        format!("/applications/{}", f.id),
        "a new one"
    );

    // A draft may be withdrawn as well.
    let g = filing(&app, "Dasol").await;
    let withdraw = format!("/applications/{}/withdraw", g.id);
    let res = g
        .signatory_visitor
        .submit(&withdraw, &withdraw, &[("reason", "다시 준비합니다")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(application(&app, g.id).await.state.as_str(), "withdrawn");
}

#[tokio::test]
async fn another_institutions_application_is_not_found_on_every_new_route() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    fill_everything(&app, f.id, f.signatory.id).await;
    let other = filing(&app, "Dasol").await;
    let stranger = &other.signatory_visitor;
    for path in ["check", "submitted", "withdraw"] {
        let res = stranger
            .get(&format!("/applications/{}/{path}", f.id))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    let token = stranger.token("/applications").await;
    let res = stranger
        .post(&submit_url(f.id), &token, &[("declaration", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = stranger
        .post(
            &format!("/applications/{}/withdraw", f.id),
            &token,
            &[("reason", "남의 신청서")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let stored = application(&app, f.id).await;
    assert_eq!(stored.state.as_str(), "draft", "untouched");
}
