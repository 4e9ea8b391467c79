//! Reading signal dispositions and the calling thread's alternate stack.

#![allow(unsafe_code)] // sigaction/sigaltstack queries

use std::fmt;

/// The signals an audit reports, with their names.
pub const AUDITED_SIGNALS: [(i32, &str); 6] = [
    (libc::SIGSEGV, "SIGSEGV"),
    (libc::SIGBUS, "SIGBUS"),
    (libc::SIGILL, "SIGILL"),
    (libc::SIGFPE, "SIGFPE"),
    (libc::SIGPIPE, "SIGPIPE"),
    (libc::SIGABRT, "SIGABRT"),
];

/// How one signal is handled process-wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// `SIG_DFL`.
    Default,
    /// `SIG_IGN`.
    Ignored,
    /// A handler function.
    Handler {
        /// The handler's address.
        address: usize,
        /// `SA_SIGINFO`.
        siginfo: bool,
        /// `SA_ONSTACK` (runs on the alternate stack when the thread has one).
        on_stack: bool,
        /// `SA_RESETHAND` (one-shot).
        reset_hand: bool,
    },
}

/// One audited signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalEntry {
    /// The signal number.
    pub signal: i32,
    /// Its name.
    pub name: &'static str,
    /// Its disposition.
    pub disposition: Disposition,
    /// The shared object the handler lives in (from `dladdr`), when there is one.
    pub handler_object: Option<String>,
}

/// The calling thread's alternate signal stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AltStackState {
    /// None installed.
    Disabled,
    /// Installed, with its size in bytes.
    Installed {
        /// Bytes.
        size: usize,
    },
}

/// Dispositions of the [`AUDITED_SIGNALS`] and the calling thread's alternate stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalAudit {
    /// One entry per audited signal, in [`AUDITED_SIGNALS`] order.
    pub signals: Vec<SignalEntry>,
    /// The alternate stack of the thread that took the audit.
    pub alt_stack: AltStackState,
}

impl SignalAudit {
    /// Reads the current state (no side effects).
    pub fn capture() -> Self {
        let signals = AUDITED_SIGNALS
            .iter()
            .map(|&(signal, name)| {
                let disposition = disposition_of(signal);
                let handler_object = match disposition {
                    Disposition::Handler { address, .. } => object_containing(address),
                    _ => None,
                };
                SignalEntry {
                    signal,
                    name,
                    disposition,
                    handler_object,
                }
            })
            .collect();
        Self {
            signals,
            alt_stack: alt_stack_of_current_thread(),
        }
    }

    /// The entry for `signal`, if audited.
    pub fn entry(&self, signal: i32) -> Option<&SignalEntry> {
        self.signals.iter().find(|e| e.signal == signal)
    }

    /// As JSON (stable keys: `signals[{name, disposition, handler, object, flags}]`,
    /// `alt_stack`).
    pub fn to_json(&self) -> serde_json::Value {
        let signals: Vec<serde_json::Value> = self
            .signals
            .iter()
            .map(|e| {
                let (kind, handler, flags) = match e.disposition {
                    Disposition::Default => ("default", None, Vec::new()),
                    Disposition::Ignored => ("ignored", None, Vec::new()),
                    Disposition::Handler {
                        address,
                        siginfo,
                        on_stack,
                        reset_hand,
                    } => {
                        let mut flags = Vec::new();
                        if siginfo {
                            flags.push("SA_SIGINFO");
                        }
                        if on_stack {
                            flags.push("SA_ONSTACK");
                        }
                        if reset_hand {
                            flags.push("SA_RESETHAND");
                        }
                        ("handler", Some(format!("{address:#x}")), flags)
                    }
                };
                serde_json::json!({
                    "name": e.name,
                    "disposition": kind,
                    "handler": handler,
                    "object": e.handler_object,
                    "flags": flags,
                })
            })
            .collect();
        let alt = match self.alt_stack {
            AltStackState::Disabled => serde_json::Value::Null,
            AltStackState::Installed { size } => serde_json::json!({ "size": size }),
        };
        serde_json::json!({ "signals": signals, "alt_stack": alt })
    }
}

impl fmt::Display for SignalAudit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.signals {
            write!(f, "  {:<8} ", e.name)?;
            match e.disposition {
                Disposition::Default => writeln!(f, "default")?,
                Disposition::Ignored => writeln!(f, "ignored")?,
                Disposition::Handler {
                    address,
                    siginfo,
                    on_stack,
                    reset_hand,
                } => {
                    write!(f, "handler {address:#x}")?;
                    if siginfo {
                        write!(f, " SA_SIGINFO")?;
                    }
                    if on_stack {
                        write!(f, " SA_ONSTACK")?;
                    }
                    if reset_hand {
                        write!(f, " SA_RESETHAND")?;
                    }
                    match &e.handler_object {
                        Some(object) => writeln!(f, " ({object})")?,
                        None => writeln!(f)?,
                    }
                }
            }
        }
        match self.alt_stack {
            AltStackState::Disabled => writeln!(f, "  alternate stack (this thread): none"),
            AltStackState::Installed { size } => {
                writeln!(f, "  alternate stack (this thread): {size} bytes")
            }
        }
    }
}

pub(crate) fn disposition_of(signal: i32) -> Disposition {
    // SAFETY: querying only (null new action); `old` is a valid out-parameter.
    let old = unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signal, std::ptr::null(), &raw mut old) != 0 {
            return Disposition::Default;
        }
        old
    };
    match old.sa_sigaction {
        libc::SIG_DFL => Disposition::Default,
        libc::SIG_IGN => Disposition::Ignored,
        address => Disposition::Handler {
            address,
            siginfo: old.sa_flags & libc::SA_SIGINFO != 0,
            on_stack: old.sa_flags & libc::SA_ONSTACK != 0,
            reset_hand: old.sa_flags & libc::SA_RESETHAND != 0,
        },
    }
}

fn alt_stack_of_current_thread() -> AltStackState {
    // SAFETY: querying only (null new stack); `old` is a valid out-parameter.
    let old = unsafe {
        let mut old: libc::stack_t = std::mem::zeroed();
        if libc::sigaltstack(std::ptr::null(), &raw mut old) != 0 {
            return AltStackState::Disabled;
        }
        old
    };
    if old.ss_flags & libc::SS_DISABLE != 0 {
        AltStackState::Disabled
    } else {
        AltStackState::Installed { size: old.ss_size }
    }
}

fn object_containing(address: usize) -> Option<String> {
    // SAFETY: dladdr only reads loader tables; `info` is a valid out-parameter, and the name
    // it returns is a NUL-terminated string owned by the loader (copied immediately).
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        if libc::dladdr(address as *const libc::c_void, &raw mut info) == 0
            || info.dli_fname.is_null()
        {
            return None;
        }
        Some(
            std::ffi::CStr::from_ptr(info.dli_fname)
                .to_string_lossy()
                .into_owned(),
        )
    }
}
