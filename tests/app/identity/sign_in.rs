//! Signing in: one answer for every kind of failure, growing delays, the lock, the per-address limit,
//! and rehashing weak hashes (SECURITY.md "hashing" and "brute force").

use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::{Account, PASSWORD, link_path, location};
use crate::support::harness::{TestApp, TestConfig, spawn_app, spawn_app_with};

/// Posts the sign-in form as if from `addr` (the app trusts X-Forwarded-For in these tests).
async fn attempt(
    app: &TestApp,
    token: &str,
    email: &str,
    password: &str,
    addr: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/login"))
        .header("x-forwarded-for", addr)
        .form(&[
            ("csrf_token", token),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

async fn behind_a_proxy() -> TestApp {
    let mut config = TestConfig::default();
    config.env.insert("TRUST_FORWARDED_FOR", "true".into());
    spawn_app_with(config).await
}

async fn locked(app: &TestApp, account: &Account) -> bool {
    app.user(account.id).await.locked_at.is_some()
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_page() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    let unknown = app.sign_in_password("nobody@nowhere.kr", PASSWORD).await;
    let wrong = app
        .sign_in_password(&account.email, "not the password at all")
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status(), unknown.status());
    let message = "이메일 주소 또는 비밀번호가 올바르지 않거나";
    assert!(unknown.text().await.unwrap().contains(message));
    assert!(wrong.text().await.unwrap().contains(message));
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "sign_in.failed").count(), 2);
}

