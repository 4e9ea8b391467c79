//! Typed, one-line diagnostics for toolchain discovery and Lake builds.
//!
//! Every variant names the path it is about and the fix, on one line, so a
//! `build.rs` can return it or print it through `cargo:warning=` unchanged.

use std::fmt;
use std::path::{Path, PathBuf};

/// Longest free-text detail a diagnostic carries; longer text is cut.
pub(crate) const MAX_DETAIL_CHARS: usize = 240;

/// Flattens `text` to one line of at most [`MAX_DETAIL_CHARS`] characters.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::new();
    let mut previous_space = false;
    for (count, c) in text.chars().enumerate() {
        if count >= MAX_DETAIL_CHARS {
            out.push('…');
            break;
        }
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && previous_space {
            continue;
        }
        previous_space = c == ' ';
        out.push(c);
    }
    out.trim().to_owned()
}

/// A failure of Lean toolchain discovery, verification or a Lake build step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkDiagnostics {
    /// No usable Lean installation at `path` (or none found at all).
    #[error(
        "lean-toolchain: no Lean toolchain at {}: {detail}; set LEAN_SYSROOT to a Lean sysroot or run scripts/setup",
        path.display()
    )]
    MissingLean {
        /// The directory that was examined.
        path: PathBuf,
        /// What was missing.
        detail: String,
    },
    /// A full toolchain's `include/lean/lean.h` is missing.
    #[error(
        "lean-toolchain: {} has no include/lean/lean.h (and no lean-rs-sysroot.json manifest); install a full toolchain with elan or point LEAN_SYSROOT at one",
        path.display()
    )]
    MissingHeader {
        /// The sysroot that lacks the header.
        path: PathBuf,
    },
    /// `lib/lean/libleanshared` is missing.
    #[error(
        "lean-toolchain: {} is missing; reinstall the toolchain (or rerun scripts/setup for the project-local sysroot)",
        path.display()
    )]
    MissingLib {
        /// The expected library path.
        path: PathBuf,
    },
    /// The runtime library exists but is not a loadable shared object.
    #[error(
        "lean-toolchain: {} is not a usable shared library ({detail}); reinstall the toolchain (or rerun scripts/setup)",
        path.display()
    )]
    CorruptLib {
        /// The library path.
        path: PathBuf,
        /// Why it was rejected (e.g. truncated).
        detail: String,
    },
    /// `bin/lean` could not be run, or its `--version` output was not understood.
    #[error(
        "lean-toolchain: cannot read the Lean version from {}: {detail}; check that the sysroot is complete and runs on this machine",
        path.display()
    )]
    LeanVersionUnreadable {
        /// The `lean` executable.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The sysroot manifest (`lean-rs-sysroot.json`) is malformed or does not match the files.
    #[error(
        "lean-toolchain: malformed sysroot manifest {}: {detail}; rerun scripts/setup to rebuild the project-local sysroot",
        path.display()
    )]
    MalformedSysrootManifest {
        /// The manifest path.
        path: PathBuf,
        /// The first problem found.
        detail: String,
    },
    /// `lean.h` has a digest that no supported release has.
    #[error(
        "lean-toolchain: {} has sha256 {digest}, which matches no supported Lean release (supported: {window}); use a toolchain in that window",
        header.display()
    )]
    UnknownHeaderDigest {
        /// The header path.
        header: PathBuf,
        /// Its SHA-256, lower-case hex.
        digest: String,
        /// The supported window, e.g. `4.26.0 ..= 4.35.0`.
        window: String,
    },
    /// The toolchain reports a Lean version outside the supported window.
    #[error(
        "lean-toolchain: Lean {version} at {} is not supported (supported: {window}); install a supported release, e.g. `elan toolchain install leanprover/lean4:v{newest}`",
        path.display()
    )]
    UnsupportedToolchain {
        /// The sysroot.
        path: PathBuf,
        /// The version Lean reported.
        version: String,
        /// The supported window.
        window: String,
        /// The newest supported release.
        newest: String,
    },
    /// Two sources of truth about one toolchain disagree.
    #[error(
        "lean-toolchain: version mismatch at {}: {detail}; reinstall the toolchain so its parts come from one release",
        path.display()
    )]
    VersionMismatch {
        /// The sysroot.
        path: PathBuf,
        /// What disagreed with what.
        detail: String,
    },
    /// A Lean module or package name is not valid.
    #[error(
        "lean-toolchain: invalid Lean module name `{name}` ({detail}); use dot-separated identifiers such as `MyLib.Basic`"
    )]
    InvalidModuleName {
        /// The rejected name (bounded).
        name: String,
        /// Why it was rejected.
        detail: String,
    },
    /// The `lake` executable could not be started.
    #[error(
        "lean-toolchain: cannot run lake at {}: {detail}; install a full Lean toolchain with elan (lake ships with it)",
        path.display()
    )]
    LakeUnavailable {
        /// The `lake` executable that was tried.
        path: PathBuf,
        /// The OS error.
        detail: String,
    },
    /// The requested target is not declared as a `lean_lib` in the lakefile.
    #[error(
        "lean-toolchain: {} declares no lean_lib `{target}` (declared: {declared}); add `lean_lib {target}` to the lakefile or fix the target name",
        lakefile.display()
    )]
    LakeTargetMissing {
        /// The lakefile that was read.
        lakefile: PathBuf,
        /// The requested target.
        target: String,
        /// The `lean_lib`s it does declare, comma-separated (or `none`).
        declared: String,
    },
    /// `lake build <target>:shared` exited unsuccessfully.
    #[error(
        "lean-toolchain: `lake build {target}:shared` failed in {} ({status}): {output}; fix the Lean build error and rebuild",
        root.display()
    )]
    LakeBuildFailed {
        /// The Lake project root.
        root: PathBuf,
        /// The target.
        target: String,
        /// The exit status.
        status: String,
        /// The tail of Lake's output (bounded).
        output: String,
    },
    /// The manifest, cache, source scan or expected dylib could not be resolved.
    #[error(
        "lean-toolchain: cannot resolve Lake output at {}: {detail}; check the Lake project and rerun the build",
        path.display()
    )]
    LakeOutputUnresolved {
        /// The path involved.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
}

