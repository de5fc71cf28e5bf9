//! A durable job queue kept in the database, so work survives restarts and
//! is shared by every node without another service.
//!
//! A worker claims a job with a compare-and-set on its lease
//! (`locked_until`), which works the same on SQLite, PostgreSQL and MySQL;
//! it renews the lease while it works (heartbeat), so a job runs on one
//! worker at a time, and a crashed worker's job is taken over once its lease
//! runs out. Failures are retried with exponential backoff up to
//! `max_attempts`. A `unique_key` makes enqueueing idempotent, which is also
//! how periodic jobs run once per period across nodes.

use chrono::{DateTime, Duration as TimeDelta, Utc};
use critboard_store::entities::job;
use critboard_store::sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, Value,
};
use critboard_store::{new_id, Store, StoreError};
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
pub use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

pub use critboard_store::entities::job::Model as Job;

/// A job to add to the queue.
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    /// At most one job with this key ever exists (duplicates are ignored).
    pub unique_key: Option<String>,
    /// When it may run; `None`: as soon as it is queued.
    pub run_at: Option<DateTime<Utc>>,
    pub max_attempts: i32,
}

impl NewJob {
    pub fn now(kind: &'static str, payload: serde_json::Value) -> Self {
        NewJob {
            kind,
            payload,
            unique_key: None,
            run_at: None,
            max_attempts: 5,
        }
    }

    pub fn unique(mut self, key: impl Into<String>) -> Self {
        self.unique_key = Some(key.into());
        self
    }

    /// The row to insert, for callers that enqueue inside their own
    /// transaction (so the job exists if and only if the change does);
    /// `now` on the store's clock.
    pub fn into_active_model(self, now: DateTime<Utc>) -> job::ActiveModel {
        job::ActiveModel {
            id: Set(new_id()),
            kind: Set(self.kind.to_owned()),
            payload: Set(self.payload.to_string()),
            unique_key: Set(self.unique_key),
            run_at: Set(self.run_at.unwrap_or(now)),
            attempts: Set(0),
            max_attempts: Set(self.max_attempts),
            locked_by: Set(None),
            locked_until: Set(None),
            last_error: Set(None),
            done_at: Set(None),
            created_at: Set(now),
        }
    }
}

/// How a handler's run ended when it did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later (network, storage or database hiccup).
    #[error("{0}")]
    Retry(String),
    /// Retrying cannot help (bad input); the job ends now.
    #[error("{0}")]
    Permanent(String),
}

/// Runs one kind of job.
pub trait Handler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>>;
}

#[derive(Clone)]
pub struct Queue {
    store: Store,
    worker_id: String,
    wake: Arc<Notify>,
}

/// Backoff before attempt `n + 1`: 2, 4, 8 … seconds, at most 10 minutes.
pub fn backoff(attempts: i32) -> TimeDelta {
    TimeDelta::seconds(2i64.saturating_pow(attempts.clamp(1, 20) as u32).min(600))
}

