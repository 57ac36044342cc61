//! Every form POST goes through here, written once: the `Form` extractor checks the synchronizer
//! token of the session (CSRF) and the form's one-time key (a double submit does the work once; a
//! key is bound to its route and session, so it replays its answer nowhere else).
//! `check_csrf` and `claim_submission` are the two checks as plain functions, for any extractor of
//! a posted body (a multipart upload calls them too).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::auth::secrets::{fingerprint, same_secret};
use crate::db::{
    self,
    form_submissions::{Claim, Claimant, Finished, SessionAfter},
};
use crate::error::AppError;
use crate::web::{AppState, session};

/// A URL-encoded form whose `csrf_token` field matched the session's token.
pub struct Form<T>(pub T);

#[derive(serde::Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
    /// A one-time key of the rendered form, so that sending it twice does the work once.
    idempotency_key: Option<String>,
}

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let body = body.await?;
            if crate::web::forms::has_nul(url::form_urlencoded::parse(&body)) {
                return Err(AppError::BadRequest.into());
            }
            let field: TokenField =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
            claim_submission(&req, field.idempotency_key.as_deref(), &field.csrf_token).await?;
            let value = serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest)?;
            Ok(Form(value))
        })
    }
}

/// Whether `token`, as posted, is the session's CSRF token: a 403 otherwise, and without a session.
pub fn check_csrf(req: &HttpRequest, token: &str) -> Result<(), AppError> {
    let session = session::current(req).ok_or(AppError::Forbidden)?;
    if token.is_empty() || !same_secret(token, &session.csrf_token) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The checks of a posted form, given its one-time key (if it has one) and its CSRF token: a repeat
/// of a finished submission answers with the first one's redirect (`AppError::Repeat`) when it may
/// (`may_replay`), the token must match, and the key is claimed for this request and its route so
/// a repeat waits for it.
pub async fn claim_submission(
    req: &HttpRequest,
    idempotency_key: Option<&str>,
    csrf_token: &str,
) -> Result<(), AppError> {
    let key = idempotency_key.and_then(|k| uuid::Uuid::parse_str(k).ok());
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(AppError::Forbidden)?;
    let route = route_of(req);
    // A form sent again after its first submission finished goes where the first went. Its CSRF
    // token is checked against the first one's session, not the current one: the first may have
    // replaced the session (signing in does), and the form on the screen still has the old token.
    if let Some(key) = key
        && let Some(first) = finished(&state, key).await?
    {
        let current = session::current(req).map(|s| s.id);
        if !may_replay(&first, &route, csrf_token, current) {
            return Err(AppError::Forbidden);
        }
        return Err(AppError::Repeat(first.location));
    }
    check_csrf(req, csrf_token)?;
    let session = session::current(req).ok_or(AppError::Forbidden)?;
    if let Some(key) = key {
        let csrf_fingerprint = fingerprint(&session.csrf_token);
        let claimant = Claimant {
            route: &route,
            session_id: session.id,
            csrf_fingerprint: &csrf_fingerprint,
        };
        claim(&state, req, key, &claimant).await?;
    }
    Ok(())
}

/// The route a form was posted to, as a key is bound to it: the method and the path.
fn route_of(req: &HttpRequest) -> String {
    format!("{} {}", req.method(), req.path())
}

/// Whether a request may have the answer of a finished first submission: it must be a repeat of
/// the same form (the same route), with the CSRF token of the session the key was claimed in, and
/// come from that session, or, when the first submission replaced or ended that session, from the
/// session it left the browser with or from none (the old cookie died with the old session). A key
/// taken from one form and sent to another route, or by another browser, gets nothing.
fn may_replay(first: &Finished, route: &str, csrf_token: &str, current: Option<Uuid>) -> bool {
    let same_form = first.route == route;
    let same_token = !csrf_token.is_empty()
        && bool::from(fingerprint(csrf_token).ct_eq(&first.csrf_fingerprint));
    let same_browser = current == Some(first.session_id)
        || match first.session_after {
            SessionAfter::Kept => false,
            SessionAfter::Replaced(successor) => current.is_none() || current == Some(successor),
            SessionAfter::Ended => current.is_none(),
        };
    same_form && same_token && same_browser
}

/// The first submission with this key, once it has finished.
async fn finished(state: &AppState, key: Uuid) -> Result<Option<Finished>, AppError> {
    let mut conn = state.pool.get().await?;
    Ok(db::form_submissions::finished(&mut conn, key).await?)
}

/// How long a repeat waits for the first submission of its form to finish.
const REPEAT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Claims the key for this request, or, when another request of the session has it for the same
/// route, waits for that one to finish and answers with its redirect.
async fn claim(
    state: &AppState,
    req: &HttpRequest,
    key: Uuid,
    claimant: &Claimant<'_>,
) -> Result<(), AppError> {
    let started = std::time::Instant::now();
    loop {
        let claim = {
            let mut conn = state.pool.get().await?;
            db::form_submissions::claim(&mut conn, key, claimant).await?
        };
        match claim {
            Claim::First => {
                req.extensions_mut().insert(Submission(key));
                return Ok(());
            }
            Claim::Foreign => return Err(AppError::Forbidden),
            Claim::Repeat(Some(location)) => return Err(AppError::Repeat(location)),
            Claim::Repeat(None) if started.elapsed() > REPEAT_WAIT => {
                return Err(AppError::Conflict);
            }
            Claim::Repeat(None) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
}

/// Marks a request as the first submission of its form's key.
#[derive(Clone, Copy)]
pub(crate) struct Submission(pub(crate) Uuid);

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::{Finished, SessionAfter, may_replay};
    use crate::auth::secrets::fingerprint;

    const TOKEN: &str = "the-first-sessions-token";

    fn first(session_after: SessionAfter, session_id: Uuid) -> Finished {
        Finished {
            route: "POST /admin/users".into(),
            session_id,
            csrf_fingerprint: fingerprint(TOKEN),
            session_after,
            location: "/admin/users/1".into(),
        }
    }

    #[test]
    fn a_repeat_of_the_same_form_in_the_same_session_is_replayed() {
        let session = Uuid::new_v4();
        let first = first(SessionAfter::Kept, session);
        assert!(may_replay(
            &first,
            "POST /admin/users",
            TOKEN,
            Some(session)
        ));
        assert!(
            !may_replay(&first, "POST /login", TOKEN, Some(session)),
            "another route"
        );
        assert!(
            !may_replay(&first, "POST /admin/users", "", Some(session)),
            "no token"
        );
        assert!(
            !may_replay(&first, "POST /admin/users", "other", Some(session)),
            "wrong token"
        );
        assert!(
            !may_replay(&first, "POST /admin/users", TOKEN, None),
            "no session"
        );
        let other = Some(Uuid::new_v4());
        assert!(
            !may_replay(&first, "POST /admin/users", TOKEN, other),
            "another session"
        );
    }

    #[test]
    fn after_signing_in_the_old_or_the_new_session_or_none_may_repeat() {
        let (old, new) = (Uuid::new_v4(), Uuid::new_v4());
        let first = first(SessionAfter::Replaced(new), old);
        for current in [Some(old), Some(new), None] {
            assert!(may_replay(&first, "POST /admin/users", TOKEN, current));
        }
        assert!(!may_replay(
            &first,
            "POST /admin/users",
            TOKEN,
            Some(Uuid::new_v4())
        ));
        assert!(
            !may_replay(&first, "POST /admin/users", "", None),
            "no token"
        );
        assert!(
            !may_replay(&first, "POST /login", TOKEN, None),
            "another route"
        );
        let ended = self::first(SessionAfter::Ended, old);
        assert!(may_replay(&ended, "POST /admin/users", TOKEN, None));
        assert!(!may_replay(&ended, "POST /admin/users", TOKEN, Some(new)));
    }
}
