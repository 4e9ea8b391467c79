//! Test support: builds the STAND-IN host shim library (`stand-in/lean_rs_host_stand_in.c`,
//! C over libleanshared's compiled Lean, against our `lean.h`) and points a `LeanHost` at it
//! and at the natively built prelude-world packages (`scripts/test` builds those into
//! `.lean-rs/native` with `lean-rs build-native`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use lean_rs::LeanRuntime;
use lean_rs_host::LeanHost;

/// The capability manifest of library `lib` of natively built package `package`.
pub fn manifest(package: &str, lib: &str) -> PathBuf {
    lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        package,
        lib,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The olean directory of a natively built package.
pub fn olean_dir(package: &str, lib: &str) -> PathBuf {
    manifest(package, lib).parent().unwrap().join("olean")
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The stand-in's C source.
pub fn source() -> PathBuf {
    crate_dir().join("stand-in/lean_rs_host_stand_in.c")
}

/// Builds (once per source digest) and returns the stand-in shim library.
pub fn library() -> PathBuf {
    library_with(&[])
}

/// The stand-in built with extra C flags (e.g. `-DLEAN_RS_HOST_STAND_IN_STALE`).
pub fn library_with(defines: &[&str]) -> PathBuf {
    let src = std::fs::read(source()).unwrap();
    let include = crate_dir().join("../lean-rs-sys/include");
    let header = std::fs::read(include.join("lean/lean.h")).unwrap();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    src.hash(&mut hasher);
    header.hash(&mut hasher);
    defines.hash(&mut hasher);
    let digest = format!("{:016x}", hasher.finish());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("lean-rs-host-stand-in")
        .join(&digest);
    let out = dir.join("liblean_rs_host_stand_in.so");
    if out.is_file() {
        return out;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let lib = Path::new(lean_rs_sys::LEAN_SYSROOT.expect("built against a Lean sysroot"))
        .join("lib/lean");
    let tmp = dir.join(format!("tmp-{}.so", std::process::id()));
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".to_owned()))
        .args([
            "-O2",
            "-fPIC",
            "-shared",
            "-Wall",
            "-Werror",
            "-Wno-unused-parameter",
            "-I",
        ])
        .arg(&include)
        .args(defines)
        .arg(source())
        .arg("-o")
        .arg(&tmp)
        .arg(format!("-L{}", lib.display()))
        .arg("-lleanshared")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .status()
        .unwrap();
    assert!(status.success(), "the stand-in did not compile");
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// The runtime.
pub fn runtime() -> &'static LeanRuntime {
    LeanRuntime::init().unwrap()
}

/// A host over the prelude world with the stand-in shims.
pub fn host() -> LeanHost<'static> {
    host_without_shims().with_shim_library(library())
}

/// A host over the prelude world that has not been told which shim library to use.
pub fn host_without_shims() -> LeanHost<'static> {
    let decls = crate_dir().join("../../fixtures/prelude-world/decls");
    LeanHost::from_lake_project(runtime(), &decls)
        .unwrap()
        .with_search_path(olean_dir("lean-rs-decls", "LeanRsDecls"))
        .with_search_path(olean_dir("lean-rs-prelude", "LeanRsPrelude"))
}

/// A snippet of the declarations fixture.
pub fn snippet(name: &str) -> String {
    let path = crate_dir()
        .join("../../fixtures/prelude-world/decls/snippets")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
