//! Building Lean packages natively without Lake: `lean` for oleans and C, `cc` for shared
//! libraries with Lake's names, and a capability manifest per library.
//!
//! This is what lets a machine with only a runtime sysroot (the real `lean` binary and
//! `libleanshared`, but no Lake and no `Init` oleans) compile Lean code of its own: packages
//! whose modules begin with `prelude`. It reuses the Lake pieces of this crate — lakefile
//! reading ([`Lakefile`]), module discovery ([`discover_lake_modules`]), Lake's library and
//! initializer naming ([`NamingConvention`]) and the capability manifest
//! ([`CapabilityManifest`]) — so a package built here loads exactly like a Lake-built one.
//!
//! Every step is cached by a digest of its inputs (sources, the imports' results, the
//! toolchain, the C header, the flags) and reported with its time; a Lean or C compiler
//! error fails the build with the tool's own message and the file it is about.

mod header;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::digest::{read_bounded, sha256_bytes, sha256_file};
use crate::lake::{
    CapabilityManifest, ExportSignature, LakeRequire, Lakefile, ManifestDependency,
    ManifestToolchain, NamingConvention, discover_lake_modules, export_signatures,
    extract_exports_from_file,
};
use crate::process::{RunError, run_bounded};
use crate::version::{LeanVersionReport, parse_version_line};

pub use header::LeanModuleHeader;
pub(crate) use header::parse_header;

/// The import-header reader on `text`: `(module, prelude, imports)`. The fuzz harness's
/// entry point; not public API.
#[doc(hidden)]
pub fn fuzz_parse_header(text: &str) -> Result<(bool, bool, Vec<String>), String> {
    parse_header(text).map(|h| (h.is_module, h.is_prelude, h.imports))
}

/// Where the project's own native builds go, relative to the project root
/// (`scripts/test` runs `lean-rs build-native --out .lean-rs/native`).
pub const LOCAL_NATIVE_DIR: &str = ".lean-rs/native";

/// Overrides where [`local_capability_manifest`] looks: a directory laid out like
/// `.lean-rs/native` (e.g. a build of changed fixtures made elsewhere).
pub const NATIVE_DIR_ENV: &str = "LEAN_RS_NATIVE_DIR";

/// Finds the capability manifest of library `lib` of package `package` in the nearest
/// `.lean-rs/native` at or above `start`, or only in `$LEAN_RS_NATIVE_DIR` when that is set.
/// The error is one line naming the build command.
pub fn local_capability_manifest(
    start: &Path,
    package: &str,
    lib: &str,
) -> Result<PathBuf, String> {
    let file = format!("{lib}.capability.json");
    if let Some(dir) = std::env::var_os(NATIVE_DIR_ENV) {
        let path = Path::new(&dir).join(package).join(&file);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "no {} ({NATIVE_DIR_ENV} is set): build it there with `cargo run -p lean-rs-cli -- build-native --include crates/lean-rs-sys/include --out <dir> --core-package lean-rs-prelude <package dir>`",
                path.display()
            ))
        };
    }
    let found = start
        .ancestors()
        .take(64)
        .map(|dir| dir.join(LOCAL_NATIVE_DIR).join(package).join(&file))
        .find(|path| path.is_file());
    found.ok_or_else(|| {
        format!(
            "no {LOCAL_NATIVE_DIR}/{package}/{file} at or above {}: build it first (scripts/test does; or `cargo run -p lean-rs-cli -- build-native --include crates/lean-rs-sys/include --out {LOCAL_NATIVE_DIR} --core-package lean-rs-prelude <package dir>`)",
            start.display()
        )
    })
}

/// How long one `lean` or `cc` run may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(600);
/// Output kept from one tool run.
const OUTPUT_LIMIT: u64 = 1024 * 1024;
/// Largest source file read.
pub(crate) const SOURCE_LIMIT: u64 = 16 * 1024 * 1024;
/// Largest C file read back (for the initializer check).
const C_LIMIT: u64 = 256 * 1024 * 1024;
/// Most lines of a tool's messages kept in an error.
const MESSAGE_LINES: usize = 12;
/// Deepest chain of `[[require]]`s followed.
const MAX_REQUIRE_DEPTH: usize = 32;

/// The C compiler flags every object is built with.
const CFLAGS: &[&str] = &[
    "-O2",
    "-fPIC",
    "-std=gnu11",
    "-fvisibility=hidden",
    "-Wno-unused-parameter",
    "-Wno-unused-label",
    "-Wno-unused-but-set-variable",
];

