//! Shared test helpers: the natively built worker fixture, worker configurations, and the
//! children of this test process (for `kill -9`, and to check none is left behind).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)] // `kill(2)` for the kill -9 tests

use std::path::{Path, PathBuf};
use std::time::Duration;

use lean_rs_worker::{LeanWorker, LeanWorkerCapability, LeanWorkerConfig, LeanWorkerLocalLauncher};

/// The worker fixture's capability manifest (`scripts/test` builds it with `lean-rs build-native`).
pub fn manifest() -> PathBuf {
    lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "lean-rs-worker-fixture",
        "LeanRsWorkerFixture",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The shipped child with test-sized deadlines.
pub fn config() -> LeanWorkerConfig {
    LeanWorkerConfig::new(LeanWorkerLocalLauncher::new(env!(
        "CARGO_BIN_EXE_lean-rs-worker-child"
    )))
    .startup_timeout(Duration::from_secs(20))
    .request_timeout(Duration::from_secs(20))
}

/// A worker with the fixture open.
pub fn fixture_worker(config: LeanWorkerConfig) -> (LeanWorker, LeanWorkerCapability) {
    let mut worker = LeanWorker::spawn(config).unwrap();
    let capability = worker.open_capability(manifest()).unwrap();
    (worker, capability)
}

/// The misbehaving child in `mode`.
pub fn fault_config(mode: &str) -> LeanWorkerConfig {
    LeanWorkerConfig::new(LeanWorkerLocalLauncher::new(env!(
        "CARGO_BIN_EXE_lean-rs-worker-fault-child"
    )))
    .env("LEAN_RS_WORKER_FAULT", mode)
    .startup_timeout(Duration::from_secs(5))
    .request_timeout(Duration::from_secs(5))
}

mod procs;
#[allow(unused_imports)] // not every test binary checks for children
pub use procs::children;

/// `kill -9` every child of this process.
pub fn kill_children() -> usize {
    let pids = children();
    for pid in &pids {
        // SAFETY: `kill` only sends a signal; `pid` is a live child of this process.
        assert_eq!(unsafe { libc::kill(*pid, libc::SIGKILL) }, 0);
    }
    pids.len()
}

/// Waits (bounded) until this process has no live children.
pub fn assert_no_children_left() {
    for _ in 0..200 {
        if children().is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("worker children left behind: {:?}", children());
}

/// Waits (bounded, 2 s) until `check` holds.
pub fn eventually(check: impl Fn() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("condition not met within 2 s");
}
