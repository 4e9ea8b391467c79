//! The Mojo host (needs `scripts/setup-mojo`, so ignored by default; run it with
//! `cargo nextest run -p lean-rs-capi --run-ignored all -E 'test(mojo)'`): a Mojo 1.2.0
//! program built with `mojo build` calls the C ABI from 8 `max.algorithm.parallelize`
//! workers — ELPI queries and Lean's `Json.parse` of a 10^6-deep array, which dies on a Mojo
//! worker when libleanshared is called directly — and checks that dropping its first
//! library handle did not unload Lean. Several runs; counts printed. A second Mojo program
//! uses worker mode: 8 parallel workers call the natively compiled worker fixture as an
//! isolated capability while one of them triggers a Lean panic and a stack overflow there.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 3;
const ITERATIONS: usize = 10;
const DEPTH: usize = 1_000_000;
const NAIVE_RUNS: usize = 20;

fn repo_dir(relative: &str) -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join(relative))
        .find(|p| p.exists())
}

fn capi_library() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    [deps.clone(), deps.parent().unwrap().to_path_buf()]
        .into_iter()
        .map(|d| d.join("liblean_rs_capi.so"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("liblean_rs_capi.so missing near {}", deps.display()))
}

fn elpi_manifest(dir: &Path) -> PathBuf {
    let fixtures = repo_dir(".lean-rs/fixtures/elpi").expect("run scripts/setup");
    let exports: serde_json::Value = serde_json::from_str(include_str!(
        "../../lean-rs/tests/fixtures/elpi.exports.json"
    ))
    .unwrap();
    let manifest = serde_json::json!({
        "schema": 2,
        "package": "lean-elpi",
        "module": "Elpi.Ffi",
        "dylib": fixtures.join("libleanelpi.so"),
        "dependencies": [{ "dylib": fixtures.join("libleanshared.so"), "export_symbols": true }],
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
#[ignore = "needs the project-local Mojo toolchain from scripts/setup-mojo"]
fn mojo_host_parallel_workers_call_elpi_and_deep_json_through_the_c_abi() {
    let venv = repo_dir(".lean-rs/mojo/venv").expect("run scripts/setup-mojo first");
    let work = tempfile::tempdir().unwrap();
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mojo/host.mojo"))
            .unwrap()
            .replace("@CAPI@", &capi_library().display().to_string())
            .replace(
                "@ELPI_MANIFEST@",
                &elpi_manifest(work.path()).display().to_string(),
            )
            .replace("@ITERATIONS@", &ITERATIONS.to_string())
            .replace("@DEPTH@", &DEPTH.to_string());
    let program = work.path().join("host.mojo");
    std::fs::write(&program, source).unwrap();
    let exe = work.path().join("mojo-host");
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut build = Command::new(venv.join("bin/mojo"));
    build
        .arg("build")
        .arg("-o")
        .arg(&exe)
        .arg(&program)
        .env("VIRTUAL_ENV", &venv)
        .env("PATH", &path);
    let out = run_bounded(build, Duration::from_secs(300));
    assert!(
        out.status.success(),
        "mojo build failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = format!(
        "mojo-host workers=8 elpi={} json_deep=8 failures=0 pinned=1",
        8 * ITERATIONS
    );
    for run in 0..RUNS {
        let start = Instant::now();
        let out = run_bounded(Command::new(&exe), Duration::from_secs(180));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success() && stdout.contains(&expected),
            "run {run}: {:?}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        println!("run {run}: {} ({:?})", stdout.trim(), start.elapsed());
    }

    // The naive route for contrast: libleanshared called directly from Mojo workers.
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("a Lean sysroot");
    let naive_template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mojo/naive.mojo"),
    )
    .unwrap()
    .replace(
        "@LIBLEANSHARED@",
        &format!("{sysroot}/lib/lean/libleanshared.so"),
    );
    let build_naive = |depth: usize, name: &str| -> PathBuf {
        let source = work.path().join(format!("{name}.mojo"));
        std::fs::write(
            &source,
            naive_template.replace("@DEPTH@", &depth.to_string()),
        )
        .unwrap();
        let exe = work.path().join(name);
        let mut build = Command::new(venv.join("bin/mojo"));
        build
            .arg("build")
            .arg("-o")
            .arg(&exe)
            .arg(&source)
            .env("VIRTUAL_ENV", &venv)
            .env("PATH", &path);
        let out = run_bounded(build, Duration::from_secs(300));
        assert!(out.status.success(), "mojo build {name}: {out:?}");
        exe
    };
    // Control: a shallow document parses fine on the same naive path.
    let shallow = build_naive(10, "naive-shallow");
    let out = run_bounded(Command::new(&shallow), Duration::from_secs(60));
    assert!(
        out.status.success()
            && String::from_utf8_lossy(&out.stdout).contains("all workers returned"),
        "{out:?}"
    );
    let deep = build_naive(DEPTH, "naive-deep");
    let mut killed = 0;
    for run in 0..NAIVE_RUNS {
        let out = run_bounded(Command::new(&deep), Duration::from_secs(60));
        assert!(
            out.status.signal().is_some() || out.status.code() == Some(139),
            "naive run {run} survived: {out:?}"
        );
        killed += 1;
    }
    println!("naive Mojo route: {killed}/{NAIVE_RUNS} runs died by a signal (SIGSEGV)");
}

#[test]
#[ignore = "needs the project-local Mojo toolchain from scripts/setup-mojo"]
fn mojo_host_prelude_world_isolated_capability_survives_a_panic_and_a_stack_overflow() {
    let venv = repo_dir(".lean-rs/mojo/venv").expect("run scripts/setup-mojo first");
    let work = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mojo/isolated.mojo"),
    )
    .unwrap()
    .replace("@CAPI@", &capi_library().display().to_string())
    .replace(
        "@WORKER_MANIFEST@",
        &common::worker_manifest().display().to_string(),
    )
    .replace("@CHILD@", &common::worker_child().display().to_string())
    .replace("@ITERATIONS@", &ITERATIONS.to_string());
    let program = work.path().join("isolated.mojo");
    std::fs::write(&program, source).unwrap();
    let exe = work.path().join("mojo-isolated");
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut build = Command::new(venv.join("bin/mojo"));
    build
        .arg("build")
        .arg("-o")
        .arg(&exe)
        .arg(&program)
        .env("VIRTUAL_ENV", &venv)
        .env("PATH", &path);
    let out = run_bounded(build, Duration::from_secs(300));
    assert!(
        out.status.success(),
        "mojo build failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = format!(
        "mojo-isolated workers=8 ok={} panic=1 stack_overflow=1 failures=0 in_process_lean=0",
        8 * ITERATIONS
    );
    for run in 0..RUNS {
        let start = Instant::now();
        let out = run_bounded(Command::new(&exe), Duration::from_secs(180));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success() && stdout.contains(&expected),
            "run {run}: {:?}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        println!("run {run}: {} ({:?})", stdout.trim(), start.elapsed());
    }
}
