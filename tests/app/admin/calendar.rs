//! The holiday calendar over HTTP: an admin adds a day and the clock's deadlines move by it, removes
//! it behind a confirmation and they move back; each change audited; a bad or repeated day sent
//! back with its error; nobody else reaches the page.

use chrono::NaiveDate;
use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::location;
use crate::support::harness::{TestApp, spawn_app};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Five working days after Monday 2 November 2026, on the calendar as it stands.
async fn deadline(app: &TestApp) -> NaiveDate {
    let conn = app.db().await;
    let calendar = stablereg::services::review::clock::calendar(&conn)
        .await
        .unwrap();
    calendar.add_working_days(date("2026-11-02"), 5)
}

#[tokio::test]
async fn a_holiday_added_and_removed_moves_the_clocks_deadline_and_is_audited() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let page = app.page("/admin/calendar?year=2026&lang=en").await;
    assert!(
        page.contains("2026-09-25") && page.contains("2026-12-25"),
        "the seeded days"
    );
    assert!(!page.contains("2027-02-08"), "one year at a time");
    assert_eq!(deadline(&app).await, date("2026-11-09"));

    let fields = [
        ("day", "2026-11-04"),
        ("name_ko", "임시공휴일"),
        ("name_en", "Temporary holiday"),
    ];
    let res = app
        .submit("/admin/calendar", "/admin/calendar", &fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/calendar?year=2026&notice=saved");
    assert_eq!(
        deadline(&app).await,
        date("2026-11-10"),
        "one working day fewer"
    );
    let page = app.page("/admin/calendar?year=2026&lang=ko").await;
    assert!(page.contains("임시공휴일") && page.contains("(수)"));

    let again = app
        .submit("/admin/calendar", "/admin/calendar", &fields)
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = app
        .submit(
            "/admin/calendar?lang=en",
            "/admin/calendar",
            &[("day", "2026-02-30"), ("name_ko", " "), ("name_en", "")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("day-error")
            && body.contains("name_ko-error")
            && body.contains("name_en-error")
    );

    let confirm = app
        .page("/admin/calendar/remove?day=2026-11-04&lang=en")
        .await;
    assert!(confirm.contains("Remove 2026-11-04 (임시공휴일) from the calendar?"));
    let res = app
        .submit(
            "/admin/calendar/remove?day=2026-11-04",
            "/admin/calendar/remove",
            &[("day", "2026-11-04")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(deadline(&app).await, date("2026-11-09"), "back as it was");
    let actions = app.audit_actions().await;
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(
        (
            count("calendar.holiday_added"),
            count("calendar.holiday_removed")
        ),
        (1, 1)
    );

    let gone = app
        .submit(
            "/admin/calendar?year=2026",
            "/admin/calendar/remove",
            &[("day", "2026-11-04")],
        )
        .await;
    assert_eq!(
        gone.status(),
        StatusCode::NOT_FOUND,
        "not a holiday any more"
    );
    assert_eq!(
        app.get("/admin/calendar/remove?day=2026-11-04")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let no_day = app.get("/admin/calendar/remove").await;
    assert_eq!(no_day.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&no_day), "/admin/calendar");
    let no_day = app
        .submit("/admin/calendar", "/admin/calendar/remove", &[("day", "")])
        .await;
    assert_eq!(no_day.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let approver = app.create_account(Role::Approver, None, false).await;
    let visitor = app.visitor();
    visitor.sign_in(&approver).await;
    assert_eq!(
        visitor.get("/admin/calendar").await.status(),
        StatusCode::FORBIDDEN
    );
}
