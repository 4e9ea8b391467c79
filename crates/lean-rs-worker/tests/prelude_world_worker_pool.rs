//! Prelude world, worker pool: leases by session key, reuse of warm workers, the worker limit
//! and admission timeout, idle and RSS-ceiling cycling, and a crashing lease that does not stop
//! the pool from serving.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use lean_rs_worker::{
    LeanWorkerError, LeanWorkerLease, LeanWorkerPool, LeanWorkerPoolConfig,
    LeanWorkerRestartReason, LeanWorkerSessionKey, LeanWorkerSignature, LeanWorkerType as T,
    LeanWorkerValue as V,
};

fn key() -> LeanWorkerSessionKey {
    LeanWorkerSessionKey::new([common::manifest()])
}

fn ping(lease: &mut LeanWorkerLease) -> String {
    let capability = lease.capabilities()[0].clone();
    let signature = LeanWorkerSignature::io([T::String], T::String);
    match lease
        .worker()
        .call(
            &capability,
            "lean_rs_worker_command",
            &signature,
            vec![V::string("ping")],
        )
        .unwrap()
    {
        V::String(reply) => reply,
        other => panic!("{other:?}"),
    }
}

fn instance(lease: &mut LeanWorkerLease) -> String {
    lease.worker().runtime_metadata().unwrap().instance.clone()
}

#[test]
fn prelude_world_worker_pool_reuses_warm_workers_and_bounds_admission() {
    let pool = LeanWorkerPool::new(
        LeanWorkerPoolConfig::new(common::config(), 2)
            .queue_wait_timeout(Duration::from_millis(300)),
    );
    let mut a = pool.lease(&key()).unwrap();
    let first = instance(&mut a);
    assert_eq!(ping(&mut a), "ok pong");
    drop(a);
    // The warm worker comes back for the same key.
    let mut a = pool.lease(&key()).unwrap();
    assert_eq!(instance(&mut a), first);
    let mut b = pool.lease(&key()).unwrap();
    assert_ne!(instance(&mut b), first);
    let snapshot = pool.snapshot();
    assert_eq!(
        (
            snapshot.workers,
            snapshot.leased,
            snapshot.idle,
            snapshot.started
        ),
        (2, 2, 0, 2)
    );
    assert!(
        snapshot.known_child_rss_kib.is_some_and(|kib| kib > 1000),
        "{snapshot:?}"
    );
    // The pool is full: admission waits, then fails with a typed error.
    let started = Instant::now();
    let err = pool.lease(&key()).unwrap_err();
    assert!(matches!(err, LeanWorkerError::Admission(_)), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(250));
    // A lease returned from another thread admits a waiter.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        drop(b);
    });
    let pool2 = pool.clone();
    let waiter = std::thread::spawn(move || {
        let mut c = pool2.lease(&key()).unwrap();
        ping(&mut c)
    });
    releaser.join().unwrap();
    assert_eq!(waiter.join().unwrap(), "ok pong");
    assert_eq!(ping(&mut a), "ok pong");
    drop(a);
    drop(pool);
    common::assert_no_children_left();
}

#[test]
fn prelude_world_worker_pool_cycles_idle_and_over_ceiling_workers() {
    let pool = LeanWorkerPool::new(
        LeanWorkerPoolConfig::new(common::config(), 1).idle_cycle_after(Duration::from_millis(50)),
    );
    let mut a = pool.lease(&key()).unwrap();
    let first = instance(&mut a);
    drop(a);
    std::thread::sleep(Duration::from_millis(80));
    let mut a = pool.lease(&key()).unwrap();
    assert_ne!(instance(&mut a), first);
    assert!(matches!(
        a.worker().restarts().last().unwrap().reason,
        LeanWorkerRestartReason::Policy(ref why) if why == "idle"
    ));
    assert_eq!(ping(&mut a), "ok pong");
    drop(a);
    assert_eq!(pool.snapshot().policy_restarts, 1);

    // A ceiling below any child's RSS replaces the warm worker before each reuse.
    let pool = LeanWorkerPool::new(
        LeanWorkerPoolConfig::new(common::config(), 1).per_worker_rss_ceiling_kib(1),
    );
    let mut a = pool.lease(&key()).unwrap();
    let first = instance(&mut a);
    drop(a);
    let mut a = pool.lease(&key()).unwrap();
    assert_ne!(instance(&mut a), first);
    assert_eq!(ping(&mut a), "ok pong");
    assert_eq!(pool.snapshot().policy_restarts, 1);
}

#[test]
fn prelude_world_worker_pool_keeps_serving_after_a_lease_s_child_dies() {
    let pool = LeanWorkerPool::new(LeanWorkerPoolConfig::new(
        common::config().env("LEAN_ABORT_ON_PANIC", "1"),
        1,
    ));
    let mut a = pool.lease(&key()).unwrap();
    let capability = a.capabilities()[0].clone();
    let panic = LeanWorkerSignature::pure([T::String], T::Nat);
    let err = a
        .worker()
        .call(
            &capability,
            "lean_rs_worker_panic",
            &panic,
            vec![V::string("pool")],
        )
        .unwrap_err();
    assert!(err.fatal().is_some(), "{err}");
    drop(a);
    assert_eq!(pool.snapshot().failures, 1);
    let mut b = pool.lease(&key()).unwrap();
    assert_eq!(ping(&mut b), "ok pong");
    drop(b);
    let snapshot = pool.snapshot();
    assert_eq!((snapshot.workers, snapshot.started), (1, 2));
}

#[test]
fn prelude_world_worker_pool_a_full_rss_budget_is_a_typed_admission_error() {
    let pool = LeanWorkerPool::new(
        LeanWorkerPoolConfig::new(common::config(), 2)
            .max_total_child_rss_kib(1)
            .queue_wait_timeout(Duration::from_millis(200)),
    );
    let mut a = pool.lease(&key()).unwrap();
    assert_eq!(ping(&mut a), "ok pong");
    // One child already exceeds the budget: no second worker is started.
    let err = pool.lease(&key()).unwrap_err();
    assert!(matches!(err, LeanWorkerError::Admission(_)), "{err}");
    assert_eq!(pool.snapshot().workers, 1);
}
