//! `LeanCallbackHandle`: the C helpers exercised natively, and real Lean code
//! (`List.map` compiled into `libleanshared`) applying a Lean closure that calls our
//! trampoline through the helper; plus stale-handle, wrong-payload, panic and stop.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// a test fails loudly

// The test builds Lean closures and lists by hand through lean-rs-sys, as Lean-side shim code
// would; every unsafe block states its invariant.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::sync::{Arc, Mutex};

use lean_rs::{
    HostStage, LeanCallbackFlow, LeanCallbackHandle, LeanCallbackStatus, LeanDiagnosticCode,
    LeanError, LeanProgressTick, LeanRuntime, LeanStringEvent,
};
use lean_rs_sys::lean_object;

// The C helpers of `csrc/interop_callback.c`, declared as in `src/callback/trampoline.rs`
// (which keeps them linked but does not expose them): an integration test can only reach a C
// symbol through its own declaration.
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
        string: *mut lean_object,
    ) -> u8;
}

fn tick(handle: usize, trampoline: usize, current: u64, total: u64) -> Option<LeanCallbackStatus> {
    // SAFETY: `trampoline` is a crate trampoline from `abi_trampoline` (or 0, which the helper
    // rejects); the helper only forwards the integers.
    LeanCallbackStatus::from_u8(unsafe {
        lean_rs_interop_tick_callback_call(handle, trampoline, current, total)
    })
}

/// An owned Lean `String` built by the runtime.
fn lean_string(text: &str) -> *mut lean_object {
    // SAFETY: `text` is valid UTF-8 of the given length; the runtime is initialized.
    unsafe { lean_rs_sys::lean_mk_string_from_bytes(text.as_ptr().cast(), text.len()) }
}

fn string_call(handle: usize, trampoline: usize, text: &str) -> Option<LeanCallbackStatus> {
    let s = lean_string(text);
    // SAFETY: `s` is a live Lean string borrowed for the call; crate trampoline as above.
    let status = unsafe { lean_rs_interop_string_callback_call(handle, trampoline, s) };
    // SAFETY: we own the one reference `lean_mk_string_from_bytes` returned.
    unsafe { lean_rs_sys::lean_dec(s) };
    LeanCallbackStatus::from_u8(status)
}

#[test]
fn status_bytes_follow_the_spec() {
    let all = [
        (LeanCallbackStatus::Ok, 0),
        (LeanCallbackStatus::StaleHandle, 1),
        (LeanCallbackStatus::Panic, 2),
        (LeanCallbackStatus::WrongPayload, 3),
        (LeanCallbackStatus::Stopped, 4),
    ];
    for (status, byte) in all {
        assert_eq!(status.as_u8(), byte);
        assert_eq!(LeanCallbackStatus::from_u8(byte), Some(status));
    }
    assert_eq!(LeanCallbackStatus::from_u8(5), None);
}

#[test]
fn tick_helper_delivers_payloads_and_stop() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let callback = LeanCallbackHandle::<LeanProgressTick>::register(move |t| {
        sink.lock().unwrap().push((t.current, t.total));
        if t.current == t.total {
            LeanCallbackFlow::Stop
        } else {
            LeanCallbackFlow::Continue
        }
    })
    .unwrap();
    let (handle, trampoline) = callback.abi_parts();
    assert_eq!(tick(handle, trampoline, 1, 3), Some(LeanCallbackStatus::Ok));
    assert_eq!(
        tick(handle, trampoline, u64::MAX - 1, u64::MAX),
        Some(LeanCallbackStatus::Ok)
    );
    assert_eq!(
        tick(handle, trampoline, 3, 3),
        Some(LeanCallbackStatus::Stopped)
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [(1, 3), (u64::MAX - 1, u64::MAX), (3, 3)]
    );
    assert!(callback.last_error().is_none());
}

#[test]
fn stale_handles_are_detected_not_dereferenced() {
    let callback =
        LeanCallbackHandle::<LeanProgressTick>::register(|_| LeanCallbackFlow::Continue).unwrap();
    let (handle, trampoline) = callback.abi_parts();
    drop(callback);
    assert_eq!(
        tick(handle, trampoline, 0, 1),
        Some(LeanCallbackStatus::StaleHandle)
    );
    // Ids are never reused: a new registration gets a different handle.
    let next =
        LeanCallbackHandle::<LeanProgressTick>::register(|_| LeanCallbackFlow::Continue).unwrap();
    assert_ne!(next.abi_handle(), handle);
    assert_eq!(
        tick(handle, trampoline, 0, 1),
        Some(LeanCallbackStatus::StaleHandle)
    );
    assert_eq!(
        tick(12_345_678, trampoline, 0, 1),
        Some(LeanCallbackStatus::StaleHandle)
    );
}

