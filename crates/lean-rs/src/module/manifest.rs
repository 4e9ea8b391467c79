//! The capability artifact manifest: a small JSON file that describes a built Lean capability
//! (primary dylib, Lake package and module, dependency dylibs in open order, toolchain) so the
//! runtime can reopen it without rediscovering Lake's output layout.
//!
//! Schema 1:
//!
//! ```json
//! {
//!   "schema": 1,
//!   "package": "lean-elpi",
//!   "module": "Elpi.Ffi",
//!   "dylib": "libleanelpi.so",
//!   "dependencies": [
//!     { "dylib": "libleanshared.so", "export_symbols": true }
//!   ],
//!   "toolchain": { "version": "4.35.0", "commit": "eb6cafb7…" }
//! }
//! ```
//!
//! `lean_toolchain::CargoLeanCapability` writes the same schema with extra provenance fields
//! (`target`, `initializer`, `naming`, `search_roots`, `cache_key`, more `toolchain` facts)
//! and bare-path dependencies; both forms are read.
//!
//! Relative paths are resolved against the manifest's directory. A dependency may name its own
//! `package` and `module` to have its initializer run right after it is opened. `toolchain`
//! is optional; when present, its `version` must equal the Lean version `lean-rs` was built
//! against.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The manifest schema this crate reads: the one `lean_toolchain` writes, defined there once.
pub use lean_toolchain::lake::CAPABILITY_MANIFEST_SCHEMA;

/// Largest manifest accepted, in bytes.
pub(crate) const MANIFEST_LIMIT: u64 = 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawManifest {
    /// Checked before typed parsing (see `capability::read_manifest`); kept so unknown-field
    /// checking accepts it.
    #[allow(dead_code)]
    pub(crate) schema: u32,
    pub(crate) package: String,
    pub(crate) module: String,
    pub(crate) dylib: PathBuf,
    #[serde(default)]
    pub(crate) dependencies: Vec<RawDependency>,
    #[serde(default)]
    pub(crate) toolchain: Option<RawToolchain>,
    /// Provenance written by `lean_toolchain::CargoLeanCapability` (Lake target, initializer
    /// symbol, naming convention, search roots, cache key). Accepted so its manifests load;
    /// the loader recomputes the initializer from `package` and `module`.
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) target: Option<String>,
    #[serde(default)]
    pub(crate) initializer: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) naming: Option<serde_json::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) search_roots: Vec<PathBuf>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) cache_key: Option<String>,
}

/// A dependency: a bare path (a library that must be loaded first, opened globally, as
/// `lean-toolchain` writes for Lean's runtime) or an object with options.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawDependency {
    Path(PathBuf),
    Entry(RawDependencyEntry),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDependencyEntry {
    pub(crate) dylib: PathBuf,
    #[serde(default)]
    pub(crate) export_symbols: bool,
    #[serde(default)]
    pub(crate) package: Option<String>,
    #[serde(default)]
    pub(crate) module: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawToolchain {
    pub(crate) version: String,
    #[serde(default)]
    pub(crate) commit: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) platform: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) header_digest: Option<String>,
}

/// A validated manifest with every path resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CapabilityManifest {
    pub(crate) path: PathBuf,
    pub(crate) package: String,
    pub(crate) module: String,
    pub(crate) dylib: PathBuf,
    pub(crate) dependencies: Vec<ManifestDependency>,
    pub(crate) toolchain_version: Option<String>,
    pub(crate) toolchain_commit: Option<String>,
    /// The initializer symbol the build recorded, if any.
    pub(crate) initializer: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ManifestDependency {
    pub(crate) dylib: PathBuf,
    pub(crate) export_symbols: bool,
    pub(crate) initializer: Option<(String, String)>,
}

impl CapabilityManifest {
    pub(crate) fn resolve(path: &Path, raw: RawManifest) -> Result<Self, String> {
        if raw.package.is_empty() || raw.module.is_empty() {
            return Err("`package` and `module` must be non-empty".to_owned());
        }
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        let join = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };
        let mut dependencies = Vec::with_capacity(raw.dependencies.len());
        for (index, dep) in raw.dependencies.into_iter().enumerate() {
            let dep = match dep {
                RawDependency::Path(dylib) => RawDependencyEntry {
                    dylib,
                    export_symbols: true,
                    package: None,
                    module: None,
                },
                RawDependency::Entry(entry) => entry,
            };
            let initializer = match (dep.package, dep.module) {
                (Some(package), Some(module)) => Some((package, module)),
                (None, None) => None,
                _ => {
                    return Err(format!(
                        "dependency {index} names only one of `package` and `module`"
                    ));
                }
            };
            dependencies.push(ManifestDependency {
                dylib: join(&dep.dylib),
                export_symbols: dep.export_symbols,
                initializer,
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            package: raw.package,
            module: raw.module,
            dylib: join(&raw.dylib),
            dependencies,
            toolchain_version: raw.toolchain.as_ref().map(|t| t.version.clone()),
            toolchain_commit: raw.toolchain.and_then(|t| t.commit),
            initializer: raw.initializer,
        })
    }
}
