//! Cargo link directives for downstream `build.rs` scripts.

use std::io::Write;

use crate::diagnostics::LinkDiagnostics;
use crate::discovery::{LEAN_SYSROOT_ENV, NO_LOCAL_SYSROOT_ENV, discover_toolchain};
use crate::fingerprint::{SysrootKind, ToolchainFingerprint};
use crate::manifest::SYSROOT_MANIFEST;

/// The directives that link a crate against `fingerprint`'s `libleanshared`, with an
/// rpath so the binary finds the same runtime without `LD_LIBRARY_PATH`.
pub fn link_directives(fingerprint: &ToolchainFingerprint) -> Vec<String> {
    let lib = fingerprint.lib_dir.display();
    let identity = match fingerprint.kind {
        SysrootKind::Full => fingerprint.sysroot.join("include/lean/lean.h"),
        SysrootKind::RuntimeOnly => fingerprint.sysroot.join(SYSROOT_MANIFEST),
    };
    vec![
        format!("cargo:rustc-link-search=native={lib}"),
        "cargo:rustc-link-lib=dylib=leanshared".to_owned(),
        format!("cargo:rustc-link-arg=-Wl,-rpath,{lib}"),
        format!("cargo:rerun-if-env-changed={LEAN_SYSROOT_ENV}"),
        format!("cargo:rerun-if-env-changed={NO_LOCAL_SYSROOT_ENV}"),
        "cargo:rerun-if-env-changed=ELAN_HOME".to_owned(),
        format!("cargo:rerun-if-changed={}", identity.display()),
    ]
}

/// Prints [`link_directives`] to stdout (for use inside `build.rs`).
pub fn emit_link_directives(fingerprint: &ToolchainFingerprint) {
    let mut out = std::io::stdout().lock();
    for line in link_directives(fingerprint) {
        // stdout is Cargo's pipe; if it is gone the build is over anyway.
        let _ = writeln!(out, "{line}");
    }
}

/// The C callback helpers `lean-rs` compiles into every binary that links it
/// (`crates/lean-rs/csrc/interop_callback.c`). Lean code opened at run time calls them by
/// name, so they must be in the binary's dynamic symbol table.
pub const INTEROP_CALLBACK_HELPERS: [&str; 2] = [
    "lean_rs_interop_tick_callback_call",
    "lean_rs_interop_string_callback_call",
];

/// The directives that export [`INTEROP_CALLBACK_HELPERS`] from the binaries (tests, examples,
/// benches, `[[bin]]`s) of the package whose build script prints them; none off Linux.
pub fn interop_callback_export_directives(target_os: &str) -> Vec<String> {
    if target_os != "linux" {
        return Vec::new();
    }
    INTEROP_CALLBACK_HELPERS
        .iter()
        .map(|helper| format!("cargo:rustc-link-arg=-Wl,--export-dynamic-symbol={helper}"))
        .collect()
}

/// Prints [`interop_callback_export_directives`] for the target being built (inside `build.rs`).
///
/// Cargo applies link arguments only to the package that prints them, so every package with a
/// binary that loads Lean code calling these helpers calls this from its own build script.
pub fn emit_interop_callback_exports() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let mut out = std::io::stdout().lock();
    for line in interop_callback_export_directives(&target_os) {
        // stdout is Cargo's pipe; if it is gone the build is over anyway.
        let _ = writeln!(out, "{line}");
    }
}

/// True when building documentation on docs.rs, where no Lean exists.
pub fn is_docs_rs() -> bool {
    std::env::var_os("DOCS_RS").is_some()
}

/// Discovers the supported toolchain and emits its link directives.
///
/// Returns `Ok(None)` without discovery under `DOCS_RS`.
pub fn emit_lean_link_directives_checked() -> Result<Option<ToolchainFingerprint>, LinkDiagnostics>
{
    if is_docs_rs() {
        return Ok(None);
    }
    let fingerprint = discover_toolchain()?;
    emit_link_directives(&fingerprint);
    Ok(Some(fingerprint))
}

/// Like [`emit_lean_link_directives_checked`], but turns a failure into a `cargo:warning=`.
pub fn emit_lean_link_directives() -> Option<ToolchainFingerprint> {
    match emit_lean_link_directives_checked() {
        Ok(found) => found,
        Err(diagnostic) => {
            println!("cargo:warning={diagnostic}");
            None
        }
    }
}
