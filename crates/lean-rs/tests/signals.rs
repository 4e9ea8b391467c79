//! Tier 1, runtime: signal coexistence, each case in a child process (dispositions are
//! process-wide). A host handler installed before Lean still sees its own faults with the
//! chaining policy; a fault on an executor worker is reported in one line and then chained;
//! a Lean stack overflow on a worker is reported as a guard-page fault; the audit sees what
//! Lean's initialization changes, and `restore_sigpipe` undoes the SIGPIPE change.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)] // host handlers, deliberate faults, an unchecked libleanshared lookup

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use lean_rs::signals::{self, Disposition, SignalOptions, SignalPolicy};
use lean_rs::{LeanExecutor, LeanExecutorConfig, LeanLibrary, LeanObject, LeanRuntime};

const CHILD_MODE: &str = "LEAN_RS_SIGNALS_TEST_CHILD";
const HOST_EXIT: i32 = 42;

extern "C" fn host_handler(_: i32, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let msg = b"host handler saw its fault\n";
    // SAFETY: write(2) and _exit(2) are async-signal-safe.
    unsafe {
        libc::write(2, msg.as_ptr().cast(), msg.len());
        libc::_exit(HOST_EXIT);
    }
}

fn install_host_handler() {
    // SAFETY: a complete sigaction with an SA_SIGINFO handler of the right signature.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = host_handler as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&raw mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGSEGV, &raw const action, std::ptr::null_mut()),
            0
        );
    }
}

fn fault() {
    // SAFETY: deliberately not safe: reading address 16 faults (the point of the test).
    let _ = unsafe { std::ptr::read_volatile(16 as *const u8) };
}

fn chaining() -> SignalOptions {
    SignalOptions {
        policy: SignalPolicy::ChainOverflowDetection,
        ..SignalOptions::default()
    }
}

fn deep_parse(runtime: &'static LeanRuntime, depth: usize) -> bool {
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("built against a Lean sysroot");
    let library =
        LeanLibrary::open_globally(runtime, format!("{sysroot}/lib/lean/libleanshared.so"))
            .unwrap();
    let lean = library.initialize_module_unpackaged("Lean").unwrap();
    // SAFETY: `l_Lean_Json_parse : String → Except String Json` (4.35.0, objdump): one owned
    // object argument, an owned Except result.
    let parse = unsafe {
        lean.exported_unchecked::<(&str,), Result<LeanObject<'_>, String>>("l_Lean_Json_parse")
    }
    .unwrap();
    let text = "[".repeat(depth) + &"]".repeat(depth);
    parse.call(text.as_str()).unwrap().is_ok()
}

fn child(mode: &str) {
    match mode {
        "host-first-main" => {
            install_host_handler();
            signals::init_runtime(&chaining()).unwrap();
            fault();
        }
        "host-first-worker" => {
            install_host_handler();
            signals::init_runtime(&chaining()).unwrap();
            let executor =
                LeanExecutor::with_config(LeanExecutorConfig::default().workers(1)).unwrap();
            let _ = executor.run_labeled("fault-job", |_| fault());
        }
        "init-fault" => {
            let options = SignalOptions {
                report_file: std::env::var_os("LEAN_RS_SIGNALS_TEST_REPORT").map(Into::into),
                ..chaining()
            };
            let _ = signals::init_runtime_with(&options, |_| {
                fault();
                Ok(())
            });
        }
        "overflow" => {
            signals::init_runtime(&chaining()).unwrap();
            let executor = LeanExecutor::with_config(
                LeanExecutorConfig::default()
                    .workers(1)
                    .stack_size(16 << 20),
            )
            .unwrap();
            let _ = executor.run_labeled("Lean.Json.parse", |rt| deep_parse(rt, 1_000_000));
        }
        "audit-default" | "audit-restore" => {
            // SAFETY: resetting SIGPIPE to the default before anything else runs.
            unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
            let options = SignalOptions {
                restore_sigpipe: mode == "audit-restore",
                ..SignalOptions::default()
            };
            let (_, report) = signals::init_runtime(&options).unwrap();
            let pipe =
                |audit: &signals::SignalAudit| audit.entry(libc::SIGPIPE).unwrap().disposition;
            println!(
                "initialized_here={} before={:?} after={:?} chaining={}",
                report.initialized_here,
                pipe(&report.before),
                pipe(&report.after),
                report.chaining_installed
            );
            print!("{}", report.after);
        }
        other => panic!("unknown child mode {other}"),
    }
}

