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
