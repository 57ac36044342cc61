//! Check your answers, the declaration and submission (one reference, one snapshot, one set of
//! mails however many times it is sent), the confirmation, withdrawal and the issuer's timeline.

use chrono::Datelike;
use diesel_async::RunQueryDsl;
use futures_util::future::join_all;
use reqwest::StatusCode;
use stablereg::db;
use stablereg::domain::Role;
use stablereg::domain::application::SectionKind;
use uuid::Uuid;

use super::complete::{complete_answers, fill_everything, save_sections};
use crate::support::accounts::{Account, Visitor, csrf_token, location};
use crate::support::harness::{TestApp, spawn_app};

/// An institution with a signatory (Korean) and a colleague who is not one (English), and a draft
/// application started by the signatory.
pub(super) struct Filing<'a> {
    pub signatory: Account,
    pub colleague: Account,
    pub signatory_visitor: Visitor<'a>,
    pub colleague_visitor: Visitor<'a>,
    pub id: Uuid,
}

pub(super) async fn filing<'a>(app: &'a TestApp, name: &str) -> Filing<'a> {
    let institution = app.create_institution(name).await;
    let signatory = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    let colleague = app
        .create_account(Role::Issuer, Some(institution), false)
        .await;
    app.sql(&format!(
        "UPDATE users SET is_authorised_signatory = true, display_name = '김서명' WHERE id = '{}'",
        signatory.id
    ))
    .await;
    app.sql(&format!(
        "UPDATE users SET lang = 'en', display_name = 'Jane Colleague' WHERE id = '{}'",
        colleague.id
    ))
    .await;
    let signatory_visitor = app.visitor();
    signatory_visitor.sign_in(&signatory).await;
    let colleague_visitor = app.visitor();
    colleague_visitor.sign_in(&colleague).await;
    // The colleague reads the portal in English (the cookie `?lang=` leaves).
    colleague_visitor.page("/applications?lang=en").await;
    let res = signatory_visitor
        .submit("/applications", "/applications", &[])
        .await;
    let id: Uuid = location(&res)
        .trim_start_matches("/applications/")
        .parse()
        .expect("the new application");
    Filing {
        signatory,
        colleague,
        signatory_visitor,
        colleague_visitor,
        id,
    }
}

pub(super) fn check_url(id: Uuid) -> String {
    format!("/applications/{id}/check")
}

pub(super) fn submit_url(id: Uuid) -> String {
    format!("/applications/{id}/submit")
}

/// The one-time key of the first form on a page.
fn form_key(html: &str) -> String {
    html.split(r#"name="idempotency_key" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form key")
        .to_owned()
}

pub(super) async fn declare(visitor: &Visitor<'_>, id: Uuid) -> reqwest::Response {
    visitor
        .submit(&check_url(id), &submit_url(id), &[("declaration", "yes")])
        .await
}

fn seoul_year() -> i32 {
    stablereg::domain::calendar::seoul_date(chrono::Utc::now()).year()
}

pub(super) async fn count(app: &TestApp, query: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.db().await;
    diesel::sql_query(query)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

pub(super) async fn application(app: &TestApp, id: Uuid) -> db::applications::Application {
    let mut conn = app.db().await;
    db::applications::find(&mut conn, id)
        .await
        .unwrap()
        .expect("the application")
}

#[tokio::test]
async fn an_incomplete_application_lists_what_is_missing_and_cannot_be_submitted() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    let (sections, _) = complete_answers();
    // Only the institution section, and the capital without its date.
    let mut capital = sections[4].1.clone();
    capital.values.remove("capital_as_of");
    save_sections(
        &app,
        f.id,
        f.signatory.id,
        &[sections[0].clone(), (SectionKind::Capital, capital)],
    )
    .await;
    let page = f.signatory_visitor.page(&check_url(f.id)).await;
    assert!(page.contains("아직 빠진 내용"), "{page}");
    assert!(
        page.contains(&format!(
            "href=\"/applications/{}/sections/capital#capital_as_of\"",
            f.id
        )),
        "the missing answer links to its field"
    );
    assert!(
        page.contains(&format!("href=\"/applications/{}/sections/token\"", f.id)),
        "a section not started links to its page"
    );
    assert!(
        !page.contains(&format!("action=\"{}\"", submit_url(f.id))),
        "no declaration while incomplete"
    );
    assert!(
        page.contains("한빛디지털 주식회사"),
        "the answers given so far"
    );
    let res = declare(&f.signatory_visitor, f.id).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("신청서가 아직 완성되지 않았습니다"), "{html}");
    assert!(html.contains("sections/capital#capital_as_of"));
    let stored = application(&app, f.id).await;
    assert_eq!(stored.state.as_str(), "draft");
    assert_eq!(stored.reference, None);
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM submissions").await,
        0
    );
}

