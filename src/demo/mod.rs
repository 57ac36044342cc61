//! `stablereg demo`: demo data so that a person trying the portal has something to work with: one
//! account of each role of the regulator (a consultee at the Bank of Korea among them) and demo
//! institutions whose applications stand in every state of the review, from a half-filled draft
//! to an approval on the public register. It refuses to run in production and leaves a
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
use crate::domain::review::consultation::ConsultedBody;
use crate::domain::{InstitutionStatus, InstitutionType, Role};
use crate::storage::Storage;

pub mod answers;
pub mod applications;
pub mod bench_seed;
mod pdf;

pub use applications::Story;
use applications::{Cast, Person};

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
    let accounts = seed_into(&mut conn, settings, &key).await?;
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

/// A demo institution, the member who signs in for it, and where its application is left (`None`:
/// the demo issuer's half-filled draft).
pub struct DemoInstitution {
    pub applicant: &'static answers::Applicant,
    pub email: &'static str,
    pub name: &'static str,
    pub story: Option<Story>,
}

/// Every demo institution, one per state of an application.
pub const INSTITUTIONS: [DemoInstitution; 10] = [
    DemoInstitution {
        applicant: &answers::HANBIT,
        email: "issuer@demo.stablereg.kr",
        name: "김하늘 Kim Haneul",
        story: None,
    },
    DemoInstitution {
        applicant: &answers::DASOM,
        email: "dasom@demo.stablereg.kr",
        name: "이서연 Lee Seoyeon",
        story: Some(Story::Submitted),
    },
    DemoInstitution {
        applicant: &answers::GARAM,
        email: "garam@demo.stablereg.kr",
        name: "박지훈 Park Jihoon",
        story: Some(Story::InformationOverdue),
    },
    DemoInstitution {
        applicant: &answers::ONNURI,
        email: "onnuri@demo.stablereg.kr",
        name: "최유진 Choi Yujin",
        story: Some(Story::UnderAssessment),
    },
    DemoInstitution {
        applicant: &answers::BADA,
        email: "bada@demo.stablereg.kr",
        name: "정민호 Jung Minho",
        story: Some(Story::Consultation),
    },
    DemoInstitution {
        applicant: &answers::HANGYEOL,
        email: "hangyeol@demo.stablereg.kr",
        name: "강수빈 Kang Subin",
        story: Some(Story::DecisionProposed),
    },
    DemoInstitution {
        applicant: &answers::MIRINAE,
        email: "mirinae@demo.stablereg.kr",
        name: "윤도현 Yoon Dohyun",
        story: Some(Story::Approved),
    },
    DemoInstitution {
        applicant: &answers::BYEOLBIT,
        email: "byeolbit@demo.stablereg.kr",
        name: "장예린 Jang Yerin",
        story: Some(Story::Rejected),
    },
    DemoInstitution {
        applicant: &answers::MIR,
        email: "mir@demo.stablereg.kr",
        name: "임재원 Lim Jaewon",
        story: Some(Story::Withdrawn),
    },
    DemoInstitution {
        applicant: &answers::SOLBIT,
        email: "solbit@demo.stablereg.kr",
        name: "한지우 Han Jiwoo",
        story: Some(Story::CoverageBreach),
    },
];

/// The regulator's demo staff, each enrolled in MFA (the consultee works at the Bank of Korea).
fn staff_accounts() -> Vec<DemoAccount> {
    let staff = [
        (Role::Admin, "admin@demo.stablereg.kr", "관리자 Admin"),
        (
            Role::Approver,
            "approver@demo.stablereg.kr",
            "승인자 Approver",
        ),
        (
            Role::Reviewer,
            "reviewer@demo.stablereg.kr",
            "심사자 Reviewer",
        ),
        (
            Role::Consultee,
            "consultee@demo.stablereg.kr",
            "한국은행 협의자 Bank of Korea Consultee",
        ),
    ];
    staff
        .into_iter()
        .map(|(role, email, name)| DemoAccount {
            role,
            email,
            name,
            totp_secret: Some(totp::new_secret()),
        })
        .collect()
}

