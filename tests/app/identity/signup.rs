//! Signing up an institution, verifying the email, and the password rules of SECURITY.md.

use reqwest::StatusCode;

use crate::support::accounts::{link_path, location, valid_brn};
use crate::support::harness::spawn_app;

const PASSWORD: &str = "Namsan-Tower-Evening-Walk-77";

fn signup_fields<'a>(brn: &'a str, email: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("legal_name_ko", "가온페이 주식회사"),
        ("legal_name_en", "Gaon Pay Inc."),
        ("business_registration_number", brn),
        ("corporate_registration_number", "110111-1234569"),
        ("lei", ""),
        ("institution_type", "fintech"),
        ("address", "서울특별시 강남구 테헤란로 1"),
        ("contact_phone", "02-555-0101"),
        ("name", "이서연"),
        ("email", email),
        ("password", password),
        ("confirm", password),
    ]
}

#[tokio::test]
async fn an_institution_signs_up_verifies_its_email_and_signs_in() {
    let app = spawn_app().await;
    let res = app
        .submit(
            "/signup",
            "/signup",
            &signup_fields("124-81-00998", "seoyeon@gaonpay.kr", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("seoyeon@gaonpay.kr 주소로 확인 메일을 보냈습니다")
    );

    // Not verified yet: the right password is refused with a message that says why.
    let res = app.sign_in_password("seoyeon@gaonpay.kr", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("이메일 주소가 아직 확인되지 않았습니다")
    );

    let mail = app.last_mail_to("seoyeon@gaonpay.kr").await;
    assert!(
        mail.subject.contains("이메일 주소를 확인해 주세요"),
        "{}",
        mail.subject
    );
    assert!(mail.body_text.contains("가온페이 주식회사"));
    assert!(mail.body_html.contains("<a href="));
    let link = link_path(&mail, &app);
    assert!(link.starts_with("/verify-email/"));

    // Opening the link shows a confirmation button; only the POST uses the link up.
    let page = app.page(&link).await;
    assert!(page.contains("이서연"));
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?notice=email-verified");
    // A second use of the same link finds it used.
    assert_eq!(app.get(&link).await.status(), StatusCode::GONE);

    let res = app.sign_in_password("SEOYEON@gaonpay.kr", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "emails compare without case"
    );
    assert_eq!(location(&res), "/account");
    let account = app.page("/account").await;
    assert!(account.contains("가온페이 주식회사") && account.contains("seoyeon@gaonpay.kr"));

    let actions = app.audit_actions().await;
    for expected in [
        "institution.signed_up",
        "user.created",
        "email.verified",
        "sign_in.succeeded",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "audit lacks {expected}: {actions:?}"
        );
    }
}

#[tokio::test]
async fn the_verification_link_expires_after_24_hours() {
    let app = spawn_app().await;
    app.submit(
        "/signup",
        "/signup",
        &signup_fields(&valid_brn(7), "late@gaonpay.kr", PASSWORD),
    )
    .await;
    let link = link_path(&app.last_mail_to("late@gaonpay.kr").await, &app);
    app.sql("UPDATE email_tokens SET expires_at = now() - interval '1 second'")
        .await;
    let res = app.get(&link).await;
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("링크가 만료되었거나 이미 사용되었습니다")
    );
}

