//! `LeanExecutor`: a bounded pool of OS threads that `lean-rs` owns, set up for Lean.
//!
//! Lean keeps per-thread state and recurses deeply (the elaborator, parsers, `Json.parse`
//! of nested input). A thread a host happens to own — a C++ pool thread, an async runtime's
//! worker, a Mojo task — typically has an 8 MiB stack and no alternate signal stack, so a
//! deep recursion there is a silent `SIGSEGV`. Executor workers instead have:
//!
//! - a large stack (default [`DEFAULT_STACK_SIZE`]; reserved address space that the kernel
//!   commits lazily, page by page, as it is used);
//! - their own alternate signal stack, so stack-overflow handlers (Rust's, Lean's, or the
//!   chaining one of [`crate::signals`]) can run and report;
//! - a lifetime attachment to the Lean runtime ([`LeanThreadGuard`] held for the thread's
//!   whole life).
//!
//! Jobs are `Send` closures that receive the runtime token and return `Send` Rust data;
//! Lean values never leave the worker except as a [`LeanShared`] (marked multi-threaded).
//! Submission works from any thread; the queue is bounded ([`LeanExecutor::submit`] blocks
//! while it is full, [`LeanExecutor::try_submit`] reports [`LeanExecutorError::Full`]); a
//! panicking job becomes [`LeanExecutorError::Panicked`] and the worker carries on. A
//! [`LeanTask`] is a `Send` completion handle and a [`std::future::Future`].
//! Dropping the executor (or [`LeanExecutor::shutdown`]) stops accepting jobs, runs the
//! queued ones, and joins every worker.

mod shared;
mod stack;
mod task;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use crate::runtime::{LeanRuntime, LeanThreadGuard};
use crate::signals::state::{self as signal_state, ThreadRole};

pub use shared::LeanShared;
pub use task::LeanTask;

/// Default worker stack: 1 GiB of reserved address space (Lean's own task threads use the
/// same), committed lazily; only the pages a job touches cost memory.
pub const DEFAULT_STACK_SIZE: usize = 1 << 30;
/// Default alternate signal stack per worker: 64 KiB (Lean's runtime uses 8 KiB).
pub const DEFAULT_ALT_STACK_SIZE: usize = 64 << 10;
/// Default queue capacity (jobs waiting, not counting running ones).
pub const DEFAULT_QUEUE_CAPACITY: usize = 256;
/// Upper bound on workers an executor may start.
pub const MAX_WORKERS: usize = 256;
/// Bound on a contained panic's message.
const PANIC_MESSAGE_LIMIT: usize = 1024;

/// Why a job could not be submitted or did not produce a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LeanExecutorError {
    /// The executor is shutting down or shut down; the job was not queued.
    #[error("the Lean executor is closed")]
    Closed,
    /// The queue is at capacity (only from [`LeanExecutor::try_submit`]).
    #[error("the Lean executor's queue is full ({capacity} jobs waiting)")]
    Full {
        /// The configured queue capacity.
        capacity: usize,
    },
    /// The job panicked; the panic was contained and the worker lives on.
    #[error("a Lean executor job panicked: {message}")]
    Panicked {
        /// The panic payload's message, bounded.
        message: String,
    },
    /// The job was dropped without running (its worker exited).
    #[error("the Lean executor dropped the job before it produced a result")]
    Lost,
    /// The executor could not be started.
    #[error("the Lean executor could not start: {message}")]
    Startup {
        /// What failed, bounded.
        message: String,
    },
}

/// How to build a [`LeanExecutor`].
#[derive(Clone, Debug)]
pub struct LeanExecutorConfig {
    workers: usize,
    stack_size: usize,
    alt_stack_size: usize,
    queue_capacity: usize,
    name: String,
}

impl Default for LeanExecutorConfig {
    fn default() -> Self {
        Self {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get().min(8)),
            stack_size: DEFAULT_STACK_SIZE,
            alt_stack_size: DEFAULT_ALT_STACK_SIZE,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            name: "lean-exec".to_owned(),
        }
    }
}

