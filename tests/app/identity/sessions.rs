//! Sessions (SECURITY.md "sessions"): new token at sign-in, nothing after sign-out, timeouts,
//! deactivation taking effect at the next request, and anonymous visits that write nothing.

use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::{link_path, location};
use crate::support::harness::{TestConfig, spawn_app, spawn_app_with};

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("session=") || c.starts_with("__Host-session="))
}

#[tokio::test]
async fn the_token_changes_at_sign_in_and_dies_at_sign_out() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    let before =
        session_cookie(&app.get("/login").await).expect("the sign-in form starts a session");
    assert!(
        before.contains("HttpOnly") && before.contains("SameSite=Lax") && before.contains("Path=/"),
        "{before}"
    );
    let token = app.token("/login").await;
    let res = app
        .post(
            "/login",
            &token,
            &[("email", &account.email), ("password", &account.password)],
        )
        .await;
    let after = session_cookie(&res).expect("a new session cookie at sign-in");
    let value = |c: &str| c.split(';').next().unwrap().to_owned();
    assert_ne!(
        value(&before),
        value(&after),
        "pre-login and post-login cookies differ"
    );

    // Replaying the old cookie gets nothing.
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = stale
        .get(app.url("/account"))
        .header("cookie", value(&before))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Sign out, then replay the signed-in cookie: refused.
    let token = app.token("/account/password").await;
    let res = app.post("/logout", &token, &[]).await;
    assert_eq!(location(&res), "/?notice=signed-out");
    let res = stale
        .get(app.url("/account"))
        .header("cookie", value(&after))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "a cookie replayed after logout fails"
    );
    assert_eq!(location(&res), "/login?next=%2Faccount");
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    let app = spawn_app().await;
    let issuer = app.create_issuer_admin("한빛").await;
    app.sign_in(&issuer).await;
    app.sql("UPDATE sessions SET last_seen_at = now() - interval '29 minutes'")
        .await;
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::OK,
        "29 idle minutes are fine for an issuer"
    );
    app.sql("UPDATE sessions SET last_seen_at = now() - interval '31 minutes'")
        .await;
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "31 are not"
    );

    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    app.sign_in(&reviewer).await;
    app.sql("UPDATE sessions SET last_seen_at = now() - interval '16 minutes'")
        .await;
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "regulator staff idle out after 15"
    );

    app.sign_in(&issuer).await;
    app.sql("UPDATE sessions SET created_at = now() - interval '12 hours 1 minute'")
        .await;
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "12 hours is the most"
    );
}

#[tokio::test]
async fn a_deactivated_users_open_session_fails_on_its_next_request() {
    let app = spawn_app().await;
    let admin_of_institution = app.create_issuer_admin("한빛").await;
    let colleague = app
        .create_account(Role::Issuer, admin_of_institution.institution, false)
        .await;
    let theirs = app.visitor();
    theirs.sign_in(&colleague).await;
    assert_eq!(theirs.get("/account").await.status(), StatusCode::OK);

    app.sign_in(&admin_of_institution).await;
    let token = app.token("/institution/members").await;
    let res = app
        .post(
            &format!("/institution/members/{}/deactivate", colleague.id),
            &token,
            &[],
        )
        .await;
    assert_eq!(location(&res), "/institution/members?notice=deactivated");
    // Their next request ends the session and lands on a page saying what happened and whom to ask.
    let rows_before = session_rows(&app).await;
    let res = theirs.get("/account/password").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/account/deactivated?account=institution");
    let cleared = session_cookie(&res).expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(session_rows(&app).await, rows_before - 1, "the row is gone");
    let page = theirs
        .page("/account/deactivated?account=institution")
        .await;
    assert!(page.contains("계정이 비활성화되었습니다"), "{page}");
    assert!(page.contains("소속 기관의 포털 관리자에게"), "{page}");
    // The session is over: a later request is a visitor's, sent to sign in.
    let res = theirs.get("/account").await;
    assert_eq!(location(&res), "/login?next=%2Faccount");
    // And they cannot sign in again.
    let res = app
        .sign_in_password(&colleague.email, &colleague.password)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn over_https_the_cookie_is_host_prefixed_and_secure() {
    let mut config = TestConfig::default();
    config
        .env
        .insert("BASE_URL", "https://stablereg.example".into());
    let app = spawn_app_with(config).await;
    let cookie = session_cookie(&app.get("/login").await).unwrap();
    assert!(cookie.starts_with("__Host-session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
}

/// The session rows in the database.
async fn session_rows(app: &crate::support::harness::TestApp) -> i64 {
    use diesel::QueryDsl;
    use diesel_async::RunQueryDsl;
    stablereg::db::schema::sessions::table
        .count()
        .get_result(&mut app.db().await)
        .await
        .unwrap()
}

/// Issue 7, item 8: each anonymous GET of /login made a session row (50 requests, 50 rows). An
/// anonymous session now lives in its signed cookie alone, and the forms it carries still work; the
/// database has a row once the session holds a user.
#[tokio::test]
async fn anonymous_visits_write_no_session_rows_and_their_forms_still_work() {
    let app = spawn_app().await;
    let account = app.create_issuer_admin("한빛").await;
    for _ in 0..50 {
        let res = app.visitor().get("/login").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(session_cookie(&res).is_some(), "each browser its session");
    }
    assert_eq!(session_rows(&app).await, 0, "fifty visits, no rows");

    let visitor = app.visitor();
    let res = visitor.submit("/signup", "/signup", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "past CSRF");
    let res = visitor
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", &account.email)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(session_rows(&app).await, 0);
    let link = link_path(&app.last_mail_to(&account.email).await, &app);
    let new_password = "Jeju-Olle-Trail-Seven";
    let fields = [("password", new_password), ("confirm", new_password)];
    let res = visitor.submit(&link, &link, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the link's form");

    let res = app
        .visitor()
        .sign_in_password(&account.email, new_password)
        .await;
    assert_eq!(location(&res), "/account");
    assert!(session_rows(&app).await >= 1, "a row once it holds a user");
}

/// An anonymous session's cookie is signed: a changed one is no session (its form is refused), and
/// the double-submit keys of anonymous forms are bound to it as to a row.
#[tokio::test]
async fn a_changed_anonymous_cookie_is_no_session() {
    let app = spawn_app().await;
    let res = app.get("/login").await;
    let cookie = session_cookie(&res).unwrap();
    let value = cookie.split(';').next().unwrap().to_owned();
    let token = app.token("/login").await;
    let forged = format!("{}0", &value[..value.len() - 1]);
    let forged = if forged == value {
        format!("{}1", &value[..value.len() - 1])
    } else {
        forged
    };
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = stranger
        .post(app.url("/login"))
        .header("cookie", forged)
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "a@b.kr"),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = stranger
        .post(app.url("/login"))
        .header("cookie", value)
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "a@b.kr"),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the cookie itself works"
    );
}
