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

#[tokio::test]
async fn a_key_replays_only_on_its_own_route_in_its_own_session() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    app.sign_in(&admin).await;
    let html = app.page("/admin/users/new").await;
    let (token, key) = (csrf_token(&html).unwrap(), form_key(&html));
    let invited = app
        .client
        .post(app.url("/admin/users"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("idempotency_key", key.as_str()),
            ("name", "한 번만"),
            ("email", "once@fsc.example"),
            ("role", "reviewer"),
            ("lang", "ko"),
        ])
        .send()
        .await
        .unwrap();
    let first = location(&invited);
    assert!(first.starts_with("/admin/users/"), "{first}");
    let other = app.create_account(Role::Admin, None, false).await;
    let browser = app.visitor();
    browser.sign_in(&other).await;
    let own = browser.token("/admin/users/new").await;
    let audit_rows = app.audit_actions().await.len();
    let refused = async |res: reqwest::Response, what: &str| {
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{what}");
        assert_eq!(location(&res), "", "{what}: no redirect");
        let body = res.text().await.unwrap();
        assert!(
            !body.contains(&first[13..]),
            "{what}: the first answer stays hidden"
        );
        assert_eq!(
            app.audit_actions().await.len(),
            audit_rows,
            "{what}: nothing was done"
        );
    };

    // Replayed to a cookie-less sign-in, with and without the admin's token: refused, no one signs in.
    let cookieless = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for token in ["", token.as_str()] {
        let res = cookieless
            .post(app.url("/login"))
            .form(&[
                ("csrf_token", token),
                ("idempotency_key", key.as_str()),
                ("email", admin.email.as_str()),
                ("password", admin.password.as_str()),
            ])
            .send()
            .await
            .unwrap();
        refused(res, "cookie-less POST /login").await;
    }

    // The same session, its own token, another route: refused, and the reviewer stays active.
    let res = app
        .client
        .post(app.url(&format!("/admin/users/{}/deactivate", reviewer.id)))
        .form(&[
            ("csrf_token", token.as_str()),
            ("idempotency_key", key.as_str()),
        ])
        .send()
        .await
        .unwrap();
    refused(res, "another route of the same session").await;

    // Another session on the same route, with its own token or with the first one's: refused, and
    // no second account is made.
    for token in [own.as_str(), token.as_str()] {
        let res = browser
            .client
            .post(app.url("/admin/users"))
            .form(&[
                ("csrf_token", token),
                ("idempotency_key", key.as_str()),
                ("name", "두 번째"),
                ("email", "second@fsc.example"),
                ("role", "reviewer"),
                ("lang", "ko"),
            ])
            .send()
            .await
            .unwrap();
        refused(res, "another session on the same route").await;
    }
    assert_eq!(app.mails_to("second@fsc.example").await, 0);
    assert_eq!(app.mails_to("once@fsc.example").await, 1);

    // Its own session, route and token still get the first answer.
    let again = app
        .client
        .post(app.url("/admin/users"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("idempotency_key", key.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&again), first);
}
