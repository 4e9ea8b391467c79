//! Process-once initialization of the Lean runtime.

#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::OnceLock;

use crate::error::{LeanError, LeanResult};

/// Environment variable that pins the number of Lean task-manager workers.
const NUM_THREADS_VAR: &str = "LEAN_RS_NUM_THREADS";

/// The process-once Lean runtime; `&'lean LeanRuntime` is the lifetime anchor of every Lean
/// value `lean-rs` hands out.
///
/// Zero-sized and `!Send + !Sync`: a thread that needs the runtime calls
/// [`LeanRuntime::init`] itself (cheap after the first call) instead of receiving it from
/// another thread.
pub struct LeanRuntime {
    _not_send_or_sync: PhantomData<*mut ()>,
}

/// Outcome of the one real initialization, shared by every later `init` call.
static INIT: OnceLock<Result<(), LeanError>> = OnceLock::new();

impl LeanRuntime {
    /// Initializes the Lean runtime on first call and returns the process-wide anchor.
    ///
    /// The first call runs Lean's runtime and library initializers and starts the task
    /// manager with `LEAN_RS_NUM_THREADS` workers (a positive integer; anything else falls
    /// back to Lean's default with a warning). Concurrent first calls block until that one
    /// initialization finishes; later calls return immediately. The thread that performs the
    /// initialization counts as attached for the rest of its life.
    pub fn init() -> LeanResult<&'static LeanRuntime> {
        match INIT.get_or_init(initialize_process) {
            Ok(()) => Ok(Self::token()),
            Err(err) => Err(err.clone()),
        }
    }

    /// Whether the runtime has been initialized in this process.
    pub fn is_initialized() -> bool {
        matches!(INIT.get(), Some(Ok(())))
    }

    /// The anchor, once initialization is known to have succeeded.
    pub(crate) fn token() -> &'static LeanRuntime {
        // SAFETY: `LeanRuntime` is a zero-sized type, so a dangling, well-aligned pointer is a
        // valid reference to it; callers only reach this after initialization succeeded.
        unsafe { NonNull::<LeanRuntime>::dangling().as_ref() }
    }
}

impl std::fmt::Debug for LeanRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanRuntime").finish_non_exhaustive()
    }
}

/// How many task-manager workers to start, from `LEAN_RS_NUM_THREADS`.
fn requested_workers() -> Option<u32> {
    let raw = std::env::var_os(NUM_THREADS_VAR)?;
    let parsed = raw
        .to_str()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .filter(|n| *n > 0);
    if parsed.is_none() {
        tracing::warn!(
            target: "lean_rs",
            value = %raw.to_string_lossy(),
            "{NUM_THREADS_VAR} is not a positive integer; using Lean's default worker count"
        );
    }
    parsed
}

// The `Result` is what `INIT` stores for every later caller; Lean's initializers report no
// failures of their own today, but the slot keeps the contract if that changes.
#[allow(clippy::unnecessary_wraps)]
fn initialize_process() -> Result<(), LeanError> {
    let span = tracing::info_span!(target: "lean_rs", "lean_rs.runtime.init");
    let _entered = span.enter();
    let workers = requested_workers();
    // SAFETY: runs exactly once per process (guarded by `INIT`), on this thread, before any
    // other Lean call made through `lean-rs`: the order Lean's own generated `main` uses
    // (runtime module, then the Init/Std/Lean libraries), then the task manager.
    unsafe {
        lean_rs_sys::lean_initialize_runtime_module();
        lean_rs_sys::lean_initialize();
        match workers {
            Some(n) => lean_rs_sys::lean_init_task_manager_using(n),
            None => lean_rs_sys::lean_init_task_manager(),
        }
    }
    super::thread::mark_init_thread();
    tracing::info!(target: "lean_rs", workers = workers.map_or(0, |n| n), "Lean runtime initialized");
    Ok(())
}

/// The error reported when a caller needs the runtime before `init` succeeded.
#[allow(dead_code)]
pub(crate) fn not_initialized() -> LeanError {
    LeanError::runtime_init("the Lean runtime is not initialized; call LeanRuntime::init first")
}
