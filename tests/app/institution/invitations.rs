//! Invitations cannot be turned against anyone: they are limited per inviter, per institution and per
//! address, an unconfirmed institution sends none, and names are plain, bounded and quoted in mail.

use reqwest::StatusCode;
use stablereg::domain::Role;
use stablereg::domain::invitation::{PER_ADDRESS_PER_DAY, PER_INVITER_PER_HOUR};

use crate::support::accounts::{location, valid_brn};
use crate::support::harness::{TestApp, spawn_app};

/// Whether an account exists for `email`.
async fn has_account(app: &TestApp, email: &str) -> bool {
    let mut conn = app.db().await;
    let email = stablereg::domain::EmailAddress::parse(email).unwrap();
    stablereg::db::users::find_by_email(&mut conn, &email)
        .await
        .unwrap()
        .is_some()
}

async fn invite(app: &TestApp, name: &str, email: &str) -> reqwest::Response {
    app.submit(
        "/institution/members",
        "/institution/members",
        &[("name", name), ("email", email), ("lang", "en")],
    )
    .await
}

#[tokio::test]
async fn one_address_gets_only_a_few_invitations_a_day() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    let mut answers = Vec::new();
    for _ in 0..8 {
        answers.push(invite(&app, "Jiwoo Kim", "target@victim.example").await);
    }
    let limit = PER_ADDRESS_PER_DAY as usize;
    for res in &answers[..limit] {
        assert_eq!(location(res), "/institution/members?notice=invited");
    }
    for res in answers.into_iter().skip(limit) {
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let page = res.text().await.unwrap();
        assert!(page.contains("더 이상 초대를 보낼 수 없습니다"), "{page}");
        assert!(
            page.contains("target@victim.example"),
            "what was typed is kept"
        );
    }
    assert_eq!(app.mails_to("target@victim.example").await, limit);
    // Another institution cannot add to that address's mail either.
    let other = app.create_issuer_admin("가온").await;
    let visitor = app.visitor();
    visitor.sign_in(&other).await;
    let res = visitor
        .submit(
            "/institution/members",
            "/institution/members",
            &[("name", "Jiwoo Kim"), ("email", "target@victim.example")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.mails_to("target@victim.example").await, limit);
}

#[tokio::test]
async fn one_inviter_sends_only_so_many_invitations_an_hour() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    let limit = PER_INVITER_PER_HOUR as usize;
    for i in 0..limit {
        let res = invite(&app, "Colleague", &format!("person{i}@many.example")).await;
        assert_eq!(location(&res), "/institution/members?notice=invited", "{i}");
    }
    let res = invite(&app, "Colleague", "one-more@many.example").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.mails_to("one-more@many.example").await, 0);
    assert!(!has_account(&app, "one-more@many.example").await);
}

#[tokio::test]
async fn the_regulators_admins_are_limited_too() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let mut last = None;
    for i in 0..=PER_INVITER_PER_HOUR {
        let email = format!("staff{i}@regulator.example");
        let fields = [
            ("name", "Staff"),
            ("email", email.as_str()),
            ("role", "reviewer"),
            ("lang", "en"),
        ];
        last = Some(
            app.submit("/admin/users/new", "/admin/users", &fields)
                .await,
        );
    }
    assert_eq!(last.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_institution_whose_sign_up_is_not_confirmed_invites_no_one() {
    let app = spawn_app().await;
    let institution = app.create_institution("미확인").await;
    let first = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    app.sql(&format!(
        "UPDATE users SET email_verified_at = NULL WHERE id = '{}'",
        first.id
    ))
    .await;
    let second = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    app.sign_in(&second).await;
    let res = invite(&app, "Jiwoo Kim", "jiwoo@unconfirmed.example").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("기관 가입이 확인되기 전에는 초대할 수 없습니다"),
        "{page}"
    );
    assert_eq!(app.mails_to("jiwoo@unconfirmed.example").await, 0);
    assert!(!has_account(&app, "jiwoo@unconfirmed.example").await);
}

#[tokio::test]
async fn a_huge_name_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    let huge = "A".repeat(90_000);
    let res = invite(&app, &huge, "huge@names.example").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("이름은 100자 이내로"), "{}", &page[..2000]);
    assert!(!has_account(&app, "huge@names.example").await);
    assert_eq!(app.mails_to("huge@names.example").await, 0);

    // Sign-up caps its name and free text likewise.
    let visitor = app.visitor();
    let long_address = "가".repeat(201);
    let fields = [
        ("legal_name_ko", "가온페이 주식회사"),
        ("legal_name_en", "Gaon Pay Inc."),
        ("business_registration_number", &valid_brn(77)),
        ("corporate_registration_number", "110111-1234569"),
        ("institution_type", "fintech"),
        ("address", &long_address),
        ("contact_phone", "02-555-0101"),
        ("name", &huge),
        ("email", "huge-signup@names.example"),
        ("password", "Namsan-Tower-Evening-Walk-77"),
        ("confirm", "Namsan-Tower-Evening-Walk-77"),
    ];
    let res = visitor.submit("/signup", "/signup", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("100자 이내"), "the name's message");
    assert!(page.contains("200자 이내"), "the address's message");
    assert!(!has_account(&app, "huge-signup@names.example").await);
}

