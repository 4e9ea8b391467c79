//! Import-set planning: module work grouped into batches that can share one worker session.
//!
//! Lake layout facts (the project root, its modules, their import headers, the source-set
//! fingerprint) come from `lean-toolchain`; this module only decides which pieces of module
//! work need the same worker session, by the facts a [`LeanWorkerSessionKey`] records. A plan
//! names no worker, child or queue position: a [`LeanWorkerPool`](crate::LeanWorkerPool)
//! still decides which child serves a batch.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lean_toolchain::lake::{
    CapabilityManifest, LeanModuleDescriptor, LeanModuleDiscoveryDiagnostic, LeanModuleSet,
    discover_lake_modules, read_module_header, resolve_lake_root, validate_module_name,
};
use serde::{Deserialize, Serialize};

use crate::capability::{LeanWorkerMetadataExpectation, LeanWorkerRestartPolicy};
use crate::pool::LeanWorkerSessionKey;
use crate::protocol::PROTOCOL_VERSION;

/// Why module work could not be planned. Each renders as one line naming the input and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LeanWorkerPlanDiagnostic {
    /// A Lake layout fact is wrong: a missing Lake root or module root, an invalid module
    /// name, an unreadable import header, an I/O failure.
    #[error(transparent)]
    Discovery(#[from] LeanModuleDiscoveryDiagnostic),
    /// The capability manifest cannot be read.
    #[error(
        "lean-rs-worker: capability manifest {}: {detail}; build the capability first and pass its <Lib>.capability.json",
        manifest.display()
    )]
    Capability {
        /// The manifest.
        manifest: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The same module was added twice for one capability (with the same metadata
    /// expectation and restart policy) and Lake project.
    #[error(
        "lean-rs-worker: module `{module}` of {} was added twice for capability {}; add each module once",
        lake_root.display(), manifest.display()
    )]
    DuplicateModule {
        /// The module.
        module: String,
        /// Its Lake project.
        lake_root: PathBuf,
        /// The capability it was added for.
        manifest: PathBuf,
    },
}

/// The capability material of a batch: enough to open a worker for it (the manifest, the
/// metadata expectation, the restart policy) plus the facts its session key records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerCapabilitySpec {
    manifest: PathBuf,
    package: String,
    module: String,
    target: Option<String>,
    toolchain: String,
    metadata: Option<LeanWorkerMetadataExpectation>,
    restart: LeanWorkerRestartPolicy,
}

impl LeanWorkerCapabilitySpec {
    /// The capability described by the build manifest at `manifest` (`<Lib>.capability.json`),
    /// with no metadata expectation and the default restart policy.
    pub fn from_manifest(manifest: impl AsRef<Path>) -> Result<Self, LeanWorkerPlanDiagnostic> {
        let given = manifest.as_ref();
        let failed = |detail: String| LeanWorkerPlanDiagnostic::Capability {
            manifest: given.to_path_buf(),
            detail,
        };
        let path = std::fs::canonicalize(given).map_err(|e| failed(e.to_string()))?;
        let loaded = CapabilityManifest::load(&path).map_err(|e| failed(e.to_string()))?;
        let toolchain = loaded.toolchain.as_ref().map_or_else(
            || "unrecorded".to_owned(),
            |t| {
                [
                    Some(t.version.as_str()),
                    t.commit.as_deref(),
                    t.platform.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
            },
        );
        Ok(Self {
            manifest: path,
            package: loaded.package,
            module: loaded.module,
            target: loaded.target,
            toolchain,
            metadata: None,
            restart: LeanWorkerRestartPolicy::default(),
        })
    }

    /// Sessions for this capability must report this metadata.
    #[must_use]
    pub fn expect_metadata(mut self, expectation: LeanWorkerMetadataExpectation) -> Self {
        self.metadata = Some(expectation);
        self
    }

    /// Workers for this capability follow `policy`.
    #[must_use]
    pub fn restart_policy(mut self, policy: LeanWorkerRestartPolicy) -> Self {
        self.restart = policy;
        self
    }

    /// The manifest (canonical path).
    pub fn manifest(&self) -> &Path {
        &self.manifest
    }

    /// The Lake package.
    pub fn package(&self) -> &str {
        &self.package
    }

    /// The root module the capability initializes.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The `lean_lib` target, when the manifest records it.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// The metadata expectation, when set.
    pub fn metadata_expectation(&self) -> Option<&LeanWorkerMetadataExpectation> {
        self.metadata.as_ref()
    }

    /// The restart policy.
    pub fn restart(&self) -> &LeanWorkerRestartPolicy {
        &self.restart
    }

    /// The Lean toolchain the capability was built with and the worker protocol version, in
    /// one line (e.g. `lean 4.35.0 eb6c… x86_64-unknown-linux-gnu; worker protocol 1`).
    pub fn fingerprint(&self) -> String {
        format!(
            "lean {}; worker protocol {PROTOCOL_VERSION}",
            self.toolchain
        )
    }

    /// The session key of workers with this capability open (no Lake root or imports).
    pub fn session_key(&self) -> LeanWorkerSessionKey {
        let key = LeanWorkerSessionKey::new([self.manifest.clone()])
            .with_fingerprint(self.fingerprint())
            .with_restart_class(self.restart.class());
        match &self.metadata {
            Some(expectation) => key.with_metadata_expectation(expectation.canonical()),
            None => key,
        }
    }
}

/// One module to run capability work on: where it lives and what it imports.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LeanWorkerModuleWork {
    module: String,
    lake_root: PathBuf,
    source_root: PathBuf,
    source_path: PathBuf,
    imports: Vec<String>,
    source_sha256: Option<String>,
}

