//! Fails fast while the database is unreachable. Without it every request
//! during an outage waits the pool's whole acquire timeout (3 s) before its
//! 503; with it, once a request has found the database unreachable, the
//! others are answered 503 at once, and every half second one of them first
//! pings the database (for at most [`PROBE_TIMEOUT`]) to see if it is back.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long after an unreachable answer requests are refused unprobed.
const OPEN_FOR: Duration = Duration::from_millis(500);
/// How long a probe's ping may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(300);

pub struct Breaker {
    epoch: Instant,
    /// Milliseconds since `epoch` until which requests are refused; 0 when
    /// the database is reachable.
    open_until: AtomicU64,
    probing: AtomicBool,
}

/// What a request may do.
#[derive(Debug, PartialEq, Eq)]
pub enum Admit {
    /// Go on: the database is reachable, as far as anyone knows.
    Pass,
    /// Go on as the one probe; report how it went.
    Probe,
    /// Answer 503 without trying.
    Refuse,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker {
            epoch: Instant::now(),
            open_until: AtomicU64::new(0),
            probing: AtomicBool::new(false),
        }
    }
}

impl Breaker {
    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    pub fn admit(&self) -> Admit {
        let until = self.open_until.load(Ordering::Acquire);
        if until == 0 {
            Admit::Pass
        } else if self.now() < until {
            Admit::Refuse
        } else if self
            .probing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            Admit::Probe
        } else {
            Admit::Refuse
        }
    }

    /// After a request that was let through: `unreachable` when the
    /// database could not be reached for it.
    pub fn record(&self, admitted: &Admit, unreachable: bool) {
        if unreachable {
            // At least 1 ms, so that 0 keeps meaning "closed".
            let until = self.now() + OPEN_FOR.as_millis() as u64;
            self.open_until.store(until.max(1), Ordering::Release);
        } else if *admitted == Admit::Probe {
            self.open_until.store(0, Ordering::Release);
        }
        if *admitted == Admit::Probe {
            self.probing.store(false, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Admit, Breaker, OPEN_FOR};

    #[test]
    fn one_probe_at_a_time_until_the_database_answers() {
        let b = Breaker::default();
        assert_eq!(b.admit(), Admit::Pass);
        b.record(&Admit::Pass, true);
        // Open: refused without trying.
        assert_eq!(b.admit(), Admit::Refuse);
        std::thread::sleep(OPEN_FOR);
        // Half-open: one probe, the others refused while it runs.
        let probe = b.admit();
        assert_eq!(probe, Admit::Probe);
        assert_eq!(b.admit(), Admit::Refuse);
        // The probe fails: open again.
        b.record(&probe, true);
        assert_eq!(b.admit(), Admit::Refuse);
        std::thread::sleep(OPEN_FOR);
        let probe = b.admit();
        assert_eq!(probe, Admit::Probe);
        // It gets through: closed.
        b.record(&probe, false);
        assert_eq!(b.admit(), Admit::Pass);
        assert_eq!(b.admit(), Admit::Pass);
    }
}
