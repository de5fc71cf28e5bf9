//! Startup split in two, zero2prod style: [`Application::build`] connects,
//! migrates and binds (port 0 in tests), [`Application::run_until_stopped`]
//! serves until a shutdown signal and drains in-flight requests.

use crate::config::Config;
use crate::http;
use crate::state::{AppState, Parts};
use crate::telemetry;
use anyhow::Context;
use critboard_files::{Storage, UrlSigner};
use critboard_jobs::CancellationToken;
use critboard_jobs::WorkerOptions;
use critboard_store::sea_orm::DatabaseBackend;
use critboard_store::{PoolOptions, Store};
use std::future::Future;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub struct Application {
    listener: TcpListener,
    state: AppState,
    extra: axum::Router<AppState>,
}

/// Connects to the configured database.
pub async fn connect_store(config: &Config) -> anyhow::Result<Store> {
    let pool = PoolOptions {
        max_connections: config.db_max_connections,
        ..Default::default()
    };
    let url = config.database_url();
    Store::connect(&url, &pool, Some(Arc::new(telemetry::observe_query)))
        .await
        .with_context(|| format!("cannot open the database at {}", redact(&url)))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Everything a handler or a job needs, connected and migrated, without
/// listening (the admin CLI runs jobs' work with it).
pub async fn state_for(config: Config) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        )
    })?;
    // Install the metrics recorder before the first query is observed.
    let metrics = telemetry::metrics_handle();
    let store = connect_store(&config).await?;
    if config.auto_migrate {
        store.migrate().await.context("database migration failed")?;
    }
    let storage = Storage::from_url(config.storage_url.as_deref(), config.storage_root())
        .context("cannot open file storage")?;
    // One secret for every node, kept in the database.
    let secret = store
        .setting_or_init("url_signing_key", || crate::secrets::random_secret(""))
        .await
        .context("cannot read the URL-signing secret")?;
    let mailer = crate::mail::Mailer::from_config(&config)?;
    let sentry = config
        .sentry_dsn
        .as_deref()
        .map(crate::sentry::Sentry::new)
        .transpose()?;
    crate::errors::install_panic_hook();
    Ok(AppState::new(Parts {
        sentry,
        mailer,
        config,
        store,
        metrics,
        storage,
        signer: UrlSigner::new(secret.as_bytes()),
    }))
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let mut config = config;
        if config.public_url.is_none() {
            // Links must carry the real port when it was chosen by the OS.
            config.public_url = Some(format!("http://{}", listener.local_addr()?));
        }
        let state = state_for(config).await?;
        Ok(Application {
            listener,
            state,
            extra: axum::Router::new(),
        })
    }

    /// Serves `routes` too, behind the same middleware.
    pub fn with_routes(mut self, routes: axum::Router<AppState>) -> Self {
        self.extra = routes;
        self
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.state.config.listen)
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until `shutdown` completes; then stops accepting, ends live
    /// streams, and gives in-flight requests and running jobs
    /// `CRITBOARD_SHUTDOWN_SECONDS` to finish before jobs still running are
    /// given back to the queue.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let state = self.state.clone();
        let grace = Duration::from_secs(state.config.shutdown_seconds);
        let stop = CancellationToken::new();
        let housekeeping = tokio::spawn(housekeeping(state.clone()));
        let pool = |concurrency: usize, handlers| {
            tokio::spawn(critboard_jobs::run_workers(
                state.queue.clone(),
                handlers,
                WorkerOptions {
                    concurrency,
                    grace,
                    on_failure: Some(crate::errors::job_failures(&state)),
                    ..Default::default()
                },
                stop.clone(),
            ))
        };
        let mut pools = Vec::new();
        // A node with 0 workers only serves HTTP (other nodes do the jobs).
        if state.config.job_workers > 0 {
            pools.push(pool(
                state.config.job_workers,
                crate::work::handlers(&state),
            ));
        }
        if state.config.capture_workers == 0 && state.capturer.chromium().is_some() {
            tracing::info!(
                "this node takes website capture requests but runs none \
                 (CRITBOARD_CAPTURE_WORKERS=0): another node must run them"
            );
        }
        // Captures have their own pool: a slow page never holds up
        // thumbnails or e-mail. Nodes without a browser leave them to others.
        if state.config.capture_workers > 0 && state.capturer.chromium().is_some() {
            pools.push(pool(
                state.config.capture_workers,
                crate::work::capture_handlers(&state),
            ));
        }
        match state.decks.converter() {
            Some(c) => {
                tracing::info!(soffice = %c.soffice.display(), "slides are converted with LibreOffice")
            }
            None => tracing::info!(
                "LibreOffice was not found: PowerPoint, Keynote and OpenDocument slides are \
                 refused (PDF decks work); install libreoffice-impress or set CRITBOARD_SOFFICE"
            ),
        }
        // Decks too: each render is a worker process of its own.
        if state.config.pdf_workers > 0 {
            pools.push(pool(
                state.config.pdf_workers,
                crate::work::deck_handlers(&state),
            ));
        }
        let live = tokio::spawn(crate::live::run(state.clone()));
        let listen = match state.config.database_url.as_deref() {
            Some(url) if state.store.backend() == DatabaseBackend::Postgres => Some(tokio::spawn(
                crate::live::listen_postgres(state.clone(), url.to_owned()),
            )),
            _ => None,
        };
        let hub = state.hub.clone();
        let capturer = state.capturer.clone();
        let app = http::app_with(state, self.extra);
        let stopping = stop.clone();
        let serve = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        // Live streams never end by themselves: close them first.
        .with_graceful_shutdown(async move {
            shutdown.await;
            stopping.cancel();
            hub.close();
        })
        .into_future();
        let cut_off = async {
            stop.cancelled().await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            served = serve => served?,
            _ = cut_off => tracing::warn!(
                seconds = grace.as_secs(),
                "requests still running after the shutdown grace period were cut off"
            ),
        }
        // The pools had the same grace period, counted from the same moment.
        for p in pools {
            let _ = p.await;
        }
        // No browser outlives Critboard; captures in flight run again later.
        capturer.shutdown().await;
        housekeeping.abort();
        live.abort();
        if let Some(l) = listen {
            l.abort();
        }
        tracing::info!("stopped");
        Ok(())
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

/// Small periodic chores of one node. Durable, cluster-wide jobs belong in
/// the job queue; these only tidy this process's memory and expired rows.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = state.store.forget_idle_throttles().await {
            tracing::warn!(error = %e, "could not forget idle throttles");
        }
        state.guest_limiter.shrink();
        state.capture_limiter.shrink();
        crate::work::schedule(&state).await;
        crate::mail::digest::schedule(&state).await;
        crate::mail::reminders::schedule(&state).await;
        crate::mail::guest_replies::schedule(&state).await;
        if let Err(e) = state.store.delete_expired_sessions().await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
        if let Err(e) = state.store.delete_expired_guest_sessions().await {
            tracing::warn!(error = %e, "could not delete expired guest sessions");
        }
        if let Err(e) = state
            .store
            .delete_stale_viewers(crate::live::PRESENCE_TTL * 10)
            .await
        {
            tracing::warn!(error = %e, "could not delete stale presence rows");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://app:s3cret@db:5432/critboard"),
            "postgres://app:***@db:5432/critboard"
        );
        assert_eq!(super::redact("sqlite://./x.db"), "sqlite://./x.db");
    }
}