#[test]
fn mismatched_handle_helper_and_trampoline_are_wrong_payload() {
    let _runtime = LeanRuntime::init().unwrap();
    let ticks =
        LeanCallbackHandle::<LeanProgressTick>::register(|_| LeanCallbackFlow::Continue).unwrap();
    let strings =
        LeanCallbackHandle::<LeanStringEvent>::register(|_| LeanCallbackFlow::Continue).unwrap();
    // Tick helper, string trampoline: rejected before `current` could be read as a pointer.
    assert_eq!(
        tick(strings.abi_handle(), strings.abi_trampoline(), 0xdead, 1),
        Some(LeanCallbackStatus::WrongPayload)
    );
    // Tick helper and trampoline, but a handle registered for strings.
    assert_eq!(
        tick(strings.abi_handle(), ticks.abi_trampoline(), 0, 1),
        Some(LeanCallbackStatus::WrongPayload)
    );
    // String helper with the tick trampoline, and with a tick handle.
    assert_eq!(
        string_call(ticks.abi_handle(), ticks.abi_trampoline(), "x"),
        Some(LeanCallbackStatus::WrongPayload)
    );
    assert_eq!(
        string_call(ticks.abi_handle(), strings.abi_trampoline(), "x"),
        Some(LeanCallbackStatus::WrongPayload)
    );
    // A null trampoline never gets called.
    assert_eq!(
        tick(ticks.abi_handle(), 0, 0, 1),
        Some(LeanCallbackStatus::WrongPayload)
    );
    // A non-string object in the string slot.
    // SAFETY: a boxed scalar is a valid borrowed Lean value.
    let status = unsafe {
        lean_rs_interop_string_callback_call(
            strings.abi_handle(),
            strings.abi_trampoline(),
            lean_rs_sys::lean_box(7),
        )
    };
    assert_eq!(
        LeanCallbackStatus::from_u8(status),
        Some(LeanCallbackStatus::WrongPayload)
    );
}

#[test]
fn panics_are_contained_and_recorded() {
    let callback = LeanCallbackHandle::<LeanProgressTick>::register(|t| {
        assert!(t.current < 2, "tick {} is too far", t.current);
        LeanCallbackFlow::Continue
    })
    .unwrap();
    let (handle, trampoline) = callback.abi_parts();
    assert_eq!(tick(handle, trampoline, 1, 5), Some(LeanCallbackStatus::Ok));
    assert_eq!(
        tick(handle, trampoline, 4, 5),
        Some(LeanCallbackStatus::Panic)
    );
    let err = callback.last_error().expect("the panic is recorded");
    assert_eq!(err.code(), LeanDiagnosticCode::Internal);
    assert_eq!(err.code().as_str(), "lean_rs.internal");
    let LeanError::Host(failure) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(failure.stage(), HostStage::CallbackPanic);
    assert!(err.message().contains("tick 4 is too far"), "{err}");
    // The handle keeps working after a contained panic.
    assert_eq!(tick(handle, trampoline, 0, 5), Some(LeanCallbackStatus::Ok));
}

#[test]
fn string_helper_copies_borrowed_lean_strings() {
    let _runtime = LeanRuntime::init().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let callback = LeanCallbackHandle::<LeanStringEvent>::register(move |event| {
        sink.lock().unwrap().push(event.value);
        LeanCallbackFlow::Continue
    })
    .unwrap();
    let (handle, trampoline) = callback.abi_parts();
    for text in ["", "{\"row\":1}", "λ → ∀ 😀", &"x".repeat(1 << 20)] {
        assert_eq!(
            string_call(handle, trampoline, text),
            Some(LeanCallbackStatus::Ok)
        );
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[2], "λ → ∀ 😀");
    assert_eq!(seen[3].len(), 1 << 20);
}

// ---- Lean calling Rust: `List.map` from libleanshared applying a closure over our helper ----

type ListMap = unsafe extern "C" fn(*mut lean_object, *mut lean_object) -> *mut lean_object;
type ListRange = unsafe extern "C" fn(*mut lean_object) -> *mut lean_object;

