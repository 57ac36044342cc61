//! Four-eyes decisions over HTTP: who may propose and decide in which state, the database's own
//! refusal of a proposer deciding, the registration number gapless per year under concurrent
//! approvals, the mails to the issuer and the decision letter. Also the cases the other review
//! tests and the security walks start from.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Datelike;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::StatusCode;
use stablereg::domain::Role;
use uuid::Uuid;

use crate::support::accounts::{Account, Visitor, csrf_token, location};
use crate::support::harness::{TestApp, spawn_app};

/// A reference no other case of the run has.
fn next_reference() -> String {
    static SEQ: AtomicU32 = AtomicU32::new(1);
    format!("APP-2026-{:06}", SEQ.fetch_add(1, Ordering::SeqCst))
}

/// A case under assessment of an institution of its own (an institution has one open
/// application), started by an issuer member writing in Korean, assigned to `assignee`.
pub async fn case_under_assessment(app: &TestApp, assignee: Uuid) -> Uuid {
    let institution = app.create_institution("심사").await;
    case_of(app, institution, assignee).await.0
}

/// A case under assessment of `institution`, and the member who started it.
async fn case_of(app: &TestApp, institution: Uuid, assignee: Uuid) -> (Uuid, Account) {
    let starter = app
        .create_account(Role::Issuer, Some(institution), false)
        .await;
    let id = Uuid::now_v7();
    app.sql(&format!(
        "INSERT INTO applications (id, institution_id, created_by, state, reference, submitted_at, \
         assignee_id) VALUES ('{id}', '{institution}', '{}', 'under_assessment', '{}', now(), \
         '{assignee}')",
        starter.id,
        next_reference()
    ))
    .await;
    // An approval publishes what the case answered about itself and its token.
    crate::register::fixture::save_register_sections(app, id, "Hanbit", "HKRW", starter.id).await;
    (id, starter)
}

/// A rejected application of `institution` (proposed by `proposer`, decided by another
/// approver): it has a decision letter.
pub async fn decided_case(app: &TestApp, institution: Uuid, proposer: Uuid) -> Uuid {
    let approver = app.create_account(Role::Approver, None, false).await;
    let id = Uuid::now_v7();
    app.sql(&format!(
        "INSERT INTO applications (id, institution_id, created_by, state, reference, submitted_at, \
         closed_at, assignee_id) VALUES ('{id}', '{institution}', '{proposer}', 'rejected', '{}', \
         now(), now(), '{proposer}')",
        next_reference()
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO decision_proposals (id, application_id, outcome, reasons, proposed_by, \
         decision, decided_by, decided_at) VALUES ('{}', '{id}', 'reject', 'The reserve policy \
         is incomplete.', '{proposer}', 'rejected', '{}', now())",
        Uuid::now_v7(),
        approver.id
    ))
    .await;
    id
}

/// A consultation of `case` sent to `body`.
pub async fn consultation(app: &TestApp, case: Uuid, body: &str, sent_by: Uuid) -> Uuid {
    let id = Uuid::now_v7();
    app.sql(&format!(
        "INSERT INTO consultations (id, application_id, body, question, due_on, sent_by) \
         VALUES ('{id}', '{case}', '{body}', 'Is the reserve custody adequate?', \
         CURRENT_DATE + 14, '{sent_by}')"
    ))
    .await;
    id
}

/// A case whose approval `proposer` proposed, waiting for a decision.
pub async fn proposed_case(app: &TestApp, proposer: Uuid) -> (Uuid, Account) {
    let institution = app.create_institution("결정").await;
    let (id, starter) = case_of(app, institution, proposer).await;
    app.sql(&format!(
        "UPDATE applications SET state = 'decision_proposed' WHERE id = '{id}'"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO decision_proposals (id, application_id, outcome, reasons, conditions, \
         proposed_by) VALUES ('{}', '{id}', 'approve', 'Reserves are fully backed.', \
         'Issuance at most 100 billion won.', '{proposer}')",
        Uuid::now_v7()
    ))
    .await;
    (id, starter)
}