impl Queue {
    pub fn new(store: Store) -> Self {
        Queue {
            store,
            worker_id: format!("{}-{}", std::process::id(), new_id().simple()),
            wake: Arc::new(Notify::new()),
        }
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    /// Adds a job; `false` when its unique key was already queued.
    pub async fn enqueue(&self, new: NewJob) -> Result<bool, StoreError> {
        let model = new.into_active_model(self.store.now());
        match job::Entity::insert(model)
            .exec_without_returning(self.store.conn())
            .await
            .map_err(StoreError::from)
        {
            Ok(_) => {
                self.wake.notify_waiters();
                Ok(true)
            }
            Err(e) if e.is_unique(critboard_store::unique::JOB_UNIQUE_KEY) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Claims the next due job of one of `kinds`, leasing it for `lease`.
    pub async fn claim(&self, kinds: &[&str], lease: Duration) -> Result<Option<Job>, StoreError> {
        let at = self.store.now();
        let candidates = job::Entity::find()
            .filter(job::Column::DoneAt.is_null())
            .filter(job::Column::RunAt.lte(at))
            .filter(job::Column::Kind.is_in(kinds.iter().copied()))
            .filter(
                job::Column::LockedUntil
                    .is_null()
                    .or(job::Column::LockedUntil.lt(at)),
            )
            .order_by_asc(job::Column::RunAt)
            .limit(8)
            .all(self.store.conn())
            .await?;
        let until = at + TimeDelta::from_std(lease).unwrap_or(TimeDelta::seconds(60));
        for candidate in candidates {
            // Compare-and-set: only one worker's update matches.
            let claimed = self
                .store
                .execute(
                    "UPDATE jobs SET locked_by = ?, locked_until = ?, attempts = attempts + 1 \
                     WHERE id = ? AND done_at IS NULL \
                     AND (locked_until IS NULL OR locked_until < ?)",
                    vec![
                        self.worker_id.clone().into(),
                        until.into(),
                        candidate.id.into(),
                        at.into(),
                    ],
                )
                .await?;
            if claimed == 1 {
                return Ok(job::Entity::find_by_id(candidate.id)
                    .one(self.store.conn())
                    .await?);
            }
        }
        Ok(None)
    }

    /// Extends the lease of a job this worker holds; `false` if lost.
    pub async fn heartbeat(&self, id: Uuid, lease: Duration) -> Result<bool, StoreError> {
        let until = self.store.now() + TimeDelta::from_std(lease).unwrap_or(TimeDelta::seconds(60));
        let n = self
            .store
            .execute(
                "UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ? AND done_at IS NULL",
                vec![until.into(), id.into(), self.worker_id.clone().into()],
            )
            .await?;
        Ok(n == 1)
    }

    pub async fn complete(&self, id: Uuid) -> Result<(), StoreError> {
        self.store
            .execute(
                "UPDATE jobs SET done_at = ?, locked_by = NULL, locked_until = NULL, last_error = NULL \
                 WHERE id = ? AND locked_by = ?",
                vec![self.store.now().into(), id.into(), self.worker_id.clone().into()],
            )
            .await?;
        Ok(())
    }

    /// Records a failure: retried after a backoff, or ended for good.
    pub async fn fail(&self, job: &Job, error: &JobError) -> Result<(), StoreError> {
        let give_up = matches!(error, JobError::Permanent(_)) || job.attempts >= job.max_attempts;
        let message: String = error.to_string().chars().take(2000).collect();
        let (done, run_at): (Option<DateTime<Utc>>, DateTime<Utc>) = if give_up {
            (Some(self.store.now()), job.run_at)
        } else {
            (None, self.store.now() + backoff(job.attempts))
        };
        self.store
            .execute(
                "UPDATE jobs SET done_at = ?, run_at = ?, locked_by = NULL, locked_until = NULL, \
                 last_error = ? WHERE id = ? AND locked_by = ?",
                vec![
                    Value::from(done),
                    run_at.into(),
                    message.into(),
                    job.id.into(),
                    self.worker_id.clone().into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// Gives jobs this worker holds back to the queue (at shutdown): free
    /// for any node at once, the interrupted attempt not counted.
    pub async fn give_back(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        let mut n = 0;
        for id in ids {
            n += self
                .store
                .execute(
                    "UPDATE jobs SET locked_by = NULL, locked_until = NULL, \
                     attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END \
                     WHERE id = ? AND locked_by = ? AND done_at IS NULL",
                    vec![(*id).into(), self.worker_id.clone().into()],
                )
                .await?;
        }
        Ok(n)
    }

    /// Jobs due and waiting for a worker, and jobs running (leased), in the
    /// whole cluster: the queue's depth, for metrics.
    pub async fn depth(&self) -> Result<(u64, u64), StoreError> {
        use critboard_store::sea_orm::PaginatorTrait;
        let at = self.store.now();
        let due = job::Entity::find()
            .filter(job::Column::DoneAt.is_null())
            .filter(job::Column::RunAt.lte(at));
        let running = due
            .clone()
            .filter(job::Column::LockedUntil.gte(at))
            .count(self.store.conn())
            .await?;
        let all = due.count(self.store.conn()).await?;
        Ok((all.saturating_sub(running), running))
    }

    /// Wakes idle workers of this node (after an enqueue elsewhere in it).
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }
}

/// Settings of one node's worker pool.
#[derive(Clone)]
pub struct WorkerOptions {
    /// Jobs run at the same time on this node.
    pub concurrency: usize,
    /// How long a claim lasts without a heartbeat.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs enqueued by other nodes.
    pub poll: Duration,
    /// At shutdown, how long running jobs may take to finish before they
    /// are stopped and given back.
    pub grace: Duration,
    /// Told of every failure (panics included), e.g. to group errors.
    pub on_failure: Option<OnFailure>,
}

/// Told of failed runs (see [`WorkerOptions::on_failure`]).
pub type OnFailure = Arc<dyn Fn(&Failure) + Send + Sync>;

/// A job run that did not succeed, as told to [`WorkerOptions::on_failure`].
pub struct Failure<'a> {
    pub job: &'a Job,
    pub error: &'a JobError,
    /// The handler panicked (the run is then retried like any failure).
    pub panicked: bool,
    /// No attempt is left: the job has ended unsuccessfully.
    pub gave_up: bool,
}

impl std::fmt::Debug for WorkerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerOptions")
            .field("concurrency", &self.concurrency)
            .field("lease", &self.lease)
            .field("poll", &self.poll)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            concurrency: 1,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            grace: Duration::from_secs(20),
            on_failure: None,
        }
    }
}

/// Runs jobs with the registered handlers until `stop` is cancelled; then
/// claims nothing more, lets running jobs finish for `options.grace`, and
/// gives back those still running.
pub async fn run_workers(
    queue: Queue,
    handlers: Vec<Arc<dyn Handler>>,
    options: WorkerOptions,
    stop: CancellationToken,
) {
    let by_kind: HashMap<&'static str, Arc<dyn Handler>> =
        handlers.into_iter().map(|h| (h.kind(), h)).collect();
    let kinds: Vec<&'static str> = by_kind.keys().copied().collect();
    let slots = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut running: JoinSet<()> = JoinSet::new();
    let held: Arc<Mutex<HashSet<Uuid>>> = Arc::default();
    loop {
        // Finished runs are reaped as we go, so the set stays small.
        while running.try_join_next().is_some() {}
        let permit = tokio::select! {
            _ = stop.cancelled() => break,
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let wake = queue.wake.notified();
        match queue.claim(&kinds, options.lease).await {
            Ok(Some(job)) => {
                let Some(handler) = by_kind.get(job.kind.as_str()).cloned() else {
                    continue;
                };
                let queue = queue.clone();
                let options = options.clone();
                let held = held.clone();
                lock(&held).insert(job.id);
                running.spawn(async move {
                    run_one(&queue, handler.as_ref(), &job, &options).await;
                    lock(&held).remove(&job.id);
                    drop(permit);
                });
            }
            Ok(None) => {
                drop(permit);
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = wake => {}
                    _ = tokio::time::sleep(options.poll) => {}
                }
            }
            Err(e) => {
                drop(permit);
                tracing::warn!(error = %e, "job queue unavailable");
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = tokio::time::sleep(options.poll) => {}
                }
            }
        }
    }
    let finish = async { while running.join_next().await.is_some() {} };
    if tokio::time::timeout(options.grace, finish).await.is_err() {
        running.shutdown().await;
        let ids: Vec<Uuid> = lock(&held).drain().collect();
        match queue.give_back(&ids).await {
            Ok(n) => tracing::info!(jobs = n, "gave running jobs back to the queue"),
            Err(e) => {
                tracing::warn!(error = %e, "could not give jobs back; their leases will run out")
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn run_one(queue: &Queue, handler: &dyn Handler, job: &Job, options: &WorkerOptions) {
    let started = std::time::Instant::now();
    let lease = options.lease;
    let heartbeat = async {
        loop {
            tokio::time::sleep(lease / 3).await;
            match queue.heartbeat(job.id, lease).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(job = %job.id, "lost the lease on a job");
                    return;
                }
                Err(e) => tracing::warn!(error = %e, "heartbeat failed"),
            }
        }
    };
    // A panicking handler fails its run like any error, and is told apart.
    // Lines logged while it runs carry the job's id and kind.
    let span = tracing::info_span!("job", job_id = %job.id, kind = %job.kind);
    let run = std::panic::AssertUnwindSafe(handler.run(job).instrument(span)).catch_unwind();
    let (outcome, panicked) = tokio::select! {
        r = run => match r {
            Ok(r) => (r, false),
            Err(payload) => (Err(JobError::Retry(format!("panicked: {}", panic_message(&*payload)))), true),
        },
        _ = heartbeat => (Err(JobError::Retry("lease lost".into())), false),
    };
    let result = match &outcome {
        Ok(()) => queue.complete(job.id).await,
        Err(e) => {
            let gave_up = matches!(e, JobError::Permanent(_)) || job.attempts >= job.max_attempts;
            tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, gave_up, error = %e, "job failed");
            if let Some(tell) = &options.on_failure {
                tell(&Failure {
                    job,
                    error: e,
                    panicked,
                    gave_up,
                });
            }
            queue.fail(job, e).await
        }
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not record a job's outcome");
    }
    metrics::histogram!("critboard_job_seconds", "kind" => job.kind.clone())
        .record(started.elapsed().as_secs_f64());
    if outcome.is_err() {
        metrics::counter!("critboard_job_failures_total", "kind" => job.kind.clone()).increment(1);
    }
    // Routine periodic runs would fill an idle server's log.
    tracing::debug!(job = %job.id, kind = %job.kind, ok = outcome.is_ok(), ms = started.elapsed().as_millis() as u64, "job");
}

/// The text of a panic, as `panic!` was given it.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Enqueues `kind` once per `period` across all nodes: every node calls
/// this on a timer; the unique key admits one job per period.
pub async fn schedule_periodic(
    queue: &Queue,
    kind: &'static str,
    period: Duration,
) -> Result<bool, StoreError> {
    let secs = period.as_secs().max(1) as i64;
    let bucket = queue.store.now().timestamp() / secs;
    queue
        .enqueue(
            NewJob::now(kind, serde_json::json!({ "period": bucket }))
                .unique(format!("{kind}:{bucket}")),
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use critboard_store::PoolOptions;

    async fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("q.db").display());
        let store = Store::connect(&url, &PoolOptions::default(), None)
            .await
            .unwrap();
        store.migrate().await.unwrap();
        (store, dir)
    }

