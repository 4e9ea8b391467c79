//! The host stack: [`LeanHost`] → [`LeanCapabilities`] → [`LeanSession`].

pub mod cancellation;
pub(crate) mod contract;
pub mod elaboration;
pub(crate) mod errors;
pub mod evidence;
pub mod meta;
pub mod pool;
pub mod process;
pub mod progress;
pub mod session;
pub(crate) mod stand_in;
#[doc(hidden)]
pub mod wire;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lean_rs::{
    LeanBuiltCapability, LeanCapability, LeanLibraryDependency, LeanModule, LeanResult, LeanRuntime,
};
use lean_toolchain::lake::NamingConvention;

pub use cancellation::LeanCancellationToken;
pub use contract::{HOST_SHIM_LIBRARY, HOST_SHIM_PACKAGE};
pub use pool::{PoolStats, PooledSession, SessionPool};
pub use progress::{LeanProgressEvent, LeanProgressSink};
pub use session::{LeanDeclarationFilter, LeanSession, LeanSourceRange, SessionStats};

use contract::{Contract, HostContract};

/// The bundled generic interop package the host shims require.
const INTEROP_SHIM_PACKAGE: &str = "lean_rs_interop_shims";
/// Its library (and root module).
const INTEROP_SHIM_LIBRARY: &str = "LeanRsInterop";

/// Environment variable naming a prebuilt host shim library, used when no library was set
/// with [`LeanHost::with_shim_library`].
pub const LEAN_RS_HOST_SHIMS_ENV: &str = "LEAN_RS_HOST_SHIMS";

/// Entry point of the host stack: where the Lean project's build outputs and sources are,
/// and which host shim library to load.
#[derive(Debug)]
pub struct LeanHost<'lean> {
    runtime: &'lean LeanRuntime,
    root: PathBuf,
    search_paths: Vec<PathBuf>,
    source_roots: Vec<PathBuf>,
    shim_library: Option<PathBuf>,
    shim_sources: PathBuf,
    lake: Option<PathBuf>,
}

impl<'lean> LeanHost<'lean> {
    /// A host over the Lake project at `path`: its `.lake/build/lib/lean` and those of its
    /// `.lake/packages/*` are the import search path, the project and package roots the
    /// source roots.
    ///
    /// # Errors
    /// `lean_rs.module_init` when `path` is not a directory.
    pub fn from_lake_project(
        runtime: &'lean LeanRuntime,
        path: impl AsRef<Path>,
    ) -> LeanResult<Self> {
        let root = path.as_ref().to_path_buf();
        if !root.is_dir() {
            return Err(errors::loader(format!(
                "lean-rs-host: Lake project {} is not a directory",
                root.display()
            )));
        }
        let mut search_paths = vec![root.join(".lake/build/lib/lean")];
        let mut source_roots = vec![root.clone()];
        if let Ok(entries) = std::fs::read_dir(root.join(".lake/packages")) {
            let mut packages: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            packages.sort();
            for package in packages {
                search_paths.push(package.join(".lake/build/lib/lean"));
                source_roots.push(package);
            }
        }
        Ok(Self {
            runtime,
            root,
            search_paths,
            source_roots,
            shim_library: None,
            shim_sources: Path::new(env!("CARGO_MANIFEST_DIR")).join("shims"),
            lake: None,
        })
    }

    /// Uses the host shim library at `dylib` (a prebuilt `LeanRsHostShims` shared library,
    /// or a stand-in with the same exports) instead of building the bundled package.
    #[must_use]
    pub fn with_shim_library(mut self, dylib: impl Into<PathBuf>) -> Self {
        self.shim_library = Some(dylib.into());
        self
    }

    /// Builds the shim packages from `dir` (holding `lean-rs-interop-shims/` and
    /// `lean-rs-host-shims/`) instead of the copies bundled with this crate.
    #[must_use]
    pub fn with_shim_sources(mut self, dir: impl Into<PathBuf>) -> Self {
        self.shim_sources = dir.into();
        self
    }

    /// Runs this `lake` to build the shim packages (default: the discovered toolchain's, else
    /// the one on `PATH`).
    #[must_use]
    pub fn with_lake_executable(mut self, lake: impl Into<PathBuf>) -> Self {
        self.lake = Some(lake.into());
        self
    }

    /// Adds an olean directory to the import search path (searched before the project's).
    #[must_use]
    pub fn with_search_path(mut self, dir: impl Into<PathBuf>) -> Self {
        self.search_paths.insert(0, dir.into());
        self
    }