impl LeanExecutorConfig {
    /// Number of worker threads (clamped to `1..=MAX_WORKERS`).
    #[must_use]
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = n.clamp(1, MAX_WORKERS);
        self
    }

    /// Stack size of every worker, in bytes (at least 1 MiB).
    #[must_use]
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = bytes.max(1 << 20);
        self
    }

    /// Alternate signal stack of every worker, in bytes (at least `SIGSTKSZ`).
    #[must_use]
    pub fn alt_stack_size(mut self, bytes: usize) -> Self {
        self.alt_stack_size = bytes;
        self
    }

    /// How many jobs may wait in the queue (at least 1).
    #[must_use]
    pub fn queue_capacity(mut self, n: usize) -> Self {
        self.queue_capacity = n.max(1);
        self
    }

    /// Thread-name prefix (workers are `<name>-<index>`; cut to 12 bytes for the OS).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The configured worker count.
    pub fn worker_count(&self) -> usize {
        self.workers
    }

    /// The configured worker stack size.
    pub fn worker_stack_size(&self) -> usize {
        self.stack_size
    }
}

type Job = Box<dyn FnOnce(&'static LeanRuntime) + Send + 'static>;

struct Queued {
    label: Option<Box<str>>,
    job: Job,
}

struct State {
    jobs: VecDeque<Queued>,
    closed: bool,
}

pub(crate) struct Shared {
    id: u64,
    state: Mutex<State>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs never run under this lock, so poisoning can only come from a panic in the
        // queue bookkeeping itself; the queue is still consistent then.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a job even when the queue is full (used for releasing [`LeanShared`] values,
    /// which must not block or fail in `Drop`). Returns the job back when closed.
    pub(crate) fn push_unbounded(&self, job: Job) -> Result<(), Job> {
        let mut state = self.lock();
        if state.closed {
            return Err(job);
        }
        state.jobs.push_back(Queued { label: None, job });
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }
}

static NEXT_EXECUTOR_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The id of the executor whose worker this thread is (0: none).
    static WORKER_OF: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The id of the executor owning the calling thread, if it is a worker.
pub(crate) fn current_worker_executor() -> Option<u64> {
    Some(WORKER_OF.with(std::cell::Cell::get)).filter(|id| *id != 0)
}

/// A bounded pool of Lean-ready OS threads. See the [module docs](self).
///
/// `Send + Sync`: share it (`&LeanExecutor` or `Arc<LeanExecutor>`) and submit from any
/// thread.
pub struct LeanExecutor {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    config: LeanExecutorConfig,
}

impl LeanExecutor {
    /// Starts an executor with the default configuration.
    pub fn new() -> Result<Self, LeanExecutorError> {
        Self::with_config(LeanExecutorConfig::default())
    }

    /// Starts `config.workers` workers; each initializes (or joins) the Lean runtime,
    /// attaches itself, installs its alternate signal stack, and reports back before this
    /// returns, so a failure on any of them is an error here.
    pub fn with_config(config: LeanExecutorConfig) -> Result<Self, LeanExecutorError> {
        let shared = Arc::new(Shared {
            id: NEXT_EXECUTOR_ID.fetch_add(1, Ordering::Relaxed),
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                closed: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity: config.queue_capacity,
        });
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let mut workers = Vec::with_capacity(config.workers);
        let mut failure = None;
        let prefix: String = config.name.chars().take(8).collect();
        for index in 0..config.workers {
            let shared_for_worker = Arc::clone(&shared);
            let ready = ready_tx.clone();
            let alt = config.alt_stack_size;
            let spawned = std::thread::Builder::new()
                .name(format!("{prefix}-{index}"))
                .stack_size(config.stack_size)
                .spawn(move || worker_main(&shared_for_worker, alt, &ready));
            match spawned {
                Ok(handle) => workers.push(handle),
                Err(err) => {
                    failure = Some(format!("spawning worker {index}: {err}"));
                    break;
                }
            }
        }
        drop(ready_tx);
        for _ in 0..workers.len() {
            match ready_rx.recv() {
                Ok(Ok(())) => {}
                Ok(Err(message)) => {
                    failure.get_or_insert(message);
                }
                Err(_) => {
                    failure.get_or_insert_with(|| "a worker exited during start-up".to_owned());
                }
            }
        }
        let executor = Self {
            shared,
            workers,
            config,
        };
        match failure {
            None => Ok(executor),
            Some(message) => {
                drop(executor);
                Err(LeanExecutorError::Startup {
                    message: crate::bound_message(message),
                })
            }
        }
    }

    /// The configuration the executor was started with.
    pub fn config(&self) -> &LeanExecutorConfig {
        &self.config
    }

    /// Queues `job`, blocking while the queue is full (backpressure), and returns its handle.
    ///
    /// Called from one of this executor's own workers, the job runs inline on that worker
    /// instead (waiting for a queue slot there could deadlock the pool).
    pub fn submit<F, R>(&self, job: F) -> Result<LeanTask<R>, LeanExecutorError>
    where
        F: FnOnce(&'static LeanRuntime) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.enqueue(None, job, true)
    }

    /// Like [`LeanExecutor::submit`], with a label that crash reports name while the job runs
    /// (e.g. the export being called; cut to 96 bytes there).
    pub fn submit_labeled<F, R>(
        &self,
        label: &str,
        job: F,
    ) -> Result<LeanTask<R>, LeanExecutorError>
    where
        F: FnOnce(&'static LeanRuntime) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.enqueue(Some(label.into()), job, true)
    }

    /// Queues `job` without blocking: [`LeanExecutorError::Full`] when the queue is at
    /// capacity.
    pub fn try_submit<F, R>(&self, job: F) -> Result<LeanTask<R>, LeanExecutorError>
    where
        F: FnOnce(&'static LeanRuntime) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.enqueue(None, job, false)
    }

    /// Submits `job` and blocks until it finishes (inline when called from a worker).
    pub fn run<F, R>(&self, job: F) -> Result<R, LeanExecutorError>
    where
        F: FnOnce(&'static LeanRuntime) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.submit(job)?.wait()
    }

    /// [`LeanExecutor::run`] with a crash-report label.
    pub fn run_labeled<F, R>(&self, label: &str, job: F) -> Result<R, LeanExecutorError>
    where
        F: FnOnce(&'static LeanRuntime) -> R + Send + 'static,
        R: Send + 'static,
    {
        self.submit_labeled(label, job)?.wait()
    }

    /// Jobs waiting in the queue right now.
    pub fn queued(&self) -> usize {
        self.shared.lock().jobs.len()
    }

    /// Whether the calling thread is one of this executor's workers.
    pub fn is_worker_thread(&self) -> bool {
        current_worker_executor() == Some(self.shared.id)
    }

    /// Stops accepting jobs (later submissions fail with [`LeanExecutorError::Closed`]);
    /// queued jobs still run. Workers are joined when the executor is dropped.
    pub fn close(&self) {
        self.shared.lock().closed = true;
        self.shared.not_empty.notify_all();
        self.shared.not_full.notify_all();
    }

    /// Stops accepting jobs, lets the workers finish every queued job, and joins them.
    pub fn shutdown(mut self) {
        self.close_and_join();
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    fn enqueue<F, R>(
        &self,
        label: Option<Box<str>>,
        job: F,
        block: bool,
    ) -> Result<LeanTask<R>, LeanExecutorError>
    where
        F: FnOnce(&'static LeanRuntime) -> R + Send + 'static,
        R: Send + 'static,
    {
        let completion = task::Completion::new();
        let task = LeanTask::new(Arc::clone(&completion));
        let guard = task::CompletionGuard {
            completion: Some(completion),
        };
        let wrapped: Job = Box::new(move |runtime| {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(runtime)))
                .map_err(|payload| LeanExecutorError::Panicked {
                    message: panic_message(payload.as_ref()),
                });
            guard.finish(outcome);
        });
        if self.is_worker_thread() {
            if let Some(label) = &label {
                signal_state::set_label(label);
            }
            run_job(wrapped);
            return Ok(task);
        }
        let mut state = self.shared.lock();
        loop {
            if state.closed {
                return Err(LeanExecutorError::Closed);
            }
            if state.jobs.len() < self.shared.capacity {
                break;
            }
            if !block {
                return Err(LeanExecutorError::Full {
                    capacity: self.shared.capacity,
                });
            }
            state = self
                .shared
                .not_full
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.jobs.push_back(Queued {
            label,
            job: wrapped,
        });
        drop(state);
        self.shared.not_empty.notify_one();
        Ok(task)
    }

    fn close_and_join(&mut self) {
        {
            let mut state = self.shared.lock();
            state.closed = true;
        }
        self.shared.not_empty.notify_all();
        self.shared.not_full.notify_all();
        let me = std::thread::current().id();
        for handle in self.workers.drain(..) {
            // A worker dropping the last handle to its own executor must not join itself.
            if handle.thread().id() == me {
                continue;
            }
            let _ = handle.join();
        }
    }
}

impl Drop for LeanExecutor {
    fn drop(&mut self) {
        self.close_and_join();
    }
}

impl std::fmt::Debug for LeanExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanExecutor")
            .field("workers", &self.workers.len())
            .field("stack_size", &self.config.stack_size)
            .field("queue_capacity", &self.shared.capacity)
            .finish_non_exhaustive()
    }
}

fn run_job(job: Job) {
    // A job's own panics are caught inside the wrapper; the runtime token exists because the
    // worker initialized the runtime before taking jobs (and `submit` from a worker implies
    // one).
    match LeanRuntime::init() {
        Ok(runtime) => job(runtime),
        Err(_) => drop(job),
    }
}

fn worker_main(
    shared: &Shared,
    alt_stack_size: usize,
    ready: &std::sync::mpsc::Sender<Result<(), String>>,
) {
    // The runtime first: if this worker happens to be the one that initializes Lean,
    // `lean_initialize_runtime_module` replaces the thread's alternate stack with its own
    // 8 KiB one, and ours must win.
    let runtime = match LeanRuntime::init() {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ = ready.send(Err(format!("initializing the Lean runtime: {err}")));
            return;
        }
    };
    let alt = match stack::AltStack::install(alt_stack_size) {
        Ok(alt) => alt,
        Err(err) => {
            let _ = ready.send(Err(format!("installing the alternate signal stack: {err}")));
            return;
        }
    };
    stack::record_stack_bounds();
    signal_state::set_role(ThreadRole::ExecutorWorker);
    let attachment = LeanThreadGuard::attach(runtime);
    WORKER_OF.with(|w| w.set(shared.id));
    tracing::debug!(target: "lean_rs", alt_stack = alt.usable(), "Lean executor worker ready");
    let _ = ready.send(Ok(()));
    loop {
        let next = {
            let mut state = shared.lock();
            loop {
                if let Some(job) = state.jobs.pop_front() {
                    break Some(job);
                }
                if state.closed {
                    break None;
                }
                state = shared
                    .not_empty
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let Some(Queued { label, job }) = next else {
            break;
        };
        shared.not_full.notify_one();
        match &label {
            Some(label) => signal_state::set_label(label),
            None => signal_state::clear_label(),
        }
        job(runtime);
        signal_state::clear_label();
    }
    WORKER_OF.with(|w| w.set(0));
    drop(attachment);
    signal_state::set_role(ThreadRole::Other);
    drop(alt);
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a non-string panic payload".to_owned()
    };
    let mut cut = text.len().min(PANIC_MESSAGE_LIMIT);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_owned()
}
