//! Manifest-backed capabilities: the normal same-process way to open a built Lean library.
//!
//! [`LeanBuiltCapability`] names what was built (a manifest, or a dylib plus its Lake package
//! and module). [`LeanCapabilityPreflight`] checks it without opening anything and reports
//! each problem with a stable [`LeanLoaderCode`] and a repair hint. [`LeanCapability`] opens
//! the dependency bundle in manifest order, opens the primary dylib, and initializes the
//! configured module on first use.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{LeanError, LeanResult, bound_message};
use crate::module::elf;
use lean_toolchain::lake::{
    CapabilityManifest, CapabilityManifestError, ExportSignature, ManifestDependency,
};

use crate::module::naming;
use crate::module::{LeanLibraryBundle, LeanLibraryDependency, LeanModule};
use crate::runtime::LeanRuntime;

/// Stable identifiers of loader preflight failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeanLoaderCode {
    /// The manifest is absent or unreadable.
    MissingManifest,
    /// The manifest is not valid JSON or misses required fields.
    MalformedManifest,
    /// The manifest schema is not understood by this crate.
    UnsupportedManifestSchema,
    /// The primary capability dylib is missing.
    MissingPrimaryDylib,
    /// A dependency dylib is missing.
    MissingTransitiveDependency,
    /// A dylib is not a native shared object for this target.
    UnsupportedArchitecture,
    /// The manifest was built with a different Lean toolchain.
    UnsupportedToolchainFingerprint,
    /// The manifest is older than the dylib it describes.
    StaleManifest,
    /// The primary dylib does not export the configured module initializer.
    MissingInitializer,
    /// A Lean symbol the primary dylib imports is not supplied by the dependency set.
    MissingImportedSymbol,
    /// The manifest records no export signatures, so the safe typed lookup can check nothing
    /// (a warning: the capability loads, `exported` reports `lean_rs.signature_unknown`).
    MissingExportSignatures,
}

/// How serious a preflight finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LeanFindingSeverity {
    /// The capability works, with a limitation the message names.
    Warning,
    /// The capability cannot be loaded (or would load wrongly).
    Error,
}

impl LeanFindingSeverity {
    /// `warning` or `error`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl LeanLoaderCode {
    /// The stable dotted identifier, e.g. `lean_rs.loader.missing_manifest`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MissingManifest => "lean_rs.loader.missing_manifest",
            Self::MalformedManifest => "lean_rs.loader.malformed_manifest",
            Self::UnsupportedManifestSchema => "lean_rs.loader.unsupported_manifest_schema",
            Self::MissingPrimaryDylib => "lean_rs.loader.missing_primary_dylib",
            Self::MissingTransitiveDependency => "lean_rs.loader.missing_transitive_dependency",
            Self::UnsupportedArchitecture => "lean_rs.loader.unsupported_architecture",
            Self::UnsupportedToolchainFingerprint => {
                "lean_rs.loader.unsupported_toolchain_fingerprint"
            }
            Self::StaleManifest => "lean_rs.loader.stale_manifest",
            Self::MissingInitializer => "lean_rs.loader.missing_initializer",
            Self::MissingImportedSymbol => "lean_rs.loader.missing_imported_symbol",
            Self::MissingExportSignatures => "lean_rs.loader.missing_export_signatures",
        }
    }

    /// How serious a finding with this code is.
    pub const fn severity(self) -> LeanFindingSeverity {
        match self {
            Self::MissingExportSignatures => LeanFindingSeverity::Warning,
            _ => LeanFindingSeverity::Error,
        }
    }

    /// What to do about it, in one line.
    pub const fn repair_hint(self) -> &'static str {
        match self {
            Self::MissingManifest => {
                "rebuild through CargoLeanCapability and package the emitted manifest"
            }
            Self::MalformedManifest => {
                "rebuild the Lean capability with the same lean-rs toolchain helper"
            }
            Self::UnsupportedManifestSchema => {
                "rebuild with matching lean-toolchain and lean-rs versions"
            }
            Self::MissingPrimaryDylib => "rebuild and package the built shared library",
            Self::MissingTransitiveDependency => {
                "package every manifest dependency, including generic interop shims when used"
            }
            Self::UnsupportedArchitecture => {
                "rebuild the Lean capability for the current Cargo target"
            }
            Self::UnsupportedToolchainFingerprint => {
                "rebuild the Lean capability with the same Lean toolchain as the Rust binary"
            }
            Self::StaleManifest => {
                "rebuild through CargoLeanCapability so the manifest and dylib match"
            }
            Self::MissingInitializer => {
                "check the package/module names and rebuild the shared target"
            }
            Self::MissingImportedSymbol => {
                "rebuild through CargoLeanCapability so dependency dylibs are recorded"
            }
            Self::MissingExportSignatures => {
                "rebuild with a builder that records the emitted C's export signatures (lean-rs build-native does)"
            }
        }
    }
}