/// Why a native build failed. `Display` is one line naming the file and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NativeBuildError {
    /// The `lean` binary or the C compiler could not be run or identified.
    #[error("{tool}: {detail}")]
    Tool {
        /// The program.
        tool: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The package directory, lakefile or module set is unusable.
    #[error("{path}: {detail}")]
    Package {
        /// The file or directory at fault.
        path: PathBuf,
        /// What is wrong and what to do.
        detail: String,
    },
    /// A module imports something no package of the build provides.
    #[error(
        "{file}: imports `{import}`, which neither package `{package}` nor its [[require]]s provide; add the module or a [[require]] with a `path`"
    )]
    MissingImport {
        /// The importing file.
        file: PathBuf,
        /// The missing module.
        import: String,
        /// The package being built.
        package: String,
    },
    /// Lean rejected a module.
    #[error("{file}: Lean failed: {message}")]
    Lean {
        /// The module's source file.
        file: PathBuf,
        /// Lean's own messages (the first lines of the errors).
        message: String,
    },
    /// The C compiler rejected the emitted C.
    #[error(
        "{file}: the C compiler failed: {message} (the emitted C and the C header at {header} disagree: update the header for this Lean version)"
    )]
    CCompile {
        /// The emitted C file.
        file: PathBuf,
        /// The header directory used.
        header: PathBuf,
        /// The compiler's first error lines.
        message: String,
    },
    /// Linking the shared library failed.
    #[error("{library}: linking failed: {message}")]
    Link {
        /// The library being linked.
        library: PathBuf,
        /// The linker's first error lines.
        message: String,
    },
    /// The emitted C does not define the initializer its module name implies.
    #[error(
        "{file}: the emitted C defines {found} but module `{module}` of package `{package}` needs {expected}; build it with the package root as Lean's -R root (the module name comes from the path)"
    )]
    InitializerMismatch {
        /// The emitted C file.
        file: PathBuf,
        /// The module.
        module: String,
        /// The package.
        package: String,
        /// The names accepted.
        expected: String,
        /// What the C defines.
        found: String,
    },
    /// Reading or writing a build file failed.
    #[error("{path}: {detail}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        detail: String,
    },
}

impl NativeBuildError {
    /// A stable identifier for the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Tool { .. } => "native.tool",
            Self::Package { .. } => "native.package",
            Self::MissingImport { .. } => "native.missing_import",
            Self::Lean { .. } => "native.lean",
            Self::CCompile { .. } => "native.c_compile",
            Self::Link { .. } => "native.link",
            Self::InitializerMismatch { .. } => "native.initializer_mismatch",
            Self::Io { .. } => "native.io",
        }
    }
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> NativeBuildError {
    NativeBuildError::Io {
        path: path.to_path_buf(),
        detail: one_line(&e.to_string()),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first error lines of a tool's output (its errors first, else anything it said).
fn excerpt(stdout: &str, stderr: &str) -> String {
    let all: Vec<&str> = stdout
        .lines()
        .chain(stderr.lines())
        .filter(|l| !l.trim().is_empty())
        .collect();
    let errors: Vec<&str> = all
        .iter()
        .copied()
        .filter(|l| l.contains("error"))
        .collect();
    let chosen = if errors.is_empty() { all } else { errors };
    let mut text = chosen
        .iter()
        .take(MESSAGE_LINES)
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" | ");
    if chosen.len() > MESSAGE_LINES {
        let _ = write!(text, " | … ({} more lines)", chosen.len() - MESSAGE_LINES);
    }
    if text.is_empty() {
        "it exited unsuccessfully and printed nothing".to_owned()
    } else {
        text
    }
}

/// The tools a native build runs.
#[derive(Debug, Clone)]
pub struct NativeToolchain {
    /// The `lean` executable.
    pub lean: PathBuf,
    /// The directory holding `libleanshared`.
    pub lib_dir: PathBuf,
    /// The directory holding `lean/lean.h` for the emitted C.
    pub include_dir: PathBuf,
    /// The C compiler (default `cc`).
    pub cc: PathBuf,
    /// What `lean --version` reports.
    pub report: LeanVersionReport,
}

impl NativeToolchain {
    /// The tools of the sysroot at `sysroot` (`bin/lean`, `lib/lean`), compiling emitted C
    /// against the header in `include_dir`. Runs `lean --version` once.
    pub fn from_sysroot(sysroot: &Path, include_dir: &Path) -> Result<Self, NativeBuildError> {
        let lean = sysroot.join("bin").join("lean");
        let lib_dir = sysroot.join("lib").join("lean");
        if !include_dir.join("lean").join("lean.h").is_file() {
            return Err(NativeBuildError::Package {
                path: include_dir.to_path_buf(),
                detail: "no lean/lean.h here; pass the directory that holds lean/lean.h".into(),
            });
        }
        let out = run_bounded(
            &lean,
            ["--version"],
            None,
            &[],
            Duration::from_secs(60),
            4096,
        )
        .map_err(|e| NativeBuildError::Tool {
            tool: lean.clone(),
            detail: e.to_string(),
        })?;
        let report = parse_version_line(out.stdout.trim()).map_err(|e| NativeBuildError::Tool {
            tool: lean.clone(),
            detail: format!("cannot read its version line: {e}"),
        })?;
        Ok(Self {
            lean,
            lib_dir,
            include_dir: include_dir.to_path_buf(),
            cc: PathBuf::from("cc"),
            report,
        })
    }

    /// The naming scheme Lake uses for this Lean version.
    pub fn naming(&self) -> NamingConvention {
        NamingConvention::for_version(&self.report.version)
    }
}

/// One finished build step, for progress reports.
#[derive(Debug, Clone)]
pub struct NativeStep {
    /// The package.
    pub package: String,
    /// The module or library the step is about.
    pub subject: String,
    /// `lean`, `cc`, `link` or `manifest`.
    pub action: &'static str,
    /// Whether the cached result was reused.
    pub cached: bool,
    /// How long it took.
    pub elapsed: Duration,
}

/// A library a native build produced.
#[derive(Debug, Clone)]
pub struct NativeLibrary {
    /// The `lean_lib` name.
    pub name: String,
    /// The shared library, named as Lake names it.
    pub dylib: PathBuf,
    /// Its capability manifest.
    pub manifest: PathBuf,
    /// Its root module (the one the manifest initializes).
    pub root_module: String,
    /// Every module it contains, in build order.
    pub modules: Vec<String>,
}

/// A package a native build produced.
#[derive(Debug, Clone)]
pub struct NativePackage {
    /// The package name.
    pub name: String,
    /// Its source directory.
    pub root: PathBuf,
    /// Where its outputs are.
    pub out_dir: PathBuf,
    /// The directory to put on `LEAN_PATH` to import its modules.
    pub olean_dir: PathBuf,
    /// Its libraries.
    pub libraries: Vec<NativeLibrary>,
    /// The packages it requires, directly or not, in build order.
    pub requires: Vec<String>,
}

/// What a cached step recorded: the input key and the digests of its outputs.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Stamp {
    key: String,
    outputs: BTreeMap<String, String>,
}

