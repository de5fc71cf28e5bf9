//! Throttling per client IP and per key (an e-mail address for sign-in and
//! sign-up, a share link for guest sign-in, a guest for guest commenting).
//! Sign-in attempts are counted in the database, so that every node sees
//! them ([`SharedThrottle`]); the rest per node, with governor's GCRA
//! limiters ([`Throttle`]).

use crate::error::ApiError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Clone)]
pub struct Throttle {
    per_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    per_key: Arc<DefaultKeyedRateLimiter<String>>,
    per_minute: NonZeroU32,
}

impl Throttle {
    /// `per_minute` attempts per key; three times that per IP, since one
    /// office shares an address.
    pub fn new(per_minute: u32) -> Self {
        let per_key = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let per_ip = per_key.saturating_mul(NonZeroU32::new(3).unwrap_or(NonZeroU32::MIN));
        Self {
            per_ip: Arc::new(RateLimiter::keyed(Quota::per_minute(per_ip))),
            per_key: Arc::new(RateLimiter::keyed(Quota::per_minute(per_key))),
            per_minute: per_key,
        }
    }

    /// Counts `n` attempts at once (all or none). More than a minute's
    /// worth counts as a whole minute's: a large batch is allowed when the
    /// budget is full, and then uses all of it.
    pub fn check_n(&self, ip: IpAddr, key: &str, n: u32) -> Result<(), ApiError> {
        let Some(n) = NonZeroU32::new(n.min(self.per_minute.get())) else {
            return Ok(());
        };
        let clock = DefaultClock::default();
        let refuse = |not_until: governor::NotUntil<_>| ApiError::TooManyRequests {
            retry_after: not_until.wait_time_from(clock.now()).as_secs() + 1,
        };
        // n is at most the per-key burst, and the per-IP one is three times that.
        let too_many = || ApiError::TooManyRequests { retry_after: 60 };
        let key = Self::bounded(key);
        self.per_ip
            .check_key_n(&ip, n)
            .map_err(|_| too_many())?
            .map_err(refuse)?;
        self.per_key
            .check_key_n(&key, n)
            .map_err(|_| too_many())?
            .map_err(refuse)?;
        Ok(())
    }

    fn bounded(key: &str) -> String {
        let mut key = critboard_domain::validation::normalize_email(key);
        // Cut on a character boundary: the key may be any text a client sent.
        key.truncate(key.floor_char_boundary(critboard_domain::validation::EMAIL_MAX));
        key
    }

    /// Counts one attempt; `TooManyRequests` with the wait when over.
    pub fn check(&self, ip: IpAddr, key: &str) -> Result<(), ApiError> {
        let clock = DefaultClock::default();
        let refuse = |not_until: governor::NotUntil<_>| ApiError::TooManyRequests {
            retry_after: not_until.wait_time_from(clock.now()).as_secs() + 1,
        };
        self.per_ip.check_key(&ip).map_err(refuse)?;
        // Keys are bounded in size whatever the client sends.
        self.per_key
            .check_key(&Self::bounded(key))
            .map_err(refuse)?;
        Ok(())
    }

    /// Forgets keys whose limits have fully recovered, so memory stays
    /// bounded however many addresses we have seen.
    pub fn shrink(&self) {
        self.per_ip.retain_recent();
        self.per_key.retain_recent();
    }
}

/// Attempts counted in the database across all nodes: `per_minute` per
/// key, three times that per client IP (one office shares an address).
#[derive(Clone)]
pub struct SharedThrottle {
    store: critboard_store::Store,
    per_minute: f64,
}

impl SharedThrottle {
    pub fn new(store: critboard_store::Store, per_minute: u32) -> Self {
        Self {
            store,
            per_minute: f64::from(per_minute.max(1)),
        }
    }

    /// A key's row: hashed, so that the table holds no addresses and any
    /// bytes a client sends (NULs included) make a valid, bounded key.
    fn bucket_of(key: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(Throttle::bounded(key).as_bytes());
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("key:{hex}")
    }

    /// Counts one attempt; `TooManyRequests` with the wait when over.
    pub async fn check(&self, ip: IpAddr, key: &str) -> Result<(), ApiError> {
        for (bucket, limit) in [
            (format!("ip:{ip}"), self.per_minute * 3.0),
            (Self::bucket_of(key), self.per_minute),
        ] {
            let hits = self.store.hit(&bucket).await?;
            if hits.in_last_minute > limit {
                return Err(ApiError::TooManyRequests {
                    retry_after: hits.window_left.max(1),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Throttle;

    #[test]
    fn keys_are_cut_between_letters() {
        let key = Throttle::bounded(&"é".repeat(500));
        assert!(key.len() <= critboard_domain::validation::EMAIL_MAX);
        assert!(key.chars().all(|c| c == 'é'));
    }
}