    /// Adds a directory under which module sources are looked up for source ranges.
    #[must_use]
    pub fn with_source_root(mut self, dir: impl Into<PathBuf>) -> Self {
        self.source_roots.insert(0, dir.into());
        self
    }

    /// The runtime.
    pub fn runtime(&self) -> &'lean LeanRuntime {
        self.runtime
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Loads the host shims and the consumer library `lib_name` of Lake package `package`
    /// (`<root>/.lake/build/lib/lib<package>_<lib_name>.so`).
    ///
    /// # Errors
    /// One-line `lean_rs.module_init` errors naming the missing or stale file or symbols and
    /// the fix.
    pub fn load_capabilities(
        &self,
        package: &str,
        lib_name: &str,
    ) -> LeanResult<LeanCapabilities<'lean, '_>> {
        let file = NamingConvention::PackageQualified.dylib_file_name(package, lib_name);
        let dylib = self.root.join(".lake/build/lib").join(file);
        if !dylib.is_file() {
            return Err(errors::loader(format!(
                "lean-rs-host: capability library {} is missing; run `lake build {lib_name}:shared` in {}",
                dylib.display(),
                self.root.display()
            )));
        }
        let consumer = LeanCapability::from_build_manifest(
            self.runtime,
            LeanBuiltCapability::path(dylib)
                .package(package)
                .module(lib_name),
        )?;
        LeanCapabilities::open(self, Some(consumer))
    }

    /// Loads the host shims and the consumer library a capability manifest describes (as
    /// `lean-rs build-native` writes them).
    ///
    /// # Errors
    /// As [`load_capabilities`](Self::load_capabilities).
    pub fn load_capabilities_from_manifest(
        &self,
        manifest: impl Into<PathBuf>,
    ) -> LeanResult<LeanCapabilities<'lean, '_>> {
        let consumer = LeanCapability::from_build_manifest(
            self.runtime,
            LeanBuiltCapability::manifest_path(manifest),
        )?;
        LeanCapabilities::open(self, Some(consumer))
    }

    /// Loads the host shims alone (sessions import oleans; no consumer library is opened).
    ///
    /// # Errors
    /// As [`load_capabilities`](Self::load_capabilities).
    pub fn load_host_capabilities(&self) -> LeanResult<LeanCapabilities<'lean, '_>> {
        LeanCapabilities::open(self, None)
    }

    /// The shim library to open and the libraries to open before it: the explicit one,
    /// `$LEAN_RS_HOST_SHIMS` (both self-contained), or the bundled package built with Lake
    /// (needs a full toolchain), which needs the bundled generic interop package first.
    fn locate_shims(&self) -> LeanResult<(PathBuf, Vec<LeanLibraryDependency>)> {
        if let Some(path) = &self.shim_library {
            return Ok((path.clone(), Vec::new()));
        }
        if let Some(path) = std::env::var_os(LEAN_RS_HOST_SHIMS_ENV) {
            return Ok((PathBuf::from(path), Vec::new()));
        }
        let shims = &self.shim_sources;
        let build = |dir: &Path, lib: &str| {
            let mut target = lean_toolchain::lake::LakeTarget::new(dir, lib);
            if let Some(lake) = &self.lake {
                target = target.lake_executable(lake);
            }
            target
                .build_quiet()
                .map(|build| build.dylib)
                .map_err(|diag| {
                    errors::loader(format!(
                        "lean-rs-host: cannot build the bundled {lib} in {} ({}); install a full Lean toolchain or set {LEAN_RS_HOST_SHIMS_ENV}",
                        dir.display(),
                        first_line(&diag.to_string())
                    ))
                })
        };
        let interop = build(&shims.join("lean-rs-interop-shims"), INTEROP_SHIM_LIBRARY)?;
        let host = build(&shims.join("lean-rs-host-shims"), HOST_SHIM_LIBRARY)?;
        let mut dependencies = Vec::new();
        // The Lake-built libraries import Lean's compiled code from the runtime this crate
        // linked; recording it lets the loader's preflight account for those symbols.
        if let Some(sysroot) = lean_rs_sys::LEAN_SYSROOT {
            let ext = if cfg!(target_os = "macos") {
                "dylib"
            } else {
                "so"
            };
            let runtime = Path::new(sysroot).join(format!("lib/lean/libleanshared.{ext}"));
            if runtime.is_file() {
                dependencies
                    .push(LeanLibraryDependency::path(runtime).export_symbols_for_dependents());
            }
        }
        dependencies.push(
            LeanLibraryDependency::path(interop)
                .export_symbols_for_dependents()
                .initializer(INTEROP_SHIM_PACKAGE, INTEROP_SHIM_LIBRARY),
        );
        Ok((host, dependencies))
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// The opened host shims (and optionally a consumer capability library): the symbols a
/// session dispatches through.
pub struct LeanCapabilities<'lean, 'h> {
    host: &'h LeanHost<'lean>,
    shims: LeanCapability<'lean>,
    consumer: Option<LeanCapability<'lean>>,
    optional: BTreeSet<String>,
}

impl std::fmt::Debug for LeanCapabilities<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanCapabilities")
            .field("optional", &self.optional)
            .finish_non_exhaustive()
    }
}

