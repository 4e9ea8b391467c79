//! Prelude world, worker: a child whose parent is killed (`kill -9`) in the middle of a runaway
//! Lean call does not outlive it. The test re-runs itself as the intermediate parent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lean_rs_worker::{LeanWorkerSignature, LeanWorkerType as T, LeanWorkerValue as V};

const ROLE: &str = "LEAN_RS_WORKER_TEST_ORPHAN_MARKER";
const NAME: &str = "prelude_world_worker_a_child_does_not_outlive_its_killed_parent";

/// Live processes whose environment carries `marker`.
fn marked(marker: &str) -> Vec<u32> {
    let needle = format!("{ROLE}={marker}");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            environ
                .split(|b| *b == 0)
                .any(|var| var == needle.as_bytes())
                .then_some(pid)
        })
        .filter(|pid| *pid != std::process::id())
        .collect()
}

#[test]
fn prelude_world_worker_a_child_does_not_outlive_its_killed_parent() {
    if let Ok(marker) = std::env::var(ROLE) {
        // The intermediate parent: a worker busy in a runaway call, until this process is killed.
        let (mut worker, capability) = common::fixture_worker(common::config().env(ROLE, &marker));
        println!("ORPHAN-PARENT-READY");
        std::io::stdout().flush().unwrap();
        let spin = LeanWorkerSignature::pure([T::U64], T::U64);
        let _ = worker.call(
            &capability,
            "lean_rs_worker_spin",
            &spin,
            vec![V::U64(u64::MAX)],
        );
        return;
    }
    let marker = format!("orphan-{}", std::process::id());
    let mut parent = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .env(ROLE, &marker)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(parent.stdout.take().unwrap()).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("ORPHAN-PARENT-READY"));
    assert!(ready, "the intermediate parent did not start its worker");
    std::thread::sleep(Duration::from_millis(200));
    // The intermediate parent itself carries the marker too (it set it for the child).
    let before: Vec<u32> = marked(&marker)
        .into_iter()
        .filter(|pid| *pid != parent.id())
        .collect();
    assert_eq!(before.len(), 1, "exactly one worker child: {before:?}");
    parent.kill().unwrap();
    parent.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !marked(&marker).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the worker child outlived its parent: {:?}",
            marked(&marker)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
