//! The `extern "C"` boundary: `#[repr(C)]` types and the exported functions.
//!
//! Every function validates its pointers and input before use, never unwinds into C (each
//! body runs under `catch_unwind`), and reports failures as a `LEAN_RS_*` code plus, when
//! the caller passes one, a filled `LeanRsError`.

#![allow(unsafe_code)] // the C ABI boundary: raw pointers from C, #[no_mangle] exports

pub(crate) mod dyncall;

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::ptr;

use num_bigint::{BigInt, BigUint};

use crate::core::{self, ArgValue, CapiError, CapiResult, InitRequest, ResultValue};
use crate::isolated::WorkerRequest;
use crate::{LEAN_RS_ERROR_MESSAGE_CAPACITY, LEAN_RS_MAX_ARGS};

/// Longest path or symbol name accepted, in bytes.
const MAX_NAME: usize = 4096;
/// Largest string, byte array or decimal text accepted as one argument (256 MiB).
const MAX_ARG_BYTES: usize = 256 << 20;

/// A failure report, owned by the caller (on its stack, typically). Filled by every
/// fallible function that receives a non-null pointer to one; `code` is also the return
/// value. `message` is NUL-terminated UTF-8, cut to fit.
#[repr(C)]
pub struct LeanRsError {
    /// A `LEAN_RS_*` code (`LEAN_RS_OK` on success).
    pub code: i32,
    /// Bytes in `message` before the NUL.
    pub message_len: u32,
    /// The message.
    pub message: [c_char; LEAN_RS_ERROR_MESSAGE_CAPACITY],
}

/// Options for `lean_rs_init`; start from `lean_rs_init_options_default`.
#[repr(C)]
pub struct LeanRsInitOptions {
    /// Must be `LEAN_RS_ABI_VERSION`.
    pub abi_version: u32,
    /// Executor workers (0: one per core, at most 8).
    pub workers: u32,
    /// Worker stack size in bytes (0: 1 GiB, committed lazily).
    pub stack_size: u64,
    /// Queue capacity (0: 256).
    pub queue_capacity: u32,
    /// `LEAN_RS_SIGNALS_LEAVE_HOST` or `LEAN_RS_SIGNALS_CHAIN`.
    pub signal_policy: u32,
    /// Nonzero: put SIGPIPE back after Lean's initialization ignored it.
    pub restore_sigpipe: u8,
    /// Also append crash reports to this file (NULL: stderr only).
    pub crash_report_file: *const c_char,
    /// Capability manifests whose module initializers run inside Lean's initialization
    /// phase; their handles are 1..=`preload_count`, in order.
    pub preload_manifests: *const *const c_char,
    /// Entries in `preload_manifests`.
    pub preload_count: usize,
}

/// Options for `lean_rs_capability_open_isolated`; start from
/// `lean_rs_worker_options_default`. Each isolated capability gets a child of its own.
#[repr(C)]
pub struct LeanRsWorkerOptions {
    /// Must be `LEAN_RS_ABI_VERSION`.
    pub abi_version: u32,
    /// Deadline for the child to start Lean and answer its handshake, in milliseconds
    /// (0: 30 000). A restart after a crash waits for it too.
    pub startup_timeout_ms: u32,
    /// Deadline of one call, in milliseconds (0: 60 000). A call past it kills the child
    /// (`LEAN_RS_WORKER_TIMEOUT`).
    pub request_timeout_ms: u32,
    /// Nonzero: `LEAN_ABORT_ON_PANIC=1` in the child, so a Lean `panic!` ends the child
    /// (`LEAN_RS_WORKER_PANIC`) instead of printing and returning a default value.
    pub abort_on_panic: u8,
    /// The `lean-rs-worker-child` binary. NULL: `$LEAN_RS_WORKER_CHILD`, else the directory
    /// of `liblean_rs_capi` or its parent, else the directory of the host executable or its
    /// parent.
    pub child_path: *const c_char,
    /// Nonzero: run the child in its own memory cgroup limited to this many bytes (Linux,
    /// with a writable cgroup v2 memory controller or v1 memory hierarchy; otherwise the open
    /// fails with `LEAN_RS_WORKER_START_FAILED`). A child OOM-killed at the limit is
    /// `LEAN_RS_WORKER_OUT_OF_MEMORY`.
    pub memory_limit_bytes: u64,
    /// Nonzero: kill the child when its resident set reaches this many KiB during a call
    /// (sampled every 25 ms): `LEAN_RS_WORKER_OUT_OF_MEMORY`. Needs no cgroup.
    pub rss_watchdog_kib: u64,
}

