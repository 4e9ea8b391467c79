//! Tier 1, prelude world, through the STAND-IN shim library: sessions over natively built
//! oleans, declaration queries, elaboration and kernel checks by Lean's real elaborator and
//! kernel (libleanshared 4.35.0), decoded from the real shims' wire records.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod stand_in;

use lean_rs_host::{
    EvidenceStatus, LeanDeclarationFilter, LeanElabOptions, LeanKernelOutcome, LeanSeverity,
};

#[test]
fn prelude_world_stand_in_session_imports_and_queries_declarations() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    assert_eq!(
        s.declaration_kind("LeanRsDecls.double", None).unwrap(),
        "definition"
    );
    assert_eq!(
        s.declaration_kind("LeanRsDecls.double_two", None).unwrap(),
        "theorem"
    );
    assert_eq!(
        s.declaration_kind("LeanRsDecls.fixtureAxiom", None)
            .unwrap(),
        "axiom"
    );
    assert_eq!(
        s.declaration_kind("LeanRsDecls.Color", None).unwrap(),
        "inductive"
    );
    assert_eq!(
        s.declaration_kind("LeanRsDecls.Color.red", None).unwrap(),
        "constructor"
    );
    assert_eq!(
        s.declaration_kind("LeanRsDecls.nowhere", None).unwrap(),
        "missing"
    );
    s.query_declaration("LeanRsDecls.double", None).unwrap();
    let err = s
        .query_declaration("LeanRsDecls.nowhere", None)
        .unwrap_err();
    assert!(err.message().contains("LeanRsDecls.nowhere"), "{err}");
    let ty = s
        .declaration_type("LeanRsDecls.double", None)
        .unwrap()
        .unwrap();
    assert_eq!(s.expr_to_string(&ty).unwrap(), "Nat -> Nat");
    assert!(
        s.declaration_type("LeanRsDecls.nowhere", None)
            .unwrap()
            .is_none()
    );
    assert_eq!(
        s.declaration_name("LeanRsDecls.double", None).unwrap(),
        "LeanRsDecls.double"
    );
}

#[test]
fn prelude_world_stand_in_lists_and_filters_declarations() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let render = |s: &mut lean_rs_host::LeanSession<'static, '_>,
                  names: Vec<lean_rs::LeanName<'static>>| {
        names
            .iter()
            .map(|n| s.name_to_string(n).unwrap())
            .collect::<Vec<_>>()
    };
    let all = s.list_declarations(None).unwrap();
    let all = render(&mut s, all);
    assert!(all.iter().any(|n| n == "LeanRsDecls.Color.rec"));
    assert!(
        all.iter()
            .any(|n| n.contains("secretHelper") && n.starts_with("_private"))
    );
    let kept = s
        .list_declarations_filtered(&LeanDeclarationFilter::default(), None, None)
        .unwrap();
    let kept = render(&mut s, kept);
    assert!(kept.iter().any(|n| n == "LeanRsDecls.double"));
    assert!(
        !kept.iter().any(|n| n == "LeanRsDecls.Color.rec"),
        "recursors are generated"
    );
    assert!(
        !kept.iter().any(|n| n.ends_with("match_1")),
        "matchers are generated"
    );
    assert!(
        kept.iter().any(|n| n.contains("secretHelper")),
        "private kept by default"
    );
    let public = LeanDeclarationFilter {
        include_private: false,
        ..LeanDeclarationFilter::default()
    };
    let public = s.list_declarations_filtered(&public, None, None).unwrap();
    let public = render(&mut s, public);
    assert!(!public.iter().any(|n| n.contains("secretHelper")));
    assert!(public.len() < kept.len() && kept.len() < all.len());
}

#[test]
fn prelude_world_stand_in_source_ranges() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let r = s
        .declaration_source_range("LeanRsDecls.double", None)
        .unwrap()
        .unwrap();
    assert!(r.file.ends_with("LeanRsDecls/Basic.lean"), "{r:?}");
    assert_eq!((r.start_line, r.end_line), (7, 8), "{r:?}");
    let r = s
        .declaration_source_range("LeanRsDecls.Point3.origin_total", None)
        .unwrap()
        .unwrap();
    assert!(r.file.ends_with("LeanRsDecls/Structures.lean"), "{r:?}");
    assert!(
        s.declaration_source_range("LeanRsDecls.nowhere", None)
            .unwrap()
            .is_none()
    );
}

