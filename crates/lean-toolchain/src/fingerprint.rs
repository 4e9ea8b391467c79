//! The typed identity of one Lean toolchain.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::LinkDiagnostics;
use crate::version::LeanVersion;
use crate::window;

/// What a sysroot contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SysrootKind {
    /// `include/lean/lean.h`, `bin/lake` and `lib/lean/Init.olean`: can compile and build.
    Full,
    /// `lib/lean/libleanshared` + `bin/lean` + a manifest: can only run Lean.
    RuntimeOnly,
}

impl SysrootKind {
    /// `full` or `runtime-only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::RuntimeOnly => "runtime-only",
        }
    }
}

/// The window verdict for a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum SupportVerdict {
    /// Inside the supported window.
    Supported,
    /// The reported version is not a release of the window.
    UnsupportedVersion,
    /// A runtime-only sysroot whose commit is not the one known for its version.
    UnknownRuntimeCommit {
        /// The commit the window expects, if any is known.
        expected: Option<String>,
    },
}

/// Everything lean-rs needs to know about one verified Lean toolchain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolchainFingerprint {
    /// The sysroot directory.
    pub sysroot: PathBuf,
    /// Full or runtime-only.
    pub kind: SysrootKind,
    /// The release `bin/lean` reports.
    #[serde(serialize_with = "serialize_display")]
    pub version: LeanVersion,
    /// The full commit `bin/lean` reports.
    pub commit: String,
    /// The target triple `bin/lean` reports, when it reports one.
    pub platform: Option<String>,
    /// The build flavour (`Release`).
    pub build: String,
    /// SHA-256 of `include/lean/lean.h` (full sysroots only).
    pub header_digest: Option<String>,
    /// The directory holding `libleanshared` (link search path and rpath).
    pub lib_dir: PathBuf,
    /// The runtime shared library itself.
    pub runtime_library: PathBuf,
}

fn serialize_display<S: serde::Serializer>(v: &LeanVersion, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

impl ToolchainFingerprint {
    /// The window verdict; see [`Self::is_supported`].
    pub fn support(&self) -> SupportVerdict {
        if !window::is_supported_version(&self.version) {
            return SupportVerdict::UnsupportedVersion;
        }
        if self.kind == SysrootKind::RuntimeOnly {
            // Without a header, the commit is what pins the ABI.
            let expected = window::known_runtime_commit(&self.version);
            if expected != Some(self.commit.as_str()) {
                return SupportVerdict::UnknownRuntimeCommit {
                    expected: expected.map(str::to_owned),
                };
            }
        }
        SupportVerdict::Supported
    }

    /// True when lean-rs supports this toolchain.
    pub fn is_supported(&self) -> bool {
        self.support() == SupportVerdict::Supported
    }

    /// `Ok(self)` when supported, otherwise the one-line diagnostic.
    pub fn require_supported(&self) -> Result<&Self, LinkDiagnostics> {
        match self.support() {
            SupportVerdict::Supported => Ok(self),
            SupportVerdict::UnsupportedVersion => Err(self.unsupported("")),
            SupportVerdict::UnknownRuntimeCommit { expected } => Err(self.unsupported(&format!(
                " (runtime-only commit {} is not the known {} commit {})",
                self.short_commit(),
                self.version,
                expected.as_deref().unwrap_or("(none known)")
            ))),
        }
    }

    fn unsupported(&self, suffix: &str) -> LinkDiagnostics {
        let (_, newest) = window::bounds();
        LinkDiagnostics::UnsupportedToolchain {
            path: self.sysroot.clone(),
            version: format!("{}{suffix}", self.version),
            window: window::describe(),
            newest: newest.to_string(),
        }
    }

    /// The first 12 hex digits of the commit.
    pub fn short_commit(&self) -> &str {
        self.commit.get(..12).unwrap_or(&self.commit)
    }

    /// One-line summary, e.g. `Lean 4.35.0 (eb6cafb7290e, runtime-only, x86_64-unknown-linux-gnu)`.
    pub fn summary(&self) -> String {
        format!(
            "Lean {} ({}, {}, {})",
            self.version,
            self.short_commit(),
            self.kind.as_str(),
            self.platform.as_deref().unwrap_or("unknown platform")
        )
    }

    /// The sysroot's `bin/lake` (present only for full sysroots).
    pub fn lake(&self) -> PathBuf {
        self.sysroot.join("bin").join(exe("lake"))
    }

    /// The sysroot's `bin/lean`.
    pub fn lean(&self) -> PathBuf {
        self.sysroot.join("bin").join(exe("lean"))
    }

    /// The library directory, as a path.
    pub fn lib_dir(&self) -> &Path {
        &self.lib_dir
    }
}

pub(crate) fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}