fn lean_symbol<T: Copy>(name: &str) -> T {
    let this = libloading::os::unix::Library::this();
    // SAFETY: `T` is the C signature of the named Lean-compiled function (see each use);
    // libleanshared is linked into this test binary, so the address stays valid.
    let symbol = unsafe { this.get::<T>(name.as_bytes()) }.unwrap();
    *symbol
}

/// Closure body, `fun x => tick helper (handle, trampoline, x, total)`: Lean applies it with
/// the fixed arguments first. All arguments are owned boxed scalars (no reference counts).
unsafe extern "C" fn tick_closure_body(
    handle: *mut lean_object,
    trampoline: *mut lean_object,
    total: *mut lean_object,
    x: *mut lean_object,
) -> *mut lean_object {
    let (handle, trampoline) = (
        lean_rs_sys::lean_unbox(handle),
        lean_rs_sys::lean_unbox(trampoline),
    );
    let (x, total) = (
        lean_rs_sys::lean_unbox(x) as u64,
        lean_rs_sys::lean_unbox(total) as u64,
    );
    // SAFETY: `trampoline` is a crate trampoline (put in the closure by the test).
    let status = unsafe { lean_rs_interop_tick_callback_call(handle, trampoline, x, total) };
    lean_rs_sys::lean_box(usize::from(status))
}

unsafe extern "C" fn string_closure_body(
    handle: *mut lean_object,
    trampoline: *mut lean_object,
    s: *mut lean_object,
) -> *mut lean_object {
    let (handle, trampoline) = (
        lean_rs_sys::lean_unbox(handle),
        lean_rs_sys::lean_unbox(trampoline),
    );
    // SAFETY: `s` is the owned list element (a Lean string), borrowed by the helper, then
    // released here because the closure owns its argument.
    let status = unsafe { lean_rs_interop_string_callback_call(handle, trampoline, s) };
    // SAFETY: we own `s` (closure arguments are owned).
    unsafe { lean_rs_sys::lean_dec(s) };
    lean_rs_sys::lean_box(usize::from(status))
}

/// Builds a closure with `fixed` boxed-scalar arguments over `body` of total arity `arity`.
fn closure(body: *mut c_void, arity: u32, fixed: &[usize]) -> *mut lean_object {
    let count = u32::try_from(fixed.len()).unwrap();
    // SAFETY: `body` is an `extern "C"` function taking `arity` objects; every fixed slot is
    // written below before the closure is used.
    unsafe {
        let f = lean_rs_sys::lean_alloc_closure(body, arity, count);
        for (i, value) in (0..count).zip(fixed) {
            lean_rs_sys::lean_closure_set(f, i, lean_rs_sys::lean_box(*value));
        }
        f
    }
}

/// Reads a `List` of boxed small naturals, consuming it.
fn take_boxed_list(list: *mut lean_object) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cell = list;
    // SAFETY: `list` is an owned, well-formed Lean `List` (cons = ctor 1 with 2 fields, nil =
    // box 0); cells stay alive until the final `lean_dec`.
    unsafe {
        while !lean_rs_sys::lean_is_scalar(cell) {
            assert_eq!(lean_rs_sys::lean_obj_tag(cell), 1);
            out.push(lean_rs_sys::lean_unbox(lean_rs_sys::lean_ctor_get(cell, 0)));
            cell = lean_rs_sys::lean_ctor_get(cell, 1);
        }
        lean_rs_sys::lean_dec(list);
    }
    out
}

#[test]
fn lean_list_map_calls_rust_through_a_closure() {
    let _runtime = LeanRuntime::init().unwrap();
    let range: ListRange = lean_symbol("l_List_range");
    let map: ListMap = lean_symbol("l_List_map___redArg");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let callback = LeanCallbackHandle::<LeanProgressTick>::register(move |t| {
        sink.lock().unwrap().push(t.current);
        if t.current == 3 {
            LeanCallbackFlow::Stop
        } else {
            LeanCallbackFlow::Continue
        }
    })
    .unwrap();
    let (handle, trampoline) = callback.abi_parts();
    let f = closure(
        tick_closure_body as *mut c_void,
        4,
        &[handle, trampoline, 5],
    );
    // SAFETY: `List.range : Nat → List Nat` and `List.map` (erased type args: `f`, `xs`, both
    // owned) are the Lean-compiled functions of libleanshared 4.35.0.
    let statuses = unsafe { map(f, range(lean_rs_sys::lean_box(5))) };
    // List.map is not tail-recursive: it applies `f` front to back while descending.
    assert_eq!(*seen.lock().unwrap(), [0, 1, 2, 3, 4]);
    assert_eq!(take_boxed_list(statuses), [0, 0, 0, 4, 0]);

    // The same closure shape after the handle is dropped: every call is a stale handle.
    drop(callback);
    let f = closure(
        tick_closure_body as *mut c_void,
        4,
        &[handle, trampoline, 2],
    );
    // SAFETY: as above.
    let statuses = unsafe { map(f, range(lean_rs_sys::lean_box(2))) };
    assert_eq!(take_boxed_list(statuses), [1, 1]);
}