impl LinkDiagnostics {
    /// A stable machine-readable identifier for the variant.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingLean { .. } => "lean_toolchain.missing_lean",
            Self::MissingHeader { .. } => "lean_toolchain.missing_header",
            Self::MissingLib { .. } => "lean_toolchain.missing_lib",
            Self::CorruptLib { .. } => "lean_toolchain.corrupt_lib",
            Self::LeanVersionUnreadable { .. } => "lean_toolchain.lean_version_unreadable",
            Self::MalformedSysrootManifest { .. } => "lean_toolchain.malformed_sysroot_manifest",
            Self::UnknownHeaderDigest { .. } => "lean_toolchain.unknown_header_digest",
            Self::UnsupportedToolchain { .. } => "lean_toolchain.unsupported_toolchain",
            Self::VersionMismatch { .. } => "lean_toolchain.version_mismatch",
            Self::InvalidModuleName { .. } => "lean_toolchain.invalid_module_name",
            Self::LakeUnavailable { .. } => "lean_toolchain.lake_unavailable",
            Self::LakeTargetMissing { .. } => "lean_toolchain.lake_target_missing",
            Self::LakeBuildFailed { .. } => "lean_toolchain.lake_build_failed",
            Self::LakeOutputUnresolved { .. } => "lean_toolchain.lake_output_unresolved",
        }
    }

    pub(crate) fn missing_lean(path: &Path, detail: impl fmt::Display) -> Self {
        Self::MissingLean {
            path: path.to_path_buf(),
            detail: one_line(&detail.to_string()),
        }
    }

    pub(crate) fn manifest(path: &Path, detail: impl fmt::Display) -> Self {
        Self::MalformedSysrootManifest {
            path: path.to_path_buf(),
            detail: one_line(&detail.to_string()),
        }
    }

    pub(crate) fn lake_output(path: &Path, detail: impl fmt::Display) -> Self {
        Self::LakeOutputUnresolved {
            path: path.to_path_buf(),
            detail: one_line(&detail.to_string()),
        }
    }
}