/// Builds packages under one output root. Packages are built once per builder, their
/// requirements first.
pub struct NativeBuilder {
    toolchain: NativeToolchain,
    out_root: PathBuf,
    header_digest: String,
    built: BTreeMap<PathBuf, NativePackage>,
    core_packages: BTreeSet<String>,
    progress: Option<ProgressSink>,
}

/// Where finished steps are reported.
type ProgressSink = Box<dyn FnMut(&NativeStep)>;

impl std::fmt::Debug for NativeBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeBuilder")
            .field("toolchain", &self.toolchain)
            .field("out_root", &self.out_root)
            .finish_non_exhaustive()
    }
}

struct ModulePlan {
    name: String,
    file: PathBuf,
    source_root: PathBuf,
    lib: String,
    header: LeanModuleHeader,
    source_digest: String,
}

impl NativeBuilder {
    /// A builder writing under `out_root` (one directory per package).
    pub fn new(
        toolchain: NativeToolchain,
        out_root: impl Into<PathBuf>,
    ) -> Result<Self, NativeBuildError> {
        let header = toolchain.include_dir.join("lean").join("lean.h");
        let header_digest = sha256_file(&header).map_err(|e| io_error(&header, e))?;
        // Absolute, so manifests, stamps and rpaths do not depend on the working directory.
        let out_root = out_root.into();
        std::fs::create_dir_all(&out_root).map_err(|e| io_error(&out_root, e))?;
        let out_root = out_root
            .canonicalize()
            .map_err(|e| io_error(&out_root, e))?;
        Ok(Self {
            toolchain,
            out_root,
            header_digest,
            built: BTreeMap::new(),
            core_packages: BTreeSet::new(),
            progress: None,
        })
    }

    /// Builds `package` the way Lean's own core libraries are built: without a package name,
    /// so its initializers are `initialize_<Module>` and its compiled names are the plain
    /// `l_…` names. For a package that stands in for `Init` (a mini prelude): Lean's
    /// interpreter finds compiled code by those plain names, which libleanshared exports.
    /// Every other package is built with its name (Lean's `--setup`), as Lake does, which
    /// gives Lake's package-qualified initializer names.
    #[must_use]
    pub fn core_package(mut self, package: impl Into<String>) -> Self {
        self.core_packages.insert(package.into());
        self
    }

