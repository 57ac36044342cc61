//! Sections saved as versions, checked at every field, shared between colleagues, and kept across an
//! ended session.

use reqwest::StatusCode;
use stablereg::domain::Role;
use uuid::Uuid;

use crate::support::accounts::{Visitor, csrf_token, location};
use crate::support::harness::{TestApp, spawn_app};

/// An institution's member, signed in on a visitor of their own, with their draft application.
async fn member_with_application(app: &TestApp) -> (Visitor<'_>, Uuid, Uuid) {
    let institution = app.create_institution("Hanbit").await;
    let account = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    let member = app.visitor();
    member.sign_in(&account).await;
    let res = member.submit("/applications", "/applications", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "an application starts");
    let id: Uuid = location(&res)
        .trim_start_matches("/applications/")
        .parse()
        .expect("the task list of the new application");
    (member, id, institution)
}

fn section(id: Uuid, name: &str) -> String {
    format!("/applications/{id}/sections/{name}")
}

/// The institution section filled in correctly, with one row of shareholders.
fn institution_answers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("legal_name_ko", "한빛디지털 주식회사"),
        ("legal_name_en", "Hanbit Digital Co., Ltd."),
        ("legal_form", "stock_company"),
        ("incorporated_on", "2020-03-02"),
        ("business_registration_number", "124-81-00998"),
        ("corporate_registration_number", "110111-1234569"),
        ("lei", ""),
        ("head_office_address", "서울특별시 중구 세종대로 110"),
        ("website", "https://www.hanbit.example.kr"),
        ("contact_name", "김민준"),
        ("contact_email", "compliance@hanbit.example.kr"),
        ("contact_phone", "02-555-0101"),
        ("institution_type", "bank_consortium"),
        ("shareholders.0.name", "한빛은행"),
        ("shareholders.0.share", "60"),
        ("shareholders.0.is_bank", "yes"),
        ("group_structure", "한빛금융지주의 자회사"),
    ]
}

fn with(
    mut answers: Vec<(&'static str, &'static str)>,
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    for (name, value) in changes {
        match answers.iter_mut().find(|(n, _)| n == name) {
            Some(pair) => pair.1 = value,
            None => answers.push((name, value)),
        }
    }
    answers
}

#[tokio::test]
async fn a_new_application_lists_every_section_and_only_one_is_open_at_a_time() {
    let app = spawn_app().await;
    let (member, id, _) = member_with_application(&app).await;
    let tasks = member.page(&format!("/applications/{id}")).await;
    assert_eq!(
        tasks.matches("class=\"portal-task\"").count(),
        11,
        "{tasks}"
    );
    assert!(
        tasks.contains("시작 전"),
        "not started, in Korean by default"
    );
    assert!(
        tasks.contains("아직 시작할 수 없음"),
        "the attestation waits for the token"
    );
    let again = member.submit("/applications", "/applications", &[]).await;
    assert_eq!(
        location(&again),
        format!("/applications/{id}"),
        "the open one, not a second"
    );
    let list = member.page("/applications").await;
    assert!(list.contains(&format!("/applications/{id}")));
    assert!(
        !list.contains("action=\"/applications\""),
        "no start button while one is open"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"application.started".to_owned())
    );
}

#[tokio::test]
async fn every_problem_of_a_section_comes_back_at_once_with_every_value_kept() {
    let app = spawn_app().await;
    let (member, id, _) = member_with_application(&app).await;
    let page = section(id, "institution");
    let long = "가".repeat(201);
    let answers = with(
        institution_answers(),
        &[
            ("business_registration_number", "124-81-00999"),
            ("website", "javascript:alert(1)"),
            ("shareholders.0.share", "60"),
            ("shareholders.1.name", "Second"),
            ("shareholders.1.share", "50.5"),
            ("shareholders.1.is_bank", "no"),
            ("legal_name_ko", Box::leak(long.into_boxed_str())),
            ("lang", "en"),
        ],
    );
    let res = member
        .submit(&page, &format!("{page}?lang=en"), &answers)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for expected in [
        "The check digit",
        "Enter a web address starting with https://",
        "Use at most 200 characters.",
        "The shares together come to more than 100%",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    assert!(
        html.contains("href=\"#business_registration_number\""),
        "the summary links to the field"
    );
    assert!(
        html.contains("Business registration number: "),
        "and names it"
    );
    assert!(
        html.contains("value=\"124-81-00999\""),
        "the number as typed"
    );
    assert!(html.contains("value=\"50.5\""), "the second row as typed");
    assert!(html.contains("aria-invalid=\"true\""));
    // Saved as typed even so: the task list says in progress, and the draft comes back.
    let again = member.page(&page).await;
    assert!(again.contains("value=\"124-81-00999\""));
    let tasks = member.page(&format!("/applications/{id}")).await;
    assert!(tasks.contains("In progress"), "in the language chosen");
}

#[tokio::test]
async fn a_complete_section_goes_on_and_the_task_list_says_who_saved_it() {
    let app = spawn_app().await;
    let (member, id, _) = member_with_application(&app).await;
    let page = section(id, "institution");
    let res = member.submit(&page, &page, &institution_answers()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), section(id, "management"));
    let tasks = member.page(&format!("/applications/{id}")).await;
    assert!(tasks.contains("완료"), "completed");
    assert!(tasks.contains("Test issuer"), "saved by the member");
    assert!(
        app.audit_actions()
            .await
            .contains(&"application.section_saved".to_owned())
    );
    // Coming back later saves too and goes to the task list.
    let later = with(
        institution_answers(),
        &[("action", "later"), ("base_version", "1")],
    );
    let res = member.submit(&page, &page, &later).await;
    assert_eq!(location(&res), format!("/applications/{id}?notice=saved"));
    let versions = app
        .sql(&format!(
            "SELECT 1 FROM section_versions WHERE application_id = '{id}'"
        ))
        .await;
    assert_eq!(versions, 2, "every save is a version of its own");
}

