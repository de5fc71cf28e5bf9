//! Benchmark client for live fan-out (run by scripts/bench/live.py): opens
//! N streams on one board, posts comments one at a time, and reports how
//! long each comment took to reach every stream, from just before the POST
//! to its arrival.
//!
//! fanout <base> <cookie> <csrf> <board> <thread> <streams> <posts>

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, cookie, csrf, board, thread, streams, posts] = &args[..] else {
        eprintln!("usage: fanout <base> <cookie> <csrf> <board> <thread> <streams> <posts>");
        std::process::exit(2);
    };
    let streams: usize = streams.parse().expect("a number of streams");
    let posts: usize = posts.parse().expect("a number of posts");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    // When the current post was sent.
    let sent_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let (arrivals, mut arrived) = mpsc::unbounded_channel::<Duration>();
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<()>();
    let url = format!("{base}/api/v1/boards/{board}/stream");
    let opened = Instant::now();
    for _ in 0..streams {
        let (client, url, cookie) = (client.clone(), url.clone(), cookie.clone());
        let (sent_at, arrivals, ready_tx) = (sent_at.clone(), arrivals.clone(), ready_tx.clone());
        tokio::spawn(async move {
            let mut res = client
                .get(&url)
                .header("cookie", cookie)
                .send()
                .await
                .expect("stream opens");
            assert!(
                res.status().is_success(),
                "stream refused: {}",
                res.status()
            );
            let mut buf = String::new();
            let mut announced = false;
            while let Ok(Some(chunk)) = res.chunk().await {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    if !announced {
                        announced = true;
                        let _ = ready_tx.send(());
                    }
                    if is_comment(&block) {
                        let t0 = sent_at.lock().unwrap().unwrap_or_else(Instant::now);
                        let _ = arrivals.send(t0.elapsed());
                    }
                }
            }
        });
    }
    for _ in 0..streams {
        ready.recv().await;
    }
    println!(
        "streams open: {streams} in {:.1} s",
        opened.elapsed().as_secs_f64()
    );
    let mut latencies = Vec::with_capacity(streams * posts);
    for i in 0..posts {
        tokio::time::sleep(Duration::from_millis(300)).await;
        *sent_at.lock().unwrap() = Some(Instant::now());
        let res = client
            .post(format!("{base}/api/v1/threads/{thread}/comments"))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .json(&serde_json::json!({ "body": format!("fan-out {i}") }))
            .send()
            .await
            .expect("comment posted");
        assert!(res.status().is_success(), "post failed: {}", res.status());
        for _ in 0..streams {
            match tokio::time::timeout(Duration::from_secs(10), arrived.recv()).await {
                Ok(Some(d)) => latencies.push(d),
                _ => {
                    eprintln!("post {i}: not every stream got it within 10 s");
                    break;
                }
            }
        }
    }
    latencies.sort();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "deliveries: {} ({} posts x {} streams)\nlatency ms: p50 {:.1}  p99 {:.1}  max {:.1}",
        latencies.len(),
        posts,
        streams,
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
}

/// Whether an SSE block carries a comment (its event, typed by the domain's enum).
fn is_comment(block: &str) -> bool {
    let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(data)
        .ok()
        .and_then(|out| serde_json::from_value(out["event"].clone()).ok())
        .is_some_and(|e| matches!(e, critboard_domain::BoardEvent::CommentAdded(_)))
}
