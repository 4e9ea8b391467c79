//! Tier 1, prelude world: worker mode from Rust through the `extern "C"` functions a C host
//! calls, against the natively compiled worker fixture — checked kinds before anything is
//! sent, Lean's `IO` errors, a Lean panic without `abort_on_panic` (Lean's default value, the
//! child lives on), bounded arguments, NULL pointers and bad payloads refused in the host,
//! calls from several threads on one handle and on two, the child found through
//! `$LEAN_RS_WORKER_CHILD` unless the host names one, the RSS watchdog, and close (also during
//! a running call).
//! Lean is never initialized in this process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)] // calling the C ABI exactly as C does

mod common;

use std::ffi::CString;
use std::time::{Duration, Instant};

use common::{bits_arg, bytes_arg, call, message, new_error};
use lean_rs_capi::boundary::*;
use lean_rs_capi::*;

fn open_fixture() -> u64 {
    let child = CString::new(common::worker_child().to_str().unwrap()).unwrap();
    try_open(Some(&child)).unwrap_or_else(|(code, text)| panic!("{}: {text}", common::name(code)))
}

/// Opens the worker fixture isolated, with `child` as `child_path` (NULL when `None`).
fn try_open(child: Option<&CString>) -> Result<u64, (i32, String)> {
    try_open_with(child, |_| {})
}

/// [`try_open`] with the options adjusted by `adjust` first.
fn try_open_with(
    child: Option<&CString>,
    adjust: impl FnOnce(&mut LeanRsWorkerOptions),
) -> Result<u64, (i32, String)> {
    let manifest = CString::new(common::worker_manifest().to_str().unwrap()).unwrap();
    let mut options = std::mem::MaybeUninit::<LeanRsWorkerOptions>::uninit();
    // SAFETY: writes a full struct.
    unsafe { lean_rs_worker_options_default(options.as_mut_ptr()) };
    // SAFETY: initialized just above.
    let mut options = unsafe { options.assume_init() };
    options.child_path = child.map_or(std::ptr::null(), |c| c.as_ptr());
    options.startup_timeout_ms = 20_000;
    options.request_timeout_ms = 20_000;
    adjust(&mut options);
    let mut handle = 0;
    let mut err = new_error();
    // SAFETY: valid strings, options and out-pointers; `child` outlives the call.
    let code = unsafe {
        lean_rs_capability_open_isolated(
            manifest.as_ptr(),
            &raw const options,
            &raw mut handle,
            &raw mut err,
        )
    };
    if code == LEAN_RS_OK {
        Ok(handle)
    } else {
        Err((code, message(&err)))
    }
}

fn command(handle: u64, request: &str) -> Result<String, (i32, String)> {
    call(
        handle,
        c"lean_rs_worker_command",
        &[bytes_arg(LEAN_RS_KIND_STRING, request.as_bytes())],
        LEAN_RS_KIND_STRING | LEAN_RS_KIND_IO,
    )
    .map(|got| {
        assert_eq!(got.kind, LEAN_RS_KIND_STRING);
        got.text().to_owned()
    })
}

