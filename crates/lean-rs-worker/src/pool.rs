//! A bounded pool of workers (local children or scheduler-placed ones), leased by session key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{LeanWorkerError, LeanWorkerRestartReason, LeanWorkerResult};
use crate::launcher::LeanWorkerPlacement;
use crate::session::{LeanWorkerSession, LeanWorkerSessionConfig};
use crate::worker::{LeanWorker, LeanWorkerCapability, LeanWorkerConfig, LeanWorkerStats};

/// What makes a warm worker reusable for a piece of work: the capabilities it has open, in
/// order, and the facts the design keys session reuse by (Lake project root, import set,
/// capability metadata expectation, toolchain and protocol fingerprint, restart-policy class).
/// Two keys are compatible only when every fact is equal; the pool opens the manifests and
/// treats the other facts as opaque. [`LeanWorkerImportPlanner`](crate::LeanWorkerImportPlanner)
/// fills them in for each planned batch.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LeanWorkerSessionKey {
    manifests: Vec<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lake_root: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    imports: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    restart_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host_session: Option<LeanWorkerSessionConfig>,
}

impl LeanWorkerSessionKey {
    /// A key for workers with exactly these capability manifests open, in this order.
    pub fn new(manifests: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        Self {
            manifests: manifests.into_iter().map(Into::into).collect(),
            lake_root: None,
            imports: Vec::new(),
            metadata: None,
            fingerprint: None,
            restart_class: None,
            host_session: None,
        }
    }

    /// A host session the pool opens in each worker it starts for this key (after the
    /// capabilities), so a warm worker's imported environment serves every lease of the key;
    /// [`LeanWorkerLease::session`] hands it out.
    #[must_use]
    pub fn with_host_session(mut self, config: LeanWorkerSessionConfig) -> Self {
        self.host_session = Some(config);
        self
    }

    /// The host session of the key, when it has one.
    pub fn host_session(&self) -> Option<&LeanWorkerSessionConfig> {
        self.host_session.as_ref()
    }

    /// The Lake project the session's work comes from.
    #[must_use]
    pub fn with_lake_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.lake_root = Some(root.into());
        self
    }

    /// The modules the session imports (kept sorted and without duplicates, so the order
    /// of a header does not split sessions).
    #[must_use]
    pub fn with_imports(mut self, imports: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let mut imports: Vec<String> = imports.into_iter().map(Into::into).collect();
        imports.sort();
        imports.dedup();
        self.imports = imports;
        self
    }

    /// The capability metadata the session expects, as opaque text (e.g. canonical JSON).
    #[must_use]
    pub fn with_metadata_expectation(mut self, metadata: impl Into<String>) -> Self {
        self.metadata = Some(metadata.into());
        self
    }

    /// The Lean toolchain and worker protocol the session was planned for.
    #[must_use]
    pub fn with_fingerprint(mut self, fingerprint: impl Into<String>) -> Self {
        self.fingerprint = Some(fingerprint.into());
        self
    }

    /// The restart-policy class of the session's workers.
    #[must_use]
    pub fn with_restart_class(mut self, class: impl Into<String>) -> Self {
        self.restart_class = Some(class.into());
        self
    }

    /// The capability manifests, in opening order.
    pub fn manifests(&self) -> &[PathBuf] {
        &self.manifests
    }

    /// The Lake project root, when recorded.
    pub fn lake_root(&self) -> Option<&Path> {
        self.lake_root.as_deref()
    }

    /// The import set (sorted).
    pub fn imports(&self) -> &[String] {
        &self.imports
    }

    /// The metadata expectation, when recorded.
    pub fn metadata_expectation(&self) -> Option<&str> {
        self.metadata.as_deref()
    }

    /// The toolchain and protocol fingerprint, when recorded.
    pub fn fingerprint(&self) -> Option<&str> {
        self.fingerprint.as_deref()
    }

    /// The restart-policy class, when recorded.
    pub fn restart_class(&self) -> Option<&str> {
        self.restart_class.as_deref()
    }
}

/// Pool limits and policies.
#[derive(Clone, Debug)]
pub struct LeanWorkerPoolConfig {
    worker: LeanWorkerConfig,
    max_workers: usize,
    queue_wait_timeout: Duration,
    idle_cycle_after: Option<Duration>,
    per_worker_rss_ceiling_kib: Option<u64>,
    max_total_child_rss_kib: Option<u64>,
}

