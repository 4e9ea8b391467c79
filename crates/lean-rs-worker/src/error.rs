//! The worker's typed errors: one line each, bounded.

use std::fmt;
use std::time::Duration;

/// Longest message an error carries (bytes, cut at a UTF-8 boundary).
pub const WORKER_ERROR_MESSAGE_LIMIT: usize = 4096;

pub(crate) fn bound(text: impl Into<String>) -> String {
    let mut text: String = text.into();
    if text.len() > WORKER_ERROR_MESSAGE_LIMIT {
        let mut end = WORKER_ERROR_MESSAGE_LIMIT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    // One line: the typed error is a summary; the stderr tail keeps the rest.
    text.replace(['\n', '\r'], " ")
}

/// The message of a caught panic payload (`&str` or `String`), bounded.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned());
    bound(message)
}

/// How a worker child ended, as its launcher reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeanWorkerExitStatus {
    /// The exit code, when the child exited.
    pub code: Option<i32>,
    /// The terminating signal, when a signal ended it.
    pub signal: Option<i32>,
}

impl fmt::Display for LeanWorkerExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code, self.signal) {
            (_, Some(signal)) => write!(f, "signal {signal} ({})", signal_name(signal)),
            (Some(code), None) => write!(f, "exit code {code}"),
            (None, None) => write!(f, "unknown exit"),
        }
    }
}

pub(crate) fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGTERM => "SIGTERM",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGPIPE => "SIGPIPE",
        _ => "signal",
    }
}

/// What ended a worker child that was not asked to stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeanWorkerFatalKind {
    /// Lean panicked and aborted (`LEAN_ABORT_ON_PANIC=1`); the message is Lean's, from the
    /// child's stderr.
    Panic {
        /// Lean's panic message.
        message: String,
    },
    /// The child's stack overflowed (Lean's guard-page handler, or a fault it reported).
    StackOverflow,
    /// The child died for memory; `evidence` says how that is known.
    OutOfMemory {
        /// Lean's message, the kernel's OOM-kill count of the child's cgroup, or the watchdog.
        evidence: LeanWorkerMemoryEvidence,
    },
    /// `SIGKILL` from outside with no memory evidence: `kill -9`, or the kernel's OOM killer
    /// for a child without a launcher-enforced memory limit.
    Killed,
    /// Another signal.
    Signal(i32),
    /// The child exited on its own with this code.
    Exited(i32),
    /// The protocol pipe closed while the child had not exited (or its exit could not be
    /// observed in time).
    UnexpectedEof,
    /// The cluster scheduler ended the child (its launcher asked the scheduler why).
    Scheduler(LeanWorkerSchedulerKill),
}

/// Why a cluster scheduler (Slurm's `slurmctld`, …) ended a worker child.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LeanWorkerSchedulerKill {
    /// The job reached its time limit.
    TimeLimit,
    /// The job exceeded its memory limit.
    MemoryLimit,
    /// A higher-priority job preempted it.
    Preempted,
    /// The node it ran on failed or was taken down.
    NodeFailure,
    /// Someone cancelled it (`scancel`).
    Cancelled,
    /// Another terminal state the scheduler reported (its name, bounded).
    Other(String),
}

impl fmt::Display for LeanWorkerSchedulerKill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TimeLimit => write!(f, "time limit"),
            Self::MemoryLimit => write!(f, "memory limit"),
            Self::Preempted => write!(f, "preemption"),
            Self::NodeFailure => write!(f, "node failure"),
            Self::Cancelled => write!(f, "cancelled"),
            Self::Other(state) => write!(f, "{state}"),
        }
    }
}

