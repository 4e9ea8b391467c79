//! Test support: builds the STAND-IN host shim library (`stand-in/lean_rs_host_stand_in.c`,
//! C over libleanshared's compiled Lean, against our `lean.h`) and points a `LeanHost` at it
//! and at the natively built prelude-world packages (`scripts/test` builds those into
//! `.lean-rs/native` with `lean-rs build-native`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

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
    lean_rs_host::__stand_in::source()
}

/// Builds (once per source digest) and returns the stand-in shim library.
pub fn library() -> PathBuf {
    library_with(&[])
}

/// The stand-in built with extra C flags (e.g. `-DLEAN_RS_HOST_STAND_IN_STALE`).
pub fn library_with(defines: &[&str]) -> PathBuf {
    lean_rs_host::__stand_in::build_library(defines, Path::new(env!("CARGO_TARGET_TMPDIR")))
        .unwrap_or_else(|e| panic!("{e}"))
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