/// A signed-in browser for `account`.
pub async fn signed_in<'a>(app: &'a TestApp, account: &Account) -> Visitor<'a> {
    let visitor = app.visitor();
    visitor.sign_in(account).await;
    visitor
}

/// The CSRF token and the case version a page's form carries.
pub async fn form_of(visitor: &Visitor<'_>, page: &str) -> (String, String) {
    let html = visitor.page(page).await;
    let token = csrf_token(&html).expect("a form");
    let version = html
        .split(r#"name="version" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries the case's version")
        .to_owned();
    (token, version)
}

pub async fn state_of(app: &TestApp, case: Uuid) -> String {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        state: String,
    }
    let mut conn = app.db().await;
    let row: Row = diesel::sql_query("SELECT state FROM applications WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(case)
        .get_result(&mut conn)
        .await
        .unwrap();
    row.state
}

async fn version_of(app: &TestApp, case: Uuid) -> i32 {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        version: i32,
    }
    let mut conn = app.db().await;
    let row: Row = diesel::sql_query("SELECT version FROM applications WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(case)
        .get_result(&mut conn)
        .await
        .unwrap();
    row.version
}

/// The registration numbers given, in order.
async fn numbers(app: &TestApp) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        registration_number: String,
    }
    let mut conn = app.db().await;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT registration_number FROM decision_proposals \
         WHERE registration_number IS NOT NULL ORDER BY registration_number",
    )
    .load(&mut conn)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.registration_number).collect()
}

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| *a == action).count()
}

async fn propose(visitor: &Visitor<'_>, case: Uuid, fields: &[(&str, &str)]) -> reqwest::Response {
    let (token, version) = form_of(visitor, &format!("/review/{case}/decision")).await;
    let mut form = vec![("version", version.as_str())];
    form.extend_from_slice(fields);
    visitor
        .post(&format!("/review/{case}/propose"), &token, &form)
        .await
}

async fn decide(visitor: &Visitor<'_>, case: Uuid, fields: &[(&str, &str)]) -> reqwest::Response {
    let (token, version) = form_of(visitor, &format!("/review/{case}/decision")).await;
    let mut form = vec![("version", version.as_str())];
    form.extend_from_slice(fields);
    visitor
        .post(&format!("/review/{case}/decide"), &token, &form)
        .await
}

const APPROVE: [(&str, &str); 3] = [
    ("outcome", "approve"),
    ("reasons", "Reserves are fully backed and held apart."),
    ("conditions", "Issuance at most 100 billion won."),
];

