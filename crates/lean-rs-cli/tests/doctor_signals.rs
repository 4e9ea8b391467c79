//! `lean-rs doctor --signals` against the provisioned sysroot: the audit shows what Lean's
//! initialization installs (SIGSEGV/SIGBUS handlers from libleanshared, SIGPIPE ignored, an
//! 8 KiB alternate stack on the initializing thread, none on a new attached pthread).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

#[test]
fn doctor_signals_reports_lean_init_effects() {
    let out = Command::new(env!("CARGO_BIN_EXE_lean-rs"))
        .args(["doctor", "--json", "--no-smoke", "--signals"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let signals = &report["signals"];
    let find = |phase: &str, name: &str| -> serde_json::Value {
        signals[phase]["signals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("before", "SIGSEGV")["disposition"], "default");
    assert_eq!(find("before", "SIGPIPE")["disposition"], "default");
    assert!(signals["before"]["alt_stack"].is_null());
    let segv = find("after", "SIGSEGV");
    assert_eq!(segv["disposition"], "handler");
    assert!(
        segv["object"]
            .as_str()
            .unwrap()
            .ends_with("libleanshared.so"),
        "{segv}"
    );
    assert_eq!(find("after", "SIGBUS")["disposition"], "handler");
    assert_eq!(find("after", "SIGPIPE")["disposition"], "ignored");
    assert_eq!(find("after", "SIGABRT")["disposition"], "default");
    assert_eq!(signals["after"]["alt_stack"], 8192);
    assert!(signals["foreign_thread_alt_stack"].is_null(), "{signals}");
}