impl LeanWorkerPoolConfig {
    /// Up to `max_workers` (at least 1) children started with `worker`; 30 s admission wait.
    pub fn new(worker: LeanWorkerConfig, max_workers: usize) -> Self {
        Self {
            worker,
            max_workers: max_workers.max(1),
            queue_wait_timeout: Duration::from_secs(30),
            idle_cycle_after: None,
            per_worker_rss_ceiling_kib: None,
            max_total_child_rss_kib: None,
        }
    }

    /// How long [`LeanWorkerPool::lease`] waits for a free slot.
    #[must_use]
    pub fn queue_wait_timeout(mut self, timeout: Duration) -> Self {
        self.queue_wait_timeout = timeout;
        self
    }

    /// Replace a warm worker that sat idle this long before leasing it again.
    #[must_use]
    pub fn idle_cycle_after(mut self, idle: Duration) -> Self {
        self.idle_cycle_after = Some(idle);
        self
    }

    /// Replace a warm worker whose sampled RSS reached this before leasing it again.
    #[must_use]
    pub fn per_worker_rss_ceiling_kib(mut self, kib: u64) -> Self {
        self.per_worker_rss_ceiling_kib = Some(kib);
        self
    }

    /// Refuse to start another worker while the known total child RSS is at least this.
    #[must_use]
    pub fn max_total_child_rss_kib(mut self, kib: u64) -> Self {
        self.max_total_child_rss_kib = Some(kib);
        self
    }
}

struct Warm {
    worker: LeanWorker,
    key: LeanWorkerSessionKey,
    capabilities: Vec<LeanWorkerCapability>,
    idle_since: Instant,
    /// The key's host session in the current child: (session id, child generation).
    session: Option<(u64, u64)>,
}

#[derive(Default)]
struct State {
    idle: Vec<Warm>,
    /// Workers alive in total (idle + leased).
    workers: usize,
    leased: usize,
    waiting: usize,
    /// Last RSS sample of each leased worker, by lease number.
    leased_rss: BTreeMap<u64, u64>,
    /// Placement of each leased worker that has one, by lease number.
    leased_placement: BTreeMap<u64, LeanWorkerPlacement>,
    next_lease: u64,
    started: u64,
    policy_restarts: u64,
    failures: u64,
    sessions_opened: u64,
    /// Counters of workers the pool no longer holds.
    retired_stats: LeanWorkerStats,
}

struct Shared {
    config: LeanWorkerPoolConfig,
    state: Mutex<State>,
    freed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A bounded set of workers, wherever their launcher starts them. Work leases a worker for a [`LeanWorkerSessionKey`]: a warm
/// one with the same capabilities when there is one, else a new child (within
/// `max_workers` and the RSS budget), waiting up to `queue_wait_timeout` for a slot. Which
/// child serves a lease, and its process identity, stay hidden.
#[derive(Clone)]
pub struct LeanWorkerPool {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for LeanWorkerPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanWorkerPool")
            .field("snapshot", &self.snapshot())
            .finish()
    }
}

/// Counters of a pool at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanWorkerPoolSnapshot {
    /// Live workers (idle + leased).
    pub workers: usize,
    /// Warm idle workers.
    pub idle: usize,
    /// Leased workers.
    pub leased: usize,
    /// Callers waiting for a slot.
    pub waiting: usize,
    /// Children started by the pool.
    pub started: u64,
    /// Warm workers replaced by pool policy (idle time, RSS ceiling).
    pub policy_restarts: u64,
    /// Leases returned with a dead child (it was dropped, not reused).
    pub failures: u64,
    /// Host sessions the pool opened (at a child's start, or for a lease whose child was
    /// replaced): imports, where reuse is the point.
    pub sessions_opened: u64,
    /// The workers' counters (streams and their outcomes, rows, payload bytes, stream time,
    /// backpressure waits, restarts by reason), summed over idle workers and the ones the pool
    /// dropped; a leased worker's count joins when its lease returns.
    pub stats: LeanWorkerStats,
    /// Known total RSS of the children in KiB (idle workers sampled now, leased ones when
    /// leased); `None` when no sample was available.
    pub known_child_rss_kib: Option<u64>,
    /// Where the live workers run, for those whose launcher placed them through a scheduler
    /// (idle ones now, leased ones when leased; diagnostics, never an identity).
    pub placements: Vec<LeanWorkerPlacement>,
}