impl LeanWorkerModuleWork {
    /// Module `module` under `source_root` of the Lake project at `lake_root` (the directory
    /// holding the lakefile, or its parent when the project is in `lean/`); its imports are
    /// read from the source file's header.
    pub fn from_source(
        lake_root: impl AsRef<Path>,
        source_root: impl AsRef<Path>,
        module: &str,
    ) -> Result<Self, LeanWorkerPlanDiagnostic> {
        let lake_root = checked_lake_root(lake_root.as_ref())?;
        let source_root = canonical(source_root.as_ref())?;
        let source_root = source_root.as_path();
        let source_path = module_source(source_root, module)?;
        if !source_path.is_file() {
            return Err(LeanModuleDiscoveryDiagnostic::MissingModuleRoot {
                root: module.to_owned(),
                expected: source_path,
            }
            .into());
        }
        Self::read(lake_root, source_root.to_path_buf(), module, source_path)
    }

    /// The work for a module [`discover_lake_modules`] found in `set`.
    pub fn from_descriptor(
        set: &LeanModuleSet,
        descriptor: &LeanModuleDescriptor,
    ) -> Result<Self, LeanWorkerPlanDiagnostic> {
        // Discovery joins the lakefile's `srcDir`s as written (`root/./.`): canonical paths
        // keep explicit and discovered work of one module in one group.
        Self::read(
            canonical(&set.lake_root)?,
            canonical(&descriptor.source_root)?,
            &descriptor.name,
            canonical(&descriptor.source_path)?,
        )
    }

    /// Explicit work whose imports the caller already knows; no source file is read (so the
    /// batch fingerprint covers names and imports, not contents).
    pub fn with_imports(
        lake_root: impl AsRef<Path>,
        source_root: impl AsRef<Path>,
        module: &str,
        imports: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Self, LeanWorkerPlanDiagnostic> {
        let lake_root = checked_lake_root(lake_root.as_ref())?;
        let source_root = canonical(source_root.as_ref())?;
        let source_root = source_root.as_path();
        let source_path = module_source(source_root, module)?;
        let imports: Vec<String> = imports.into_iter().map(Into::into).collect();
        for import in &imports {
            check_module_name(import, &source_path)?;
        }
        Ok(Self {
            module: module.to_owned(),
            lake_root,
            source_root: source_root.to_path_buf(),
            source_path,
            imports,
            source_sha256: None,
        })
    }

    fn read(
        lake_root: PathBuf,
        source_root: PathBuf,
        module: &str,
        source_path: PathBuf,
    ) -> Result<Self, LeanWorkerPlanDiagnostic> {
        check_module_name(module, &source_path)?;
        let header = read_module_header(&source_path)?;
        let digest = lean_toolchain::sha256_file(&source_path).map_err(|e| {
            LeanModuleDiscoveryDiagnostic::Io {
                path: source_path.clone(),
                detail: e.to_string(),
            }
        })?;
        Ok(Self {
            module: module.to_owned(),
            lake_root,
            source_root,
            source_path,
            imports: header.imports,
            source_sha256: Some(digest),
        })
    }

    /// The dotted module name.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The Lake project root.
    pub fn lake_root(&self) -> &Path {
        &self.lake_root
    }

    /// The directory module names are relative to.
    pub fn source_root(&self) -> &Path {
        &self.source_root
    }

    /// The `.lean` file.
    pub fn source_path(&self) -> &Path {
        &self.source_path
    }

    /// The imported modules, in header order (`Init` first unless the file is a `prelude`).
    pub fn imports(&self) -> &[String] {
        &self.imports
    }

    /// SHA-256 of the source, when it was read.
    pub fn source_sha256(&self) -> Option<&str> {
        self.source_sha256.as_deref()
    }
}

fn check_module_name(name: &str, path: &Path) -> Result<(), LeanModuleDiscoveryDiagnostic> {
    validate_module_name(name).map(|_| ()).map_err(|detail| {
        LeanModuleDiscoveryDiagnostic::InvalidModuleName {
            name: crate::error::bound(name.to_owned()),
            path: path.to_path_buf(),
            detail,
        }
    })
}

fn checked_lake_root(root: &Path) -> Result<PathBuf, LeanModuleDiscoveryDiagnostic> {
    let found =
        resolve_lake_root(root).ok_or_else(|| LeanModuleDiscoveryDiagnostic::MissingLakeRoot {
            path: root.to_path_buf(),
        })?;
    canonical(&found)
}

fn canonical(path: &Path) -> Result<PathBuf, LeanModuleDiscoveryDiagnostic> {
    std::fs::canonicalize(path).map_err(|e| LeanModuleDiscoveryDiagnostic::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })
}

