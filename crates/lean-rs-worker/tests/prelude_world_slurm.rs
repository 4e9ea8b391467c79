//! Prelude world on Slurm: worker children placed by a real Slurm 22.05 (the project-local
//! cluster `scripts/slurm-cluster` starts: one slurmctld and several slurmd nodes on loopback),
//! running the natively built worker fixture. Placement across nodes, a pool that keeps serving
//! when one node's step dies, the scheduler's own kills (`scancel`, the time limit, preemption,
//! a node taken down) as typed worker exits, a 1 000-module plan as a resumable job array, and
//! the start-up and sweep figures of docs/performance.md.
//!
//! Ignored by default: `scripts/test` starts the cluster and runs these with
//! `--run-ignored only -E 'test(/slurm/)'`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use lean_rs_worker::{
    LeanWorker, LeanWorkerCapability, LeanWorkerConfig, LeanWorkerError, LeanWorkerFatalKind,
    LeanWorkerLease, LeanWorkerPool, LeanWorkerPoolConfig, LeanWorkerRestartReason,
    LeanWorkerSchedulerKill, LeanWorkerSessionKey, LeanWorkerSignature, LeanWorkerSlurmLauncher,
    LeanWorkerSlurmResources, LeanWorkerType as T, LeanWorkerValue as V,
};
use lean_rs_worker::{
    LeanWorkerArrayCommand, LeanWorkerArrayModule, LeanWorkerArrayPlan, LeanWorkerSlurmArray,
    read_committed_rows,
};
use lean_rs_worker::{LeanWorkerCapabilitySpec, LeanWorkerImportPlanner};

/// The environment `scripts/slurm-cluster start` recorded for clients.
struct Cluster {
    env: Vec<(String, String)>,
    bin: PathBuf,
    nodes: usize,
    /// The node of partitions `low` and `high` only (preemption, node failure).
    spare: String,
}

fn cluster() -> Cluster {
    let run = std::env::var_os("LEAN_RS_SLURM_RUN").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/slurm"),
        PathBuf::from,
    );
    let text = std::fs::read_to_string(run.join("env")).unwrap_or_else(|e| {
        panic!(
            "no running project-local Slurm cluster ({}: {e}); start it with scripts/slurm-cluster start",
            run.display()
        )
    });
    let env: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let get = |key: &str| {
        env.iter().find(|(k, _)| k == key).map_or_else(
            || panic!("{key} missing from the cluster env"),
            |(_, v)| v.clone(),
        )
    };
    Cluster {
        bin: PathBuf::from(get("LEAN_RS_SLURM_BIN")),
        nodes: get("LEAN_RS_SLURM_NODES").parse().unwrap(),
        spare: get("LEAN_RS_SLURM_SPARE_NODE"),
        env,
    }
}

impl Cluster {
    fn launcher(&self, resources: LeanWorkerSlurmResources) -> LeanWorkerSlurmLauncher {
        let mut launcher = LeanWorkerSlurmLauncher::new(env!("CARGO_BIN_EXE_lean-rs-worker-child"))
            .bin_dir(&self.bin)
            .resources(resources)
            .connect_timeout(Duration::from_secs(60))
            .job_name("lean-rs-test");
        for (key, value) in &self.env {
            if key.starts_with("SLURM") || key == "LD_LIBRARY_PATH" {
                launcher = launcher.env(key, value);
            }
        }
        launcher
    }

    fn config(&self, resources: LeanWorkerSlurmResources) -> LeanWorkerConfig {
        LeanWorkerConfig::new(self.launcher(resources))
            .startup_timeout(Duration::from_secs(30))
            .request_timeout(Duration::from_secs(30))
    }

