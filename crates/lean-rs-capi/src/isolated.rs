//! Worker mode: a capability opened in a supervised child process of its own
//! (`lean-rs-worker`), called through the same `lean_rs_call` as an in-process one.
//!
//! The parent (this process) never starts Lean for an isolated capability: it reads the
//! capability manifest to check each call's kinds against the recorded C signature (the same
//! check, code and message as in-process calls), then sends the call to the child, which
//! checks the signature again before calling. A child that panics, aborts, overflows its stack,
//! is killed or breaks the protocol becomes a `LEAN_RS_WORKER_*` code; `LeanWorker` replaces it
//! (reopening the capability) at the next call.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lean_rs::{ExportSignature, LeanDiagnosticCode};
use lean_rs_worker::{
    DEFAULT_MAX_FRAME_BYTES, LeanWorker, LeanWorkerCapability, LeanWorkerConfig, LeanWorkerError,
    LeanWorkerFatalKind, LeanWorkerLocalLauncher, LeanWorkerSignature, LeanWorkerType,
    LeanWorkerValue, WORKER_CHILD_ENV,
};
use lean_toolchain::lake::CapabilityManifest;
use num_bigint::{BigInt, BigUint};

use crate::core::{ArgValue, CapiError, CapiResult, ResultValue};

/// Set in every isolated handle; in-process handles are small indices and never have it.
const ISOLATED_BIT: u64 = 1 << 63;
/// The shipped child binary's file name.
const CHILD_NAME: &str = "lean-rs-worker-child";
/// Default deadlines (the worker crate's own defaults).
const DEFAULT_STARTUP: Duration = Duration::from_secs(30);
const DEFAULT_REQUEST: Duration = Duration::from_secs(60);

/// What `lean_rs_capability_open_isolated` was given, validated.
#[derive(Clone, Debug, Default)]
pub(crate) struct WorkerRequest {
    /// The child binary the host named, if any.
    pub(crate) child: Option<PathBuf>,
    /// The directory `liblean_rs_capi` was loaded from, when the loader says.
    pub(crate) library_dir: Option<PathBuf>,
    /// 0: the default.
    pub(crate) startup_timeout_ms: u32,
    /// 0: the default.
    pub(crate) request_timeout_ms: u32,
    /// `LEAN_ABORT_ON_PANIC=1` in the child.
    pub(crate) abort_on_panic: bool,
    /// 0: no memory cgroup.
    pub(crate) memory_limit_bytes: u64,
    /// 0: no RSS watchdog.
    pub(crate) rss_watchdog_kib: u64,
}

/// One isolated capability: its manifest's signatures (for the parent-side check) and the
/// supervised worker that hosts it. Calls on one handle take turns on `worker`.
struct Isolated {
    manifest: PathBuf,
    exports: BTreeMap<String, ExportSignature>,
    worker: Mutex<(LeanWorker, LeanWorkerCapability)>,
}

/// Open isolated capabilities by handle (bounded by `LEAN_RS_MAX_ISOLATED`).
static OPEN: Mutex<BTreeMap<u64, Arc<Isolated>>> = Mutex::new(BTreeMap::new());
/// Handles are never reused: a closed handle stays unknown.
static NEXT: AtomicU64 = AtomicU64::new(1);

pub(crate) fn is_isolated(handle: u64) -> bool {
    handle & ISOLATED_BIT != 0
}

fn open_list() -> std::sync::MutexGuard<'static, BTreeMap<u64, Arc<Isolated>>> {
    OPEN.lock().unwrap_or_else(PoisonError::into_inner)
}

fn too_many() -> CapiError {
    CapiError::new(
        crate::LEAN_RS_LOAD_FAILED,
        format!(
            "{} isolated capabilities are open (the limit); close one first",
            crate::LEAN_RS_MAX_ISOLATED
        ),
    )
}