#[tokio::test]
async fn only_an_authorised_signatory_may_declare() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    fill_everything(&app, f.id, f.signatory.id).await;
    let page = f.colleague_visitor.page(&check_url(f.id)).await;
    assert!(page.contains("Only an authorised signatory"), "{page}");
    assert!(page.contains("김서명"), "who can declare");
    assert!(!page.contains(&format!("action=\"{}\"", submit_url(f.id))));
    let token = csrf_token(&page).unwrap();
    let res = f
        .colleague_visitor
        .post(&submit_url(f.id), &token, &[("declaration", "yes")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("You cannot submit this application"),
        "{html}"
    );
    assert!(html.contains("김서명") && html.contains("Nothing was submitted."));
    assert_eq!(application(&app, f.id).await.state.as_str(), "draft");
    assert!(
        !app.audit_actions()
            .await
            .contains(&"application.submitted".to_owned())
    );
}

#[tokio::test]
async fn submitting_gives_a_reference_a_snapshot_and_an_acknowledgement_in_each_language() {
    let app = spawn_app().await;
    let f = filing(&app, "Hanbit").await;
    fill_everything(&app, f.id, f.signatory.id).await;

    let page = f.signatory_visitor.page(&check_url(f.id)).await;
    assert!(!page.contains("아직 빠진 내용"), "complete");
    for expected in [
        "한빛디지털 주식회사",
        "Hanbit KRW",
        "0x52908400098527886e0f7030069857d2e4169ee7",
        "김민준",
        "SHA-256",
        "articles_of_association.pdf",
        "2048",
    ] {
        assert!(page.contains(expected), "{expected} on check your answers");
    }
    assert!(
        page.contains(&format!(
            "href=\"/applications/{}/sections/institution#legal_name_ko\"",
            f.id
        )),
        "a change link to the field"
    );
    assert!(
        page.contains("변경<span class=\"sr-only\"> 법인명(한글)</span>"),
        "the change link names its field for screen readers"
    );
    assert!(
        page.contains("점검 결과 경고"),
        "the capital below the minimum is a warning"
    );
    assert!(
        page.contains("href=\"#checks-capital\"") && page.contains("id=\"checks-capital\""),
        "which links to the capital's checks, shown with the section"
    );
    assert!(page.contains("portal-finding is-breached"));
    assert!(page.contains(&format!("action=\"{}\"", submit_url(f.id))));

    // The box must be ticked.
    let res = f
        .signatory_visitor
        .submit(&check_url(f.id), &submit_url(f.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("확인란을 선택하세요"));

    let res = declare(&f.signatory_visitor, f.id).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/applications/{}/submitted", f.id));
    let reference = format!("APP-{}-000001", seoul_year());
    let confirmation = f.signatory_visitor.page(&location(&res)).await;
    assert!(confirmation.contains(&reference), "{confirmation}");
    assert!(confirmation.contains("25영업일"), "what happens next");
    assert!(
        confirmation.contains("기한은 20"),
        "the completeness check's due date"
    );

    let stored = application(&app, f.id).await;
    assert_eq!(stored.state.as_str(), "submitted");
    assert_eq!(stored.reference.as_deref(), Some(reference.as_str()));
    assert!(stored.submitted_at.is_some());

    let mut conn = app.db().await;
    let snapshots = db::submissions::of_application(&mut conn, f.id)
        .await
        .unwrap();
    assert_eq!(snapshots.len(), 1);
    let snapshot = &snapshots[0];
    assert_eq!(snapshot.round, 1);
    assert_eq!(snapshot.submitted_by, f.signatory.id);
    assert_eq!(snapshot.sections["institution"], 1);
    assert_eq!(snapshot.sections["attestation"], 1);
    assert_eq!(
        snapshot.sections.as_object().unwrap().len(),
        10,
        "every section with a form"
    );
    assert_eq!(snapshot.documents.len(), 8, "every current document");
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) AS n FROM clock_events WHERE application_id = '{}' \
                 AND phase = 'completeness' AND kind = 'started'",
                f.id
            )
        )
        .await,
        1,
        "the completeness clock starts"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) AS n FROM applications WHERE id = '{}' AND due_on IS NOT NULL",
                f.id
            )
        )
        .await,
        1,
        "with its deadline"
    );

    let ko = app.last_mail_to(&f.signatory.email).await;
    assert!(ko.subject.contains("등록 신청서가 접수되었습니다"));
    assert!(ko.body_text.contains(&reference) && ko.body_text.contains("Hanbit 주식회사"));
    assert!(ko.body_text.contains("\"김서명\""), "who submitted");
    let en = app.last_mail_to(&f.colleague.email).await;
    assert!(en.subject.contains("Registration application received"));
    assert!(en.body_text.contains(&reference) && en.body_text.contains("Hanbit Co., Ltd."));
    assert!(en.body_text.contains("25 working days"));
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "application.submitted")
            .count(),
        1
    );

    // Read-only from now on: a section refuses a change, and no change links are offered.
    let res = f
        .signatory_visitor
        .submit(
            &format!("/applications/{}/sections/capital", f.id),
            &format!("/applications/{}/sections/capital", f.id),
            &[
                ("base_version", "1"),
                ("paid_in_capital", "9000000000"),
                ("capital_as_of", "2025-12-31"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let after = f.signatory_visitor.page(&check_url(f.id)).await;
    assert!(after.contains(&reference));
    assert!(!after.contains("sections/institution#legal_name_ko"));
    assert!(!after.contains(&format!("action=\"{}\"", submit_url(f.id))));

    // The timeline tells of it, newest first.
    let dashboard = f.colleague_visitor.page("/applications").await;
    let submitted = dashboard.find("Application submitted").expect("submitted");
    let started = dashboard.find("Application started").expect("started");
    assert!(submitted < started, "newest first: {dashboard}");
    assert!(dashboard.contains("by 김서명"));

    // The next institution's application takes the next number.
    let g = filing(&app, "Dasol").await;
    fill_everything(&app, g.id, g.signatory.id).await;
    let res = declare(&g.signatory_visitor, g.id).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        application(&app, g.id).await.reference,
        Some(format!("APP-{}-000002", seoul_year()))
    );
}

/// Posts the declaration `n` times at once; with `same_key`, all carry the one form's key (a
/// double click), otherwise each its own (several tabs).
async fn declare_at_once(visitor: &Visitor<'_>, id: Uuid, n: usize, same_key: bool) -> Vec<String> {
    let mut forms = Vec::new();
    let first = visitor.page(&check_url(id)).await;
    for _ in 0..n {
        let page = if same_key {
            first.clone()
        } else {
            visitor.page(&check_url(id)).await
        };
        forms.push((csrf_token(&page).unwrap(), form_key(&page)));
    }
    let url = submit_url(id);
    let posts = forms.iter().map(|(token, key)| {
        let url = url.as_str();
        async move {
            let fields = [("idempotency_key", key.as_str()), ("declaration", "yes")];
            visitor.post(url, token, &fields).await
        }
    });
    let answers = join_all(posts).await;
    answers
        .iter()
        .map(|res| {
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "every post answered");
            location(res)
        })
        .collect()
}

