//! Prelude world, import-set planning end to end: the worker fixture package planned into
//! batches, each batch run through one pool lease with its session key, against the naive path
//! that opens the capability in a fresh worker per module. Both run the same per-module command
//! on the natively built worker fixture; the planned path starts one child per batch (3), the
//! naive one a child per module (7).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use lean_rs_worker::{
    LeanWorker, LeanWorkerCapability, LeanWorkerCapabilitySpec, LeanWorkerImportPlanner,
    LeanWorkerPlannedBatch, LeanWorkerPool, LeanWorkerPoolConfig, LeanWorkerSignature,
    LeanWorkerType as T, LeanWorkerValue as V,
};

fn echo(worker: &mut LeanWorker, capability: &LeanWorkerCapability, module: &str) -> String {
    let signature = LeanWorkerSignature::io([T::String], T::String);
    match worker
        .call(
            capability,
            "lean_rs_worker_command",
            &signature,
            vec![V::string(format!("echo {module}"))],
        )
        .unwrap()
    {
        V::String(reply) => reply,
        other => panic!("{other:?}"),
    }
}

#[test]
fn prelude_world_worker_planner_runs_each_batch_through_one_pool_lease() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/prelude-world/worker");
    let spec = LeanWorkerCapabilitySpec::from_manifest(common::manifest()).unwrap();
    assert_eq!(spec.package(), "lean-rs-worker-fixture");
    let mut planner = LeanWorkerImportPlanner::new();
    planner.add_lake_project(&spec, &fixture, None).unwrap();
    let plan = planner.plan();
    // Seven modules in three import sets.
    assert_eq!(plan.batches().len(), 3);
    assert_eq!(plan.module_count(), 7);

    // Naive: one worker, and one capability open, per module.
    let mut naive = Vec::new();
    let mut naive_children = 0;
    for module in plan
        .batches()
        .iter()
        .flat_map(LeanWorkerPlannedBatch::modules)
    {
        let (mut worker, capability) = common::fixture_worker(common::config());
        naive.push(echo(&mut worker, &capability, module.module()));
        naive_children += worker.generation();
        worker.shutdown(std::time::Duration::from_secs(5));
    }

    // Planned: one lease per batch, the capability opened once per batch.
    let pool = LeanWorkerPool::new(LeanWorkerPoolConfig::new(common::config(), 1));
    let mut leased = Vec::new();
    for batch in plan.batches() {
        let mut lease = pool.lease(batch.session_key()).unwrap();
        let capability = lease.capabilities()[0].clone();
        assert_eq!(capability.package, spec.package());
        for module in batch.modules() {
            leased.push(echo(lease.worker(), &capability, module.module()));
        }
    }
    let expected: Vec<String> = plan
        .batches()
        .iter()
        .flat_map(LeanWorkerPlannedBatch::modules)
        .map(|m| format!("ok {}", m.module()))
        .collect();
    assert_eq!(naive, expected);
    assert_eq!(leased, expected);
    assert_eq!(naive_children, 7);
    let snapshot = pool.snapshot();
    assert_eq!(snapshot.started, 3, "{snapshot:?}");
    assert_eq!(snapshot.failures, 0);

    // Leasing a batch's key again finds its warm worker: no new child.
    let last = plan.batches().last().unwrap();
    drop(pool.lease(last.session_key()).unwrap());
    assert_eq!(pool.snapshot().started, 3);
    drop(pool);
    common::assert_no_children_left();
}