/// One argument of `lean_rs_call`. `kind` says which fields are read: `bits` for
/// `BOOL`/`U8`/`U16`/`U32`/`U64`/`USIZE`, `real` for `F64`, `data`/`len` for `STRING`
/// (UTF-8), `BYTES`, `NAT` and `INT` (decimal text). The data is copied before the call
/// returns.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct LeanRsArg {
    /// A `LEAN_RS_KIND_*` (not `UNIT`, no `IO` flag).
    pub kind: u32,
    /// Integer payload.
    pub bits: u64,
    /// `Float` payload.
    pub real: f64,
    /// Byte payload (may be NULL when `len` is 0).
    pub data: *const u8,
    /// Bytes at `data`.
    pub len: usize,
}

/// A result. Fields as for `LeanRsArg`; `data` (when not NULL) is owned by the library
/// until `lean_rs_value_free`, and is NUL-terminated for `STRING`, `NAT` and `INT`.
#[repr(C)]
pub struct LeanRsValue {
    /// The `LEAN_RS_KIND_*` of the value (without the `IO` flag).
    pub kind: u32,
    /// Integer payload.
    pub bits: u64,
    /// `Float` payload.
    pub real: f64,
    /// Byte payload, or NULL.
    pub data: *mut u8,
    /// Bytes at `data`, excluding the NUL.
    pub len: usize,
}

static VERSION: &CStr = {
    const TEXT: &str = concat!("lean-rs-capi ", env!("CARGO_PKG_VERSION"), "\0");
    match CStr::from_bytes_with_nul(TEXT.as_bytes()) {
        Ok(s) => s,
        // A compile-time constant: the literal above ends in its only NUL.
        Err(_) => c"lean-rs-capi",
    }
};

fn write_error(err: *mut LeanRsError, code: i32, message: &str) {
    if err.is_null() {
        return;
    }
    let mut cut = message.len().min(LEAN_RS_ERROR_MESSAGE_CAPACITY - 1);
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    // SAFETY: `err` is non-null and, per the API contract, points to a caller-owned
    // `LeanRsError`; we write within its `message` array (cut + 1 <= capacity).
    unsafe {
        (*err).code = code;
        (*err).message_len = u32::try_from(cut).unwrap_or(0);
        let dst = (*err).message.as_mut_ptr();
        ptr::copy_nonoverlapping(message.as_ptr().cast::<c_char>(), dst, cut);
        *dst.add(cut) = 0;
    }
}

fn finish(err: *mut LeanRsError, outcome: std::thread::Result<CapiResult<()>>) -> i32 {
    match outcome {
        Ok(Ok(())) => {
            write_error(err, crate::LEAN_RS_OK, "");
            crate::LEAN_RS_OK
        }
        Ok(Err(e)) => {
            write_error(err, e.code, &e.message);
            e.code
        }
        Err(_) => {
            write_error(
                err,
                crate::LEAN_RS_PANIC,
                "a panic inside lean-rs-capi was contained",
            );
            crate::LEAN_RS_PANIC
        }
    }
}

fn invalid(message: impl Into<String>) -> CapiError {
    CapiError::new(crate::LEAN_RS_INVALID_ARGUMENT, message)
}

/// Reads a NUL-terminated UTF-8 string of at most `MAX_NAME` bytes.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string.
unsafe fn read_name(p: *const c_char, what: &str) -> CapiResult<String> {
    if p.is_null() {
        return Err(invalid(format!("{what} is NULL")));
    }
    // SAFETY: per the contract. The length bound is applied after the scan; C strings
    // from the caller are NUL-terminated by contract.
    let s = unsafe { CStr::from_ptr(p) };
    if s.to_bytes().len() > MAX_NAME {
        return Err(invalid(format!("{what} is longer than {MAX_NAME} bytes")));
    }
    s.to_str()
        .map(str::to_owned)
        .map_err(|_| invalid(format!("{what} is not valid UTF-8")))
}

/// # Safety
/// `data` must be NULL with `len == 0`, or point to `len` readable bytes.
unsafe fn read_bytes(data: *const u8, len: usize, what: &str) -> CapiResult<Vec<u8>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if data.is_null() {
        return Err(invalid(format!("{what}: data is NULL with len {len}")));
    }
    if len > MAX_ARG_BYTES {
        return Err(invalid(format!(
            "{what}: {len} bytes is over the {MAX_ARG_BYTES}-byte bound"
        )));
    }
    // SAFETY: per the contract.
    Ok(unsafe { std::slice::from_raw_parts(data, len) }.to_vec())
}

