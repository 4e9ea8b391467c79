//! `LeanCapabilityPreflight`: every stable loader code, each from a real bad input, plus the
//! clean case against the real Lake-built ELPI capability.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails loudly

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use lean_rs::{
    LeanBuiltCapability, LeanCapability, LeanCapabilityPreflight, LeanCapabilityPreflightReport,
    LeanDiagnosticCode, LeanLoaderCode, LeanRuntime,
};
use serde_json::{Value, json};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join(".lean-rs/fixtures/elpi"))
        .find(|dir| dir.join("libleanelpi.so").is_file())
        .expect("run scripts/setup: .lean-rs/fixtures/elpi/libleanelpi.so is missing")
}

fn good_manifest() -> Value {
    let fixtures = fixture_dir();
    json!({
        "schema": 1,
        "package": "lean-elpi",
        "module": "Elpi.Ffi",
        "dylib": fixtures.join("libleanelpi.so"),
        "dependencies": [{ "dylib": fixtures.join("libleanshared.so"), "export_symbols": true }],
        "toolchain": { "version": lean_rs_sys::LEAN_RESOLVED_VERSION }
    })
}

fn write(dir: &Path, manifest: &Value) -> PathBuf {
    let path = dir.join("capability.json");
    std::fs::write(&path, serde_json::to_vec(manifest).unwrap()).unwrap();
    path
}

fn check(path: &Path) -> LeanCapabilityPreflightReport {
    LeanCapabilityPreflight::new(LeanBuiltCapability::manifest_path(path)).check()
}

fn codes(report: &LeanCapabilityPreflightReport) -> Vec<LeanLoaderCode> {
    report
        .errors()
        .iter()
        .map(lean_rs::LeanCapabilityCheck::code)
        .collect()
}

#[test]
fn the_real_elpi_capability_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let report = check(&write(dir.path(), &good_manifest()));
    assert!(report.is_ok(), "{:?}", report.errors());
    assert!(report.first_error().is_none());
}

#[test]
fn missing_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let report = check(&dir.path().join("absent.json"));
    assert_eq!(codes(&report), [LeanLoaderCode::MissingManifest]);
    let first = report.first_error().unwrap();
    assert_eq!(first.code().as_str(), "lean_rs.loader.missing_manifest");
    assert!(first.repair_hint().contains("CargoLeanCapability"));
}

#[test]
fn malformed_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    for text in [
        "{not json",
        "[]",
        r#"{"schema": 1}"#,
        r#"{"schema": 1, "package": "p", "module": "M", "dylib": "x.so", "surprise": 1}"#,
    ] {
        std::fs::write(&path, text).unwrap();
        assert_eq!(
            codes(&check(&path)),
            [LeanLoaderCode::MalformedManifest],
            "{text}"
        );
    }
    let mut half = good_manifest();
    half["dependencies"][0]["package"] = json!("lean-rs-interop-shims");
    assert_eq!(
        codes(&check(&write(dir.path(), &half))),
        [LeanLoaderCode::MalformedManifest]
    );
    // Oversized input is rejected before parsing.
    std::fs::write(&path, vec![b' '; 2 * 1024 * 1024]).unwrap();
    assert_eq!(codes(&check(&path)), [LeanLoaderCode::MalformedManifest]);
}

#[test]
fn unsupported_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = good_manifest();
    manifest["schema"] = json!(3);
    let report = check(&write(dir.path(), &manifest));
    assert_eq!(codes(&report), [LeanLoaderCode::UnsupportedManifestSchema]);
    assert_eq!(
        report.first_error().unwrap().code().as_str(),
        "lean_rs.loader.unsupported_manifest_schema"
    );
}

#[test]
fn missing_primary_and_dependency() {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = good_manifest();
    manifest["dylib"] = json!("libgone.so");
    assert_eq!(
        codes(&check(&write(dir.path(), &manifest))),
        [LeanLoaderCode::MissingPrimaryDylib]
    );

    let mut manifest = good_manifest();
    manifest["dependencies"][0]["dylib"] = json!("/nonexistent/libleanshared.so");
    assert_eq!(
        codes(&check(&write(dir.path(), &manifest))),
        [LeanLoaderCode::MissingTransitiveDependency]
    );
}

#[test]
fn not_a_native_shared_object() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("libfake.so");
    std::fs::write(&fake, b"\x7fELF but not really").unwrap();
    let mut manifest = good_manifest();
    manifest["dylib"] = json!(fake);
    let report = check(&write(dir.path(), &manifest));
    assert_eq!(codes(&report), [LeanLoaderCode::UnsupportedArchitecture]);
    assert!(
        report
            .first_error()
            .unwrap()
            .message()
            .contains("libfake.so")
    );
}

#[test]
fn toolchain_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = good_manifest();
    manifest["toolchain"]["version"] = json!("4.0.0");
    let report = check(&write(dir.path(), &manifest));
    assert_eq!(
        codes(&report),
        [LeanLoaderCode::UnsupportedToolchainFingerprint]
    );
    assert!(report.first_error().unwrap().message().contains("4.0.0"));
}

#[test]
fn stale_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &good_manifest());
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000))
        .unwrap();
    drop(file);
    assert_eq!(codes(&check(&path)), [LeanLoaderCode::StaleManifest]);
}