#[test]
fn lean_list_map_streams_strings_and_contains_panics() {
    let _runtime = LeanRuntime::init().unwrap();
    let map: ListMap = lean_symbol("l_List_map___redArg");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let callback = LeanCallbackHandle::<LeanStringEvent>::register(move |event| {
        assert_ne!(event.value, "boom", "callback refused {}", event.value);
        sink.lock().unwrap().push(event.value);
        LeanCallbackFlow::Continue
    })
    .unwrap();
    let rows = ["{\"a\":1}", "boom", "ünïcödé"];
    let mut list = lean_rs_sys::lean_box(0);
    for row in rows.iter().rev() {
        // SAFETY: a cons cell (ctor 1, two object fields) taking ownership of head and tail.
        unsafe {
            let cell = lean_rs_sys::lean_alloc_ctor(1, 2, 0);
            lean_rs_sys::lean_ctor_set(cell, 0, lean_string(row));
            lean_rs_sys::lean_ctor_set(cell, 1, list);
            list = cell;
        }
    }
    let (handle, trampoline) = callback.abi_parts();
    let f = closure(string_closure_body as *mut c_void, 3, &[handle, trampoline]);
    // SAFETY: as in the tick test; `list` is an owned `List String`.
    let statuses = unsafe { map(f, list) };
    assert_eq!(take_boxed_list(statuses), [0, 2, 0]);
    assert_eq!(*seen.lock().unwrap(), ["{\"a\":1}", "ünïcödé"]);
    assert!(
        callback
            .last_error()
            .unwrap()
            .message()
            .contains("callback refused boom")
    );
}

/// A Lean shim dylib opened at run time resolves the helpers from the executable's dynamic
/// symbol table; this package's binaries export them there.
#[test]
fn helpers_are_exported_for_dynamically_loaded_lean_code() {
    let this = libloading::os::unix::Library::this();
    for helper in [
        "lean_rs_interop_tick_callback_call",
        "lean_rs_interop_string_callback_call",
    ] {
        // SAFETY: only the address is looked up, never called through this handle.
        let found = unsafe { this.get::<*mut c_void>(helper.as_bytes()) };
        assert!(found.is_ok(), "{helper} is not in the dynamic symbol table");
    }
    let callback =
        LeanCallbackHandle::<LeanProgressTick>::register(|_| LeanCallbackFlow::Continue).unwrap();
    let resolved: libloading::os::unix::Symbol<unsafe extern "C" fn(usize, usize, u64, u64) -> u8> =
        // SAFETY: the helper's C signature, as declared by LeanRsInterop.Callback.Tick.call.
        unsafe { this.get(b"lean_rs_interop_tick_callback_call") }.unwrap();
    let (handle, trampoline) = callback.abi_parts();
    // SAFETY: crate trampoline and live handle.
    let status = unsafe { resolved(handle, trampoline, 1, 1) };
    assert_eq!(status, LeanCallbackStatus::Ok.as_u8());
}

#[test]
fn handles_cross_threads_and_register_from_any_thread() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<LeanCallbackHandle<LeanProgressTick>>();
    assert_send_sync::<LeanCallbackHandle<LeanStringEvent>>();
    let callback = std::thread::spawn(|| {
        LeanCallbackHandle::<LeanProgressTick>::register(|t| {
            if t.current == 0 {
                LeanCallbackFlow::Stop
            } else {
                LeanCallbackFlow::Continue
            }
        })
        .unwrap()
    })
    .join()
    .unwrap();
    let (handle, trampoline) = callback.abi_parts();
    assert_eq!(
        tick(handle, trampoline, 0, 1),
        Some(LeanCallbackStatus::Stopped)
    );
}
