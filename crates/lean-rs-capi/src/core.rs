//! The safe core behind the C boundary: the once-guarded context, the capability registry,
//! and calls routed through the executor.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use lean_rs::signals::{self, SignalOptions, SignalPolicy};
use lean_rs::{LeanExecutor, LeanExecutorConfig, LeanExecutorError};
use num_bigint::{BigInt, BigUint};

use crate::boundary::dyncall;

/// A failure as the C side sees it: a code and a message (bounded when written out).
#[derive(Clone, Debug)]
pub(crate) struct CapiError {
    pub(crate) code: i32,
    pub(crate) message: String,
}

impl CapiError {
    pub(crate) fn new(code: i32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn from_lean(err: &lean_rs::LeanError) -> Self {
        Self::new(
            code_of(err.code()),
            format!("{}: {}", err.code(), err.message()),
        )
    }

    fn from_executor(err: &LeanExecutorError) -> Self {
        let code = match err {
            LeanExecutorError::Closed => crate::LEAN_RS_EXECUTOR_CLOSED,
            LeanExecutorError::Panicked { .. } => crate::LEAN_RS_PANIC,
            _ => crate::LEAN_RS_INTERNAL,
        };
        Self::new(code, err.to_string())
    }
}

pub(crate) type CapiResult<T> = Result<T, CapiError>;

/// The `LEAN_RS_*` code of a `lean-rs` diagnostic code, for in-process errors and for the
/// codes an isolated capability's child reports.
pub(crate) fn code_of(code: lean_rs::LeanDiagnosticCode) -> i32 {
    use lean_rs::LeanDiagnosticCode as C;
    match code {
        C::LeanException => crate::LEAN_RS_LEAN_EXCEPTION,
        C::AbiConversion => crate::LEAN_RS_CONVERSION,
        C::SymbolLookup => crate::LEAN_RS_SYMBOL_NOT_FOUND,
        C::RuntimeInit => crate::LEAN_RS_INIT_FAILED,
        C::Linking | C::ModuleInit => crate::LEAN_RS_LOAD_FAILED,
        C::SignatureMismatch | C::SignatureUnknown => crate::LEAN_RS_SIGNATURE_MISMATCH,
        C::Unsupported => crate::LEAN_RS_UNSUPPORTED,
        _ => crate::LEAN_RS_INTERNAL,
    }
}

/// The executor configuration and signal options `lean_rs_init` was given.
#[derive(Clone, Debug, Default)]
pub(crate) struct InitRequest {
    pub(crate) workers: usize,
    pub(crate) stack_size: usize,
    pub(crate) queue_capacity: usize,
    pub(crate) chain_signals: bool,
    pub(crate) restore_sigpipe: bool,
    pub(crate) crash_report_file: Option<PathBuf>,
    pub(crate) preload: Vec<PathBuf>,
}

pub(crate) struct Context {
    executor: LeanExecutor,
    /// Manifest paths; a handle is its index plus one.
    capabilities: Mutex<Vec<PathBuf>>,
}

static CONTEXT: OnceLock<CapiResult<Context>> = OnceLock::new();

/// Runs the one real initialization, or returns the outcome of the first.
pub(crate) fn init(request: InitRequest) -> CapiResult<()> {
    match CONTEXT.get_or_init(|| start(request)) {
        Ok(_) => Ok(()),
        Err(err) => Err(err.clone()),
    }
}

pub(crate) fn is_initialized() -> bool {
    matches!(CONTEXT.get(), Some(Ok(_)))
}

fn context() -> CapiResult<&'static Context> {
    match CONTEXT.get() {
        Some(Ok(context)) => Ok(context),
        Some(Err(err)) => Err(err.clone()),
        None => Err(CapiError::new(
            crate::LEAN_RS_NOT_INITIALIZED,
            "lean_rs_init has not been called",
        )),
    }
}

