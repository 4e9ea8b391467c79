//! Tier 1, runtime: worker mode's contract for bad input, from Rust through the same
//! `extern "C"` functions a C host calls. Every bad pointer, size, version, path, handle or
//! manifest is a `LEAN_RS_*` code with a message — never a panic across the boundary — and
//! none of it starts Lean in this process. (nextest runs each test in its own process.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)] // calling the C ABI exactly as C does

mod common;

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use common::{close, message, new_error};
use lean_rs_capi::boundary::*;
use lean_rs_capi::*;

fn default_options() -> LeanRsWorkerOptions {
    let mut options = std::mem::MaybeUninit::<LeanRsWorkerOptions>::uninit();
    // SAFETY: writes a full struct.
    unsafe { lean_rs_worker_options_default(options.as_mut_ptr()) };
    // SAFETY: initialized just above.
    unsafe { options.assume_init() }
}

/// `lean_rs_capability_open_isolated`: `Ok(handle)` or `Err((code, message))`.
fn open(path: *const c_char, options: *const LeanRsWorkerOptions) -> Result<u64, (i32, String)> {
    let mut handle = 0u64;
    let mut err = new_error();
    // SAFETY: `path` is NULL or NUL-terminated, `options` NULL or valid; the out-pointers are
    // writable.
    let code =
        unsafe { lean_rs_capability_open_isolated(path, options, &raw mut handle, &raw mut err) };
    assert_eq!(err.code, code);
    if code == LEAN_RS_OK {
        Ok(handle)
    } else {
        assert_eq!(handle, 0, "the handle is written only on success");
        Err((code, message(&err)))
    }
}

fn manifest_file(dir: &std::path::Path, text: &str) -> CString {
    let path = dir.join("x.capability.json");
    std::fs::write(&path, text).unwrap();
    CString::new(path.to_str().unwrap()).unwrap()
}

#[test]
fn c_abi_isolated_open_refuses_bad_pointers_versions_and_paths() {
    let options = default_options();
    assert_eq!(options.abi_version, LEAN_RS_ABI_VERSION);
    assert!(options.child_path.is_null());
    // SAFETY: NULL is accepted and ignored.
    unsafe { lean_rs_worker_options_default(ptr::null_mut()) };

    let (code, text) = open(ptr::null(), ptr::null()).unwrap_err();
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT);
    assert!(text.contains("manifest_path is NULL"), "{text}");

    let mut err = new_error();
    // SAFETY: a NULL out-pointer is what is being refused.
    let code = unsafe {
        lean_rs_capability_open_isolated(c"x".as_ptr(), ptr::null(), ptr::null_mut(), &raw mut err)
    };
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT);
    assert!(message(&err).contains("out_handle"));

    let mut wrong = default_options();
    wrong.abi_version = 999;
    let (code, text) = open(c"x".as_ptr(), &raw const wrong).unwrap_err();
    assert_eq!(code, LEAN_RS_VERSION_MISMATCH);
    assert!(text.contains("999"), "{text}");

    let long = CString::new("a".repeat(5000)).unwrap();
    let (code, _) = open(long.as_ptr(), ptr::null()).unwrap_err();
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT);
    let not_utf8 = CString::new(vec![0xff_u8, 0xfe]).unwrap();
    let (code, _) = open(not_utf8.as_ptr(), ptr::null()).unwrap_err();
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT);

    let (code, text) = open(c"/nonexistent/x.capability.json".as_ptr(), ptr::null()).unwrap_err();
    assert_eq!(code, LEAN_RS_LOAD_FAILED);
    assert!(text.contains("/nonexistent/x.capability.json"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    for garbage in ["not json", "{\"schema\": 99}", "[1, 2]", "{\"schema\": 2}"] {
        let path = manifest_file(dir.path(), garbage);
        let (code, text) = open(path.as_ptr(), ptr::null()).unwrap_err();
        assert_eq!(code, LEAN_RS_LOAD_FAILED, "{garbage}: {text}");
    }

    let path = manifest_file(
        dir.path(),
        r#"{"schema": 2, "package": "x", "module": "X", "dylib": "/nonexistent/libx.so"}"#,
    );
    let mut missing_child = default_options();
    missing_child.child_path = c"/nonexistent/lean-rs-worker-child".as_ptr();
    let (code, text) = open(path.as_ptr(), &raw const missing_child).unwrap_err();
    assert_eq!(code, LEAN_RS_WORKER_START_FAILED);
    assert!(text.contains("/nonexistent/lean-rs-worker-child"), "{text}");
    let bad_child = CString::new(vec![b'/', 0xff]).unwrap();
    missing_child.child_path = bad_child.as_ptr();
    let (code, _) = open(path.as_ptr(), &raw const missing_child).unwrap_err();
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT);

    assert_eq!(
        lean_rs_is_initialized(),
        0,
        "worker mode never starts Lean here"
    );
    assert!(common::children().is_empty());
}