/// What shows that a child died for memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeanWorkerMemoryEvidence {
    /// Lean's allocator reported that it is out of memory (its message is in the tail).
    LeanAllocator,
    /// The kernel's OOM killer killed the child at the memory limit of the cgroup its launcher
    /// ran it in ([`LeanWorkerLocalLauncher::memory_limit_bytes`](crate::LeanWorkerLocalLauncher::memory_limit_bytes)).
    CgroupLimit {
        /// The limit.
        limit_bytes: u64,
    },
    /// The supervisor killed the child mid-request because its sampled RSS reached the
    /// watchdog ceiling ([`LeanWorkerConfig::rss_watchdog_kib`](crate::LeanWorkerConfig::rss_watchdog_kib));
    /// the replacement is recorded as [`LeanWorkerRestartReason::Policy`].
    RssCeiling {
        /// The sample that reached the ceiling.
        rss_kib: u64,
        /// The ceiling.
        ceiling_kib: u64,
    },
}

/// A fatal child exit, classified, with the tail of its diagnostic output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanWorkerFatalExit {
    /// The classification.
    pub kind: LeanWorkerFatalKind,
    /// The exit status, when observed.
    pub status: Option<LeanWorkerExitStatus>,
    /// The last lines of the child's stderr and stdout (bounded).
    pub stderr_tail: String,
}

impl fmt::Display for LeanWorkerFatalExit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            LeanWorkerFatalKind::Panic { message } => write!(f, "Lean panic: {message}")?,
            LeanWorkerFatalKind::StackOverflow => write!(f, "stack overflow")?,
            LeanWorkerFatalKind::OutOfMemory { evidence } => match evidence {
                LeanWorkerMemoryEvidence::LeanAllocator => {
                    write!(f, "out of memory (Lean's allocator)")?;
                }
                LeanWorkerMemoryEvidence::CgroupLimit { limit_bytes } => write!(
                    f,
                    "out of memory: OOM-killed at its {limit_bytes}-byte cgroup limit"
                )?,
                LeanWorkerMemoryEvidence::RssCeiling {
                    rss_kib,
                    ceiling_kib,
                } => write!(
                    f,
                    "out of memory: RSS {rss_kib} KiB reached the {ceiling_kib} KiB watchdog ceiling; killed"
                )?,
            },
            LeanWorkerFatalKind::Killed => {
                write!(
                    f,
                    "killed by SIGKILL (kill -9, or an OOM kill without a memory limit)"
                )?;
            }
            LeanWorkerFatalKind::Signal(signal) => {
                write!(f, "signal {signal} ({})", signal_name(*signal))?;
            }
            LeanWorkerFatalKind::Exited(code) => write!(f, "exited with code {code}")?,
            LeanWorkerFatalKind::UnexpectedEof => write!(f, "unexpected end of the protocol pipe")?,
            LeanWorkerFatalKind::Scheduler(kill) => write!(f, "ended by the scheduler: {kill}")?,
        }
        if let Some(status) = self.status {
            write!(f, " [{status}]")?;
        }
        Ok(())
    }
}

/// Why a worker child was replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeanWorkerRestartReason {
    /// [`LeanWorker::cycle`](crate::LeanWorker::cycle), with the caller's reason.
    Explicit(String),
    /// A request exceeded its deadline.
    RequestTimeout,
    /// The child died.
    FatalExit(LeanWorkerFatalKind),
    /// The child broke the protocol and was killed.
    ProtocolViolation,
    /// A stream was cancelled but the child did not stop in time.
    Cancelled,
    /// A policy replaced the child: the pool's (idle time, RSS ceiling, before a warm worker
    /// is leased again), the worker's RSS watchdog, or a capability worker's
    /// `LeanWorkerRestartPolicy` (request count, RSS, before a request).
    Policy(String),
}

impl fmt::Display for LeanWorkerRestartReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Explicit(reason) => write!(f, "explicit cycle: {reason}"),
            Self::RequestTimeout => write!(f, "request timeout"),
            Self::FatalExit(kind) => write!(f, "fatal exit: {kind:?}"),
            Self::ProtocolViolation => write!(f, "protocol violation"),
            Self::Cancelled => write!(f, "cancellation"),
            Self::Policy(why) => write!(f, "policy: {why}"),
        }
    }
}