    /// Reports every finished step to `sink`.
    #[must_use]
    pub fn on_step(mut self, sink: impl FnMut(&NativeStep) + 'static) -> Self {
        self.progress = Some(Box::new(sink));
        self
    }

    /// The toolchain in use.
    pub fn toolchain(&self) -> &NativeToolchain {
        &self.toolchain
    }

    /// Builds the package at `root` and, first, every package it `[[require]]`s.
    pub fn build(&mut self, root: &Path) -> Result<NativePackage, NativeBuildError> {
        self.build_at_depth(root, 0)
    }

    fn build_at_depth(
        &mut self,
        root: &Path,
        depth: usize,
    ) -> Result<NativePackage, NativeBuildError> {
        let root = root.canonicalize().map_err(|e| NativeBuildError::Package {
            path: root.to_path_buf(),
            detail: format!("cannot open the package directory: {e}"),
        })?;
        if let Some(done) = self.built.get(&root) {
            return Ok(done.clone());
        }
        if depth > MAX_REQUIRE_DEPTH {
            return Err(NativeBuildError::Package {
                path: root,
                detail: "the [[require]] chain is too deep (a cycle?)".into(),
            });
        }
        let lakefile = Lakefile::load(&root)
            .map_err(|(path, detail)| NativeBuildError::Package { path, detail })?
            .ok_or_else(|| NativeBuildError::Package {
                path: root.clone(),
                detail: "no lakefile.toml or lakefile.lean here".into(),
            })?;
        let package = lakefile
            .package
            .clone()
            .ok_or_else(|| NativeBuildError::Package {
                path: lakefile.path.clone(),
                detail: "the lakefile declares no package name".into(),
            })?;
        let mut deps: Vec<NativePackage> = Vec::new();
        for LakeRequire { name, path } in &lakefile.requires {
            let dep = self.build_at_depth(&root.join(path), depth + 1)?;
            if &dep.name != name {
                return Err(NativeBuildError::Package {
                    path: lakefile.path.clone(),
                    detail: format!(
                        "[[require]] `{name}` points at {}, which is package `{}`",
                        path.display(),
                        dep.name
                    ),
                });
            }
            deps.push(dep);
        }
        let built = self.build_package(&root, &lakefile, &package, &deps)?;
        self.built.insert(root, built.clone());
        Ok(built)
    }

    fn report(
        &mut self,
        package: &str,
        subject: &str,
        action: &'static str,
        cached: bool,
        t0: Instant,
    ) {
        if let Some(sink) = self.progress.as_mut() {
            sink(&NativeStep {
                package: package.to_owned(),
                subject: subject.to_owned(),
                action,
                cached,
                elapsed: t0.elapsed(),
            });
        }
    }

    #[allow(clippy::too_many_lines)]
    fn build_package(
        &mut self,
        root: &Path,
        lakefile: &Lakefile,
        package: &str,
        deps: &[NativePackage],
    ) -> Result<NativePackage, NativeBuildError> {
        let set = discover_lake_modules(root, None).map_err(|d| NativeBuildError::Package {
            path: root.to_path_buf(),
            detail: d.to_string(),
        })?;
        let out_dir = self.out_root.join(package);
        let olean_dir = out_dir.join("olean");
        let c_dir = out_dir.join("c");
        let obj_dir = out_dir.join("obj");
        let lib_dir = out_dir.join("lib");
        let stamp_dir = out_dir.join("stamps");
        for dir in [&olean_dir, &c_dir, &obj_dir, &lib_dir, &stamp_dir] {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }

        // Everything importable: this package's modules and every required package's.
        let mut plans: BTreeMap<String, ModulePlan> = BTreeMap::new();
        for m in &set.modules {
            let bytes = read_bounded(&m.source_path, SOURCE_LIMIT)
                .map_err(|e| io_error(&m.source_path, e))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| io_error(&m.source_path, "it is not UTF-8"))?;
            let header = parse_header(&text).map_err(|detail| NativeBuildError::Package {
                path: m.source_path.clone(),
                detail: format!("cannot read the import header: {detail}"),
            })?;
            plans.insert(
                m.name.clone(),
                ModulePlan {
                    name: m.name.clone(),
                    file: m.source_path.clone(),
                    source_root: m.source_root.clone(),
                    lib: m.lib.clone(),
                    source_digest: sha256_bytes(text.as_bytes()),
                    header,
                },
            );
        }
        let mut dep_keys: BTreeMap<String, String> = BTreeMap::new();
        for dep in deps {
            let stamps = self.out_root.join(&dep.name).join("stamps");
            for lib in &dep.libraries {
                for module in &lib.modules {
                    let key = read_stamp(&stamps.join(format!("{module}.lean.json")))
                        .map(|s| s.key)
                        .unwrap_or_default();
                    dep_keys.insert(module.clone(), key);
                }
            }
        }
        let order = topo_order(&plans, &dep_keys, package)?;

