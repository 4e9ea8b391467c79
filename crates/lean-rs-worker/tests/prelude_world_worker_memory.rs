//! Prelude world, memory kills: a real Lean child that grows without bound (the fixture's
//! `lean_rs_worker_grow`) is killed for memory, and the parent says so — with the kernel's
//! OOM-kill count of the child's own memory cgroup as evidence, or because the supervisor's
//! RSS watchdog killed it — instead of reporting a plain `kill -9`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use lean_rs_worker::{
    LeanWorker, LeanWorkerCapability, LeanWorkerConfig, LeanWorkerError, LeanWorkerFatalKind,
    LeanWorkerLocalLauncher, LeanWorkerMemoryEvidence, LeanWorkerRestartReason,
    LeanWorkerSignature, LeanWorkerType as T, LeanWorkerValue as V,
};

/// Builds an array of `n` strings in the child; returns its size.
fn grow(worker: &mut LeanWorker, cap: &LeanWorkerCapability, n: u64) -> Result<V, LeanWorkerError> {
    let signature = LeanWorkerSignature::pure([T::Nat], T::Nat);
    worker.call(cap, "lean_rs_worker_grow", &signature, vec![V::nat(n)])
}

fn ping(worker: &mut LeanWorker, cap: &LeanWorkerCapability) {
    let signature = LeanWorkerSignature::io([T::String], T::String);
    let reply = worker
        .call(
            cap,
            "lean_rs_worker_command",
            &signature,
            vec![V::string("ping")],
        )
        .unwrap();
    assert_eq!(reply, V::string("ok pong"));
}

/// The memory cgroups of this process's children that are still there.
fn leftover_groups() -> Vec<String> {
    let prefix = format!("lean-rs-worker-{}-", std::process::id());
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").unwrap();
    let mut left = Vec::new();
    for line in cgroups.lines() {
        let path = line.splitn(3, ':').nth(2).unwrap_or("");
        for base in [
            "/sys/fs/cgroup/memory",
            "/sys/fs/cgroup/unified",
            "/sys/fs/cgroup",
        ] {
            let Ok(entries) = std::fs::read_dir(format!("{base}{path}")) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with(&prefix) {
                    left.push(format!("{base}{path}/{name}"));
                }
            }
        }
    }
    left
}

#[test]
fn prelude_world_worker_a_cgroup_oom_kill_is_out_of_memory_not_a_plain_kill() {
    let limit: u64 = 256 << 20;
    let launcher = LeanWorkerLocalLauncher::new(env!("CARGO_BIN_EXE_lean-rs-worker-child"))
        .memory_limit_bytes(limit);
    let config = LeanWorkerConfig::new(launcher)
        .startup_timeout(Duration::from_secs(20))
        .request_timeout(Duration::from_secs(60));
    let (mut worker, cap) = common::fixture_worker(config);
    // The child runs in its own memory cgroup.
    let child = common::children()[0];
    let membership = std::fs::read_to_string(format!("/proc/{child}/cgroup")).unwrap();
    assert!(
        membership.contains(&format!("lean-rs-worker-{}-", std::process::id())),
        "{membership}"
    );
    // Growth within the limit is fine…
    assert_eq!(grow(&mut worker, &cap, 10_000).unwrap(), V::nat(10_000u32));
    // …growth past it is a kernel OOM kill, reported with the cgroup's evidence.
    let err = grow(&mut worker, &cap, 200_000_000).unwrap_err();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        exit.kind,
        LeanWorkerFatalKind::OutOfMemory {
            evidence: LeanWorkerMemoryEvidence::CgroupLimit { limit_bytes: limit }
        },
        "{exit}: {}",
        exit.stderr_tail
    );
    assert_eq!(exit.status.and_then(|s| s.signal), Some(libc::SIGKILL));
    ping(&mut worker, &cap);
    assert_eq!(worker.generation(), 2);
    assert!(matches!(
        worker.restarts().last().map(|r| &r.reason),
        Some(LeanWorkerRestartReason::FatalExit(
            LeanWorkerFatalKind::OutOfMemory { .. }
        ))
    ));
    // A plain kill -9 of a child under the same limit stays a plain kill.
    assert_eq!(common::kill_children(), 1);
    let err = grow(&mut worker, &cap, 10).unwrap_err();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(exit.kind, LeanWorkerFatalKind::Killed, "{exit}");
    ping(&mut worker, &cap);
    drop(worker);
    common::assert_no_children_left();
    assert_eq!(
        leftover_groups(),
        Vec::<String>::new(),
        "every child's cgroup is removed"
    );
}

#[test]
fn prelude_world_worker_the_rss_watchdog_kills_a_growing_child_as_a_policy_kill() {
    let (probe, _) = common::fixture_worker(common::config());
    let base = probe
        .child_rss_kib()
        .expect("the local launcher samples RSS");
    drop(probe);
    let ceiling = base + 128 * 1024;
    let config = common::config().rss_watchdog_kib(ceiling);
    let (mut worker, cap) = common::fixture_worker(config);
    assert_eq!(grow(&mut worker, &cap, 10_000).unwrap(), V::nat(10_000u32));
    let err = grow(&mut worker, &cap, 200_000_000).unwrap_err();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    let LeanWorkerFatalKind::OutOfMemory {
        evidence:
            LeanWorkerMemoryEvidence::RssCeiling {
                rss_kib,
                ceiling_kib,
            },
    } = exit.kind
    else {
        panic!("expected an RSS-ceiling kill, got {exit}");
    };
    assert_eq!(ceiling_kib, ceiling);
    assert!(rss_kib >= ceiling, "{rss_kib} KiB");
    ping(&mut worker, &cap);
    let reason = worker.restarts().last().map(|r| r.reason.clone());
    assert!(
        matches!(&reason, Some(LeanWorkerRestartReason::Policy(why)) if why.contains("watchdog")),
        "{reason:?}"
    );
    drop(worker);
    common::assert_no_children_left();
}