/// The institution row of a demo applicant.
fn institution_of(applicant: &answers::Applicant) -> Institution {
    let digits = |raw: &str| raw.chars().filter(char::is_ascii_digit).collect::<String>();
    let hanbit = applicant.brn == answers::HANBIT.brn;
    Institution {
        id: Uuid::now_v7(),
        legal_name_ko: applicant.name_ko.into(),
        legal_name_en: applicant.name_en.into(),
        business_registration_number: digits(applicant.brn),
        corporate_registration_number: digits(applicant.crn),
        lei: hanbit.then(|| "5493001KJTIIGC8Y1R12".into()),
        institution_type: InstitutionType::Bank,
        address: "서울특별시 중구 세종대로 110".into(),
        contact_phone: "02-1234-5678".into(),
        status: InstitutionStatus::Active,
        created_at: Utc::now(),
    }
}

/// Writes the demo data in one transaction and returns the accounts made. Refuses a database that
/// already holds demo data, so nothing is ever made twice.
pub async fn seed_into(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    key: &AuditKey,
) -> anyhow::Result<Vec<DemoAccount>> {
    if loaded(conn).await? {
        bail!("demo data is already loaded in this database");
    }
    let hash = hashing::hash(DEMO_PASSWORD).await?;
    let secrets = &crate::auth::totp_secrets::TotpSecrets::new(key);
    let storage = Storage::from_settings(settings)?;
    let mut accounts = staff_accounts();
    accounts.extend(INSTITUTIONS.iter().map(|i| DemoAccount {
        role: Role::Issuer,
        email: i.email,
        name: i.name,
        totp_secret: None,
    }));
    conn.transaction::<_, anyhow::Error, _>(async |conn| {
        let mut people = Vec::new();
        for account in accounts.iter().filter(|a| a.role != Role::Issuer) {
            let id = Uuid::now_v7();
            insert_account(conn, key, account, id, None, &hash).await?;
            if let Some(secret) = &account.totp_secret {
                db::users::enable_totp(conn, id, &secrets.seal(id, secret), 0).await?;
            }
            people.push(Person::new(id, account.role, account.email));
        }
        let mut person = |role: Role| {
            let at = people.iter().position(|p| p.role == role);
            at.map(|at| people.swap_remove(at))
                .ok_or_else(|| anyhow::anyhow!("no demo {}", role.as_str()))
        };
        let cast = Cast {
            settings,
            key,
            storage: &storage,
            reviewer: person(Role::Reviewer)?,
            approver: person(Role::Approver)?,
            consultee: person(Role::Consultee)?,
        };
        for demo in &INSTITUTIONS {
            let institution = institution_of(demo.applicant);
            db::institutions::insert(conn, &institution).await?;
            let event = Event::new(
                Action::InstitutionSignedUp,
                ObjectType::Institution,
                institution.id,
            )
            .with(serde_json::json!({"by": "demo"}));
            audit::record(conn, key, &cli_actor(), event).await?;
            let account = DemoAccount {
                role: Role::Issuer,
                email: demo.email,
                name: demo.name,
                totp_secret: None,
            };
            let id = Uuid::now_v7();
            insert_account(conn, key, &account, id, Some(institution.id), &hash).await?;
            match demo.story {
                None => {
                    applications::seed_draft(conn, key, institution.id, id, demo.applicant).await?;
                }
                Some(story) => {
                    let member = Person::new(id, Role::Issuer, demo.email);
                    let at = (&member, institution.id);
                    applications::seed_story(conn, &cast, at, demo.applicant, story).await?;
                }
            }
        }
        Ok(())
    })
    .await?;
    Ok(accounts)
}

/// One demo account with its audit row: staff (with a consulted body for the consultee) or an
/// institution's administrator and authorised signatory.
async fn insert_account(
    conn: &mut AsyncPgConnection,
    key: &AuditKey,
    account: &DemoAccount,
    id: Uuid,
    institution: Option<Uuid>,
    hash: &str,
) -> anyhow::Result<()> {
    let issuer = institution.is_some();
    let user = NewUser {
        id,
        email: account.email,
        display_name: account.name,
        role: account.role,
        institution_id: institution,
        is_institution_admin: issuer,
        is_authorised_signatory: issuer,
        password_hash: Some(hash),
        email_verified_at: Some(Utc::now()),
        lang: "ko",
    };
    let body = (account.role == Role::Consultee).then_some(ConsultedBody::BankOfKorea.as_str());
    db::users::insert_with_body(conn, &user, body).await?;
    let event = Event::new(Action::UserCreated, ObjectType::User, id)
        .with(serde_json::json!({"role": account.role.as_str(), "by": "demo"}));
    audit::record(conn, key, &cli_actor(), event).await?;
    Ok(())
}