/// The first five failures cost nothing; after them each attempt must wait, and the wait grows.
/// The wait after the fifth is one second, which a loaded machine can take between two requests,
/// so the refusal is shown with ten failures counted (a 32-second wait).
#[tokio::test]
async fn after_five_failures_attempts_must_wait_and_then_may_try_again() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    for _ in 0..5 {
        let res = app
            .sign_in_password(&account.email, "wrong password here")
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        app.user(account.id).await.failed_logins,
        5,
        "each one counted"
    );
    app.sql(&format!(
        "UPDATE sign_in_failures SET failures = 10, last_failure_at = now() WHERE user_id = '{}'",
        account.id
    ))
    .await;
    // The delay is on: even the right password is turned away unchecked.
    let res = app.sign_in_password(&account.email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "sign_in.refused")
    );
    // Once the delay has passed the right password works, and the count starts again.
    app.sql(&format!(
        "UPDATE sign_in_failures SET last_failure_at = now() - interval '1 hour' WHERE user_id = '{}'",
        account.id
    ))
    .await;
    let res = app.sign_in_password(&account.email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_hundred_and_first_failure_locks_even_from_changing_addresses() {
    let app = behind_a_proxy().await;
    let account = app.create_issuer_admin("한빛").await;
    let token = app.token("/login").await;
    for i in 1..=101 {
        // Skip the growing delay: this test is about the count, not the waiting.
        app.sql(&format!(
            "UPDATE users SET last_failed_login_at = NULL WHERE id = '{}'",
            account.id
        ))
        .await;
        let addr = format!("203.0.113.{}", i % 250);
        let res = attempt(&app, &token, &account.email, "wrong password here", &addr).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {i}"
        );
        assert_eq!(locked(&app, &account).await, i == 101, "after {i} failures");
    }
    app.sql(&format!(
        "UPDATE users SET last_failed_login_at = NULL WHERE id = '{}'",
        account.id
    ))
    .await;
    let res = attempt(&app, &token, &account.email, PASSWORD, "198.51.100.7").await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the right password is refused while locked"
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "account.locked")
    );

    // A password reset by email lifts the lock.
    app.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", &account.email)],
    )
    .await;
    let link = link_path(&app.last_mail_to(&account.email).await, &app);
    let res = app
        .submit(
            &link,
            &link,
            &[
                ("password", "Jeju-Olle-Trail-Seven"),
                ("confirm", "Jeju-Olle-Trail-Seven"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/login?notice=password-reset");
    assert!(!locked(&app, &account).await);
    let res = attempt(
        &app,
        &app.token("/login").await,
        &account.email,
        "Jeju-Olle-Trail-Seven",
        "198.51.100.7",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn one_address_may_try_thirty_times_a_minute() {
    let app = behind_a_proxy().await;
    let token = app.token("/login").await;
    for i in 1..=30 {
        let res = attempt(
            &app,
            &token,
            "someone@nowhere.kr",
            "guess guess guess",
            "192.0.2.10",
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {i}"
        );
    }
    let res = attempt(
        &app,
        &token,
        "someone@nowhere.kr",
        "guess guess guess",
        "192.0.2.10",
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("로그인 시도가 너무 많습니다")
    );
    // Another address is not affected.
    let res = attempt(
        &app,
        &token,
        "someone@nowhere.kr",
        "guess guess guess",
        "192.0.2.11",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_weaker_stored_hash_is_replaced_at_sign_in() {
    let app = spawn_app().await;
    let account = app
        .create_account(
            Role::Issuer,
            Some(app.create_institution("한빛").await),
            true,
        )
        .await;
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(8192, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes())
    .unwrap()
    .to_string();
    app.sql(&format!(
        "UPDATE users SET password_hash = '{weak}' WHERE id = '{}'",
        account.id
    ))
    .await;
    app.sign_in(&account).await;
    let password_hash = app.user(account.id).await.password_hash.unwrap_or_default();
    assert!(
        password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{password_hash}"
    );
}

#[tokio::test]
async fn a_forgotten_password_answer_never_tells_whether_the_account_exists() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    let known = app
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", &account.email)],
        )
        .await;
    let unknown = app
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "ghost@nowhere.kr")],
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    let (known, unknown) = (known.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(
        known.contains("비밀번호 재설정 링크를 보냈습니다")
            && unknown.contains("비밀번호 재설정 링크를 보냈습니다")
    );
    // The mail is queued after the answer; once it is there, there is one, and none for the ghost.
    app.last_mail_to(&account.email).await;
    assert_eq!(app.mails_to(&account.email).await, 1);
    assert_eq!(app.mails_to("ghost@nowhere.kr").await, 0);

    // A second request within a minute sends nothing more: nobody's mailbox can be flooded.
    app.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", &account.email)],
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.mails_to(&account.email).await, 1);
}

#[tokio::test]
async fn a_reset_link_works_once_for_an_hour_and_ends_every_session() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    // Another browser of the same user, signed in too.
    let other = app.visitor();
    other.sign_in(&account).await;

    app.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", &account.email)],
    )
    .await;
    let link = link_path(&app.last_mail_to(&account.email).await, &app);
    let res = app
        .submit(
            &link,
            &link,
            &[
                ("password", "Busan-Harbour-Gulls-Fly"),
                ("confirm", "Busan-Harbour-Gulls-Fly"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        other.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(app.get(&link).await.status(), StatusCode::GONE, "used once");

    // A second link, an hour old, is refused. (Requested two minutes after the first, so it is sent.)
    app.sql("UPDATE email_tokens SET created_at = now() - interval '2 minutes'")
        .await;
    let first = app.last_mail_to(&account.email).await.id;
    app.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", &account.email)],
    )
    .await;
    let mut second = app.last_mail_to(&account.email).await;
    while second.id == first {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        second = app.last_mail_to(&account.email).await;
    }
    let link = link_path(&second, &app);
    app.sql(
        "UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    )
    .await;
    assert_eq!(app.get(&link).await.status(), StatusCode::GONE);
}

/// Attempts racing each other cannot slip past the lock: with 100 failures counted, 13 wrong
/// passwords and the right one arrive at once. Whichever reserves the attempt first is checked
/// alone; the others find the account waiting (or locked). If that first one was wrong, it was the
/// 101st failure: the account locks and the right password never gets in. If it was the right one,
/// the count starts again, and the wrong ones after it meet the usual limits, never a lock.
#[tokio::test]
async fn concurrent_attempts_cannot_slip_past_the_lock() {
    let app = behind_a_proxy().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sql(&format!(
        "UPDATE users SET failed_logins = 100 WHERE id = '{}'",
        account.id
    ))
    .await;
    let token = app.token("/login").await;
    let attempts = (0..14).map(|i| {
        let password = if i == 7 {
            PASSWORD.to_owned()
        } else {
            format!("wrong password number {i}")
        };
        let (app, token, email) = (&app, token.clone(), account.email.clone());
        async move {
            attempt(app, &token, &email, &password, &format!("198.51.100.{i}"))
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let signed_in = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    // The checks in the order they happened, from the audit log.
    let checked: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| ["sign_in.failed", "sign_in.succeeded", "account.locked"].contains(&a.as_str()))
        .collect();
    match checked.first().map(String::as_str) {
        Some("sign_in.failed") => {
            assert_eq!(
                checked,
                ["sign_in.failed", "account.locked"],
                "{statuses:?}"
            );
            assert_eq!(signed_in, 0);
            assert!(locked(&app, &account).await);
            let after = attempt(&app, &token, &account.email, PASSWORD, "198.51.100.99").await;
            assert_eq!(after.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        Some("sign_in.succeeded") => {
            assert_eq!(signed_in, 1);
            assert!(
                !checked.contains(&"account.locked".to_owned()),
                "{checked:?}"
            );
            assert!(!locked(&app, &account).await);
        }
        other => panic!("one attempt is checked first, found {other:?} in {checked:?}"),
    }
}

/// The same race with only wrong passwords, so its outcome is certain: one failure is checked and
/// locks the account, and the right password afterwards is refused.
#[tokio::test]
async fn racing_wrong_passwords_lock_the_account_once() {
    let app = behind_a_proxy().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sql(&format!(
        "UPDATE users SET failed_logins = 100 WHERE id = '{}'",
        account.id
    ))
    .await;
    let token = app.token("/login").await;
    let attempts = (0..14).map(|i| {
        let (app, token, email) = (&app, token.clone(), account.email.clone());
        async move {
            let password = format!("wrong password number {i}");
            attempt(app, &token, &email, &password, &format!("198.51.100.{i}"))
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    let actions = app.audit_actions().await;
    let count = |name: &str| actions.iter().filter(|a| *a == name).count();
    assert_eq!(count("sign_in.failed"), 1);
    assert_eq!(count("account.locked"), 1);
    assert_eq!(count("sign_in.refused"), 13);
    assert!(locked(&app, &account).await);
    let after = attempt(&app, &token, &account.email, PASSWORD, "198.51.100.99").await;
    assert_eq!(after.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(locked(&app, &account).await);
}

/// A NUL character, in a form or a query, is a 400: never a 500 from the database.
#[tokio::test]
async fn a_nul_character_is_refused_as_bad_input() {
    let app = spawn_app().await;
    let res = app
        .submit(
            "/login",
            "/login",
            &[("email", "a\0b@x.kr"), ("password", "whatever at all")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("요청을 처리할 수 없습니다")
    );
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    assert_eq!(
        app.get("/admin?q=%00").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/admin/audit?actor=x%00y").await.status(),
        StatusCode::BAD_REQUEST
    );
}

/// The wait is per account and client address: someone guessing from one address slows that address
/// only, and the owner signing in from theirs gets in at once (the guesser's address keeps waiting).
#[tokio::test]
async fn failures_from_one_address_do_not_make_the_owner_wait_at_another() {
    let app = behind_a_proxy().await;
    let account = app.create_issuer_admin("한빛").await;
    let guesser = app.visitor_from("203.0.113.66");
    for i in 1..=8 {
        let res = guesser
            .sign_in_password(&account.email, &format!("wrong password number {i}"))
            .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {i}"
        );
    }
    let res = app
        .visitor_from("198.51.100.20")
        .sign_in_password(&account.email, PASSWORD)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the owner is not kept waiting"
    );
    assert_eq!(app.user(account.id).await.failed_logins, 0);

    // The guesser's address still waits (ten failures: 32 s), even with the right password.
    app.sql(
        "UPDATE sign_in_failures SET failures = 10, last_failure_at = now() \
         WHERE client_addr = '203.0.113.66'",
    )
    .await;
    let refused_before = refused_count(&app).await;
    let res = guesser.sign_in_password(&account.email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused_count(&app).await,
        refused_before + 1,
        "turned away unchecked"
    );
    // And the owner, again, is not.
    let res = app
        .visitor_from("198.51.100.20")
        .sign_in_password(&account.email, PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

async fn refused_count(app: &TestApp) -> usize {
    app.audit_actions()
        .await
        .iter()
        .filter(|a| *a == "sign_in.refused")
        .count()
}

/// The second factor is under the same limits: wrong codes from one address make that address wait,
/// while the owner at another passes both steps at once.
#[tokio::test]
async fn wrong_codes_from_one_address_do_not_make_the_owner_wait_at_another() {
    let app = behind_a_proxy().await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    let guesser = app.visitor_from("203.0.113.77");
    let res = guesser
        .sign_in_password(&reviewer.email, &reviewer.password)
        .await;
    assert_eq!(location(&res), "/mfa");
    let token = guesser.token("/mfa").await;
    for i in 0..8 {
        let res = guesser
            .post("/mfa", &token, &[("code", &format!("00000{i}"))])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "code {i}");
    }
    app.visitor_from("198.51.100.21").sign_in(&reviewer).await;

    app.sql(
        "UPDATE sign_in_failures SET failures = 10, last_failure_at = now() \
         WHERE client_addr = '203.0.113.77'",
    )
    .await;
    let code = app.current_code(&reviewer).await;
    let res = guesser.post("/mfa", &token, &[("code", &code)]).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the guesser's address waits, even with the right code"
    );
    assert!(!locked(&app, &reviewer).await);
}
