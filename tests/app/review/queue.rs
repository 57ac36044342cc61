//! The review queue over HTTP: filters, search, keyset pages and counts over seeded cases; taking
//! and assigning work, with the races decided in the database.

use chrono::{Duration, NaiveDate};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use reqwest::StatusCode;
use stablereg::domain::Role;
use uuid::Uuid;

use crate::support::accounts::{Visitor, csrf_token, location, valid_brn};
use crate::support::harness::{TestApp, spawn_app};

/// A case made straight in the database, as the queue needs it.
struct Seed<'a> {
    name: &'a str,
    kind: &'a str,
    state: &'a str,
    /// Days from today to the deadline; `None` while the clock is stopped.
    due_in: Option<i64>,
    assignee: Option<Uuid>,
}

fn today() -> NaiveDate {
    stablereg::services::review::clock::today()
}

async fn exec(conn: &mut AsyncPgConnection, sql: String) {
    diesel::sql_query(&sql)
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Seeds case number `n` (its reference APP-2026-<n>, its institution's BRN from `n`).
async fn seed(conn: &mut AsyncPgConnection, by: Uuid, n: u32, s: &Seed<'_>) -> Uuid {
    let institution = Uuid::now_v7();
    let brn = valid_brn(u128::from(n) * 7919 + 1_000_003);
    exec(
        conn,
        format!(
            "INSERT INTO institutions (id, legal_name_ko, legal_name_en, business_registration_number, \
             corporate_registration_number, institution_type, address, contact_phone, status) VALUES \
             ('{institution}', '{name} 주식회사', '{name} Co., Ltd.', '{brn}', '1101111234569', '{kind}', \
             '서울특별시 중구 세종대로 110', '02-123-4567', 'active')",
            name = s.name,
            kind = s.kind,
        ),
    )
    .await;
    let id = Uuid::now_v7();
    let due = s.due_in.map_or("NULL".to_owned(), |d| {
        format!("'{}'", today() + Duration::days(d))
    });
    let assignee = s.assignee.map_or("NULL".to_owned(), |a| format!("'{a}'"));
    exec(
        conn,
        format!(
            "INSERT INTO applications (id, institution_id, state, reference, created_by, submitted_at, \
             assignee_id, due_on) VALUES ('{id}', '{institution}', '{state}', 'APP-2026-{n:06}', '{by}', \
             now(), {assignee}, {due})",
            state = s.state,
        ),
    )
    .await;
    id
}

/// The references listed on a queue page, in order.
fn references(html: &str) -> Vec<String> {
    html.split("\">APP-2026-")
        .skip(1)
        .map(|rest| format!("APP-2026-{}", &rest[..6]))
        .collect()
}

/// The next page's address, if the page offers one.
fn next_link(html: &str) -> Option<String> {
    let at = html.find("class=\"krds-btn medium secondary\" href=\"")?;
    let rest = &html[at + "class=\"krds-btn medium secondary\" href=\"".len()..];
    Some(
        rest[..rest.find('"')?]
            .replace("&amp;", "&")
            .replace("&#38;", "&"),
    )
}

async fn staff(app: &TestApp, role: Role) -> (Visitor<'_>, crate::support::accounts::Account) {
    let account = app.create_account(role, None, false).await;
    let visitor = app.visitor();
    visitor.sign_in(&account).await;
    (visitor, account)
}

#[tokio::test]
async fn the_queue_filters_searches_and_counts_the_seeded_cases() {
    let app = spawn_app().await;
    let (reviewer, me) = staff(&app, Role::Reviewer).await;
    let other = app.create_account(Role::Reviewer, None, false).await;
    let mut conn = app.db().await;
    let seeds = [
        // name, kind, state, due in, assignee
        ("Hanbit", "bank", "submitted", Some(-3), Some(me.id)),
        ("Dasom", "fintech", "submitted", Some(2), None),
        (
            "Gaon",
            "non_bank",
            "under_assessment",
            Some(40),
            Some(other.id),
        ),
        (
            "Nuri",
            "bank",
            "information_requested_assessment",
            None,
            Some(me.id),
        ),
        ("Saebom", "other", "decision_proposed", Some(10), None),
        ("Areum", "fintech", "approved", None, Some(other.id)),
        ("Binna", "bank", "withdrawn", None, None),
    ];
    let mut brns = Vec::new();
    for (i, (name, kind, state, due_in, assignee)) in seeds.iter().enumerate() {
        let n = u32::try_from(i).unwrap() + 1;
        let s = Seed {
            name,
            kind,
            state,
            due_in: *due_in,
            assignee: *assignee,
        };
        seed(&mut conn, me.id, n, &s).await;
        brns.push(valid_brn(u128::from(n) * 7919 + 1_000_003));
    }
    // 23 more open cases, so that the queue holds 30 in all.
    for n in 8..=30 {
        let s = Seed {
            name: "Filler",
            kind: "other",
            state: "under_assessment",
            due_in: Some(i64::from(n) + 20),
            assignee: None,
        };
        seed(&mut conn, me.id, n, &s).await;
    }

    let all = reviewer.page("/review").await;
    let listed = references(&all);
    assert_eq!(
        listed.len(),
        28,
        "the 28 open cases, not the closed two: {listed:?}"
    );
    assert_eq!(
        listed[..3],
        ["APP-2026-000001", "APP-2026-000002", "APP-2026-000005"],
        "by deadline, the overdue first"
    );
    assert_eq!(
        listed.last().map(String::as_str),
        Some("APP-2026-000004"),
        "a stopped clock (no deadline) last"
    );
    assert!(all.contains("기한 경과"), "overdue said in words");
    assert!(all.contains("is-overdue"), "and shown in colour");
    assert!(
        all.contains("심사 중</a>: <strong>24</strong>"),
        "counts per state: {all}"
    );
    assert!(all.contains("승인</a>: <strong>1</strong>"));

    let cases = async |query: &str| references(&reviewer.page(&format!("/review?{query}")).await);
    assert_eq!(
        cases("assignee=me").await,
        ["APP-2026-000001", "APP-2026-000004"]
    );
    assert_eq!(
        cases("assignee=unassigned&institution_type=fintech").await,
        ["APP-2026-000002"]
    );
    assert_eq!(
        cases("institution_type=bank").await,
        ["APP-2026-000001", "APP-2026-000004"]
    );
    assert_eq!(cases("overdue=1").await, ["APP-2026-000001"]);
    let soon = cases("due_soon=1").await;
    assert_eq!(
        soon,
        ["APP-2026-000002"],
        "2 days away, not the overdue one"
    );
    assert_eq!(cases("state=approved").await, ["APP-2026-000006"]);
    assert_eq!(
        cases("q=dasom").await,
        ["APP-2026-000002"],
        "by name, any case"
    );
    assert_eq!(
        cases("q=gaon%20%EC%A3%BC%EC%8B%9D").await,
        ["APP-2026-000003"],
        "by the Korean name"
    );
    assert_eq!(
        cases("q=app-2026-000005").await,
        ["APP-2026-000005"],
        "by reference"
    );
    let brn = &brns[4];
    let dashed = format!("{}-{}-{}", &brn[..3], &brn[3..5], &brn[5..]);
    assert_eq!(
        cases(&format!("q={dashed}")).await,
        ["APP-2026-000005"],
        "by business registration number, whatever the hyphens"
    );
    assert_eq!(
        cases("q=%25").await.len(),
        0,
        "a wildcard is taken literally"
    );
    assert_eq!(
        reviewer
            .get("/review?state=nonsense&after=garbage")
            .await
            .status(),
        StatusCode::OK,
        "nonsense filters are ignored"
    );
}

#[tokio::test]
async fn the_queue_pages_by_deadline_with_a_keyset_and_loses_no_case() {
    let app = spawn_app().await;
    let (reviewer, me) = staff(&app, Role::Approver).await;
    let mut conn = app.db().await;
    // 60 cases sharing 12 deadlines (ties broken by id), and 3 with a stopped clock.
    for n in 1..=63u32 {
        let s = Seed {
            name: "Case",
            kind: "bank",
            state: if n > 60 {
                "information_requested_completeness"
            } else {
                "submitted"
            },
            due_in: (n <= 60).then(|| i64::from(n % 12)),
            assignee: None,
        };
        seed(&mut conn, me.id, n, &s).await;
    }
    let first = reviewer.page("/review").await;
    let page_one = references(&first);
    assert_eq!(page_one.len(), 50);
    let next = next_link(&first).expect("a next page");
    assert!(
        next.starts_with("/review?") && next.contains("after="),
        "{next}"
    );
    let second = reviewer.page(&next).await;
    let page_two = references(&second);
    assert_eq!(page_two.len(), 13, "{next}");
    assert!(next_link(&second).is_none(), "the last page offers no next");
    let mut all: Vec<_> = page_one.iter().chain(&page_two).cloned().collect();
    let in_order = all.clone();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 63, "every case once across the pages");
    let stopped: Vec<_> = in_order[60..].to_vec();
    assert_eq!(
        stopped,
        ["APP-2026-000061", "APP-2026-000062", "APP-2026-000063"],
        "the cases without a deadline come last"
    );
    // The filters travel with the cursor.
    let filtered = reviewer.page("/review?institution_type=bank&q=Case").await;
    let next = next_link(&filtered).expect("a next page");
    assert!(
        next.contains("institution_type=bank") && next.contains("q=Case"),
        "{next}"
    );
}

#[tokio::test]
async fn two_reviewers_taking_the_same_case_at_once_one_wins_the_other_gets_409() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("Hanbit").await;
    let case = super::submitted_case(&app, issuer.institution.unwrap(), issuer.id, 1).await;
    let (first, one) = staff(&app, Role::Reviewer).await;
    let (second, two) = staff(&app, Role::Reviewer).await;
    let page = format!("/review/{case}");
    let (t1, t2) = (first.token(&page).await, second.token(&page).await);
    let action = format!("/review/{case}/take");
    let (a, b) = tokio::join!(
        first.post(&action, &t1, &[]),
        second.post(&action, &t2, &[])
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409], "one takes it, the other is told");
    let assignee: Vec<Assignee> = diesel::sql_query(format!(
        "SELECT assignee_id FROM applications WHERE id = '{case}'"
    ))
    .load(&mut app.db().await)
    .await
    .unwrap();
    let winner = assignee[0].assignee_id.expect("assigned");
    assert!(winner == one.id || winner == two.id);
    let takes = app
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "review.assigned")
        .count();
    assert_eq!(takes, 1, "one audit row");
    let loser = if winner == one.id { &second } else { &first };
    let refusal = loser.get(&page).await.text().await.unwrap();
    assert!(!refusal.contains("이 건 맡기"), "nothing left to take");
}

