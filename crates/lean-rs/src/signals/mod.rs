//! Signal coexistence: what is installed, and (optionally) overflow detection that chains.
//!
//! `lean_initialize_runtime_module` installs `SIGSEGV`/`SIGBUS` handlers only where the
//! disposition is still the default, sets `SIGPIPE` to ignored for the whole process, and
//! gives the calling thread an 8 KiB alternate stack. A host that installed handlers first
//! (Mojo, the JVM, a crash reporter) keeps them; Lean's overflow detection then never runs.
//! [`SignalAudit`] shows the state; [`init_runtime`] brings the runtime up under a
//! [`SignalOptions`] and reports the state before and after.
//!
//! Policies ([`SignalPolicy`]):
//!
//! - [`SignalPolicy::LeaveHostHandlers`] (default): `lean-rs` installs nothing; whatever the
//!   host and Lean's own initialization set stays.
//! - [`SignalPolicy::ChainOverflowDetection`]: `lean-rs` installs one handler for
//!   `SIGSEGV`/`SIGBUS`/`SIGILL`/`SIGFPE` that, on an executor worker (or the thread running
//!   the runtime's initialization), writes one async-signal-safe report line to stderr (and
//!   to a report file, if configured) — signal, fault address, guard-page verdict (a fault
//!   just below the thread's stack is a stack overflow), thread role and the job label —
//!   and then, on every thread, passes the fault to the handler that was installed before
//!   it (or the default action, which terminates the process with the same signal). This
//!   is the scheme JVM signal chaining and wasmtime's trap handlers use: the newcomer
//!   handles only what it owns and forwards the rest unchanged.

pub(crate) mod state;

mod audit;
mod chain;

use std::path::PathBuf;

pub use audit::{AUDITED_SIGNALS, AltStackState, Disposition, SignalAudit, SignalEntry};
pub use state::{JOB_LABEL_LIMIT, ThreadRole};

use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;

/// Which signal handlers `lean-rs` installs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignalPolicy {
    /// Install nothing (the default).
    #[default]
    LeaveHostHandlers,
    /// Install the chaining overflow detector and crash reporter (see the module docs).
    ChainOverflowDetection,
}

/// How [`init_runtime`] treats signals.
#[derive(Clone, Debug, Default)]
pub struct SignalOptions {
    /// The handler policy.
    pub policy: SignalPolicy,
    /// Put `SIGPIPE` back to the disposition it had before Lean's initialization ignored it
    /// (the default action if the runtime was already initialized).
    pub restore_sigpipe: bool,
    /// Also append crash reports to this file (opened once, kept open).
    pub report_file: Option<PathBuf>,
}

/// Signal state around [`init_runtime`].
#[derive(Clone, Debug)]
pub struct SignalInitReport {
    /// Before the runtime was initialized by this call (equal to `after` when it already was).
    pub before: SignalAudit,
    /// After initialization and the policy.
    pub after: SignalAudit,
    /// Whether this call initialized the runtime.
    pub initialized_here: bool,
    /// Whether the chaining handler is installed now.
    pub chaining_installed: bool,
}

/// Brings the runtime up ([`LeanRuntime::init`]) under `options`.
///
/// With [`SignalPolicy::ChainOverflowDetection`] the handler is installed *before* Lean's
/// initialization, so a fault during it is reported (role `runtime-init`); Lean then sees a
/// non-default disposition and installs none of its own — ours covers the same ground on
/// the threads `lean-rs` owns and forwards the rest.
pub fn init_runtime(
    options: &SignalOptions,
) -> LeanResult<(&'static LeanRuntime, SignalInitReport)> {
    init_runtime_with(options, |_| Ok(())).map(|(runtime, _, report)| (runtime, report))
}