/// Dispatches to a child mode when the test binary was re-executed as a child.
#[test]
fn signals_child_entry() {
    if let Ok(mode) = std::env::var(CHILD_MODE) {
        child(&mode);
    }
}

fn run_child(mode: &str) -> Output {
    run_child_with(mode, &[])
}

fn run_child_with(mode: &str, env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let exe = std::env::current_exe().unwrap();
    let mut command = Command::new(exe);
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .args([
            "--exact",
            "signals_child_entry",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_MODE, mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("child {mode} timed out: {out:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn signals_host_handler_installed_first_sees_its_fault_off_executor() {
    let out = run_child("host-first-main");
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(HOST_EXIT), "{stdout}\n{stderr}");
    assert!(stderr.contains("host handler saw its fault"), "{stderr}");
    assert!(
        !stderr.contains("lean-rs: fatal"),
        "not a lean-rs thread: {stderr}"
    );
}

#[test]
fn signals_fault_on_a_worker_is_reported_then_chained_to_the_host() {
    let out = run_child("host-first-worker");
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(HOST_EXIT), "{stdout}\n{stderr}");
    let report = stderr
        .lines()
        .find(|l| l.starts_with("lean-rs: fatal SIGSEGV"))
        .unwrap_or_else(|| panic!("no report line: {stderr}"));
    assert!(report.contains("addr=0x10"), "{report}");
    assert!(report.contains("guard-page=no"), "{report}");
    assert!(report.contains("thread=executor-worker"), "{report}");
    assert!(report.contains("job=fault-job"), "{report}");
    let report_at = stderr.find("lean-rs: fatal").unwrap();
    let host_at = stderr.find("host handler saw its fault").unwrap();
    assert!(
        report_at < host_at,
        "report first, then the chained handler"
    );
}

#[test]
fn signals_lean_overflow_on_a_worker_is_reported_as_such() {
    let out = run_child("overflow");
    let (stdout, stderr) = text(&out);
    assert!(
        out.status.signal().is_some(),
        "the process dies by a signal: {:?}\n{stdout}\n{stderr}",
        out.status
    );
    let report = stderr
        .lines()
        .find(|l| l.starts_with("lean-rs: fatal SIGSEGV"))
        .unwrap_or_else(|| panic!("no report line: {stderr}"));
    assert!(
        report.contains("guard-page=yes (stack overflow)"),
        "{report}"
    );
    assert!(report.contains("thread=executor-worker"), "{report}");
    assert!(report.contains("job=Lean.Json.parse"), "{report}");
    assert_eq!(
        stderr.matches("lean-rs: fatal").count(),
        1,
        "one line: {stderr}"
    );
}

#[test]
fn signals_audit_sees_lean_ignore_sigpipe_and_restore_undoes_it() {
    let out = run_child("audit-default");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("initialized_here=true before=Default after=Ignored chaining=false"),
        "{stdout}"
    );
    assert!(stdout.contains("SIGSEGV"), "{stdout}");
    let out = run_child("audit-restore");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("before=Default after=Default"), "{stdout}");
}

#[test]
fn signals_audit_reads_without_side_effects() {
    let a = signals::SignalAudit::capture();
    let b = signals::SignalAudit::capture();
    assert_eq!(a, b);
    assert_eq!(a.signals.len(), signals::AUDITED_SIGNALS.len());
    let json = a.to_json();
    assert_eq!(json["signals"].as_array().unwrap().len(), 6);
    let _ = Disposition::Default;
}

#[test]
fn signals_fault_during_module_init_is_reported_to_stderr_and_the_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let report_file = dir.path().join("crash.log");
    let out = run_child_with(
        "init-fault",
        &[("LEAN_RS_SIGNALS_TEST_REPORT", report_file.as_os_str())],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGSEGV),
        "{stdout}\n{stderr}"
    );
    let line = stderr
        .lines()
        .find(|l| l.starts_with("lean-rs: fatal SIGSEGV"))
        .unwrap_or_else(|| panic!("no report line: {stderr}"));
    assert!(line.contains("thread=runtime-init"), "{line}");
    assert!(line.contains("job=module initializers (startup)"), "{line}");
    let file = std::fs::read_to_string(&report_file).unwrap();
    assert_eq!(file.trim_end(), line, "the file holds the same one line");
}
