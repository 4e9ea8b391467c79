//! Tier 1, prelude world: a C++ program (g++, SIGPIPE at its default action) uses the C ABI's
//! worker mode. It opens the natively compiled worker fixture as an isolated capability and,
//! through the same `lean_rs_call`, gets a typed `LEAN_RS_WORKER_*` code for a Lean panic
//! (`LEAN_ABORT_ON_PANIC`), a stack overflow, a child killed with SIGKILL while idle, a child
//! OOM-killed at its memory cgroup's limit, and a runaway call past its deadline — each
//! followed by a successful call in a fresh child, in the same host process. Then it initializes Lean in-process and calls the shapes capability
//! as before. The program runs twice; its summary line and figures (a warm isolated round
//! trip, the first call after a crash) are printed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 2;

#[test]
fn cpp_isolated_prelude_world_crashing_exports_come_back_as_codes_and_the_host_keeps_going() {
    let work = tempfile::tempdir().unwrap();
    let exe = common::compile_cpp("isolated.cpp", work.path());
    let child = common::worker_child();
    for run in 0..RUNS {
        let mut cmd = Command::new(&exe);
        cmd.arg(common::worker_manifest())
            .arg(&child)
            .arg(common::shapes_manifest())
            // The child binary is given by path; make sure no discovery fallback hides a bug.
            .env_remove("LEAN_RS_WORKER_CHILD")
            // The test runner's library path may list an older uplifted copy of the cdylib
            // before the one this test was built with; the executable's rpath names the latter.
            .env_remove("LD_LIBRARY_PATH");
        let start = Instant::now();
        let out = common::run_bounded(cmd, Duration::from_secs(180));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success(),
            "run {run}: {:?}\n{stdout}\n{stderr}",
            out.status
        );
        let expected = "cpp-isolated ok=7 panic=1 stack_overflow=1 killed=1 out_of_memory=1 timeout=1 in_process=1 failures=0";
        assert!(stdout.contains(expected), "run {run}: {stdout}\n{stderr}");
        println!("run {run} ({:?}):\n{}", start.elapsed(), stdout.trim());
    }
}
