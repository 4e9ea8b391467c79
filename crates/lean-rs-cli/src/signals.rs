//! `lean-rs doctor --signals`: what Lean's initialization does to signal dispositions and
//! alternate stacks, measured in a child process that loads the discovered runtime.
//!
//! The child models a plain C host: it first resets `SIGSEGV`/`SIGBUS`/`SIGPIPE` to their
//! default actions and removes its alternate stack (a Rust binary's own start-up installs an
//! overflow handler with one and ignores `SIGPIPE`), then audits, initializes Lean, audits again, and audits a fresh foreign
//! thread attached with `lean_initialize_thread`. Raw FFI here is the same recorded
//! exception as the smoke test's (docs/DEVIATIONS.md).
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The audited signals.
const SIGNALS: [(i32, &str); 6] = [
    (libc::SIGSEGV, "SIGSEGV"),
    (libc::SIGBUS, "SIGBUS"),
    (libc::SIGILL, "SIGILL"),
    (libc::SIGFPE, "SIGFPE"),
    (libc::SIGPIPE, "SIGPIPE"),
    (libc::SIGABRT, "SIGABRT"),
];

/// One signal's disposition.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Signal name.
    pub name: String,
    /// `default`, `ignored` or `handler`.
    pub disposition: String,
    /// `SA_*` flags of a handler.
    pub flags: Vec<String>,
    /// The object the handler lives in.
    pub object: Option<String>,
}

/// A snapshot: dispositions plus the auditing thread's alternate stack size.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// Per signal.
    pub signals: Vec<Entry>,
    /// Alternate stack of the auditing thread (bytes), if any.
    pub alt_stack: Option<usize>,
}

/// The child's one-line answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignalsReport {
    /// Before `lean_initialize_runtime_module`.
    pub before: Snapshot,
    /// After runtime, library and task-manager initialization (same thread).
    pub after: Snapshot,
    /// Alternate stack of a new pthread after `lean_initialize_thread`.
    pub foreign_thread_alt_stack: Option<usize>,
    /// Failure, if any.
    pub error: Option<String>,
}

fn snapshot() -> Snapshot {
    let signals = SIGNALS
        .iter()
        .map(|&(signal, name)| {
            // SAFETY: query only; `old` is a valid out-parameter.
            let old = unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(signal, std::ptr::null(), &raw mut old);
                old
            };
            let (disposition, flags, object) = match old.sa_sigaction {
                libc::SIG_DFL => ("default", Vec::new(), None),
                libc::SIG_IGN => ("ignored", Vec::new(), None),
                address => {
                    let mut flags = Vec::new();
                    for (bit, label) in [
                        (libc::SA_SIGINFO, "SA_SIGINFO"),
                        (libc::SA_ONSTACK, "SA_ONSTACK"),
                        (libc::SA_RESETHAND, "SA_RESETHAND"),
                    ] {
                        if old.sa_flags & bit != 0 {
                            flags.push(label.to_owned());
                        }
                    }
                    ("handler", flags, object_of(address))
                }
            };
            Entry {
                name: name.to_owned(),
                disposition: disposition.to_owned(),
                flags,
                object,
            }
        })
        .collect();
    Snapshot {
        signals,
        alt_stack: alt_stack(),
    }
}

fn alt_stack() -> Option<usize> {
    // SAFETY: query only; `old` is a valid out-parameter.
    unsafe {
        let mut old: libc::stack_t = std::mem::zeroed();
        (libc::sigaltstack(std::ptr::null(), &raw mut old) == 0
            && old.ss_flags & libc::SS_DISABLE == 0)
            .then_some(old.ss_size)
    }
}

fn object_of(address: usize) -> Option<String> {
    // SAFETY: dladdr reads loader tables; the returned name is copied at once.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        if libc::dladdr(address as *const libc::c_void, &raw mut info) == 0
            || info.dli_fname.is_null()
        {
            return None;
        }
        Some(
            CStr::from_ptr(info.dli_fname)
                .to_string_lossy()
                .into_owned(),
        )
    }
}

type InitFn = unsafe extern "C" fn();