#[tokio::test]
async fn ten_concurrent_submissions_make_one_submission_one_reference_and_one_set_of_mails() {
    let app = spawn_app().await;
    for (name, same_key) in [("Hanbit", true), ("Dasol", false)] {
        let f = filing(&app, name).await;
        fill_everything(&app, f.id, f.signatory.id).await;
        let locations = declare_at_once(&f.signatory_visitor, f.id, 10, same_key).await;
        let confirmation = format!("/applications/{}/submitted", f.id);
        assert!(
            locations.iter().all(|l| *l == confirmation),
            "{locations:?}"
        );
        let id = f.id;
        let one = |what: &str| format!("{what} ({name}, same key: {same_key})");
        assert_eq!(
            count(
                &app,
                &format!("SELECT count(*) AS n FROM submissions WHERE application_id = '{id}'")
            )
            .await,
            1,
            "{}",
            one("one submission")
        );
        assert_eq!(
            count(
                &app,
                &format!("SELECT count(*) AS n FROM audit_log WHERE action = 'application.submitted' AND object_id = '{id}'")
            )
            .await,
            1,
            "{}",
            one("one audit row")
        );
        assert_eq!(
            app.mails_to(&f.signatory.email).await,
            1,
            "{}",
            one("one mail")
        );
        assert_eq!(
            app.mails_to(&f.colleague.email).await,
            1,
            "{}",
            one("one mail")
        );
    }
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT last::bigint AS n FROM reference_counters WHERE kind = 'APP' AND year = {}",
                seoul_year()
            )
        )
        .await,
        2,
        "one reference each, no number lost"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(DISTINCT reference) AS n FROM applications WHERE reference IS NOT NULL"
        )
        .await,
        2
    );
}
