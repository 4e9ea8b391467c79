//! Prelude world, `lean-rs-worker-doctor`: the bootstrap report of the natively built worker
//! fixture as JSON and as text, a failing report's exit status and codes, and bad arguments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

fn doctor(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lean-rs-worker-doctor"))
        .args(args)
        .arg("--worker-child")
        .arg(env!("CARGO_BIN_EXE_lean-rs-worker-child"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn prelude_world_worker_doctor_reports_metadata_health_and_failures() {
    let manifest = common::manifest();
    let manifest = manifest.to_str().unwrap();
    let (code, out) = doctor(&[
        manifest,
        "--json",
        "--metadata-export",
        "lean_rs_worker_metadata",
        "--doctor-export",
        "lean_rs_worker_doctor",
        "--require-string-export",
        "lean_rs_worker_command",
    ]);
    assert_eq!(code, Some(0), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["metadata"]["name"], "lean-rs-worker-fixture");
    assert_eq!(json["metadata"]["lean_version"], "4.35.0");
    assert_eq!(
        json["doctor"]["checks"][1]["message"],
        "request of 2 characters"
    );
    assert_eq!(
        json["warnings"][0]["code"],
        "lean_rs.worker.bootstrap.capability_health"
    );

    let (code, out) = doctor(&[manifest, "--metadata-export", "lean_rs_worker_metadata"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("capability  lean-rs-worker-fixture 0.1.0"),
        "{out}"
    );
    assert!(out.contains("verdict     ok"), "{out}");

    // A required export the capability lacks: exit 1, the typed code, no child started.
    let (code, out) = doctor(&[manifest, "--json", "--require-string-export", "nope"]);
    assert_eq!(code, Some(1), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["errors"][0]["code"],
        "lean_rs.worker.bootstrap.missing_export"
    );
    assert!(json["runtime"].is_null());

    let (code, out) = doctor(&["--json"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("no capability manifest given"), "{out}");
    let (code, out) = doctor(&[manifest, "--bogus"]);
    assert_eq!(code, Some(2), "{out}");
    common::assert_no_children_left();
}