#[tokio::test]
async fn a_proposal_approved_by_another_approver_numbers_registers_and_writes_the_letter() {
    let app = spawn_app().await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    let approver = app.create_account(Role::Approver, None, false).await;
    let institution = app.create_institution("한빛").await;
    let (case, member) = case_of(&app, institution, reviewer.id).await;

    let as_reviewer = signed_in(&app, &reviewer).await;
    let res = propose(&as_reviewer, case, &APPROVE).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        format!("/review/{case}/decision?notice=decision-proposed")
    );
    assert_eq!(state_of(&app, case).await, "decision_proposed");
    // The proposer, an approver or not, never decides their own: here a reviewer may not at all.
    let res = decide(&as_reviewer, case, &[("decision", "approved")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let as_approver = signed_in(&app, &approver).await;
    let page = as_approver.page(&format!("/review/{case}/decision")).await;
    assert!(page.contains("Reserves are fully backed and held apart."));
    let res = decide(&as_approver, case, &[("decision", "approved")]).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(state_of(&app, case).await, "approved");
    let year = chrono::Utc::now().year();
    let number = format!("KRSC-{year}-0001");
    assert_eq!(numbers(&app).await, vec![number.clone()]);
    let actions = app.audit_actions().await;
    assert_eq!(count(&actions, "review.decision_proposed"), 1);
    assert_eq!(count(&actions, "review.approved"), 1);

    // The issuer is told in their language, with the number and the letter's link.
    let mail = app.last_mail_to(&member.email).await;
    assert!(mail.body_text.contains(&number), "{}", mail.body_text);
    assert!(
        mail.body_text
            .contains(&format!("/applications/{case}/letter"))
    );
    assert!(mail.subject.contains("결정"), "Korean: {}", mail.subject);

    let as_member = signed_in(&app, &member).await;
    let letter = as_member
        .page(&format!("/applications/{case}/letter"))
        .await;
    for expected in [
        number.as_str(),
        "Reserves are fully backed and held apart.",
        "Issuance at most 100 billion won.",
        "Test approver",
        "승인권자",
        "등록번호",
        "<svg role=\"img\"",
        &format!("/register/{number}"),
    ] {
        assert!(letter.contains(expected), "the letter shows {expected:?}");
    }
    assert!(letter.contains(r#"<article class="portal-letter" lang="ko">"#));
    // The approval put the issuer on the public register, which anyone can read.
    let entry = app.visitor().page(&format!("/register/{number}")).await;
    assert!(entry.contains("Hanbit"), "the register shows the issuer");
    assert!(entry.contains("HKRW"), "and its token");
    assert!(entry.contains(crate::register::fixture::EVM_CHECKSUMMED));
    assert_eq!(
        count(&app.audit_actions().await, "register.status_changed"),
        1
    );
    // The issuer's timeline tells of the approval as the regulator's, without staff names, and
    // not of the internal proposal.
    let dashboard = as_member.page("/applications").await;
    assert!(
        dashboard.contains("등록 승인"),
        "the approval is on the timeline"
    );
    assert!(
        !dashboard.contains("결정안 상신"),
        "the proposal is internal"
    );
    assert!(!dashboard.contains("Test approver") && !dashboard.contains("Test reviewer"));
    // The dashboard shows the number and links the letter: the issuer need not keep the mail.
    assert!(dashboard.contains(&format!("<strong>{number}</strong>")));
    assert!(dashboard.contains(&format!("href=\"/applications/{case}/letter\"")));
    // Staff find the queue in the header, and from the case its consultation and decision pages.
    let workspace = as_approver.page(&format!("/review/{case}")).await;
    for link in [
        "/review".to_owned(),
        format!("/review/{case}/consultations"),
        format!("/review/{case}/decision"),
    ] {
        assert!(workspace.contains(&format!("href=\"{link}\"")), "{link}");
    }
    let staff_letter = as_approver.page(&format!("/review/{case}/letter")).await;
    assert!(staff_letter.contains(&number));
    // Another institution's member finds no letter.
    let stranger = app.create_issuer_admin("가온").await;
    let as_stranger = signed_in(&app, &stranger).await;
    let res = as_stranger
        .get(&format!("/applications/{case}/letter"))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_role_may_propose_and_decide_only_where_the_rules_say() {
    let app = spawn_app().await;
    let assigned = app.create_account(Role::Reviewer, None, false).await;
    let unassigned = app.create_account(Role::Reviewer, None, false).await;
    let proposer = app.create_account(Role::Approver, None, false).await;
    let decider = app.create_account(Role::Approver, None, false).await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let consultee = app.create_consultee("bank_of_korea").await;
    let institution = app.create_institution("한빛").await;
    let (case, member) = case_of(&app, institution, assigned.id).await;

    // Not staff of the review: refused by the route, whatever they send.
    for account in [&member, &admin, &consultee] {
        let visitor = signed_in(&app, account).await;
        let token = visitor.token("/account/password").await;
        for action in ["propose", "decide"] {
            let res = visitor
                .post(
                    &format!("/review/{case}/{action}"),
                    &token,
                    &[("version", "0")],
                )
                .await;
            assert_eq!(
                res.status(),
                StatusCode::FORBIDDEN,
                "{action} by {}",
                account.email
            );
        }
        let res = visitor.get(&format!("/review/{case}/decision")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    // A reviewer the case is not assigned to may read it but not propose.
    let as_unassigned = signed_in(&app, &unassigned).await;
    let res = propose(&as_unassigned, case, &APPROVE).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("다른 담당자에게 배정된"));
    // Nothing to decide under assessment.
    let as_decider = signed_in(&app, &decider).await;
    let res = decide(&as_decider, case, &[("decision", "approved")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // A proposal needs an outcome and reasons; conditions go with an approval only.
    let as_assigned = signed_in(&app, &assigned).await;
    let res = propose(&as_assigned, case, &[("outcome", "approve")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reject_with_conditions = [
        ("outcome", "reject"),
        ("reasons", "No white paper."),
        ("conditions", "A cap."),
    ];
    let res = propose(&as_assigned, case, &reject_with_conditions).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(state_of(&app, case).await, "under_assessment");

    // An approver assigned the case proposes; they may then not decide it, another approver may.
    app.sql(&format!(
        "UPDATE applications SET assignee_id = '{}' WHERE id = '{case}'",
        proposer.id
    ))
    .await;
    let as_proposer = signed_in(&app, &proposer).await;
    let reject = [("outcome", "reject"), ("reasons", "No white paper.")];
    let res = propose(&as_proposer, case, &reject).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = propose(&as_proposer, case, &reject).await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "proposed already");
    let res = decide(&as_proposer, case, &[("decision", "approved")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("다른 승인권자가 결정해야")
    );
    let res = decide(&as_assigned, case, &[("decision", "rejected")]).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "a reviewer never decides"
    );

    // Returning needs a reason; then the case is under assessment again, the proposal kept.
    let res = decide(&as_decider, case, &[("decision", "returned")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let back = [
        ("decision", "returned"),
        ("reason", "Ask the Bank of Korea first."),
    ];
    let res = decide(&as_decider, case, &back).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, case).await, "under_assessment");
    let page = as_decider.page(&format!("/review/{case}/decision")).await;
    assert!(page.contains("Ask the Bank of Korea first."));
    assert_eq!(app.mails_to(&member.email).await, 0, "a return is internal");

    // Proposed again and rejected: no number, the issuer told, the letter says why.
    let res = propose(&as_proposer, case, &reject).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = decide(&as_decider, case, &[("decision", "rejected")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, case).await, "rejected");
    assert!(numbers(&app).await.is_empty());
    let page = as_decider.page(&format!("/review/{case}/decision")).await;
    assert!(!page.contains("/decide\""), "decided: no form any more");
    assert!(page.contains(&format!("/review/{case}/letter")));
    let token = csrf_token(&page).expect("the page's sign-out form");
    let version = version_of(&app, case).await.to_string();
    let again = [("version", version.as_str()), ("decision", "approved")];
    let res = as_decider
        .post(&format!("/review/{case}/decide"), &token, &again)
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "decided already");
    let letter = as_decider.page(&format!("/review/{case}/letter")).await;
    assert!(letter.contains("No white paper."));
    assert!(!letter.contains("<svg"), "no register entry to check");
    let mail = app.last_mail_to(&member.email).await;
    assert!(mail.body_text.contains("거절"), "{}", mail.body_text);
    let actions = app.audit_actions().await;
    assert_eq!(count(&actions, "review.decision_proposed"), 2);
    assert_eq!(count(&actions, "review.proposal_returned"), 1);
    assert_eq!(count(&actions, "review.rejected"), 1);
    assert_eq!(count(&actions, "review.approved"), 0);
}

#[tokio::test]
async fn a_page_seen_before_the_case_changed_is_stale() {
    let app = spawn_app().await;
    let proposer = app.create_account(Role::Reviewer, None, false).await;
    let approver = app.create_account(Role::Approver, None, false).await;
    let (case, _) = proposed_case(&app, proposer.id).await;
    let as_approver = signed_in(&app, &approver).await;
    let (token, version) = form_of(&as_approver, &format!("/review/{case}/decision")).await;
    app.sql(&format!(
        "UPDATE applications SET version = version + 1 WHERE id = '{case}'"
    ))
    .await;
    let res = as_approver
        .post(
            &format!("/review/{case}/decide"),
            &token,
            &[("version", &version), ("decision", "approved")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(
        body.contains(&format!(r#"href="/review/{case}/decision""#)),
        "{body}"
    );
    assert_eq!(state_of(&app, case).await, "decision_proposed");
}

#[tokio::test]
async fn the_database_refuses_a_proposer_deciding_their_own_proposal() {
    let app = spawn_app().await;
    let proposer = app.create_account(Role::Approver, None, false).await;
    let (case, _) = proposed_case(&app, proposer.id).await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let error = diesel::sql_query(
        "UPDATE decision_proposals SET decision = 'rejected', decided_by = proposed_by, \
         decided_at = now() WHERE application_id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(case)
    .execute(&mut conn)
    .await
    .expect_err("the four-eyes check refuses it");
    assert!(error.to_string().contains("four_eyes"), "{error}");
}

#[tokio::test]
async fn two_approvers_deciding_at_once_one_wins_and_the_other_is_told() {
    let app = spawn_app().await;
    let proposer = app.create_account(Role::Reviewer, None, false).await;
    let first = app.create_account(Role::Approver, None, false).await;
    let second = app.create_account(Role::Approver, None, false).await;
    let (case, _) = proposed_case(&app, proposer.id).await;
    let (a, b) = (
        signed_in(&app, &first).await,
        signed_in(&app, &second).await,
    );
    let path = format!("/review/{case}/decision");
    let ((token_a, version_a), (token_b, version_b)) =
        (form_of(&a, &path).await, form_of(&b, &path).await);
    let action = format!("/review/{case}/decide");
    let form_a = [("version", version_a.as_str()), ("decision", "approved")];
    let form_b = [("version", version_b.as_str()), ("decision", "approved")];
    let (res_a, res_b) = tokio::join!(
        a.post(&action, &token_a, &form_a),
        b.post(&action, &token_b, &form_b),
    );
    let mut statuses = [res_a.status(), res_b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let actions = app.audit_actions().await;
    assert_eq!(count(&actions, "review.approved"), 1);
    assert_eq!(numbers(&app).await.len(), 1);
}

#[tokio::test]
async fn fifty_approvals_at_once_get_fifty_consecutive_numbers() {
    let app = spawn_app().await;
    let proposer = app.create_account(Role::Reviewer, None, false).await;
    let approver = app.create_account(Role::Approver, None, false).await;
    let mut cases = Vec::new();
    for _ in 0..50 {
        cases.push(proposed_case(&app, proposer.id).await.0);
    }
    let settings = app.settings.clone();
    let key = stablereg::audit::AuditKey::from_settings(&settings).unwrap();
    let tasks: Vec<_> = cases
        .into_iter()
        .map(|case| {
            let (settings, key, url) = (settings.clone(), key.clone(), app.database_url.clone());
            let (approver_id, email) = (approver.id, approver.email.clone());
            tokio::spawn(async move {
                let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
                let actor = stablereg::audit::Actor {
                    user_id: Some(approver_id),
                    email: Some(email),
                    client_addr: None,
                };
                let cx = stablereg::services::Context {
                    settings: &settings,
                    audit_key: &key,
                    actor: &actor,
                };
                let staff = stablereg::services::review::decisions::StaffMember {
                    id: approver_id,
                    role: Role::Approver,
                };
                let approved = stablereg::domain::review::consultation::Decision::Approved;
                stablereg::services::review::decisions::decide(
                    &mut conn, &cx, case, 1, staff, approved, None,
                )
                .await
                .unwrap()
            })
        })
        .collect();
    for task in tasks {
        let made = task.await.unwrap();
        assert!(made.registration_number.is_some(), "{made:?}");
    }
    let year = chrono::Utc::now().year();
    let expected: Vec<String> = (1..=50).map(|n| format!("KRSC-{year}-{n:04}")).collect();
    assert_eq!(numbers(&app).await, expected);
    // The count the register's trigger keeps (the public page's total) saw every concurrent
    // publication: each writer counted after the one before it had committed.
    assert_eq!(kept_register_count(&app).await, (50, 50));
}

/// The register's kept count beside the entries actually there.
async fn kept_register_count(app: &TestApp) -> (i64, i64) {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        kept: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        counted: i64,
    }
    let mut conn = app.db().await;
    let row: Row = diesel::sql_query(
        "SELECT entries AS kept, (SELECT count(*) FROM register_entries) AS counted \
         FROM register_generation",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    (row.kept, row.counted)
}