impl LeanWorkerPool {
    /// An empty pool; children start on demand.
    pub fn new(config: LeanWorkerPoolConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                state: Mutex::new(State::default()),
                freed: Condvar::new(),
            }),
        }
    }

    fn known_rss(state: &State) -> Option<u64> {
        let samples: Vec<u64> = state
            .idle
            .iter()
            .filter_map(|warm| warm.worker.child_rss_kib())
            .chain(state.leased_rss.values().copied())
            .collect();
        (!samples.is_empty()).then(|| samples.iter().sum())
    }

    /// Leases a worker with `key`'s capabilities open.
    pub fn lease(&self, key: &LeanWorkerSessionKey) -> LeanWorkerResult<LeanWorkerLease> {
        let config = &self.shared.config;
        let deadline = Instant::now() + config.queue_wait_timeout;
        let mut state = self.shared.lock();
        loop {
            if let Some(at) = state.idle.iter().position(|warm| warm.key == *key) {
                let mut warm = state.idle.swap_remove(at);
                state.leased += 1;
                let lease = state.next_lease;
                state.next_lease += 1;
                drop(state);
                if let Err(err) = self.apply_policy(&mut warm) {
                    self.shared.lock().retired_stats.add(&warm.worker.stats());
                    self.forget(lease, true);
                    return Err(err);
                }
                return Ok(self.wrap(lease, warm));
            }
            let budget_full = config
                .max_total_child_rss_kib
                .is_some_and(|budget| Self::known_rss(&state).is_some_and(|known| known >= budget));
            if state.workers < config.max_workers && !budget_full {
                state.workers += 1;
                state.leased += 1;
                state.started += 1;
                let lease = state.next_lease;
                state.next_lease += 1;
                drop(state);
                return match self.start(key) {
                    Ok(warm) => Ok(self.wrap(lease, warm)),
                    Err(err) => {
                        self.forget(lease, true);
                        Err(err)
                    }
                };
            }
            if !state.idle.is_empty() {
                // Every warm worker has another key: retire one to make room (a slot, or
                // memory) for this key.
                let retired = state.idle.remove(0);
                state.workers -= 1;
                state.retired_stats.add(&retired.worker.stats());
                drop(state);
                drop(retired);
                state = self.shared.lock();
                continue;
            }
            if budget_full && state.leased == 0 {
                return Err(LeanWorkerError::Admission(
                    "the child RSS budget is exhausted".into(),
                ));
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(LeanWorkerError::Admission(format!(
                    "no worker free within {:?} ({} of {} leased)",
                    config.queue_wait_timeout, state.leased, config.max_workers
                )));
            }
            state.waiting += 1;
            let (guard, _) = self
                .shared
                .freed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner);
            state = guard;
            state.waiting -= 1;
        }
    }

    fn start(&self, key: &LeanWorkerSessionKey) -> LeanWorkerResult<Warm> {
        let mut worker = LeanWorker::spawn(self.shared.config.worker.clone())?;
        let capabilities = key
            .manifests
            .iter()
            .map(|manifest| worker.open_capability(manifest))
            .collect::<LeanWorkerResult<Vec<_>>>()?;
        let session = match &key.host_session {
            Some(config) => {
                let handle = worker.open_session(config)?.handle();
                self.shared.lock().sessions_opened += 1;
                Some(handle)
            }
            None => None,
        };
        Ok(Warm {
            worker,
            key: key.clone(),
            capabilities,
            idle_since: Instant::now(),
            session,
        })
    }

    fn apply_policy(&self, warm: &mut Warm) -> LeanWorkerResult<()> {
        let config = &self.shared.config;
        let reason = if config
            .idle_cycle_after
            .is_some_and(|idle| warm.idle_since.elapsed() >= idle)
        {
            Some("idle".to_owned())
        } else {
            config.per_worker_rss_ceiling_kib.and_then(|ceiling| {
                warm.worker
                    .child_rss_kib()
                    .filter(|rss| *rss >= ceiling)
                    .map(|rss| format!("RSS {rss} KiB reached the {ceiling} KiB ceiling"))
            })
        };
        if let Some(reason) = reason {
            tracing::info!(target: "lean_rs_worker", %reason, "pool replaces a warm worker");
            self.shared.lock().policy_restarts += 1;
            warm.worker
                .replace(LeanWorkerRestartReason::Policy(reason))?;
        }
        Ok(())
    }

    fn wrap(&self, lease: u64, warm: Warm) -> LeanWorkerLease {
        let rss = warm.worker.child_rss_kib();
        let placement = warm.worker.placement();
        if rss.is_some() || placement.is_some() {
            let mut state = self.shared.lock();
            if let Some(rss) = rss {
                state.leased_rss.insert(lease, rss);
            }
            if let Some(placement) = placement {
                state.leased_placement.insert(lease, placement);
            }
        }
        LeanWorkerLease {
            pool: self.clone(),
            lease,
            warm: Some(warm),
        }
    }

    /// A lease ended without a reusable worker.
    fn forget(&self, lease: u64, failed: bool) {
        let mut state = self.shared.lock();
        state.leased -= 1;
        state.workers -= 1;
        state.leased_rss.remove(&lease);
        state.leased_placement.remove(&lease);
        if failed {
            state.failures += 1;
        }
        drop(state);
        self.shared.freed.notify_one();
    }

    fn give_back(&self, lease: u64, mut warm: Warm) {
        if !warm.worker.is_alive() {
            // The child died or timed out during the lease: drop it rather than keep a worker
            // whose replacement would restart on the next request anyway.
            self.shared.lock().retired_stats.add(&warm.worker.stats());
            self.forget(lease, true);
            return;
        }
        warm.idle_since = Instant::now();
        let mut state = self.shared.lock();
        state.leased -= 1;
        state.leased_rss.remove(&lease);
        state.leased_placement.remove(&lease);
        state.idle.push(warm);
        drop(state);
        self.shared.freed.notify_one();
    }

    /// Counters now.
    pub fn snapshot(&self) -> LeanWorkerPoolSnapshot {
        let state = self.shared.lock();
        LeanWorkerPoolSnapshot {
            workers: state.workers,
            idle: state.idle.len(),
            leased: state.leased,
            waiting: state.waiting,
            started: state.started,
            policy_restarts: state.policy_restarts,
            failures: state.failures,
            sessions_opened: state.sessions_opened,
            stats: state
                .idle
                .iter()
                .fold(state.retired_stats, |mut sum, warm| {
                    sum.add(&warm.worker.stats());
                    sum
                }),
            known_child_rss_kib: Self::known_rss(&state),
            placements: state
                .idle
                .iter()
                .filter_map(|warm| warm.worker.placement())
                .chain(state.leased_placement.values().cloned())
                .collect(),
        }
    }
}