/// Starts a child, opens the capability at `manifest` in it, and registers it.
pub(crate) fn open(manifest: &Path, request: &WorkerRequest) -> CapiResult<u64> {
    if open_list().len() >= crate::LEAN_RS_MAX_ISOLATED {
        return Err(too_many());
    }
    let manifest = manifest
        .canonicalize()
        .map_err(|err| load_failed(manifest, &err.to_string()))?;
    let parsed = CapabilityManifest::load(&manifest)
        .map_err(|err| load_failed(&manifest, &err.to_string()))?;
    let program = child_program(request)?;
    let millis = |ms: u32, default: Duration| {
        if ms == 0 {
            default
        } else {
            Duration::from_millis(u64::from(ms))
        }
    };
    let mut launcher = LeanWorkerLocalLauncher::new(program);
    if request.memory_limit_bytes > 0 {
        launcher = launcher.memory_limit_bytes(request.memory_limit_bytes);
    }
    let mut config = LeanWorkerConfig::new(launcher)
        .startup_timeout(millis(request.startup_timeout_ms, DEFAULT_STARTUP))
        .request_timeout(millis(request.request_timeout_ms, DEFAULT_REQUEST));
    if request.abort_on_panic {
        config = config.env("LEAN_ABORT_ON_PANIC", "1");
    }
    if request.rss_watchdog_kib > 0 {
        config = config.rss_watchdog_kib(request.rss_watchdog_kib);
    }
    let (worker, capability) = crate::boundary::without_sigpipe(|| {
        let mut worker = LeanWorker::spawn(config)?;
        let capability = worker.open_capability(&manifest)?;
        Ok::<_, LeanWorkerError>((worker, capability))
    })
    .map_err(|err| from_worker(&err))?;
    let isolated = Arc::new(Isolated {
        manifest,
        exports: parsed.exports,
        worker: Mutex::new((worker, capability)),
    });
    let mut list = open_list();
    if list.len() >= crate::LEAN_RS_MAX_ISOLATED {
        return Err(too_many());
    }
    let handle = ISOLATED_BIT | NEXT.fetch_add(1, Ordering::Relaxed);
    list.insert(handle, isolated);
    Ok(handle)
}

fn load_failed(manifest: &Path, why: &str) -> CapiError {
    CapiError::new(
        crate::LEAN_RS_LOAD_FAILED,
        format!("capability manifest {}: {why}", manifest.display()),
    )
}

/// The child binary: the host's path, else `$LEAN_RS_WORKER_CHILD`, else next to
/// `liblean_rs_capi` (or in its parent directory), else next to the host executable (or in its
/// parent directory).
fn child_program(request: &WorkerRequest) -> CapiResult<PathBuf> {
    let start_failed =
        |message: String| CapiError::new(crate::LEAN_RS_WORKER_START_FAILED, message);
    let named = request
        .child
        .clone()
        .map(|p| (p, "child_path"))
        .or_else(|| {
            std::env::var_os(WORKER_CHILD_ENV).map(|p| (PathBuf::from(p), WORKER_CHILD_ENV))
        });
    if let Some((path, source)) = named {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(start_failed(format!(
                "the worker child {} ({source}) is not a file",
                path.display()
            )))
        };
    }
    let beside_library = request.library_dir.as_deref().and_then(|dir| {
        dir.ancestors()
            .take(2)
            .map(|d| d.join(CHILD_NAME))
            .find(|candidate| candidate.is_file())
    });
    if let Some(path) = beside_library {
        return Ok(path);
    }
    LeanWorkerLocalLauncher::default_child()
        .map(|launcher| launcher.program().to_path_buf())
        .map_err(|err| {
            start_failed(format!(
                "no {CHILD_NAME}: not given as child_path, not in {WORKER_CHILD_ENV}, not beside \
                 liblean_rs_capi ({}), and {err}",
                request
                    .library_dir
                    .as_deref()
                    .map_or_else(|| "unknown".into(), |d| d.display().to_string())
            ))
        })
}

/// Stops the child of an isolated capability and forgets its handle. A call running on
/// another thread finishes first; the child is stopped when it returns.
pub(crate) fn close(handle: u64) -> CapiResult<()> {
    let removed = open_list().remove(&handle);
    match removed {
        Some(isolated) => {
            drop(isolated);
            Ok(())
        }
        None => Err(unknown(handle)),
    }
}

fn unknown(handle: u64) -> CapiError {
    CapiError::new(
        crate::LEAN_RS_SYMBOL_NOT_FOUND,
        format!("unknown capability handle {handle:#x}"),
    )
}