    #[tokio::test]
    async fn a_job_is_claimed_by_one_worker_at_a_time() {
        let (store, _dir) = store().await;
        let a = Queue::new(store.clone());
        let b = Queue::new(store.clone());
        a.enqueue(NewJob::now("k", serde_json::json!({})))
            .await
            .unwrap();
        let lease = Duration::from_secs(60);
        let got = a.claim(&["k"], lease).await.unwrap().unwrap();
        assert_eq!(got.attempts, 1);
        assert!(
            b.claim(&["k"], lease).await.unwrap().is_none(),
            "leased to a"
        );
        a.complete(got.id).await.unwrap();
        assert!(b.claim(&["k"], lease).await.unwrap().is_none(), "done");
    }

    #[tokio::test]
    async fn an_expired_lease_is_taken_over_and_the_old_holder_cannot_finish() {
        let (store, _dir) = store().await;
        let dead = Queue::new(store.clone());
        let alive = Queue::new(store.clone());
        dead.enqueue(NewJob::now("k", serde_json::json!({})))
            .await
            .unwrap();
        let first = dead
            .claim(&["k"], Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        // The holder's lease runs out: no sleeping, the clock moves on.
        store.clock().advance(Duration::from_secs(61));
        let second = alive
            .claim(&["k"], Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.id, first.id);
        assert_eq!(second.attempts, 2);
        assert!(!dead
            .heartbeat(first.id, Duration::from_secs(60))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn failures_back_off_then_give_up() {
        let (store, _dir) = store().await;
        let q = Queue::new(store.clone());
        let mut new = NewJob::now("k", serde_json::json!({}));
        new.max_attempts = 2;
        q.enqueue(new).await.unwrap();
        let j = q
            .claim(&["k"], Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        q.fail(&j, &JobError::Retry("flaky".into())).await.unwrap();
        let row = job::Entity::find_by_id(j.id)
            .one(store.conn())
            .await
            .unwrap()
            .unwrap();
        assert!(
            row.done_at.is_none() && row.run_at > store.now(),
            "retried later"
        );
        assert_eq!(row.last_error.as_deref(), Some("flaky"));
        assert!(q
            .claim(&["k"], Duration::from_secs(60))
            .await
            .unwrap()
            .is_none());
        // Once the backoff has passed it is due again: fail the last attempt.
        store.clock().advance(Duration::from_secs(3));
        let j = q
            .claim(&["k"], Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        q.fail(&j, &JobError::Retry("flaky".into())).await.unwrap();
        let row = job::Entity::find_by_id(j.id)
            .one(store.conn())
            .await
            .unwrap()
            .unwrap();
        assert!(row.done_at.is_some(), "gave up after max_attempts");
    }

    #[tokio::test]
    async fn unique_keys_make_periodic_jobs_run_once_per_period() {
        let (store, _dir) = store().await;
        let node_a = Queue::new(store.clone());
        let node_b = Queue::new(store.clone());
        let hour = Duration::from_secs(3600);
        let a = schedule_periodic(&node_a, "cleanup", hour).await.unwrap();
        let b = schedule_periodic(&node_b, "cleanup", hour).await.unwrap();
        assert!(
            a && !b,
            "the first node enqueues, the second finds it queued"
        );
        let n = job::Entity::find().all(store.conn()).await.unwrap().len();
        assert_eq!(n, 1);
    }

    struct Sleeps(&'static str, Option<Duration>);

    impl Handler for Sleeps {
        fn kind(&self) -> &'static str {
            self.0
        }
        fn run<'a>(&'a self, _job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
            Box::pin(async move {
                match self.1 {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending::<()>().await,
                }
                Ok(())
            })
        }
    }

    struct Panics;

    impl Handler for Panics {
        fn kind(&self) -> &'static str {
            "panics"
        }
        fn run<'a>(&'a self, _job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
            Box::pin(async { panic!("index out of range") })
        }
    }

    async fn row(store: &Store, kind: &str) -> Job {
        job::Entity::find()
            .filter(job::Column::Kind.eq(kind))
            .one(store.conn())
            .await
            .unwrap()
            .unwrap()
    }

    async fn until(store: &Store, what: impl Fn(&[Job]) -> bool) {
        for _ in 0..500 {
            if what(&job::Entity::find().all(store.conn()).await.unwrap()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the jobs never got there");
    }

    #[tokio::test]
    async fn shutdown_lets_short_jobs_finish_and_gives_long_ones_back() {
        let (store, _dir) = store().await;
        let q = Queue::new(store.clone());
        for kind in ["quick", "endless"] {
            q.enqueue(NewJob::now(kind, serde_json::json!({})))
                .await
                .unwrap();
        }
        let stop = CancellationToken::new();
        let options = WorkerOptions {
            concurrency: 2,
            grace: Duration::from_millis(400),
            ..Default::default()
        };
        let handlers: Vec<Arc<dyn Handler>> = vec![
            Arc::new(Sleeps("quick", Some(Duration::from_millis(100)))),
            Arc::new(Sleeps("endless", None)),
        ];
        let workers = tokio::spawn(run_workers(q.clone(), handlers, options, stop.clone()));
        until(&store, |jobs| jobs.iter().all(|j| j.locked_by.is_some())).await;
        stop.cancel();
        workers.await.unwrap();
        let quick = row(&store, "quick").await;
        assert!(quick.done_at.is_some(), "finished within the grace period");
        let endless = row(&store, "endless").await;
        assert!(endless.done_at.is_none() && endless.locked_by.is_none());
        assert_eq!(endless.attempts, 0, "the cut attempt does not count");
        assert!(
            Queue::new(store.clone())
                .claim(&["endless"], Duration::from_secs(60))
                .await
                .unwrap()
                .is_some(),
            "another node takes it at once"
        );
    }

    #[tokio::test]
    async fn a_panicking_handler_fails_its_run_and_is_reported() {
        let (store, _dir) = store().await;
        let q = Queue::new(store.clone());
        let mut new = NewJob::now("panics", serde_json::json!({}));
        new.max_attempts = 1;
        q.enqueue(new).await.unwrap();
        let told: Arc<Mutex<Vec<(String, bool, bool)>>> = Arc::default();
        let sink = told.clone();
        let options = WorkerOptions {
            on_failure: Some(Arc::new(move |f: &Failure| {
                lock(&sink).push((f.error.to_string(), f.panicked, f.gave_up));
            })),
            ..Default::default()
        };
        let stop = CancellationToken::new();
        let workers = tokio::spawn(run_workers(
            q.clone(),
            vec![Arc::new(Panics)],
            options,
            stop.clone(),
        ));
        until(&store, |jobs| jobs[0].done_at.is_some()).await;
        stop.cancel();
        workers.await.unwrap();
        assert_eq!(
            lock(&told).clone(),
            vec![("panicked: index out of range".to_owned(), true, true)]
        );
        let failed = row(&store, "panics").await;
        assert_eq!(
            failed.last_error.as_deref(),
            Some("panicked: index out of range")
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1).num_seconds(), 2);
        assert_eq!(backoff(3).num_seconds(), 8);
        assert_eq!(backoff(30).num_seconds(), 600);
    }
}
