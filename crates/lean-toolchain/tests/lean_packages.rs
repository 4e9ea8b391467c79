//! Tier 3: the project's own Lean packages built and tested by a native Lean toolchain.
//!
//! On machines without one, `scripts/lean-check` covers what the wasm Lean can (compile, C
//! prototypes, Init-only tests); these tests do the rest: `lake build <lib>:shared` for every
//! package, every ABI-table export present in the built library, and the host shims'
//! behaviour tests (`scripts/lean-check.d/tests/HostTests.lean`) run natively.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use lean_toolchain::lake::LakeTarget;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (package root, `lean_lib`, ABI table) of every package that ships a shared library.
const PACKAGES: &[(&str, &str, Option<&str>)] = &[
    (
        "crates/lean-rs/shims/lean-rs-interop-shims",
        "LeanRsInterop",
        Some("abi/lean-rs-interop-shims.abi.json"),
    ),
    (
        "crates/lean-rs-host/shims/lean-rs-host-shims",
        "LeanRsHostShims",
        Some("abi/lean-rs-host-shims.abi.json"),
    ),
    (
        "fixtures/interop-shims",
        "LeanRsInteropConsumer",
        Some("abi/lean-rs-interop-consumer.abi.json"),
    ),
    ("fixtures/lean", "LeanRsFixture", None),
    (
        "fixtures/verified-physics",
        "VerifiedPhysics",
        Some("abi/verified-physics.abi.json"),
    ),
];

/// The `export` rows of an ABI table (the symbols the built library must define).
fn exported_symbols(table: &Path) -> Vec<String> {
    let text = fs::read_to_string(table).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["kind"] == "export")
        .map(|row| row["symbol"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
#[ignore = "needs a full Lean toolchain"]
fn every_lean_package_builds_its_shared_library_with_its_abi_exports() {
    let toolchain = lean_toolchain::discover_toolchain().unwrap();
    for (root, lib, table) in PACKAGES {
        let root = repo().join(root);
        let built = LakeTarget::new(&root, *lib)
            .toolchain(toolchain.clone())
            .build_quiet()
            .unwrap_or_else(|e| panic!("lake build {lib}:shared in {}: {e}", root.display()));
        let Some(table) = table else { continue };
        // The dynamic symbol table holds every exported name as a NUL-terminated string.
        let bytes = fs::read(&built.dylib).unwrap();
        for symbol in exported_symbols(&root.join(table)) {
            let needle = [symbol.as_bytes(), b"\0"].concat();
            assert!(
                bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                "{symbol} (in {}) is missing from {}",
                root.join(table).display(),
                built.dylib.display()
            );
        }
    }
}

#[test]
#[ignore = "needs a full Lean toolchain"]
fn host_shims_lean_side_tests_pass_natively() {
    let toolchain = lean_toolchain::discover_toolchain().unwrap();
    let repo = repo().canonicalize().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let require =
        |name: &str, rel: &str| format!("require «{name}» from \"{}\"\n", repo.join(rel).display());
    fs::write(
        workspace.path().join("lakefile.lean"),
        String::from("import Lake\nopen Lake DSL\npackage «lean_rs_host_tests»\n")
            + &require(
                "lean_rs_host_shims",
                "crates/lean-rs-host/shims/lean-rs-host-shims",
            )
            + &require("lean_rs_fixture", "fixtures/lean")
            + &require("lean_check_support", "scripts/lean-check.d/support"),
    )
    .unwrap();
    fs::copy(
        repo.join("fixtures/lean/lean-toolchain"),
        workspace.path().join("lean-toolchain"),
    )
    .unwrap();
    let lake = toolchain.lake();
    let status = Command::new(&lake)
        .args([
            "build",
            "LeanRsHostShims",
            "LeanRsFixture",
            "LeanCheckSupport",
        ])
        .current_dir(workspace.path())
        .status()
        .unwrap();
    assert!(status.success(), "lake build failed: {status}");
    // The driver finds the fixture sources relative to its own folder.
    let tests = repo.join("scripts/lean-check.d/tests");
    let out = Command::new(&lake)
        .arg("-d")
        .arg(workspace.path())
        .args(["env", "lean", "HostTests.lean"])
        .current_dir(&tests)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stdout.contains("FAIL ") && !stdout.contains(": error"),
        "HostTests.lean failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    let passed = stdout.lines().filter(|l| l.starts_with("PASS ")).count();
    assert!(passed >= 5, "only {passed} PASS groups:\n{stdout}");
}
