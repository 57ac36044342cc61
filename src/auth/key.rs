//! The portal's root secret, kept outside the database, and the keys derived from it.

use std::path::Path;

use anyhow::Context;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::config::Settings;

/// The portal's one secret outside the database (AUDIT_KEY): it keys the audit log's chain, and every
/// other key (TOTP sealing, checkpoints) is derived from it.
#[derive(Clone)]
pub struct AuditKey(Vec<u8>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

impl AuditKey {
    pub fn new(secret: &str) -> Self {
        AuditKey(secret.as_bytes().to_vec())
    }

    /// AUDIT_KEY, or else a key generated once into `DATA_DIR/audit.key` (fine on a laptop; a
    /// production deployment must set AUDIT_KEY, which the settings enforce).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if let Some(secret) = &settings.audit_key {
            return Ok(AuditKey::new(secret));
        }
        let path = settings.data_dir.join("audit.key");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            return Ok(AuditKey::new(existing.trim()));
        }
        tracing::warn!(path = %path.display(), "AUDIT_KEY is unset: generating an audit key into DATA_DIR");
        let secret = super::secrets::random_token();
        write_private(&path, &secret)?;
        Ok(AuditKey::new(&secret))
    }

    /// A key for another purpose, derived from this one (HMAC-SHA256 of the label), so the portal
    /// needs one secret outside the database and no two uses share a key.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut out = [0; 32];
        out.copy_from_slice(&self.mac(&[label.as_bytes()]));
        out
    }

    /// HMAC-SHA256 under this key of `parts`, one after the other (the audit chain's link).
    pub fn mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}