fn decimal<T: std::str::FromStr>(bytes: Vec<u8>, what: &str) -> CapiResult<T> {
    let text = String::from_utf8(bytes).map_err(|_| invalid(format!("{what}: not UTF-8")))?;
    let digits = text.strip_prefix('-').unwrap_or(&text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(format!("{what}: `{text:.40}` is not decimal")));
    }
    text.parse::<T>()
        .map_err(|_| invalid(format!("{what}: `{text:.40}` is out of range")))
}

fn narrow<T: TryFrom<u64>>(bits: u64, what: &str) -> CapiResult<T> {
    T::try_from(bits).map_err(|_| invalid(format!("{what}: {bits} is out of range")))
}

fn read_arg(arg: &LeanRsArg, index: usize) -> CapiResult<ArgValue> {
    let what = format!("argument {index}");
    // SAFETY: for the byte kinds, the caller promises `data`/`len` describe readable memory.
    let bytes = || unsafe { read_bytes(arg.data, arg.len, &what) };
    Ok(match arg.kind {
        crate::LEAN_RS_KIND_BOOL => match arg.bits {
            0 => ArgValue::Bool(false),
            1 => ArgValue::Bool(true),
            other => return Err(invalid(format!("{what}: Bool must be 0 or 1, not {other}"))),
        },
        crate::LEAN_RS_KIND_U8 => ArgValue::U8(narrow(arg.bits, &what)?),
        crate::LEAN_RS_KIND_U16 => ArgValue::U16(narrow(arg.bits, &what)?),
        crate::LEAN_RS_KIND_U32 => ArgValue::U32(narrow(arg.bits, &what)?),
        crate::LEAN_RS_KIND_U64 => ArgValue::U64(arg.bits),
        crate::LEAN_RS_KIND_USIZE => ArgValue::Usize(narrow(arg.bits, &what)?),
        crate::LEAN_RS_KIND_F64 => ArgValue::F64(arg.real),
        crate::LEAN_RS_KIND_STRING => ArgValue::Str(
            String::from_utf8(bytes()?).map_err(|_| invalid(format!("{what}: not UTF-8")))?,
        ),
        crate::LEAN_RS_KIND_BYTES => ArgValue::Bytes(bytes()?),
        crate::LEAN_RS_KIND_NAT => {
            let n: BigUint = decimal(bytes()?, &what)?;
            ArgValue::Nat(n)
        }
        crate::LEAN_RS_KIND_INT => {
            let n: BigInt = decimal(bytes()?, &what)?;
            ArgValue::Int(n)
        }
        other => {
            return Err(invalid(format!(
                "{what}: kind {other:#x} is not an argument kind"
            )));
        }
    })
}

fn empty_value() -> LeanRsValue {
    LeanRsValue {
        kind: crate::LEAN_RS_KIND_UNIT,
        bits: 0,
        real: 0.0,
        data: ptr::null_mut(),
        len: 0,
    }
}

/// Copies `bytes` into a `malloc`ed, NUL-terminated buffer.
fn owned_buffer(bytes: &[u8]) -> CapiResult<(*mut u8, usize)> {
    // SAFETY: plain allocation; checked for NULL below.
    let p = unsafe { libc::malloc(bytes.len() + 1) }.cast::<u8>();
    if p.is_null() {
        return Err(CapiError::new(
            crate::LEAN_RS_INTERNAL,
            "out of memory for the result",
        ));
    }
    // SAFETY: `p` has `len + 1` bytes; the source is a valid slice.
    unsafe {
        ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
        *p.add(bytes.len()) = 0;
    }
    Ok((p, bytes.len()))
}

