//! Figures for import-set planning: the same per-module command run the naive way (a fresh
//! worker and capability open per module) and the planned way (one pool lease per planned
//! batch), over the worker fixture package plus a generated Lake tree of `N` modules with two
//! import sets.
//!
//! ```sh
//! cargo build --release -p lean-rs-worker --bins --examples
//! target/release/examples/import_plan_probe [N]   # N generated modules, default 24
//! ```
//!
//! Needs the natively built worker fixture (`scripts/test` builds it).

use std::error::Error;
use std::path::Path;
use std::time::{Duration, Instant};

use lean_rs_worker::{
    LeanWorker, LeanWorkerCapability, LeanWorkerCapabilitySpec, LeanWorkerConfig,
    LeanWorkerImportPlanner, LeanWorkerModuleWork, LeanWorkerPlannedBatch, LeanWorkerPool,
    LeanWorkerPoolConfig, LeanWorkerSignature, LeanWorkerType as T, LeanWorkerValue as V,
};

fn echo(
    worker: &mut LeanWorker,
    capability: &LeanWorkerCapability,
    module: &str,
) -> Result<(), Box<dyn Error>> {
    let signature = LeanWorkerSignature::io([T::String], T::String);
    let reply = worker.call(
        capability,
        "lean_rs_worker_command",
        &signature,
        vec![V::string(format!("echo {module}"))],
    )?;
    if reply != V::string(format!("ok {module}")) {
        return Err(format!("unexpected reply {reply:?}").into());
    }
    Ok(())
}

/// A Lake project of `count` modules under `Gen/`, alternating between two import sets.
fn generate(root: &Path, count: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("Gen"))?;
    std::fs::write(
        root.join("lakefile.toml"),
        "name = \"gen\"\n\n[[lean_lib]]\nname = \"Gen\"\nglobs = [\"Gen.+\"]\n",
    )?;
    for i in 0..count {
        let header = if i % 2 == 0 {
            "prelude\nimport Gen.A\n"
        } else {
            "prelude\nimport Gen.A\nimport Gen.B\n"
        };
        std::fs::write(root.join(format!("Gen/M{i:04}.lean")), header)?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let generated: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 24,
    };
    let manifest = lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "lean-rs-worker-fixture",
        "LeanRsWorkerFixture",
    )?;
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/prelude-world/worker");
    let tree = tempfile::tempdir()?;
    generate(tree.path(), generated)?;

    let spec = LeanWorkerCapabilitySpec::from_manifest(&manifest)?;
    let planning = Instant::now();
    let mut planner = LeanWorkerImportPlanner::new();
    planner.add_lake_project(&spec, &fixture, None)?;
    planner.add_lake_project(&spec, tree.path(), None)?;
    let plan = planner.plan();
    let planning = planning.elapsed();
    let modules: Vec<&str> = plan
        .batches()
        .iter()
        .flat_map(LeanWorkerPlannedBatch::modules)
        .map(LeanWorkerModuleWork::module)
        .collect();
    println!("plan.modules {}", modules.len());
    println!("plan.batches {}", plan.batches().len());
    println!("plan.planning_ms {:.2}", planning.as_secs_f64() * 1e3);

    let config = LeanWorkerConfig::local()?;
    let naive = Instant::now();
    for module in &modules {
        let mut worker = LeanWorker::spawn(config.clone())?;
        let capability = worker.open_capability(spec.manifest())?;
        echo(&mut worker, &capability, module)?;
        worker.shutdown(Duration::from_secs(5));
    }
    let naive = naive.elapsed();
    // Naive: a worker started and the capability opened for every module.
    println!("plan.naive_children {}", modules.len());
    println!("plan.naive_ms {:.0}", naive.as_secs_f64() * 1e3);

    let leased = Instant::now();
    let pool = LeanWorkerPool::new(LeanWorkerPoolConfig::new(config, 1));
    for batch in plan.batches() {
        let mut lease = pool.lease(batch.session_key())?;
        let capability = lease.capabilities()[0].clone();
        for module in batch.modules() {
            echo(lease.worker(), &capability, module.module())?;
        }
    }
    let started = pool.snapshot().started;
    drop(pool);
    let leased = leased.elapsed();
    // Planned: one pool lease per batch (max_workers 1).
    println!("plan.planned_children {started}");
    println!("plan.planned_ms {:.0}", leased.as_secs_f64() * 1e3);
    println!(
        "plan.speedup {:.1}",
        naive.as_secs_f64() / leased.as_secs_f64().max(1e-9)
    );
    Ok(())
}