#[tokio::test]
async fn links_line_breaks_and_bidi_controls_are_refused_in_names() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    for (name, message) in [
        (
            "Security Team: sign in at https://evil.example/login",
            "웹 주소를 넣을 수 없습니다",
        ),
        ("www.evil.example", "웹 주소를 넣을 수 없습니다"),
        ("Kim\nYour account is suspended", "한 줄로"),
        ("Kim\u{202E}nimda", "한 줄로"),
    ] {
        let res = invite(&app, name, "named@names.example").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        let page = res.text().await.unwrap();
        assert!(page.contains(message), "{name:?}");
    }
    assert!(!has_account(&app, "named@names.example").await);
    assert_eq!(app.mails_to("named@names.example").await, 0);
}

#[tokio::test]
async fn mail_shows_names_quoted_never_as_words_of_the_mail() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    let res = invite(&app, "Security Team", "quoted@names.example").await;
    assert_eq!(location(&res), "/institution/members?notice=invited");
    let mail = app.last_mail_to("quoted@names.example").await;
    assert!(
        mail.body_text
            .contains("This mail is for \"Security Team\"."),
        "{}",
        mail.body_text
    );
    assert!(
        mail.body_text.contains("Invited by: \"Test issuer\""),
        "{}",
        mail.body_text
    );
    assert!(!mail.body_text.contains("Dear Security Team"));
    assert!(!mail.body_text.contains("Test issuer has invited"));
}

/// The rows of the members page's list of invitations, newest first, and the members table before it.
fn invitation_rows(page: &str) -> (String, Vec<String>) {
    let (members, rest) = page
        .split_once("id=\"invitations-heading\"")
        .expect("the page lists invitations");
    let list = rest.split("id=\"invite-heading\"").next().unwrap();
    let rows = list
        .split("<tr>")
        .skip(2)
        .map(|row| row.split("</tr>").next().unwrap().to_owned())
        .collect();
    (members.to_owned(), rows)
}

#[tokio::test]
async fn the_members_page_lists_an_invitation_alike_whether_or_not_the_address_had_an_account() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    let elsewhere = app.create_issuer_admin("다른은행").await;
    let their_member = app
        .create_account(Role::Issuer, elsewhere.institution, false)
        .await;
    app.sign_in(&admin).await;
    let new_address = "new.person@hanbit.example";
    for email in [new_address, their_member.email.as_str()] {
        let res = invite(&app, "Jiwoo Kim", email).await;
        assert_eq!(location(&res), "/institution/members?notice=invited");
    }
    // Both at the same minute, so that only the address tells the rows apart.
    app.sql("UPDATE invitations SET created_at = '2026-11-20T01:00:00Z'")
        .await;
    let page = app.page("/institution/members").await;
    let (members, rows) = invitation_rows(&page);
    assert_eq!(rows.len(), 2, "{page}");
    assert!(
        !members.contains(new_address),
        "not a member before accepting"
    );
    assert!(!members.contains(&their_member.email));
    let to_them = rows[0].replace(&their_member.email, "ADDRESS");
    let to_new = rows[1].replace(new_address, "ADDRESS");
    assert_eq!(to_them, to_new, "the same row for either address");
    assert!(to_new.contains("2026-11-20 10:00 KST"), "{to_new}");

    // The invited account joins the members once its owner accepted.
    app.sql("UPDATE invitations SET created_at = now()").await;
    let link = crate::support::accounts::link_path(&app.last_mail_to(new_address).await, &app);
    let password = "Daejeon-Science-Park-3";
    let res = app
        .visitor()
        .submit(
            &link,
            &link,
            &[("password", password), ("confirm", password)],
        )
        .await;
    assert_eq!(location(&res), "/account?notice=welcome");
    let page = app.page("/institution/members").await;
    let (members, rows) = invitation_rows(&page);
    assert!(members.contains(new_address), "{members}");
    assert!(rows[1].contains("수락함"), "{}", rows[1]);
    assert!(rows[0].contains("수락 대기 중"), "{}", rows[0]);
}