impl fmt::Display for LeanLoaderCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One preflight finding: an error, or a warning about a limitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanCapabilityCheck {
    code: LeanLoaderCode,
    message: String,
}

impl LeanCapabilityCheck {
    fn new(code: LeanLoaderCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: bound_message(message),
        }
    }

    /// The stable loader code.
    pub fn code(&self) -> LeanLoaderCode {
        self.code
    }

    /// The bounded description of what is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The code's repair hint.
    pub fn repair_hint(&self) -> &'static str {
        self.code.repair_hint()
    }

    /// How serious it is.
    pub fn severity(&self) -> LeanFindingSeverity {
        self.code.severity()
    }
}

impl fmt::Display for LeanCapabilityCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {} ({})",
            self.severity().as_str(),
            self.code,
            self.message,
            self.code.repair_hint()
        )
    }
}

/// The outcome of [`LeanCapabilityPreflight::check`]: errors (the capability cannot load)
/// and warnings (it loads, with a limitation), each in check order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeanCapabilityPreflightReport {
    errors: Vec<LeanCapabilityCheck>,
    warnings: Vec<LeanCapabilityCheck>,
}

impl LeanCapabilityPreflightReport {
    fn from_findings(findings: Vec<LeanCapabilityCheck>) -> Self {
        let (errors, warnings) = findings
            .into_iter()
            .partition(|f| f.severity() == LeanFindingSeverity::Error);
        Self { errors, warnings }
    }

    /// Whether no check failed (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The first error, in check order.
    pub fn first_error(&self) -> Option<&LeanCapabilityCheck> {
        self.errors.first()
    }

    /// Every error, in check order.
    pub fn errors(&self) -> &[LeanCapabilityCheck] {
        &self.errors
    }

    /// Every warning, in check order.
    pub fn warnings(&self) -> &[LeanCapabilityCheck] {
        &self.warnings
    }
}

/// A description of a built capability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanBuiltCapability {
    source: Source,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    Manifest(PathBuf),
    Dylib {
        path: PathBuf,
        package: Option<String>,
        module: Option<String>,
        dependencies: Vec<LeanLibraryDependency>,
        exports: BTreeMap<String, ExportSignature>,
    },
}