#[tokio::test]
async fn bad_identifiers_come_back_with_messages_and_nothing_typed_is_lost() {
    let app = spawn_app().await;
    let mut fields = signup_fields("124-81-00997", "kim@gaonpay.kr", PASSWORD);
    fields[3] = ("corporate_registration_number", "110111-123456");
    fields[4] = ("lei", "506700GE1G29325QX364");
    let res = app.submit("/signup?lang=en", "/signup", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("The check digit of this business registration number does not match"));
    assert!(page.contains("Enter 13 digits"));
    assert!(page.contains("The check digits of this LEI do not match"));
    // What was typed comes back, except the password.
    for kept in [
        "가온페이 주식회사",
        "Gaon Pay Inc.",
        "124-81-00997",
        "506700GE1G29325QX364",
        "kim@gaonpay.kr",
        "02-555-0101",
    ] {
        assert!(page.contains(kept), "lost {kept}");
    }
    assert!(!page.contains(PASSWORD));
    assert!(
        page.contains(r##"href="#business_registration_number""##),
        "the summary links to the field"
    );
    assert_eq!(app.mails_to("kim@gaonpay.kr").await, 0);
}

#[tokio::test]
async fn a_business_registration_number_signed_up_already_says_whom_to_contact() {
    let app = spawn_app().await;
    app.submit(
        "/signup",
        "/signup",
        &signup_fields("124-81-00998", "first@gaonpay.kr", PASSWORD),
    )
    .await;
    let res = app
        .submit(
            "/signup",
            "/signup",
            &signup_fields("1248100998", "second@gaonpay.kr", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("124-81-00998(으)로 이미 가입한 기관이 있습니다"));
    assert!(page.contains("기관 관리자에게 초대를 요청하세요"));
}

/// A sign-up nobody confirmed within the link's 24 hours does not hold the number: the same
/// person (or the institution's real staff) can sign up again, and the lapsed one is removed with
/// an audit row. A confirmed institution keeps its number whatever its age.
#[tokio::test]
async fn a_lapsed_unconfirmed_sign_up_gives_way_to_a_new_one() {
    let app = spawn_app().await;
    let first = signup_fields("124-81-00998", "first@gaonpay.kr", PASSWORD);
    assert_eq!(
        app.submit("/signup", "/signup", &first).await.status(),
        StatusCode::OK
    );
    let lapsed = app.user_by_email("first@gaonpay.kr").await;
    app.sql("UPDATE institutions SET created_at = now() - interval '25 hours'")
        .await;

    // The same person, the same address, a day later: a fresh sign-up and a fresh link.
    let res = app.submit("/signup", "/signup", &first).await;
    assert_eq!(res.status(), StatusCode::OK);
    let again = app.user_by_email("first@gaonpay.kr").await;
    assert_ne!(again.id, lapsed.id, "a new account, not the lapsed one");
    assert_ne!(again.institution_id, lapsed.institution_id);
    assert!(
        app.audit_actions()
            .await
            .contains(&"institution.signup_lapsed".to_owned())
    );
    let link = link_path(&app.last_mail_to("first@gaonpay.kr").await, &app);
    assert_eq!(app.get(&link).await.status(), StatusCode::OK);

    // Once confirmed, age does not matter: the number stays taken.
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.sql("UPDATE institutions SET created_at = now() - interval '25 hours'")
        .await;
    let res = app
        .submit(
            "/signup",
            "/signup",
            &signup_fields("1248100998", "second@gaonpay.kr", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("이미 가입한 기관이 있습니다")
    );
}

#[tokio::test]
async fn signing_up_with_an_email_in_use_reveals_nothing_on_the_page() {
    let app = spawn_app().await;
    let existing = app.create_issuer_admin("기존은행").await;
    let res = app
        .submit(
            "/signup",
            "/signup",
            &signup_fields(&valid_brn(42), &existing.email, PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("확인 메일을 보냈습니다"),
        "the same page as a new sign-up"
    );
    // The owner of the address is told instead.
    let mail = app.last_mail_to(&existing.email).await;
    assert!(mail.subject.contains("이미 가입된 이메일 주소입니다"));
    assert!(mail.body_text.contains("새 기관 가입을 시도했지만"));
    // Once an hour: trying again gets the same page, and the owner no second mail.
    let res = app
        .submit(
            "/signup",
            "/signup",
            &signup_fields(&valid_brn(43), &existing.email, PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.mails_to(&existing.email).await, 1);
    let refused = app.audit_actions().await;
    assert_eq!(
        refused.iter().filter(|a| *a == "signup.refused").count(),
        2,
        "both attempts are in the audit log"
    );
    // An hour after the mail (the log is aged by a superuser, past its append-only trigger), the
    // next attempt tells the owner again.
    app.superuser_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        .await;
    app.superuser_sql(
        "UPDATE audit_log SET occurred_at = occurred_at - interval '61 minutes' \
         WHERE action = 'user.told_of_address_use'",
    )
    .await;
    app.submit(
        "/signup",
        "/signup",
        &signup_fields(&valid_brn(44), &existing.email, PASSWORD),
    )
    .await;
    assert_eq!(app.mails_to(&existing.email).await, 2);
}

/// Each sign-up costs a password hash and sends a mail, so one address may send ten an hour; the
/// eleventh comes back as a 429 with everything typed but the passwords, and sends nothing.
#[tokio::test]
async fn one_address_may_sign_up_ten_times_an_hour() {
    let app = spawn_app().await;
    for i in 0..10 {
        let (brn, email) = (valid_brn(5000 + i), format!("applicant{i}@gaonpay.kr"));
        let res = app
            .submit("/signup", "/signup", &signup_fields(&brn, &email, PASSWORD))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "sign-up {i}");
    }
    let res = app
        .submit(
            "/signup",
            "/signup",
            &signup_fields(&valid_brn(6000), "eleventh@gaonpay.kr", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let page = res.text().await.unwrap();
    assert!(page.contains("최근 1시간 동안 같은 네트워크에서 가입 신청이 너무 많았습니다"));
    assert!(page.contains("eleventh@gaonpay.kr") && page.contains("가온페이 주식회사"));
    assert!(!page.contains(PASSWORD), "passwords are never sent back");
    assert_eq!(app.mails_to("eleventh@gaonpay.kr").await, 0);
}

/// SECURITY.md "passwords": 11 characters rejected, 12 and 128 accepted, a listed password
/// rejected, emoji accepted — through the real sign-up form.
#[tokio::test]
async fn the_password_rules_hold_on_the_sign_up_form() {
    let app = spawn_app().await;
    let long = format!("{}ab", "한강 노을 산책 ".repeat(14));
    assert_eq!(long.chars().count(), 128);
    let cases: [(&str, bool, &str); 6] = [
        ("kettle-ruby", false, "12자 이상"),
        ("kettle-ruby!", true, ""),
        (&long, true, ""),
        ("iloveyou1234", false, "널리 알려진 비밀번호"),
        ("🦀🔐 무지개 다리 🌈🌉", true, ""),
        ("GaonPay2026!!", false, "기관명"),
    ];
    for (i, (password, accepted, message)) in cases.iter().enumerate() {
        let email = format!("user{i}@gaonpay.kr");
        let brn = valid_brn(1000 + i as u128);
        let res = app
            .submit("/signup", "/signup", &signup_fields(&brn, &email, password))
            .await;
        let status = res.status();
        let page = res.text().await.unwrap();
        if *accepted {
            assert_eq!(
                status,
                StatusCode::OK,
                "{password:?} ({} chars) should pass: {page}",
                password.chars().count()
            );
        } else {
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{password:?} should be refused"
            );
            assert!(page.contains(message), "{password:?}: expected {message:?}");
        }
    }
}

/// SECURITY.md "hashing": the stored PHC string carries Argon2id and its parameters.
#[tokio::test]
async fn the_stored_password_is_an_argon2id_phc_string() {
    let app = spawn_app().await;
    app.submit(
        "/signup",
        "/signup",
        &signup_fields(&valid_brn(9), "hash@gaonpay.kr", PASSWORD),
    )
    .await;
    let password_hash = app
        .user_by_email("hash@gaonpay.kr")
        .await
        .password_hash
        .unwrap_or_default();
    assert!(
        password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{password_hash}"
    );
    assert!(!password_hash.contains(PASSWORD));
}

#[tokio::test]
async fn an_expired_verification_link_is_replaced_by_a_password_reset() {
    let app = spawn_app().await;
    app.submit(
        "/signup",
        "/signup",
        &signup_fields(&valid_brn(77), "expired@gaonpay.kr", PASSWORD),
    )
    .await;
    app.sql("UPDATE email_tokens SET expires_at = now() - interval '1 second'")
        .await;
    let res = app.sign_in_password("expired@gaonpay.kr", PASSWORD).await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("비밀번호 재설정을 요청하세요")
    );
    app.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", "expired@gaonpay.kr")],
    )
    .await;
    let link = link_path(
        &app.mail_to_about("expired@gaonpay.kr", "비밀번호 재설정")
            .await,
        &app,
    );
    let res = app
        .submit(
            &link,
            &link,
            &[
                ("password", "Gyeongbok-Palace-Snow"),
                ("confirm", "Gyeongbok-Palace-Snow"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/login?notice=password-reset");
    let res = app
        .sign_in_password("expired@gaonpay.kr", "Gyeongbok-Palace-Snow")
        .await;
    assert_eq!(
        location(&res),
        "/account",
        "the reset confirmed the address"
    );
}

/// An address is one address however its letters are cased or composed, in any script: `Ä@…` and
/// `ä@…` are one mailbox, so the second sign-up is an address in use, answered as any other is.
#[tokio::test]
async fn an_address_in_use_is_in_use_whatever_the_case_of_its_letters() {
    let app = spawn_app().await;
    let res = app
        .submit(
            "/signup",
            "/signup",
            &signup_fields(&valid_brn(50), "Ä@bank.kr", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let first = app.user_by_email("ä@bank.kr").await;
    assert_eq!(first.email, "ä@bank.kr", "stored in its normal form");
    app.last_mail_to("ä@bank.kr").await;

    // Lowercase, and then uppercase with a combining diaeresis (NFD), as some keyboards send it.
    for (seed, spelling) in [(51, "ä@bank.kr"), (52, "A\u{0308}@BANK.KR")] {
        let res = app
            .submit(
                "/signup",
                "/signup",
                &signup_fields(&valid_brn(seed), spelling, PASSWORD),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{spelling}");
        assert!(res.text().await.unwrap().contains("확인 메일을 보냈습니다"));
    }
    let actions = app.audit_actions().await;
    let count = |name: &str| actions.iter().filter(|a| *a == name).count();
    assert_eq!(count("signup.refused"), 2, "{actions:?}");
    assert_eq!(count("institution.signed_up"), 1, "{actions:?}");
    // The owner of the address is told, at the address as stored.
    let mail = app
        .mail_to_about("ä@bank.kr", "이미 가입된 이메일 주소입니다")
        .await;
    assert!(mail.body_text.contains("새 기관 가입을 시도했지만"));
}

/// A database whose accounts hold two spellings of one address (as the old, ASCII-only index let
/// in) is not merged silently when addresses are normalised: the migration stops and names both.
#[tokio::test]
async fn accounts_whose_addresses_become_one_stop_the_migration_and_are_named() {
    use diesel_async::SimpleAsyncConnection;
    let app = spawn_app().await;
    let mut conn = app.db().await;
    conn.batch_execute(concat!(
        include_str!("../../../migrations/2026-11-22-070600_sign_in_failures_by_address/down.sql"),
        include_str!("../../../migrations/2026-11-22-070500_email_normal_form/down.sql"),
        "DELETE FROM __diesel_schema_migrations WHERE version IN ('20261122070500', '20261122070600');",
    ))
    .await
    .unwrap();
    let upper = app.create_issuer_admin("한빛").await;
    let lower = app.create_issuer_admin("가온").await;
    for (account, email) in [(&upper, "Ä@bank.kr"), (&lower, "ä@bank.kr")] {
        app.sql(&format!(
            "UPDATE users SET email = '{email}' WHERE id = '{}'",
            account.id
        ))
        .await;
    }
    let error = stablereg::db::migrate(&app.database_url)
        .await
        .expect_err("the migration stops")
        .to_string();
    assert!(error.contains("ä@bank.kr"), "{error}");
    for account in [&upper, &lower] {
        assert!(error.contains(&account.id.to_string()), "{error}");
    }
    // Nothing was changed: both accounts keep their addresses as they were.
    assert_eq!(app.user(upper.id).await.email, "Ä@bank.kr");
    assert_eq!(app.user(lower.id).await.email, "ä@bank.kr");
}
