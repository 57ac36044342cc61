//! Double submits (SECURITY.md): every form carries a one-time key; the first POST with it does the
//! work, and repeats, even concurrent ones, get the first one's answer.

use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::{csrf_token, location};
use crate::support::harness::spawn_app;

fn form_key(html: &str) -> String {
    html.split(r#"name="idempotency_key" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn ten_concurrent_identical_submits_make_one_account_and_one_mail() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let html = app.page("/admin/users/new").await;
    let (token, key) = (csrf_token(&html).unwrap(), form_key(&html));
    let fields = [
        ("csrf_token", token.as_str()),
        ("idempotency_key", key.as_str()),
        ("name", "동시 제출"),
        ("email", "twice@fsc.example"),
        ("role", "reviewer"),
        ("lang", "ko"),
    ];
    let submits = (0..10).map(|_| async {
        app.client
            .post(app.url("/admin/users"))
            .form(&fields)
            .send()
            .await
            .unwrap()
    });
    let responses = futures_util::future::join_all(submits).await;
    let locations: Vec<String> = responses.iter().map(location).collect();
    assert!(
        responses
            .iter()
            .all(|r| r.status() == StatusCode::SEE_OTHER),
        "{:?}",
        responses.iter().map(|r| r.status()).collect::<Vec<_>>()
    );
    assert!(
        locations.iter().all(|l| *l == locations[0]),
        "every repeat goes where the first went: {locations:?}"
    );
    assert_eq!(app.mails_to("twice@fsc.example").await, 1, "one mail");
    let listing = app.page("/admin?q=twice").await;
    assert_eq!(
        listing.matches("twice@fsc.example").count(),
        1,
        "one account"
    );
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "user.invited")
            .count(),
        1
    );

    // Sent again later (a reload of the result, a back-button resend): the same answer, nothing new.
    let again = app
        .client
        .post(app.url("/admin/users"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&again), locations[0]);
    assert_eq!(app.mails_to("twice@fsc.example").await, 1);
}

#[tokio::test]
async fn a_form_sent_back_with_errors_can_be_corrected_and_sent_with_the_same_key() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    let html = app.page("/institution/members").await;
    let (token, key) = (csrf_token(&html).unwrap(), form_key(&html));
    let send = async |email: &str| {
        app.client
            .post(app.url("/institution/members"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("idempotency_key", key.as_str()),
                ("name", "최준호"),
                ("email", email),
                ("lang", "ko"),
            ])
            .send()
            .await
            .unwrap()
    };
    assert_eq!(
        send("not an address").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = send("junho@hanbit.kr").await;
    assert_eq!(
        location(&res),
        "/institution/members?notice=invited",
        "the corrected form is handled"
    );
}

#[tokio::test]
async fn a_signed_in_double_click_on_sign_in_lands_where_the_first_went() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("한빛").await;
    let html = app.page("/login").await;
    let (token, key) = (csrf_token(&html).unwrap(), form_key(&html));
    let fields = [
        ("csrf_token", token.as_str()),
        ("idempotency_key", key.as_str()),
        ("email", issuer.email.as_str()),
        ("password", issuer.password.as_str()),
    ];
    let first = app
        .client
        .post(app.url("/login"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&first), "/account");
    // The second click still carries the old session's cookie and token; it is sent to the same place.
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let second = stale
        .post(app.url("/login"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&second), "/account");
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "sign_in.succeeded")
            .count(),
        1
    );
}
