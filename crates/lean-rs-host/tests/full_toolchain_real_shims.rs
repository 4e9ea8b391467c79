//! Tier 3: the real host shims, built from `shims/` by Lake on demand, driven through the same
//! host API the stand-in tests use. Needs a full Lean toolchain (`lean`, `lake`, `Init`
//! oleans); `scripts/test` runs these when it finds one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lean_rs::LeanRuntime;
use lean_rs_host::meta::{self, LeanMetaOptions, LeanMetaResponse};
use lean_rs_host::{EvidenceStatus, LeanElabOptions, LeanHost, LeanKernelOutcome};

fn lean_lib_dir() -> std::path::PathBuf {
    let out = std::process::Command::new("lean")
        .arg("--print-prefix")
        .output()
        .unwrap();
    std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()).join("lib/lean")
}

#[test]
#[ignore = "needs a full Lean toolchain"]
fn real_host_shims_elaborate_kernel_check_and_meta() {
    let runtime = LeanRuntime::init().unwrap();
    let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("shims/lean-rs-host-shims");
    let host = LeanHost::from_lake_project(runtime, &project)
        .unwrap()
        .with_search_path(lean_lib_dir());
    let caps = host.load_host_capabilities().unwrap();
    assert!(caps.supports("lean_rs_host_meta_pp_expr"));
    assert!(caps.supports("lean_rs_host_process_with_info_tree"));
    let mut s = caps.session(&["Init"], None, None).unwrap();
    let opts = LeanElabOptions::new();
    let e = s
        .elaborate("(1 + 1 : Nat)", None, &opts, None)
        .unwrap()
        .unwrap();
    let failure = s
        .elaborate("(1 + \"a\" : Nat)", None, &opts, None)
        .unwrap()
        .unwrap_err();
    assert!(!failure.diagnostics().is_empty());
    let LeanKernelOutcome::Checked(ev) = s
        .kernel_check("theorem t : 1 + 1 = 2 := rfl", &opts, None, None)
        .unwrap()
    else {
        panic!("a good proof is checked")
    };
    assert_eq!(
        s.check_evidence(&ev, None).unwrap(),
        EvidenceStatus::Checked
    );
    let LeanKernelOutcome::Checked(ev) = s
        .kernel_check("theorem u : 1 = 1 := sorry", &opts, None, None)
        .unwrap()
    else {
        panic!("a sorry is accepted with a warning")
    };
    assert_eq!(
        s.check_evidence(&ev, None).unwrap(),
        EvidenceStatus::UsesSorry
    );
    let wrong = s
        .kernel_check("theorem w : 1 + 1 = 3 := rfl", &opts, None, None)
        .unwrap();
    assert!(wrong.failure().is_some());
    let pp = s
        .run_meta(&meta::pp_expr(), e, &LeanMetaOptions::new(), None)
        .unwrap();
    assert!(
        matches!(pp, LeanMetaResponse::Ok(ref text) if text.contains('1')),
        "{pp:?}"
    );
}
