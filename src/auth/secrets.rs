//! Random secrets (session cookies, mailed links, recovery codes) and how they are stored: only a
//! SHA-256 fingerprint, so a copy of the database opens nothing.

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A 256-bit random secret, hex-encoded so it travels safely in cookies and URLs.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored fingerprint of a secret.
pub fn fingerprint(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Compares two secrets without revealing through timing how much of them matched.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A recovery code as people copy it: ten characters from an alphabet without look-alikes,
/// grouped `XXXXX-XXXXX`.
pub fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: String = (0..10)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// Recovery codes are compared the way people type them: any case, with or without the dash.
pub fn normalise_recovery_code(typed: &str) -> String {
    let cleaned: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if cleaned.len() == 10 {
        format!("{}-{}", &cleaned[..5], &cleaned[5..])
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_fingerprinted() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(fingerprint(&a), fingerprint(&a));
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert!(same_secret(&a, &a.clone()) && !same_secret(&a, &b));
    }

    #[test]
    fn recovery_codes_survive_sloppy_typing() {
        let code = recovery_code();
        assert_eq!(code.len(), 11);
        assert_eq!(
            normalise_recovery_code(&code.to_lowercase().replace('-', " ")),
            code
        );
    }
}
