//! `CargoLeanCapability`: the `build.rs` path for crates that ship Lean source.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::build::{LakeTarget, write_atomically};
use super::manifest::{CapabilityManifest, ManifestDependency, ManifestToolchain};
use super::names::validate_module_name;
use crate::diagnostics::{LinkDiagnostics, one_line};
use crate::fingerprint::ToolchainFingerprint;
use crate::link::{is_docs_rs, link_directives};

/// What [`CargoLeanCapability::build`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltLeanCapability {
    /// Where the manifest was written.
    pub manifest_path: PathBuf,
    /// The manifest contents.
    pub manifest: CapabilityManifest,
    /// True when the Lake cache was reused.
    pub cache_hit: bool,
}

/// Builder for a `build.rs` that ships a Lake `lean_lib` as a capability.
#[derive(Debug, Clone)]
pub struct CargoLeanCapability {
    /// The Lake build; its root is `lake_dir` as given, resolved only when building.
    lake: LakeTarget,
    module: Option<String>,
    out_dir: Option<PathBuf>,
}

impl CargoLeanCapability {
    /// `lake_dir` (relative to `CARGO_MANIFEST_DIR` unless absolute) holds the Lake
    /// project; `target` is its `lean_lib`.
    pub fn new(lake_dir: impl Into<PathBuf>, target: impl Into<String>) -> Self {
        Self {
            lake: LakeTarget::new(lake_dir, target),
            module: None,
            out_dir: None,
        }
    }

    /// The Lake package name (default: the lakefile's).
    #[must_use]
    pub fn package(mut self, package: impl Into<String>) -> Self {
        self.lake = self.lake.package(package);
        self
    }

    /// The root module to initialize (default: the target name).
    #[must_use]
    pub fn module(mut self, module: impl Into<String>) -> Self {
        self.module = Some(module.into());
        self
    }

    /// Uses this `lake` executable.
    #[must_use]
    pub fn lake_executable(mut self, lake: impl Into<PathBuf>) -> Self {
        self.lake = self.lake.lake_executable(lake);
        self
    }

    /// Uses this toolchain instead of discovering one.
    #[must_use]
    pub fn toolchain(mut self, toolchain: ToolchainFingerprint) -> Self {
        self.lake = self.lake.toolchain(toolchain);
        self
    }

    /// Writes the manifest here instead of `OUT_DIR`.
    #[must_use]
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Builds and prints the Cargo directives to stdout.
    pub fn build(&self) -> Result<BuiltLeanCapability, LinkDiagnostics> {
        self.build_to(&mut std::io::stdout().lock())
    }

    /// Builds and writes the Cargo directives to `directives`.
    ///
    /// Under `DOCS_RS` nothing is built: the environment variables are emitted empty so
    /// `env!` still compiles, and the returned manifest is empty.
    pub fn build_to(
        &self,
        directives: &mut dyn Write,
    ) -> Result<BuiltLeanCapability, LinkDiagnostics> {
        let env_prefix = format!("LEAN_RS_CAPABILITY_{}", screaming_snake(&self.lake.target));
        let module = self
            .module
            .clone()
            .unwrap_or_else(|| self.lake.target.clone());
        for name in [&self.lake.target, &module] {
            validate_module_name(name).map_err(|detail| LinkDiagnostics::InvalidModuleName {
                name: one_line(name),
                detail,
            })?;
        }
        let emit = |out: &mut dyn Write, line: String| {
            writeln!(out, "{line}")
                .map_err(|e| LinkDiagnostics::lake_output(Path::new("<cargo stdout>"), e))
        };
        if is_docs_rs() {
            emit(
                directives,
                format!("cargo:rustc-env={env_prefix}_MANIFEST="),
            )?;
            emit(directives, format!("cargo:rustc-env={env_prefix}_DYLIB="))?;
            return Ok(BuiltLeanCapability {
                manifest_path: PathBuf::new(),
                manifest: empty_manifest(&self.lake.target, &module),
                cache_hit: false,
            });
        }
        let toolchain = match &self.lake.toolchain {
            Some(fp) => fp.clone(),
            None => crate::discovery::discover_toolchain()?,
        };
        toolchain.require_supported()?;
        for line in link_directives(&toolchain) {
            emit(directives, line)?;
        }
        let lake_dir = self.resolved_lake_dir();
        let mut lake = self.lake.clone().toolchain(toolchain.clone());
        lake.root.clone_from(&lake_dir);
        let built = lake.build_to(directives)?;
        let mut manifest = CapabilityManifest::new(
            built.package.clone().unwrap_or_default(),
            module.clone(),
            built.dylib.clone(),
        );
        manifest.initializer = Some(built.initializer_symbol(&module));
        manifest.target = Some(self.lake.target.clone());
        manifest.naming = Some(built.convention);
        manifest.search_roots = vec![
            built
                .dylib
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            toolchain.lib_dir.clone(),
        ];
        manifest.dependencies = vec![ManifestDependency::global(
            toolchain.runtime_library.clone(),
        )];
        manifest.toolchain = Some(ManifestToolchain {
            version: toolchain.version.to_string(),
            commit: Some(toolchain.commit.clone()),
            kind: Some(toolchain.kind.as_str().to_owned()),
            platform: toolchain.platform.clone(),
            header_digest: toolchain.header_digest.clone(),
        });
        manifest.cache_key = Some(built.cache_key.clone());
        let out_dir = self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
            .unwrap_or_else(|| lake_dir.join(super::build::CACHE_DIR));
        let manifest_path = out_dir.join(format!("lean-rs-capability-{}.json", self.lake.target));
        // The loader's own validation: never write a manifest it would reject.
        let json = manifest.to_json().map_err(|e| {
            LinkDiagnostics::lake_output(
                &manifest_path,
                format!("invalid capability manifest: {e}"),
            )
        })?;
        write_atomically(&manifest_path, &json)?;
        emit(
            directives,
            format!(
                "cargo:rustc-env={env_prefix}_MANIFEST={}",
                manifest_path.display()
            ),
        )?;
        emit(
            directives,
            format!(
                "cargo:rustc-env={env_prefix}_DYLIB={}",
                built.dylib.display()
            ),
        )?;
        Ok(BuiltLeanCapability {
            manifest_path,
            manifest,
            cache_hit: built.cache_hit,
        })
    }

    fn resolved_lake_dir(&self) -> PathBuf {
        if self.lake.root.is_absolute() {
            return self.lake.root.clone();
        }
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
            || self.lake.root.clone(),
            |dir| PathBuf::from(dir).join(&self.lake.root),
        )
    }
}

fn empty_manifest(target: &str, module: &str) -> CapabilityManifest {
    let mut manifest = CapabilityManifest::new(String::new(), module, PathBuf::new());
    manifest.target = Some(target.to_owned());
    manifest
}

/// `MyCapability` → `MY_CAPABILITY`, `Foo.Bar` → `FOO_BAR`.
pub fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_uppercase());
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::screaming_snake;

    #[test]
    fn env_var_names() {
        assert_eq!(screaming_snake("MyCapability"), "MY_CAPABILITY");
        assert_eq!(screaming_snake("LeanRsInterop"), "LEAN_RS_INTEROP");
        assert_eq!(screaming_snake("Foo.Bar"), "FOO_BAR");
    }
}