#[tokio::test]
async fn rows_are_added_and_removed_without_javascript() {
    let app = spawn_app().await;
    let (member, id, _) = member_with_application(&app).await;
    let page = section(id, "institution");
    let add = with(institution_answers(), &[("action", "add:shareholders")]);
    let res = member.submit(&page, &page, &add).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("name=\"shareholders.1.name\""),
        "a second row"
    );
    assert!(html.contains("value=\"한빛은행\""), "the first row kept");
    let remove = with(
        institution_answers(),
        &[
            ("shareholders.1.name", "Other"),
            ("action", "remove:shareholders:0"),
        ],
    );
    let res = member.submit(&page, &page, &remove).await;
    let html = res.text().await.unwrap();
    assert!(
        !html.contains("value=\"한빛은행\""),
        "the first row removed"
    );
    assert!(html.contains("value=\"Other\""), "the other kept");
}

#[tokio::test]
async fn saving_over_a_colleagues_newer_version_shows_both_and_loses_nothing() {
    let app = spawn_app().await;
    let (first, id, institution) = member_with_application(&app).await;
    let colleague = app
        .create_account(Role::Issuer, Some(institution), false)
        .await;
    let second = app.visitor();
    second.sign_in(&colleague).await;
    let page = section(id, "institution");
    // Both open the blank section, then the first saves.
    let first_form = first.page(&page).await;
    let second_form = second.page(&page).await;
    let saved = with(
        institution_answers(),
        &[("legal_name_en", "Hanbit by First")],
    );
    let res = first
        .post(
            &page,
            &csrf_token(&first_form).unwrap(),
            &with(saved, &[("base_version", "0")]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The second saves from the blank version they started from.
    let mine = with(
        institution_answers(),
        &[("legal_name_en", "Hanbit by Second"), ("base_version", "0")],
    );
    let res = second
        .post(&page, &csrf_token(&second_form).unwrap(), &mine)
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("Hanbit by First"), "what the colleague saved");
    assert!(
        html.contains("value=\"Hanbit by Second\""),
        "what this member typed, in the form"
    );
    assert!(
        html.contains("name=\"base_version\" value=\"1\""),
        "saving again builds on theirs"
    );
    let versions = app
        .sql(&format!(
            "SELECT 1 FROM section_versions WHERE application_id = '{id}'"
        ))
        .await;
    assert_eq!(versions, 1, "nothing was overwritten");
    let res = second
        .post(
            &page,
            &csrf_token(&html).unwrap(),
            &with(mine, &[("base_version", "1")]),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the member's own choice, saved"
    );
}

#[tokio::test]
async fn another_institutions_application_is_not_found() {
    let app = spawn_app().await;
    let (_, id, _) = member_with_application(&app).await;
    let (outsider, _, _) = member_with_application(&app).await;
    for path in [format!("/applications/{id}"), section(id, "institution")] {
        assert_eq!(
            outsider.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let token = outsider.token("/applications").await;
    let res = outsider
        .post(&section(id, "institution"), &token, &institution_answers())
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.sql(&format!(
            "SELECT 1 FROM section_versions WHERE application_id = '{id}'"
        ))
        .await,
        0
    );
    let (member, own, _) = member_with_application(&app).await;
    for unknown in ["declaration", "nonsense"] {
        let res = member.get(&section(own, unknown)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{unknown}");
    }
}

#[tokio::test]
async fn a_section_posted_after_the_session_ended_is_there_after_signing_in_again() {
    let app = spawn_app().await;
    let institution = app.create_institution("Dasom").await;
    let account = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    let id = app.create_application(institution, account.id).await;
    let member = app.visitor();
    member.sign_in(&account).await;
    let page = section(id, "institution");
    let token = csrf_token(&member.page(&page).await).unwrap();
    // The session ends (idle timeout) while the member types.
    app.sql(&format!(
        "DELETE FROM sessions WHERE user_id = '{}'",
        account.id
    ))
    .await;
    let typed = with(
        institution_answers(),
        &[("legal_name_en", "Typed while away")],
    );
    let res = member.post(&page, &token, &typed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = format!("{page}?restored=1");
    let login = location(&res);
    assert!(login.starts_with("/login?next="), "{login}");
    assert_eq!(
        app.sql(&format!(
            "SELECT 1 FROM section_versions WHERE application_id = '{id}'"
        ))
        .await,
        0,
        "nothing saved without a session"
    );
    member.sign_in(&account).await;
    let html = member.page(&back).await;
    assert!(html.contains("value=\"Typed while away\""), "{html}");
    assert!(
        html.contains("세션이 끝나"),
        "the member is told it is not saved yet"
    );
    // Shown once: the kept post is gone after it was restored.
    let again = member.page(&back).await;
    assert!(!again.contains("Typed while away"));
}