#[test]
fn prelude_world_stand_in_elaborates_good_and_ill_typed_terms() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let opts = LeanElabOptions::new().file_label("<term>");
    let e = s
        .elaborate("LeanRsDecls.double 2", None, &opts, None)
        .unwrap()
        .unwrap();
    let text = s.expr_to_string(&e).unwrap();
    assert!(
        text.starts_with("LeanRsDecls.double (OfNat.ofNat"),
        "{text}"
    );
    let t0 = std::time::Instant::now();
    s.elaborate("LeanRsDecls.double 3", None, &opts, None)
        .unwrap()
        .unwrap();
    eprintln!("second elaborate: {:?}", t0.elapsed());
    let nat = s
        .declaration_type("LeanRsDecls.secretSeed", None)
        .unwrap()
        .unwrap();
    s.elaborate("LeanRsDecls.double 2", Some(&nat), &opts, None)
        .unwrap()
        .unwrap();
    // Ill-typed against the expected type: Lean's own mismatch, at the term's position.
    let failure = s
        .elaborate("LeanRsDecls.Color.red", Some(&nat), &opts, None)
        .unwrap()
        .unwrap_err();
    let d = &failure.diagnostics()[0];
    assert!(d.message().contains("mismatch"), "{failure}");
    assert!(d.message().contains("Color"), "{failure}");
    let pos = d.position().unwrap();
    assert_eq!((pos.line, pos.column), (1, 1), "{failure}");
    let failure = s
        .elaborate(
            "LeanRsDecls.double LeanRsDecls.Color.red",
            None,
            &opts,
            None,
        )
        .unwrap()
        .unwrap_err();
    let d = &failure.diagnostics()[0];
    assert_eq!(d.severity(), LeanSeverity::Error);
    assert_eq!(d.file_label(), "<term>");
    let pos = d.position().unwrap();
    assert_eq!(pos.line, 1, "{failure}");
    assert!(
        d.message().contains("mismatch") || d.message().contains("Color"),
        "{failure}"
    );
}

#[test]
fn prelude_world_stand_in_kernel_checks_good_wrong_and_sorry_proofs() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let opts = LeanElabOptions::new().file_label("<snippet>");
    let good = s
        .kernel_check(&stand_in::snippet("good_theorem.txt"), &opts, None, None)
        .unwrap();
    let LeanKernelOutcome::Checked(ev) = good else {
        panic!("{good:?}")
    };
    assert_eq!(
        s.check_evidence(&ev, None).unwrap(),
        EvidenceStatus::Checked
    );
    let summary = s.summarize_evidence(&ev, None).unwrap();
    assert_eq!(summary.kind, "theorem");
    assert_eq!(summary.declared_name, "snippet_and_comm");

    let sorry = s
        .kernel_check(&stand_in::snippet("sorry.txt"), &opts, None, None)
        .unwrap();
    let LeanKernelOutcome::Checked(ev) = sorry else {
        panic!("{sorry:?}")
    };
    assert_eq!(
        s.check_evidence(&ev, None).unwrap(),
        EvidenceStatus::UsesSorry
    );

    let wrong = s
        .kernel_check(&stand_in::snippet("wrong_proof.txt"), &opts, None, None)
        .unwrap();
    let LeanKernelOutcome::ElabFailed(failure) = wrong else {
        panic!("{wrong:?}")
    };
    let d = &failure.diagnostics()[0];
    assert!(d.message().contains("Type mismatch"), "{failure}");
    assert_eq!(d.position().unwrap().line, 1, "{failure}");
}

#[test]
fn prelude_world_stand_in_a_missing_module_fails_the_import_with_leans_error() {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let err = caps
        .session(&["LeanRsDecls.Nowhere"], None, None)
        .unwrap_err();
    assert!(
        matches!(err, lean_rs::LeanError::LeanException(_)),
        "{err:?}"
    );
    assert!(
        err.message().contains("LeanRsDecls.Nowhere"),
        "Lean names the module: {err}"
    );
}

#[test]
fn prelude_world_stand_in_evidence_rechecked_without_its_auxiliary_is_rejected() {
    // `where` makes an auxiliary `evidence_where.helper` the theorem depends on; the stand-in
    // re-checks the main declaration alone (see docs/architecture/host.md), so the kernel
    // refuses it with its own message: the `Rejected` path, end to end.
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let src = "theorem evidence_where : True := helper\nwhere helper : True := True.intro";
    let out = s
        .kernel_check(src, &LeanElabOptions::new(), None, None)
        .unwrap();
    let LeanKernelOutcome::Checked(ev) = out else {
        panic!("{out:?}")
    };
    let status = s.check_evidence(&ev, None).unwrap();
    let EvidenceStatus::Rejected(message) = &status else {
        panic!("{status:?}")
    };
    assert!(message.starts_with("(kernel)"), "{message}");
    assert!(
        message.contains("evidence_where.helper"),
        "the kernel names what is missing: {message}"
    );
}
