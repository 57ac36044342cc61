//! The review workspace over HTTP: the submitted application read-only with its clock, internal
//! notes the issuer never sees, section outcomes, the comparison of two versions, and the
//! confirmation of completeness that starts the assessment clock.

use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use stablereg::domain::Role;
use stablereg::domain::application::SectionKind;
use uuid::Uuid;

use crate::support::accounts::{Account, Visitor, location};
use crate::support::harness::{TestApp, spawn_app};

/// A submitted case of a new institution, its member signed in, and a reviewer signed in.
async fn case_with_people(app: &TestApp) -> (Uuid, Account, Visitor<'_>, Account, Visitor<'_>) {
    let issuer = app.create_issuer_admin("Hanbit").await;
    let case = super::submitted_case(app, issuer.institution.unwrap(), issuer.id, 42).await;
    let member = app.visitor();
    member.sign_in(&issuer).await;
    let reviewer_account = app.create_account(Role::Reviewer, None, false).await;
    let reviewer = app.visitor();
    reviewer.sign_in(&reviewer_account).await;
    (case, issuer, member, reviewer_account, reviewer)
}

#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct Event {
    #[diesel(sql_type = diesel::sql_types::Text)]
    phase: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
}

async fn clock_events(app: &TestApp, case: Uuid) -> Vec<(String, String)> {
    let rows: Vec<Event> = diesel::sql_query(format!(
        "SELECT phase, kind FROM clock_events WHERE application_id = '{case}' ORDER BY seq"
    ))
    .load(&mut app.db().await)
    .await
    .unwrap();
    rows.into_iter().map(|e| (e.phase, e.kind)).collect()
}

#[tokio::test]
async fn the_workspace_shows_the_submitted_answers_and_the_completeness_clock() {
    let app = spawn_app().await;
    let (case, issuer, _, _, reviewer) = case_with_people(&app).await;
    let page = reviewer.page(&format!("/review/{case}")).await;
    assert!(page.contains("APP-2026-000042"), "the reference");
    assert!(page.contains("Hanbit 주식회사"), "the institution");
    assert!(
        page.contains("Hanbit Digital Co., Ltd."),
        "an answer as submitted"
    );
    assert!(page.contains("한빛은행"), "a group's row");
    assert!(
        page.contains("완결성") || page.contains("Completeness"),
        "the clock's phase"
    );
    assert!(
        page.contains("0 / 25"),
        "no working day used yet of 25: {page}"
    );
    assert!(page.contains("미배정"), "unassigned");
    assert!(
        page.contains(&format!("/review/{case}/take")),
        "it can be taken"
    );

    let log = reviewer.page(&format!("/review/{case}/clock")).await;
    assert!(log.contains("일자별 기록"));

    let english = reviewer.page(&format!("/review/{case}?lang=en")).await;
    assert!(english.contains("Submitted application"), "in English too");
    let draft = app
        .create_application(app.create_institution("Dasom").await, issuer.id)
        .await;
    assert_eq!(
        reviewer.get(&format!("/review/{draft}")).await.status(),
        StatusCode::NOT_FOUND,
        "a draft is no case"
    );
}

