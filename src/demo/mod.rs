//! `stablereg demo`: demo data so that a person trying the portal has something to work with: one
//! account of each role and an applicant institution. It refuses to run in production and leaves a
//! database that already holds accounts alone.

use anyhow::bail;
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, AuditKey, Event, ObjectType};
use crate::auth::{hashing, totp};
use crate::cli::cli_actor;
use crate::config::Settings;
use crate::db::{self, institutions::Institution, users::NewUser};
use crate::domain::{InstitutionStatus, InstitutionType, Role};

pub mod answers;
mod applications;
pub mod bench_seed;

/// Every demo account's address ends so: their presence says demo data was loaded here.
const DEMO_EMAIL_SUFFIX: &str = "@demo.stablereg.kr";

/// Whether `stablereg demo` loaded its data into this database (read once at start-up: the demo
/// command runs as a process of its own, before `serve`).
pub async fn loaded(conn: &mut AsyncPgConnection) -> anyhow::Result<bool> {
    Ok(db::users::any_with_email_ending(conn, DEMO_EMAIL_SUFFIX).await?)
}

/// The demo password of every demo account (it passes the portal's own password rules).
pub const DEMO_PASSWORD: &str = "Hangang-Lantern-Ferry-42";

pub struct DemoAccount {
    pub role: Role,
    pub email: &'static str,
    pub name: &'static str,
    /// Regulator staff come enrolled in MFA, with this TOTP secret.
    pub totp_secret: Option<String>,
}

pub async fn seed(settings: &Settings) -> anyhow::Result<()> {
    if settings.is_production() {
        bail!("refusing to load demo data with APP_ENV=production");
    }
    let url = settings.database_url.as_deref().unwrap_or_default();
    db::migrate(url).await?;
    let mut conn = AsyncPgConnection::establish(url).await?;
    if db::users::any_exist(&mut conn).await? {
        println!("demo: the database already has accounts; nothing was changed");
        return Ok(());
    }
    let key = AuditKey::from_settings(settings)?;
    let accounts = seed_into(&mut conn, &key).await?;
    println!("Demo accounts (password for all: {DEMO_PASSWORD}):");
    for a in &accounts {
        match &a.totp_secret {
            Some(secret) => println!(
                "  {:<9} {:<32} TOTP secret {secret}",
                a.role.as_str(),
                a.email
            ),
            None => println!(
                "  {:<9} {:<32} (no second factor)",
                a.role.as_str(),
                a.email
            ),
        }
    }
    println!(
        "Add a TOTP secret to an authenticator app, or compute codes with `oathtool --totp -b SECRET`."
    );
    println!(
        "Mail goes to {}; the demo mailbox is at /demo/mail.",
        settings.mail_dir().display()
    );
    Ok(())
}

/// Writes the demo data in one transaction and returns the accounts made.
pub async fn seed_into(
    conn: &mut AsyncPgConnection,
    key: &AuditKey,
) -> anyhow::Result<Vec<DemoAccount>> {
    let hash = hashing::hash(DEMO_PASSWORD).await?;
    let secrets = &crate::auth::totp_secrets::TotpSecrets::new(key);
    let accounts = vec![
        DemoAccount {
            role: Role::Admin,
            email: "admin@demo.stablereg.kr",
            name: "관리자 Admin",
            totp_secret: Some(totp::new_secret()),
        },
        DemoAccount {
            role: Role::Approver,
            email: "approver@demo.stablereg.kr",
            name: "승인자 Approver",
            totp_secret: Some(totp::new_secret()),
        },
        DemoAccount {
            role: Role::Reviewer,
            email: "reviewer@demo.stablereg.kr",
            name: "심사자 Reviewer",
            totp_secret: Some(totp::new_secret()),
        },
        DemoAccount {
            role: Role::Issuer,
            email: "issuer@demo.stablereg.kr",
            name: "김하늘 Kim Haneul",
            totp_secret: None,
        },
    ];
    let institution = Institution {
        id: Uuid::now_v7(),
        legal_name_ko: "한빛은행 주식회사".into(),
        legal_name_en: "Hanbit Bank Co., Ltd.".into(),
        business_registration_number: "1248100998".into(),
        corporate_registration_number: "1101111234569".into(),
        lei: Some("5493001KJTIIGC8Y1R12".into()),
        institution_type: InstitutionType::Bank,
        address: "서울특별시 중구 세종대로 110".into(),
        contact_phone: "02-1234-5678".into(),
        status: InstitutionStatus::Active,
        created_at: Utc::now(),
    };
    conn.transaction::<_, anyhow::Error, _>(async |conn| {
        db::institutions::insert(conn, &institution).await?;
        audit::record(
            conn,
            key,
            &cli_actor(),
            Event::new(
                Action::InstitutionSignedUp,
                ObjectType::Institution,
                institution.id,
            )
            .with(serde_json::json!({"by": "demo"})),
        )
        .await?;
        let mut issuer_id = None;
        for account in accounts.iter() {
            let id = Uuid::now_v7();
            let issuer = account.role == Role::Issuer;
            let user = NewUser {
                id,
                email: account.email,
                display_name: account.name,
                role: account.role,
                institution_id: issuer.then_some(institution.id),
                is_institution_admin: issuer,
                is_authorised_signatory: issuer,
                password_hash: Some(&hash),
                email_verified_at: Some(Utc::now()),
                lang: "ko",
            };
            db::users::insert(conn, &user).await?;
            if issuer {
                issuer_id = Some(id);
            }
            if let Some(secret) = &account.totp_secret {
                db::users::enable_totp(conn, id, &secrets.seal(id, secret), 0).await?;
            }
            let event = Event::new(Action::UserCreated, ObjectType::User, id)
                .with(serde_json::json!({"role": account.role.as_str(), "by": "demo"}));
            audit::record(conn, key, &cli_actor(), event).await?;
        }
        if let Some(issuer) = issuer_id {
            applications::seed_draft(conn, key, institution.id, issuer, &answers::HANBIT).await?;
        }
        Ok(())
    })
    .await?;
    Ok(accounts)
}
