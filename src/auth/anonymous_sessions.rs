//! Anonymous sessions kept in the browser alone: until a session holds a user (at any stage of
//! signing in) it needs nothing but a stable id (the key of its forms' one-time keys) and the CSRF
//! token of the public forms, so the cookie carries them, signed, with the time it was issued, and
//! the database holds no row: opening the sign-in page a thousand times writes nothing.
//!
//! The cookie is `a1.<id>.<issued, Unix seconds>.<CSRF token>.<HMAC-SHA256 of all before it>`, under
//! a key derived from AUDIT_KEY. Server-side session tokens are plain hex, so the two never mix.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

use super::key::AuditKey;
use crate::auth::secrets::random_token;

/// Marks an anonymous session's cookie (and its format, should it ever change).
const PREFIX: &str = "a1.";

/// An anonymous session, as its cookie carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymousSession {
    pub id: Uuid,
    pub csrf_token: String,
    pub issued_at: DateTime<Utc>,
}

/// Issues and opens the cookies of anonymous sessions.
pub struct AnonymousSessions {
    key: [u8; 32],
}

impl AnonymousSessions {
    pub fn new(key: &AuditKey) -> AnonymousSessions {
        AnonymousSessions {
            key: key.derive("stablereg/anonymous-session/v1"),
        }
    }

    /// Whether `cookie` is an anonymous session's (rather than a server-side session's token).
    pub fn is_anonymous(cookie: &str) -> bool {
        cookie.starts_with(PREFIX)
    }

    /// A new anonymous session issued at `now`, and its cookie's value.
    pub fn issue(&self, now: DateTime<Utc>) -> (String, AnonymousSession) {
        let session = AnonymousSession {
            id: Uuid::new_v4(),
            csrf_token: random_token(),
            issued_at: now,
        };
        let signed = format!(
            "{PREFIX}{}.{}.{}",
            session.id.simple(),
            session.issued_at.timestamp(),
            session.csrf_token
        );
        let mac = hex::encode(self.mac(&signed).finalize().into_bytes());
        (format!("{signed}.{mac}"), session)
    }

    /// The session of `cookie` if its signature holds and it was issued less than `lifetime` before
    /// `now` (and not after it: only a forged cookie could say so).
    pub fn open(
        &self,
        cookie: &str,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> Option<AnonymousSession> {
        let (signed, mac) = cookie.rsplit_once('.')?;
        self.mac(signed)
            .verify_slice(&hex::decode(mac).ok()?)
            .ok()?;
        let mut parts = signed.strip_prefix(PREFIX)?.split('.');
        let (id, issued, csrf_token) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let issued_at = DateTime::from_timestamp(issued.parse().ok()?, 0)?;
        if issued_at > now || now - issued_at >= lifetime {
            return None;
        }
        Some(AnonymousSession {
            id: Uuid::parse_str(id).ok()?,
            csrf_token: csrf_token.to_owned(),
            issued_at,
        })
    }

    fn mac(&self, signed: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes any key length");
        mac.update(signed.as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFETIME: Duration = Duration::hours(12);

    fn sessions(secret: &str) -> AnonymousSessions {
        AnonymousSessions::new(&AuditKey::new(secret))
    }

    #[test]
    fn a_cookie_opens_to_the_session_it_was_issued_for() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let (cookie, issued) = sessions("k").issue(now);
        assert!(AnonymousSessions::is_anonymous(&cookie));
        assert_eq!(sessions("k").open(&cookie, now, LIFETIME), Some(issued));
        let (other, _) = sessions("k").issue(now);
        assert_ne!(cookie, other, "each visitor their own id and token");
    }

    #[test]
    fn a_changed_or_foreign_cookie_does_not_open() {
        let now = Utc::now();
        let (cookie, issued) = sessions("k").issue(now);
        assert_eq!(sessions("other key").open(&cookie, now, LIFETIME), None);
        let other_token = cookie.replace(&issued.csrf_token, &random_token());
        assert_eq!(sessions("k").open(&other_token, now, LIFETIME), None);
        let later = issued.issued_at.timestamp() + 3600;
        let moved = cookie.replace(
            &issued.issued_at.timestamp().to_string(),
            &later.to_string(),
        );
        assert_eq!(sessions("k").open(&moved, now, LIFETIME), None);
        for junk in [
            "",
            "a1.",
            "a1.x.y.z.w",
            &random_token(),
            &format!("{cookie}.x"),
        ] {
            assert_eq!(sessions("k").open(junk, now, LIFETIME), None, "{junk}");
        }
    }

    #[test]
    fn a_cookie_dies_at_the_absolute_lifetime() {
        let issued_at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let (cookie, _) = sessions("k").issue(issued_at);
        let open_at = |t| sessions("k").open(&cookie, t, LIFETIME).is_some();
        assert!(open_at(issued_at + LIFETIME - Duration::seconds(1)));
        assert!(!open_at(issued_at + LIFETIME));
        assert!(!open_at(issued_at - Duration::minutes(5)), "issued later");
    }
}
