//! The admin area: inviting regulator staff, changing roles, deactivating, resetting MFA,
//! unlocking, suspending institutions, and the rules that keep at least one admin.

use reqwest::StatusCode;
use stablereg::auth::totp;
use stablereg::domain::Role;

use crate::support::accounts::{link_path, location};
use crate::support::harness::spawn_app;

#[tokio::test]
async fn an_admin_invites_a_reviewer_who_sets_a_password_and_enrols() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let res = app
        .submit(
            "/admin/users/new",
            "/admin/users",
            &[
                ("name", "박심사"),
                ("email", "park@fsc.example"),
                ("role", "reviewer"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).ends_with("?notice=invited"));
    let listing = app.page("/admin?q=park").await;
    assert!(listing.contains("park@fsc.example") && listing.contains("초대됨"));

    let mail = app.last_mail_to("park@fsc.example").await;
    assert!(
        mail.subject.contains("You have been invited"),
        "the mail is in the chosen language: {}",
        mail.subject
    );
    let link = link_path(&mail, &app);
    let invitee = app.visitor();
    assert!(invitee.page(&link).await.contains("박심사"));
    let res = invitee
        .submit(
            &link,
            &link,
            &[
                ("password", "Gwanghwamun-Square-Rain"),
                ("confirm", "Gwanghwamun-Square-Rain"),
            ],
        )
        .await;
    assert_eq!(
        location(&res),
        "/mfa/enrol",
        "regulator staff go on to enrol their second factor"
    );
    let html = invitee.page("/mfa/enrol").await;
    let secret = html
        .split(r#"id="totp-secret">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .replace(' ', "");
    let code = totp::code_at(&secret, totp::now()).unwrap();
    let res = invitee
        .submit("/mfa/enrol", "/mfa/enrol", &[("code", &code)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(invitee.get("/account").await.status(), StatusCode::OK);
    // The link is used up.
    assert_eq!(invitee.get(&link).await.status(), StatusCode::GONE);
    let actions = app.audit_actions().await;
    for expected in ["user.invited", "invitation.accepted", "mfa.enrolled"] {
        assert!(
            actions.iter().any(|a| a == expected),
            "audit lacks {expected}"
        );
    }
}

#[tokio::test]
async fn an_invitation_link_expires_after_72_hours() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    app.submit(
        "/admin/users/new",
        "/admin/users",
        &[
            ("name", "늦음"),
            ("email", "late@fsc.example"),
            ("role", "approver"),
            ("lang", "ko"),
        ],
    )
    .await;
    let link = link_path(&app.last_mail_to("late@fsc.example").await, &app);
    app.sql("UPDATE email_tokens SET expires_at = now() - interval '1 second'")
        .await;
    assert_eq!(app.get(&link).await.status(), StatusCode::GONE);

    // Inviting the address again renews the unused invitation (with the role now chosen) rather
    // than calling the address taken; the new link works, and any older one stays dead.
    let res = app
        .submit(
            "/admin/users/new",
            "/admin/users",
            &[
                ("name", "늦음"),
                ("email", "late@fsc.example"),
                ("role", "reviewer"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "renewed, not refused");
    let invited = app.user_by_email("late@fsc.example").await;
    assert_eq!(
        location(&res),
        format!("/admin/users/{}?notice=invited", invited.id)
    );
    assert_eq!(invited.role.as_str(), "reviewer");
    assert_eq!(app.mails_to("late@fsc.example").await, 2);
    let renewed = app.last_mail_to("late@fsc.example").await;
    assert!(
        renewed.subject.contains("You have been invited"),
        "{}",
        renewed.subject
    );
    let new_link = link_path(&renewed, &app);
    assert_ne!(new_link, link);
    assert_eq!(app.get(&new_link).await.status(), StatusCode::OK);
    assert_eq!(app.get(&link).await.status(), StatusCode::GONE);
    assert!(
        app.audit_actions()
            .await
            .contains(&"user.invitation_renewed".to_owned())
    );

    // Once the account is in use, the address is taken.
    app.sql(&format!(
        "UPDATE users SET password_hash = 'x' WHERE id = '{}'",
        invited.id
    ))
    .await;
    let res = app
        .submit(
            "/admin/users/new",
            "/admin/users",
            &[
                ("name", "늦음"),
                ("email", "late@fsc.example"),
                ("role", "reviewer"),
                ("lang", "ko"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_last_active_admin_stays_and_no_admin_deactivates_or_resets_themself() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    app.sign_in(&admin).await;
    let token = app.token("/admin/users/new").await;
    let me = format!("/admin/users/{}", admin.id);

    let res = app.post(&format!("{me}/deactivate"), &token, &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains(
        "자신의 계정을 비활성화하거나, 역할을 바꾸거나, 2단계 인증을 초기화할 수 없습니다"
    ));
    let res = app
        .post(&format!("{me}/role"), &token, &[("role", "reviewer")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Their own MFA an admin resets only from their account, which asks for password and code.
    let page = app.page(&me).await;
    assert!(
        !page.contains("/reset-mfa"),
        "no reset button on one's own page"
    );
    assert!(page.contains(r#"<a href="/account">"#));
    let res = app.post(&format!("{me}/reset-mfa"), &token, &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(app.user(admin.id).await.mfa_enabled(), "MFA stays on");

    // A second admin may not demote the first while the first is the only other… so make two,
    // deactivate one, and the last one standing cannot be demoted by anyone.
    let second = app.create_account(Role::Admin, None, false).await;
    let res = app
        .post(
            &format!("/admin/users/{}/role", second.id),
            &token,
            &[("role", "approver")],
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/admin/users/{}?notice=role-changed", second.id),
        "two admins: one may be demoted"
    );
    let third = app.create_account(Role::Admin, None, false).await;
    app.sql(&format!(
        "UPDATE users SET active = false WHERE id = '{}'",
        admin.id
    ))
    .await;
    // `third` is now the only active admin; the database says so, whatever any handler assumes.
    // This browser's session was the deactivated admin's: its next request ends it.
    let res = app.get("/login").await;
    assert_eq!(location(&res), "/account/deactivated?account=staff");
    app.sign_in(&third).await;
    let token = app.token("/admin/users/new").await;
    let res = app
        .post(
            &format!("/admin/users/{}/role", third.id),
            &token,
            &[("role", "reviewer")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = app
        .post(
            &format!("/admin/users/{}/reactivate", admin.id),
            &token,
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post(
            &format!("/admin/users/{}/role", admin.id),
            &token,
            &[("role", "reviewer")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "with two active admins, one can be demoted"
    );
    let res = app
        .post(
            &format!("/admin/users/{}/deactivate", third.id),
            &token,
            &[],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "and the last one still cannot go"
    );
}

#[tokio::test]
async fn deactivation_ends_sessions_at_once_and_reactivation_restores_access() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    // The reviewer signs in (password and TOTP) in their own browser.
    let theirs = app.visitor();
    theirs.sign_in(&reviewer).await;

    app.sign_in(&admin).await;
    let token = app.token("/admin/users/new").await;
    let res = app
        .post(
            &format!("/admin/users/{}/deactivate", reviewer.id),
            &token,
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = theirs.get("/account").await;
    assert_eq!(location(&res), "/account/deactivated?account=staff");
    let page = theirs
        .page("/account/deactivated?account=staff&lang=en")
        .await;
    assert!(
        page.contains("ask the portal administrator at the regulator"),
        "staff are sent to the portal's administrator: {page}"
    );
    let res = app
        .post(
            &format!("/admin/users/{}/reactivate", reviewer.id),
            &token,
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        app.page(&format!("/admin/users/{}", reviewer.id))
            .await
            .contains("사용 중")
    );
}

/// A session left open through a deactivation does not come back with a reactivation, even when it
/// made no request in between (so its row was still there).
#[tokio::test]
async fn a_reactivated_account_starts_again_from_sign_in() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let reviewer = app.create_account(Role::Reviewer, None, false).await;
    let theirs = app.visitor();
    theirs.sign_in(&reviewer).await;
    app.sign_in(&admin).await;
    let token = app.token("/admin/users/new").await;
    for change in ["deactivate", "reactivate"] {
        let path = format!("/admin/users/{}/{change}", reviewer.id);
        let res = app.post(&path, &token, &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{change}");
    }
    let res = theirs.get("/account").await;
    assert_eq!(location(&res), "/login?next=%2Faccount");
    theirs.sign_in(&reviewer).await;
    assert_eq!(theirs.get("/account").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_admin_resets_mfa_unlocks_and_changes_roles_with_audit_rows() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let approver = app.create_account(Role::Approver, None, false).await;
    app.sql(&format!(
        "UPDATE users SET locked_at = now(), failed_logins = 101 WHERE id = '{}'",
        approver.id
    ))
    .await;
    app.sign_in(&admin).await;
    let token = app.token("/admin/users/new").await;
    let user = format!("/admin/users/{}", approver.id);
    assert!(app.page(&user).await.contains("잠김"));
    assert_eq!(
        location(&app.post(&format!("{user}/unlock"), &token, &[]).await),
        format!("{user}?notice=unlocked")
    );
    assert_eq!(
        location(&app.post(&format!("{user}/reset-mfa"), &token, &[]).await),
        format!("{user}?notice=mfa-reset")
    );
    assert_eq!(
        location(
            &app.post(&format!("{user}/role"), &token, &[("role", "reviewer")])
                .await
        ),
        format!("{user}?notice=role-changed")
    );
    let page = app.page(&user).await;
    assert!(
        page.contains("심사자") && page.contains("사용 안 함"),
        "reviewer, MFA off"
    );
    // A role that is not a regulator's is refused.
    assert_eq!(
        app.post(&format!("{user}/role"), &token, &[("role", "issuer")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    // The approver-now-reviewer signs in and must enrol again.
    let res = app
        .sign_in_password(&approver.email, &approver.password)
        .await;
    assert_eq!(location(&res), "/mfa/enrol");
    let actions = app.audit_actions().await;
    for expected in [
        "account.unlocked",
        "mfa.reset_by_admin",
        "user.role_changed",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "audit lacks {expected}"
        );
    }
}

#[tokio::test]
async fn a_suspended_institution_cannot_sign_in_and_the_audit_page_filters() {
    let app = spawn_app().await;
    let admin = app.create_account(Role::Admin, None, false).await;
    let issuer = app.create_issuer_admin("정지은행").await;
    let theirs = app.visitor();
    theirs.sign_in(&issuer).await;
    app.sign_in(&admin).await;
    let institution = issuer.institution.unwrap();
    assert!(
        app.page("/admin/institutions")
            .await
            .contains("정지은행 주식회사")
    );
    let token = app.token("/admin/users/new").await;
    let res = app
        .post(
            &format!("/admin/institutions/{institution}/status"),
            &token,
            &[("status", "suspended")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        app.page(&format!("/admin/institutions/{institution}"))
            .await
            .contains("이용 정지")
    );
    assert_eq!(
        theirs.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "members are signed out"
    );
    let res = app.sign_in_password(&issuer.email, &issuer.password).await;
    assert!(res.text().await.unwrap().contains("이용이 정지되어"));

    app.sign_in(&admin).await;
    let page = app
        .page("/admin/audit?action=institution.status_changed")
        .await;
    assert!(
        page.contains("institution.status_changed") && !page.contains("<code>user.created</code>")
    );
    let page = app
        .page(&format!("/admin/audit?object={institution}"))
        .await;
    assert!(page.contains(&institution.to_string()));
}
