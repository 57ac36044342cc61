//! Information requests over HTTP: the reviewer asks about a field and a document, the case waits
//! with its clock stopped, the issuer changes the field (a new version) and answers each item,
//! sends the answers (refused while an item is unanswered), the clock restarts with its deadline
//! moved by the days it stood still; a late answer is flagged; items are closed or asked again;
//! another institution and an unassigned reviewer are kept out.

use chrono::{Duration, NaiveDate};
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use stablereg::db;
use stablereg::domain::Role;
use stablereg::domain::calendar::Calendar;
use stablereg::services::review::clock::today;
use uuid::Uuid;

use crate::application::complete::fill_everything;
use crate::support::accounts::{Account, Visitor, location};
use crate::support::harness::{TestApp, spawn_app};

const FIELD: &str = "field:institution:legal_name_en";
const DOCUMENT: &str = "document:business_plan";

/// A submitted application of an institution with a signatory, and a reviewer it is assigned to.
struct Case<'a> {
    id: Uuid,
    member: Account,
    issuer: Visitor<'a>,
    reviewer: Account,
    staff: Visitor<'a>,
}

async fn submitted_case<'a>(app: &'a TestApp, name: &str) -> Case<'a> {
    let institution = app.create_institution(name).await;
    let member = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    app.sql(&format!(
        "UPDATE users SET is_authorised_signatory = true, lang = 'en' WHERE id = '{}'",
        member.id
    ))
    .await;
    let issuer = app.visitor();
    issuer.sign_in(&member).await;
    issuer.page("/applications?lang=en").await;
    let res = issuer.submit("/applications", "/applications", &[]).await;
    let id: Uuid = location(&res)
        .trim_start_matches("/applications/")
        .parse()
        .expect("the new application");
    fill_everything(app, id, member.id).await;
    let check = format!("/applications/{id}/check");
    let res = issuer
        .submit(
            &check,
            &format!("/applications/{id}/submit"),
            &[("declaration", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    app.sql(&format!(
        "UPDATE applications SET assignee_id = '{}' WHERE id = '{id}'",
        reviewer.id
    ))
    .await;
    app.sql(&format!(
        "UPDATE users SET lang = 'en' WHERE id = '{}'",
        reviewer.id
    ))
    .await;
    let staff = app.visitor();
    staff.sign_in(&reviewer).await;
    staff.page("/account?lang=en").await;
    Case {
        id,
        member,
        issuer,
        reviewer,
        staff,
    }
}

async fn case_row(app: &TestApp, id: Uuid) -> (String, Option<NaiveDate>) {
    let mut conn = app.db().await;
    let case = db::applications::find(&mut conn, id)
        .await
        .unwrap()
        .unwrap();
    let due_on: Option<NaiveDate> = {
        use diesel::QueryDsl;
        use stablereg::db::schema::applications;
        applications::table
            .find(id)
            .select(applications::due_on)
            .first(&mut conn)
            .await
            .unwrap()
    };
    (case.state.as_str().to_owned(), due_on)
}

/// Sends a request on the field and the document; the request's id.
async fn request(app: &TestApp, case: &Case<'_>, days: &str) -> Uuid {
    let _ = app;
    let new = format!("/review/{}/requests/new", case.id);
    let res = case
        .staff
        .submit(
            &new,
            &format!("/review/{}/requests", case.id),
            &[
                ("target-0", FIELD),
                ("question-0", "Spell the English name as registered."),
                ("target-1", DOCUMENT),
                ("question-1", "Upload the plan signed by the board."),
                ("days", days),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    location(&res)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .expect("the request's id")
}

async fn items(app: &TestApp, request: Uuid) -> Vec<db::information_requests::Item> {
    let mut conn = app.db().await;
    db::information_requests::items_of(&mut conn, request)
        .await
        .unwrap()
}

async fn answer(case: &Case<'_>, request: Uuid, item: Uuid, text: &str) -> reqwest::Response {
    let page = format!("/applications/{}/requests/{request}", case.id);
    let action = format!("{page}/items/{item}");
    case.issuer
        .submit(&page, &action, &[("answer", text)])
        .await
}

async fn send_answers(case: &Case<'_>, request: Uuid) -> reqwest::Response {
    let page = format!("/applications/{}/requests/{request}", case.id);
    case.issuer
        .submit(&page, &format!("{page}/send"), &[])
        .await
}

async fn save_field(case: &Case<'_>, value: &str) -> reqwest::Response {
    let page = format!("/applications/{}/sections/institution", case.id);
    let html = case.issuer.page(&page).await;
    let base = html
        .split(r#"name="base_version" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("0")
        .to_owned();
    case.issuer
        .submit(
            &page,
            &page,
            &[
                ("legal_name_en", value),
                ("base_version", &base),
                ("action", "later"),
            ],
        )
        .await
}

async fn versions(app: &TestApp, id: Uuid) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.db().await;
    diesel::sql_query(format!(
        "SELECT count(*) AS n FROM section_versions WHERE application_id = '{id}' AND section = 'institution'"
    ))
    .get_result::<Count>(&mut conn)
    .await
    .unwrap()
    .n
}

#[tokio::test]
async fn a_request_stops_the_clock_until_the_answers_restart_it() {
    let app = spawn_app().await;
    let case = submitted_case(&app, "Hanbit").await;
    let (_, due_before) = case_row(&app, case.id).await;
    assert!(due_before.is_some(), "the completeness clock runs");
    assert_eq!(
        save_field(&case, "Closed Bank").await.status(),
        StatusCode::CONFLICT
    );

    // The assignee finds the request form from the case, and then the request sent.
    let workspace = format!("/review/{}", case.id);
    let new = format!("href=\"/review/{}/requests/new\"", case.id);
    assert!(case.staff.page(&workspace).await.contains(&new));
    let rid = request(&app, &case, "10").await;
    let page = case.staff.page(&workspace).await;
    assert!(page.contains(&format!("href=\"/review/{}/requests/{rid}\"", case.id)));
    assert!(!page.contains(&new), "one request at a time");
    let (state, due) = case_row(&app, case.id).await;
    assert_eq!(state, "information_requested_completeness");
    assert_eq!(due, None, "the clock stopped");
    let mail = app
        .mail_to_about(&case.member.email, "requests information")
        .await;
    assert!(mail.body_text.contains("2 item(s)"), "{}", mail.body_text);

    // The issuer sees each item at its place and may change the targeted section again.
    let page = case
        .issuer
        .page(&format!("/applications/{}/requests/{rid}", case.id))
        .await;
    assert!(page.contains(&format!(
        "/applications/{}/sections/institution#legal_name_en",
        case.id
    )));
    assert!(page.contains(&format!(
        "/applications/{}/documents/business_plan",
        case.id
    )));
    let tasks = case
        .issuer
        .page(&format!("/applications/{}", case.id))
        .await;
    assert!(
        tasks.contains("The regulator requests information"),
        "{tasks}"
    );
    assert!(tasks.contains(&format!(
        "/applications/{}/sections/institution#legal_name_en",
        case.id
    )));
    assert!(tasks.contains(&format!("/applications/{}/requests/{rid}", case.id)));
    // The section page asks the question too: listed at the top, and beside the field it is
    // about, which names it among what describes the input.
    let section = case
        .issuer
        .page(&format!("/applications/{}/sections/institution", case.id))
        .await;
    assert!(
        section.contains("What the regulator asks about this section"),
        "{section}"
    );
    assert_eq!(
        section
            .matches("Spell the English name as registered.")
            .count(),
        2
    );
    assert!(
        section.contains(r#"id="legal_name_en-question""#),
        "{section}"
    );
    let input = section
        .split(r#"id="legal_name_en""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the field's input");
    assert!(input.contains("legal_name_en-question"), "{input}");
    let other = case
        .issuer
        .page(&format!("/applications/{}/sections/token", case.id))
        .await;
    assert!(
        other.contains(r#"name="base_version""#),
        "the token section's form"
    );
    assert!(
        !other.contains("Spell the English name"),
        "another section asks nothing"
    );
    let before = versions(&app, case.id).await;
    assert_eq!(
        save_field(&case, "Hanbit Bank Ltd").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(versions(&app, case.id).await, before + 1, "a new version");

    let listed = items(&app, rid).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(
        answer(&case, rid, listed[0].id, "Corrected.")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let res = send_answers(&case, rid).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an item is unanswered"
    );
    assert!(res.text().await.unwrap().contains("Answer every item"));
    assert_eq!(
        case_row(&app, case.id).await.0,
        "information_requested_completeness"
    );
    assert_eq!(
        answer(&case, rid, listed[1].id, "Uploaded.").await.status(),
        StatusCode::SEE_OTHER
    );

    // The clock stood still from a week ago (both its start and its stop moved back).
    let week_ago = today() - Duration::days(7);
    app.sql(&format!(
        "UPDATE clock_events SET on_date = '{week_ago}' WHERE application_id = '{}'",
        case.id
    ))
    .await;
    let res = send_answers(&case, rid).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let tasks = case.issuer.page(&location(&res)).await;
    assert!(tasks.contains("Your answers were sent"), "{tasks}");
    assert!(!tasks.contains("The regulator requests information"));
    let (state, due) = case_row(&app, case.id).await;
    assert_eq!(state, "submitted");
    let conn = app.db().await;
    let calendar = Calendar::new(db::review::holidays(&conn).await.unwrap());
    // Stopped: the working days after the day it stopped and before the day of the answers
    // (that day counts again, DOMAIN.md's clock rules).
    let stood = calendar.working_days_between(week_ago, today() - Duration::days(1));
    let due = due.expect("the clock runs again");
    let unmoved = calendar.add_working_days(week_ago, 25);
    assert_eq!(
        calendar.working_days_between(unmoved, due),
        stood,
        "moved by {stood} days"
    );
    let mail = app.mail_to_about(&case.reviewer.email, "Answers").await;
    assert!(!mail.body_text.contains("after the due date"));
    assert_eq!(
        save_field(&case, "Too late").await.status(),
        StatusCode::CONFLICT
    );

    // The reviewer closes one item and asks the other again: a new request, the clock stops.
    let base = format!("/review/{}/requests/{rid}", case.id);
    let res = case
        .staff
        .submit(&base, &format!("{base}/items/{}/close", listed[0].id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = format!("{base}/items/{}/ask-again", listed[1].id);
    let res = case
        .staff
        .submit(&base, &again, &[("question", "Which board meeting?")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let new_rid: Uuid = location(&res).rsplit('/').next().unwrap().parse().unwrap();
    assert_ne!(new_rid, rid);
    let statuses: Vec<String> = items(&app, rid)
        .await
        .into_iter()
        .map(|i| i.status)
        .collect();
    assert_eq!(statuses, ["closed", "asked_again"]);
    let asked = items(&app, new_rid).await;
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].follows, Some(listed[1].id));
    assert_eq!(asked[0].target, DOCUMENT);
    assert_eq!(
        case_row(&app, case.id).await,
        ("information_requested_completeness".into(), None)
    );
    let actions = app.audit_actions().await;
    for action in [
        "review.information_requested",
        "review.information_item_answered",
        "review.information_answered",
        "review.information_item_closed",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_late_answer_is_accepted_and_flagged() {
    let app = spawn_app().await;
    let case = submitted_case(&app, "Hanbit").await;
    let rid = request(&app, &case, "1").await;
    for item in items(&app, rid).await {
        answer(&case, rid, item.id, "Done.").await;
    }
    let past = today() - Duration::days(30);
    app.sql(&format!(
        "UPDATE information_requests SET due_on = '{past}' WHERE id = '{rid}'"
    ))
    .await;
    assert_eq!(
        send_answers(&case, rid).await.status(),
        StatusCode::SEE_OTHER
    );
    let mail = app.mail_to_about(&case.reviewer.email, "Answers").await;
    assert!(
        mail.body_text.contains("after the due date"),
        "{}",
        mail.body_text
    );
    let page = case
        .staff
        .page(&format!("/review/{}/requests/{rid}", case.id))
        .await;
    assert!(page.contains("Answered late"));
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "review.information_answered"));
}

#[tokio::test]
async fn others_are_kept_out() {
    let app = spawn_app().await;
    let case = submitted_case(&app, "Hanbit").await;
    let other = submitted_case(&app, "Byeol").await;

    // A reviewer the case is not assigned to may not ask.
    let new = format!("/review/{}/requests/new", case.id);
    assert_eq!(other.staff.get(&new).await.status(), StatusCode::FORBIDDEN);
    let token = case.staff.token(&new).await;
    let res = other
        .staff
        .post(
            &format!("/review/{}/requests", case.id),
            &other
                .staff
                .token(&format!("/review/{}/requests/new", other.id))
                .await,
            &[("target-0", FIELD), ("question-0", "Why?"), ("days", "10")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    drop(token);
    assert_eq!(case_row(&app, case.id).await.0, "submitted");

    // Another institution's member finds no such request.
    let rid = request(&app, &case, "10").await;
    let page = format!("/applications/{}/requests/{rid}", case.id);
    assert_eq!(
        other.issuer.get(&page).await.status(),
        StatusCode::NOT_FOUND
    );
    let own = format!("/applications/{}/requests/{rid}", other.id);
    assert_eq!(other.issuer.get(&own).await.status(), StatusCode::NOT_FOUND);
    let item = items(&app, rid).await[0].id;
    let token = other
        .issuer
        .token(&format!("/applications/{}", other.id))
        .await;
    let res = other
        .issuer
        .post(&format!("{page}/items/{item}"), &token, &[("answer", "x")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = other
        .issuer
        .post(&format!("{page}/send"), &token, &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(items(&app, rid).await.iter().all(|i| i.answer.is_none()));
}

#[tokio::test]
async fn the_form_adds_and_removes_rows_and_checks_them() {
    let app = spawn_app().await;
    let case = submitted_case(&app, "Hanbit").await;
    let new = format!("/review/{}/requests/new", case.id);
    let action = format!("/review/{}/requests", case.id);
    let html = case.staff.page(&new).await;
    assert!(html.contains("name=\"target-0\"") && !html.contains("name=\"target-1\""));
    assert!(html.contains(&format!("value=\"{FIELD}\"")));
    let res = case
        .staff
        .submit(
            &new,
            &action,
            &[
                ("target-0", FIELD),
                ("question-0", "Q"),
                ("days", "10"),
                ("action", "add"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("name=\"question-1\""));
    let res = case
        .staff
        .submit(
            &new,
            &action,
            &[
                ("target-0", "field:institution:nothing"),
                ("question-0", " "),
                ("days", "21"),
                ("action", "send"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Choose what this item is about."));
    assert!(html.contains("Enter the question."));
    assert!(html.contains("at most 20 working days"));
    assert_eq!(case_row(&app, case.id).await.0, "submitted");
}