fn start(request: InitRequest) -> CapiResult<Context> {
    crate::boundary::pin_libraries();
    let options = SignalOptions {
        policy: if request.chain_signals {
            SignalPolicy::ChainOverflowDetection
        } else {
            SignalPolicy::LeaveHostHandlers
        },
        restore_sigpipe: request.restore_sigpipe,
        report_file: request.crash_report_file.clone(),
    };
    let preload = request.preload.clone();
    // Lean's initialization runs on a thread of our own: module initializers can recurse
    // deeply, and `lean_initialize_runtime_module` replaces the calling thread's alternate
    // stack, which must not happen to a host thread.
    let init_thread = std::thread::Builder::new()
        .name("lean-rs-init".into())
        .stack_size(256 << 20)
        .spawn(move || {
            signals::init_runtime_with(&options, |runtime| {
                for manifest in &preload {
                    signals::with_job_label(
                        &format!("module init {}", manifest.display()),
                        || dyncall::preload(runtime, manifest),
                    )?;
                }
                Ok(())
            })
            .map(|_| ())
            .map_err(|err| CapiError::from_lean(&err))
        })
        .map_err(|err| {
            CapiError::new(
                crate::LEAN_RS_INIT_FAILED,
                format!("cannot start the init thread: {err}"),
            )
        })?;
    init_thread.join().map_err(|_| {
        CapiError::new(
            crate::LEAN_RS_PANIC,
            "the Lean initialization thread panicked",
        )
    })??;
    let mut config = LeanExecutorConfig::default().name("lean-rs");
    if request.workers > 0 {
        config = config.workers(request.workers);
    }
    if request.stack_size > 0 {
        config = config.stack_size(request.stack_size);
    }
    if request.queue_capacity > 0 {
        config = config.queue_capacity(request.queue_capacity);
    }
    let executor = LeanExecutor::with_config(config)
        .map_err(|err| CapiError::new(crate::LEAN_RS_INIT_FAILED, err.to_string()))?;
    let capabilities = Mutex::new(request.preload);
    Ok(Context {
        executor,
        capabilities,
    })
}

/// Registers (or finds) the capability at `manifest`, checking on a worker that it opens.
pub(crate) fn open_capability(manifest: &Path) -> CapiResult<u64> {
    let context = context()?;
    if !manifest.is_file() {
        return Err(CapiError::new(
            crate::LEAN_RS_LOAD_FAILED,
            format!("no capability manifest at {}", manifest.display()),
        ));
    }
    let canonical = manifest
        .canonicalize()
        .unwrap_or_else(|_| manifest.to_path_buf());
    let mut list = context
        .capabilities
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(index) = list.iter().position(|p| *p == canonical) {
        return handle_of(index);
    }
    let path = canonical.clone();
    let label = format!("open {}", canonical.display());
    context
        .executor
        .run_labeled(&label, move |runtime| dyncall::preload(runtime, &path))
        .map_err(|err| CapiError::from_executor(&err))?
        .map_err(|err| CapiError::from_lean(&err))?;
    list.push(canonical);
    handle_of(list.len() - 1)
}

fn handle_of(index: usize) -> CapiResult<u64> {
    u64::try_from(index + 1)
        .map_err(|_| CapiError::new(crate::LEAN_RS_INTERNAL, "too many capabilities"))
}

/// One argument, owned, validated.
#[derive(Clone, Debug)]
pub(crate) enum ArgValue {
    Bool(bool),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    Usize(usize),
    F64(f64),
    Str(String),
    Bytes(Vec<u8>),
    Nat(BigUint),
    Int(BigInt),
}

/// One result, owned.
#[derive(Clone, Debug)]
pub(crate) enum ResultValue {
    Unit,
    Bool(bool),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    Usize(usize),
    F64(f64),
    Str(String),
    Bytes(Vec<u8>),
    Nat(BigUint),
    Int(BigInt),
}

/// Calls `symbol` of capability `handle`: in its worker child for an isolated capability
/// (no `lean_rs_init` needed), else on an executor worker.
pub(crate) fn call(
    handle: u64,
    symbol: String,
    args: Vec<ArgValue>,
    kind: u32,
) -> CapiResult<ResultValue> {
    if crate::isolated::is_isolated(handle) {
        return crate::isolated::call(handle, &symbol, args, kind);
    }
    let context = context()?;
    let manifest = {
        let list = context
            .capabilities
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        usize::try_from(handle)
            .ok()
            .and_then(|h| h.checked_sub(1))
            .and_then(|i| list.get(i).cloned())
            .ok_or_else(|| {
                CapiError::new(
                    crate::LEAN_RS_SYMBOL_NOT_FOUND,
                    format!("unknown capability handle {handle}"),
                )
            })?
    };
    let label = symbol.clone();
    context
        .executor
        .run_labeled(&label, move |runtime| {
            dyncall::call(runtime, handle, &manifest, &symbol, args, kind)
        })
        .map_err(|err| CapiError::from_executor(&err))?
}

/// Closes an isolated capability (stops its child). In-process capabilities stay open for the
/// life of the process: their libraries must never be unloaded while Lean threads live.
pub(crate) fn close_capability(handle: u64) -> CapiResult<()> {
    if crate::isolated::is_isolated(handle) {
        return crate::isolated::close(handle);
    }
    Err(CapiError::new(
        crate::LEAN_RS_UNSUPPORTED,
        format!("capability {handle} is in-process; in-process capabilities are never closed"),
    ))
}

/// `Lean.Json.parse` then `Lean.Json.compress`, on an executor worker.
pub(crate) fn json_parse(text: String) -> CapiResult<String> {
    let context = context()?;
    context
        .executor
        .run_labeled("Lean.Json.parse", move |runtime| {
            dyncall::json_parse(runtime, &text)
        })
        .map_err(|err| CapiError::from_executor(&err))?
}