impl LeanBuiltCapability {
    /// A capability described by the artifact manifest at `path` (the canonical handoff).
    pub fn manifest_path(path: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::Manifest(path.into()),
        }
    }

    /// A capability given directly by its dylib; name its package and module with
    /// [`package`](Self::package) and [`module`](Self::module).
    pub fn path(dylib: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::Dylib {
                path: dylib.into(),
                package: None,
                module: None,
                dependencies: Vec::new(),
                exports: BTreeMap::new(),
            },
        }
    }

    /// The Lake package (direct-dylib form only; ignored for manifests).
    #[must_use]
    pub fn package(mut self, package: impl Into<String>) -> Self {
        if let Source::Dylib { package: p, .. } = &mut self.source {
            *p = Some(package.into());
        }
        self
    }

    /// The Lean module to initialize (direct-dylib form only; ignored for manifests).
    #[must_use]
    pub fn module(mut self, module: impl Into<String>) -> Self {
        if let Source::Dylib { module: m, .. } = &mut self.source {
            *m = Some(module.into());
        }
        self
    }

    /// A dependency dylib to open first (direct-dylib form only; ignored for manifests).
    #[must_use]
    pub fn dependency(mut self, dependency: LeanLibraryDependency) -> Self {
        if let Source::Dylib { dependencies, .. } = &mut self.source {
            dependencies.push(dependency);
        }
        self
    }

    /// Records the C signature of export `symbol` (direct-dylib form only; ignored for
    /// manifests, which carry their own `exports`): safe typed lookups through the opened
    /// capability are checked against it.
    ///
    /// # Safety
    /// `signature` must be the prototype the Lean compiler emitted for `symbol` in this dylib
    /// (e.g. read with `lean_toolchain::lake::extract_exports`), with every object parameter
    /// consumed and the result owned: the safe [`LeanModule::exported`] trusts it as it
    /// trusts a manifest's `exports`, so a wrong one makes a later call undefined behaviour.
    #[must_use]
    #[allow(unsafe_code)] // an `unsafe` contract for the caller; the body has no unsafe operation
    pub unsafe fn export_signature(
        mut self,
        symbol: impl Into<String>,
        signature: ExportSignature,
    ) -> Self {
        if let Source::Dylib { exports, .. } = &mut self.source {
            exports.insert(symbol.into(), signature);
        }
        self
    }

    /// Reads and validates the description into a resolved manifest.
    fn resolve(&self) -> Result<CapabilityManifest, LeanCapabilityCheck> {
        match &self.source {
            Source::Manifest(path) => read_manifest(path),
            Source::Dylib {
                path,
                package,
                module,
                dependencies,
                exports,
            } => {
                let (Some(package), Some(module)) = (package, module) else {
                    return Err(LeanCapabilityCheck::new(
                        LeanLoaderCode::MalformedManifest,
                        format!(
                            "capability {} needs both a package and a module",
                            path.display()
                        ),
                    ));
                };
                let mut manifest = CapabilityManifest::new(package, module, path);
                manifest.dependencies = dependencies
                    .iter()
                    .map(|d| {
                        let (package, module) = d.initializer_names().unzip();
                        ManifestDependency {
                            dylib: d.file().to_path_buf(),
                            export_symbols: d.exports_symbols(),
                            package: package.map(str::to_owned),
                            module: module.map(str::to_owned),
                        }
                    })
                    .collect();
                manifest.exports = exports.clone();
                manifest.validate().map_err(|e| {
                    LeanCapabilityCheck::new(
                        LeanLoaderCode::MalformedManifest,
                        format!("capability {}: {e}", path.display()),
                    )
                })?;
                Ok(manifest)
            }
        }
    }

    fn manifest_file(&self) -> Option<&Path> {
        match &self.source {
            Source::Manifest(path) => Some(path),
            Source::Dylib { .. } => None,
        }
    }
}

fn read_manifest(path: &Path) -> Result<CapabilityManifest, LeanCapabilityCheck> {
    CapabilityManifest::load(path).map_err(|err| {
        let code = match err {
            CapabilityManifestError::Unreadable(_) => LeanLoaderCode::MissingManifest,
            CapabilityManifestError::UnsupportedSchema(_) => {
                LeanLoaderCode::UnsupportedManifestSchema
            }
            _ => LeanLoaderCode::MalformedManifest,
        };
        LeanCapabilityCheck::new(code, format!("manifest {}: {err}", path.display()))
    })
}

/// Doctor-style checks of a built capability, run without opening any library.
#[derive(Clone, Debug)]
pub struct LeanCapabilityPreflight {
    capability: LeanBuiltCapability,
}

impl LeanCapabilityPreflight {
    /// Prepares checks of `capability`.
    pub fn new(capability: LeanBuiltCapability) -> Self {
        Self { capability }
    }

    /// Runs every check and reports the failures, most fundamental first. Checks that depend
    /// on an earlier failed one (e.g. symbols of a missing file) are skipped.
    pub fn check(&self) -> LeanCapabilityPreflightReport {
        let mut findings = Vec::new();
        let manifest = match self.capability.resolve() {
            Ok(manifest) => manifest,
            Err(check) => {
                findings.push(check);
                return LeanCapabilityPreflightReport::from_findings(findings);
            }
        };
        check_manifest(&manifest, self.capability.manifest_file(), &mut findings);
        if manifest.exports.is_empty() {
            findings.push(LeanCapabilityCheck::new(
                LeanLoaderCode::MissingExportSignatures,
                "the manifest records no export signatures",
            ));
        }
        LeanCapabilityPreflightReport::from_findings(findings)
    }
}