/// `source_root/A/B.lean` for module `A.B`, after checking the name.
fn module_source(
    source_root: &Path,
    module: &str,
) -> Result<PathBuf, LeanModuleDiscoveryDiagnostic> {
    check_module_name(module, source_root)?;
    let mut path = module
        .split('.')
        .fold(source_root.to_path_buf(), |p, part| p.join(part));
    path.set_extension("lean");
    Ok(path)
}

/// Module work of one batch: everything but the modules is the grouping key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Group {
    key: LeanWorkerSessionKey,
    source_root: PathBuf,
}

/// Groups module work into batches that can share one worker session.
///
/// Work is grouped by the Lake project root, the capability (package and target, through its
/// manifest), the source root, the import set, the capability metadata expectation, the Lean
/// toolchain and worker protocol fingerprint, and the restart-policy class. The plan is
/// deterministic: the same inputs give the same batches, in the same order, with the same
/// fingerprints, however the work was added.
#[derive(Debug, Default)]
pub struct LeanWorkerImportPlanner {
    groups: BTreeMap<
        Group,
        (
            LeanWorkerCapabilitySpec,
            BTreeMap<String, LeanWorkerModuleWork>,
        ),
    >,
    /// (capability session key, lake root, module) of everything added, to refuse duplicates.
    seen: std::collections::BTreeSet<(LeanWorkerSessionKey, PathBuf, String)>,
}

impl LeanWorkerImportPlanner {
    /// An empty planner.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one piece of module work for `capability`.
    pub fn add_work(
        &mut self,
        capability: &LeanWorkerCapabilitySpec,
        work: LeanWorkerModuleWork,
    ) -> Result<(), LeanWorkerPlanDiagnostic> {
        let seen = (
            capability.session_key(),
            work.lake_root.clone(),
            work.module.clone(),
        );
        if !self.seen.insert(seen) {
            return Err(LeanWorkerPlanDiagnostic::DuplicateModule {
                module: work.module,
                lake_root: work.lake_root,
                manifest: capability.manifest.clone(),
            });
        }
        let group = Group {
            key: capability
                .session_key()
                .with_lake_root(work.lake_root.clone())
                .with_imports(work.imports.iter().cloned()),
            source_root: work.source_root.clone(),
        };
        self.groups
            .entry(group)
            .or_insert_with(|| (capability.clone(), BTreeMap::new()))
            .1
            .insert(work.module.clone(), work);
        Ok(())
    }

    /// Adds every module of a discovered set for `capability`, reading each import header.
    /// Returns how many were added; nothing is added when one fails.
    pub fn add_module_set(
        &mut self,
        capability: &LeanWorkerCapabilitySpec,
        set: &LeanModuleSet,
    ) -> Result<usize, LeanWorkerPlanDiagnostic> {
        let work = set
            .modules
            .iter()
            .map(|descriptor| LeanWorkerModuleWork::from_descriptor(set, descriptor))
            .collect::<Result<Vec<_>, _>>()?;
        let count = work.len();
        let mut staged = Self {
            groups: self.groups.clone(),
            seen: self.seen.clone(),
        };
        for item in work {
            staged.add_work(capability, item)?;
        }
        *self = staged;
        Ok(count)
    }