fn to_value(result: ResultValue) -> CapiResult<LeanRsValue> {
    let mut v = empty_value();
    let mut data = |kind: u32, bytes: &[u8]| -> CapiResult<()> {
        let (p, n) = owned_buffer(bytes)?;
        v.kind = kind;
        v.data = p;
        v.len = n;
        Ok(())
    };
    match result {
        ResultValue::Unit => {}
        ResultValue::Str(s) => data(crate::LEAN_RS_KIND_STRING, s.as_bytes())?,
        ResultValue::Bytes(b) => data(crate::LEAN_RS_KIND_BYTES, &b)?,
        ResultValue::Nat(n) => data(crate::LEAN_RS_KIND_NAT, n.to_string().as_bytes())?,
        ResultValue::Int(n) => data(crate::LEAN_RS_KIND_INT, n.to_string().as_bytes())?,
        ResultValue::Bool(b) => {
            v.kind = crate::LEAN_RS_KIND_BOOL;
            v.bits = u64::from(b);
        }
        ResultValue::U8(x) => (v.kind, v.bits) = (crate::LEAN_RS_KIND_U8, u64::from(x)),
        ResultValue::U16(x) => (v.kind, v.bits) = (crate::LEAN_RS_KIND_U16, u64::from(x)),
        ResultValue::U32(x) => (v.kind, v.bits) = (crate::LEAN_RS_KIND_U32, u64::from(x)),
        ResultValue::U64(x) => (v.kind, v.bits) = (crate::LEAN_RS_KIND_U64, x),
        ResultValue::Usize(x) => (v.kind, v.bits) = (crate::LEAN_RS_KIND_USIZE, x as u64),
        ResultValue::F64(x) => (v.kind, v.real) = (crate::LEAN_RS_KIND_F64, x),
    }
    Ok(v)
}

/// Pins this library and `libleanshared` so that no `dlclose` by the host can unmap them
/// while Lean's threads live (`RTLD_NOLOAD | RTLD_NODELETE` on each, handles never closed).
pub(crate) fn pin_libraries() {
    let anchors: [*const libc::c_void; 2] = [
        lean_rs_abi_version as *const libc::c_void,
        lean_rs_sys::lean_initialize_runtime_module as *const libc::c_void,
    ];
    for anchor in anchors {
        // SAFETY: dladdr reads loader tables; the file name it returns is a loader-owned
        // NUL-terminated string, passed straight to dlopen, which only promotes flags of an
        // already-loaded object (RTLD_NOLOAD). The handle is deliberately never closed.
        unsafe {
            let mut info: libc::Dl_info = std::mem::zeroed();
            if libc::dladdr(anchor, &raw mut info) != 0 && !info.dli_fname.is_null() {
                let _pinned = libc::dlopen(
                    info.dli_fname,
                    libc::RTLD_NOW | libc::RTLD_NOLOAD | libc::RTLD_NODELETE | libc::RTLD_GLOBAL,
                );
            }
        }
    }
}

/// The directory this library was loaded from (the executable's, when linked statically).
pub(crate) fn library_dir() -> Option<PathBuf> {
    // SAFETY: dladdr only reads the loader's tables for an address inside this library; the
    // returned file name is a loader-owned NUL-terminated string, copied at once.
    let file = unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let anchor = lean_rs_abi_version as *const libc::c_void;
        if libc::dladdr(anchor, &raw mut info) == 0 || info.dli_fname.is_null() {
            return None;
        }
        CStr::from_ptr(info.dli_fname).to_str().ok()?.to_owned()
    };
    let file = PathBuf::from(file);
    let file = file.canonicalize().unwrap_or(file);
    file.parent().map(std::path::Path::to_path_buf)
}

/// Runs `f` with `SIGPIPE` blocked on this thread, then discards a `SIGPIPE` it raised.
///
/// Talking to a worker child writes to a pipe; if the child died since the last call, the
/// write raises `SIGPIPE`, whose default action would end a C host (Rust programs ignore it,
/// C and C++ programs usually do not). Blocked, the write fails with `EPIPE` instead and the
/// worker reports the dead child. The signal is thread-directed, so it stays pending on this
/// thread and is taken with `sigtimedwait` before the mask is restored. (A process-directed
/// `SIGPIPE` that arrives in the same window is taken too.)
pub(crate) fn without_sigpipe<R>(f: impl FnOnce() -> R) -> R {
    // SAFETY: sigset_t is plain data, initialized by sigemptyset before use; pthread_sigmask
    // and sigtimedwait only read and write these local sets for the calling thread.
    unsafe {
        let mut pipe: libc::sigset_t = std::mem::zeroed();
        let mut previous: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&raw mut pipe);
        libc::sigaddset(&raw mut pipe, libc::SIGPIPE);
        if libc::pthread_sigmask(libc::SIG_BLOCK, &raw const pipe, &raw mut previous) != 0 {
            return f();
        }
        let result = f();
        if libc::sigismember(&raw const previous, libc::SIGPIPE) == 0 {
            let zero = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // Take every pending SIGPIPE; stops at EAGAIN (none left). EINTR retries.
            for _ in 0..64 {
                let taken = libc::sigtimedwait(&raw const pipe, ptr::null_mut(), &raw const zero);
                if taken < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR)
                {
                    break;
                }
            }
            libc::pthread_sigmask(libc::SIG_SETMASK, &raw const previous, ptr::null_mut());
        }
        result
    }
}

