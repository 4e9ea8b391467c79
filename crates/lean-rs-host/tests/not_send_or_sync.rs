//! `!Send + !Sync` of the Lean-bound host types, pinned by a compile-fail snapshot; the
//! plain result types do cross threads.

#[test]
fn lean_bound_host_types_are_not_send_or_sync() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/runtime_is_not_send_or_sync.rs");
}

#[test]
fn plain_host_results_are_send_and_sync() {
    fn both<T: Send + Sync>() {}
    both::<lean_rs_host::LeanCancellationToken>();
    both::<lean_rs_host::LeanElabFailure>();
    both::<lean_rs_host::EvidenceStatus>();
    both::<lean_rs_host::ProofSummary>();
    both::<lean_rs_host::SessionStats>();
    both::<lean_rs_host::PoolStats>();
}
