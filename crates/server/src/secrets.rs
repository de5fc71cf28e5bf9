//! Passwords and random secrets. See docs/adr/003-sessions-and-csrf.md.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

/// Argon2id hashing with at most `permits` hashes computed at once, so a
/// burst of sign-ins queues instead of starving every other request of CPU.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Hashes being computed right now (observed by tests).
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
    most_in_flight: Arc<std::sync::atomic::AtomicUsize>,
    /// Verified against when the e-mail is unknown, so a failed sign-in
    /// takes as long whether or not the account exists.
    dummy_hash: Arc<String>,
}

impl Passwords {
    pub fn new(permits: usize) -> Self {
        let dummy_hash = hash_now("critboard-timing-equaliser").unwrap_or_default();
        Self {
            permits: Arc::new(Semaphore::new(permits)),
            in_flight: Default::default(),
            most_in_flight: Default::default(),
            dummy_hash: Arc::new(dummy_hash),
        }
    }

    /// The largest number of hashes ever computed at the same time.
    pub fn most_in_flight(&self) -> usize {
        self.most_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Runs one argon2 computation under a permit, off the async runtime.
    async fn limited<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        use std::sync::atomic::Ordering::SeqCst;
        let _permit = self.permits.acquire().await?;
        let (now, most) = (self.in_flight.clone(), self.most_in_flight.clone());
        Ok(tokio::task::spawn_blocking(move || {
            most.fetch_max(now.fetch_add(1, SeqCst) + 1, SeqCst);
            let out = work();
            now.fetch_sub(1, SeqCst);
            out
        })
        .await?)
    }

    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let password = password.to_owned();
        self.limited(move || hash_now(&password)).await?
    }

    /// Checks `password` against `hash`, or against a dummy hash when the
    /// account does not exist (the answer is then always `false`).
    pub async fn verify(&self, hash: Option<&str>, password: &str) -> bool {
        let exists = hash.is_some();
        let hash = hash.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let ok = self
            .limited(move || {
                PasswordHash::new(&hash)
                    .map(|parsed| {
                        Argon2::default()
                            .verify_password(password.as_bytes(), &parsed)
                            .is_ok()
                    })
                    .unwrap_or(false)
            })
            .await
            .unwrap_or(false);
        ok && exists
    }
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane), the
/// OWASP-recommended minimum.
pub fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// A new random secret: 32 bytes from the OS, base64url, with a readable
/// prefix so a leaked token can be recognised (`cbs_` session, `cbt_` API).
pub fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a secret: its SHA-256, hex. Secrets are
/// 256-bit random, so a fast hash is enough (no dictionary to attack).
pub fn secret_digest(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CSRF token that goes with a session: derived from the session secret,
/// so it needs no storage, and unguessable without the HttpOnly cookie.
pub fn csrf_token(session_secret: &str) -> String {
    let digest = Sha256::digest(format!("critboard-csrf:{session_secret}").as_bytes());
    URL_SAFE_NO_PAD.encode(digest)
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify() {
        let p = Passwords::new(2);
        let h = p.hash("violet-otter-42").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(p.verify(Some(&h), "violet-otter-42").await);
        assert!(!p.verify(Some(&h), "violet-otter-43").await);
        assert!(!p.verify(None, "critboard-timing-equaliser").await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn at_most_two_hashes_run_at_once() {
        let p = Passwords::new(2);
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let p = p.clone();
                tokio::spawn(async move { p.hash(&format!("phrase-number-{i}")).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let most = p.most_in_flight();
        assert!(
            (1..=2).contains(&most),
            "six concurrent hashes ran {most} at a time"
        );
    }

    #[test]
    fn secrets_are_random_and_digests_stable() {
        let a = random_secret("cbt_");
        assert!(a.starts_with("cbt_") && a.len() > 40);
        assert_ne!(a, random_secret("cbt_"));
        assert_eq!(secret_digest("x"), secret_digest("x"));
        assert_eq!(secret_digest("x").len(), 64);
        assert_ne!(csrf_token("a"), csrf_token("b"));
    }
}
