//! Consultation over HTTP: the assigned staff send a case to consulted bodies; each body's
//! consultees alone see it, read-only, and record one opinion, which the case and the proposal
//! show. Admins invite consultees with their body.

use reqwest::StatusCode;
use stablereg::domain::Role;

use super::decisions::{case_under_assessment, form_of, proposed_case, signed_in, state_of};
use crate::support::accounts::location;
use crate::support::harness::spawn_app;

#[tokio::test]
async fn a_case_sent_to_a_body_is_seen_and_answered_by_that_body_alone() {
    let app = spawn_app().await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    let bank = app.create_consultee("bank_of_korea").await;
    let fss = app.create_consultee("fss").await;
    let case = case_under_assessment(&app, reviewer.id).await;

    let as_reviewer = signed_in(&app, &reviewer).await;
    let page = format!("/review/{case}/consultations");
    let (token, version) = form_of(&as_reviewer, &page).await;
    let question = "Is the custody of reserves at two banks adequate?";
    let res = as_reviewer
        .post(
            &page,
            &token,
            &[
                ("version", &version),
                ("body_bank_of_korea", "on"),
                ("question", question),
                ("days", "10"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{page}?notice=consultation-sent"));
    assert_eq!(
        state_of(&app, case).await,
        "under_assessment",
        "no state of its own"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"review.consultation_sent".to_owned())
    );

    // The Bank of Korea's consultee is told, and finds it; the FSS's is not, and does not.
    let mail = app.last_mail_to(&bank.email).await;
    let path = crate::support::accounts::link_path(&mail, &app);
    assert!(path.starts_with("/consultations/"), "{path}");
    assert_eq!(app.mails_to(&fss.email).await, 0);
    let as_bank = signed_in(&app, &bank).await;
    assert!(as_bank.page("/consultations").await.contains(&path));
    let shown = as_bank.page(&path).await;
    assert!(shown.contains(question));
    let as_fss = signed_in(&app, &fss).await;
    assert!(!as_fss.page("/consultations").await.contains(&path));
    assert_eq!(as_fss.get(&path).await.status(), StatusCode::NOT_FOUND);
    let fss_token = as_fss.token("/account/password").await;
    let opinion = [("opinion", "objection"), ("reasons", "Not ours to say.")];
    let res = as_fss
        .post(&format!("{path}/opinion"), &fss_token, &opinion)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "another body's consultation"
    );

    // The opinion needs reasons; then it is recorded once, and shows on the case.
    let res = as_bank
        .submit(
            &path,
            &format!("{path}/opinion"),
            &[("opinion", "no_objection")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reasons = "Custody at two licensed banks meets our expectations.";
    let res = as_bank
        .submit(
            &path,
            &format!("{path}/opinion"),
            &[("opinion", "no_objection"), ("reasons", reasons)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let token = as_bank.token("/account/password").await;
    let again = [("opinion", "objection"), ("reasons", "Changed our mind.")];
    let res = as_bank
        .post(&format!("{path}/opinion"), &token, &again)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "one opinion per consultation"
    );
    let decision_page = as_reviewer.page(&format!("/review/{case}/decision")).await;
    assert!(decision_page.contains(reasons));
    assert!(decision_page.contains("이견 없음"), "the opinion in words");
    let actions = app.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "review.opinion_recorded")
            .count(),
        1
    );
}

#[tokio::test]
async fn only_the_assigned_staff_consult_and_only_under_assessment() {
    let app = spawn_app().await;
    let assigned = app.create_account(Role::Reviewer, None, false).await;
    let other = app.create_account(Role::Reviewer, None, false).await;
    let case = case_under_assessment(&app, assigned.id).await;
    let page = format!("/review/{case}/consultations");
    let send = |version: String| {
        vec![
            ("version".to_owned(), version),
            ("body_fss".to_owned(), "on".to_owned()),
            ("question".to_owned(), "Any concern?".to_owned()),
            ("days".to_owned(), "10".to_owned()),
        ]
    };
    let as_other = signed_in(&app, &other).await;
    let (token, version) = form_of(&as_other, &page).await;
    let fields = send(version);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = as_other.post(&page, &token, &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let as_assigned = signed_in(&app, &assigned).await;
    let (token, version) = form_of(&as_assigned, &page).await;
    let none_chosen = [
        ("version", version.as_str()),
        ("question", "Any concern?"),
        ("days", "10"),
    ];
    let res = as_assigned.post(&page, &token, &none_chosen).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let too_long = [
        ("version", version.as_str()),
        ("body_fss", "on"),
        ("question", "Any concern?"),
        ("days", "31"),
    ];
    let res = as_assigned.post(&page, &token, &too_long).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Once a decision is proposed the case is no longer consulted on.
    let (proposed, _) = proposed_case(&app, assigned.id).await;
    let token = as_assigned.token("/account/password").await;
    let res = as_assigned
        .post(
            &format!("/review/{proposed}/consultations"),
            &token,
            &[
                ("version", "1"),
                ("body_fss", "on"),
                ("question", "Late?"),
                ("days", "5"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        !app.audit_actions()
            .await
            .contains(&"review.consultation_sent".to_owned())
    );
}

#[tokio::test]
async fn an_admin_invites_a_consultee_with_their_body() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let as_admin = signed_in(&app, &admin).await;
    let form = as_admin.page("/admin/users/new").await;
    assert!(form.contains(r#"value="consultee""#) && form.contains("한국은행"));
    let fields = [
        ("name", "한은 담당자"),
        ("email", "consultee@bok.example"),
        ("role", "consultee"),
        ("lang", "ko"),
    ];
    let res = as_admin
        .submit("/admin/users/new", "/admin/users", &fields)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no body chosen"
    );
    let mut with_body = fields.to_vec();
    with_body.push(("body", "bank_of_korea"));
    let res = as_admin
        .submit("/admin/users/new", "/admin/users", &with_body)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let user = app.user_by_email("consultee@bok.example").await;
    assert_eq!(user.role, Role::Consultee);
    let mut conn = app.db().await;
    let body = stablereg::db::consultations::body_of(&mut conn, user.id)
        .await
        .unwrap();
    assert_eq!(
        body,
        Some(stablereg::domain::review::consultation::ConsultedBody::BankOfKorea)
    );
    // A reviewer's invitation names no body, whatever was ticked.
    let reviewer = [
        ("name", "심사 담당자"),
        ("email", "reviewer@fsc.example"),
        ("role", "reviewer"),
        ("lang", "ko"),
        ("body", "fss"),
    ];
    let res = as_admin
        .submit("/admin/users/new", "/admin/users", &reviewer)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let user = app.user_by_email("reviewer@fsc.example").await;
    let body = stablereg::db::consultations::body_of(&mut conn, user.id)
        .await
        .unwrap();
    assert_eq!(body, None);
}