fn check_manifest(
    manifest: &CapabilityManifest,
    manifest_file: Option<&Path>,
    errors: &mut Vec<LeanCapabilityCheck>,
) {
    let primary_present = manifest.dylib.is_file();
    if !primary_present {
        errors.push(LeanCapabilityCheck::new(
            LeanLoaderCode::MissingPrimaryDylib,
            format!("primary dylib {} is missing", manifest.dylib.display()),
        ));
    }
    let mut present_dependencies = Vec::new();
    for dep in &manifest.dependencies {
        if dep.dylib.is_file() {
            present_dependencies.push(dep.dylib.as_path());
        } else {
            errors.push(LeanCapabilityCheck::new(
                LeanLoaderCode::MissingTransitiveDependency,
                format!("dependency dylib {} is missing", dep.dylib.display()),
            ));
        }
    }
    let toolchain = manifest.toolchain.as_ref();
    if let Some(version) = toolchain.map(|t| &t.version) {
        let ours = lean_rs_sys::LEAN_RESOLVED_VERSION;
        if version != ours {
            errors.push(LeanCapabilityCheck::new(
                LeanLoaderCode::UnsupportedToolchainFingerprint,
                format!("capability was built with Lean {version}; this binary uses Lean {ours}"),
            ));
        }
    }
    if let (Some(commit), Some(ours)) = (
        toolchain.and_then(|t| t.commit.as_ref()),
        lean_rs_sys::LEAN_COMMIT,
    ) {
        if !ours.is_empty() && commit != ours {
            errors.push(LeanCapabilityCheck::new(
                LeanLoaderCode::UnsupportedToolchainFingerprint,
                format!(
                    "capability was built with Lean commit {commit}; this binary uses commit {ours}"
                ),
            ));
        }
    }
    if primary_present {
        if let Some(manifest_file) = manifest_file {
            if let (Ok(m), Ok(d)) = (modified(manifest_file), modified(&manifest.dylib)) {
                if m < d {
                    errors.push(LeanCapabilityCheck::new(
                        LeanLoaderCode::StaleManifest,
                        format!(
                            "manifest {} is older than {}",
                            manifest_file.display(),
                            manifest.dylib.display()
                        ),
                    ));
                }
            }
        }
    }
    check_symbols(manifest, primary_present, &present_dependencies, errors);
}

/// Architecture, then symbols: the primary's initializer and Lean imports, then which of those
/// imports the dependencies define.
fn check_symbols(
    manifest: &CapabilityManifest,
    primary_present: bool,
    present_dependencies: &[&Path],
    errors: &mut Vec<LeanCapabilityCheck>,
) {
    if !primary_present {
        for path in present_dependencies {
            if let Err(detail) = elf::SymbolTable::read(path, &HashSet::new()) {
                errors.push(LeanCapabilityCheck::new(
                    LeanLoaderCode::UnsupportedArchitecture,
                    detail,
                ));
            }
        }
        return;
    }
    let candidates = match naming::initializer_candidates(&manifest.package, &manifest.module) {
        Ok(candidates) => {
            let mut candidates = candidates.to_vec();
            if let Some(recorded) = &manifest.initializer {
                if !candidates.contains(recorded) {
                    candidates.insert(0, recorded.clone());
                }
            }
            candidates
        }
        Err(err) => {
            errors.push(LeanCapabilityCheck::new(
                LeanLoaderCode::MalformedManifest,
                err.message(),
            ));
            return;
        }
    };
    let primary = match elf::SymbolTable::read(
        &manifest.dylib,
        &candidates.iter().map(String::as_str).collect(),
    ) {
        Ok(table) => table,
        Err(detail) => {
            errors.push(LeanCapabilityCheck::new(
                LeanLoaderCode::UnsupportedArchitecture,
                detail,
            ));
            return;
        }
    };
    if !candidates.iter().any(|s| primary.defines(s)) {
        errors.push(LeanCapabilityCheck::new(
            LeanLoaderCode::MissingInitializer,
            format!(
                "{} exports none of {}",
                manifest.dylib.display(),
                candidates.join(", ")
            ),
        ));
    }
    // The C callback helpers are lean-rs's own: the running host supplies them (exported by
    // the binary, or the helper library `LeanRuntime::init` opens), not a dependency.
    let imports: HashSet<&str> = primary
        .lean_imports()
        .filter(|sym| !lean_toolchain::INTEROP_CALLBACK_HELPERS.contains(sym))
        .collect();
    let mut dependency_tables = Vec::new();
    for path in present_dependencies {
        match elf::SymbolTable::read(path, &imports) {
            Ok(table) => dependency_tables.push(table),
            Err(detail) => errors.push(LeanCapabilityCheck::new(
                LeanLoaderCode::UnsupportedArchitecture,
                detail,
            )),
        }
    }
    if dependency_tables.len() == manifest.dependencies.len() {
        let mut missing: Vec<&str> = imports
            .iter()
            .copied()
            .filter(|sym| !dependency_tables.iter().any(|t| t.defines(sym)))
            .collect();
        missing.sort_unstable();
        if !missing.is_empty() {
            errors.push(LeanCapabilityCheck::new(
                LeanLoaderCode::MissingImportedSymbol,
                format!(
                    "{} imports {} Lean symbol(s) no dependency defines, e.g. {}",
                    manifest.dylib.display(),
                    missing.len(),
                    missing[..missing.len().min(5)].join(", ")
                ),
            ));
        }
    }
}

