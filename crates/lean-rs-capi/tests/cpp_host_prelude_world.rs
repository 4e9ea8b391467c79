//! Tier 1, prelude world: a C++ program (g++, a `std::thread` pool of 8) hosts Lean through
//! the generated header and the `lean-rs-capi` cdylib. It calls the natively compiled shapes
//! capability (`UInt64`, `String`, big `Nat`), queries the real Lake-built ELPI library, and
//! runs Lean's `Json.parse` on a 10^6-deep array from every thread — the workload that kills
//! an ordinary 8 MiB thread. The program runs several times; its counts are printed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 3;
const ITERATIONS: usize = 50;
const DEPTH: usize = 1_000_000;

fn repo_dir(relative: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join(relative))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{relative} not found above {}", here.display()))
}

/// Directory holding `liblean_rs_capi.so`: cargo builds it into the test's `deps` directory
/// (and uplifts it to the profile directory only for `cargo build`).
fn capi_lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    [deps.clone(), deps.parent().unwrap().to_path_buf()]
        .into_iter()
        .find(|dir| dir.join("liblean_rs_capi.so").is_file())
        .unwrap_or_else(|| {
            panic!(
                "liblean_rs_capi.so missing in {} and its parent",
                deps.display()
            )
        })
}

fn write_elpi_manifest(dir: &Path) -> PathBuf {
    let fixtures = repo_dir(".lean-rs/fixtures/elpi");
    let exports: serde_json::Value = serde_json::from_str(include_str!(
        "../../lean-rs/tests/fixtures/elpi.exports.json"
    ))
    .unwrap();
    let manifest = serde_json::json!({
        "schema": 2,
        "package": "lean-elpi",
        "module": "Elpi.Ffi",
        "dylib": fixtures.join("libleanelpi.so"),
        "dependencies": [
            { "dylib": fixtures.join("libleanshared.so"), "export_symbols": true }
        ],
        "toolchain": { "version": lean_rs_sys::LEAN_RESOLVED_VERSION },
        "exports": exports,
    });
    let path = dir.join("lean-elpi.capability.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    path
}

fn run_bounded(mut cmd: Command, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("timed out after {limit:?}: {out:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn cpp_host_prelude_world_threads_call_shapes_elpi_and_deep_json() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = capi_lib_dir();
    let work = tempfile::tempdir().unwrap();
    let exe = work.path().join("cpp-host");
    let mut gxx = Command::new("g++");
    gxx.args([
        "-std=c++17",
        "-O1",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pthread",
    ])
    .arg("-I")
    .arg(crate_dir.join("include"))
    .arg(crate_dir.join("tests/cpp/host.cpp"))
    .arg("-L")
    .arg(&lib_dir)
    .arg("-llean_rs_capi")
    .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
    .arg("-o")
    .arg(&exe);
    let out = run_bounded(gxx, Duration::from_secs(120));
    assert!(
        out.status.success(),
        "g++ failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shapes = repo_dir(".lean-rs/native/lean-rs-shapes/LeanRsShapes.capability.json");
    let elpi = write_elpi_manifest(work.path());
    let mut summaries = Vec::new();
    for run in 0..RUNS {
        let mut cmd = Command::new(&exe);
        cmd.arg(&shapes)
            .arg(&elpi)
            .arg(ITERATIONS.to_string())
            .arg(DEPTH.to_string())
            // The test runner's library path may list an older uplifted copy of the cdylib
            // before the one this test was built with; the executable's rpath names the latter.
            .env_remove("LD_LIBRARY_PATH");
        let start = Instant::now();
        let out = run_bounded(cmd, Duration::from_secs(180));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success(),
            "run {run}: {:?}\n{stdout}\n{stderr}",
            out.status
        );
        let n = 8 * ITERATIONS;
        let expected = format!(
            "cpp-host threads=8 add_u64={n} string_append={n} nat_pow2={n} elpi={n} json_deep=8 failures=0"
        );
        assert!(stdout.contains(&expected), "run {run}: {stdout}\n{stderr}");
        summaries.push(format!(
            "run {run}: {} ({:?})",
            stdout.trim(),
            start.elapsed()
        ));
    }
    for s in &summaries {
        println!("{s}");
    }
}