    /// Discovers the modules of the Lake project at `root` (only `selected_roots` and their
    /// submodules, when given) and adds them for `capability`.
    pub fn add_lake_project(
        &mut self,
        capability: &LeanWorkerCapabilitySpec,
        root: impl AsRef<Path>,
        selected_roots: Option<&[&str]>,
    ) -> Result<usize, LeanWorkerPlanDiagnostic> {
        let root = root.as_ref();
        // Canonical paths make keys and fingerprints independent of how the root was spelled.
        let root = std::fs::canonicalize(root).map_err(|_| {
            LeanModuleDiscoveryDiagnostic::MissingLakeRoot {
                path: root.to_path_buf(),
            }
        })?;
        let set = discover_lake_modules(&root, selected_roots)?;
        self.add_module_set(capability, &set)
    }

    /// The batches, in a stable order (by session key, then source root).
    pub fn plan(&self) -> LeanWorkerImportPlan {
        let batches: Vec<LeanWorkerPlannedBatch> = self
            .groups
            .iter()
            .map(|(group, (capability, modules))| {
                LeanWorkerPlannedBatch::new(
                    group.key.clone(),
                    capability.clone(),
                    group.source_root.clone(),
                    modules.values().cloned().collect(),
                )
            })
            .collect();
        let fingerprint = lean_toolchain::sha256_bytes(
            batches
                .iter()
                .map(|b| b.fingerprint.as_str())
                .collect::<Vec<_>>()
                .join("\n")
                .as_bytes(),
        );
        LeanWorkerImportPlan {
            batches,
            fingerprint,
        }
    }
}

/// Module work that can run against one worker session: its key, the capability material,
/// the modules (sorted by name) and a fingerprint of all of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerPlannedBatch {
    key: LeanWorkerSessionKey,
    capability: LeanWorkerCapabilitySpec,
    source_root: PathBuf,
    modules: Vec<LeanWorkerModuleWork>,
    fingerprint: String,
}

impl LeanWorkerPlannedBatch {
    fn new(
        key: LeanWorkerSessionKey,
        capability: LeanWorkerCapabilitySpec,
        source_root: PathBuf,
        modules: Vec<LeanWorkerModuleWork>,
    ) -> Self {
        #[derive(Serialize)]
        struct Facts<'a> {
            key: &'a LeanWorkerSessionKey,
            source_root: &'a Path,
            modules: &'a [LeanWorkerModuleWork],
        }
        // Serializing plain strings, paths and vectors cannot fail except for a path that is
        // not UTF-8; such a path is hashed through its lossy form instead.
        let facts = serde_json::to_string(&Facts {
            key: &key,
            source_root: &source_root,
            modules: &modules,
        })
        .unwrap_or_else(|_| format!("{key:?}|{}|{modules:?}", source_root.display()));
        let fingerprint = lean_toolchain::sha256_bytes(facts.as_bytes());
        Self {
            key,
            capability,
            source_root,
            modules,
            fingerprint,
        }
    }

    /// The session key to lease a pool worker with.
    pub fn session_key(&self) -> &LeanWorkerSessionKey {
        &self.key
    }

    /// The capability material (manifest, metadata expectation, restart policy).
    pub fn capability(&self) -> &LeanWorkerCapabilitySpec {
        &self.capability
    }

    /// The source root of every module of the batch.
    pub fn source_root(&self) -> &Path {
        &self.source_root
    }

    /// The import set every module of the batch shares (sorted).
    pub fn imports(&self) -> &[String] {
        self.key.imports()
    }

    /// The module work, sorted by module name.
    pub fn modules(&self) -> &[LeanWorkerModuleWork] {
        &self.modules
    }

    /// SHA-256 over the session key, the source root and every module's name, path, imports
    /// and source digest.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// The batches of a [`LeanWorkerImportPlanner`], in a stable order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerImportPlan {
    batches: Vec<LeanWorkerPlannedBatch>,
    fingerprint: String,
}

impl LeanWorkerImportPlan {
    /// The batches.
    pub fn batches(&self) -> &[LeanWorkerPlannedBatch] {
        &self.batches
    }

    /// The batches, owned.
    pub fn into_batches(self) -> Vec<LeanWorkerPlannedBatch> {
        self.batches
    }

    /// How many modules the plan covers.
    pub fn module_count(&self) -> usize {
        self.batches.iter().map(|b| b.modules.len()).sum()
    }

    /// SHA-256 over the batch fingerprints, in order.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}