/// Calls `symbol` of the isolated capability `handle` in its child.
pub(crate) fn call(
    handle: u64,
    symbol: &str,
    args: Vec<ArgValue>,
    kind: u32,
) -> CapiResult<ResultValue> {
    let isolated = open_list()
        .get(&handle)
        .cloned()
        .ok_or_else(|| unknown(handle))?;
    let signature = isolated.exports.get(symbol).ok_or_else(|| {
        CapiError::new(
            crate::LEAN_RS_SYMBOL_NOT_FOUND,
            format!(
                "{symbol} is not among the exports the capability manifest records ({})",
                isolated.manifest.display()
            ),
        )
    })?;
    crate::signature::check_signature(symbol, signature, &args, kind)?;
    let payload: usize = args.iter().map(ArgValue::payload_len).sum();
    if payload > DEFAULT_MAX_FRAME_BYTES as usize {
        return Err(CapiError::new(
            crate::LEAN_RS_INVALID_ARGUMENT,
            format!(
                "{payload} bytes of arguments; an isolated call carries at most \
                 {DEFAULT_MAX_FRAME_BYTES}"
            ),
        ));
    }
    let wire = LeanWorkerSignature {
        params: args.iter().map(ArgValue::worker_type).collect(),
        result: result_type(kind)?,
        io: kind & crate::LEAN_RS_KIND_IO != 0,
    };
    let values = args.into_iter().map(ArgValue::into_worker).collect();
    let mut guard = isolated
        .worker
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let (worker, capability) = &mut *guard;
    let value = crate::boundary::without_sigpipe(|| worker.call(capability, symbol, &wire, values))
        .map_err(|err| from_worker(&err))?;
    drop(guard);
    from_value(value)
}

fn result_type(kind: u32) -> CapiResult<LeanWorkerType> {
    Ok(match kind & !crate::LEAN_RS_KIND_IO {
        crate::LEAN_RS_KIND_UNIT => LeanWorkerType::Unit,
        crate::LEAN_RS_KIND_BOOL => LeanWorkerType::Bool,
        crate::LEAN_RS_KIND_U8 => LeanWorkerType::U8,
        crate::LEAN_RS_KIND_U16 => LeanWorkerType::U16,
        crate::LEAN_RS_KIND_U32 => LeanWorkerType::U32,
        crate::LEAN_RS_KIND_U64 => LeanWorkerType::U64,
        crate::LEAN_RS_KIND_USIZE => LeanWorkerType::USize,
        crate::LEAN_RS_KIND_F64 => LeanWorkerType::F64,
        crate::LEAN_RS_KIND_STRING => LeanWorkerType::String,
        crate::LEAN_RS_KIND_BYTES => LeanWorkerType::Bytes,
        crate::LEAN_RS_KIND_NAT => LeanWorkerType::Nat,
        crate::LEAN_RS_KIND_INT => LeanWorkerType::Int,
        other => {
            return Err(CapiError::new(
                crate::LEAN_RS_INVALID_ARGUMENT,
                format!("unknown result kind {other:#x}"),
            ));
        }
    })
}

impl ArgValue {
    /// Bytes the argument carries (what bounds a request frame).
    fn payload_len(&self) -> usize {
        match self {
            Self::Str(s) => s.len(),
            Self::Bytes(b) => b.len(),
            _ => 8,
        }
    }

    fn worker_type(&self) -> LeanWorkerType {
        match self {
            Self::Bool(_) => LeanWorkerType::Bool,
            Self::U8(_) => LeanWorkerType::U8,
            Self::U16(_) => LeanWorkerType::U16,
            Self::U32(_) => LeanWorkerType::U32,
            Self::U64(_) => LeanWorkerType::U64,
            Self::Usize(_) => LeanWorkerType::USize,
            Self::F64(_) => LeanWorkerType::F64,
            Self::Str(_) => LeanWorkerType::String,
            Self::Bytes(_) => LeanWorkerType::Bytes,
            Self::Nat(_) => LeanWorkerType::Nat,
            Self::Int(_) => LeanWorkerType::Int,
        }
    }

    fn into_worker(self) -> LeanWorkerValue {
        match self {
            Self::Bool(b) => LeanWorkerValue::Bool(b),
            Self::U8(v) => LeanWorkerValue::U8(v),
            Self::U16(v) => LeanWorkerValue::U16(v),
            Self::U32(v) => LeanWorkerValue::U32(v),
            Self::U64(v) => LeanWorkerValue::U64(v),
            Self::Usize(v) => LeanWorkerValue::USize(v as u64),
            Self::F64(v) => LeanWorkerValue::F64(v),
            Self::Str(s) => LeanWorkerValue::String(s),
            Self::Bytes(b) => LeanWorkerValue::Bytes(b),
            Self::Nat(n) => LeanWorkerValue::Nat(n.to_string()),
            Self::Int(n) => LeanWorkerValue::Int(n.to_string()),
        }
    }
}

