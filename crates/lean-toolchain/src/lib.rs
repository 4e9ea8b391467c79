//! Lean 4 toolchain discovery, fingerprints, link diagnostics and Lake build helpers.
//!
//! - [`discover`] finds the toolchain (`LEAN_SYSROOT` → `lean` on `PATH` → elan's
//!   default → the project-local `.lean-rs/sysroot`) and says why each candidate was
//!   chosen or rejected; [`inspect_sysroot`] verifies one directory.
//! - [`ToolchainFingerprint`] is the typed identity of a verified toolchain.
//! - [`LinkDiagnostics`] are the one-line failures of all of the above and of Lake builds.
//! - [`lake`] holds Lake module discovery, name mangling and the build helpers.
//! - [`read_olean_header`] / [`check_olean`] check an olean before Lean maps it (Lean
//!   trusts the file; a truncated one crashes the importing process).
//! - [`native`] builds Lean packages without Lake (the real `lean` and `cc`), for sysroots
//!   that have no Lake.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod diagnostics;
mod digest;
mod discovery;
mod fingerprint;
pub mod lake;
mod link;
mod manifest;
pub mod native;
mod olean;
mod process;
mod sysroot;
mod version;
mod window;

pub use diagnostics::LinkDiagnostics;
pub use digest::{fixture_digest, sha256_bytes, sha256_file};
pub use discovery::{
    Candidate, CandidateSource, CandidateStatus, Discovery, DiscoveryInputs, LEAN_SYSROOT_ENV,
    LOCAL_SYSROOT_DIR, NO_LOCAL_SYSROOT_ENV, discover, discover_toolchain, elan_toolchain_dir,
    find_local_sysroot,
};
pub use fingerprint::{SupportVerdict, SysrootKind, ToolchainFingerprint};
pub use lake::{
    BuiltLeanCapability, CargoLeanCapability, LakeBuild, LakeTarget, LeanModuleDescriptor,
    LeanModuleDiscoveryDiagnostic, LeanModuleHeader, LeanModuleSet, LeanModuleSetFingerprint,
    build_lake_target, build_lake_target_quiet, discover_lake_modules, read_module_header,
};
pub use link::{
    INTEROP_CALLBACK_HELPERS, emit_interop_callback_exports, emit_lean_link_directives,
    emit_lean_link_directives_checked, emit_link_directives, interop_callback_export_directives,
    is_docs_rs, link_directives,
};
pub use manifest::{SYSROOT_MANIFEST, SYSROOT_MANIFEST_SCHEMA, SysrootManifest};
pub use olean::{OleanError, OleanHeader, check_olean, read_olean_header};
pub use sysroot::{check_shared_object, inspect_sysroot, runtime_library_name};
pub use version::{LeanVersion, LeanVersionReport, is_commit_hash, parse_version_line};

/// `lean_rs_sys::REQUIRED_SYMBOLS`: the symbols lean-rs needs from `libleanshared`.
pub const REQUIRED_SYMBOLS: &[&str] = window::facts::SYMBOLS;
/// `lean_rs_sys::LEAN_VERSION`: the Lean version lean-rs-sys was built against.
pub const LEAN_VERSION: &str = window::facts::VERSION;
/// `lean_rs_sys::LEAN_HEADER_DIGEST`: the `lean.h` digest it was built against, if any.
pub const LEAN_HEADER_DIGEST: Option<&str> = window::facts::HEADER_DIGEST;

/// The symbols lean-rs needs from `libleanshared` (the allowlist lives in lean-rs-sys).
pub fn required_symbols() -> &'static [&'static str] {
    REQUIRED_SYMBOLS
}

/// The supported window rendered as text, e.g. `4.26.0 ..= 4.35.0, named releases only`.
pub fn supported_window() -> String {
    window::describe()
}
