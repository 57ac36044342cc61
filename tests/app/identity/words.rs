//! Words that fit the reader: the enrolment page says why to enrol and who is signing in, and a
//! confirmation link opened again says the address is confirmed.

use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::{link_path, location};
use crate::support::harness::spawn_app;

#[tokio::test]
async fn an_issuer_enrolling_by_choice_is_not_told_it_is_for_regulator_staff() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("한빛").await;
    app.sign_in(&issuer).await;
    let page = app.page("/mfa/enrol").await;
    assert!(
        page.contains("2단계 인증을 켜면"),
        "why one would turn it on"
    );
    assert!(!page.contains("금융당국 직원은 2단계 인증을 반드시"));

    let staff = app.create_account(Role::Reviewer, None, false).await;
    app.sql(&format!(
        "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL WHERE id = '{}'",
        staff.id
    ))
    .await;
    let visitor = app.visitor();
    let res = visitor
        .sign_in_password(&staff.email, &staff.password)
        .await;
    assert_eq!(location(&res), "/mfa/enrol");
    let page = visitor.page("/mfa/enrol").await;
    assert!(page.contains("금융당국 직원은 2단계 인증을 반드시"));
    let nav = page
        .split(r#"class="portal-nav""#)
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .unwrap();
    assert!(nav.contains("Test reviewer"), "the person is named: {nav}");
    assert!(
        nav.contains(r#"action="/logout""#),
        "with a way to sign out"
    );
    assert!(
        !nav.contains(r#"href="/signup""#),
        "not the visitor's links"
    );
}

#[tokio::test]
async fn a_confirmation_link_opened_again_says_the_address_is_confirmed() {
    let app = spawn_app().await;
    let password = "Namsan-Tower-Evening-Walk-77";
    let fields = [
        ("legal_name_ko", "가온페이 주식회사"),
        ("legal_name_en", "Gaon Pay Inc."),
        ("business_registration_number", "124-81-00998"),
        ("corporate_registration_number", "110111-1234569"),
        ("lei", ""),
        ("institution_type", "fintech"),
        ("address", "서울특별시 강남구 테헤란로 1"),
        ("contact_phone", "02-555-0101"),
        ("name", "이서연"),
        ("email", "seoyeon@gaonpay.kr"),
        ("password", password),
        ("confirm", password),
    ];
    assert_eq!(
        app.submit("/signup", "/signup", &fields).await.status(),
        StatusCode::OK
    );
    let link = link_path(&app.last_mail_to("seoyeon@gaonpay.kr").await, &app);
    let res = app.submit(&link, &link, &[]).await;
    assert_eq!(location(&res), "/login?notice=email-verified");

    // Opened again from the mail, in another browser: confirmed, and the way to sign in.
    let later = app.visitor();
    let res = later.get(&format!("{link}?lang=en")).await;
    assert_eq!(res.status(), StatusCode::GONE, "the link itself is used up");
    let page = res.text().await.unwrap();
    assert!(page.contains("Your email address is confirmed"), "{page}");
    assert!(page.contains(r#"href="/login""#));
    assert!(!page.contains("has expired"));
    let page = app.get(&link).await.text().await.unwrap();
    assert!(page.contains("이메일 주소 확인이 끝났습니다"));

    // A link nobody issued still says only that it does not work.
    let page = app
        .get("/verify-email/not-a-token")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("이메일 주소 확인이 끝났습니다"));
}
