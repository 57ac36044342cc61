//! A user's own account: changing the password, the email address and the second factor, each
//! behind the password (and the code, once MFA is on).

use reqwest::StatusCode;
use stablereg::auth::Role;

use crate::harness::spawn_app;
use crate::support::{link_path, location};

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
async fn changing_the_email_needs_the_code_too_and_a_verified_new_address() {
    let app = spawn_app().await;
    let approver = app.create_account(Role::Approver, None, false).await;
    app.sign_in(&approver).await;
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", "new-approver@fsc.example"),
                ("current_password", &approver.password),
                ("code", ""),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "with MFA on, the code is asked again"
    );
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("new-approver@fsc.example"),
        "the typed address comes back"
    );

    let code = app.current_code(&approver).await;
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", "new-approver@fsc.example"),
                ("current_password", &approver.password),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(location(&res), "/login?notice=email-changed");
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
    let res = app
        .sign_in_password("new-approver@fsc.example", &approver.password)
        .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("이메일 주소가 아직 확인되지 않았습니다")
    );
    let link = link_path(&app.last_mail_to("new-approver@fsc.example").await, &app);
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(location(&res), "/login?notice=email-verified");
    let res = app
        .sign_in_password("new-approver@fsc.example", &approver.password)
        .await;
    assert_eq!(location(&res), "/mfa");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "email.changed")
    );
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
