//! What the `stablereg` command does besides serving: the parts that touch the database.

use std::path::Path;

use anyhow::{Context, bail};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::audit::checkpoint::{self, Against, CheckpointKey};
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
    conn.transaction::<_, anyhow::Error, _>(async |conn| {
        let user = NewUser {
            id,
            email: email.as_str(),
            display_name: name,
            role,
            institution_id: None,
            is_institution_admin: false,
            is_authorised_signatory: false,
            password_hash: Some(&hash),
            email_verified_at: Some(chrono::Utc::now()),
            lang: "ko",
        };
        db::users::insert(conn, &user).await?;
        let event = Event::new(Action::UserCreated, ObjectType::User, id)
            .with(serde_json::json!({"role": role.as_str(), "by": "cli"}));
        audit::record(conn, &key, &cli_actor(), event).await?;
        Ok(())
    })
    .await?;
    Ok(id)
}

/// `stablereg audit verify`: Ok when the chain holds and reaches the newest checkpoint in
/// `checkpoints` (or the worker's file) as that checkpoint saw it; an error naming every problem
/// otherwise: the first bad row, rows missing at the end, and checkpoint lines that do not verify.
pub async fn verify_audit(settings: &Settings, checkpoints: Option<&Path>) -> anyhow::Result<()> {
    let key = AuditKey::from_settings(settings)?;
    let path = checkpoints.map_or_else(|| checkpoint::default_path(settings), Path::to_path_buf);
    let lines = checkpoint::read(&path, &CheckpointKey::new(&key))
        .with_context(|| format!("cannot read the checkpoint file {}", path.display()))?;
    let mut conn = connect(settings).await?;
    let (good, broken) = audit::verify(&mut conn, &key).await?;
    let mut problems = Vec::new();
    if let Some(link) = broken {
        problems.push(format!(
            "audit log broken at row {}: {} ({})",
            link.seq,
            link.reason,
            rows_before_it(good)
        ));
    }
    if let Some((first, last)) = audit::missing_newest(&mut conn).await? {
        problems.push(format!(
            "{}: sequence numbers up to {last} were given out",
            missing(first, last)
        ));
    }
    let summary = match &lines {
        None => format!(
            "no checkpoint file at {} yet: the chain alone was checked",
            path.display()
        ),
        Some(lines) => check_checkpoints(&mut conn, &path, lines, &mut problems).await?,
    };
    if !problems.is_empty() {
        // The problems say what the checkpoints showed; that there were none is worth knowing too.
        if lines.is_none() {
            println!("{summary}");
        }
        bail!("{}", problems.join("\n"));
    }
    println!("audit log intact: {good} rows");
    println!("{summary}");
    Ok(())
}

/// Adds to `problems` each line that is not a good checkpoint, and how the log stands against the
/// newest good one; says what was checked.
async fn check_checkpoints(
    conn: &mut AsyncPgConnection,
    path: &Path,
    lines: &[checkpoint::Line],
    problems: &mut Vec<String>,
) -> anyhow::Result<String> {
    for (number, read) in lines {
        if let Err(bad) = read {
            problems.push(format!(
                "line {number} of the checkpoint file {} {bad}",
                path.display()
            ));
        }
    }
    let Some(newest) = checkpoint::newest(lines) else {
        return Ok(format!(
            "the checkpoint file {} holds no checkpoint yet: the chain alone was checked",
            path.display()
        ));
    };
    let seen = format!(
        "the newest checkpoint, written at {}, saw row {}",
        newest.written_at.format("%Y-%m-%d %H:%M:%S UTC"),
        newest.seq
    );
    match checkpoint::against(conn, newest).await? {
        Against::Matches => {}
        Against::Missing { first, last } => {
            problems.push(format!("{}: {seen}", missing(first, last)))
        }
        Against::Differs => problems.push(format!(
            "row {} is not the row {seen}: its hash differs",
            newest.seq
        )),
    }
    Ok(format!(
        "{} checkpoints in {} verify; {seen}, and the chain reaches it with the same hash",
        lines.len(),
        path.display()
    ))
}

/// "rows 41 to 43 are missing", "row 43 is missing".
fn missing(first: i64, last: i64) -> String {
    if first == last {
        format!("row {first} is missing")
    } else {
        format!("rows {first} to {last} are missing")
    }
}

fn rows_before_it(count: i64) -> String {
    if count == 1 {
        "1 row before it is intact".into()
    } else {
        format!("{count} rows before it are intact")
    }
}

/// `stablereg audit checkpoint`: writes a checkpoint of the log's head now, as the worker does each
/// minute, and says what it wrote.
pub async fn write_checkpoint(settings: &Settings) -> anyhow::Result<()> {
    let key = CheckpointKey::new(&AuditKey::from_settings(settings)?);
    let path = checkpoint::default_path(settings);
    let mut conn = connect(settings).await?;
    match checkpoint::write(&mut conn, &key, &path).await? {
        Some(written) => {
            println!(
                "checkpoint of row {} written to {}",
                written.seq,
                path.display()
            );
            let storage = crate::storage::Storage::from_settings(settings)?;
            if checkpoint::copy_to_storage(&storage, &written, &key).await? {
                println!("and copied to {}", storage.describe());
            }
        }
        None => println!("the audit log is empty: there is no head to checkpoint"),
    }
    Ok(())
}