/// The child's result, validated (decimal text parsed, `USize` narrowed).
fn from_value(value: LeanWorkerValue) -> CapiResult<ResultValue> {
    let conversion = |what: &str| {
        CapiError::new(
            crate::LEAN_RS_CONVERSION,
            format!("the worker child returned an invalid {what}"),
        )
    };
    Ok(match value {
        LeanWorkerValue::Unit => ResultValue::Unit,
        LeanWorkerValue::Bool(b) => ResultValue::Bool(b),
        LeanWorkerValue::U8(v) => ResultValue::U8(v),
        LeanWorkerValue::U16(v) => ResultValue::U16(v),
        LeanWorkerValue::U32(v) => ResultValue::U32(v),
        LeanWorkerValue::U64(v) => ResultValue::U64(v),
        LeanWorkerValue::USize(v) => {
            ResultValue::Usize(usize::try_from(v).map_err(|_| conversion("USize"))?)
        }
        LeanWorkerValue::F64(v) => ResultValue::F64(v),
        LeanWorkerValue::String(s) => ResultValue::Str(s),
        LeanWorkerValue::Bytes(b) => ResultValue::Bytes(b),
        LeanWorkerValue::Nat(text) => {
            ResultValue::Nat(decimal::<BigUint>(&text).ok_or_else(|| conversion("Nat"))?)
        }
        LeanWorkerValue::Int(text) => {
            ResultValue::Int(decimal::<BigInt>(&text).ok_or_else(|| conversion("Int"))?)
        }
        // The C ABI asks only for the kinds above, so a child answering another type is wrong.
        _ => return Err(conversion("value of a type the C ABI does not carry")),
    })
}

/// Plain decimal digits with an optional leading `-` (nothing else `FromStr` might accept).
fn decimal<T: std::str::FromStr>(text: &str) -> Option<T> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The child's `lean_rs.*` codes the C ABI distinguishes, mapped like in-process errors.
const CHILD_CODES: [LeanDiagnosticCode; 9] = [
    LeanDiagnosticCode::LeanException,
    LeanDiagnosticCode::AbiConversion,
    LeanDiagnosticCode::SymbolLookup,
    LeanDiagnosticCode::RuntimeInit,
    LeanDiagnosticCode::Linking,
    LeanDiagnosticCode::ModuleInit,
    LeanDiagnosticCode::SignatureMismatch,
    LeanDiagnosticCode::SignatureUnknown,
    LeanDiagnosticCode::Unsupported,
];