fn modified(path: &Path) -> std::io::Result<std::time::SystemTime> {
    std::fs::metadata(path)?.modified()
}

/// An opened, manifest-described Lean capability: its dependency bundle and primary dylib,
/// kept loaded together.
#[derive(Debug)]
pub struct LeanCapability<'lean> {
    bundle: LeanLibraryBundle<'lean>,
    package: String,
    module: String,
    exports: BTreeMap<String, ExportSignature>,
}

impl<'lean> LeanCapability<'lean> {
    /// Opens the capability described by a build manifest. On failure the error (code
    /// `lean_rs.module_init`) names the failing loader code and its repair hint.
    #[allow(clippy::needless_pass_by_value)] // by value: the descriptor is consumed by design
    pub fn from_build_manifest(
        runtime: &'lean LeanRuntime,
        capability: LeanBuiltCapability,
    ) -> LeanResult<Self> {
        let manifest = capability.resolve().map_err(|check| loader_error(&check))?;
        Self::open_resolved(runtime, &capability, &manifest)
    }

    /// Opens a capability given by dylib path, package and module
    /// ([`LeanBuiltCapability::path`]); same behaviour as
    /// [`from_build_manifest`](Self::from_build_manifest).
    pub fn from_build_env(
        runtime: &'lean LeanRuntime,
        capability: LeanBuiltCapability,
    ) -> LeanResult<Self> {
        Self::from_build_manifest(runtime, capability)
    }

    fn open_resolved(
        runtime: &'lean LeanRuntime,
        capability: &LeanBuiltCapability,
        manifest: &CapabilityManifest,
    ) -> LeanResult<Self> {
        let dependencies = manifest.dependencies.iter().map(|dep| {
            let mut d = LeanLibraryDependency::path(&dep.dylib);
            if dep.export_symbols {
                d = d.export_symbols_for_dependents();
            }
            if let (Some(package), Some(module)) = (&dep.package, &dep.module) {
                d = d.initializer(package.clone(), module.clone());
            }
            d
        });
        let bundle =
            LeanLibraryBundle::open(runtime, &manifest.dylib, dependencies).map_err(|err| {
                // The preflight usually explains a failed open better than dlerror does.
                match LeanCapabilityPreflight::new(capability.clone())
                    .check()
                    .first_error()
                {
                    Some(check) => loader_error(check),
                    None => err,
                }
            })?;
        Ok(Self {
            bundle,
            package: manifest.package.clone(),
            module: manifest.module.clone(),
            exports: manifest.exports.clone(),
        })
    }

    /// The configured module, initialized on first call (later calls are cheap). Its safe
    /// typed lookups are checked against the manifest's `exports`.
    pub fn module(&self) -> LeanResult<LeanModule<'lean, '_>> {
        self.bundle
            .initialize_module(&self.package, &self.module)
            .map(|module| module.with_exports(&self.exports))
    }

    /// The export signatures the manifest recorded, by symbol.
    pub fn export_signatures(&self) -> &BTreeMap<String, ExportSignature> {
        &self.exports
    }

    /// The opened libraries.
    pub fn bundle(&self) -> &LeanLibraryBundle<'lean> {
        &self.bundle
    }

    /// The Lake package name.
    pub fn package(&self) -> &str {
        &self.package
    }

    /// The Lean module name.
    pub fn module_name(&self) -> &str {
        &self.module
    }
}

fn loader_error(check: &LeanCapabilityCheck) -> LeanError {
    LeanError::module_init(check.to_string())
}
