//! The crate-owned trampolines the C helpers call.
//!
//! Raw signature (crate-private, shared with `csrc/interop_callback.c`):
//! `uint8_t trampoline(uintptr_t handle, uint8_t kind, uint64_t current, uint64_t total,
//! lean_object *borrowed_object)`. `kind` names the payload shape the helper delivers; the
//! trampoline for payload `P` interprets the other arguments only after checking that both
//! `kind` and the handle's registration are `P`'s.

#![allow(unsafe_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::PoisonError;

use lean_rs_sys::lean_object;

use super::payload::sealed::Sealed;
use super::{Entry, LeanCallbackFlow, LeanCallbackPayload, LeanCallbackStatus, lookup};
use crate::error::LeanError;

type RawTrampoline = unsafe extern "C" fn(usize, u8, u64, u64, *mut lean_object) -> u8;

/// The address of `P`'s trampoline, as the opaque value handed to Lean.
pub(crate) fn address<P: LeanCallbackPayload>() -> usize {
    let f: RawTrampoline = trampoline::<P>;
    f as usize
}

/// Never unwinds: every panic, including one raised while dropping a panic payload, is
/// caught before returning to C.
unsafe extern "C" fn trampoline<P: LeanCallbackPayload>(
    handle: usize,
    kind: u8,
    current: u64,
    total: u64,
    object: *mut lean_object,
) -> u8 {
    let status = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded from the helper, which passes a borrowed live object (or null).
        unsafe { dispatch::<P>(handle, kind, current, total, object) }
    }));
    match status {
        Ok(status) => status.as_u8(),
        Err(payload) => {
            // Dropping a panic payload can itself panic; contain that too.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            LeanCallbackStatus::Panic.as_u8()
        }
    }
}

unsafe fn dispatch<P: LeanCallbackPayload>(
    handle: usize,
    kind: u8,
    current: u64,
    total: u64,
    object: *mut lean_object,
) -> LeanCallbackStatus {
    if kind != <P as Sealed>::KIND {
        return LeanCallbackStatus::WrongPayload;
    }
    let Some(erased) = lookup(handle) else {
        return LeanCallbackStatus::StaleHandle;
    };
    let Ok(entry) = erased.downcast::<Entry<P>>() else {
        return LeanCallbackStatus::WrongPayload;
    };
    // SAFETY: `kind` is `P`'s, so the helper delivered `P`'s shape; `object` is borrowed.
    let Some(payload) = (unsafe { <P as Sealed>::decode(current, total, object) }) else {
        return LeanCallbackStatus::WrongPayload;
    };
    match catch_unwind(AssertUnwindSafe(|| (entry.callback)(payload))) {
        Ok(LeanCallbackFlow::Continue) => LeanCallbackStatus::Ok,
        Ok(LeanCallbackFlow::Stop) => LeanCallbackStatus::Stopped,
        Err(panic) => {
            let message = panic_message(&*panic);
            let error =
                LeanError::callback_panic(format!("{} callback panicked: {message}", P::NAME));
            *entry
                .last_error
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(error);
            let _ = catch_unwind(AssertUnwindSafe(move || drop(panic)));
            LeanCallbackStatus::Panic
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

// The C helpers of `csrc/interop_callback.c`. Referenced from a `#[used]` static so every
// binary linking `lean-rs` contains them, and Lean code in a separately loaded shim dylib can
// resolve them once the binary exports them (this package's own binaries do; see build.rs).
unsafe extern "C" {
    fn lean_rs_interop_tick_callback_call(
        handle: usize,
        trampoline: usize,
        current: u64,
        total: u64,
    ) -> u8;
    fn lean_rs_interop_string_callback_call(
        handle: usize,
        trampoline: usize,
        string: *mut lean_rs_sys::lean_object,
    ) -> u8;
}

#[used]
static KEEP_C_HELPERS: (
    unsafe extern "C" fn(usize, usize, u64, u64) -> u8,
    unsafe extern "C" fn(usize, usize, *mut lean_rs_sys::lean_object) -> u8,
) = (
    lean_rs_interop_tick_callback_call,
    lean_rs_interop_string_callback_call,
);

/// Revokes a borrowed callback on drop: waits for every running call (they hold the read
/// side), then marks the borrow dead so no later call dereferences it.
pub(crate) struct BorrowGate(pub(crate) std::sync::Arc<std::sync::RwLock<bool>>);

impl Drop for BorrowGate {
    fn drop(&mut self) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = false;
    }
}

/// A `'static` closure over a borrowed one, valid while `gate` reads `true`.
pub(crate) fn borrowed_callback<'a, P, F>(
    callback: &'a F,
    gate: std::sync::Arc<std::sync::RwLock<bool>>,
) -> impl Fn(P) -> LeanCallbackFlow + Send + Sync + 'static
where
    P: LeanCallbackPayload,
    F: Fn(P) -> LeanCallbackFlow + Sync + 'a,
{
    let callback: &'a (dyn Fn(P) -> LeanCallbackFlow + Sync + 'a) = callback;
    // SAFETY: only the lifetime is erased. The reference is dereferenced only while holding
    // `gate`'s read lock and seeing `true`; `LeanCallbackHandle::scoped` keeps `callback`
    // borrowed until its `BorrowGate` has taken the write lock (so every running call has
    // returned) and stored `false`, after which no call dereferences it.
    let callback: &'static (dyn Fn(P) -> LeanCallbackFlow + Sync + 'static) =
        unsafe { std::mem::transmute(callback) };
    move |payload| {
        let alive = gate
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *alive {
            callback(payload)
        } else {
            LeanCallbackFlow::Stop
        }
    }
}

/// Makes the C callback helpers visible to Lean libraries opened later.
///
/// A Lean library that calls the helpers names them as undefined symbols, which the dynamic
/// loader resolves from the global scope. This package's own binaries export them; any other
/// binary does not, so the shared copy built with this crate (`LEAN_RS_INTEROP_LIB`, at run
/// time or as built) is opened globally instead, and never closed. Without either, loading
/// such a library fails with the loader's "undefined symbol" message.
pub(crate) fn make_helpers_visible() {
    #[cfg(unix)]
    {
        use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_NOW};
        let this = Library::this();
        // SAFETY: only the symbol's presence is checked; nothing is called.
        if unsafe { this.get::<*mut std::ffi::c_void>(b"lean_rs_interop_tick_callback_call\0") }
            .is_ok()
        {
            return;
        }
        let path = std::env::var_os("LEAN_RS_INTEROP_LIB")
            .map(std::path::PathBuf::from)
            .or_else(|| option_env!("LEAN_RS_INTEROP_LIB").map(std::path::PathBuf::from));
        let Some(path) = path.filter(|p| p.is_file()) else {
            tracing::warn!(
                target: "lean_rs",
                "the callback helpers are neither exported by this binary nor available as a library (set LEAN_RS_INTEROP_LIB); Lean code that calls them will not load"
            );
            return;
        };
        // SAFETY: the library holds two self-contained C functions and no initialisers.
        match unsafe { Library::open(Some(&path), RTLD_NOW | RTLD_GLOBAL) } {
            // Kept open for the life of the process: Lean libraries bind to it.
            Ok(library) => std::mem::forget(library),
            Err(e) => tracing::warn!(
                target: "lean_rs",
                path = %path.display(),
                error = %e,
                "cannot open the callback helper library"
            ),
        }
    }
}