/// The child side: reset, audit, initialize, audit.
pub fn run(library: &Path) -> SignalsReport {
    for signal in [libc::SIGSEGV, libc::SIGBUS, libc::SIGPIPE] {
        // SAFETY: restoring the default action models a plain C host.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
    }
    let disable = libc::stack_t {
        ss_sp: std::ptr::null_mut(),
        ss_flags: libc::SS_DISABLE,
        ss_size: 0,
    };
    // SAFETY: disabling this thread's alternate stack (Rust's start-up installed one).
    unsafe { libc::sigaltstack(&raw const disable, std::ptr::null_mut()) };
    let before = snapshot();
    let mut report = SignalsReport {
        before: before.clone(),
        after: before,
        foreign_thread_alt_stack: None,
        error: None,
    };
    // SAFETY: loads the runtime discovery verified, in a child that exists so a misbehaving
    // library only kills the child; it is never unloaded.
    let lib = match unsafe { libloading::Library::new(library) } {
        Ok(lib) => lib,
        Err(e) => {
            report.error = Some(format!("dlopen {} failed: {e}", library.display()));
            return report;
        }
    };
    let get = |name: &[u8]| -> Result<InitFn, String> {
        // SAFETY: each name is a `void (void)` Lean runtime entry point.
        unsafe { lib.get::<InitFn>(name).map(|s| *s) }.map_err(|e| format!("symbol missing: {e}"))
    };
    let names: [&[u8]; 4] = [
        b"lean_initialize_runtime_module\0",
        b"lean_initialize\0",
        b"lean_init_task_manager\0",
        b"lean_initialize_thread\0",
    ];
    let fns: Result<Vec<InitFn>, String> = names.iter().map(|n| get(n)).collect();
    let fns = match fns {
        Ok(fns) => fns,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    // SAFETY: Lean's documented initialization order, once, on this thread.
    unsafe {
        fns[0]();
        fns[1]();
        fns[2]();
    }
    report.after = snapshot();
    let attach = fns[3];
    report.foreign_thread_alt_stack = foreign_thread_alt_stack(attach);
    std::mem::forget(lib);
    report
}

fn foreign_thread_alt_stack(attach: InitFn) -> Option<usize> {
    extern "C" fn body(arg: *mut libc::c_void) -> *mut libc::c_void {
        // SAFETY: `arg` is the `InitFn` passed by the creator below, transmuted back.
        let attach: InitFn = unsafe { std::mem::transmute::<*mut libc::c_void, InitFn>(arg) };
        // SAFETY: the runtime is initialized; this attaches the new thread.
        unsafe { attach() };
        let size = alt_stack().unwrap_or(0);
        size as *mut libc::c_void
    }
    // SAFETY: create and join one pthread; the argument is a function pointer.
    unsafe {
        let mut thread: libc::pthread_t = std::mem::zeroed();
        if libc::pthread_create(
            &raw mut thread,
            std::ptr::null(),
            body,
            attach as *mut libc::c_void,
        ) != 0
        {
            return None;
        }
        let mut ret: *mut libc::c_void = std::ptr::null_mut();
        libc::pthread_join(thread, &raw mut ret);
        Some(ret as usize).filter(|s| *s != 0)
    }
}

fn describe(s: &Snapshot) -> String {
    let mut out = String::new();
    for e in &s.signals {
        let _ = write!(out, "    {:<8} {}", e.name, e.disposition);
        if !e.flags.is_empty() {
            let _ = write!(out, " {}", e.flags.join("|"));
        }
        if let Some(o) = &e.object {
            let _ = write!(out, " ({o})");
        }
        out.push('\n');
    }
    match s.alt_stack {
        Some(n) => {
            let _ = writeln!(out, "    alternate stack (this thread): {n} bytes");
        }
        None => out.push_str("    alternate stack (this thread): none\n"),
    }
    out
}

/// Human rendering.
pub fn human(report: &SignalsReport) -> String {
    let mut out = String::from(
        "signals (child process modelling a plain C host: SIGSEGV/SIGBUS/SIGPIPE reset to default, alternate stack removed)\n",
    );
    out.push_str("  before Lean initialization:\n");
    out.push_str(&describe(&report.before));
    out.push_str(
        "  after lean_initialize_runtime_module/lean_initialize/lean_init_task_manager:\n",
    );
    out.push_str(&describe(&report.after));
    match report.foreign_thread_alt_stack {
        Some(n) => {
            let _ = writeln!(
                out,
                "  a new pthread after lean_initialize_thread: alternate stack {n} bytes"
            );
        }
        None => out.push_str(
            "  a new pthread after lean_initialize_thread: no alternate stack (deep recursion there dies silently; use lean_rs::LeanExecutor)\n",
        ),
    }
    if let Some(e) = &report.error {
        let _ = writeln!(out, "  error: {e}");
    }
    out
}
