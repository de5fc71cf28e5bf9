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
            keep_up(handle.clone(), UPKEEP_EVERY);
            handle
        })
        .clone()
}

/// How often histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// A histogram keeps each sample until upkeep (or a scrape) folds it into
/// its buckets: with nobody scraping /metrics, a busy node grew by about
/// 100 bytes per request, for ever. A thread of its own, so it runs
/// whatever the async runtime is doing.
fn keep_up(handle: PrometheusHandle, every: std::time::Duration) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            handle.run_upkeep();
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start the metrics upkeep thread");
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use metrics::{Key, Metadata, Recorder};

    fn peak_kb() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    #[test]
    fn histogram_samples_do_not_pile_up_unscraped() {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[0.001, 0.01, 0.1])
            .unwrap()
            .build_recorder();
        keep_up(recorder.handle(), std::time::Duration::from_millis(5));
        let key = Key::from_static_name("test_seconds");
        let meta = Metadata::new("test", metrics::Level::INFO, None);
        let histogram = recorder.register_histogram(&key, &meta);
        let before = peak_kb();
        // 4 million samples: 32 MB and more if they were all kept.
        for _ in 0..80 {
            for i in 0..50_000 {
                histogram.record(f64::from(i) * 1e-6);
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let grown = peak_kb().saturating_sub(before);
        assert!(grown < 12 * 1024, "peak grew {grown} kB");
        // The samples are counted, not dropped: the exporter's lock-free
        // buckets may miss some written during a fold (5 in 4 million on
        // an idle machine, 10,452 — 0.26 % — on a loaded 2-core CI run
        // that folds every 5 ms), which a latency histogram can afford.
        let text = recorder.handle().render();
        let count: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("test_seconds_count "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        assert!(count > 3_960_000, "{text}");
    }
}
