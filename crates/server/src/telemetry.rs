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

/// The SQL a request ran: statements and the time spent waiting on them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sql {
    pub statements: u32,
    pub time: std::time::Duration,
}

tokio::task_local! {
    /// SQL run by the request being served on this task.
    static REQUEST_SQL: Cell<Sql>;
}

/// Runs `fut` (one request) counting the SQL it runs.
pub async fn count_queries<F: std::future::Future>(fut: F) -> (F::Output, Sql) {
    REQUEST_SQL
        .scope(Cell::new(Sql::default()), async move {
            let out = fut.await;
            (out, REQUEST_SQL.with(Cell::get))
        })
        .await
}

/// Called by the store for every statement it runs.
pub fn observe_query(elapsed: std::time::Duration, failed: bool) {
    let _ = REQUEST_SQL.try_with(|c| {
        let sql = c.get();
        c.set(Sql {
            statements: sql.statements + 1,
            time: sql.time + elapsed,
        })
    });
    metrics::histogram!("critboard_db_query_seconds").record(elapsed.as_secs_f64());
    if failed {
        metrics::counter!("critboard_db_query_errors_total").increment(1);
    }
}
