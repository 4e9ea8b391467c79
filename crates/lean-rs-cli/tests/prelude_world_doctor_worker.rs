//! `lean-rs doctor --worker`: the worker capability check of the natively built worker fixture
//! through `lean-rs-worker-doctor` (a workspace build puts it next to `lean-rs`), in the JSON
//! and human reports, and a failing check failing the doctor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../lean-toolchain/tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest() -> PathBuf {
    lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "lean-rs-worker-fixture",
        "LeanRsWorkerFixture",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn doctor(args: &[&str]) -> Output {
    let lean_rs = Path::new(env!("CARGO_BIN_EXE_lean-rs"));
    let worker_doctor = lean_rs.with_file_name("lean-rs-worker-doctor");
    assert!(
        worker_doctor.is_file(),
        "{} is missing: build it with `cargo build -p lean-rs-worker --bins`",
        worker_doctor.display()
    );
    Command::new(lean_rs)
        .arg("doctor")
        .arg("--no-smoke")
        .args(args)
        .env("LEAN_SYSROOT", common::real_sysroot())
        .env_remove("LEAN_RS_WORKER_DOCTOR")
        .output()
        .unwrap()
}

#[test]
fn prelude_world_doctor_checks_a_worker_capability() {
    let manifest = manifest();
    let manifest = manifest.to_str().unwrap();
    let out = doctor(&[
        "--json",
        "--worker",
        manifest,
        "--worker-metadata-export",
        "lean_rs_worker_metadata",
        "--worker-doctor-export",
        "lean_rs_worker_doctor",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["worker"]["ok"], true);
    assert_eq!(
        report["worker"]["metadata"]["name"],
        "lean-rs-worker-fixture"
    );
    assert_eq!(report["worker"]["runtime"]["lean_version"], "4.35.0");
    assert_eq!(report["worker"]["doctor"]["checks"][0]["name"], "runtime");

    let out = doctor(&[
        "--worker",
        manifest,
        "--worker-metadata-export",
        "lean_rs_worker_metadata",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("capability  lean-rs-worker-fixture 0.1.0"),
        "{stdout}"
    );
    assert!(stdout.ends_with("result: ok\n"), "{stdout}");

    // A metadata export the capability does not have fails the doctor.
    let out = doctor(&[
        "--json",
        "--worker",
        manifest,
        "--worker-metadata-export",
        "nope",
    ]);
    assert!(!out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["error"]["code"], "lean_rs_cli.worker_failed");
    assert_eq!(
        report["worker"]["errors"][0]["code"],
        "lean_rs.worker.bootstrap.missing_export"
    );
}