#[test]
fn prelude_world_capi_isolated_calls_are_checked_typed_and_bounded() {
    let cap = open_fixture();
    assert_eq!(command(cap, "echo héllo").unwrap(), "ok héllo");
    assert_eq!(command(cap, "len héllo").unwrap(), "ok 5");

    // Checked in the host against the manifest, before anything is sent.
    let (code, text) = call(cap, c"no_such_export", &[], LEAN_RS_KIND_UNIT).unwrap_err();
    assert_eq!(code, LEAN_RS_SYMBOL_NOT_FOUND, "{text}");
    let (code, text) = call(
        cap,
        c"lean_rs_worker_panic",
        &[bytes_arg(LEAN_RS_KIND_STRING, b"x")],
        LEAN_RS_KIND_U64,
    )
    .unwrap_err();
    assert_eq!(code, LEAN_RS_SIGNATURE_MISMATCH, "{text}");
    assert!(
        text.contains("recorded: lean_object* (lean_object*)"),
        "{text}"
    );
    let (code, text) = call(
        cap,
        c"lean_rs_worker_spin",
        &[bits_arg(LEAN_RS_KIND_U64, 1), bits_arg(LEAN_RS_KIND_U64, 2)],
        LEAN_RS_KIND_U64,
    )
    .unwrap_err();
    assert_eq!(code, LEAN_RS_SIGNATURE_MISMATCH, "{text}");
    let (code, _) = call(cap, c"lean_rs_worker_spin", &[], 0x7f).unwrap_err();
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT);

    // Lean's IO error: a code and Lean's message; the child keeps serving.
    let (code, text) = command(cap, "fail nope").unwrap_err();
    assert_eq!(code, LEAN_RS_LEAN_EXCEPTION, "{text}");
    assert!(text.contains("nope"), "{text}");

    // A Lean panic without abort_on_panic: Lean prints it and returns `default`.
    let got = call(
        cap,
        c"lean_rs_worker_panic",
        &[bytes_arg(LEAN_RS_KIND_STRING, b"soft")],
        LEAN_RS_KIND_NAT,
    )
    .unwrap();
    assert_eq!((got.kind, got.text()), (LEAN_RS_KIND_NAT, "0"));

    // Bounded arguments: over 16 MiB is refused in the host; 4 MiB crosses and comes back.
    let big = vec![b'a'; 17 << 20];
    let (code, text) = call(
        cap,
        c"lean_rs_worker_command",
        &[bytes_arg(LEAN_RS_KIND_STRING, &big)],
        LEAN_RS_KIND_STRING | LEAN_RS_KIND_IO,
    )
    .unwrap_err();
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT, "{text}");
    let mut request = b"bytes ".to_vec();
    request.extend(std::iter::repeat_n(b'b', 4 << 20));
    assert_eq!(
        command(cap, std::str::from_utf8(&request).unwrap()).unwrap(),
        format!("ok {}", 4 << 20)
    );
    let nat = "1".repeat(100);
    let got = call(
        cap,
        c"lean_rs_worker_deep",
        &[bytes_arg(LEAN_RS_KIND_NAT, b"250")],
        LEAN_RS_KIND_NAT,
    )
    .unwrap();
    assert_eq!(got.text(), "250");
    let (code, _) = call(
        cap,
        c"lean_rs_worker_deep",
        &[bytes_arg(LEAN_RS_KIND_NAT, format!("-{nat}").as_bytes())],
        LEAN_RS_KIND_NAT,
    )
    .unwrap_err();
    assert_eq!(code, LEAN_RS_INVALID_ARGUMENT);

    assert_eq!(
        lean_rs_is_initialized(),
        0,
        "worker mode never starts Lean here"
    );
    assert_eq!(common::close(cap).0, LEAN_RS_OK);
    let (code, _) = command(cap, "ping").unwrap_err();
    assert_eq!(code, LEAN_RS_SYMBOL_NOT_FOUND);
    wait_no_children();
}

#[test]
fn prelude_world_capi_isolated_bad_pointers_counts_and_payloads_never_reach_the_child() {
    let cap = open_fixture();
    let mut out = common::empty();
    let mut err = new_error();
    let one = [bits_arg(LEAN_RS_KIND_U64, 1)];
    let many = [bits_arg(LEAN_RS_KIND_U64, 1); LEAN_RS_MAX_ARGS + 1];
    let null_data = LeanRsArg {
        data: std::ptr::null(),
        len: 4,
        ..bytes_arg(LEAN_RS_KIND_STRING, b"")
    };
    let cases: [(
        *const std::ffi::c_char,
        *const LeanRsArg,
        usize,
        *mut LeanRsValue,
    ); 4] = [
        (std::ptr::null(), one.as_ptr(), 1, &raw mut out),
        (
            c"lean_rs_worker_spin".as_ptr(),
            std::ptr::null(),
            1,
            &raw mut out,
        ),
        (
            c"lean_rs_worker_spin".as_ptr(),
            many.as_ptr(),
            many.len(),
            &raw mut out,
        ),
        (
            c"lean_rs_worker_spin".as_ptr(),
            one.as_ptr(),
            1,
            std::ptr::null_mut(),
        ),
    ];
    for (symbol, args, nargs, out) in cases {
        // SAFETY: every pointer is NULL (what is refused) or valid for its count.
        let code = unsafe {
            lean_rs_call(
                cap,
                symbol,
                args,
                nargs,
                LEAN_RS_KIND_U64,
                out,
                &raw mut err,
            )
        };
        assert_eq!(code, LEAN_RS_INVALID_ARGUMENT, "{}", message(&err));
    }
    for bad in [
        null_data,
        bytes_arg(LEAN_RS_KIND_STRING, &[0xff, 0xfe]),
        bits_arg(LEAN_RS_KIND_BOOL, 2),
        bits_arg(LEAN_RS_KIND_U8, 300),
        bits_arg(0x55, 0),
    ] {
        let (code, text) = call(cap, c"lean_rs_worker_spin", &[bad], LEAN_RS_KIND_U64).unwrap_err();
        assert_eq!(code, LEAN_RS_INVALID_ARGUMENT, "{text}");
    }

    assert_eq!(command(cap, "ping").unwrap(), "ok pong");
    assert_eq!(common::close(cap).0, LEAN_RS_OK);
    wait_no_children();
}