/// The ABI version this library implements (`LEAN_RS_ABI_VERSION`).
#[unsafe(no_mangle)]
pub extern "C" fn lean_rs_abi_version() -> u32 {
    crate::LEAN_RS_ABI_VERSION
}

/// A static, NUL-terminated version string (never freed).
#[unsafe(no_mangle)]
pub extern "C" fn lean_rs_version_string() -> *const c_char {
    VERSION.as_ptr()
}

/// Fills `options` with the defaults (and the current `abi_version`).
///
/// # Safety
/// `options` must be NULL or point to writable memory for one `LeanRsInitOptions`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_init_options_default(options: *mut LeanRsInitOptions) {
    if options.is_null() {
        return;
    }
    // SAFETY: per the contract.
    unsafe {
        options.write(LeanRsInitOptions {
            abi_version: crate::LEAN_RS_ABI_VERSION,
            workers: 0,
            stack_size: 0,
            queue_capacity: 0,
            signal_policy: crate::LEAN_RS_SIGNALS_LEAVE_HOST,
            restore_sigpipe: 0,
            crash_report_file: ptr::null(),
            preload_manifests: ptr::null(),
            preload_count: 0,
        });
    }
}

/// # Safety
/// As for `lean_rs_init`.
unsafe fn read_init(options: *const LeanRsInitOptions) -> CapiResult<InitRequest> {
    if options.is_null() {
        return Ok(InitRequest::default());
    }
    // SAFETY: per the contract, a valid options struct.
    let o = unsafe { &*options };
    if o.abi_version != crate::LEAN_RS_ABI_VERSION {
        return Err(CapiError::new(
            crate::LEAN_RS_VERSION_MISMATCH,
            format!(
                "the caller was built for C ABI version {}, this library implements {}",
                o.abi_version,
                crate::LEAN_RS_ABI_VERSION
            ),
        ));
    }
    let chain_signals = match o.signal_policy {
        crate::LEAN_RS_SIGNALS_LEAVE_HOST => false,
        crate::LEAN_RS_SIGNALS_CHAIN => true,
        other => return Err(invalid(format!("unknown signal_policy {other}"))),
    };
    let crash_report_file = if o.crash_report_file.is_null() {
        None
    } else {
        // SAFETY: non-null, NUL-terminated per the contract.
        Some(PathBuf::from(unsafe {
            read_name(o.crash_report_file, "crash_report_file")
        }?))
    };
    if o.preload_count > 1024 {
        return Err(invalid("preload_count is over 1024"));
    }
    if o.preload_count > 0 && o.preload_manifests.is_null() {
        return Err(invalid("preload_manifests is NULL"));
    }
    let mut preload = Vec::with_capacity(o.preload_count);
    for i in 0..o.preload_count {
        // SAFETY: `preload_manifests` has `preload_count` entries per the contract.
        let p = unsafe { *o.preload_manifests.add(i) };
        // SAFETY: each entry is a NUL-terminated string per the contract.
        let path = PathBuf::from(unsafe { read_name(p, "preload manifest") }?);
        preload.push(path.canonicalize().unwrap_or(path));
    }
    Ok(InitRequest {
        workers: usize::try_from(o.workers).unwrap_or(0),
        stack_size: usize::try_from(o.stack_size).unwrap_or(0),
        queue_capacity: usize::try_from(o.queue_capacity).unwrap_or(0),
        chain_signals,
        restore_sigpipe: o.restore_sigpipe != 0,
        crash_report_file,
        preload,
    })
}

/// Initializes once (see the crate docs for the order). Idempotent: later calls, from any
/// thread, return the first call's outcome and ignore their options. `options` may be NULL
/// (defaults).
///
/// # Safety
/// `options` must be NULL or a valid `LeanRsInitOptions` whose strings are NUL-terminated;
/// `err` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_init(
    options: *const LeanRsInitOptions,
    err: *mut LeanRsError,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded contract.
        let request = unsafe { read_init(options) }?;
        core::init(request)
    }));
    finish(err, outcome)
}

/// 1 when `lean_rs_init` has succeeded, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn lean_rs_is_initialized() -> i32 {
    i32::from(core::is_initialized())
}

