//! Tier 1 (runtime part, and prelude world for the callback run): a new crate whose only
//! dependency is lean-rs, with no build script of its own, builds and runs with no
//! `LD_LIBRARY_PATH`, `LEAN_SYSROOT` or linker flags — the runtime is loaded at run time and the
//! callback helpers come from the library lean-rs builds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod prelude_world;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the scratch crate once per test process and returns its binary.
fn scratch_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let workspace = here.join("../..").canonicalize().unwrap();
        let dir = workspace.join("target/downstream-scratch");
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"downstream-scratch\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nlean-rs = {{ path = {:?} }}\n\n[workspace]\n",
                here.display().to_string()
            ),
        )
        .unwrap();
        std::fs::copy(here.join("tests/downstream/main.rs"), dir.join("src/main.rs")).unwrap();
        // The workspace's lock file pins the same dependency versions (cargo drops the rest).
        std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        let out = Command::new(env!("CARGO"))
            .args(["build", "--offline", "--quiet"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .env_remove("LEAN_SYSROOT")
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "scratch crate build failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir.join("target/debug/downstream-scratch")
    })
}

/// Runs the scratch binary with a minimal environment: no Lean or loader variables.
fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(scratch_binary())
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_crate_with_only_lean_rs_runs_with_no_environment() {
    let (ok, stdout, stderr) = run(&["hello"]);
    assert!(ok, "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout.trim(), "Hello from downstream");
}

#[test]
fn prelude_world_a_downstream_crate_loads_a_capability_that_calls_the_callback_helpers() {
    let manifest = prelude_world::manifest("lean-rs-shapes", "LeanRsShapes");
    let (ok, stdout, stderr) = run(&["callback", manifest.to_str().unwrap()]);
    assert!(ok, "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout.trim(), "status 0 sum 55");
}

#[test]
fn a_missing_runtime_is_one_actionable_line_not_a_loader_error() {
    let out = Command::new(scratch_binary())
        .arg("hello")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LEAN_RS_RUNTIME_LIB", "/nonexistent/libleanshared.so")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot find the Lean runtime library")
            && stderr.contains("/nonexistent/libleanshared.so (LEAN_RS_RUNTIME_LIB)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("error while loading shared libraries"),
        "{stderr}"
    );
}
