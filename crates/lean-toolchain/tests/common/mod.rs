//! Fake sysroots for bad-input tests, built from the real provisioned sysroot's files.
//! Shared with lean-rs-cli's tests through `#[path]`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The project-local sysroot provisioned by scripts/setup.
pub fn real_sysroot() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|dir| dir.join(".lean-rs/sysroot"))
        .find(|dir| dir.join("lean-rs-sysroot.json").is_file())
        .expect("no .lean-rs/sysroot: run scripts/setup first")
}

pub fn write_exec(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn sha256(path: &Path) -> String {
    lean_toolchain::sha256_file(path).unwrap()
}

pub const FAKE_COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// A `bin/lean` that prints the given version line.
pub fn fake_lean(root: &Path, version: &str, commit: &str) {
    write_exec(
        &root.join("bin/lean"),
        &format!(
            "#!/bin/sh\necho 'Lean (version {version}, x86_64-unknown-linux-gnu, commit {commit}, Release)'\n"
        ),
    );
}

/// A structurally valid small shared object (the real launcher is a PIE, i.e. `ET_DYN`).
pub fn small_shared_object(dest: &Path) {
    fs::create_dir_all(dest.parent().unwrap()).unwrap();
    fs::copy(real_sysroot().join("bin/lean"), dest).unwrap();
}

/// Writes a runtime-only manifest pinning the current digests of bin/lean and the library.
pub fn write_manifest(root: &Path, version: &str, commit: &str) {
    let lib = root.join("lib/lean/libleanshared.so");
    let lean = root.join("bin/lean");
    let manifest = serde_json::json!({
        "schema": 1, "kind": "runtime-only", "version": version, "commit": commit,
        "platform": "x86_64-unknown-linux-gnu", "build": "Release",
        "source": {"registry": "test", "package": "fake", "version": "0", "file": "none",
                   "sha256": "0".repeat(64)},
        "files": {"lib/lean/libleanshared.so": sha256(&lib), "bin/lean": sha256(&lean)},
    });
    fs::write(
        root.join("lean-rs-sysroot.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
}

/// A runtime-only sysroot whose `bin/lean` claims `version`.
pub fn fake_runtime_only(root: &Path, version: &str, commit: &str) {
    fake_lean(root, version, commit);
    small_shared_object(&root.join("lib/lean/libleanshared.so"));
    write_manifest(root, version, commit);
}

/// A directory of random files.
pub fn garbage(root: &Path) {
    fs::create_dir_all(root.join("stuff")).unwrap();
    fs::write(root.join("README"), "not a sysroot").unwrap();
    fs::write(
        root.join("stuff/blob.bin"),
        (0..=255u8).cycle().take(5000).collect::<Vec<_>>(),
    )
    .unwrap();
}

/// The real sysroot with its library cut to the first 4 KiB.
pub fn truncated(root: &Path) {
    let real = real_sysroot();
    fs::create_dir_all(root.join("bin")).unwrap();
    fs::copy(real.join("bin/lean"), root.join("bin/lean")).unwrap();
    fs::copy(
        real.join("lean-rs-sysroot.json"),
        root.join("lean-rs-sysroot.json"),
    )
    .unwrap();
    let head: Vec<u8> = fs::read(real.join("lib/lean/libleanshared.so"))
        .unwrap()
        .into_iter()
        .take(4096)
        .collect();
    fs::create_dir_all(root.join("lib/lean")).unwrap();
    fs::write(root.join("lib/lean/libleanshared.so"), head).unwrap();
}

/// A full sysroot whose lean.h matches no supported release.
pub fn unknown_header(root: &Path) {
    fake_lean(root, "4.35.0", FAKE_COMMIT);
    small_shared_object(&root.join("lib/lean/libleanshared.so"));
    fs::create_dir_all(root.join("include/lean")).unwrap();
    fs::write(
        root.join("include/lean/lean.h"),
        "/* not the real lean.h */\n",
    )
    .unwrap();
    write_exec(&root.join("bin/lake"), "#!/bin/sh\nexit 0\n");
    fs::write(root.join("lib/lean/Init.olean"), "").unwrap();
}

/// A runtime-only sysroot whose manifest is not JSON.
pub fn malformed_manifest(root: &Path) {
    fake_runtime_only(root, "4.35.0", FAKE_COMMIT);
    fs::write(
        root.join("lean-rs-sysroot.json"),
        "{\"schema\": 1, \"kind\": ",
    )
    .unwrap();
}
