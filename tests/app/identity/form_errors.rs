//! What a form says when it is sent back: every problem at once, each named by its field's label in
//! the summary, with the focus on that summary.

use reqwest::StatusCode;

use crate::support::harness::spawn_app;

#[tokio::test]
async fn changing_the_password_reports_every_problem_in_one_round() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    let res = app
        .submit(
            "/account/password?lang=en",
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("password", "short"),
                ("confirm", "shorter"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    let wrong = page
        .find("Current password: The current password is not right.")
        .expect("the wrong current password, named by its label");
    let short = page
        .find("New password: Use at least 12 characters.")
        .expect("the short new password, named by its label");
    let mismatch = page
        .find("Confirm password: The two passwords do not match.")
        .expect("the mismatched confirmation, named by its label");
    assert!(
        wrong < short && short < mismatch,
        "in the order of the form"
    );
    assert!(
        page.contains(r#"class="portal-error-summary" role="alert" tabindex="-1" autofocus"#),
        "the summary takes the focus"
    );
}

#[tokio::test]
async fn changing_the_email_reports_a_bad_address_and_a_wrong_password_together() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    let res = app
        .submit(
            "/account/email?lang=en",
            "/account/email",
            &[
                ("email", "not an address"),
                ("current_password", "not it at all"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    let address = page
        .find("New email address: Enter an email address in the form name@example.com.")
        .expect("the bad address, named by its label");
    let wrong = page
        .find("Current password: The current password is not right.")
        .expect("the wrong password, named by its label, in the same round");
    assert!(address < wrong, "in the order of the form");
    assert!(
        page.contains(r#"class="portal-error-summary" role="alert" tabindex="-1" autofocus"#),
        "the summary takes the focus"
    );
    assert!(
        page.contains(r#"value="not an address""#),
        "the address typed is kept"
    );
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| a.starts_with("email."))
            .count(),
        0
    );
}

#[tokio::test]
async fn changing_to_the_same_address_with_a_wrong_password_says_both() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", &account.email),
                ("current_password", "not it at all"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("새 이메일 주소: 지금 사용 중인 이메일 주소입니다. 새 주소를 입력하세요.")
    );
    assert!(page.contains("현재 비밀번호: 현재 비밀번호가 올바르지 않습니다."));
}

/// A good address and the right password still go through, so the form asks nothing more.
#[tokio::test]
async fn changing_the_email_with_everything_right_sends_the_link() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    app.sign_in(&account).await;
    let res = app
        .submit(
            "/account/email",
            "/account/email",
            &[
                ("email", "new-address@hanbit.kr"),
                ("current_password", &account.password),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.mails_to("new-address@hanbit.kr").await, 1);
}

#[tokio::test]
async fn sign_up_reports_a_short_password_and_a_mismatch_together_with_the_fields_named() {
    let app = spawn_app().await;
    let fields = [
        ("legal_name_ko", "가온페이 주식회사"),
        ("legal_name_en", ""),
        ("business_registration_number", "124-81-0099"),
        ("corporate_registration_number", "110111-1234569"),
        ("lei", ""),
        ("institution_type", "fintech"),
        ("address", "서울특별시 강남구 테헤란로 1"),
        ("contact_phone", "02-555-0101"),
        ("name", "이서연"),
        ("email", "seoyeon@gaonpay.kr"),
        ("password", "short"),
        ("confirm", "other"),
    ];
    let res = app.submit("/signup", "/signup", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    for entry in [
        "법인명(영문): 필수 입력 항목입니다.",
        "사업자등록번호: 숫자 10자리를 입력해 주세요(예: 124-81-00998).",
        "비밀번호: 12자 이상 입력해 주세요.",
        "비밀번호 확인: 두 비밀번호가 일치하지 않습니다.",
    ] {
        assert!(page.contains(entry), "{entry} in the summary");
    }
    assert_eq!(app.mails_to("seoyeon@gaonpay.kr").await, 0);
}

/// The institution's part of the sign-up form, typed as a Korean input method types it.
fn signup_typed<'a>(brn: &'a str, crn: &'a str, phone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("legal_name_ko", "가온페이 주식회사"),
        ("legal_name_en", "Gaon Pay Inc."),
        ("business_registration_number", brn),
        ("corporate_registration_number", crn),
        ("lei", "５０６７００ＧＥ１Ｇ２９３２５ＱＸ３６３"),
        ("institution_type", "fintech"),
        ("address", "서울특별시 강남구 테헤란로 1"),
        ("contact_phone", phone),
        ("name", "이서연"),
        ("email", "seoyeon@gaonpay.kr"),
        ("password", "Namsan-Tower-Evening-Walk-77"),
        ("confirm", "Namsan-Tower-Evening-Walk-77"),
    ]
}

#[tokio::test]
async fn full_width_digits_and_spaces_in_numbers_are_read_as_the_numbers_they_are() {
    let app = spawn_app().await;
    let fields = signup_typed(
        "１２４－８１－００９９８",
        "１１０１１１ １２３４５６９",
        "０２－５５５－０１０１",
    );
    let res = app.submit("/signup", "/signup", &fields).await;
    assert_eq!(res.status(), StatusCode::OK, "signed up, not refused");
    let stored = app
        .sql(
            "UPDATE institutions SET status = status \
             WHERE business_registration_number = '1248100998' \
             AND corporate_registration_number = '1101111234569' \
             AND lei = '506700GE1G29325QX363' AND contact_phone = '02-555-0101'",
        )
        .await;
    assert_eq!(stored, 1, "stored in ASCII, as every other number");
}

#[tokio::test]
async fn the_telephone_number_is_checked_with_a_message_in_both_languages() {
    let app = spawn_app().await;
    let fields = signup_typed("124-81-00998", "110111-1234569", "02-555");
    let res = app.submit("/signup", "/signup", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("대표 연락처: 숫자 8~15자리를 입력해 주세요."),
        "{page}"
    );
    assert!(page.contains(r#"value="02-555""#), "kept as typed");

    let fields = signup_typed("124-81-00998", "110111-1234569", "call 02 555 0101");
    let res = app.submit("/signup?lang=en", "/signup", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Main telephone number: Enter 8 to 15 digits"));
    assert_eq!(app.mails_to("seoyeon@gaonpay.kr").await, 0);

    let fields = signup_typed("124-81-00998", "110111-1234569", "+82 2 555 0101");
    let res = app.submit("/signup?lang=en", "/signup", &fields).await;
    assert_eq!(res.status(), StatusCode::OK, "an international number");
}
