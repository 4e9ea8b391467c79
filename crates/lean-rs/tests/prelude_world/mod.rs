//! Where the prelude world's natively built packages are: `scripts/test` builds them into
//! `.lean-rs/native` (with `lean-rs build-native`) before the tests run.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// The capability manifest of library `lib` of natively built package `package`.
pub fn manifest(package: &str, lib: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here
        .ancestors()
        .map(|dir| dir.join(".lean-rs/native"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| here.join("../../.lean-rs/native"));
    let path = root.join(package).join(format!("{lib}.capability.json"));
    assert!(
        path.is_file(),
        "{} is missing: build the prelude world first (scripts/test does; or `cargo run -p lean-rs-cli -- build-native --include crates/lean-rs-sys/include --out .lean-rs/native fixtures/prelude-world/<package>`)",
        path.display()
    );
    path
}
