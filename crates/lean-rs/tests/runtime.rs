//! Runtime init, thread attachment, IO errors raised by real Lean code, panic containment
//! and reference-count leaks, all against the real Lean 4.35.0 runtime (tier 1).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)]

use std::process::Command;
use std::time::{Duration, Instant};

use lean_rs::{
    DiagnosticCapture, IntoLean, LeanDiagnosticCode, LeanError, LeanExceptionKind, LeanIo,
    LeanRuntime, LeanThreadGuard, TryFromLean,
};
use lean_rs_sys::{self as sys, lean_object};
use num_bigint::BigUint;

type O = *mut lean_object;

lean_rs_sys::lean_extern! {
    /// `IO.FS.Handle.mk (fn : @& FilePath) (mode : FS.Mode) : IO Handle`.
    /// 4.26+ erase the IO world token from C signatures (zero-cost `BaseIO`), so no world argument.
    fn lean_io_prim_handle_mk(filename: O, mode: u8) -> O;
    fn lean_mk_io_error_already_exists(code: u32, details: O) -> O;
    fn lean_mk_io_error_other_error(code: u32, details: O) -> O;
    fn lean_mk_io_error_resource_busy(code: u32, details: O) -> O;
    fn lean_mk_io_error_resource_vanished(code: u32, details: O) -> O;
    fn lean_mk_io_error_unsupported_operation(code: u32, details: O) -> O;
    fn lean_mk_io_error_hardware_fault(code: u32, details: O) -> O;
    fn lean_mk_io_error_unsatisfied_constraints(code: u32, details: O) -> O;
    fn lean_mk_io_error_illegal_operation(code: u32, details: O) -> O;
    fn lean_mk_io_error_protocol_error(code: u32, details: O) -> O;
    fn lean_mk_io_error_time_expired(code: u32, details: O) -> O;
    fn lean_mk_io_error_interrupted(file: O, code: u32, details: O) -> O;
    fn lean_mk_io_error_no_file_or_directory(file: O, code: u32, details: O) -> O;
    fn lean_mk_io_error_invalid_argument_file(file: O, code: u32, details: O) -> O;
    fn lean_mk_io_error_permission_denied(code: u32, details: O) -> O;
    fn lean_mk_io_error_resource_exhausted_file(file: O, code: u32, details: O) -> O;
    fn lean_mk_io_error_inappropriate_type(code: u32, details: O) -> O;
    fn lean_mk_io_error_no_such_thing_file(file: O, code: u32, details: O) -> O;
    fn lean_mk_io_error_eof(unit: O) -> O;
    fn lean_mk_io_user_error(msg: O) -> O;
    fn lean_panic_fn(default: O, msg: O) -> O;
}

fn rt() -> &'static LeanRuntime {
    LeanRuntime::init().expect("runtime init")
}

fn lean_str(s: &str) -> O {
    s.into_c(rt()).unwrap()
}

fn decode_io<T: for<'l> TryFromLean<'l>>(raw: O) -> lean_rs::LeanResult<T> {
    // SAFETY: `raw` is an owned IO result returned by Lean.
    unsafe { LeanIo::<T>::decode_c(raw, rt()) }
}