#[test]
fn missing_initializer() {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = good_manifest();
    manifest["module"] = json!("Elpi.Nope");
    let report = check(&write(dir.path(), &manifest));
    assert_eq!(codes(&report), [LeanLoaderCode::MissingInitializer]);
    assert!(
        report
            .first_error()
            .unwrap()
            .message()
            .contains("initialize_lean_x2delpi_Elpi_Nope")
    );
}

#[test]
fn missing_imported_symbol() {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = good_manifest();
    manifest["dependencies"] = json!([]);
    let report = check(&write(dir.path(), &manifest));
    assert_eq!(codes(&report), [LeanLoaderCode::MissingImportedSymbol]);
    assert!(
        report
            .first_error()
            .unwrap()
            .message()
            .contains("initialize_Init"),
        "{:?}",
        report.errors()
    );
}

#[test]
fn opening_a_bad_capability_reports_the_loader_code() {
    let runtime = LeanRuntime::init().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = LeanCapability::from_build_manifest(
        runtime,
        LeanBuiltCapability::manifest_path(dir.path().join("no.json")),
    )
    .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ModuleInit);
    assert!(
        err.message().contains("lean_rs.loader.missing_manifest"),
        "{err}"
    );

    let mut manifest = good_manifest();
    manifest["dylib"] = json!("libgone.so");
    let err = LeanCapability::from_build_manifest(
        runtime,
        LeanBuiltCapability::manifest_path(write(dir.path(), &manifest)),
    )
    .unwrap_err();
    assert!(
        err.message()
            .contains("lean_rs.loader.missing_primary_dylib"),
        "{err}"
    );

    // Direct-dylib form without a module is malformed, not a panic.
    let err = LeanCapability::from_build_env(
        runtime,
        LeanBuiltCapability::path(fixture_dir().join("libleanelpi.so")).package("lean-elpi"),
    )
    .unwrap_err();
    assert!(
        err.message().contains("lean_rs.loader.malformed_manifest"),
        "{err}"
    );
}

#[test]
fn loader_codes_are_stable_strings() {
    let all = [
        (
            LeanLoaderCode::MissingManifest,
            "lean_rs.loader.missing_manifest",
        ),
        (
            LeanLoaderCode::MalformedManifest,
            "lean_rs.loader.malformed_manifest",
        ),
        (
            LeanLoaderCode::UnsupportedManifestSchema,
            "lean_rs.loader.unsupported_manifest_schema",
        ),
        (
            LeanLoaderCode::MissingPrimaryDylib,
            "lean_rs.loader.missing_primary_dylib",
        ),
        (
            LeanLoaderCode::MissingTransitiveDependency,
            "lean_rs.loader.missing_transitive_dependency",
        ),
        (
            LeanLoaderCode::UnsupportedArchitecture,
            "lean_rs.loader.unsupported_architecture",
        ),
        (
            LeanLoaderCode::UnsupportedToolchainFingerprint,
            "lean_rs.loader.unsupported_toolchain_fingerprint",
        ),
        (
            LeanLoaderCode::StaleManifest,
            "lean_rs.loader.stale_manifest",
        ),
        (
            LeanLoaderCode::MissingInitializer,
            "lean_rs.loader.missing_initializer",
        ),
        (
            LeanLoaderCode::MissingImportedSymbol,
            "lean_rs.loader.missing_imported_symbol",
        ),
    ];
    for (code, id) in all {
        assert_eq!(code.as_str(), id);
        assert_eq!(code.to_string(), id);
        assert!(!code.repair_hint().is_empty());
    }
}

/// A manifest in the form `lean_toolchain::CargoLeanCapability` writes (provenance fields,
/// bare-path dependency), rendered by the one shared type, is read, checked and opened.
#[test]
fn lean_toolchain_manifests_are_accepted() {
    use lean_toolchain::lake::{CapabilityManifest, ManifestToolchain, NamingConvention};
    let fixtures = fixture_dir();
    let mut written =
        CapabilityManifest::new("lean-elpi", "Elpi.Ffi", fixtures.join("libleanelpi.so"));
    written.target = Some("Elpi".to_owned());
    written.initializer = Some("initialize_lean_x2delpi_Elpi_Ffi".to_owned());
    written.naming = Some(NamingConvention::PackageQualified);
    written.search_roots = vec![fixtures.clone()];
    written.cache_key = Some("0123".to_owned());
    written.exports = serde_json::from_str(include_str!("fixtures/elpi.exports.json")).unwrap();
    written.toolchain = Some(ManifestToolchain {
        version: lean_rs_sys::LEAN_RESOLVED_VERSION.to_owned(),
        commit: lean_rs_sys::LEAN_COMMIT
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        kind: Some(lean_rs_sys::LEAN_SYSROOT_KIND.to_owned()),
        platform: Some("x86_64-unknown-linux-gnu".to_owned()),
        header_digest: None,
    });
    let mut manifest: Value = serde_json::from_slice(&written.to_json().unwrap()).unwrap();
    // The bare-path dependency form (opened globally).
    manifest["dependencies"] = json!([fixtures.join("libleanshared.so")]);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &manifest);
    let report = check(&path);
    assert!(report.is_ok(), "{:?}", report.errors());
    let runtime = LeanRuntime::init().unwrap();
    let capability =
        LeanCapability::from_build_manifest(runtime, LeanBuiltCapability::manifest_path(&path))
            .unwrap();
    assert!(capability.bundle().dependencies()[0].is_global());
    let module = capability.module().unwrap();
    assert_eq!(
        module
            .exported::<(), String>("leanelpi_ffi_version")
            .unwrap()
            .call()
            .unwrap(),
        "0.3.3"
    );
}
