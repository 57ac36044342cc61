//! Password hashing with Argon2id (m = 19456 KiB, t = 2, p = 1). Hashing is deliberately slow, so it
//! runs on threads of its own, at most (cores − 1) hashes at once: a burst of sign-ins cannot starve
//! the threads that serve pages, nor grow the memory beyond those threads' 19 MiB each.

use std::sync::LazyLock;

use anyhow::Context;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use tokio::sync::Semaphore;

/// How many hashes run at once: all cores but one, which stays free for pages.
fn hashing_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    cores.saturating_sub(1).max(1)
}

static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(hashing_threads()));

/// The threads that hash, shared by every worker of the server. Each worker's own blocking pool
/// would do the work on whichever of its threads was free, and every new thread took a fresh
/// allocator arena that kept its 19 MiB after the hash: a sign-in storm grew the process by
/// ~500 MiB (make bench). Here the same few threads, kept alive, do every hash.
static HASHING: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .thread_name("argon2")
        .worker_threads(1)
        .max_blocking_threads(hashing_threads())
        .thread_keep_alive(std::time::Duration::from_secs(24 * 60 * 60))
        .build()
        .expect("cannot start the password hashing threads")
});

/// A hash of a password nobody has, checked when the email is unknown so that an unknown email
/// takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hasher()
        .hash_password(b"no account has this password")
        .map(|h| h.to_string())
        .unwrap_or_default()
});

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    pub matches: bool,
    /// The stored hash uses weaker settings than today's: store a new one now that we know the password.
    pub needs_rehash: bool,
}

pub async fn hash(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    let _permit = PERMITS.acquire().await.context("hashing is shut down")?;
    HASHING
        .spawn_blocking(move || {
            hasher()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("cannot hash: {e}"))
        })
        .await?
}

/// Checks `password` against `stored`; with no stored hash (unknown user, or an invited user who
/// has not set one yet) a dummy hash is checked so the answer takes the same time.
pub async fn verify(password: &str, stored: Option<&str>) -> anyhow::Result<Verification> {
    let password = password.to_owned();
    let known = stored.is_some();
    let stored = stored
        .map(str::to_owned)
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let _permit = PERMITS.acquire().await.context("hashing is shut down")?;
    HASHING
        .spawn_blocking(move || {
            let parsed =
                PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("bad stored hash: {e}"))?;
            let matches = hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
                && known;
            Ok(Verification {
                matches,
                needs_rehash: matches && is_weaker_than_today(&parsed),
            })
        })
        .await?
}

fn is_weaker_than_today(hash: &PasswordHash) -> bool {
    let Ok(params) = Params::try_from(hash) else {
        return true;
    };
    hash.algorithm.as_str() != "argon2id"
        || params.m_cost() < Params::DEFAULT_M_COST
        || params.t_cost() < Params::DEFAULT_T_COST
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_stored_hash_carries_argon2id_and_its_parameters() {
        let stored = hash("kettle ruby whistle").await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        let ok = verify("kettle ruby whistle", Some(&stored)).await.unwrap();
        assert_eq!(
            ok,
            Verification {
                matches: true,
                needs_rehash: false
            }
        );
        assert!(
            !verify("kettle ruby whistlE", Some(&stored))
                .await
                .unwrap()
                .matches
        );
        assert!(!verify("kettle ruby whistle", None).await.unwrap().matches);
    }

    #[tokio::test]
    async fn a_weaker_hash_asks_to_be_replaced() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        )
        .hash_password(b"kettle ruby whistle")
        .unwrap()
        .to_string();
        let v = verify("kettle ruby whistle", Some(&weak)).await.unwrap();
        assert!(v.matches && v.needs_rehash);
    }
}
