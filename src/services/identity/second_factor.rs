//! The second factor: a code after the password, and enrolling (a secret proved by a first code, and
//! ten recovery codes shown once).

use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::account::{self, Reauthentication};
use super::attempts::{Checked, Step, limited_check};
use super::codes::check_second_factor;
use super::sessions::{self, NewSession, Session};
use crate::audit::{self, Action, Event, ObjectType};
use crate::auth::secrets::{fingerprint, recovery_code};
use crate::auth::totp;
use crate::auth::totp_secrets::TotpSecrets;
use crate::db::{self, Pool, users::User};
use crate::domain::Stage;
use crate::error::{AppError, AppResult};
use crate::services::Context;

/// A session on a step of signing in (or signed in, enrolling by choice), and its user.
#[derive(Debug, Clone, Copy)]
pub struct SigningIn {
    pub session: Uuid,
    pub stage: Stage,
    pub user: Uuid,
}

impl SigningIn {
    /// The session's step, when it has a user.
    pub fn of(session: &Session) -> Option<SigningIn> {
        let user = session.user.as_ref()?;
        Some(SigningIn {
            session: session.id,
            stage: session.stage,
            user: user.id,
        })
    }
}

/// The user of a step of signing in, fresh from the database: the session holds a user who is not
/// fully signed in yet.
async fn user_of(conn: &mut AsyncPgConnection, at: SigningIn) -> AppResult<User> {
    db::users::find(conn, at.user)
        .await?
        .ok_or(AppError::Forbidden)
}

/// Checks the second factor under the account's attempt limits and, when it is right, completes
/// signing in with a new session. `None` when the code is wrong (or the check was refused); a 429
/// when the client's address made too many attempts this minute.
pub async fn complete_sign_in(
    pool: &Pool,
    cx: &Context<'_>,
    secrets: &TotpSecrets,
    at: SigningIn,
    code: &str,
) -> AppResult<Option<NewSession>> {
    let user = user_of(&mut *pool.get().await?, at).await?;
    let mut how = None;
    let checked = limited_check(pool, cx, user.id, Step::SecondFactor, async {
        let mut conn = pool.get().await?;
        how = check_second_factor(&mut conn, secrets, &user, code).await?;
        Ok(how.is_some())
    })
    .await?;
    if checked == Checked::TooMany {
        return Err(AppError::TooManyRequests);
    }
    let (Checked::Accepted, Some(how)) = (checked, how) else {
        return Ok(None);
    };
    let mut conn = pool.get().await?;
    let session = conn
        .transaction::<_, AppError, _>(async |conn| {
            let event = Event::new(how, ObjectType::User, user.id);
            audit::record(conn, cx.audit_key, cx.actor, event).await?;
            Ok(sessions::create(conn, Some(at.session), Some(&user), Stage::SignedIn).await?)
        })
        .await?;
    Ok(Some(session))
}

/// What the enrolment page shows: whose account, and the secret offered in this session.
pub struct Enrolment {
    pub user: User,
    pub secret: String,
}

/// The secret offered for enrolment in this session (nothing is stored until a code proves it).
pub async fn enrolment(
    conn: &mut AsyncPgConnection,
    secrets: &TotpSecrets,
    at: SigningIn,
) -> AppResult<Enrolment> {
    let user = user_of(conn, at).await?;
    let secret = secrets.enrolment_secret(at.session, user.id);
    Ok(Enrolment { user, secret })
}

/// An enrolment that took: the recovery codes to show once, and the session it completes.
pub struct Enrolled {
    pub codes: Vec<String>,
    pub session: NewSession,
}

/// Turns the second factor on once `code` proves the offered secret. A signed-in user enrolling by
/// choice proves it is them with `current_password`, under the same limits as signing in. Enrolling
/// completes signing in, and is a change of privilege: a new session token.
pub async fn enrol(
    pool: &Pool,
    cx: &Context<'_>,
    secrets: &TotpSecrets,
    at: SigningIn,
    code: &str,
    current_password: &str,
) -> AppResult<Result<Enrolled, account::Refused>> {
    let Enrolment { user, secret } = enrolment(&mut *pool.get().await?, secrets, at).await?;
    if user.mfa_enabled() {
        return Err(AppError::Conflict);
    }
    if at.stage == Stage::SignedIn {
        let given = Reauthentication {
            current_password,
            code: "",
        };
        if account::reauthenticate(pool, cx, secrets, &user, &given)
            .await?
            .is_err()
        {
            return Ok(Err(account::Refused::WrongPassword));
        }
    }
    let Some(step) = totp::matching_step(&secret, code, totp::now()) else {
        return Ok(Err(account::Refused::WrongCode));
    };
    let codes: Vec<String> = (0..10).map(|_| recovery_code()).collect();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| fingerprint(c)).collect();
    let sealed = secrets.seal(user.id, &secret);
    let mut conn = pool.get().await?;
    let session = conn
        .transaction::<_, AppError, _>(async |conn| {
            if !db::users::enable_totp(conn, user.id, &sealed, step).await? {
                return Err(AppError::Conflict);
            }
            db::users::replace_recovery_codes(conn, user.id, &hashes).await?;
            let event = Event::new(Action::MfaEnrolled, ObjectType::User, user.id);
            audit::record(conn, cx.audit_key, cx.actor, event).await?;
            let enrolled = db::users::find(conn, user.id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(sessions::create(conn, Some(at.session), Some(&enrolled), Stage::SignedIn).await?)
        })
        .await?;
    Ok(Ok(Enrolled { codes, session }))
}
