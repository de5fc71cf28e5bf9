//! Logging and metrics set up in one place. Both are process-wide, so they
//! are installed once even when tests build many servers in one process.

use crate::config::LogFormat;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::cell::Cell;
use std::sync::OnceLock;
use tracing_subscriber::EnvFilter;

pub fn init_logging(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) fails harmlessly.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// The Prometheus recorder, installed on first use.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ])
                .expect("static buckets are valid")
                .build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder is installed, which we never do.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

tokio::task_local! {
    /// SQL statements run by the request being served on this task.
    static REQUEST_QUERIES: Cell<u32>;
}

/// Runs `fut` (one request) counting the SQL statements it runs.
pub async fn count_queries<F: std::future::Future>(fut: F) -> (F::Output, u32) {
    REQUEST_QUERIES
        .scope(Cell::new(0), async move {
            let out = fut.await;
            (out, REQUEST_QUERIES.with(Cell::get))
        })
        .await
}

/// Called by the store for every statement it runs.
pub fn observe_query(elapsed: std::time::Duration, failed: bool) {
    let _ = REQUEST_QUERIES.try_with(|c| c.set(c.get() + 1));
    metrics::histogram!("critboard_db_query_seconds").record(elapsed.as_secs_f64());
    if failed {
        metrics::counter!("critboard_db_query_errors_total").increment(1);
    }
}
