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