    /// Runs a Slurm client command to success; its stdout.
    fn client(&self, program: &str, args: &[&str]) -> String {
        let mut command = Command::new(self.bin.join(program));
        command.args(args);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn one_cpu() -> LeanWorkerSlurmResources {
    LeanWorkerSlurmResources {
        cpus_per_task: 1,
        memory_mib: Some(512),
        ..LeanWorkerSlurmResources::default()
    }
}

fn key() -> LeanWorkerSessionKey {
    LeanWorkerSessionKey::new([common::manifest()])
}

fn command(
    worker: &mut LeanWorker,
    capability: &LeanWorkerCapability,
    request: &str,
) -> LeanWorkerResult<String> {
    let signature = LeanWorkerSignature::io([T::String], T::String);
    worker
        .call(
            capability,
            "lean_rs_worker_command",
            &signature,
            vec![V::string(request)],
        )
        .map(|value| match value {
            V::String(reply) => reply,
            other => panic!("{other:?}"),
        })
}

use lean_rs_worker::LeanWorkerResult;

fn lease_ping(lease: &mut LeanWorkerLease) -> LeanWorkerResult<String> {
    let capability = lease.capabilities()[0].clone();
    command(lease.worker(), &capability, "ping")
}

/// A runaway Lean computation (the fixture's `spin`), run until something kills the child.
fn spin_until_killed(
    worker: &mut LeanWorker,
    capability: &LeanWorkerCapability,
) -> LeanWorkerError {
    let spin = LeanWorkerSignature::pure([T::U64], T::U64);
    worker
        .call(
            capability,
            "lean_rs_worker_spin",
            &spin,
            vec![V::U64(u64::MAX)],
        )
        .unwrap_err()
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_pool_spans_nodes_and_keeps_serving_when_a_step_dies() {
    let cluster = cluster();
    let width = cluster.nodes.min(3);
    let pool = LeanWorkerPool::new(
        LeanWorkerPoolConfig::new(cluster.config(one_cpu()), width)
            .queue_wait_timeout(Duration::from_secs(60)),
    );
    let mut leases = Vec::new();
    for _ in 0..width {
        let started = Instant::now();
        let mut lease = pool.lease(&key()).unwrap();
        let took = started.elapsed();
        let metadata = lease.worker().runtime_metadata().unwrap().clone();
        let placement = lease.worker().placement().unwrap();
        println!(
            "slurm worker start: lease {took:?} (srun to verified handshake {:?}, Lean init {:?}) on {:?} job {:?}",
            metadata.startup, metadata.lean_init, placement.node, placement.job
        );
        assert_eq!(lease_ping(&mut lease).unwrap(), "ok pong");
        leases.push(lease);
    }
    // Every worker reports where Slurm put it; the least-loaded partition spreads them.
    let snapshot = pool.snapshot();
    assert_eq!(snapshot.placements.len(), width);
    let nodes: BTreeSet<String> = snapshot
        .placements
        .iter()
        .map(|p| {
            assert_eq!(p.scheduler, "slurm");
            assert_eq!(p.step.as_deref(), Some("0"));
            assert!(
                p.job.as_deref().is_some_and(|j| j.parse::<u64>().is_ok()),
                "{p:?}"
            );
            p.node.clone().unwrap()
        })
        .collect();
    assert!(nodes.len() >= 2, "workers did not span nodes: {snapshot:?}");
    let jobs: BTreeSet<_> = snapshot.placements.iter().map(|p| p.job.clone()).collect();
    assert_eq!(jobs.len(), width, "one job per worker");

    // One node's step dies (SIGKILL to its task, as when the node is lost under it).
    let victim = leases[1].worker().placement().unwrap();
    let step = format!("{}.0", victim.job.as_deref().unwrap());
    cluster.client("scancel", &["--signal=KILL", &step]);
    let err = lease_ping(&mut leases[1]).unwrap_err();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(exit.kind, LeanWorkerFatalKind::Killed, "{exit}");
    // The other nodes' workers never noticed.
    for (i, lease) in leases.iter_mut().enumerate() {
        if i != 1 {
            assert_eq!(lease_ping(lease).unwrap(), "ok pong");
        }
    }
    drop(leases);
    let snapshot = pool.snapshot();
    assert_eq!(snapshot.failures, 1, "{snapshot:?}");
    assert_eq!(snapshot.workers, width - 1);
    // The pool serves on: a replacement is placed by Slurm as a new job.
    let mut leases: Vec<_> = (0..width).map(|_| pool.lease(&key()).unwrap()).collect();
    for lease in &mut leases {
        assert_eq!(lease_ping(lease).unwrap(), "ok pong");
    }
    let replaced = pool.snapshot();
    assert_eq!(replaced.workers, width);
    assert!(replaced.placements.iter().all(|p| p.job != victim.job));
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_scancel_is_a_typed_scheduler_exit_and_the_worker_is_replaced() {
    let cluster = cluster();
    let mut worker = LeanWorker::spawn(cluster.config(one_cpu())).unwrap();
    let capability = worker.open_capability(common::manifest()).unwrap();
    assert_eq!(
        command(&mut worker, &capability, "ping").unwrap(),
        "ok pong"
    );
    let job = worker.placement().unwrap().job.unwrap();
    let canceller = {
        let env = cluster.env.clone();
        let bin = cluster.bin.clone();
        let job = job.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            let status = Command::new(bin.join("scancel"))
                .arg(&job)
                .envs(env)
                .status()
                .unwrap();
            assert!(status.success());
        })
    };
    let err = spin_until_killed(&mut worker, &capability);
    canceller.join().unwrap();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        exit.kind,
        LeanWorkerFatalKind::Scheduler(LeanWorkerSchedulerKill::Cancelled),
        "{exit}"
    );
    // The next request starts a new child, in a new job.
    assert_eq!(
        command(&mut worker, &capability, "echo again").unwrap(),
        "ok again"
    );
    assert_ne!(worker.placement().unwrap().job.unwrap(), job);
    assert_eq!(
        worker.restarts().last().unwrap().reason,
        LeanWorkerRestartReason::FatalExit(LeanWorkerFatalKind::Scheduler(
            LeanWorkerSchedulerKill::Cancelled
        ))
    );
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_time_limit_is_a_typed_scheduler_exit() {
    let cluster = cluster();
    // Slurm's smallest limit is one minute, and slurmctld checks limits every 30 s.
    let resources = LeanWorkerSlurmResources {
        time_limit: Some(Duration::from_secs(60)),
        ..one_cpu()
    };
    let mut worker = LeanWorker::spawn(
        cluster
            .config(resources)
            .request_timeout(Duration::from_secs(240)),
    )
    .unwrap();
    let capability = worker.open_capability(common::manifest()).unwrap();
    let started = Instant::now();
    let err = spin_until_killed(&mut worker, &capability);
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    println!(
        "slurm time-limit kill: the 1-minute job ended {:?} after the call started",
        started.elapsed()
    );
    assert_eq!(
        exit.kind,
        LeanWorkerFatalKind::Scheduler(LeanWorkerSchedulerKill::TimeLimit),
        "{exit}"
    );
    assert!(
        exit.stderr_tail.contains("TIME LIMIT"),
        "{}",
        exit.stderr_tail
    );
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_a_launch_the_scheduler_refuses_is_a_spawn_error() {
    let cluster = cluster();
    let resources = LeanWorkerSlurmResources {
        partition: Some("no-such-partition".into()),
        ..one_cpu()
    };
    let err = LeanWorker::spawn(cluster.config(resources)).unwrap_err();
    match err {
        LeanWorkerError::Spawn(message) => {
            assert!(message.contains("invalid partition"), "{message}");
        }
        other => panic!("{other}"),
    }
}

/// A generated Lake project of exactly `count` modules (`Sweep` and `Sweep.Pnn.Mnnnn`), found
/// by lean-toolchain's Lake module discovery (no compilation needed for this sweep).
fn sweep_modules(root: &Path, count: usize) -> Vec<LeanWorkerArrayModule> {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join("Sweep")).unwrap();
    std::fs::write(
        root.join("lakefile.toml"),
        "name = \"sweep\"\n\n[[lean_lib]]\nname = \"Sweep\"\n",
    )
    .unwrap();
    std::fs::write(root.join("Sweep.lean"), "prelude\n-- the sweep's root\n").unwrap();
    for i in 1..count {
        let dir = root.join("Sweep").join(format!("P{:02}", i / 100));
        std::fs::create_dir_all(&dir).unwrap();
        // Non-ASCII on purpose: Lean's byte count must differ from its character count.
        let text = format!(
            "prelude\n-- module {i}: {}\ndef m{i} : Nat := {i}\n",
            "∀λ→".repeat(i % 5)
        );
        std::fs::write(dir.join(format!("M{i:04}.lean")), text).unwrap();
    }
    let set = lean_toolchain::discover_lake_modules(root, None).unwrap();
    set.modules
        .into_iter()
        .map(|m| LeanWorkerArrayModule {
            name: m.name,
            source: m.source_path,
        })
        .collect()
}

fn sweep_command() -> LeanWorkerArrayCommand {
    LeanWorkerArrayCommand {
        manifest: common::manifest(),
        export: "lean_rs_worker_command".into(),
        verb: "bytes".into(),
        with_source: true,
    }
}

/// Every committed row is Lean's UTF-8 byte count of the request payload: the module name, a
/// newline and the source text.
fn check_rows(plan: &LeanWorkerArrayPlan, results: &Path) -> usize {
    let rows = read_committed_rows(plan, results).unwrap();
    let mut checked = 0;
    for batch in &plan.batches {
        let Some(rows) = rows.get(&batch.id) else {
            continue;
        };
        assert_eq!(rows.len(), batch.modules.len(), "batch {}", batch.id);
        for (row, module) in rows.iter().zip(&batch.modules) {
            let source = std::fs::read_to_string(&module.source).unwrap();
            assert_eq!(row.module, module.name);
            assert_eq!(
                row.reply,
                format!("ok {}", module.name.len() + 1 + source.len())
            );
            checked += 1;
        }
    }
    checked
}

fn sweep_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/slurm-sweeps")
        .join(format!("{name}-{}", std::process::id()))
}

fn array_runner(cluster: &Cluster) -> LeanWorkerSlurmArray {
    let mut array = LeanWorkerSlurmArray::new(env!("CARGO_BIN_EXE_lean-rs-worker-array-task"))
        .bin_dir(&cluster.bin)
        .resources(one_cpu())
        .timeout(Duration::from_secs(240));
    for (key, value) in &cluster.env {
        if key.starts_with("SLURM") || key == "LD_LIBRARY_PATH" {
            array = array.env(key, value);
        }
    }
    array
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_array_runs_a_1000_module_plan_and_resumes_after_a_failed_task() {
    let cluster = cluster();
    let dir = sweep_dir("resume");
    let project = dir.join("project");
    assert_eq!(sweep_modules(&project, 1000).len(), 1000);
    // The import-set planner groups the modules (one import set here); the array cuts its
    // batch into tasks of 100.
    let mut planner = LeanWorkerImportPlanner::new();
    let spec = LeanWorkerCapabilitySpec::from_manifest(common::manifest()).unwrap();
    assert_eq!(
        planner.add_lake_project(&spec, &project, None).unwrap(),
        1000
    );
    let import_plan = planner.plan();
    assert_eq!(import_plan.batches().len(), 1);
    let plan = LeanWorkerArrayPlan::from_import_plan(sweep_command(), &import_plan, 100).unwrap();
    assert_eq!(plan.batches.len(), 10);
    // One module's source goes missing: its batch's task fails and must not commit.
    let victim = plan.batches[4].modules[37].source.clone();
    let hidden = victim.with_extension("hidden");
    std::fs::rename(&victim, &hidden).unwrap();
    let results = dir.join("results");
    let array = array_runner(&cluster);

    let first = array.run(&plan, &results).unwrap();
    println!(
        "slurm array sweep (first, one task failing): {} batches submitted as job {:?} in {:?}",
        first.submitted.len(),
        first.job,
        first.elapsed
    );
    assert_eq!(first.submitted.len(), 10);
    assert_eq!(first.failed, vec![plan.batches[4].id.clone()]);
    assert_eq!(first.committed.len(), 9);
    assert_eq!(check_rows(&plan, &results), 900);
    let stamps = |ids: &[String]| -> Vec<std::time::SystemTime> {
        ids.iter()
            .map(|id| {
                std::fs::metadata(results.join("batches").join(format!("{id}.jsonl")))
                    .unwrap()
                    .modified()
                    .unwrap()
            })
            .collect()
    };
    let before = stamps(&first.committed);

    // Fixed, re-submitted: only the failed batch runs; committed batches are left alone.
    std::fs::rename(&hidden, &victim).unwrap();
    let second = array.run(&plan, &results).unwrap();
    assert_eq!(second.submitted, vec![plan.batches[4].id.clone()]);
    assert_eq!(second.skipped, first.committed);
    assert!(second.failed.is_empty(), "{second:?}");
    assert_eq!(second.committed.len(), 10);
    assert_eq!(stamps(&first.committed), before);
    assert_eq!(check_rows(&plan, &results), 1000);

    // Nothing left: no job at all.
    let third = array.run(&plan, &results).unwrap();
    assert!(
        third.submitted.is_empty() && third.job.is_none(),
        "{third:?}"
    );
    // Another plan cannot reuse these results.
    let other = LeanWorkerArrayPlan::chunked(sweep_command(), plan.batches[0].modules.clone(), 10);
    assert!(matches!(
        array.run(&other, &results),
        Err(LeanWorkerError::InvalidRequest(_))
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_array_sweep_and_a_local_pool_commit_the_same_rows() {
    let cluster = cluster();
    let dir = sweep_dir("throughput");
    let modules = sweep_modules(&dir.join("project"), 1000);
    let plan = LeanWorkerArrayPlan::chunked(sweep_command(), modules, 100);

    let array = array_runner(&cluster);
    let swept = array.run(&plan, &dir.join("array")).unwrap();
    assert_eq!(swept.committed.len(), 10, "{swept:?}");
    assert_eq!(check_rows(&plan, &dir.join("array")), 1000);

    let local_pool = LeanWorkerPool::new(LeanWorkerPoolConfig::new(common::config(), 2));
    let local = plan.run_local(&local_pool, 2, &dir.join("local")).unwrap();
    assert_eq!(local.committed.len(), 10, "{local:?}");
    assert_eq!(check_rows(&plan, &dir.join("local")), 1000);
    assert_eq!(
        read_committed_rows(&plan, &dir.join("array")).unwrap(),
        read_committed_rows(&plan, &dir.join("local")).unwrap()
    );
    let rate = |elapsed: Duration| 1000.0 / elapsed.as_secs_f64();
    println!(
        "slurm array sweep: 1000 modules, 10 tasks of 100 on {} nodes: {:?} ({:.0} modules/s)",
        cluster.nodes,
        swept.elapsed,
        rate(swept.elapsed)
    );
    println!(
        "slurm local pool, same plan: 2 workers: {:?} ({:.0} modules/s)",
        local.elapsed,
        rate(local.elapsed)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// min / median / max, for the printed figures.
fn spread(mut samples: Vec<Duration>) -> String {
    samples.sort();
    format!(
        "min {:?}, median {:?}, max {:?}",
        samples[0],
        samples[samples.len() / 2],
        samples[samples.len() - 1]
    )
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_worker_start_latency_against_a_local_child() {
    let cluster = cluster();
    let runs = 8;
    let measure = |config: &LeanWorkerConfig, slurm: bool| {
        let (mut total, mut handshake, mut init) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let started = Instant::now();
            let mut worker = LeanWorker::spawn(config.clone()).unwrap();
            let capability = worker.open_capability(common::manifest()).unwrap();
            assert_eq!(
                command(&mut worker, &capability, "ping").unwrap(),
                "ok pong"
            );
            total.push(started.elapsed());
            let metadata = worker.runtime_metadata().unwrap();
            handshake.push(metadata.startup);
            init.push(metadata.lean_init);
            assert_eq!(worker.placement().is_some(), slurm);
            drop(worker);
        }
        (spread(handshake), spread(init), spread(total))
    };
    let slurm = measure(&cluster.config(one_cpu()), true);
    let local = measure(&common::config(), false);
    println!(
        "slurm worker start ({runs} runs): srun to verified handshake: {}",
        slurm.0
    );
    println!(
        "slurm worker start ({runs} runs): Lean init inside: {}",
        slurm.1
    );
    println!(
        "slurm worker start ({runs} runs): to first reply (open + ping): {}",
        slurm.2
    );
    println!(
        "slurm local child start ({runs} runs): spawn to verified handshake: {}",
        local.0
    );
    println!(
        "slurm local child start ({runs} runs): to first reply (open + ping): {}",
        local.2
    );
}

/// Runs `program args` of the cluster's client tools after `delay`, on another thread.
fn later(
    cluster: &Cluster,
    delay: Duration,
    program: &str,
    args: &[&str],
) -> std::thread::JoinHandle<bool> {
    let mut command = Command::new(cluster.bin.join(program));
    command.args(args).envs(cluster.env.clone());
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        command.status().is_ok_and(|status| status.success())
    })
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_preemption_and_node_failure_are_typed_scheduler_exits() {
    let cluster = cluster();
    // The worker runs in the preemptible partition `low`, on the spare node only.
    let low = LeanWorkerSlurmResources {
        partition: Some("low".into()),
        ..one_cpu()
    };
    let mut worker = LeanWorker::spawn(cluster.config(low)).unwrap();
    let capability = worker.open_capability(common::manifest()).unwrap();
    assert_eq!(
        command(&mut worker, &capability, "ping").unwrap(),
        "ok pong"
    );
    assert_eq!(
        worker.placement().unwrap().node,
        Some(cluster.spare.clone())
    );

    // A job of the higher-tier partition needs both CPUs of that node: Slurm preempts ours.
    let boss = later(
        &cluster,
        Duration::from_millis(500),
        "srun",
        &[
            "--partition=high",
            "--ntasks=1",
            "--cpus-per-task=2",
            "--mem=100",
            "true",
        ],
    );
    let err = spin_until_killed(&mut worker, &capability);
    assert!(boss.join().unwrap(), "the preempting job failed");
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        exit.kind,
        LeanWorkerFatalKind::Scheduler(LeanWorkerSchedulerKill::Preempted),
        "{exit}"
    );

    // Replaced (a new job on the same node); then the node goes down under it.
    assert_eq!(
        command(&mut worker, &capability, "ping").unwrap(),
        "ok pong"
    );
    let node = format!("NodeName={}", cluster.spare);
    let down = later(
        &cluster,
        Duration::from_millis(500),
        "scontrol",
        &[
            "update",
            &node,
            "State=DOWN",
            "Reason=lean-rs-node-failure-test",
        ],
    );
    let err = spin_until_killed(&mut worker, &capability);
    assert!(
        down.join().unwrap(),
        "scontrol could not take the node down"
    );
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        exit.kind,
        LeanWorkerFatalKind::Scheduler(LeanWorkerSchedulerKill::NodeFailure),
        "{exit}"
    );
    drop(worker);
    // Leave the node serving again (slurmd answers, so it may already be back).
    let _ = Command::new(cluster.bin.join("scontrol"))
        .args(["update", &node, "State=RESUME"])
        .envs(cluster.env.clone())
        .status();
    let deadline = Instant::now() + Duration::from_secs(60);
    while cluster
        .client(
            "sinfo",
            &[
                "--noheader",
                "--states=idle",
                "--nodes",
                &cluster.spare,
                "--format=%N",
            ],
        )
        .trim()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the spare node did not come back"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
#[ignore = "needs the project-local Slurm cluster (scripts/test starts it)"]
fn prelude_world_slurm_a_worker_never_scheduled_is_a_spawn_error_and_leaves_no_job() {
    let cluster = cluster();
    // Held in the queue for an hour: it can never connect back within the launch deadline.
    let launcher = cluster
        .launcher(one_cpu())
        .job_name("lean-rs-never-started")
        .srun_arg("--begin=now+3600")
        .connect_timeout(Duration::from_secs(3));
    let started = Instant::now();
    let err = LeanWorker::spawn(LeanWorkerConfig::new(launcher)).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    match &err {
        LeanWorkerError::Spawn(message) => {
            assert!(
                message.contains("did not connect back in time"),
                "{message}"
            );
        }
        other => panic!("{other}"),
    }
    // The launcher cancelled its pending job: nothing of it stays queued.
    let queued = cluster.client("squeue", &["--noheader", "--format=%j"]);
    assert!(
        !queued
            .lines()
            .any(|name| name.starts_with("lean-rs-never-started")),
        "{queued}"
    );
}
