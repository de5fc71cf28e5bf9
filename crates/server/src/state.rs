//! What every handler can reach. Configuration travels here, never through
//! globals.

use crate::config::Config;
use crate::ratelimit::AuthLimiter;
use crate::secrets::Passwords;
use critboard_store::Store;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub store: Store,
    pub passwords: Passwords,
    pub auth_limiter: AuthLimiter,
    pub metrics: PrometheusHandle,
}

impl AppState {
    pub fn new(config: Config, store: Store, metrics: PrometheusHandle) -> Self {
        let auth_limiter = AuthLimiter::new(config.auth_rate_limit);
        AppState(Arc::new(Inner {
            config,
            store,
            passwords: Passwords::new(2),
            auth_limiter,
            metrics,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