/// A worker failure as a `LEAN_RS_*` code and its one-line message.
fn from_worker(err: &LeanWorkerError) -> CapiError {
    let code = match err {
        LeanWorkerError::Spawn(_)
        | LeanWorkerError::StartupTimeout(_)
        | LeanWorkerError::Handshake(_) => crate::LEAN_RS_WORKER_START_FAILED,
        LeanWorkerError::Timeout { .. } => crate::LEAN_RS_WORKER_TIMEOUT,
        LeanWorkerError::Protocol(_) => crate::LEAN_RS_WORKER_PROTOCOL,
        LeanWorkerError::Fatal(exit) => match exit.kind {
            LeanWorkerFatalKind::Panic { .. } => crate::LEAN_RS_WORKER_PANIC,
            LeanWorkerFatalKind::StackOverflow => crate::LEAN_RS_WORKER_STACK_OVERFLOW,
            LeanWorkerFatalKind::OutOfMemory { .. } => crate::LEAN_RS_WORKER_OUT_OF_MEMORY,
            LeanWorkerFatalKind::Killed => crate::LEAN_RS_WORKER_KILLED,
            _ => crate::LEAN_RS_WORKER_DIED,
        },
        LeanWorkerError::Lean { code, .. } => {
            CHILD_CODES.iter().find(|c| c.as_str() == code).map_or_else(
                || {
                    if code == "lean_rs_worker.invalid_request" {
                        crate::LEAN_RS_INVALID_ARGUMENT
                    } else {
                        crate::LEAN_RS_INTERNAL
                    }
                },
                |c| crate::core::code_of(*c),
            )
        }
        LeanWorkerError::InvalidRequest(_) => crate::LEAN_RS_INVALID_ARGUMENT,
        _ => crate::LEAN_RS_INTERNAL,
    };
    let mut message = err.to_string();
    if (crate::LEAN_RS_WORKER_PANIC..=crate::LEAN_RS_WORKER_PROTOCOL).contains(&code) {
        message.push_str("; the next call starts a fresh child");
    }
    CapiError::new(code, message)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn isolated_handles_never_collide_with_in_process_ones() {
        assert!(!is_isolated(1));
        assert!(!is_isolated(u64::from(u32::MAX)));
        assert!(is_isolated(ISOLATED_BIT | 1));
    }

    #[test]
    fn child_results_are_validated_before_they_reach_c() {
        assert!(from_value(LeanWorkerValue::Nat("12".into())).is_ok());
        for bad in ["", "-", "+1", "1_000", "0x10", " 1"] {
            let err = from_value(LeanWorkerValue::Nat(bad.into())).unwrap_err();
            assert_eq!(err.code, crate::LEAN_RS_CONVERSION, "{bad:?}");
        }
        assert_eq!(
            from_value(LeanWorkerValue::Nat("-1".into()))
                .unwrap_err()
                .code,
            crate::LEAN_RS_CONVERSION
        );
        assert!(matches!(
            from_value(LeanWorkerValue::Int("-7".into())).unwrap(),
            ResultValue::Int(n) if n == BigInt::from(-7)
        ));
    }

    #[test]
    fn worker_failures_map_to_distinct_codes() {
        let fatal = |kind| {
            LeanWorkerError::Fatal(lean_rs_worker::LeanWorkerFatalExit {
                kind,
                status: None,
                stderr_tail: String::new(),
            })
        };
        let cases = [
            (
                fatal(LeanWorkerFatalKind::Panic {
                    message: "PANIC at f".into(),
                }),
                crate::LEAN_RS_WORKER_PANIC,
            ),
            (
                fatal(LeanWorkerFatalKind::StackOverflow),
                crate::LEAN_RS_WORKER_STACK_OVERFLOW,
            ),
            (
                fatal(LeanWorkerFatalKind::OutOfMemory {
                    evidence: lean_rs_worker::LeanWorkerMemoryEvidence::LeanAllocator,
                }),
                crate::LEAN_RS_WORKER_OUT_OF_MEMORY,
            ),
            (
                fatal(LeanWorkerFatalKind::Killed),
                crate::LEAN_RS_WORKER_KILLED,
            ),
            (
                fatal(LeanWorkerFatalKind::Exited(3)),
                crate::LEAN_RS_WORKER_DIED,
            ),
            (
                LeanWorkerError::Timeout {
                    operation: "f".into(),
                    duration: Duration::from_secs(1),
                },
                crate::LEAN_RS_WORKER_TIMEOUT,
            ),
            (
                LeanWorkerError::Lean {
                    code: "lean_rs.lean_exception".into(),
                    message: "boom".into(),
                },
                crate::LEAN_RS_LEAN_EXCEPTION,
            ),
            (
                LeanWorkerError::Lean {
                    code: "lean_rs.signature_mismatch".into(),
                    message: "x".into(),
                },
                crate::LEAN_RS_SIGNATURE_MISMATCH,
            ),
            (
                LeanWorkerError::Lean {
                    code: "lean_rs_worker.invalid_request".into(),
                    message: "x".into(),
                },
                crate::LEAN_RS_INVALID_ARGUMENT,
            ),
            (
                LeanWorkerError::Spawn("no such file".into()),
                crate::LEAN_RS_WORKER_START_FAILED,
            ),
        ];
        for (err, code) in cases {
            let mapped = from_worker(&err);
            assert_eq!(mapped.code, code, "{err}");
            assert!(mapped.message.contains(&err.to_string()));
        }
        let panic = from_worker(&fatal(LeanWorkerFatalKind::Panic {
            message: "PANIC at f".into(),
        }));
        assert!(panic.message.contains("PANIC at f"), "{}", panic.message);
        assert!(
            panic
                .message
                .ends_with("the next call starts a fresh child")
        );
    }
}
