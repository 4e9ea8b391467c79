//! `lake build <target>:shared` with a project-local cache and typed diagnostics.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::lakefile::Lakefile;
use super::names::{NamingConvention, validate_module_name, validate_package_name};
use crate::diagnostics::{LinkDiagnostics, one_line};
use crate::digest::{hex, list_files, read_bounded, sha256_file};
use crate::fingerprint::{SysrootKind, ToolchainFingerprint, exe};
use crate::process::{RunError, run_bounded};

/// Where the helper keeps its cache records, inside Lake's own output directory.
pub(crate) const CACHE_DIR: &str = ".lake/lean-rs-cache";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3600);
const LAKE_OUTPUT_LIMIT: u64 = 64 * 1024;
const CACHE_RECORD_SCHEMA: u32 = 1;

/// A successful (or cached) Lake shared-library build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LakeBuild {
    /// The Lake project root.
    pub lake_root: PathBuf,
    /// The `lean_lib` target.
    pub target: String,
    /// The package name, when known.
    pub package: Option<String>,
    /// The library's artifact base name.
    pub lib_name: String,
    /// The built shared library.
    pub dylib: PathBuf,
    /// Which naming scheme the dylib follows.
    pub convention: NamingConvention,
    /// The cache key this build was recorded under.
    pub cache_key: String,
    /// True when the cached dylib was reused without running Lake.
    pub cache_hit: bool,
    /// Files whose change invalidates the build (for `cargo:rerun-if-changed`).
    pub scanned: Vec<PathBuf>,
}