#[test]
fn prelude_world_capi_isolated_threads_share_one_handle_and_use_two_in_parallel() {
    let first = open_fixture();
    let second = open_fixture();
    assert_ne!(first, second);
    assert_eq!(common::children().len(), 2, "one child per isolated handle");
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let handle = if t % 2 == 0 { first } else { second };
            std::thread::spawn(move || {
                for i in 0..25 {
                    let text = format!("echo {t}-{i}");
                    assert_eq!(command(handle, &text).unwrap(), format!("ok {t}-{i}"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    for handle in [first, second] {
        assert_eq!(common::close(handle).0, LEAN_RS_OK);
    }
    wait_no_children();
}

fn wait_no_children() {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !common::children().is_empty() {
        assert!(
            Instant::now() < deadline,
            "worker children left: {:?}",
            common::children()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn prelude_world_capi_isolated_child_from_the_environment_unless_the_host_names_one() {
    let child = common::worker_child();
    // SAFETY: nextest runs this test alone in its process and nothing else here reads or
    // writes the environment concurrently (no other thread has been started by the test).
    unsafe { std::env::set_var("LEAN_RS_WORKER_CHILD", "/nonexistent/lean-rs-worker-child") };
    let (code, text) = try_open(None).unwrap_err();
    assert_eq!(code, LEAN_RS_WORKER_START_FAILED, "{text}");
    assert!(text.contains("LEAN_RS_WORKER_CHILD"), "{text}");
    // A host-given path wins over the environment.
    let named = CString::new(child.to_str().unwrap()).unwrap();
    let cap = try_open(Some(&named)).unwrap();
    assert_eq!(command(cap, "ping").unwrap(), "ok pong");
    assert_eq!(common::close(cap).0, LEAN_RS_OK);
    // SAFETY: as above.
    unsafe { std::env::set_var("LEAN_RS_WORKER_CHILD", &child) };
    let cap = try_open(None).unwrap();
    assert_eq!(command(cap, "ping").unwrap(), "ok pong");
    assert_eq!(common::close(cap).0, LEAN_RS_OK);
    wait_no_children();
}

/// `rounds` steps of the fixture's 64-bit LCG from 1, by squaring the affine map.
fn lcg(mut rounds: u64) -> u64 {
    let (mut a, mut c) = (6_364_136_223_846_793_005_u64, 1_442_695_040_888_963_407_u64);
    let mut x = 1u64;
    while rounds > 0 {
        if rounds & 1 == 1 {
            x = x.wrapping_mul(a).wrapping_add(c);
        }
        (a, c) = (a.wrapping_mul(a), c.wrapping_mul(a).wrapping_add(c));
        rounds >>= 1;
    }
    x
}

#[test]
fn prelude_world_capi_isolated_close_during_a_call_lets_the_call_finish() {
    // About a second of Lean work in the child.
    const ROUNDS: u64 = 500_000_000;
    let cap = open_fixture();
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let running = {
        let finished = finished.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let got = call(
                cap,
                c"lean_rs_worker_spin",
                &[bits_arg(LEAN_RS_KIND_U64, ROUNDS)],
                LEAN_RS_KIND_U64,
            );
            finished.store(true, std::sync::atomic::Ordering::SeqCst);
            (got, started.elapsed())
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let closing = Instant::now();
    assert_eq!(common::close(cap).0, LEAN_RS_OK);
    let close_took = closing.elapsed();
    assert!(
        !finished.load(std::sync::atomic::Ordering::SeqCst),
        "close waited for the running call"
    );
    let (got, call_took) = running.join().unwrap();
    assert_eq!(got.unwrap().bits, lcg(ROUNDS));
    println!("close during a {call_took:?} call returned after {close_took:?}");
    let (code, _) = command(cap, "ping").unwrap_err();
    assert_eq!(code, LEAN_RS_SYMBOL_NOT_FOUND);
    wait_no_children();
}

/// The resident set of process `pid`, in KiB.
fn rss_kib(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap()
}

#[test]
fn prelude_world_capi_isolated_the_rss_watchdog_is_out_of_memory_and_the_next_call_works() {
    let probe = open_fixture();
    let children = common::children();
    assert_eq!(children.len(), 1);
    let ceiling = rss_kib(children[0]) + 128 * 1024;
    assert_eq!(common::close(probe).0, LEAN_RS_OK);
    wait_no_children();
    let child = CString::new(common::worker_child().to_str().unwrap()).unwrap();
    let cap = try_open_with(Some(&child), |o| o.rss_watchdog_kib = ceiling).unwrap();
    let grow = |n: &str| {
        call(
            cap,
            c"lean_rs_worker_grow",
            &[bytes_arg(LEAN_RS_KIND_NAT, n.as_bytes())],
            LEAN_RS_KIND_NAT,
        )
    };
    assert_eq!(grow("10000").unwrap().text(), "10000");
    let (code, text) = grow("200000000").unwrap_err();
    assert_eq!(code, LEAN_RS_WORKER_OUT_OF_MEMORY, "{text}");
    assert!(
        text.contains(&format!("the {ceiling} KiB watchdog ceiling")),
        "{text}"
    );
    assert_eq!(command(cap, "ping").unwrap(), "ok pong");
    assert_eq!(common::close(cap).0, LEAN_RS_OK);
    wait_no_children();
}
