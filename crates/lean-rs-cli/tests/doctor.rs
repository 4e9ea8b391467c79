//! Runs the built `lean-rs` binary: against the real provisioned sysroot (supported,
//! smoke test ok) and against bad-input sysroots (non-zero exit, one actionable line).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::format_push_string
)]

#[path = "../../lean-toolchain/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

/// `lean-rs doctor ARGS` with a controlled environment: no elan home, no `lean` on PATH,
/// and `LEAN_SYSROOT` only when given.
fn doctor(sysroot: Option<&Path>, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lean-rs"));
    cmd.arg("doctor")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("LEAN_SYSROOT")
        .env_remove("ELAN_HOME")
        .env("HOME", home.path())
        .env("PATH", home.path());
    if let Some(sysroot) = sysroot {
        cmd.env("LEAN_SYSROOT", sysroot);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_real_sysroot_is_supported_and_the_smoke_test_passes() {
    let out = doctor(None, &[]);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&out.stderr)
    );
    assert!(
        stdout.contains("[chosen  ] project-local sysroot"),
        "{stdout}"
    );
    assert!(stdout.contains("version   4.35.0"), "{stdout}");
    assert!(
        stdout.contains("commit    eb6cafb7290e8bd5f2937522d8d804f58f02bafc"),
        "{stdout}"
    );
    assert!(stdout.contains("verdict   supported"), "{stdout}");
    assert!(
        stdout.contains("lean_name_eq: equal names 1, different names 0"),
        "{stdout}"
    );
    assert!(stdout.contains("ok: runtime initialised in"), "{stdout}");
    assert!(stdout.ends_with("result: ok\n"), "{stdout}");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn json_output_for_machines() {
    let out = doctor(Some(&real_sysroot()), &["--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["toolchain"]["version"], "4.35.0");
    assert_eq!(report["toolchain"]["kind"], "runtime-only");
    assert_eq!(report["candidates"][0]["source"], "lean-sysroot");
    assert_eq!(report["candidates"][0]["status"], "chosen");
    assert_eq!(report["candidates"][3]["status"], "not-consulted");
    assert_eq!(report["smoke"]["report"]["ok"], true);
    assert!(report["smoke"]["report"]["init_ms"].as_f64().unwrap() > 0.0);
    assert!(report["error"].is_null());
}

/// Runs doctor with `LEAN_SYSROOT=sysroot` and returns its single stderr line.
fn fails_with_one_line(sysroot: &Path, code: &str, needle: &str) {
    let out = doctor(Some(sysroot), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{}\nstderr:\n{stderr}",
        text(&out.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
    assert!(text(&out.stdout).contains("result: FAILED"));
    let json = doctor(Some(sysroot), &["--json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["error"]["code"], code, "{report}");
}

/// `fails_with_one_line` for a fresh sysroot that `make` fills in.
fn fails_with_one_line_in(make: impl FnOnce(&Path), code: &str, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path());
    fails_with_one_line(dir.path(), code, needle);
}

#[test]
fn lean_sysroot_pointing_at_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    fails_with_one_line(
        &missing,
        "lean_toolchain.missing_lean",
        &format!("no Lean toolchain at {}", missing.display()),
    );
}

#[test]
fn lean_sysroot_pointing_at_garbage() {
    fails_with_one_line_in(garbage, "lean_toolchain.missing_lean", "not a Lean sysroot");
}

#[test]
fn lean_sysroot_with_a_truncated_library() {
    fails_with_one_line_in(
        truncated,
        "lean_toolchain.corrupt_lib",
        "truncated: 4096 bytes",
    );
}

#[test]
fn lean_sysroot_with_an_unsupported_version() {
    fails_with_one_line_in(
        |dir| fake_runtime_only(dir, "4.20.0", FAKE_COMMIT),
        "lean_toolchain.unsupported_toolchain",
        "Lean 4.20.0",
    );
}

#[test]
fn lean_sysroot_with_an_unknown_header() {
    fails_with_one_line_in(
        unknown_header,
        "lean_toolchain.unknown_header_digest",
        "matches no supported Lean release",
    );
}

#[test]
fn lean_sysroot_with_a_malformed_manifest() {
    fails_with_one_line_in(
        malformed_manifest,
        "lean_toolchain.malformed_sysroot_manifest",
        "malformed sysroot manifest",
    );
}

#[test]
fn a_verified_sysroot_whose_library_is_not_a_lean_runtime_fails_the_smoke_test() {
    // Claims the audited 4.35.0 build, but its "runtime" is a small non-Lean ELF object:
    // only the child-process smoke test can tell.
    let dir = tempfile::tempdir().unwrap();
    fake_runtime_only(
        dir.path(),
        "4.35.0",
        "eb6cafb7290e8bd5f2937522d8d804f58f02bafc",
    );
    fails_with_one_line(dir.path(), "lean_rs_cli.smoke_failed", "smoke test failed");
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lean-rs"))
        .args(["doctor", "--no-smoke"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.status.code().is_some(),
        "killed by a signal: {:?}",
        out.status
    );
}
