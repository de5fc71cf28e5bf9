//! Where the time goes, per route: this node's recent requests kept in
//! memory (the last hour, at most [`KEPT`] per route), summarised for the
//! admins' Performance page. A route that runs thousands of statements or
//! takes seconds is at the top of the list with its request ids.

use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use utoipa::ToSchema;

/// Requests kept per route: enough for stable percentiles, bounded memory
/// (about 100 bytes each).
pub const KEPT: usize = 1000;
/// How far back the summary looks.
pub const WINDOW: Duration = Duration::from_secs(60 * 60);
/// Slowest requests listed per route.
const SLOWEST: usize = 5;

struct Sample {
    at: Instant,
    ms: f64,
    statements: u32,
    sql_ms: f64,
    status: u16,
    request_id: String,
}

#[derive(Default)]
pub struct Performance {
    routes: Mutex<HashMap<(String, String), VecDeque<Sample>>>,
}

/// One request, as measured by the HTTP layer.
pub struct Measured<'a> {
    pub method: &'a str,
    pub route: &'a str,
    pub elapsed: Duration,
    pub statements: u32,
    pub sql: Duration,
    pub status: u16,
    pub request_id: &'a str,
}

/// One route's figures over the window.
#[derive(Serialize, ToSchema, Debug)]
pub struct RouteFigures {
    pub method: String,
    /// The route template, e.g. `/api/v1/boards/{id}`.
    pub route: String,
    pub count: u64,
    /// Time spent in this route over the window, in ms: the sort key.
    pub total_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_statements: f64,
    pub max_statements: u32,
    /// Share of the route's time spent waiting on SQL, 0–1.
    pub sql_share: f64,
    pub slowest: Vec<SlowRequest>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct SlowRequest {
    pub request_id: String,
    pub ms: f64,
    pub statements: u32,
    pub sql_ms: f64,
    pub status: u16,
    /// Seconds ago.
    pub age_seconds: u64,
}

impl Performance {
    pub fn record(&self, m: Measured<'_>) {
        let now = Instant::now();
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        let samples = routes
            .entry((m.method.to_owned(), m.route.to_owned()))
            .or_default();
        while samples.len() >= KEPT
            || samples
                .front()
                .is_some_and(|s| now.duration_since(s.at) > WINDOW)
        {
            samples.pop_front();
        }
        samples.push_back(Sample {
            at: now,
            ms: m.elapsed.as_secs_f64() * 1000.0,
            statements: m.statements,
            sql_ms: m.sql.as_secs_f64() * 1000.0,
            status: m.status,
            request_id: m.request_id.to_owned(),
        });
    }

    /// Every route seen in the window, the most total time first.
    pub fn summary(&self) -> Vec<RouteFigures> {
        let now = Instant::now();
        let routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<RouteFigures> = routes
            .iter()
            .filter_map(|((method, route), samples)| {
                let recent: Vec<&Sample> = samples
                    .iter()
                    .filter(|s| now.duration_since(s.at) <= WINDOW)
                    .collect();
                figures(method, route, &recent, now)
            })
            .collect();
        out.sort_by(|a, b| b.total_ms.total_cmp(&a.total_ms));
        out
    }
}

fn figures(method: &str, route: &str, recent: &[&Sample], now: Instant) -> Option<RouteFigures> {
    if recent.is_empty() {
        return None;
    }
    let mut ms: Vec<f64> = recent.iter().map(|s| s.ms).collect();
    ms.sort_by(f64::total_cmp);
    let total_ms: f64 = ms.iter().sum();
    let sql_ms: f64 = recent.iter().map(|s| s.sql_ms).sum();
    let statements: u64 = recent.iter().map(|s| u64::from(s.statements)).sum();
    let mut slow: Vec<&&Sample> = recent.iter().collect();
    slow.sort_by(|a, b| b.ms.total_cmp(&a.ms));
    Some(RouteFigures {
        method: method.to_owned(),
        route: route.to_owned(),
        count: recent.len() as u64,
        total_ms,
        p50_ms: percentile(&ms, 0.50),
        p95_ms: percentile(&ms, 0.95),
        p99_ms: percentile(&ms, 0.99),
        mean_statements: statements as f64 / recent.len() as f64,
        max_statements: recent.iter().map(|s| s.statements).max().unwrap_or(0),
        sql_share: if total_ms > 0.0 {
            (sql_ms / total_ms).min(1.0)
        } else {
            0.0
        },
        slowest: slow
            .into_iter()
            .take(SLOWEST)
            .map(|s| SlowRequest {
                request_id: s.request_id.clone(),
                ms: s.ms,
                statements: s.statements,
                sql_ms: s.sql_ms,
                status: s.status,
                age_seconds: now.duration_since(s.at).as_secs(),
            })
            .collect(),
    })
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(p: &Performance, route: &str, ms: u64, statements: u32) {
        p.record(Measured {
            method: "GET",
            route,
            elapsed: Duration::from_millis(ms),
            statements,
            sql: Duration::from_millis(ms / 2),
            status: 200,
            request_id: &format!("r{ms}"),
        });
    }

    #[test]
    fn routes_are_ranked_by_total_time_with_their_percentiles() {
        let p = Performance::default();
        for ms in 1..=100 {
            measure(&p, "/fast", ms, 3);
        }
        measure(&p, "/slow", 9000, 2000);
        let s = p.summary();
        assert_eq!(s[0].route, "/slow", "9 s beats 100 quick requests");
        assert_eq!(s[0].max_statements, 2000);
        assert_eq!(s[0].slowest[0].request_id, "r9000");
        let fast = &s[1];
        assert_eq!(fast.count, 100);
        assert_eq!((fast.p50_ms, fast.p95_ms, fast.p99_ms), (50.0, 95.0, 99.0));
        assert_eq!(fast.slowest.len(), 5);
        assert_eq!(fast.slowest[0].ms, 100.0);
        assert!((fast.sql_share - 0.5).abs() < 0.02);
    }

    #[test]
    fn each_route_keeps_a_bounded_number_of_requests() {
        let p = Performance::default();
        for _ in 0..KEPT + 500 {
            measure(&p, "/busy", 2, 1);
        }
        assert_eq!(p.summary()[0].count, KEPT as u64);
    }
}
