//! A user's own account: changing the password, the email address and the second factor, each
//! behind the password (and the code, once MFA is on).

use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::{link_path, location};
use crate::support::harness::spawn_app;

#[tokio::test]
async fn changing_the_password_asks_for_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    let elsewhere = app.visitor();
    elsewhere.sign_in(&account).await;

    let res = app
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("password", "Suwon-Fortress-Wall-Walk"),
                ("confirm", "Suwon-Fortress-Wall-Walk"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("현재 비밀번호가 올바르지 않습니다")
    );

    let res = app
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", &account.password),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("12자 이상"));

    let res = app
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", &account.password),
                ("password", "Suwon-Fortress-Wall-Walk"),
                ("confirm", "Suwon-Fortress-Wall-Walk"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/account?notice=password-changed");
    assert!(
        app.page("/account?notice=password-changed")
            .await
            .contains("비밀번호를 변경했습니다"),
        "this session goes on"
    );
    assert_eq!(
        elsewhere.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the other one ended"
    );
    assert_eq!(
        app.sign_in_password(&account.email, &account.password)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.sign_in_password(&account.email, "Suwon-Fortress-Wall-Walk")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "password.changed")
    );
}

#[tokio::test]
async fn a_new_email_address_counts_only_once_confirmed_and_the_old_one_is_told() {
    let app = spawn_app().await;
    let approver = app.create_account(Role::Approver, None, false).await;
    app.sign_in(&approver).await;
    let fields = |code: &str| {
        vec![
            ("email".to_owned(), "new-approver@fsc.example".to_owned()),
            ("current_password".to_owned(), approver.password.clone()),
            ("code".to_owned(), code.to_owned()),
        ]
    };
    let as_refs = |v: &Vec<(String, String)>| {
        v.iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    let post = async |code: &str| {
        let owned = as_refs(&fields(code));
        let refs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        app.submit("/account/email", "/account/email", &refs).await
    };
    let res = post("").await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "with MFA on, the code is asked again"
    );
    let page = res.text().await.unwrap();
    assert!(
        page.contains("new-approver@fsc.example"),
        "the typed address comes back"
    );
    assert!(page.contains(r#"id="code" name="code" value="" class="krds-input" autocomplete="one-time-code" aria-invalid="true""#), "the code field is marked");

    let code = app.current_code(&approver).await;
    let res = post(&code).await;
    assert_eq!(location(&res), "/account?notice=email-change-sent");
    // Nothing changes until the new address is confirmed: the old one still signs in.
    assert!(
        app.page("/account")
            .await
            .contains("new-approver@fsc.example 주소로 변경을 기다리는 중입니다")
    );
    let told = app.last_mail_to(&approver.email).await;
    assert!(
        told.subject.contains("이메일 주소 변경 요청")
            && told.body_text.contains("new-approver@fsc.example")
    );
    let other = app.visitor();
    assert_eq!(
        location(
            &other
                .sign_in_password(&approver.email, &approver.password)
                .await
        ),
        "/mfa"
    );

    let link = link_path(&app.last_mail_to("new-approver@fsc.example").await, &app);
    assert!(link.starts_with("/email/confirm/"));
    assert!(app.page(&link).await.contains("new-approver@fsc.example"));
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(location(&res), "/account?notice=email-changed");
    assert_eq!(
        app.get(&link).await.status(),
        StatusCode::GONE,
        "the link works once"
    );
    let res = app
        .visitor()
        .sign_in_password("new-approver@fsc.example", &approver.password)
        .await;
    assert_eq!(location(&res), "/mfa");
    let res = app
        .visitor()
        .sign_in_password(&approver.email, &approver.password)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old address no longer signs in"
    );
    let actions = app.audit_actions().await;
    assert!(
        actions.iter().any(|a| a == "email.change_requested")
            && actions.iter().any(|a| a == "email.changed")
    );
}

#[tokio::test]
async fn moving_to_an_address_in_use_reveals_nothing_and_tells_its_owner() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("한빛").await;
    let other = app.create_issuer_admin("다른").await;
    app.sign_in(&issuer).await;
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", &other.email),
                ("current_password", &issuer.password),
            ],
        )
        .await;
    assert_eq!(
        location(&res),
        "/account?notice=email-change-sent",
        "the same answer as for a free address"
    );
    let told = app.last_mail_to(&other.email).await;
    assert!(told.subject.contains("이미 가입된 이메일 주소입니다"));
    assert!(
        told.body_text
            .contains("계정 이메일을 이 주소로 바꾸려 했지만"),
        "the mail says what was tried: {}",
        told.body_text
    );
    assert!(
        !app.page("/account").await.contains("변경을 기다리는 중"),
        "nothing is pending"
    );
    // Trying again within the hour tells the owner nothing more.
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", &other.email),
                ("current_password", &issuer.password),
            ],
        )
        .await;
    assert_eq!(location(&res), "/account?notice=email-change-sent");
    assert_eq!(app.mails_to(&other.email).await, 1);
}

#[tokio::test]
async fn turning_mfa_off_sends_regulator_staff_straight_back_to_enrol() {
    let app = spawn_app().await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    app.sign_in(&reviewer).await;
    let res = app
        .submit(
            "/account",
            "/account/mfa/reset",
            &[("current_password", &reviewer.password), ("code", "123456")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code = app.current_code(&reviewer).await;
    let res = app
        .submit(
            "/account",
            "/account/mfa/reset",
            &[("current_password", &reviewer.password), ("code", &code)],
        )
        .await;
    assert_eq!(location(&res), "/mfa/enrol");
    assert_eq!(
        location(&app.get("/account").await),
        "/login?next=%2Faccount",
        "nothing else until enrolled again"
    );
    assert!(app.page("/mfa/enrol").await.contains("totp-secret"));
    assert!(app.audit_actions().await.iter().any(|a| a == "mfa.removed"));
}

/// A scan of the password re-confirmation (issue 7, item 8) wrote a `sign_in.refused` row per
/// request. Its attempts now count against the account's wait and the address's 30 a minute, and
/// beyond them the answer is a 429 whose refusal is audited once a minute, not once a request.
#[tokio::test]
async fn re_confirmation_beyond_the_limits_is_a_429_audited_once_a_minute() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    let token = app.token("/account/password").await;
    let mut statuses = Vec::new();
    for i in 0..40 {
        let wrong = format!("not the password {i}");
        let res = app
            .post(
                "/account/password",
                &token,
                &[
                    ("current_password", &wrong),
                    ("password", "Suwon-Fortress-Wall-Walk"),
                    ("confirm", "Suwon-Fortress-Wall-Walk"),
                ],
            )
            .await;
        statuses.push(res.status());
    }
    assert!(
        statuses[..5]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert!(
        statuses[31..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let refused = app
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "sign_in.refused")
        .count();
    assert_eq!(refused, 1, "one row for the minute, {statuses:?}");
}

/// The address's 30 attempts a minute hold even when every password is right: the 31st check is
/// not made, and the answer is a 429.
#[tokio::test]
async fn re_confirmation_counts_against_the_address_limit() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    let token = app.token("/account/password").await;
    let fields = [
        ("current_password", account.password.as_str()),
        ("password", "short"),
        ("confirm", "short"),
    ];
    // Signing in was the first of the address's 30.
    for i in 1..30 {
        let res = app.post("/account/password", &token, &fields).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {i}"
        );
    }
    let res = app.post("/account/password", &token, &fields).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("current_password", &account.password),
                ("email", "new-address@example.kr"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "every form");
}
