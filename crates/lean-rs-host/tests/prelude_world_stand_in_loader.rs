//! Tier 1, prelude world: loading the host shims fails with one actionable line when the
//! library is missing, lacks mandatory exports (a stale or foreign build: here the STAND-IN
//! built without one export), or cannot be built; a good STAND-IN loads and reports which
//! optional services it has.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod stand_in;

use lean_rs::LeanDiagnosticCode;
use lean_rs_host::LeanHost;

fn decls_project() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/prelude-world/decls")
}

fn one_line(message: &str) {
    assert!(!message.contains('\n'), "one line: {message}");
}

#[test]
fn prelude_world_stand_in_loader_missing_library_is_one_line() {
    let host = LeanHost::from_lake_project(stand_in::runtime(), decls_project())
        .unwrap()
        .with_shim_library("/nonexistent/liblean__rs__host__shims_LeanRsHostShims.so");
    let err = host.load_host_capabilities().unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ModuleInit);
    one_line(err.message());
    assert!(err.message().contains("/nonexistent/"), "{err}");
    assert!(
        err.message().contains("LEAN_RS_HOST_SHIMS"),
        "names the fix: {err}"
    );
}

#[test]
fn prelude_world_stand_in_loader_stale_library_names_the_missing_exports() {
    let host = LeanHost::from_lake_project(stand_in::runtime(), decls_project())
        .unwrap()
        .with_shim_library(stand_in::library_with(&["-DLEAN_RS_HOST_STAND_IN_STALE"]));
    let err = host.load_host_capabilities().unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ModuleInit);
    one_line(err.message());
    assert!(
        err.message()
            .contains("lacks 1 of the 28 mandatory exports"),
        "{err}"
    );
    assert!(err.message().contains("lean_rs_host_kernel_check"), "{err}");
    assert!(err.message().contains("stale"), "{err}");
}

#[test]
fn prelude_world_stand_in_loader_without_a_toolchain_says_how_to_get_the_shims() {
    if std::env::var_os("LEAN_RS_HOST_SHIMS").is_some() {
        return; // the variable picks a library; this test is about its absence
    }
    let host = LeanHost::from_lake_project(stand_in::runtime(), decls_project()).unwrap();
    match host.load_host_capabilities() {
        Ok(_) => {} // a full toolchain built the real shims
        Err(err) => {
            assert_eq!(err.code(), LeanDiagnosticCode::ModuleInit);
            one_line(err.message());
            assert!(err.message().contains("LEAN_RS_HOST_SHIMS"), "{err}");
        }
    }
}

#[test]
fn prelude_world_stand_in_loader_opens_the_stand_in_and_its_consumer_library() {
    let host = stand_in::host();
    let caps = host
        .load_capabilities_from_manifest(stand_in::manifest("lean-rs-decls", "LeanRsDecls"))
        .unwrap();
    caps.consumer_module().unwrap();
    for symbol in [
        "lean_rs_host_meta_infer_type",
        "lean_rs_host_meta_whnf",
        "lean_rs_host_meta_is_def_eq",
        "lean_rs_host_meta_heartbeat_burn",
    ] {
        assert!(caps.supports(symbol), "{symbol}");
    }
    assert!(!caps.supports("lean_rs_host_meta_pp_expr"));
    assert!(!caps.supports("lean_rs_host_process_with_info_tree"));
    let host = LeanHost::from_lake_project(stand_in::runtime(), decls_project()).unwrap();
    let err = host
        .load_capabilities("lean-rs-decls", "LeanRsDecls")
        .unwrap_err();
    one_line(err.message());
    assert!(
        err.message().contains("lake build LeanRsDecls:shared"),
        "{err}"
    );
}

#[test]
fn prelude_world_stand_in_capability_exports_are_checked_typed_calls() {
    let host = stand_in::host();
    let caps = host
        .load_capabilities_from_manifest(stand_in::manifest("lean-rs-decls", "LeanRsDecls"))
        .unwrap();
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let before = s.stats().ffi_calls;
    let err = s
        .capability_export::<(u64,), u64>("lean_rs_decls_nowhere", None)
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SymbolLookup, "{err}");
    assert_eq!(
        s.stats().ffi_calls,
        before,
        "a failed lookup dispatches nothing"
    );
    // The consumer's compiled `LeanRsDecls.double`, typed and checked against its manifest.
    let double = s
        .capability_export::<(lean_rs::LeanNat<u64>,), lean_rs::LeanNat<u64>>(
            "lp_lean_x2drs_x2ddecls_LeanRsDecls_double",
            None,
        )
        .unwrap();
    assert_eq!(double.call(lean_rs::LeanNat(21)).unwrap().0, 42);
    assert_eq!(s.stats().ffi_calls, before + 1);
    let mismatch = s
        .capability_export::<(u64,), u64>("lp_lean_x2drs_x2ddecls_LeanRsDecls_double", None)
        .unwrap_err();
    assert_eq!(
        mismatch.code(),
        LeanDiagnosticCode::SignatureMismatch,
        "{mismatch}"
    );
}
