//! What every handler can reach. Configuration travels here, never through
//! globals.

use crate::config::Config;
use crate::live::Hub;
use crate::mail::Mailer;
use crate::ratelimit::Throttle;
use crate::secrets::Passwords;
use critboard_files::{Limits, Storage, UrlSigner};
use critboard_jobs::Queue;
use critboard_store::Store;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub store: Store,
    pub passwords: Passwords,
    /// Sign-in, sign-up and guest sign-in attempts, counted on every node.
    pub auth_limiter: crate::ratelimit::SharedThrottle,
    /// What guests post and change.
    pub guest_limiter: Throttle,
    /// Website captures asked for, per person.
    pub capture_limiter: Throttle,
    /// This node's headless browser for website captures.
    pub capturer: critboard_capture::Capturer,
    /// Runs PDF workers; `pdf_checks` bounds how many uploads are checked
    /// at once (each check is a process with up to CRITBOARD_PDF_MEMORY_MB).
    pub decks: critboard_deck::Sandbox,
    pub pdf_checks: tokio::sync::Semaphore,
    pub metrics: PrometheusHandle,
    pub storage: Storage,
    /// Signs the URLs through which the local backend takes and serves files.
    pub signer: UrlSigner,
    pub queue: Queue,
    pub limits: Limits,
    /// Fans board events out to this node's live streams.
    pub hub: Hub,
    pub mailer: Mailer,
    /// This node's recent requests per route (the Performance page).
    pub performance: crate::perf::Performance,
    /// Copies of recorded errors for Sentry, when configured.
    pub sentry: Option<crate::sentry::Sentry>,
    /// Answers 503 at once while the database is unreachable.
    pub breaker: crate::breaker::Breaker,
}

pub struct Parts {
    pub mailer: Mailer,
    pub config: Config,
    pub store: Store,
    pub metrics: PrometheusHandle,
    pub storage: Storage,
    pub signer: UrlSigner,
    pub sentry: Option<crate::sentry::Sentry>,
}

impl AppState {
    pub fn new(p: Parts) -> Self {
        let auth_limiter =
            crate::ratelimit::SharedThrottle::new(p.store.clone(), p.config.auth_rate_limit);
        let guest_limiter = Throttle::new(p.config.guest_rate_limit);
        let capture_limiter = Throttle::new(p.config.capture_rate_limit);
        let capturer = critboard_capture::Capturer::new(p.config.capture_settings());
        let decks = p.config.deck_sandbox();
        let limits = p.config.image_limits();
        let queue = Queue::new(p.store.clone());
        let hub = Hub::new(p.store.clone());
        AppState(Arc::new(Inner {
            config: p.config,
            store: p.store,
            passwords: Passwords::new(2),
            auth_limiter,
            guest_limiter,
            capture_limiter,
            capturer,
            decks,
            pdf_checks: tokio::sync::Semaphore::new(2),
            metrics: p.metrics,
            storage: p.storage,
            signer: p.signer,
            queue,
            limits,
            hub,
            mailer: p.mailer,
            performance: Default::default(),
            sentry: p.sentry,
            breaker: Default::default(),
        }))
    }
}

impl AppState {
    /// Links into the web app on the address users reach.
    pub fn links(&self) -> crate::links::Links {
        crate::links::Links::new(&self.config.public_url())
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
