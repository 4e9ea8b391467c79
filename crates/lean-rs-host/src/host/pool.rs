//! [`SessionPool`]: reuse of imported environments, bucketed by their import list.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::ops::{Deref, DerefMut};

use lean_rs::{LeanObject, LeanResult, LeanRuntime};

use crate::host::LeanCapabilities;
use crate::host::cancellation::{self, LeanCancellationToken};
use crate::host::progress::LeanProgressSink;
use crate::host::session::LeanSession;

/// Reuse and drain counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Environments imported (cache misses).
    pub imports: u64,
    /// Acquisitions served from the cache.
    pub reused: u64,
    /// Returned environments dropped because the pool was full.
    pub released_at_capacity: u64,
    /// `drain` calls.
    pub drains: u64,
    /// Entries removed by drains.
    pub drained: u64,
}

/// A capacity-bounded, single-thread pool of imported environments. FIFO on take, LIFO on
/// return. `!Send + !Sync`.
pub struct SessionPool<'lean> {
    runtime: &'lean LeanRuntime,
    capacity: usize,
    free: RefCell<HashMap<String, VecDeque<LeanObject<'lean>>>>,
    len: Cell<usize>,
    stats: Cell<PoolStats>,
}

impl std::fmt::Debug for SessionPool<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionPool")
            .field("capacity", &self.capacity)
            .field("len", &self.len.get())
            .field("stats", &self.stats.get())
            .finish_non_exhaustive()
    }
}

fn key(imports: &[&str]) -> String {
    imports.join("\n")
}

impl<'lean> SessionPool<'lean> {
    /// A pool keeping at most `capacity` idle environments.
    pub fn with_capacity(runtime: &'lean LeanRuntime, capacity: usize) -> Self {
        Self {
            runtime,
            capacity,
            free: RefCell::new(HashMap::new()),
            len: Cell::new(0),
            stats: Cell::new(PoolStats::default()),
        }
    }

    fn update(&self, f: impl FnOnce(&mut PoolStats)) {
        let mut s = self.stats.get();
        f(&mut s);
        self.stats.set(s);
    }

    /// A session over `imports`: a cached environment when one is idle, else a fresh import.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; import errors.
    pub fn acquire<'p, 'c>(
        &'p self,
        caps: &'c LeanCapabilities<'lean, 'c>,
        imports: &[&str],
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<PooledSession<'lean, 'p, 'c>> {
        cancellation::check(cancellation, "SessionPool::acquire")?;
        let k = key(imports);
        let cached = self
            .free
            .borrow_mut()
            .get_mut(&k)
            .and_then(VecDeque::pop_front);
        let session = if let Some(env) = cached {
            self.len.set(self.len.get().saturating_sub(1));
            self.update(|s| s.reused += 1);
            tracing::debug!(target: "lean_rs_host", imports = imports.len(), "pool reuse");
            LeanSession::from_environment(caps, env, imports)
        } else {
            let session = caps.session(imports, cancellation, progress)?;
            self.update(|s| s.imports += 1);
            session
        };
        Ok(PooledSession {
            pool: self,
            key: k,
            session: Some(session),
        })
    }

    fn give_back(&self, key: String, env: LeanObject<'lean>) {
        if self.len.get() >= self.capacity {
            self.update(|s| s.released_at_capacity += 1);
            return;
        }
        self.free
            .borrow_mut()
            .entry(key)
            .or_default()
            .push_back(env);
        self.len.set(self.len.get() + 1);
    }

    /// Drops every idle environment; returns how many. Checked-out sessions stay valid.
    pub fn drain(&self) -> usize {
        let removed = self.len.replace(0);
        self.free.borrow_mut().clear();
        self.update(|s| {
            s.drains += 1;
            s.drained += removed as u64;
        });
        removed
    }

    /// The counters.
    pub fn stats(&self) -> PoolStats {
        self.stats.get()
    }

    /// Idle environments.
    pub fn len(&self) -> usize {
        self.len.get()
    }

    /// Whether no environment is idle.
    pub fn is_empty(&self) -> bool {
        self.len.get() == 0
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The runtime.
    pub fn runtime(&self) -> &'lean LeanRuntime {
        self.runtime
    }
}

/// A session on loan from a pool; dropping it returns the environment.
pub struct PooledSession<'lean, 'p, 'c> {
    pool: &'p SessionPool<'lean>,
    key: String,
    session: Option<LeanSession<'lean, 'c>>,
}

impl std::fmt::Debug for PooledSession<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PooledSession")
            .field("session", &self.session)
            .finish()
    }
}

impl<'lean, 'c> Deref for PooledSession<'lean, '_, 'c> {
    type Target = LeanSession<'lean, 'c>;
    fn deref(&self) -> &Self::Target {
        // The option is `Some` from construction until `drop` takes it.
        self.session
            .as_ref()
            .unwrap_or_else(|| unreachable!("a pooled session is present until drop"))
    }
}

impl DerefMut for PooledSession<'_, '_, '_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        // As in `deref`: only `drop` empties the option.
        self.session
            .as_mut()
            .unwrap_or_else(|| unreachable!("a pooled session is present until drop"))
    }
}

impl Drop for PooledSession<'_, '_, '_> {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            self.pool
                .give_back(std::mem::take(&mut self.key), session.into_environment());
        }
    }
}
