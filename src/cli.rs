//! What the `stablereg` command does besides serving: the parts that touch the database.

use anyhow::{Context, bail};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::{self, Action, Actor, AuditKey, Event, ObjectType};
use crate::auth::hashing;
use crate::config::Settings;
use crate::db::{self, users::NewUser};
use crate::domain::{EmailAddress, Role, password};

async fn connect(settings: &Settings) -> anyhow::Result<AsyncPgConnection> {
    let url = settings.database_url.as_deref().context("no database")?;
    db::migrate(url).await?;
    Ok(AsyncPgConnection::establish(url).await?)
}

/// The actor of changes made from the command line.
pub fn cli_actor() -> Actor {
    Actor {
        user_id: None,
        email: Some("stablereg-cli".into()),
        client_addr: None,
    }
}

/// Creates a regulator account with a password; the email counts as verified (an operator vouches
/// for it) and MFA is enrolled at first sign-in.
pub async fn create_user(
    settings: &Settings,
    role: &str,
    email: &str,
    name: &str,
    secret: &str,
) -> anyhow::Result<Uuid> {
    let role = Role::parse_regulator(role).context("--role must be admin, approver or reviewer")?;
    let Ok(email) = EmailAddress::parse(email) else {
        bail!("'{email}' is not an email address");
    };
    if let Err(problem) = password::check(secret, &[email.local_part()]) {
        bail!("password refused: {problem}");
    }
    let hash = hashing::hash(secret).await?;
    let key = AuditKey::from_settings(settings)?;
    let mut conn = connect(settings).await?;
    if db::users::email_taken(&mut conn, &email).await? {
        bail!("an account with the email {email} exists already");
    }
    let id = Uuid::now_v7();
    let (key_ref, hash_ref, email_ref) = (&key, &hash, &email);
    conn.transaction::<_, anyhow::Error, _>(async move |conn| {
        let user = NewUser {
            id,
            email: email_ref.as_str(),
            display_name: name,
            role,
            institution_id: None,
            is_institution_admin: false,
            is_authorised_signatory: false,
            password_hash: Some(hash_ref),
            email_verified_at: Some(chrono::Utc::now()),
            lang: "ko",
        };
        db::users::insert(conn, &user).await?;
        let event = Event::new(Action::UserCreated, ObjectType::User, id)
            .with(serde_json::json!({"role": role.as_str(), "by": "cli"}));
        audit::record(conn, key_ref, &cli_actor(), event).await?;
        Ok(())
    })
    .await?;
    Ok(id)
}

/// `stablereg audit verify`: Ok when the chain holds, an error naming the first bad row otherwise.
pub async fn verify_audit(settings: &Settings) -> anyhow::Result<()> {
    let key = AuditKey::from_settings(settings)?;
    let mut conn = connect(settings).await?;
    let (good, broken) = audit::verify(&mut conn, &key).await?;
    match broken {
        None => {
            println!("audit log intact: {good} rows");
            Ok(())
        }
        Some(link) => bail!(
            "audit log broken at row {}: {} ({good} rows before it are intact)",
            link.seq,
            link.reason
        ),
    }
}