        let mut lean_path: Vec<PathBuf> = vec![olean_dir.clone()];
        let mut requires: Vec<String> = Vec::new();
        for dep in deps {
            for name in dep.requires.iter().chain(std::iter::once(&dep.name)) {
                if !requires.contains(name) {
                    requires.push(name.clone());
                    lean_path.push(self.out_root.join(name).join("olean"));
                }
            }
        }
        let lean_path_os = std::env::join_paths(&lean_path).map_err(|e| io_error(&olean_dir, e))?;

        let naming = self.toolchain.naming();
        let toolchain_line = format!(
            "{}.{}.{} {}",
            self.toolchain.report.version.major,
            self.toolchain.report.version.minor,
            self.toolchain.report.version.patch,
            self.toolchain.report.commit
        );
        let setup_package = (!self.core_packages.contains(package)).then_some(package);
        let mut keys: BTreeMap<String, String> = dep_keys;
        let mut objects: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        let mut initializers: BTreeMap<String, (String, NamingConvention)> = BTreeMap::new();
        let mut exports: BTreeMap<String, BTreeMap<String, ExportSignature>> = BTreeMap::new();
        for name in &order {
            let plan = &plans[name];
            let rel = module_rel_path(name);
            let olean = olean_dir.join(rel.with_extension("olean"));
            let ilean = olean_dir.join(rel.with_extension("ilean"));
            let c_file = c_dir.join(rel.with_extension("c"));
            let mut key_text = format!(
                "lean {toolchain_line}\nsource {}\nname {name}\npackage {}\n",
                plan.source_digest,
                setup_package.unwrap_or("")
            );
            for import in &plan.header.imports {
                let _ = writeln!(
                    key_text,
                    "import {import} {}",
                    keys.get(import).map_or("", String::as_str)
                );
            }
            let key = sha256_bytes(key_text.as_bytes());
            let stamp_path = stamp_dir.join(format!("{name}.lean.json"));
            let t0 = Instant::now();
            let cached = stamp_matches(&stamp_path, &key);
            if !cached {
                for file in [&olean, &c_file] {
                    if let Some(parent) = file.parent() {
                        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
                    }
                }
                let setup_file = stamp_dir.join(format!("{name}.setup.json"));
                let setup_arg = match setup_package {
                    Some(pkg) => {
                        write_setup(&setup_file, name, pkg)?;
                        Some(format!("--setup={}", setup_file.display()))
                    }
                    None => None,
                };
                let mut args: Vec<&OsStr> = setup_arg.iter().map(OsStr::new).collect();
                args.extend([
                    OsStr::new("-R"),
                    plan.source_root.as_os_str(),
                    OsStr::new("-o"),
                    olean.as_os_str(),
                    OsStr::new("-i"),
                    ilean.as_os_str(),
                    OsStr::new("-c"),
                    c_file.as_os_str(),
                    plan.file.as_os_str(),
                ]);
                let out = run_bounded(
                    &self.toolchain.lean,
                    args,
                    Some(root),
                    &[("LEAN_PATH", lean_path_os.as_os_str())],
                    STEP_TIMEOUT,
                    OUTPUT_LIMIT,
                )
                .map_err(|e| tool_error(&self.toolchain.lean, &e))?;
                let has_error = out.stdout.lines().any(|l| l.contains(": error"));
                if !out.status.success() || has_error {
                    return Err(NativeBuildError::Lean {
                        file: plan.file.clone(),
                        message: excerpt(&out.stdout, &out.stderr),
                    });
                }
                write_stamp(&stamp_path, &key, &[&olean, &c_file])?;
            }
            self.report(package, name, "lean", cached, t0);
            keys.insert(name.clone(), key.clone());

            let convention = if setup_package.is_some() {
                naming
            } else {
                NamingConvention::Unqualified
            };
            let initializer = check_initializer(&c_file, package, name, convention)?;
            initializers.insert(name.clone(), initializer);
            // The compiler's own prototypes, recorded so typed lookups can be checked.
            let emitted = extract_exports_from_file(&c_file).map_err(|e| io_error(&c_file, e))?;
            exports
                .entry(plan.lib.clone())
                .or_default()
                .extend(export_signatures(&emitted));

            let obj = obj_dir.join(rel.with_extension("o"));
            let c_digest = sha256_file(&c_file).map_err(|e| io_error(&c_file, e))?;
            let obj_key = sha256_bytes(
                format!(
                    "c {c_digest}\nheader {}\nflags {}\n",
                    self.header_digest,
                    CFLAGS.join(" ")
                )
                .as_bytes(),
            );
            let obj_stamp = stamp_dir.join(format!("{name}.cc.json"));
            let t0 = Instant::now();
            let cached = stamp_matches(&obj_stamp, &obj_key);
            if !cached {
                if let Some(parent) = obj.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
                }
                let mut args: Vec<&OsStr> = CFLAGS.iter().map(OsStr::new).collect();
                let include = format!("-I{}", self.toolchain.include_dir.display());
                args.extend([
                    OsStr::new(&include),
                    OsStr::new("-c"),
                    c_file.as_os_str(),
                    OsStr::new("-o"),
                    obj.as_os_str(),
                ]);
                let out = run_bounded(
                    &self.toolchain.cc,
                    args,
                    None,
                    &[],
                    STEP_TIMEOUT,
                    OUTPUT_LIMIT,
                )
                .map_err(|e| tool_error(&self.toolchain.cc, &e))?;
                if !out.status.success() {
                    return Err(NativeBuildError::CCompile {
                        file: c_file.clone(),
                        header: self.toolchain.include_dir.clone(),
                        message: excerpt(&out.stdout, &out.stderr),
                    });
                }
                write_stamp(&obj_stamp, &obj_key, &[&obj])?;
            }
            self.report(package, name, "cc", cached, t0);
            objects.entry(plan.lib.clone()).or_default().push(obj);
        }

        let mut libraries = Vec::new();
        for decl in &lakefile.libs {
            let Some(objs) = objects.get(&decl.name) else {
                continue;
            };
            let dylib = lib_dir.join(naming.dylib_file_name(package, decl.artifact_name()));
            let root_module = decl
                .roots
                .first()
                .cloned()
                .unwrap_or_else(|| decl.name.clone());
            let modules: Vec<String> = order
                .iter()
                .filter(|m| plans[*m].lib == decl.name)
                .cloned()
                .collect();
            // Libraries of required packages, linked by path (they are opened first at run
            // time, from the manifest's dependencies).
            let dep_dylibs: Vec<PathBuf> = deps
                .iter()
                .flat_map(|d| self.built_transitively(d))
                .collect();
            let mut link_key = format!("link {}\n", self.toolchain.report.commit);
            for obj in objs {
                let _ = writeln!(
                    link_key,
                    "obj {}",
                    sha256_file(obj).map_err(|e| io_error(obj, e))?
                );
            }
            for d in &dep_dylibs {
                let _ = writeln!(link_key, "dep {}", d.display());
            }
            let link_key = sha256_bytes(link_key.as_bytes());
            let link_stamp = stamp_dir.join(format!("{}.link.json", decl.name));
            let t0 = Instant::now();
            let cached = stamp_matches(&link_stamp, &link_key);
            if !cached {
                self.link(&dylib, objs, &dep_dylibs)?;
                write_stamp(&link_stamp, &link_key, &[&dylib])?;
            }
            self.report(package, &decl.name, "link", cached, t0);

            let t0 = Instant::now();
            let (initializer, convention) =
                initializers.get(&root_module).cloned().ok_or_else(|| {
                    NativeBuildError::Package {
                        path: lakefile.path.clone(),
                        detail: format!(
                            "library `{}` has no root module `{root_module}`",
                            decl.name
                        ),
                    }
                })?;
            let mut manifest = CapabilityManifest::new(package, &root_module, &dylib);
            // The runtime first (as Lake-built manifests record it), then required packages.
            let runtime = self.toolchain.lib_dir.join(crate::runtime_library_name());
            manifest.dependencies = std::iter::once(&runtime)
                .chain(&dep_dylibs)
                .map(ManifestDependency::global)
                .collect();
            manifest.toolchain = Some(ManifestToolchain {
                version: format!(
                    "{}.{}.{}",
                    self.toolchain.report.version.major,
                    self.toolchain.report.version.minor,
                    self.toolchain.report.version.patch
                ),
                commit: Some(self.toolchain.report.commit.clone()),
                kind: None,
                platform: self.toolchain.report.platform.clone(),
                header_digest: None,
            });
            manifest.target = Some(decl.name.clone());
            manifest.initializer = Some(initializer);
            manifest.naming = Some(convention);
            manifest.search_roots = vec![lib_dir.clone(), self.toolchain.lib_dir.clone()];
            manifest.cache_key = Some(link_key);
            manifest.exports = exports.remove(&decl.name).unwrap_or_default();
            let manifest_path = out_dir.join(format!("{}.capability.json", decl.name));
            let json = manifest
                .to_json()
                .map_err(|e| io_error(&manifest_path, e))?;
            std::fs::write(&manifest_path, json).map_err(|e| io_error(&manifest_path, e))?;
            self.report(package, &decl.name, "manifest", false, t0);
            libraries.push(NativeLibrary {
                name: decl.name.clone(),
                dylib,
                manifest: manifest_path,
                root_module,
                modules,
            });
        }
        Ok(NativePackage {
            name: package.to_owned(),
            root: root.to_path_buf(),
            out_dir,
            olean_dir,
            libraries,
            requires,
        })
    }

    /// The dylibs of `package` and of everything it requires, requirements first.
    fn built_transitively(&self, package: &NativePackage) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for name in &package.requires {
            if let Some(dep) = self.built.values().find(|p| &p.name == name) {
                out.extend(dep.libraries.iter().map(|l| l.dylib.clone()));
            }
        }
        out.extend(package.libraries.iter().map(|l| l.dylib.clone()));
        out
    }

    fn link(
        &self,
        dylib: &Path,
        objs: &[PathBuf],
        deps: &[PathBuf],
    ) -> Result<(), NativeBuildError> {
        let mut args: Vec<std::ffi::OsString> = vec!["-shared".into(), "-o".into(), dylib.into()];
        args.extend(objs.iter().map(Into::into));
        args.extend(deps.iter().map(Into::into));
        args.push(format!("-L{}", self.toolchain.lib_dir.display()).into());
        args.push("-lleanshared".into());
        // Our compiled code calls its own definitions even where libleanshared exports a
        // function of the same name (many compiled names coincide with Init's).
        args.push("-Wl,-Bsymbolic".into());
        let mut rpath: Vec<String> = vec![self.toolchain.lib_dir.display().to_string()];
        rpath.extend(
            deps.iter()
                .filter_map(|d| d.parent().map(|p| p.display().to_string())),
        );
        rpath.dedup();
        args.push(format!("-Wl,-rpath,{}", rpath.join(":")).into());
        let out = run_bounded(
            &self.toolchain.cc,
            &args,
            None,
            &[],
            STEP_TIMEOUT,
            OUTPUT_LIMIT,
        )
        .map_err(|e| tool_error(&self.toolchain.cc, &e))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(NativeBuildError::Link {
                library: dylib.to_path_buf(),
                message: excerpt(&out.stdout, &out.stderr),
            })
        }
    }
}

