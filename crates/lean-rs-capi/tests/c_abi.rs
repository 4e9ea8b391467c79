//! Tier 1, runtime: the C ABI's contract from Rust, through the same `extern "C"` functions
//! a C host calls — versioning, errors before init, argument validation, idempotent init,
//! caller-owned buffers, JSON through Lean. (nextest runs each test in its own process.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)] // calling the C ABI exactly as C does
#![allow(clippy::borrow_as_ptr)] // `&mut x` is how a C caller's `&x` reads here

use std::ffi::CStr;
use std::ptr;

use lean_rs_capi::boundary::*;
use lean_rs_capi::*;

fn new_error() -> LeanRsError {
    LeanRsError {
        code: -1,
        message_len: 0,
        message: [0; LEAN_RS_ERROR_MESSAGE_CAPACITY],
    }
}

fn message(err: &LeanRsError) -> String {
    // SAFETY: the library always NUL-terminates the message.
    unsafe { CStr::from_ptr(err.message.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

fn empty() -> LeanRsValue {
    LeanRsValue {
        kind: 0,
        bits: 0,
        real: 0.0,
        data: ptr::null_mut(),
        len: 0,
    }
}

#[test]
fn c_abi_reports_version_and_refuses_calls_before_init() {
    assert_eq!(lean_rs_abi_version(), LEAN_RS_ABI_VERSION);
    // SAFETY: static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(lean_rs_version_string()) };
    assert!(version.to_str().unwrap().starts_with("lean-rs-capi "));
    assert_eq!(lean_rs_is_initialized(), 0);
    let mut err = new_error();
    let mut out = empty();
    // SAFETY: valid pointers.
    let code = unsafe {
        lean_rs_call(
            1,
            c"x".as_ptr(),
            ptr::null(),
            0,
            LEAN_RS_KIND_UNIT,
            &mut out,
            &mut err,
        )
    };
    assert_eq!(code, LEAN_RS_NOT_INITIALIZED);
    assert_eq!(err.code, code);
    assert!(message(&err).contains("lean_rs_init"));
}

#[test]
fn c_abi_version_mismatch_is_typed_and_init_is_idempotent() {
    let mut options = std::mem::MaybeUninit::<LeanRsInitOptions>::uninit();
    // SAFETY: writes a full struct.
    unsafe { lean_rs_init_options_default(options.as_mut_ptr()) };
    // SAFETY: initialized just above.
    let mut options = unsafe { options.assume_init() };
    options.abi_version = 999;
    let mut err = new_error();
    // SAFETY: valid pointers.
    let code = unsafe { lean_rs_init(&options, &mut err) };
    assert_eq!(code, LEAN_RS_VERSION_MISMATCH);
    assert!(message(&err).contains("999"), "{}", message(&err));
    options.abi_version = LEAN_RS_ABI_VERSION;
    options.workers = 1;
    // SAFETY: valid pointers.
    let code = unsafe { lean_rs_init(&options, &mut err) };
    assert_eq!(code, LEAN_RS_OK, "{}", message(&err));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                let mut err = new_error();
                // SAFETY: NULL options are the defaults.
                unsafe { lean_rs_init(ptr::null(), &mut err) }
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), LEAN_RS_OK);
    }
    assert_eq!(lean_rs_is_initialized(), 1);
}

#[test]
fn c_abi_validates_arguments_and_parses_json_through_lean() {
    let mut err = new_error();
    // SAFETY: NULL options, valid error pointer.
    let code = unsafe { lean_rs_init(ptr::null(), &mut err) };
    assert_eq!(code, LEAN_RS_OK);
    let mut handle = 0u64;
    // SAFETY: valid pointers; the path does not exist.
    let code = unsafe {
        lean_rs_capability_open(
            c"/nonexistent/x.capability.json".as_ptr(),
            &mut handle,
            &mut err,
        )
    };
    assert_eq!(code, LEAN_RS_LOAD_FAILED);
    let bad_utf8 = [0xffu8, 0xfe];
    let mut out = empty();
    // SAFETY: valid pointers and lengths.
    let code = unsafe { lean_rs_json_parse(bad_utf8.as_ptr(), 2, &mut out, &mut err) };
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT);
    let text = br#"{"b": [1, 2.5, null], "a": "x"}"#;
    // SAFETY: valid pointers and lengths.
    let code = unsafe { lean_rs_json_parse(text.as_ptr(), text.len(), &mut out, &mut err) };
    assert_eq!(code, LEAN_RS_OK, "{}", message(&err));
    assert_eq!(out.kind, LEAN_RS_KIND_STRING);
    // SAFETY: a NUL-terminated result buffer.
    let compressed = unsafe { CStr::from_ptr(out.data.cast()) }
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(compressed.len(), out.len);
    let reparsed: serde_json::Value = serde_json::from_str(&compressed).unwrap();
    assert_eq!(reparsed, serde_json::json!({"a": "x", "b": [1, 2.5, null]}));
    // SAFETY: a value this library filled; freeing twice is allowed.
    unsafe {
        lean_rs_value_free(&mut out);
        lean_rs_value_free(&mut out);
    }
    assert!(out.data.is_null());
    let mut needed = 0usize;
    let mut small = [0 as std::ffi::c_char; 4];
    // SAFETY: a 4-byte caller buffer.
    let code = unsafe { lean_rs_signal_audit(small.as_mut_ptr(), 4, &mut needed, &mut err) };
    assert_eq!(code, LEAN_RS_BUFFER_TOO_SMALL);
    let mut buf = vec![0 as std::ffi::c_char; needed];
    // SAFETY: a buffer of the reported size.
    let code = unsafe { lean_rs_signal_audit(buf.as_mut_ptr(), needed, &mut needed, &mut err) };
    assert_eq!(code, LEAN_RS_OK);
    // SAFETY: NUL-terminated by the library.
    let audit = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
    let audit: serde_json::Value = serde_json::from_str(audit).unwrap();
    assert_eq!(audit["signals"].as_array().unwrap().len(), 6);
}
