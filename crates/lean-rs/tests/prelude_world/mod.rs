//! Where the prelude world's natively built packages are: `scripts/test` builds them into
//! `.lean-rs/native` (with `lean-rs build-native`) before the tests run.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// The capability manifest of library `lib` of natively built package `package`.
pub fn manifest(package: &str, lib: &str) -> PathBuf {
    lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        package,
        lib,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}
