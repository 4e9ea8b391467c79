//! Tier 1, prelude world, through the STAND-IN shim library: cancellation, progress, bulk
//! calls, the session pool, meta services (and `Unsupported` for the optional symbols the
//! stand-in leaves out), heartbeat exhaustion and bounded diagnostics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod stand_in;

use std::cell::RefCell;

use lean_rs::LeanDiagnosticCode;
use lean_rs_host::meta::{
    self, LeanMetaOptions, LeanMetaResponse, LeanMetaTransparency, MetaCallStatus,
};
use lean_rs_host::process::ProcessOutcome;
use lean_rs_host::{
    LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX, LeanCancellationToken, LeanElabOptions, LeanKernelOutcome,
    LeanProgressEvent, SessionPool,
};

const NAMES: [&str; 6] = [
    "LeanRsDecls.double",
    "LeanRsDecls.double_two",
    "LeanRsDecls.fixtureAxiom",
    "LeanRsDecls.Color",
    "LeanRsDecls.sumTo",
    "LeanRsDecls.Point3.total",
];

#[test]
fn prelude_world_stand_in_cancellation_before_any_work() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let token = LeanCancellationToken::new();
    token.cancel();
    let err = caps
        .session(&["LeanRsDecls"], Some(&token), None)
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::Cancelled);
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let err = s
        .elaborate(
            "LeanRsDecls.double 1",
            None,
            &LeanElabOptions::new(),
            Some(&token),
        )
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::Cancelled);
    let err = s
        .query_declarations_bulk(&NAMES, Some(&token), None)
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::Cancelled);
    assert_eq!(s.stats().ffi_calls, 1, "only the import entered Lean");
}

#[test]
fn prelude_world_stand_in_cancellation_during_bulk_stops_at_an_item_boundary() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let token = LeanCancellationToken::new();
    let seen = RefCell::new(Vec::new());
    let sink = |e: LeanProgressEvent| {
        seen.borrow_mut().push(e.current);
        if e.current == 3 {
            token.cancel();
        }
    };
    let err = s
        .declaration_kind_bulk(&NAMES, Some(&token), Some(&sink))
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::Cancelled);
    assert_eq!(
        *seen.borrow(),
        vec![1, 2, 3],
        "work stopped after the third item"
    );

    // Lean-side progress (no token on the bulk call): one event per item.
    seen.borrow_mut().clear();
    let quiet = |e: LeanProgressEvent| seen.borrow_mut().push(e.current);
    let kinds = s.declaration_kind_bulk(&NAMES, None, Some(&quiet)).unwrap();
    assert_eq!(kinds[..4], ["definition", "theorem", "axiom", "inductive"]);
    assert_eq!(*seen.borrow(), vec![1, 2, 3, 4, 5, 6]);

    // Import and kernel check report through their Lean-side progress exports too.
    seen.borrow_mut().clear();
    let phases = RefCell::new(Vec::new());
    let record = |e: LeanProgressEvent| phases.borrow_mut().push((e.phase, e.current, e.total));
    caps.session(&["LeanRsDecls"], None, Some(&record)).unwrap();
    s.kernel_check(
        &stand_in::snippet("good_theorem.txt"),
        &LeanElabOptions::new(),
        None,
        Some(&record),
    )
    .unwrap();
    assert_eq!(
        *phases.borrow(),
        vec![("session_import", 1, Some(1)), ("kernel_check", 1, Some(1))]
    );

    // A cancelling sink inside a Lean-side progress call: Lean stops at its next tick.
    let token = LeanCancellationToken::new();
    let cancel = |_: LeanProgressEvent| token.cancel();
    let err = s
        .kernel_check(
            &stand_in::snippet("good_theorem.txt"),
            &LeanElabOptions::new(),
            Some(&token),
            Some(&cancel),
        )
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::Cancelled);
}

#[test]
fn prelude_world_stand_in_bulk_calls_match_the_singular_ones() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let decls = s.query_declarations_bulk(&NAMES, None, None).unwrap();
    assert_eq!(decls.len(), NAMES.len());
    let err = s
        .query_declarations_bulk(&["LeanRsDecls.double", "LeanRsDecls.nowhere"], None, None)
        .unwrap_err();
    assert!(err.message().contains("LeanRsDecls.nowhere"), "{err}");
    let types = s
        .declaration_type_bulk(&["LeanRsDecls.double", "LeanRsDecls.nowhere"], None, None)
        .unwrap();
    assert!(types[0].is_some() && types[1].is_none());
    let names = s.declaration_name_bulk(&NAMES, None, None).unwrap();
    assert_eq!(names, NAMES);
    let elaborated = s
        .elaborate_bulk(
            &["LeanRsDecls.double 1", "LeanRsDecls.nowhere"],
            &LeanElabOptions::new(),
            None,
            None,
        )
        .unwrap();
    assert!(elaborated[0].is_ok());
    let failure = elaborated[1].as_ref().unwrap_err();
    assert!(
        failure.diagnostics()[0].message().contains("nowhere"),
        "{failure}"
    );
    assert!(s.stats().batch_items >= 12);
}