/// Like [`init_runtime`], running `startup` inside Lean's initialization phase (see
/// [`LeanRuntime::init_with`]) — the place for capability module initializers, so that the
/// order is runtime, task manager, module initializers, end of initialization.
///
/// When the runtime was already initialized, `startup` does not run and the middle value
/// is `None`.
pub fn init_runtime_with<T>(
    options: &SignalOptions,
    startup: impl FnOnce(&'static LeanRuntime) -> LeanResult<T>,
) -> LeanResult<(&'static LeanRuntime, Option<T>, SignalInitReport)> {
    let was_initialized = LeanRuntime::is_initialized();
    let before = SignalAudit::capture();
    let sigpipe_before = capture_sigpipe();
    if let Some(path) = &options.report_file {
        open_report_file(path)?;
    }
    if options.policy == SignalPolicy::ChainOverflowDetection {
        chain::install().map_err(|err| {
            LeanError::runtime_init(format!("installing the chaining fault handler: {err}"))
        })?;
    }
    let previous_role = state::role();
    let (runtime, value) = if was_initialized {
        (LeanRuntime::init()?, None)
    } else {
        state::set_role(ThreadRole::Init);
        state::set_label("lean_initialize_runtime_module/lean_initialize/lean_init_task_manager");
        let mut ran_startup = false;
        let result = LeanRuntime::init_with(|runtime| {
            ran_startup = true;
            state::set_label("module initializers (startup)");
            startup(runtime)
        });
        state::clear_label();
        state::set_role(previous_role);
        match result {
            Ok((runtime, value)) => (runtime, Some(value)),
            // Another thread won the race to initialize: the runtime is up without us.
            Err(_) if !ran_startup && LeanRuntime::is_initialized() => (LeanRuntime::init()?, None),
            Err(err) => return Err(err),
        }
    };
    if options.restore_sigpipe {
        restore_sigpipe(if was_initialized {
            None
        } else {
            sigpipe_before
        });
    }
    Ok((
        runtime,
        value,
        SignalInitReport {
            before,
            after: SignalAudit::capture(),
            initialized_here: !was_initialized,
            chaining_installed: chain::is_installed(),
        },
    ))
}

/// Runs `f` with `label` as the calling thread's job label, so a crash report written while
/// it runs names it (cut to [`JOB_LABEL_LIMIT`] bytes).
pub fn with_job_label<R>(label: &str, f: impl FnOnce() -> R) -> R {
    state::set_label(label);
    let result = f();
    state::clear_label();
    result
}

/// Installs the chaining handler now (idempotent); see [`SignalPolicy::ChainOverflowDetection`].
/// Returns whether this call installed it.
pub fn install_chaining_handler() -> LeanResult<bool> {
    chain::install().map_err(|err| {
        LeanError::runtime_init(format!("installing the chaining fault handler: {err}"))
    })
}

/// Whether the chaining handler is installed.
pub fn chaining_handler_installed() -> bool {
    chain::is_installed()
}

fn open_report_file(path: &std::path::Path) -> LeanResult<()> {
    use std::os::fd::IntoRawFd;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|err| {
            LeanError::runtime_init(format!(
                "opening the crash report file {}: {err}",
                path.display()
            ))
        })?;
    // Kept open for the process's life: the handler may write to it at any time.
    chain::set_report_fd(file.into_raw_fd());
    Ok(())
}

#[allow(unsafe_code)] // sigaction on SIGPIPE
fn capture_sigpipe() -> Option<libc::sigaction> {
    // SAFETY: querying only; `old` is a valid out-parameter.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        (libc::sigaction(libc::SIGPIPE, std::ptr::null(), &raw mut old) == 0).then_some(old)
    }
}

#[allow(unsafe_code)] // sigaction on SIGPIPE
fn restore_sigpipe(previous: Option<libc::sigaction>) {
    // SAFETY: `action` is either the disposition read before initialization or an all-zero
    // (SIG_DFL) one with an empty mask.
    unsafe {
        let action = previous.unwrap_or_else(|| {
            let mut dfl: libc::sigaction = std::mem::zeroed();
            libc::sigemptyset(&raw mut dfl.sa_mask);
            dfl
        });
        libc::sigaction(libc::SIGPIPE, &raw const action, std::ptr::null_mut());
    }
}
