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
    /// The first call runs Lean's runtime and library initializers, starts the task manager
    /// with `LEAN_RS_NUM_THREADS` workers (a positive integer; anything else falls back to
    /// Lean's default with a warning) and then ends Lean's initialization phase, so that
    /// environments can be created (Lean refuses to create them during the phase). Modules
    /// initialized later run their `initialize` declarations the way Lean's importer does
    /// (see [`LeanLibrary::initialize_module`](crate::LeanLibrary::initialize_module)); a
    /// module whose `builtin_initialize` declarations need the phase itself is loaded in
    /// [`LeanRuntime::init_with`] instead.
    ///
    /// Concurrent first calls block until that one initialization finishes; later calls
    /// return immediately. The thread that performs the initialization counts as attached for
    /// the rest of its life.
    pub fn init() -> LeanResult<&'static LeanRuntime> {
        match INIT.get_or_init(|| {
            start_runtime()?;
            end_initialization_phase();
            Ok(())
        }) {
            Ok(()) => Ok(Self::token()),
            Err(err) => Err(err.clone()),
        }
    }

    /// Initializes the runtime like [`LeanRuntime::init`], running `startup` while Lean's
    /// initialization phase is still on, and ends the phase when `startup` returns.
    ///
    /// This is the order Lean's own generated `main` uses: every module initializer first,
    /// then the end of the phase. Open and initialize the capabilities whose
    /// `builtin_initialize` declarations check `IO.initializing` here, and return the
    /// libraries (or anything else) as `T`. Lean forbids creating environments during the
    /// phase, so do that after `init_with` returns.
    ///
    /// `init_with` must be the process's first initialization: once the runtime is up the
    /// phase is over and cannot be re-entered, so a later call is a `lean_rs.runtime_init`
    /// error and `startup` does not run. An error from `startup` is returned as it is (the
    /// runtime itself stays initialized and usable); a panic in `startup` ends the phase and
    /// then resumes unwinding.
    pub fn init_with<T>(
        startup: impl FnOnce(&'static LeanRuntime) -> LeanResult<T>,
    ) -> LeanResult<(&'static LeanRuntime, T)> {
        let mut startup = Some(startup);
        let mut outcome: Option<std::thread::Result<LeanResult<T>>> = None;
        let state = INIT.get_or_init(|| {
            start_runtime()?;
            if let Some(startup) = startup.take() {
                let _span =
                    tracing::info_span!(target: "lean_rs", "lean_rs.runtime.startup").entered();
                outcome = Some(std::panic::catch_unwind(std::panic::AssertUnwindSafe(
                    || startup(Self::token()),
                )));
            }
            end_initialization_phase();
            Ok(())
        });
        if let Err(err) = state {
            return Err(err.clone());
        }
        match outcome {
            Some(Ok(Ok(value))) => Ok((Self::token(), value)),
            Some(Ok(Err(err))) => Err(err),
            Some(Err(payload)) => std::panic::resume_unwind(payload),
            None => Err(LeanError::runtime_init(
                "the Lean runtime is already initialized, so its initialization phase is over; \
                 call LeanRuntime::init_with before anything else initializes the runtime",
            )),
        }
    }

    /// Whether the runtime has been initialized in this process.
    pub fn is_initialized() -> bool {
        matches!(INIT.get(), Some(Ok(())))
    }

    /// Whether Lean's initialization phase is still on (`IO.initializing`): true only inside
    /// the `startup` closure of [`LeanRuntime::init_with`].
    pub fn is_initialization_phase(&self) -> bool {
        // SAFETY: the runtime is initialized (`self` exists); the call reads one flag.
        unsafe { lean_rs_sys::lean_io_initializing() }
    }

    /// The Lean runtime library this process loaded (`libleanshared`), chosen as
    /// `lean_rs_sys::load_runtime` documents: `LEAN_RS_RUNTIME_LIB`, `LEAN_SYSROOT`, or the
    /// sysroot lean-rs was built against.
    pub fn library_path(&self) -> &'static std::path::Path {
        // The runtime is initialized (`self` exists), so the library was loaded.
        lean_rs_sys::runtime_library_path().unwrap_or_else(|| std::path::Path::new(""))
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

/// Loads the runtime library, runs Lean's runtime and library initializers and starts the
/// task manager: the part of initialization that happens once, before any start-up hook.
fn start_runtime() -> Result<(), LeanError> {
    let span = tracing::info_span!(target: "lean_rs", "lean_rs.runtime.init");
    let _entered = span.enter();
    // Nothing links libleanshared; it is opened here, so a missing or unloadable runtime is
    // this typed error instead of a loader failure before `main`.
    let library = lean_rs_sys::load_runtime()
        .map_err(|e| LeanError::runtime_init(format!("lean-rs: {e}")))?;
    tracing::debug!(target: "lean_rs", library = %library.display(), "Lean runtime library loaded");
    crate::callback::make_helpers_visible();
    let workers = requested_workers();
    // SAFETY: runs exactly once per process (only from `INIT`'s initializer), on this thread,
    // before any other Lean call made through `lean-rs`: the order Lean's own generated
    // `main` uses (runtime module, then the Init/Std/Lean libraries), then the task manager.
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

/// Ends Lean's initialization phase (`IO.initializing` becomes false for good).
fn end_initialization_phase() {
    // SAFETY: called once, from `INIT`'s initializer after `start_runtime`; it sets one flag.
    unsafe { lean_rs_sys::lean_io_mark_end_initialization() };
    tracing::debug!(target: "lean_rs", "Lean initialization phase ended");
}

/// The error reported when a caller needs the runtime before `init` succeeded.
#[allow(dead_code)]
pub(crate) fn not_initialized() -> LeanError {
    LeanError::runtime_init("the Lean runtime is not initialized; call LeanRuntime::init first")
}
