//! `LeanLibrary` against the real runtime: open failures, unpackaged (core) initializers, and
//! typed calls into Lean-compiled functions of `libleanshared` itself.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails loudly

use std::path::PathBuf;

use lean_rs::{LeanDiagnosticCode, LeanExportKind, LeanLibrary, LeanRuntime};
use num_bigint::BigUint;

fn libleanshared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join(".lean-rs/fixtures/elpi/libleanshared.so"))
        .find(|path| path.is_file())
        .expect("run scripts/setup: .lean-rs/fixtures/elpi/libleanshared.so is missing")
}

#[test]
fn opening_missing_or_foreign_files_is_a_module_init_error() {
    let runtime = LeanRuntime::init().unwrap();
    let err = LeanLibrary::open(runtime, "/nonexistent/libnothing.so").unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ModuleInit);
    assert!(
        err.message().contains("/nonexistent/libnothing.so"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("libfake.so");
    std::fs::write(&fake, "not a library").unwrap();
    let err = LeanLibrary::open_globally(runtime, &fake).unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ModuleInit);
    assert!(err.message().contains("libfake.so"), "{err}");
}

#[test]
fn typed_calls_into_lean_compiled_functions_of_libleanshared() {
    let runtime = LeanRuntime::init().unwrap();
    let library = LeanLibrary::open_globally(runtime, libleanshared()).unwrap();
    assert!(library.is_global());
    // Already run by runtime start-up; running it again through the loader is a no-op.
    let lean = library.initialize_module_unpackaged("Lean").unwrap();
    assert_eq!(lean.initializer_symbol(), "initialize_Lean");

    // `@[export lean_string_capitalize] String.capitalize : String → String`.
    let capitalize = lean
        .exported::<(&str,), String>("lean_string_capitalize")
        .unwrap();
    assert_eq!(capitalize.kind(), LeanExportKind::Function);
    assert_eq!(capitalize.call("hello").unwrap(), "Hello");
    assert_eq!(
        capitalize.call("élan").unwrap(),
        "élan",
        "only ASCII letters are capitalized"
    );

    // `String.toNat? : String → Option Nat`, with a Nat far beyond 2^64.
    let to_nat = lean
        .exported::<(&str,), Option<BigUint>>("l_String_toNat_x3f")
        .unwrap();
    let big = "123456789012345678901234567890123456789";
    assert_eq!(
        to_nat.call(big).unwrap(),
        Some(big.parse::<BigUint>().unwrap())
    );
    assert_eq!(to_nat.call("42").unwrap(), Some(BigUint::from(42u32)));
    assert_eq!(to_nat.call("12a").unwrap(), None);

    let err = lean
        .exported::<(u64,), u64>("lean_rs_no_such_export")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SymbolLookup);
    let err = library
        .initialize_module("some-package", "No.Such.Module")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::Linking);
    assert!(
        err.message()
            .contains("initialize_some_x2dpackage_No_Such_Module"),
        "{err}"
    );
}