/// Opens the capability described by the manifest at `manifest_path` (its library and its
/// dependencies, running module initializers that have not run) and writes its handle. The
/// same path always gives the same handle. Capabilities are never closed.
///
/// # Safety
/// `manifest_path` must be a NUL-terminated string; `out_handle` writable; `err` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_capability_open(
    manifest_path: *const c_char,
    out_handle: *mut u64,
    err: *mut LeanRsError,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if out_handle.is_null() {
            return Err(invalid("out_handle is NULL"));
        }
        // SAFETY: forwarded contract.
        let path = unsafe { read_name(manifest_path, "manifest_path") }?;
        let handle = core::open_capability(std::path::Path::new(&path))?;
        // SAFETY: checked non-null; writable per the contract.
        unsafe { out_handle.write(handle) };
        Ok(())
    }));
    finish(err, outcome)
}

/// Fills `options` with the defaults (and the current `abi_version`).
///
/// # Safety
/// `options` must be NULL or point to writable memory for one `LeanRsWorkerOptions`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_worker_options_default(options: *mut LeanRsWorkerOptions) {
    if options.is_null() {
        return;
    }
    // SAFETY: per the contract.
    unsafe {
        options.write(LeanRsWorkerOptions {
            abi_version: crate::LEAN_RS_ABI_VERSION,
            startup_timeout_ms: 0,
            request_timeout_ms: 0,
            abort_on_panic: 0,
            child_path: ptr::null(),
            memory_limit_bytes: 0,
            rss_watchdog_kib: 0,
        });
    }
}

/// # Safety
/// As for `lean_rs_capability_open_isolated`.
unsafe fn read_worker_options(options: *const LeanRsWorkerOptions) -> CapiResult<WorkerRequest> {
    let mut request = WorkerRequest {
        library_dir: library_dir(),
        ..WorkerRequest::default()
    };
    if options.is_null() {
        return Ok(request);
    }
    // SAFETY: per the contract, a valid options struct.
    let o = unsafe { &*options };
    if o.abi_version != crate::LEAN_RS_ABI_VERSION {
        return Err(CapiError::new(
            crate::LEAN_RS_VERSION_MISMATCH,
            format!(
                "the caller's worker options are for C ABI version {}, this library implements {}",
                o.abi_version,
                crate::LEAN_RS_ABI_VERSION
            ),
        ));
    }
    if !o.child_path.is_null() {
        // SAFETY: non-null, NUL-terminated per the contract.
        request.child = Some(PathBuf::from(unsafe {
            read_name(o.child_path, "child_path")
        }?));
    }
    request.startup_timeout_ms = o.startup_timeout_ms;
    request.request_timeout_ms = o.request_timeout_ms;
    request.abort_on_panic = o.abort_on_panic != 0;
    request.memory_limit_bytes = o.memory_limit_bytes;
    request.rss_watchdog_kib = o.rss_watchdog_kib;
    Ok(request)
}

/// Opens the capability described by the manifest at `manifest_path` **isolated**: in a
/// supervised child process of its own (the shipped `lean-rs-worker-child`, found as
/// `LeanRsWorkerOptions::child_path` says), and writes its handle. `options` may be NULL
/// (defaults). `lean_rs_call` takes the handle like any other: the call crosses to the child;
/// a Lean panic, abort, stack overflow or kill there returns a `LEAN_RS_WORKER_*` code with
/// the classification in the message, and the next call runs in a fresh child (which reopens
/// the capability). Needs no `lean_rs_init`: a host that only uses isolated capabilities never
/// starts Lean in its own process. Every call opens a new child (at most
/// `LEAN_RS_MAX_ISOLATED` open at once); release it with `lean_rs_capability_close`.
///
/// # Safety
/// `manifest_path` must be a NUL-terminated string; `options` NULL or a valid
/// `LeanRsWorkerOptions` whose `child_path` is NULL or NUL-terminated; `out_handle` writable;
/// `err` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_capability_open_isolated(
    manifest_path: *const c_char,
    options: *const LeanRsWorkerOptions,
    out_handle: *mut u64,
    err: *mut LeanRsError,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if out_handle.is_null() {
            return Err(invalid("out_handle is NULL"));
        }
        // SAFETY: forwarded contract.
        let path = unsafe { read_name(manifest_path, "manifest_path") }?;
        // SAFETY: forwarded contract.
        let request = unsafe { read_worker_options(options) }?;
        let handle = crate::isolated::open(std::path::Path::new(&path), &request)?;
        // SAFETY: checked non-null; writable per the contract.
        unsafe { out_handle.write(handle) };
        Ok(())
    }));
    finish(err, outcome)
}