#[derive(diesel::QueryableByName)]
struct Assignee {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    assignee_id: Option<Uuid>,
}

#[tokio::test]
async fn an_approver_assigns_and_reassigns_and_the_assignee_is_told_by_mail() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("Hanbit").await;
    let case = super::submitted_case(&app, issuer.institution.unwrap(), issuer.id, 7).await;
    let (approver, _) = staff(&app, Role::Approver).await;
    let (reviewer, reviewer_account) = staff(&app, Role::Reviewer).await;
    let page = format!("/review/{case}");
    let action = format!("/review/{case}/assign");

    let shown = approver.page(&page).await;
    assert!(
        shown.contains(&reviewer_account.id.to_string()),
        "the reviewer is offered"
    );
    let token = csrf_token(&shown).unwrap();
    // The case is at version 2, as submission left it: a version it never had is stale.
    let res = approver
        .post(
            &action,
            &token,
            &[
                ("assignee", &reviewer_account.id.to_string()),
                ("version", "3"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "a version not seen is stale"
    );

    let res = approver
        .post(
            &action,
            &token,
            &[
                ("assignee", &reviewer_account.id.to_string()),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), page);
    let mail = app
        .mail_to_about(&reviewer_account.email, "심사 건이 배정되었습니다")
        .await;
    assert!(
        mail.body_text.contains("APP-2026-000007"),
        "{}",
        mail.body_text
    );
    assert!(mail.body_text.contains(&format!("/review/{case}")));
    let shown = reviewer.page(&page).await;
    assert!(
        shown.contains("<strong>Test reviewer</strong>"),
        "the assignee is named"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"review.assigned".to_owned())
    );

    let res = approver
        .post(
            &action,
            &token,
            &[("assignee", "not-a-person"), ("version", "3")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "choose a person"
    );
    let issuer_id = issuer.id.to_string();
    let res = approver
        .post(
            &action,
            &token,
            &[("assignee", &issuer_id), ("version", "3")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an issuer is no assignee"
    );

    let token = reviewer.token(&page).await;
    let res = reviewer
        .post(
            &action,
            &token,
            &[
                ("assignee", &reviewer_account.id.to_string()),
                ("version", "3"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "only an approver assigns"
    );
    let res = reviewer
        .post(&format!("/review/{case}/take"), &token, &[])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "an assigned case is not taken"
    );
}

#[tokio::test]
async fn issuers_and_admins_do_not_reach_the_queue() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("Hanbit").await;
    let case = super::submitted_case(&app, issuer.institution.unwrap(), issuer.id, 1).await;
    let member = app.visitor();
    member.sign_in(&issuer).await;
    for path in ["/review".to_owned(), format!("/review/{case}")] {
        assert_eq!(
            member.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let (admin, _) = staff(&app, Role::Admin).await;
    assert_eq!(admin.get("/review").await.status(), StatusCode::FORBIDDEN);
}

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq)]
struct StateCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    state: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

/// The counts the triggers keep, and the same counted from the applications, by state.
async fn kept_and_counted(conn: &mut AsyncPgConnection) -> (Vec<StateCount>, Vec<StateCount>) {
    let kept = diesel::sql_query(
        "SELECT state, count FROM application_state_counts WHERE count > 0 ORDER BY state",
    )
    .load(conn)
    .await
    .unwrap();
    let counted = diesel::sql_query(
        "SELECT state, count(*) AS count FROM applications GROUP BY state ORDER BY state",
    )
    .load(conn)
    .await
    .unwrap();
    (kept, counted)
}

#[tokio::test]
async fn the_counts_per_state_follow_inserts_transitions_both_ways_and_deletes() {
    let app = spawn_app().await;
    let issuer = app.create_account(Role::Reviewer, None, false).await;
    let mut conn = app.db().await;
    let mut ids = Vec::new();
    for n in 1..=6 {
        let s = Seed {
            name: "Counted",
            kind: "bank",
            state: if n <= 4 {
                "submitted"
            } else {
                "under_assessment"
            },
            due_in: Some(5),
            assignee: None,
        };
        ids.push(seed(&mut conn, issuer.id, n, &s).await);
    }
    let (kept, counted) = kept_and_counted(&mut conn).await;
    assert_eq!(kept, counted, "after inserts");
    assert!(kept.contains(&StateCount {
        state: "submitted".into(),
        count: 4
    }));
    // One statement moving cases both ways, one changing nothing the counts see, then a delete.
    exec(
        &mut conn,
        format!(
            "UPDATE applications SET state = CASE state WHEN 'submitted' THEN 'under_assessment' \
             ELSE 'decision_proposed' END WHERE id IN ('{}', '{}', '{}')",
            ids[0], ids[1], ids[4]
        ),
    )
    .await;
    exec(
        &mut conn,
        format!(
            "UPDATE applications SET version = version + 1 WHERE id = '{}'",
            ids[2]
        ),
    )
    .await;
    exec(
        &mut conn,
        format!("DELETE FROM applications WHERE id = '{}'", ids[3]),
    )
    .await;
    let (kept, counted) = kept_and_counted(&mut conn).await;
    assert_eq!(kept, counted, "after transitions and a delete");
    assert_eq!(
        kept,
        [
            StateCount {
                state: "decision_proposed".into(),
                count: 1
            },
            StateCount {
                state: "submitted".into(),
                count: 1
            },
            StateCount {
                state: "under_assessment".into(),
                count: 3
            },
        ]
    );
}