#[test]
fn prelude_world_stand_in_pool_reuses_an_import() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let pool = SessionPool::with_capacity(stand_in::runtime(), 1);
    {
        let mut s = pool.acquire(&caps, &["LeanRsDecls"], None, None).unwrap();
        assert_eq!(
            s.declaration_kind("LeanRsDecls.double", None).unwrap(),
            "definition"
        );
    }
    assert_eq!(pool.len(), 1);
    {
        let mut s = pool.acquire(&caps, &["LeanRsDecls"], None, None).unwrap();
        assert_eq!(
            s.declaration_kind("LeanRsDecls.double", None).unwrap(),
            "definition"
        );
        let _second = pool.acquire(&caps, &["LeanRsDecls"], None, None).unwrap();
    }
    let stats = pool.stats();
    assert_eq!(
        stats.imports, 2,
        "one import, then one more for the concurrent second session"
    );
    assert_eq!(stats.reused, 1);
    assert_eq!(stats.released_at_capacity, 1);
    assert_eq!(pool.drain(), 1);
    assert!(pool.is_empty());
}

#[test]
fn prelude_world_stand_in_meta_services() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let opts = LeanElabOptions::new();
    let e = s
        .elaborate("LeanRsDecls.double 2", None, &opts, None)
        .unwrap()
        .unwrap();
    let nat = s
        .declaration_type("LeanRsDecls.secretSeed", None)
        .unwrap()
        .unwrap();
    let four = s.elaborate("4", Some(&nat), &opts, None).unwrap().unwrap();
    let five = s.elaborate("5", Some(&nat), &opts, None).unwrap().unwrap();
    let m = LeanMetaOptions::new();

    let LeanMetaResponse::Ok(ty) = s
        .run_meta(&meta::infer_type(), e.clone(), &m, None)
        .unwrap()
    else {
        panic!("infer_type")
    };
    assert_eq!(s.expr_to_string(&ty).unwrap(), "Nat");
    let LeanMetaResponse::Ok(w) = s.run_meta(&meta::whnf(), e.clone(), &m, None).unwrap() else {
        panic!("whnf")
    };
    assert_ne!(s.expr_to_string(&w).unwrap(), s.expr_to_string(&e).unwrap());
    let yes = s
        .run_meta(
            &meta::is_def_eq(),
            (e.clone(), four, LeanMetaTransparency::Default),
            &m,
            None,
        )
        .unwrap();
    assert!(matches!(yes, LeanMetaResponse::Ok(true)), "{yes:?}");
    let no = s
        .run_meta(
            &meta::is_def_eq(),
            (e.clone(), five, LeanMetaTransparency::Default),
            &m,
            None,
        )
        .unwrap();
    assert!(matches!(no, LeanMetaResponse::Ok(false)), "{no:?}");

    // The stand-in leaves two optional symbols out: the host degrades, it does not fail.
    assert!(!caps.supports("lean_rs_host_meta_pp_expr"));
    let pp = s.run_meta(&meta::pp_expr(), e, &m, None).unwrap();
    assert_eq!(pp.status(), MetaCallStatus::Unsupported);
    let processed = s.process_with_info_tree("def x := 1", &opts, None).unwrap();
    assert_eq!(processed, ProcessOutcome::Unsupported);
}

#[test]
fn prelude_world_stand_in_heartbeat_exhaustion_is_a_typed_outcome() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let e = s
        .declaration_type("LeanRsDecls.double", None)
        .unwrap()
        .unwrap();
    let burn = s
        .run_meta(
            &meta::heartbeat_burn(),
            e.clone(),
            &LeanMetaOptions::new().heartbeats(1),
            None,
        )
        .unwrap();
    let LeanMetaResponse::HeartbeatsExhausted(message) = &burn else {
        panic!("{burn:?}")
    };
    assert!(message.contains("heartbeats"), "Lean's message: {message}");
    let enough = s
        .run_meta(
            &meta::heartbeat_burn(),
            e,
            &LeanMetaOptions::new().heartbeats(0),
            None,
        )
        .unwrap();
    assert_eq!(enough.status(), MetaCallStatus::Ok, "{enough:?}");

    // kernel_check under a tiny budget: Lean's heartbeat error, reported as such.
    let src = "theorem burn_sum : Eq (LeanRsDecls.sumTo 50) (LeanRsDecls.sumTo 50) := rfl";
    let out = s
        .kernel_check(src, &LeanElabOptions::new().heartbeats(1), None, None)
        .unwrap();
    match out {
        LeanKernelOutcome::ElabFailed(f) | LeanKernelOutcome::KernelRejected(f) => {
            assert!(f.is_heartbeat_exhaustion(), "{f}");
        }
        LeanKernelOutcome::Checked(_) => panic!("one thousand heartbeats should not suffice"),
        _ => panic!("unexpected outcome"),
    }
}

#[test]
fn prelude_world_stand_in_diagnostics_are_bounded_on_a_char_boundary() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    // An unknown identifier of 600 000 two-byte letters: Lean's message quotes it (> 1 MiB).
    let ident: String = std::iter::repeat_n('α', 600_000).collect();
    let opts = LeanElabOptions::new().diagnostic_byte_limit(usize::MAX);
    let failure = s.elaborate(&ident, None, &opts, None).unwrap().unwrap_err();
    assert!(failure.truncated());
    let total: usize = failure
        .diagnostics()
        .iter()
        .map(|d| d.message().len())
        .sum();
    assert!(total <= LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX, "{total}");
    assert!(
        total > LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX - 4,
        "cut at the budget, not far below: {total}"
    );
    let small = s
        .elaborate(
            &ident,
            None,
            &LeanElabOptions::new().diagnostic_byte_limit(11),
            None,
        )
        .unwrap()
        .unwrap_err();
    assert!(small.diagnostics()[0].message().len() <= 11);
}
