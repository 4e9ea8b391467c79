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

/// Copies the bundled shim packages into `to` (following the interop symlink).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A fake `lake` that "builds" a target by copying a prebuilt library into
/// `.lake/build/lib/<name>` of its working directory (or fails with Lake-style output).
fn fake_lake(
    dir: &std::path::Path,
    outputs: &[(&str, &std::path::Path)],
    exit: i32,
) -> std::path::PathBuf {
    use std::fmt::Write as _;
    use std::os::unix::fs::PermissionsExt;
    let lake = dir.join("fake-bin/lake");
    std::fs::create_dir_all(lake.parent().unwrap()).unwrap();
    let mut script = String::from("#!/bin/sh\nmkdir -p .lake/build/lib\ncase \"$2\" in\n");
    for (target, lib) in outputs {
        let name = lib.file_name().unwrap().to_string_lossy();
        writeln!(
            script,
            "  {target}:shared) cp '{}' .lake/build/lib/{name} ;;",
            lib.display()
        )
        .unwrap();
    }
    writeln!(script, "esac\necho 'error: LeanRsHostShims/Elaboration.lean:1:0: unknown package Lean' >&2\nexit {exit}").unwrap();
    std::fs::write(&lake, script).unwrap();
    std::fs::set_permissions(&lake, std::fs::Permissions::from_mode(0o755)).unwrap();
    lake
}

/// A library with only the interop package's initializer (what the host loader opens first).
fn interop_stub(dir: &std::path::Path) -> std::path::PathBuf {
    let c = dir.join("interop_stub.c");
    std::fs::write(
        &c,
        "#include <lean/lean.h>\nLEAN_EXPORT lean_object *initialize_lean__rs__interop__shims_LeanRsInterop(uint8_t b) {\n    (void)b;\n    return lean_io_result_mk_ok(lean_box(0));\n}\n",
    )
    .unwrap();
    let out = dir.join("liblean__rs__interop__shims_LeanRsInterop.so");
    let include = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lean-rs-sys/include");
    let lib = std::path::Path::new(lean_rs_sys::LEAN_SYSROOT.unwrap()).join("lib/lean");
    let ok = std::process::Command::new("cc")
        .args(["-shared", "-fPIC", "-I"])
        .arg(&include)
        .arg("-o")
        .arg(&out)
        .arg(&c)
        .arg(format!("-L{}", lib.display()))
        .arg("-lleanshared")
        .status()
        .unwrap();
    assert!(ok.success());
    out
}

#[test]
fn prelude_world_stand_in_loader_builds_the_shim_packages_through_lake() {
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("shims");
    copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("shims"),
        &sources,
    );
    let stub_dir = dir.path().join("stub");
    std::fs::create_dir_all(&stub_dir).unwrap();
    let interop = interop_stub(&stub_dir);
    // The stand-in, under the real shims' Lake file name.
    let host_lib = stub_dir.join("liblean__rs__host__shims_LeanRsHostShims.so");
    std::fs::copy(stand_in::library(), &host_lib).unwrap();
    let lake = fake_lake(
        dir.path(),
        &[("LeanRsInterop", &interop), ("LeanRsHostShims", &host_lib)],
        0,
    );
    let host = stand_in::host_without_shims()
        .with_shim_sources(&sources)
        .with_lake_executable(&lake);
    let caps = host.load_host_capabilities().unwrap();
    assert!(
        sources
            .join("lean-rs-host-shims/.lake/build/lib/liblean__rs__host__shims_LeanRsHostShims.so")
            .is_file()
    );
    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    assert_eq!(
        s.declaration_kind("LeanRsDecls.double", None).unwrap(),
        "definition"
    );

    // A failing Lake build is one line naming the package and the fix.
    let failing = fake_lake(&dir.path().join("failing"), &[], 1);
    let host = stand_in::host_without_shims()
        .with_shim_sources(dir.path().join("fresh"))
        .with_lake_executable(&failing);
    copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("shims"),
        &dir.path().join("fresh"),
    );
    let err = host.load_host_capabilities().unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ModuleInit);
    one_line(err.message());
    assert!(err.message().contains("LeanRsInterop"), "{err}");
}