#[test]
fn init_is_idempotent_and_race_free_under_concurrent_first_calls() {
    let handles: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(|| {
                let r = LeanRuntime::init().map(|r| std::ptr::from_ref(r) as usize);
                r.map_err(|e| e.to_string())
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert!(LeanRuntime::is_initialized());
    assert!(LeanRuntime::init().is_ok());
}

#[test]
fn init_emits_the_runtime_init_span() {
    let capture = DiagnosticCapture::install();
    rt();
    let events = capture.events();
    assert!(
        events
            .iter()
            .any(|e| e.is_span && e.name == "lean_rs.runtime.init"),
        "{events:?}"
    );
}

#[test]
fn attached_threads_do_lean_work_concurrently() {
    rt();
    let workers: Vec<_> = (0..4u64)
        .map(|t| {
            std::thread::spawn(move || {
                let runtime = LeanRuntime::init().unwrap();
                let _guard = LeanThreadGuard::attach(runtime);
                let _nested = LeanThreadGuard::attach(runtime);
                assert_eq!(LeanThreadGuard::depth(), 2);
                let mut total = BigUint::from(0u8);
                for i in 0..2000u64 {
                    let text = format!("t{t}-{i}-ü");
                    let s: O = text.as_str().into_c(runtime).unwrap();
                    let suffix: O = "!".into_c(runtime).unwrap();
                    // SAFETY: consumes `s`, borrows `suffix`.
                    let joined = unsafe { sys::lean_string_append(s, suffix) };
                    // SAFETY: releases a reference this test owns (objects are live).
                    unsafe { sys::lean_dec(suffix) };
                    // SAFETY: owned result.
                    let back = unsafe { String::try_from_c(joined, runtime) }.unwrap();
                    assert_eq!(back, format!("{text}!"));
                    let n: O = (BigUint::from(u64::MAX) * i).into_c(runtime).unwrap();
                    // SAFETY: borrowed arguments, owned result.
                    let sum = unsafe { sys::lean_nat_add(n, n) };
                    // SAFETY: releases a reference this test owns (objects are live).
                    unsafe { sys::lean_dec(n) };
                    // SAFETY: owned result.
                    total += unsafe { BigUint::try_from_c(sum, runtime) }.unwrap();
                }
                total
            })
        })
        .collect();
    let expected: BigUint = (0..2000u64)
        .map(|i| BigUint::from(u64::MAX) * i * 2u8)
        .sum();
    for w in workers {
        assert_eq!(w.join().unwrap(), expected);
    }
}

#[cfg(debug_assertions)]
#[test]
fn dispatch_from_an_unattached_thread_is_caught_in_debug_builds() {
    rt();
    let outcome = std::thread::spawn(|| {
        let runtime = LeanRuntime::init().unwrap();
        // No guard on this thread.
        let _ = "boom".into_lean(runtime);
    })
    .join();
    let payload = outcome.expect_err("dispatch without a guard must panic in debug builds");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    assert!(message.contains("not attached"), "{message}");
}

#[test]
fn missing_file_raises_no_file_or_directory_from_real_lean() {
    let path = "/definitely/missing/lean-rs-test.txt";
    let name = lean_str(path);
    // SAFETY: borrowed filename, mode 0 (read); owned IO result.
    let res = unsafe { lean_io_prim_handle_mk(name, 0) };
    // SAFETY: releases a reference this test owns (objects are live).
    unsafe { sys::lean_dec(name) };
    let err = decode_io::<()>(res).expect_err("opening a missing file must fail");
    assert_eq!(err.code(), LeanDiagnosticCode::LeanException);
    let LeanError::LeanException(exc) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(exc.kind(), LeanExceptionKind::NoFileOrDirectory);
    assert_eq!(exc.filename(), Some(path));
    assert_eq!(exc.os_code(), Some(2)); // ENOENT
    assert!(
        exc.message().contains("no such file or directory"),
        "{}",
        exc.message()
    );
}

#[test]
#[allow(clippy::too_many_lines)] // one table row per IO.Error constructor
fn every_io_error_constructor_decodes_to_its_kind() {
    use LeanExceptionKind as K;
    // SAFETY: each constructor consumes its object arguments and returns an owned error.
    let cases: Vec<(O, K)> = unsafe {
        vec![
            (
                lean_mk_io_error_already_exists(17, lean_str("d")),
                K::AlreadyExists,
            ),
            (
                lean_mk_io_error_other_error(1, lean_str("d")),
                K::OtherError,
            ),
            (
                lean_mk_io_error_resource_busy(16, lean_str("d")),
                K::ResourceBusy,
            ),
            (
                lean_mk_io_error_resource_vanished(32, lean_str("d")),
                K::ResourceVanished,
            ),
            (
                lean_mk_io_error_unsupported_operation(38, lean_str("d")),
                K::UnsupportedOperation,
            ),
            (
                lean_mk_io_error_hardware_fault(5, lean_str("d")),
                K::HardwareFault,
            ),
            (
                lean_mk_io_error_unsatisfied_constraints(39, lean_str("d")),
                K::UnsatisfiedConstraints,
            ),
            (
                lean_mk_io_error_illegal_operation(25, lean_str("d")),
                K::IllegalOperation,
            ),
            (
                lean_mk_io_error_protocol_error(71, lean_str("d")),
                K::ProtocolError,
            ),
            (
                lean_mk_io_error_time_expired(62, lean_str("d")),
                K::TimeExpired,
            ),
            (
                lean_mk_io_error_interrupted(lean_str("f"), 4, lean_str("d")),
                K::Interrupted,
            ),
            (
                lean_mk_io_error_no_file_or_directory(lean_str("f"), 2, lean_str("d")),
                K::NoFileOrDirectory,
            ),
            (
                lean_mk_io_error_invalid_argument_file(lean_str("f"), 22, lean_str("d")),
                K::InvalidArgument,
            ),
            (
                lean_mk_io_error_permission_denied(13, lean_str("d")),
                K::PermissionDenied,
            ),
            (
                lean_mk_io_error_resource_exhausted_file(lean_str("f"), 12, lean_str("d")),
                K::ResourceExhausted,
            ),
            (
                lean_mk_io_error_inappropriate_type(21, lean_str("d")),
                K::InappropriateType,
            ),
            (
                lean_mk_io_error_no_such_thing_file(lean_str("f"), 6, lean_str("d")),
                K::NoSuchThing,
            ),
            (lean_mk_io_error_eof(sys::lean_box(0)), K::UnexpectedEof),
            (
                lean_mk_io_user_error(lean_str("custom failure")),
                K::UserError,
            ),
        ]
    };
    for (raw, kind) in cases {
        // SAFETY: wraps an owned error into an owned IO error result.
        let res = unsafe { sys::lean_io_result_mk_error(raw) };
        let err = decode_io::<String>(res).unwrap_err();
        let LeanError::LeanException(exc) = err else {
            panic!("{kind:?}: {err:?}")
        };
        assert_eq!(exc.kind(), kind);
        match kind {
            K::UnexpectedEof => assert_eq!(exc.message(), "end of file"),
            K::UserError => {
                assert_eq!(exc.message(), "custom failure");
                assert_eq!(exc.os_code(), None);
            }
            K::AlreadyExists | K::OtherError | K::PermissionDenied | K::InappropriateType => {
                assert!(exc.os_code().is_some());
                assert_eq!(exc.filename(), None);
            }
            K::Interrupted
            | K::NoFileOrDirectory
            | K::InvalidArgument
            | K::ResourceExhausted
            | K::NoSuchThing => {
                assert_eq!(exc.filename(), Some("f"));
            }
            _ => assert!(exc.os_code().is_some()),
        }
    }
    // Success carries the value.
    let ok_value = "fine".into_c(rt()).unwrap();
    // SAFETY: consumes the value.
    let res = unsafe { sys::lean_io_result_mk_ok(ok_value) };
    assert_eq!(decode_io::<String>(res).unwrap(), "fine");
}

#[test]
fn huge_lean_messages_are_bounded() {
    let huge = "é".repeat(100_000);
    // SAFETY: consumes the message; owned error wrapped into an owned result.
    let res = unsafe { sys::lean_io_result_mk_error(lean_mk_io_user_error(lean_str(&huge))) };
    let err = decode_io::<()>(res).unwrap_err();
    assert!(err.message().len() <= lean_rs::error::LEAN_ERROR_MESSAGE_LIMIT);
    assert!(err.message().starts_with("éé"));
}

const PANIC_CHILD_ENV: &str = "LEAN_RS_TEST_PANIC_CHILD";

#[test]
fn lean_panic_terminates_the_process_and_parent_sees_failure() {
    if std::env::var_os(PANIC_CHILD_ENV).is_some() {
        let default = sys::lean_box(0);
        let msg = lean_str("lean-rs panic containment probe");
        // SAFETY: consumes both; with LEAN_ABORT_ON_PANIC=1 this does not return.
        let r = unsafe { lean_panic_fn(default, msg) };
        // SAFETY: releases a reference this test owns (objects are live).
        unsafe { sys::lean_dec(r) };
        // Reaching here means Lean did not abort: report it distinctly.
        std::process::exit(0);
    }
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let out = Command::new(exe)
        .args([
            "--exact",
            "lean_panic_terminates_the_process_and_parent_sees_failure",
            "--nocapture",
        ])
        .env(PANIC_CHILD_ENV, "1")
        .env("LEAN_ABORT_ON_PANIC", "1")
        .env("LEAN_BACKTRACE", "0")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "child survived a Lean panic: {stderr}"
    );
    assert!(
        stderr.contains("lean-rs panic containment probe"),
        "{stderr}"
    );
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    eprintln!("child exit: {:?} after {elapsed:?}", out.status);
}

fn rss_pages() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    statm.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_million_conversions_keep_rss_flat() {
    let runtime = rt();
    let round = |i: u64| {
        let s: O = format!("item-{i}").into_c(runtime).unwrap();
        // SAFETY: owned values from our encoder, consumed by the decoders / Lean.
        unsafe {
            let pushed = sys::lean_string_push(s, 'λ' as u32);
            let back = String::try_from_c(pushed, runtime).unwrap();
            assert!(back.ends_with('λ'));
            let v: O = vec![i, i + 1].into_c(runtime).unwrap();
            assert_eq!(Vec::<u64>::try_from_c(v, runtime).unwrap()[1], i + 1);
            let n: O = (BigUint::from(u64::MAX) + i).into_c(runtime).unwrap();
            let sum = sys::lean_nat_add(n, n);
            sys::lean_dec(n);
            let _ = BigUint::try_from_c(sum, runtime).unwrap();
        }
    };
    for i in 0..50_000 {
        round(i);
    }
    let before = rss_pages();
    for i in 0..1_000_000 {
        round(i);
    }
    let after = rss_pages();
    let page = 4096u64;
    let growth_kib = after.saturating_sub(before) * page / 1024;
    eprintln!(
        "RSS before {} KiB, after {} KiB, growth {growth_kib} KiB over 1,000,000 rounds",
        before * 4,
        after * 4
    );
    assert!(growth_kib < 16 * 1024, "RSS grew by {growth_kib} KiB");
}

const THREADS_CHILD_ENV: &str = "LEAN_RS_TEST_THREADS_CHILD";

#[test]
fn invalid_worker_count_falls_back_with_a_warning() {
    if std::env::var_os(THREADS_CHILD_ENV).is_some() {
        // Child: the capture is installed before the first `init` in this process.
        let capture = DiagnosticCapture::install();
        LeanRuntime::init().unwrap();
        let warned = capture.events().iter().any(|e| {
            e.level == tracing::Level::WARN
                && e.message
                    .as_deref()
                    .is_some_and(|m| m.contains("LEAN_RS_NUM_THREADS"))
        });
        std::process::exit(if warned { 0 } else { 3 });
    }
    for (value, expect_warning) in [("zero", true), ("0", true), ("-2", true), ("2", false)] {
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "invalid_worker_count_falls_back_with_a_warning",
                "--nocapture",
            ])
            .env(THREADS_CHILD_ENV, "1")
            .env("LEAN_RS_NUM_THREADS", value)
            .output()
            .unwrap();
        let code = out.status.code();
        if expect_warning {
            assert_eq!(
                code,
                Some(0),
                "value {value:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        } else {
            assert_eq!(code, Some(3), "value {value:?} must not warn");
        }
    }
}
