//! The second factor (SECURITY.md "MFA"): regulator staff must enrol at first sign-in, a code works
//! once, a code two steps old does not, and recovery codes are single-use.

use reqwest::StatusCode;
use stablereg::auth::totp;
use stablereg::domain::Role;

use crate::support::accounts::location;
use crate::support::harness::spawn_app;

/// The secret as the enrolment page shows it (groups of four), without the spaces.
fn secret_on_page(html: &str) -> String {
    let shown = html
        .split(r#"id="totp-secret">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    shown.replace(' ', "")
}

#[tokio::test]
async fn regulator_staff_enrol_at_first_sign_in_and_keep_recovery_codes() {
    let app = spawn_app().await;
    let mut reviewer = app.create_account(Role::Reviewer, None, false).await;
    app.sql(&format!(
        "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL WHERE id = '{}'",
        reviewer.id
    ))
    .await;

    let res = app
        .sign_in_password(&reviewer.email, &reviewer.password)
        .await;
    assert_eq!(location(&res), "/mfa/enrol");
    // Nothing else is reachable before enrolment.
    assert_eq!(
        location(&app.get("/account").await),
        "/login?next=%2Faccount"
    );
    let page = app.page("/mfa/enrol").await;
    assert!(
        app.user(reviewer.id).await.totp_secret.is_none(),
        "opening the enrolment page stores nothing"
    );
    assert!(page.contains("<svg"), "the QR code is drawn on the server");
    let secret = secret_on_page(&page);
    let code = totp::code_at(&secret, totp::now()).unwrap();
    let res = app
        .submit("/mfa/enrol", "/mfa/enrol", &[("code", "000000")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit("/mfa/enrol", "/mfa/enrol", &[("code", &code)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    let codes: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::OK,
        "signed in after enrolling"
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "mfa.enrolled")
    );
    // The secret is stored sealed, never as the text the authenticator app was given.
    let stored = app.user(reviewer.id).await.totp_secret.unwrap();
    assert!(
        stored.starts_with("v1:") && !stored.contains(&secret),
        "{stored}"
    );

    // Later, a recovery code signs in once, typed sloppily; the second use of it fails.
    reviewer.totp = Some(secret);
    let typed = codes[0].to_lowercase().replace('-', " ");
    for (attempt, expected) in [
        (1, StatusCode::SEE_OTHER),
        (2, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let browser = app.visitor();
        let res = browser
            .sign_in_password(&reviewer.email, &reviewer.password)
            .await;
        assert_eq!(location(&res), "/mfa");
        let res = browser.submit("/mfa", "/mfa", &[("code", &typed)]).await;
        assert_eq!(res.status(), expected, "recovery code use {attempt}");
    }
}

#[tokio::test]
async fn a_code_is_accepted_once_and_not_when_two_steps_old() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let secret = admin.totp.clone().unwrap();

    // Two steps old: refused.
    let res = app.sign_in_password(&admin.email, &admin.password).await;
    assert_eq!(location(&res), "/mfa");
    let old = totp::code_at(&secret, totp::now() - 60).unwrap();
    let current = totp::code_at(&secret, totp::now()).unwrap();
    if old != current {
        let res = app.submit("/mfa", "/mfa", &[("code", &old)]).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a code two steps old is rejected"
        );
    }
    let res = app.submit("/mfa", "/mfa", &[("code", &current)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);

    // The same code again, from another browser with the right password: refused as a replay.
    let other = app.visitor();
    let res = other.sign_in_password(&admin.email, &admin.password).await;
    assert_eq!(location(&res), "/mfa");
    let res = other.submit("/mfa", "/mfa", &[("code", &current)]).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a replayed code is rejected"
    );
    assert!(res.text().await.unwrap().contains("이미 사용되었습니다"));
    assert!(app.audit_actions().await.iter().any(|a| a == "mfa.failed"));
}

#[tokio::test]
async fn issuer_members_may_turn_mfa_on_and_then_need_it() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("한빛").await;
    app.sign_in(&issuer).await;
    let page = app.page("/mfa/enrol").await;
    assert!(
        page.contains("current_password"),
        "a signed-in user confirms with the password"
    );
    let secret = secret_on_page(&page);
    let code = totp::code_at(&secret, totp::now()).unwrap();
    let res = app
        .submit(
            "/mfa/enrol",
            "/mfa/enrol",
            &[("current_password", "wrong"), ("code", &code)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit(
            "/mfa/enrol",
            "/mfa/enrol",
            &[("current_password", &issuer.password), ("code", &code)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Turning it off and on again offers a new secret: the old authenticator (a lost phone, say)
    // must not come back with it.
    let mut with_mfa = issuer.clone();
    with_mfa.totp = Some(secret.clone());
    let code = app.current_code(&with_mfa).await;
    let res = app
        .submit(
            "/account",
            "/account/mfa/reset",
            &[("current_password", &issuer.password), ("code", &code)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = secret_on_page(&app.page("/mfa/enrol").await);
    assert_ne!(again, secret, "a new secret after turning MFA off");
    let code = totp::code_at(&again, totp::now()).unwrap();
    let res = app
        .submit(
            "/mfa/enrol",
            "/mfa/enrol",
            &[("current_password", &issuer.password), ("code", &code)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // From now on, signing in asks for a code.
    let res = app.sign_in_password(&issuer.email, &issuer.password).await;
    assert_eq!(location(&res), "/mfa");
}

/// A database from before secrets were sealed: start-up seals a secret kept in clear (its owner
/// signs in with the same authenticator as before) and drops an enrolment left unfinished.
#[tokio::test]
async fn secrets_kept_in_clear_are_sealed_and_still_work() {
    let app = spawn_app().await;
    let approver = app.create_account(Role::Approver, None, false).await;
    let unfinished = app.create_account(Role::Reviewer, None, false).await;
    let secret = approver.totp.clone().unwrap();
    app.sql(&format!(
        "UPDATE users SET totp_secret = '{secret}' WHERE id = '{}'",
        approver.id
    ))
    .await;
    app.sql(&format!(
        "UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enabled_at = NULL WHERE id = '{}'",
        unfinished.id
    ))
    .await;
    let mut conn = app.db().await;
    let changed = app
        .totp_secrets()
        .seal_clear_secrets(&mut conn)
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let stored = app.user(approver.id).await.totp_secret.unwrap();
    assert!(stored.starts_with("v1:"), "{stored}");
    assert!(app.user(unfinished.id).await.totp_secret.is_none());
    app.sign_in(&approver).await;
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    assert_eq!(
        app.totp_secrets()
            .seal_clear_secrets(&mut conn)
            .await
            .unwrap(),
        0,
        "once only"
    );
}