/// Every way a worker operation fails. The parent process never panics for a child's sake.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LeanWorkerError {
    /// The child could not be started (launcher failure).
    #[error("lean-rs-worker: cannot start the worker child: {0}")]
    Spawn(String),
    /// The child did not complete its handshake in time; it was killed.
    #[error("lean-rs-worker: the worker child sent no handshake within {0:?}")]
    StartupTimeout(Duration),
    /// The handshake was refused (wrong protocol, magic or instance).
    #[error("lean-rs-worker: handshake refused: {0}")]
    Handshake(String),
    /// A request exceeded its deadline; the child was killed and will be replaced.
    #[error("lean-rs-worker: {operation} timed out after {duration:?}; the child was killed")]
    Timeout {
        /// What was running.
        operation: String,
        /// The deadline.
        duration: Duration,
    },
    /// The child died.
    #[error("lean-rs-worker: the worker child died: {0}")]
    Fatal(LeanWorkerFatalExit),
    /// The child broke the protocol; it was killed.
    #[error("lean-rs-worker: protocol violation: {0}")]
    Protocol(String),
    /// The request failed inside the child (a Lean exception, a refused signature…); the child
    /// keeps serving.
    #[error("lean-rs-worker: {code}: {message}")]
    Lean {
        /// The child's error code (`lean_rs.*` or `lean_rs_worker.*`).
        code: String,
        /// The child's one-line message.
        message: String,
    },
    /// The request was cancelled; rows it delivered were never committed.
    #[error("lean-rs-worker: request cancelled")]
    Cancelled,
    /// The parent's row sink panicked; the stream was cancelled.
    #[error("lean-rs-worker: the row sink panicked: {0}")]
    SinkPanic(String),
    /// A row did not decode into the command's row type.
    #[error("lean-rs-worker: {export}: row {sequence} does not decode: {message}")]
    RowDecode {
        /// The streaming export.
        export: String,
        /// The row's 0-based sequence number.
        sequence: u64,
        /// Why.
        message: String,
    },
    /// A request or response did not encode/decode through the command's codec.
    #[error("lean-rs-worker: {export}: {message}")]
    Codec {
        /// The export.
        export: String,
        /// Why.
        message: String,
    },
    /// Bad caller input (an argument that does not match the signature, …).
    #[error("lean-rs-worker: {0}")]
    InvalidRequest(String),
    /// A pool could not admit the work in time, or at all (worker limit, RSS budget).
    #[error("lean-rs-worker: pool admission: {0}")]
    Admission(String),
}

impl LeanWorkerError {
    /// A stable code for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Spawn(_) => "lean_rs_worker.spawn",
            Self::StartupTimeout(_) => "lean_rs_worker.startup_timeout",
            Self::Handshake(_) => "lean_rs_worker.handshake",
            Self::Timeout { .. } => "lean_rs_worker.timeout",
            Self::Fatal(_) => "lean_rs_worker.fatal_exit",
            Self::Protocol(_) => "lean_rs_worker.protocol",
            Self::Lean { .. } => "lean_rs_worker.lean",
            Self::Cancelled => "lean_rs_worker.cancelled",
            Self::SinkPanic(_) => "lean_rs_worker.sink_panic",
            Self::RowDecode { .. } => "lean_rs_worker.row_decode",
            Self::Codec { .. } => "lean_rs_worker.codec",
            Self::InvalidRequest(_) => "lean_rs_worker.invalid_request",
            Self::Admission(_) => "lean_rs_worker.admission",
        }
    }

    /// The fatal exit, when the child died.
    pub fn fatal(&self) -> Option<&LeanWorkerFatalExit> {
        match self {
            Self::Fatal(exit) => Some(exit),
            _ => None,
        }
    }
}

/// `Result` with [`LeanWorkerError`].
pub type LeanWorkerResult<T> = Result<T, LeanWorkerError>;