fn tool_error(tool: &Path, e: &RunError) -> NativeBuildError {
    NativeBuildError::Tool {
        tool: tool.to_path_buf(),
        detail: e.to_string(),
    }
}

/// `A.B.C` → `A/B/C` (the extension is set by the caller).
fn module_rel_path(module: &str) -> PathBuf {
    module.split('.').collect()
}

/// Orders `plans` so every module comes after its in-package imports; an import that is
/// neither in the package nor in `external` (the required packages' modules) is an error.
fn topo_order(
    plans: &BTreeMap<String, ModulePlan>,
    external: &BTreeMap<String, String>,
    package: &str,
) -> Result<Vec<String>, NativeBuildError> {
    for plan in plans.values() {
        for import in &plan.header.imports {
            if !plans.contains_key(import) && !external.contains_key(import) {
                return Err(NativeBuildError::MissingImport {
                    file: plan.file.clone(),
                    import: import.clone(),
                    package: package.to_owned(),
                });
            }
        }
    }
    let mut order = Vec::with_capacity(plans.len());
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut visiting: BTreeSet<&str> = BTreeSet::new();
    for name in plans.keys() {
        visit(name, plans, &mut done, &mut visiting, &mut order)?;
    }
    Ok(order)
}

/// Depth-first visit for [`topo_order`]: imports first, cycles refused.
fn visit<'a>(
    name: &'a str,
    plans: &'a BTreeMap<String, ModulePlan>,
    done: &mut BTreeSet<&'a str>,
    visiting: &mut BTreeSet<&'a str>,
    order: &mut Vec<String>,
) -> Result<(), NativeBuildError> {
    if done.contains(name) {
        return Ok(());
    }
    let Some(plan) = plans.get(name) else {
        return Ok(()); // an external module
    };
    if !visiting.insert(name) {
        return Err(NativeBuildError::Package {
            path: plan.file.clone(),
            detail: format!("`{name}` is part of an import cycle"),
        });
    }
    for import in &plan.header.imports {
        visit(import, plans, done, visiting, order)?;
    }
    visiting.remove(name);
    done.insert(name);
    order.push(plan.name.clone());
    Ok(())
}