#[test]
fn c_abi_isolated_a_library_the_child_cannot_load_is_load_failed_and_leaves_no_child() {
    let dir = tempfile::tempdir().unwrap();
    let path = manifest_file(
        dir.path(),
        r#"{"schema": 2, "package": "x", "module": "X", "dylib": "/nonexistent/libx.so"}"#,
    );
    let child = CString::new(common::worker_child().to_str().unwrap()).unwrap();
    let mut options = default_options();
    options.child_path = child.as_ptr();
    let (code, text) = open(path.as_ptr(), &raw const options).unwrap_err();
    assert_eq!(code, LEAN_RS_LOAD_FAILED, "{text}");
    assert!(text.contains("libx.so"), "{text}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !common::children().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "a worker child was left"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(lean_rs_is_initialized(), 0);
}

#[test]
fn c_abi_isolated_unknown_and_in_process_handles_are_typed_errors() {
    for handle in [0, 1 << 63, (1 << 63) | 0x3039, u64::MAX] {
        let (code, text) = common::call(handle, c"f", &[], LEAN_RS_KIND_UNIT).unwrap_err();
        assert!(
            code == LEAN_RS_SYMBOL_NOT_FOUND || code == LEAN_RS_NOT_INITIALIZED,
            "{handle:#x}: {} {text}",
            common::name(code)
        );
        if handle >> 63 == 1 {
            assert_eq!(code, LEAN_RS_SYMBOL_NOT_FOUND, "{text}");
            let (code, text) = close(handle);
            assert_eq!(code, LEAN_RS_SYMBOL_NOT_FOUND, "{text}");
        }
    }
    let (code, text) = close(1);
    assert_eq!(code, LEAN_RS_UNSUPPORTED, "{text}");
    // SAFETY: NULL errors are accepted.
    let code = unsafe { lean_rs_capability_close(1 << 63, ptr::null_mut()) };
    assert_eq!(code, LEAN_RS_SYMBOL_NOT_FOUND);
}

#[test]
fn c_abi_error_names_cover_every_code() {
    let name = |code| {
        // SAFETY: a static NUL-terminated string.
        unsafe { CStr::from_ptr(lean_rs_error_name(code)) }
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(name(LEAN_RS_OK), "LEAN_RS_OK");
    assert_eq!(name(LEAN_RS_WORKER_PANIC), "LEAN_RS_WORKER_PANIC");
    assert_eq!(name(LEAN_RS_WORKER_PROTOCOL), "LEAN_RS_WORKER_PROTOCOL");
    let names: std::collections::BTreeSet<String> =
        (0..=LEAN_RS_WORKER_PROTOCOL).map(name).collect();
    assert_eq!(
        names.len(),
        usize::try_from(LEAN_RS_WORKER_PROTOCOL).unwrap() + 1
    );
    assert!(!names.contains("unknown"));
    assert_eq!(name(LEAN_RS_WORKER_PROTOCOL + 1), "unknown");
    assert_eq!(name(-1), "unknown");
}

#[test]
fn c_abi_worker_options_layout_is_the_documented_one() {
    // Hosts without the header (Mojo) write the fields at these offsets.
    assert_eq!(std::mem::size_of::<LeanRsWorkerOptions>(), 40);
    assert_eq!(std::mem::offset_of!(LeanRsWorkerOptions, abi_version), 0);
    assert_eq!(
        std::mem::offset_of!(LeanRsWorkerOptions, startup_timeout_ms),
        4
    );
    assert_eq!(
        std::mem::offset_of!(LeanRsWorkerOptions, request_timeout_ms),
        8
    );
    assert_eq!(
        std::mem::offset_of!(LeanRsWorkerOptions, abort_on_panic),
        12
    );
    assert_eq!(std::mem::offset_of!(LeanRsWorkerOptions, child_path), 16);
    assert_eq!(
        std::mem::offset_of!(LeanRsWorkerOptions, memory_limit_bytes),
        24
    );
    assert_eq!(
        std::mem::offset_of!(LeanRsWorkerOptions, rss_watchdog_kib),
        32
    );
    let options = default_options();
    assert_eq!(
        (options.memory_limit_bytes, options.rss_watchdog_kib),
        (0, 0)
    );
}