/// Closes an isolated capability: its handle becomes unknown (`LEAN_RS_SYMBOL_NOT_FOUND`) and
/// its child is stopped (after a call still running on another thread returns). In-process
/// capabilities are never closed (`LEAN_RS_UNSUPPORTED`).
///
/// # Safety
/// `err` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_capability_close(capability: u64, err: *mut LeanRsError) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| core::close_capability(capability)));
    finish(err, outcome)
}

/// The name of a `LEAN_RS_*` result code (`"LEAN_RS_WORKER_PANIC"`, …) as a static
/// NUL-terminated string (never freed), or `"unknown"`.
#[unsafe(no_mangle)]
pub extern "C" fn lean_rs_error_name(code: i32) -> *const c_char {
    let name: &'static CStr = match code {
        crate::LEAN_RS_OK => c"LEAN_RS_OK",
        crate::LEAN_RS_INVALID_ARGUMENT => c"LEAN_RS_INVALID_ARGUMENT",
        crate::LEAN_RS_NOT_INITIALIZED => c"LEAN_RS_NOT_INITIALIZED",
        crate::LEAN_RS_INIT_FAILED => c"LEAN_RS_INIT_FAILED",
        crate::LEAN_RS_VERSION_MISMATCH => c"LEAN_RS_VERSION_MISMATCH",
        crate::LEAN_RS_LOAD_FAILED => c"LEAN_RS_LOAD_FAILED",
        crate::LEAN_RS_SYMBOL_NOT_FOUND => c"LEAN_RS_SYMBOL_NOT_FOUND",
        crate::LEAN_RS_SIGNATURE_MISMATCH => c"LEAN_RS_SIGNATURE_MISMATCH",
        crate::LEAN_RS_LEAN_EXCEPTION => c"LEAN_RS_LEAN_EXCEPTION",
        crate::LEAN_RS_CONVERSION => c"LEAN_RS_CONVERSION",
        crate::LEAN_RS_PANIC => c"LEAN_RS_PANIC",
        crate::LEAN_RS_EXECUTOR_CLOSED => c"LEAN_RS_EXECUTOR_CLOSED",
        crate::LEAN_RS_UNSUPPORTED => c"LEAN_RS_UNSUPPORTED",
        crate::LEAN_RS_BUFFER_TOO_SMALL => c"LEAN_RS_BUFFER_TOO_SMALL",
        crate::LEAN_RS_INTERNAL => c"LEAN_RS_INTERNAL",
        crate::LEAN_RS_WORKER_START_FAILED => c"LEAN_RS_WORKER_START_FAILED",
        crate::LEAN_RS_WORKER_PANIC => c"LEAN_RS_WORKER_PANIC",
        crate::LEAN_RS_WORKER_STACK_OVERFLOW => c"LEAN_RS_WORKER_STACK_OVERFLOW",
        crate::LEAN_RS_WORKER_OUT_OF_MEMORY => c"LEAN_RS_WORKER_OUT_OF_MEMORY",
        crate::LEAN_RS_WORKER_KILLED => c"LEAN_RS_WORKER_KILLED",
        crate::LEAN_RS_WORKER_DIED => c"LEAN_RS_WORKER_DIED",
        crate::LEAN_RS_WORKER_TIMEOUT => c"LEAN_RS_WORKER_TIMEOUT",
        crate::LEAN_RS_WORKER_PROTOCOL => c"LEAN_RS_WORKER_PROTOCOL",
        _ => c"unknown",
    };
    name.as_ptr()
}