/// Finds the module initializer the emitted C defines and checks it against the names Lake
/// would give `module` of `package`.
fn check_initializer(
    c_file: &Path,
    package: &str,
    module: &str,
    convention: NamingConvention,
) -> Result<(String, NamingConvention), NativeBuildError> {
    let bytes = read_bounded(c_file, C_LIMIT).map_err(|e| io_error(c_file, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let defined: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("LEAN_EXPORT lean_object* "))
        .filter_map(|l| l.split_once('(').map(|(name, _)| name.trim()))
        .filter(|name| name.starts_with("initialize_"))
        .collect();
    let want = convention.initializer_symbol(package, module);
    if defined.contains(&want.as_str()) {
        return Ok((want, convention));
    }
    Err(NativeBuildError::InitializerMismatch {
        file: c_file.to_path_buf(),
        module: module.to_owned(),
        package: package.to_owned(),
        expected: want,
        found: if defined.is_empty() {
            "no initializer".to_owned()
        } else {
            defined.join(", ")
        },
    })
}

/// Writes the `--setup` file that gives `module` its package (Lean 4.35 requires every key).
fn write_setup(path: &Path, module: &str, package: &str) -> Result<(), NativeBuildError> {
    let setup = serde_json::json!({
        "name": module,
        "package": package,
        "isModule": false,
        "importArts": {},
        "dynlibs": [],
        "plugins": [],
        "options": {},
    });
    let bytes = serde_json::to_vec_pretty(&setup).map_err(|e| io_error(path, e))?;
    std::fs::write(path, bytes).map_err(|e| io_error(path, e))
}

fn read_stamp(path: &Path) -> Option<Stamp> {
    let bytes = read_bounded(path, 1024 * 1024).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Whether the stamp at `path` has `key` and every output it lists is still intact.
fn stamp_matches(path: &Path, key: &str) -> bool {
    let Some(stamp) = read_stamp(path) else {
        return false;
    };
    stamp.key == key
        && stamp
            .outputs
            .iter()
            .all(|(file, digest)| sha256_file(Path::new(file)).is_ok_and(|d| &d == digest))
}

fn write_stamp(path: &Path, key: &str, outputs: &[&PathBuf]) -> Result<(), NativeBuildError> {
    let mut digests = BTreeMap::new();
    for file in outputs {
        let digest = sha256_file(file).map_err(|e| io_error(file, e))?;
        digests.insert(file.display().to_string(), digest);
    }
    let stamp = Stamp {
        key: key.to_owned(),
        outputs: digests,
    };
    let json = serde_json::to_vec_pretty(&stamp).map_err(|e| io_error(path, e))?;
    std::fs::write(path, json).map_err(|e| io_error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_prefers_error_lines_and_bounds_them() {
        let out = "a.lean:1:0: warning: w\na.lean:2:0: error: bad\n";
        assert_eq!(excerpt(out, ""), "a.lean:2:0: error: bad");
        let many = (0..40).fold(String::new(), |mut acc, i| {
            let _ = writeln!(acc, "x.lean:{i}:0: error: e{i}");
            acc
        });
        let text = excerpt(&many, "");
        assert!(text.contains("(28 more lines)"), "{text}");
        assert_eq!(
            excerpt("", ""),
            "it exited unsuccessfully and printed nothing"
        );
    }

    #[test]
    fn an_initializer_for_another_module_is_a_mismatch_naming_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("Stale.c");
        std::fs::write(
            &c,
            "LEAN_EXPORT lean_object* initialize_Other_Module(uint8_t builtin) {\n",
        )
        .unwrap();
        let err = check_initializer(
            &c,
            "my-pkg",
            "My.Module",
            NamingConvention::PackageQualified,
        )
        .unwrap_err();
        assert_eq!(err.code(), "native.initializer_mismatch");
        let line = err.to_string();
        assert!(line.contains("initialize_my_x2dpkg_My_Module"), "{line}");
        assert!(line.contains("initialize_Other_Module"), "{line}");
        assert!(line.contains("-R root"), "{line}");
        std::fs::write(&c, "int main(void) { return 0; }\n").unwrap();
        let err = check_initializer(&c, "my-pkg", "My.Module", NamingConvention::Unqualified)
            .unwrap_err();
        assert!(err.to_string().contains("defines no initializer"), "{err}");
        let good = "LEAN_EXPORT lean_object* initialize_My_Module(uint8_t builtin) {\n";
        std::fs::write(&c, good).unwrap();
        let (name, convention) =
            check_initializer(&c, "my-pkg", "My.Module", NamingConvention::Unqualified).unwrap();
        assert_eq!(
            (name.as_str(), convention),
            ("initialize_My_Module", NamingConvention::Unqualified)
        );
    }

    #[test]
    fn module_paths_follow_the_dotted_name() {
        assert_eq!(module_rel_path("A.B.C"), PathBuf::from("A/B/C"));
    }
}
