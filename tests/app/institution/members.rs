//! An institution's administrator and their colleagues.

use reqwest::StatusCode;
use stablereg::domain::Role;

use crate::support::accounts::{link_path, location};
use crate::support::harness::spawn_app;

#[tokio::test]
async fn an_institution_admin_invites_a_colleague_and_sets_who_may_sign() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    let res = app
        .submit(
            "/institution/members",
            "/institution/members",
            &[
                ("name", "최준호"),
                ("email", "junho@hanbit.kr"),
                ("lang", "ko"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/institution/members?notice=invited");
    let mail = app.last_mail_to("junho@hanbit.kr").await;
    assert!(
        mail.body_text.contains("한빛 주식회사"),
        "{}",
        mail.body_text
    );

    // The colleague accepts and is signed in straight away (no MFA needed for issuers).
    let link = link_path(&mail, &app);
    let colleague = app.visitor();
    let res = colleague
        .submit(
            &link,
            &link,
            &[
                ("password", "Daejeon-Science-Park-3"),
                ("confirm", "Daejeon-Science-Park-3"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/account?notice=welcome");
    assert_eq!(
        colleague.get("/institution/members").await.status(),
        StatusCode::FORBIDDEN,
        "only the institution's admin manages members"
    );

    let id = app.user_by_email("junho@hanbit.kr").await.id;
    let token = app.token("/institution/members").await;
    let res = app
        .post(
            &format!("/institution/members/{id}/signatory"),
            &token,
            &[("signatory", "true")],
        )
        .await;
    assert_eq!(location(&res), "/institution/members?notice=saved");
    assert!(
        app.page("/institution/members")
            .await
            .contains("최준호님의 서명 권한 해제")
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "user.signatory_changed")
    );
    // A change of privilege ends the colleague's open session.
    let res = colleague.get("/account").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"), "{}", location(&res));

    // The admin designating themself keeps working, under a new session token; their other
    // sessions end.
    let elsewhere = app.visitor();
    elsewhere.sign_in(&admin).await;
    let res = app
        .post(
            &format!("/institution/members/{}/signatory", admin.id),
            &token,
            &[("signatory", "true")],
        )
        .await;
    assert_eq!(location(&res), "/institution/members?notice=saved");
    let new_cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().contains("session"));
    assert!(new_cookie, "a new session cookie is set");
    assert!(app.user(admin.id).await.is_authorised_signatory);
    assert_eq!(
        elsewhere.get("/account").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    let token = app.token("/institution/members").await;

    // Nobody deactivates themself.
    let res = app
        .post(
            &format!("/institution/members/{}/deactivate", admin.id),
            &token,
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn another_institutions_member_is_not_found() {
    let app = spawn_app().await;
    let ours = app.create_issuer_admin("한빛").await;
    let theirs = app.create_issuer_admin("다른은행").await;
    let their_colleague = app
        .create_account(Role::Issuer, theirs.institution, false)
        .await;
    app.sign_in(&ours).await;
    let token = app.token("/institution/members").await;
    for path in [
        format!("/institution/members/{}/signatory", their_colleague.id),
        format!("/institution/members/{}/deactivate", their_colleague.id),
    ] {
        let res = app.post(&path, &token, &[("signatory", "true")]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert!(
        !app.page("/institution/members")
            .await
            .contains(&their_colleague.email)
    );
}

#[tokio::test]
async fn inviting_an_address_that_has_an_account_reveals_nothing_and_tells_its_owner() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    let regulator = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let res = app
        .submit(
            "/institution/members",
            "/institution/members",
            &[
                ("name", "누구"),
                ("email", &regulator.email),
                ("lang", "ko"),
            ],
        )
        .await;
    assert_eq!(
        location(&res),
        "/institution/members?notice=invited",
        "the same answer as for a new address"
    );
    assert!(
        app.last_mail_to(&regulator.email)
            .await
            .subject
            .contains("초대를 처리할 수 없었습니다")
    );
    // The address is listed among the invitations as typed, as any other would be; the members
    // table before that list does not hold it.
    assert!(
        !app.page("/institution/members")
            .await
            .split("id=\"invitations-heading\"")
            .next()
            .unwrap()
            .contains(&regulator.email),
        "nobody was added"
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "user.invite_refused")
    );
}

/// An unused invitation is renewed when the same institution invites the address again; another
/// institution's unused invitation is an address in use like any other.
#[tokio::test]
async fn inviting_an_unused_invitation_again_renews_it_only_within_the_institution() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    let other_admin = app.create_issuer_admin("가온").await;
    let invite = async |who: &crate::support::accounts::Account, signatory: bool| {
        let visitor = app.visitor();
        visitor.sign_in(who).await;
        let mut fields = vec![
            ("name", "박서준"),
            ("email", "seojun@hanbit.example"),
            ("lang", "ko"),
        ];
        if signatory {
            fields.push(("signatory", "on"));
        }
        visitor
            .submit("/institution/members", "/institution/members", &fields)
            .await
    };
    invite(&admin, false).await;
    let first = link_path(&app.last_mail_to("seojun@hanbit.example").await, &app);
    let invited = app.user_by_email("seojun@hanbit.example").await;

    let res = invite(&admin, true).await;
    assert_eq!(location(&res), "/institution/members?notice=invited");
    assert_eq!(app.mails_to("seojun@hanbit.example").await, 2);
    let renewed = app.user(invited.id).await;
    assert!(
        renewed.is_authorised_signatory,
        "the new invitation's flag holds"
    );
    assert_eq!(
        app.get(&first).await.status(),
        StatusCode::GONE,
        "the first link is dead"
    );
    let second = link_path(&app.last_mail_to("seojun@hanbit.example").await, &app);
    assert_eq!(app.get(&second).await.status(), StatusCode::OK);

    // Another institution gets the same page, and the account stays where it was.
    let res = invite(&other_admin, false).await;
    assert_eq!(location(&res), "/institution/members?notice=invited");
    assert_eq!(app.user(invited.id).await.institution_id, admin.institution);
    assert_eq!(
        app.get(&second).await.status(),
        StatusCode::OK,
        "the link still works"
    );
    assert!(
        app.last_mail_to("seojun@hanbit.example")
            .await
            .subject
            .contains("초대를 처리할 수 없었습니다")
    );
}

#[tokio::test]
async fn an_invitation_into_a_suspended_institution_cannot_be_accepted() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    app.submit(
        "/institution/members",
        "/institution/members",
        &[
            ("name", "최준호"),
            ("email", "junho@hanbit.kr"),
            ("lang", "ko"),
        ],
    )
    .await;
    let link = link_path(&app.last_mail_to("junho@hanbit.kr").await, &app);
    app.sql(&format!(
        "UPDATE institutions SET status = 'suspended' WHERE id = '{}'",
        admin.institution.unwrap()
    ))
    .await;
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the admin's own session ends with the suspension"
    );
    let invitee = app.visitor();
    let res = invitee
        .submit(
            &link,
            &link,
            &[
                ("password", "Daejeon-Science-Park-3"),
                ("confirm", "Daejeon-Science-Park-3"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("이용이 정지되어"));
    assert_eq!(
        invitee.get("/account").await.status(),
        StatusCode::SEE_OTHER
    );
}

/// An address invited with capitals outside ASCII is stored, mailed and found in its one normal
/// form: the colleague accepts, and signs in with the address in any case.
#[tokio::test]
async fn a_colleague_invited_as_a_capitalised_address_signs_in_with_any_spelling() {
    let app = spawn_app().await;
    let admin = app.create_issuer_admin("한빛").await;
    app.sign_in(&admin).await;
    let res = app
        .submit(
            "/institution/members",
            "/institution/members",
            &[
                ("name", "Älva Kim"),
                ("email", " Älva.Kim@Hanbit.KR "),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/institution/members?notice=invited");
    let mail = app.last_mail_to("älva.kim@hanbit.kr").await;
    let link = link_path(&mail, &app);
    let password = "Daejeon-Science-Park-3";
    let colleague = app.visitor();
    let res = colleague
        .submit(
            &link,
            &link,
            &[("password", password), ("confirm", password)],
        )
        .await;
    assert_eq!(location(&res), "/account?notice=welcome");

    for spelling in [
        "älva.kim@hanbit.kr",
        "Älva.Kim@Hanbit.KR",
        "A\u{0308}LVA.KIM@hanbit.kr",
    ] {
        let res = app.visitor().sign_in_password(spelling, password).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{spelling}");
        assert_eq!(location(&res), "/account", "{spelling}");
    }
    // Inviting the other case of the address again is the same address: no second account.
    app.submit(
        "/institution/members",
        "/institution/members",
        &[
            ("name", "Älva Kim"),
            ("email", "ÄLVA.KIM@hanbit.kr"),
            ("lang", "en"),
        ],
    )
    .await;
    let members = app.page("/institution/members").await;
    assert_eq!(
        members.matches("älva.kim@hanbit.kr").count(),
        1,
        "{members}"
    );
}