impl LakeBuild {
    /// The initializer symbol of `module` in this dylib.
    pub fn initializer_symbol(&self, module: &str) -> String {
        self.convention
            .initializer_symbol(self.package.as_deref().unwrap_or(""), module)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CacheRecord {
    schema: u32,
    key: String,
    dylib: PathBuf,
    convention: NamingConvention,
}

/// Builds one Lake `lean_lib` as a shared library; the builder form of
/// [`build_lake_target`] for callers that pick the `lake` executable or toolchain.
#[derive(Debug, Clone)]
pub struct LakeTarget {
    pub(super) root: PathBuf,
    pub(super) target: String,
    package: Option<String>,
    lake: Option<PathBuf>,
    pub(super) toolchain: Option<ToolchainFingerprint>,
    timeout: Duration,
}

impl LakeTarget {
    /// Target `target` of the Lake project at `root`.
    pub fn new(root: impl Into<PathBuf>, target: impl Into<String>) -> Self {
        Self {
            root: root.into(),
            target: target.into(),
            package: None,
            lake: None,
            toolchain: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Overrides the package name read from the lakefile.
    #[must_use]
    pub fn package(mut self, package: impl Into<String>) -> Self {
        self.package = Some(package.into());
        self
    }

    /// Uses this `lake` executable instead of the toolchain's or the one on `PATH`.
    #[must_use]
    pub fn lake_executable(mut self, lake: impl Into<PathBuf>) -> Self {
        self.lake = Some(lake.into());
        self
    }

    /// Uses this toolchain (its `bin/lake`, and its naming convention first).
    #[must_use]
    pub fn toolchain(mut self, toolchain: ToolchainFingerprint) -> Self {
        self.toolchain = Some(toolchain);
        self
    }

    /// Gives up on Lake after this long (default one hour).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds without printing anything.
    pub fn build_quiet(&self) -> Result<LakeBuild, LinkDiagnostics> {
        self.run(false)
    }

    /// Builds, printing cache messages to stderr and `cargo:rerun-if-changed` lines to stdout.
    pub fn build(&self) -> Result<LakeBuild, LinkDiagnostics> {
        self.build_to(&mut std::io::stdout().lock())
    }

    /// Like [`Self::build`], writing the Cargo directives to `directives`.
    pub fn build_to(&self, directives: &mut dyn Write) -> Result<LakeBuild, LinkDiagnostics> {
        let build = self.run(true)?;
        for path in &build.scanned {
            // A closed directive sink only loses rerun hints; the build itself succeeded.
            let _ = writeln!(directives, "cargo:rerun-if-changed={}", path.display());
        }
        Ok(build)
    }

    fn run(&self, loud: bool) -> Result<LakeBuild, LinkDiagnostics> {
        let root = &self.root;
        if !root.is_dir() {
            return Err(LinkDiagnostics::lake_output(
                root,
                "the Lake project directory does not exist",
            ));
        }
        validate_module_name(&self.target).map_err(|detail| {
            LinkDiagnostics::InvalidModuleName {
                name: one_line(&self.target),
                detail,
            }
        })?;
        let lakefile = Lakefile::load(root)
            .map_err(|(path, detail)| LinkDiagnostics::lake_output(&path, detail))?
            .ok_or_else(|| {
                LinkDiagnostics::lake_output(root, "no lakefile.lean or lakefile.toml here")
            })?;
        let lib = lakefile
            .lib(&self.target)
            .ok_or_else(|| LinkDiagnostics::LakeTargetMissing {
                lakefile: lakefile.path.clone(),
                target: self.target.clone(),
                declared: one_line(&lakefile.declared()),
            })?;
        let package = self.package.clone().or_else(|| lakefile.package.clone());
        if let Some(package) = &package {
            validate_package_name(package).map_err(|detail| {
                LinkDiagnostics::InvalidModuleName {
                    name: one_line(package),
                    detail,
                }
            })?;
        }
        let lib_name = lib.artifact_name().to_owned();

        let scan = scan_sources(root)?;
        let key = cache_key(root, &self.target, package.as_deref(), &scan)?;
        let record_path = root.join(CACHE_DIR).join(format!("{}.json", self.target));
        if let Some(record) = read_cache(&record_path)
            && record.key == key
            && record.dylib.is_file()
        {
            if loud {
                eprintln!(
                    "lean-toolchain: cache hit for Lake target `{}` in {}; using {}",
                    self.target,
                    root.display(),
                    record.dylib.display()
                );
            }
            return Ok(LakeBuild {
                lake_root: root.clone(),
                target: self.target.clone(),
                package,
                lib_name,
                dylib: record.dylib,
                convention: record.convention,
                cache_key: key,
                cache_hit: true,
                scanned: scan.files,
            });
        }
        if loud {
            eprintln!(
                "lean-toolchain: cache miss for Lake target `{}` in {}; running `lake build {}:shared`",
                self.target,
                root.display(),
                self.target
            );
        }
        self.run_lake(root)?;
        let (dylib, convention) = self.resolve_dylib(root, package.as_deref(), &lib_name)?;
        write_cache(
            &record_path,
            &CacheRecord {
                schema: CACHE_RECORD_SCHEMA,
                key: key.clone(),
                dylib: dylib.clone(),
                convention,
            },
        )?;
        Ok(LakeBuild {
            lake_root: root.clone(),
            target: self.target.clone(),
            package,
            lib_name,
            dylib,
            convention,
            cache_key: key,
            cache_hit: false,
            scanned: scan.files,
        })
    }

    fn lake_path(&self) -> PathBuf {
        if let Some(lake) = &self.lake {
            return lake.clone();
        }
        let toolchain = self
            .toolchain
            .clone()
            .or_else(|| crate::discovery::discover_toolchain().ok());
        if let Some(fp) = toolchain
            && fp.kind == SysrootKind::Full
        {
            return fp.lake();
        }
        std::env::var_os("PATH")
            .and_then(|path| {
                std::env::split_paths(&path)
                    .map(|d| d.join(exe("lake")))
                    .find(|p| p.is_file())
            })
            .unwrap_or_else(|| PathBuf::from(exe("lake")))
    }

    fn run_lake(&self, root: &Path) -> Result<(), LinkDiagnostics> {
        let lake = self.lake_path();
        let shared = format!("{}:shared", self.target);
        let args: [&OsStr; 2] = [OsStr::new("build"), OsStr::new(&shared)];
        let captured = run_bounded(
            &lake,
            args,
            Some(root),
            &[],
            self.timeout,
            LAKE_OUTPUT_LIMIT,
        )
        .map_err(|e| match e {
            RunError::Spawn(err) => LinkDiagnostics::LakeUnavailable {
                path: lake.clone(),
                detail: one_line(&err.to_string()),
            },
            other => LinkDiagnostics::LakeBuildFailed {
                root: root.to_path_buf(),
                target: self.target.clone(),
                status: one_line(&other.to_string()),
                output: String::new(),
            },
        })?;
        if captured.status.success() {
            return Ok(());
        }
        let combined = format!("{} {}", captured.stderr.trim(), captured.stdout.trim());
        let tail: String = {
            let chars: Vec<char> = combined.trim().chars().collect();
            chars[chars.len().saturating_sub(200)..].iter().collect()
        };
        Err(LinkDiagnostics::LakeBuildFailed {
            root: root.to_path_buf(),
            target: self.target.clone(),
            status: captured.status.to_string(),
            output: one_line(&tail),
        })
    }

    fn resolve_dylib(
        &self,
        root: &Path,
        package: Option<&str>,
        lib_name: &str,
    ) -> Result<(PathBuf, NamingConvention), LinkDiagnostics> {
        let lib_dir = root.join(".lake/build/lib");
        let mut order = vec![
            NamingConvention::PackageQualified,
            NamingConvention::Unqualified,
        ];
        if let Some(fp) = &self.toolchain
            && NamingConvention::for_version(&fp.version) == NamingConvention::Unqualified
        {
            order.reverse();
        }
        let mut tried = Vec::new();
        for convention in order {
            if convention == NamingConvention::PackageQualified && package.is_none() {
                continue;
            }
            let name = convention.dylib_file_name(package.unwrap_or(""), lib_name);
            let path = lib_dir.join(&name);
            if path.is_file() {
                return Ok((path, convention));
            }
            tried.push(name);
        }
        Err(LinkDiagnostics::lake_output(
            &lib_dir,
            format!(
                "`lake build {}:shared` succeeded but none of {} exists",
                self.target,
                tried.join(", ")
            ),
        ))
    }
}

/// Builds `target` of the Lake project at `root` (cache messages on stderr, rerun
/// directives on stdout). The `lake` executable comes from the discovered full
/// toolchain, else from `PATH`.
pub fn build_lake_target(root: &Path, target: &str) -> Result<LakeBuild, LinkDiagnostics> {
    LakeTarget::new(root, target).build()
}

/// [`build_lake_target`] without any output: same cache, same resolver.
pub fn build_lake_target_quiet(root: &Path, target: &str) -> Result<LakeBuild, LinkDiagnostics> {
    LakeTarget::new(root, target).build_quiet()
}

struct SourceScan {
    files: Vec<PathBuf>,
    lean_count: usize,
    max_mtime_nanos: u128,
}

fn scan_sources(root: &Path) -> Result<SourceScan, LinkDiagnostics> {
    let listed = list_files(root)
        .map_err(|e| LinkDiagnostics::lake_output(root, format!("cannot scan sources: {e}")))?;
    let tracked = [
        "lakefile.lean",
        "lakefile.toml",
        "lean-toolchain",
        "lake-manifest.json",
    ];
    let mut scan = SourceScan {
        files: Vec::new(),
        lean_count: 0,
        max_mtime_nanos: 0,
    };
    for (rel, path) in listed {
        let is_lean = Path::new(&rel).extension().is_some_and(|e| e == "lean");
        if !is_lean && !tracked.contains(&rel.as_str()) {
            continue;
        }
        if is_lean {
            scan.lean_count += 1;
        }
        let mtime = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map_err(|e| {
                LinkDiagnostics::lake_output(&path, format!("cannot read its mtime: {e}"))
            })?;
        let nanos = mtime.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        scan.max_mtime_nanos = scan.max_mtime_nanos.max(nanos);
        scan.files.push(path);
    }
    Ok(scan)
}

fn cache_key(
    root: &Path,
    target: &str,
    package: Option<&str>,
    scan: &SourceScan,
) -> Result<String, LinkDiagnostics> {
    let manifest = root.join("lake-manifest.json");
    let manifest_digest = if manifest.is_file() {
        sha256_file(&manifest)
            .map_err(|e| LinkDiagnostics::lake_output(&manifest, format!("cannot hash it: {e}")))?
    } else {
        "none".to_owned()
    };
    let mut hasher = Sha256::new();
    for field in [
        manifest_digest.as_str(),
        target,
        package.unwrap_or(""),
        &scan.lean_count.to_string(),
        &scan.max_mtime_nanos.to_string(),
    ] {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    Ok(hex(&hasher.finalize()))
}

fn read_cache(path: &Path) -> Option<CacheRecord> {
    let bytes = read_bounded(path, 64 * 1024).ok()?;
    let record: CacheRecord = serde_json::from_slice(&bytes).ok()?;
    (record.schema == CACHE_RECORD_SCHEMA).then_some(record)
}

fn write_cache(path: &Path, record: &CacheRecord) -> Result<(), LinkDiagnostics> {
    let json =
        serde_json::to_vec_pretty(record).map_err(|e| LinkDiagnostics::lake_output(path, e))?;
    write_atomically(path, &json)
}

/// Writes `bytes` to a sibling temporary file, then renames it over `path`.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LinkDiagnostics> {
    let fail =
        |e: std::io::Error| LinkDiagnostics::lake_output(path, format!("cannot write it: {e}"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmp = path.with_extension(format!("tmp{}-{stamp}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}