/// Exclusive use of one pooled worker; returned to the pool when dropped.
pub struct LeanWorkerLease {
    pool: LeanWorkerPool,
    lease: u64,
    warm: Option<Warm>,
}

impl std::fmt::Debug for LeanWorkerLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanWorkerLease")
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl LeanWorkerLease {
    /// The leased worker, for typed calls, commands and streams.
    ///
    /// # Panics
    /// Never: the lease holds its worker until it is dropped.
    #[allow(clippy::expect_used)]
    pub fn worker(&mut self) -> &mut LeanWorker {
        // `warm` is `Some` from construction (`LeanWorkerPool::wrap`) until `Drop` takes it,
        // and no method can run after `Drop`: this cannot fire.
        &mut self
            .warm
            .as_mut()
            .expect("a lease holds its worker until dropped")
            .worker
    }

    /// The host session of the lease's key, open in the leased child: the one the pool opened
    /// when it started the child, or, when that child was replaced since (a crash, a timeout,
    /// a policy cycle), a new one opened now. A key without
    /// [`with_host_session`](LeanWorkerSessionKey::with_host_session) is
    /// [`LeanWorkerError::InvalidRequest`].
    ///
    /// # Panics
    /// Never: the lease holds its worker until it is dropped.
    #[allow(clippy::expect_used)]
    pub fn session(&mut self) -> LeanWorkerResult<LeanWorkerSession<'_>> {
        // `warm` is `Some` from construction until `Drop` (see `worker`): this cannot fire.
        let warm = self
            .warm
            .as_mut()
            .expect("a lease holds its worker until dropped");
        let Some(config) = warm.key.host_session.clone() else {
            return Err(LeanWorkerError::InvalidRequest(
                "this lease's session key has no host session".into(),
            ));
        };
        // Still open: the same child, and no other session opened in it since.
        let current = warm.session.filter(|handle| {
            warm.worker.is_alive()
                && handle.1 == warm.worker.generation()
                && warm.worker.open_session == Some(*handle)
        });
        let (id, generation) = if let Some(handle) = current {
            handle
        } else {
            let handle = warm.worker.open_session(&config)?.handle();
            self.pool.shared.lock().sessions_opened += 1;
            warm.session = Some(handle);
            handle
        };
        Ok(LeanWorkerSession::resume(&mut warm.worker, id, generation))
    }

    /// The capabilities of the session key, in key order.
    pub fn capabilities(&self) -> &[LeanWorkerCapability] {
        self.warm
            .as_ref()
            .map_or(&[], |warm| warm.capabilities.as_slice())
    }
}

impl Drop for LeanWorkerLease {
    fn drop(&mut self) {
        if let Some(warm) = self.warm.take() {
            self.pool.give_back(self.lease, warm);
        }
    }
}
