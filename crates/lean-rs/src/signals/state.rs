//! Per-thread facts a signal handler may read: the thread's role and the job it is running.
//!
//! Written only by the owning thread outside signal context and read by a handler running on
//! that same thread, so plain thread-locals with fixed-size storage suffice: no allocation,
//! no locks, no lazy initialization (every value has a `const` initializer and no `Drop`).

use std::cell::Cell;
use std::sync::atomic::{Ordering, compiler_fence};

/// Longest job label a crash report carries; longer labels are cut.
pub const JOB_LABEL_LIMIT: usize = 96;

/// What a thread is, as a crash report names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ThreadRole {
    /// Not a thread `lean-rs` set up.
    Other,
    /// A [`LeanExecutor`](crate::LeanExecutor) worker.
    ExecutorWorker,
    /// The thread running `LeanRuntime::init`.
    Init,
}

impl ThreadRole {
    /// The name crash reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Other => "other",
            Self::ExecutorWorker => "executor-worker",
            Self::Init => "runtime-init",
        }
    }
}

thread_local! {
    static ROLE: Cell<ThreadRole> = const { Cell::new(ThreadRole::Other) };
    static STACK_LOW: Cell<usize> = const { Cell::new(0) };
    static STACK_HIGH: Cell<usize> = const { Cell::new(0) };
    static GUARD_BYTES: Cell<usize> = const { Cell::new(0) };
    static LABEL: Cell<[u8; JOB_LABEL_LIMIT]> = const { Cell::new([0; JOB_LABEL_LIMIT]) };
    static LABEL_LEN: Cell<usize> = const { Cell::new(0) };
}

/// Records the calling thread's role.
pub(crate) fn set_role(role: ThreadRole) {
    ROLE.with(|r| r.set(role));
}

/// The calling thread's role (async-signal-safe).
pub(crate) fn role() -> ThreadRole {
    ROLE.with(Cell::get)
}

/// Records the calling thread's stack bounds `[low, high)` and the guard size below `low`.
pub(crate) fn set_stack_bounds(low: usize, high: usize, guard: usize) {
    STACK_LOW.with(|c| c.set(low));
    STACK_HIGH.with(|c| c.set(high));
    GUARD_BYTES.with(|c| c.set(guard));
}

/// Whether `addr` lies in the guard region just below the calling thread's recorded stack
/// (async-signal-safe). `None` when no bounds were recorded for this thread.
pub(crate) fn guard_page_verdict(addr: usize) -> Option<bool> {
    let low = STACK_LOW.with(Cell::get);
    if low == 0 {
        return None;
    }
    // Treat one page more than the configured guard as "guard" too: a frame that skips past
    // the guard by a little still is a stack overflow.
    let guard = GUARD_BYTES.with(Cell::get).max(4096).saturating_add(4096);
    Some(addr < low && addr >= low.saturating_sub(guard))
}

/// Names the job the calling thread is about to run (cut to [`JOB_LABEL_LIMIT`] bytes).
pub(crate) fn set_label(label: &str) {
    LABEL_LEN.with(|c| c.set(0));
    compiler_fence(Ordering::SeqCst);
    let bytes = label.as_bytes();
    let n = bytes.len().min(JOB_LABEL_LIMIT);
    let mut buf = [0u8; JOB_LABEL_LIMIT];
    buf[..n].copy_from_slice(&bytes[..n]);
    LABEL.with(|c| c.set(buf));
    compiler_fence(Ordering::SeqCst);
    LABEL_LEN.with(|c| c.set(n));
}

/// Clears the job label.
pub(crate) fn clear_label() {
    LABEL_LEN.with(|c| c.set(0));
}

/// Copies the current job label into `out` and returns its length (async-signal-safe).
pub(crate) fn label_into(out: &mut [u8; JOB_LABEL_LIMIT]) -> usize {
    let n = LABEL_LEN.with(Cell::get).min(JOB_LABEL_LIMIT);
    *out = LABEL.with(Cell::get);
    n
}