impl<'lean, 'h> LeanCapabilities<'lean, 'h> {
    fn open(
        host: &'h LeanHost<'lean>,
        consumer: Option<LeanCapability<'lean>>,
    ) -> LeanResult<Self> {
        let _span =
            tracing::info_span!(target: "lean_rs_host", "lean_rs.host.load_capabilities").entered();
        let contract = HostContract::bundled().map_err(errors::internal)?;
        let (dylib, dependencies) = host.locate_shims()?;
        if !dylib.is_file() {
            return Err(errors::loader(format!(
                "lean-rs-host: host shim library {} is missing; build it (`lake build {HOST_SHIM_LIBRARY}:shared`) or point {LEAN_RS_HOST_SHIMS_ENV} at it",
                dylib.display()
            )));
        }
        let mut built = LeanBuiltCapability::path(&dylib)
            .package(HOST_SHIM_PACKAGE)
            .module(HOST_SHIM_LIBRARY);
        for dependency in dependencies {
            built = built.dependency(dependency);
        }
        for row in contract.rows() {
            // SAFETY: the rows are the bundled ABI table, which scripts/lean-check holds to the
            // prototypes the real Lean compiler emits for the shims (and the stand-in's test to
            // its declarations); every row's objects are owned (`borrowed` is empty).
            #[allow(unsafe_code)]
            let next = unsafe { built.export_signature(row.symbol.clone(), row.signature.clone()) };
            built = next;
        }
        let shims = LeanCapability::from_build_manifest(host.runtime, built)?;
        let library = shims.bundle().primary();
        let missing: Vec<&str> = contract
            .of(Contract::Mandatory)
            .filter(|row| !library.has_symbol(&row.symbol))
            .map(|row| row.symbol.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(errors::loader(format!(
                "lean-rs-host: host shim library {} lacks {} of the {} mandatory exports (e.g. {}): it is stale or not the host shims; rebuild {HOST_SHIM_LIBRARY}",
                dylib.display(),
                missing.len(),
                contract.of(Contract::Mandatory).count(),
                missing[..missing.len().min(3)].join(", ")
            )));
        }
        let optional = contract
            .of(Contract::Optional)
            .filter(|row| library.has_symbol(&row.symbol))
            .map(|row| row.symbol.clone())
            .collect();
        // Initialize the shim module now so a broken initializer fails the load, not a call.
        shims.module()?;
        tracing::debug!(target: "lean_rs_host", dylib = %dylib.display(), "host shims loaded");
        Ok(Self {
            host,
            shims,
            consumer,
            optional,
        })
    }

    /// The host.
    pub fn host(&self) -> &'h LeanHost<'lean> {
        self.host
    }

    /// Whether optional export `symbol` (e.g. `lean_rs_host_meta_pp_expr`) is present.
    pub fn supports(&self, symbol: &str) -> bool {
        self.optional.contains(symbol)
    }

    /// The consumer capability module, when one was loaded.
    ///
    /// # Errors
    /// `lean_rs.module_init` when none was loaded or its initializer fails.
    pub fn consumer_module(&self) -> LeanResult<LeanModule<'lean, '_>> {
        match &self.consumer {
            Some(c) => c.module(),
            None => Err(errors::loader(
                "lean-rs-host: no consumer capability library was loaded",
            )),
        }
    }

    pub(crate) fn shim_module(&self) -> LeanResult<LeanModule<'lean, '_>> {
        self.shims.module()
    }

    pub(crate) fn search_paths(&self) -> Vec<String> {
        self.host
            .search_paths
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    pub(crate) fn source_roots(&self) -> Vec<String> {
        self.host
            .source_roots
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    /// Imports `imports` into a new session.
    ///
    /// # Errors
    /// `lean_rs.cancelled` when `cancellation` is already cancelled; a Lean exception when the
    /// import fails (e.g. a missing or damaged `.olean`).
    pub fn session(
        &self,
        imports: &[&str],
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<LeanSession<'lean, '_>> {
        LeanSession::import(self, imports, cancellation, progress)
    }
}