/// Calls the `@[export]` `symbol` of capability `capability` with `nargs` arguments,
/// expecting `result_kind` (a `LEAN_RS_KIND_*`, optionally `| LEAN_RS_KIND_IO`). Kinds are
/// checked against the C signature the capability manifest records before anything runs.
/// An in-process call runs on an executor worker (after `lean_rs_init`); an isolated one in
/// its capability's child, one call at a time per handle (calls on different handles run in
/// parallel). The calling thread waits. On success `*out` holds the result (release it with
/// `lean_rs_value_free`); on failure `*out` is a `UNIT` value.
///
/// # Safety
/// `symbol` NUL-terminated; `args` NULL (with `nargs == 0`) or `nargs` valid `LeanRsArg`s
/// whose data pointers are readable for their lengths; `out` writable; `err` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_call(
    capability: u64,
    symbol: *const c_char,
    args: *const LeanRsArg,
    nargs: usize,
    result_kind: u32,
    out: *mut LeanRsValue,
    err: *mut LeanRsError,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if out.is_null() {
            return Err(invalid("out is NULL"));
        }
        // SAFETY: checked non-null; writable per the contract.
        unsafe { out.write(empty_value()) };
        // SAFETY: forwarded contract.
        let symbol = unsafe { read_name(symbol, "symbol") }?;
        if nargs > LEAN_RS_MAX_ARGS {
            return Err(invalid(format!(
                "{nargs} arguments; at most {LEAN_RS_MAX_ARGS}"
            )));
        }
        if nargs > 0 && args.is_null() {
            return Err(invalid("args is NULL"));
        }
        let raw: &[LeanRsArg] = if nargs == 0 {
            &[]
        } else {
            // SAFETY: non-null with `nargs` entries per the contract.
            unsafe { std::slice::from_raw_parts(args, nargs) }
        };
        let values = raw
            .iter()
            .enumerate()
            .map(|(i, a)| read_arg(a, i))
            .collect::<CapiResult<Vec<_>>>()?;
        let result = core::call(capability, symbol, values, result_kind)?;
        let value = to_value(result)?;
        // SAFETY: as above.
        unsafe { out.write(value) };
        Ok(())
    }));
    finish(err, outcome)
}

/// Parses `len` bytes of UTF-8 JSON at `text` with Lean's own `Lean.Json.parse` (compiled
/// code in `libleanshared`; deep nesting is fine on the executor's stacks) and returns
/// `Lean.Json.compress` of the result as a `STRING` value. A parse error is
/// `LEAN_RS_LEAN_EXCEPTION` with Lean's message.
///
/// # Safety
/// `text` readable for `len` bytes; `out` writable; `err` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_json_parse(
    text: *const u8,
    len: usize,
    out: *mut LeanRsValue,
    err: *mut LeanRsError,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if out.is_null() {
            return Err(invalid("out is NULL"));
        }
        // SAFETY: checked non-null; writable per the contract.
        unsafe { out.write(empty_value()) };
        // SAFETY: forwarded contract.
        let bytes = unsafe { read_bytes(text, len, "text") }?;
        let text = String::from_utf8(bytes).map_err(|_| invalid("text is not UTF-8"))?;
        let compressed = core::json_parse(text)?;
        let value = to_value(ResultValue::Str(compressed))?;
        // SAFETY: as above.
        unsafe { out.write(value) };
        Ok(())
    }));
    finish(err, outcome)
}

/// Releases a value's buffer and resets it to `UNIT`. NULL and `UNIT` values are fine;
/// freeing twice is fine (the first call clears `data`).
///
/// # Safety
/// `value` must be NULL or a `LeanRsValue` filled by this library (or reset by this call).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_value_free(value: *mut LeanRsValue) {
    if value.is_null() {
        return;
    }
    // SAFETY: per the contract, `data` is NULL or our `malloc`ed buffer.
    unsafe {
        if !(*value).data.is_null() {
            libc::free((*value).data.cast());
        }
        value.write(empty_value());
    }
}

/// Writes the signal audit (JSON: dispositions of SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGPIPE,
/// SIGABRT and the calling thread's alternate stack) into the caller-owned `buf` of
/// `capacity` bytes, NUL-terminated. `*needed` (if not NULL) receives the size required
/// including the NUL; a small buffer gives `LEAN_RS_BUFFER_TOO_SMALL`. Works before init.
///
/// # Safety
/// `buf` writable for `capacity` bytes (or NULL with `capacity == 0`); `needed` and `err`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lean_rs_signal_audit(
    buf: *mut c_char,
    capacity: usize,
    needed: *mut usize,
    err: *mut LeanRsError,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let text = lean_rs::SignalAudit::capture().to_json().to_string();
        if !needed.is_null() {
            // SAFETY: writable per the contract.
            unsafe { needed.write(text.len() + 1) };
        }
        if buf.is_null() || capacity < text.len() + 1 {
            return Err(CapiError::new(
                crate::LEAN_RS_BUFFER_TOO_SMALL,
                format!("the audit needs {} bytes", text.len() + 1),
            ));
        }
        // SAFETY: `buf` has `capacity >= len + 1` writable bytes.
        unsafe {
            ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), buf, text.len());
            *buf.add(text.len()) = 0;
        }
        Ok(())
    }));
    finish(err, outcome)
}
