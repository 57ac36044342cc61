//! Keeping TOTP secrets out of reach of someone who reads the database (a leaked backup, say):
//! each is sealed with ChaCha20-Poly1305 under a key derived from AUDIT_KEY, which lives outside
//! the database, and bound to its account, so a sealed secret copied to another row does not open.
//!
//! The secret shown while enrolling is not stored at all until the first code proves it was
//! copied: it is derived from the session and the account under a second derived key, so opening
//! the enrolment page changes nothing.

use anyhow::{Context, anyhow};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use super::key::AuditKey;

/// Marks a sealed secret (and its format, should it ever change).
const SEALED_PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct TotpSecrets {
    cipher: ChaCha20Poly1305,
    enrolment_key: [u8; 32],
}

impl std::fmt::Debug for TotpSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecrets(..)")
    }
}

impl TotpSecrets {
    pub fn new(key: &AuditKey) -> TotpSecrets {
        let sealing_key = key.derive("stablereg/totp-secret-sealing/v1");
        TotpSecrets {
            cipher: ChaCha20Poly1305::new(&sealing_key.into()),
            enrolment_key: key.derive("stablereg/totp-enrolment/v1"),
        }
    }

    /// The secret (base32) as it is stored for `user`.
    pub fn seal(&self, user: Uuid, secret: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut nonce);
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: user.as_bytes(),
        };
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .expect("ChaCha20-Poly1305 seals any message of this size");
        format!(
            "{SEALED_PREFIX}{}{}",
            hex::encode(nonce),
            hex::encode(sealed)
        )
    }

    /// The secret of `user` from its stored form; an error when it was not sealed for this account
    /// under this key.
    pub fn open(&self, user: Uuid, stored: &str) -> anyhow::Result<String> {
        let sealed = stored
            .strip_prefix(SEALED_PREFIX)
            .ok_or_else(|| anyhow!("the TOTP secret is not sealed"))?;
        let bytes = hex::decode(sealed).context("the sealed TOTP secret is not hex")?;
        if bytes.len() <= NONCE_LEN {
            return Err(anyhow!("the sealed TOTP secret is too short"));
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: sealed,
            aad: user.as_bytes(),
        };
        let secret = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| anyhow!("the TOTP secret does not open with this key for this account"))?;
        String::from_utf8(secret).context("the TOTP secret is not text")
    }

    /// Databases from before secrets were sealed hold them in clear: start-up seals them, and drops
    /// an enrolment left unfinished then (its owner simply enrols again). Returns how many changed.
    pub async fn seal_clear_secrets(
        &self,
        conn: &mut diesel_async::AsyncPgConnection,
    ) -> diesel::QueryResult<usize> {
        let clear = crate::db::users::with_unsealed_totp(conn, SEALED_PREFIX).await?;
        for (id, secret, enabled) in &clear {
            let sealed = enabled.then(|| self.seal(*id, secret));
            crate::db::users::reseal_totp(conn, *id, secret, sealed.as_deref()).await?;
        }
        if !clear.is_empty() {
            tracing::info!(
                accounts = clear.len(),
                "sealed TOTP secrets stored in clear"
            );
        }
        Ok(clear.len())
    }

    /// The secret offered to `user` while enrolling in the session `session`: the same on every
    /// visit of the page within the session, different in any other session, and unknowable
    /// without the key.
    pub fn enrolment_secret(&self, session: Uuid, user: Uuid) -> String {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.enrolment_key)
            .expect("HMAC takes any key length");
        mac.update(session.as_bytes());
        mac.update(user.as_bytes());
        let digest = mac.finalize().into_bytes();
        // 160 bits, the size RFC 4226 recommends and authenticator apps expect.
        super::totp::secret_from_bytes(&digest[..20])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(key: &str) -> TotpSecrets {
        TotpSecrets::new(&AuditKey::new(key))
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_account_and_key() {
        let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let s = secrets("k1");
        let sealed = s.seal(alice, "JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(s.open(alice, &sealed).unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(s.open(bob, &sealed).is_err(), "copied to another account");
        assert!(secrets("k2").open(alice, &sealed).is_err(), "another key");
        assert!(s.open(alice, "JBSWY3DPEHPK3PXP").is_err(), "not sealed");
        assert_ne!(
            sealed,
            s.seal(alice, "JBSWY3DPEHPK3PXP"),
            "a fresh nonce each time"
        );
    }

    #[test]
    fn the_enrolment_secret_belongs_to_one_session() {
        let s = secrets("k1");
        let (session, other_session, user) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let secret = s.enrolment_secret(session, user);
        assert_eq!(secret, s.enrolment_secret(session, user));
        assert_ne!(secret, s.enrolment_secret(other_session, user));
        assert_ne!(secret, secrets("k2").enrolment_secret(session, user));
        assert_eq!(secret.len(), 32, "160 bits in base32");
        assert!(crate::auth::totp::code_at(&secret, 59).is_ok());
    }
}