#[tokio::test]
async fn internal_notes_stay_internal_and_outcomes_are_recorded() {
    let app = spawn_app().await;
    let (case, _, member, _, reviewer) = case_with_people(&app).await;
    let page = format!("/review/{case}");
    let secret = "Shareholder 한빛은행 looks thin; check the consolidation memo 7731";
    let res = reviewer
        .submit(
            &page,
            &format!("/review/{case}/notes"),
            &[("section", "institution"), ("body", secret)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let shown = reviewer.page(&page).await;
    assert!(
        shown.contains("consolidation memo 7731"),
        "the note is on the case"
    );

    let res = reviewer
        .submit(&page, &format!("/review/{case}/notes"), &[("body", "   ")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty note"
    );
    assert!(res.text().await.unwrap().contains("메모 내용을 입력하세요"));

    let res = reviewer
        .submit(
            &page,
            &format!("/review/{case}/sections/institution/outcome"),
            &[("outcome", "needs_information")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        reviewer
            .page(&page)
            .await
            .contains("보완 필요 (Test reviewer)")
    );

    for path in [
        "/applications".to_owned(),
        format!("/applications/{case}"),
        format!("/applications/{case}/sections/institution"),
    ] {
        let res = member.get(&path).await;
        let body = res.text().await.unwrap();
        assert!(!body.contains("7731"), "{path} shows no note");
        assert!(!body.contains("보완 필요 (Test"), "{path} shows no outcome");
    }
    assert_eq!(
        member.get(&page).await.status(),
        StatusCode::FORBIDDEN,
        "the issuer does not reach the workspace"
    );
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"review.note_added".to_owned()));
    assert!(actions.contains(&"review.section_outcome_set".to_owned()));
    let logged = app
        .sql("SELECT 1 FROM audit_log WHERE details::text LIKE '%7731%'")
        .await;
    assert_eq!(
        logged, 0,
        "the audit log says a note was added, not what it says"
    );
}

#[tokio::test]
async fn two_versions_of_a_section_are_compared_field_by_field() {
    let app = spawn_app().await;
    let (case, issuer, _, _, reviewer) = case_with_people(&app).await;
    let answers = serde_json::json!({
        "values": {"legal_name_ko": "한빛디지털 주식회사", "legal_name_en": "Hanbit Digital Assets Co., Ltd.",
                   "website": "https://www.hanbit.example.kr"},
        "rows": {"shareholders": [{"id": "r1", "values": {"name": "한빛은행", "share": "55", "is_bank": "yes"}}]}
    });
    crate::application::save_section(&app, case, SectionKind::Institution, 2, answers, issuer.id)
        .await;

    let page = reviewer
        .page(&format!("/review/{case}/sections/institution/compare"))
        .await;
    assert!(page.contains("Hanbit Digital Co., Ltd."), "as submitted");
    assert!(
        page.contains("Hanbit Digital Assets Co., Ltd."),
        "as answered since"
    );
    assert!(
        page.contains("55") && page.contains("60"),
        "a row's field too"
    );
    assert!(
        !page.contains("https://www.hanbit.example.kr"),
        "unchanged fields are not listed"
    );
    assert_eq!(page.matches("<th scope=\"row\">").count(), 2, "{page}");

    let same = reviewer
        .page(&format!(
            "/review/{case}/sections/institution/compare?from=2&to=2"
        ))
        .await;
    assert!(same.contains("달라진 항목이 없습니다"));
    let missing = reviewer
        .page(&format!(
            "/review/{case}/sections/institution/compare?from=9&to=1"
        ))
        .await;
    assert!(missing.contains("없는 버전"));
    assert_eq!(
        reviewer
            .get(&format!("/review/{case}/sections/nothing/compare"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let workspace = reviewer.page(&format!("/review/{case}")).await;
    assert!(
        workspace.contains("최신 버전: 2"),
        "the workspace says a newer version exists"
    );
}

#[tokio::test]
async fn confirming_completeness_starts_the_assessment_clock_and_tells_the_issuer() {
    let app = spawn_app().await;
    let (case, issuer, _, _, reviewer) = case_with_people(&app).await;
    let page = format!("/review/{case}");
    let complete = format!("/review/{case}/complete");
    assert_eq!(
        clock_events(&app, case).await,
        [("completeness".to_owned(), "started".to_owned())]
    );

    let res = reviewer.submit(&page, &complete, &[]).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "not assigned to them yet"
    );
    let res = reviewer
        .submit(&page, &format!("/review/{case}/take"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let shown = reviewer.page(&page).await;
    assert!(shown.contains(&complete), "the assignee may confirm");
    let res = reviewer.submit(&page, &complete, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), page);

    assert_eq!(
        clock_events(&app, case).await,
        [
            ("completeness".to_owned(), "started".to_owned()),
            ("completeness".to_owned(), "stopped".to_owned()),
            ("assessment".to_owned(), "started".to_owned()),
        ]
    );
    let shown = reviewer.page(&page).await;
    assert!(shown.contains("심사 중"), "under assessment");
    assert!(
        shown.contains("0 / 60"),
        "the assessment's 60 working days have started"
    );
    let mail = app
        .mail_to_about(&issuer.email, "신청서가 완비되었습니다")
        .await;
    assert!(mail.body_text.contains("APP-2026-000042"));
    let due: Vec<Due> = diesel::sql_query(format!(
        "SELECT due_on::text AS due FROM applications WHERE id = '{case}'"
    ))
    .load(&mut app.db().await)
    .await
    .unwrap();
    let due = due[0].due.clone().expect("a deadline");
    assert!(
        mail.body_text.contains(&due),
        "the deadline {due} is in the mail"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"review.completeness_confirmed".to_owned())
    );

    let res = reviewer.submit(&page, &complete, &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "not twice");
    assert!(
        res.text().await.unwrap().contains(&page),
        "with a link to the case"
    );
}

#[derive(diesel::QueryableByName)]
struct Due {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    due: Option<String>,
}

#[tokio::test]
async fn the_latest_submission_is_shown_with_the_attestations_figures() {
    let app = spawn_app().await;
    let (case, issuer, _, _, reviewer) = case_with_people(&app).await;
    let supply = serde_json::json!({"rows": {"supply": [{
        "id": "0123456789abcdef0123456789abcdef",
        "values": {"chain": "ethereum", "minted": "1,000,000"}
    }]}});
    crate::application::save_section(&app, case, SectionKind::Attestation, 1, supply, issuer.id)
        .await;
    // A second round: the institution section as first submitted, and now the attestation.
    app.sql(&format!(
        "INSERT INTO submissions (application_id, round, submitted_by, sections, documents) \
         VALUES ('{case}', 2, '{}', '{{\"institution\": 1, \"attestation\": 1}}', '{{}}')",
        issuer.id
    ))
    .await;
    let page = reviewer.page(&format!("/review/{case}?lang=en")).await;
    assert!(
        page.contains("id=\"section-attestation\""),
        "the second round's section"
    );
    assert!(
        page.contains("Redeemable tokens outstanding"),
        "the figures: {page}"
    );
    assert!(page.contains("Coverage ratio"));
}

#[tokio::test]
async fn a_draft_withdrawn_before_submission_is_no_case_for_staff() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("Hanbit").await;
    let draft = app
        .create_application(issuer.institution.unwrap(), issuer.id)
        .await;
    // Withdrawn as a draft: closed, never submitted.
    app.sql(&format!(
        "UPDATE applications SET state = 'withdrawn', closed_at = now(), \
         withdrawal_reason = 'Not ready' WHERE id = '{draft}'"
    ))
    .await;
    let account = app.create_account(Role::Reviewer, None, false).await;
    let reviewer = app.visitor();
    reviewer.sign_in(&account).await;
    let res = reviewer.get(&format!("/review/{draft}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let token = reviewer.token("/review").await;
    let res = reviewer
        .post(
            &format!("/review/{draft}/notes"),
            &token,
            &[("body", "A note")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let actions = app.audit_actions().await;
    assert!(
        !actions.iter().any(|a| a.starts_with("review.note")),
        "no note was kept"
    );
}
