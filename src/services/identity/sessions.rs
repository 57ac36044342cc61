//! The session as services make it: who is behind it and how far they have signed in. A service
//! that changes who is signed in, or how far, creates the new session row inside its transaction
//! and hands back a `NewSession`, which the web layer installs as the cookie once it has committed.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::auth::secrets::{fingerprint, random_token};
use crate::db::{self, users::User};
use crate::domain::{Role, Stage};
use crate::i18n::Lang;

/// The person behind a session, as handlers need them.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub institution_id: Option<Uuid>,
    pub is_institution_admin: bool,
    pub is_authorised_signatory: bool,
    pub mfa_enabled: bool,
    pub lang: Lang,
}

impl From<&User> for SessionUser {
    fn from(u: &User) -> Self {
        SessionUser {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            institution_id: u.institution_id,
            is_institution_admin: u.is_institution_admin,
            is_authorised_signatory: u.is_authorised_signatory,
            mfa_enabled: u.mfa_enabled(),
            lang: u.lang(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: Uuid,
    pub stage: Stage,
    pub csrf_token: String,
    pub user: Option<SessionUser>,
}

impl Session {
    /// The user, once fully signed in.
    pub fn signed_in(&self) -> Option<&SessionUser> {
        self.user.as_ref().filter(|_| self.stage == Stage::SignedIn)
    }
}

/// A session just made in the database, whose cookie is yet to be sent.
pub struct NewSession {
    pub(crate) token: String,
    pub(crate) session: Session,
}

/// Makes a new session for `user` at `stage` with a new token, deleting `replacing`: a token never
/// survives a change of who is signed in or how far (no session fixation). Use it inside the
/// transaction of the change, then install the result once the transaction has committed.
pub async fn create(
    conn: &mut AsyncPgConnection,
    replacing: Option<Uuid>,
    user: Option<&User>,
    stage: Stage,
) -> diesel::QueryResult<NewSession> {
    if let Some(old) = replacing {
        db::sessions::delete(conn, old).await?;
    }
    let token = random_token();
    let row = db::sessions::create(
        conn,
        &fingerprint(&token),
        user.map(|u| u.id),
        stage,
        &random_token(),
    )
    .await?;
    let session = Session {
        id: row.id,
        stage,
        csrf_token: row.csrf_token,
        user: user.map(SessionUser::from),
    };
    Ok(NewSession { token, session })
}
