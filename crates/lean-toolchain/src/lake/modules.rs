//! `discover_lake_modules`: the Lean modules of a Lake project, deterministically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::lakefile::{Glob, Lakefile};
use super::names::validate_module_name;
use crate::diagnostics::one_line;
use crate::digest::{MAX_SCANNED_FILES, hash_entry, hex, read_bounded, sha256_file};
use crate::native::{LeanModuleHeader, SOURCE_LIMIT, parse_header};

/// One Lean source module of a Lake project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeanModuleDescriptor {
    /// Dotted module name, e.g. `MyLib.Basic`.
    pub name: String,
    /// The `.lean` file.
    pub source_path: PathBuf,
    /// The directory module names are relative to (the library's source directory).
    pub source_root: PathBuf,
    /// The `lean_lib` it belongs to.
    pub lib: String,
}

/// Cache-relevant facts about a discovered module set. It does not decide freshness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeanModuleSetFingerprint {
    /// The Lean release lean-rs was built for (baked in at build time).
    pub toolchain: String,
    /// SHA-256 of the lakefile.
    pub lakefile_sha256: String,
    /// SHA-256 of `lake-manifest.json`, when the project has one.
    pub manifest_sha256: Option<String>,
    /// Number of source modules.
    pub source_count: usize,
    /// Latest modification time among the sources.
    pub max_source_mtime: Option<SystemTime>,
    /// SHA-256 over the sorted (relative path, contents) pairs of every source.
    pub source_set_sha256: String,
}

/// The result of [`discover_lake_modules`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeanModuleSet {
    /// The Lake project root (the directory holding the lakefile).
    pub lake_root: PathBuf,
    /// The lakefile that was read.
    pub lakefile: PathBuf,
    /// The package name, when declared.
    pub package: Option<String>,
    /// Modules sorted by name.
    pub modules: Vec<LeanModuleDescriptor>,
    /// Fingerprint of the whole set.
    pub fingerprint: LeanModuleSetFingerprint,
}

/// Why module discovery failed. Each renders as one line naming the path and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LeanModuleDiscoveryDiagnostic {
    /// No lakefile in the requested root (nor in its `lean/` subdirectory).
    #[error(
        "lean-toolchain: no lakefile.lean or lakefile.toml in {} (or {}/lean); pass the directory that holds the Lake project",
        path.display(), path.display()
    )]
    MissingLakeRoot {
        /// The requested root.
        path: PathBuf,
    },
    /// The lakefile could not be read or parsed.
    #[error("lean-toolchain: cannot read the lakefile {}: {detail}; fix its syntax", path.display())]
    MalformedLakefile {
        /// The lakefile.
        path: PathBuf,
        /// The first problem.
        detail: String,
    },
    /// The lakefile declares no `lean_lib`.
    #[error(
        "lean-toolchain: {} declares no lean_lib, so it has no library modules; add e.g. `lean_lib MyLib` to it",
        path.display()
    )]
    NoLeanLib {
        /// The lakefile.
        path: PathBuf,
    },
    /// A selected or declared module root has no source.
    #[error(
        "lean-toolchain: module root `{root}` has no source (expected {} or that directory); fix the root name or add the file",
        expected.display()
    )]
    MissingModuleRoot {
        /// The module root.
        root: String,
        /// Where its source was expected.
        expected: PathBuf,
    },
    /// A module name (declared or derived from a file name) is not a valid Lean name.
    #[error(
        "lean-toolchain: invalid Lean module name `{name}` at {} ({detail}); rename it to dot-separated identifiers such as `MyLib.Basic`",
        path.display()
    )]
    InvalidModuleName {
        /// The name.
        name: String,
        /// The lakefile or source file it came from.
        path: PathBuf,
        /// Why it is invalid.
        detail: String,
    },
    /// A source file's import header could not be read.
    #[error(
        "lean-toolchain: cannot read the import header of {}: {detail}; fix the `prelude`/`import` lines at the top of the file",
        path.display()
    )]
    MalformedHeader {
        /// The source file.
        path: PathBuf,
        /// What is malformed.
        detail: String,
    },
    /// A filesystem operation failed.
    #[error("lean-toolchain: I/O error at {}: {detail}; check the path and its permissions", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The OS error.
        detail: String,
    },
}

impl LeanModuleDiscoveryDiagnostic {
    fn io(path: &Path, error: impl std::fmt::Display) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            detail: one_line(&error.to_string()),
        }
    }
}

/// Reads the import header of the Lean source file `source`: `module`, `prelude` and the
/// imported modules in order (`Init` first unless the file is a `prelude`). Only the header
/// is parsed; the file must be UTF-8 and at most 16 MiB.
pub fn read_module_header(
    source: &Path,
) -> Result<LeanModuleHeader, LeanModuleDiscoveryDiagnostic> {
    let bytes = read_bounded(source, SOURCE_LIMIT)
        .map_err(|e| LeanModuleDiscoveryDiagnostic::io(source, e))?;
    let text =
        String::from_utf8(bytes).map_err(|_| LeanModuleDiscoveryDiagnostic::MalformedHeader {
            path: source.to_path_buf(),
            detail: "the file is not UTF-8".to_owned(),
        })?;
    parse_header(&text).map_err(|detail| LeanModuleDiscoveryDiagnostic::MalformedHeader {
        path: source.to_path_buf(),
        detail: one_line(&detail),
    })
}

/// Finds the Lake project at `root` (or `root/lean`): the directory holding a lakefile.
pub fn resolve_lake_root(root: &Path) -> Option<PathBuf> {
    [root.to_path_buf(), root.join("lean")]
        .into_iter()
        .find(|dir| dir.join("lakefile.lean").is_file() || dir.join("lakefile.toml").is_file())
}

/// Discovers the Lean source modules of the Lake project at `root`.
///
/// With `selected_roots`, only those module roots (each with its submodules) are
/// enumerated, and each must exist; otherwise every `lean_lib`'s globs are used.
pub fn discover_lake_modules(
    root: &Path,
    selected_roots: Option<&[&str]>,
) -> Result<LeanModuleSet, LeanModuleDiscoveryDiagnostic> {
    let lake_root =
        resolve_lake_root(root).ok_or_else(|| LeanModuleDiscoveryDiagnostic::MissingLakeRoot {
            path: root.to_path_buf(),
        })?;
    let lakefile = Lakefile::load(&lake_root)
        .map_err(
            |(path, detail)| LeanModuleDiscoveryDiagnostic::MalformedLakefile {
                path,
                detail: one_line(&detail),
            },
        )?
        .ok_or_else(|| LeanModuleDiscoveryDiagnostic::MissingLakeRoot {
            path: root.to_path_buf(),
        })?;
    if lakefile.libs.is_empty() {
        return Err(LeanModuleDiscoveryDiagnostic::NoLeanLib {
            path: lakefile.path,
        });
    }
    let plan = plan(&lake_root, &lakefile, selected_roots)?;
    let mut modules: BTreeMap<String, LeanModuleDescriptor> = BTreeMap::new();
    for (lib, src, globs) in &plan {
        for glob in globs {
            for (name, path) in enumerate_glob(src, glob)? {
                check_name(&name, &path)?;
                modules
                    .entry(name.clone())
                    .or_insert_with(|| LeanModuleDescriptor {
                        name,
                        source_path: path,
                        source_root: src.clone(),
                        lib: lib.clone(),
                    });
                if modules.len() > MAX_SCANNED_FILES {
                    return Err(LeanModuleDiscoveryDiagnostic::io(
                        src,
                        "more modules than the scan limit",
                    ));
                }
            }
        }
    }

    let modules: Vec<LeanModuleDescriptor> = modules.into_values().collect();
    let fingerprint = fingerprint(&lake_root, &lakefile.path, &modules)?;
    Ok(LeanModuleSet {
        lake_root,
        lakefile: lakefile.path,
        package: lakefile.package,
        modules,
        fingerprint,
    })
}

fn check_name(name: &str, path: &Path) -> Result<(), LeanModuleDiscoveryDiagnostic> {
    validate_module_name(name).map(|_| ()).map_err(|detail| {
        LeanModuleDiscoveryDiagnostic::InvalidModuleName {
            name: one_line(name),
            path: path.to_path_buf(),
            detail,
        }
    })
}

/// (library, source root, globs) triples to enumerate: every library's globs, or each
/// selected root (with its submodules) under the first library whose tree holds it.
fn plan(
    lake_root: &Path,
    lakefile: &Lakefile,
    selected_roots: Option<&[&str]>,
) -> Result<Vec<(String, PathBuf, Vec<Glob>)>, LeanModuleDiscoveryDiagnostic> {
    let package_src = lake_root.join(lakefile.src_dir.as_deref().unwrap_or("."));
    let mut plan = Vec::new();
    for lib in &lakefile.libs {
        check_name(&lib.name, &lakefile.path)?;
        let src = package_src.join(lib.src_dir.as_deref().unwrap_or("."));
        for glob in lib.effective_globs() {
            let (Glob::One(m) | Glob::Submodules(m) | Glob::AndSubmodules(m)) = &glob;
            check_name(m, &lakefile.path)?;
        }
        plan.push((lib.name.clone(), src, lib.effective_globs()));
    }
    let Some(selected) = selected_roots else {
        return Ok(plan);
    };
    let mut selected_plan = Vec::new();
    for &root_name in selected {
        check_name(root_name, &lakefile.path)?;
        let owner = plan
            .iter()
            .find(|(_, src, _)| module_exists(src, root_name));
        let Some((lib, src, _)) = owner else {
            let src = plan
                .first()
                .map_or_else(|| lake_root.to_path_buf(), |(_, s, _)| s.clone());
            return Err(LeanModuleDiscoveryDiagnostic::MissingModuleRoot {
                root: root_name.to_owned(),
                expected: module_file(&src, root_name),
            });
        };
        selected_plan.push((
            lib.clone(),
            src.clone(),
            vec![Glob::AndSubmodules(root_name.to_owned())],
        ));
    }
    Ok(selected_plan)
}

/// The (module name, source file) pairs one glob selects under `src`.
fn enumerate_glob(
    src: &Path,
    glob: &Glob,
) -> Result<Vec<(String, PathBuf)>, LeanModuleDiscoveryDiagnostic> {
    let (module, include_self, include_subs) = match glob {
        Glob::One(m) => (m, true, false),
        Glob::Submodules(m) => (m, false, true),
        Glob::AndSubmodules(m) => (m, true, true),
    };
    if !module_exists(src, module) {
        return Err(LeanModuleDiscoveryDiagnostic::MissingModuleRoot {
            root: module.clone(),
            expected: module_file(src, module),
        });
    }
    let mut found = Vec::new();
    let file = module_file(src, module);
    if include_self && file.is_file() {
        found.push((module.clone(), file));
    }
    let dir = module_dir(src, module);
    if include_subs && dir.is_dir() {
        collect_submodules(&dir, module, &mut found)?;
    }
    Ok(found)
}

fn module_file(src: &Path, module: &str) -> PathBuf {
    let mut path = module_dir(src, module);
    path.set_extension("lean");
    path
}

fn module_dir(src: &Path, module: &str) -> PathBuf {
    module.split('.').fold(src.to_path_buf(), |p, c| p.join(c))
}

fn module_exists(src: &Path, module: &str) -> bool {
    module_file(src, module).is_file() || module_dir(src, module).is_dir()
}

/// Every `.lean` file below `dir`, named as submodules of `prefix`.
fn collect_submodules(
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), LeanModuleDiscoveryDiagnostic> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| LeanModuleDiscoveryDiagnostic::io(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| LeanModuleDiscoveryDiagnostic::io(dir, e))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| LeanModuleDiscoveryDiagnostic::io(&path, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() {
            if name.starts_with('.') {
                continue;
            }
            collect_submodules(&path, &format!("{prefix}.{name}"), out)?;
        } else if kind.is_file()
            && let Some(stem) = name.strip_suffix(".lean")
        {
            out.push((format!("{prefix}.{stem}"), path));
        }
        if out.len() > MAX_SCANNED_FILES {
            return Err(LeanModuleDiscoveryDiagnostic::io(
                dir,
                "more files than the scan limit",
            ));
        }
    }
    Ok(())
}

fn fingerprint(
    lake_root: &Path,
    lakefile: &Path,
    modules: &[LeanModuleDescriptor],
) -> Result<LeanModuleSetFingerprint, LeanModuleDiscoveryDiagnostic> {
    let lakefile_sha256 =
        sha256_file(lakefile).map_err(|e| LeanModuleDiscoveryDiagnostic::io(lakefile, e))?;
    let manifest = lake_root.join("lake-manifest.json");
    let manifest_sha256 = if manifest.is_file() {
        Some(sha256_file(&manifest).map_err(|e| LeanModuleDiscoveryDiagnostic::io(&manifest, e))?)
    } else {
        None
    };
    let mut entries: Vec<(String, &Path)> = modules
        .iter()
        .map(|m| {
            let rel = m
                .source_path
                .strip_prefix(lake_root)
                .unwrap_or(&m.source_path);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (rel, m.source_path.as_path())
        })
        .collect();
    entries.sort();
    let mut hasher = Sha256::new();
    let mut max_mtime: Option<SystemTime> = None;
    for (rel, path) in &entries {
        let contents =
            std::fs::read(path).map_err(|e| LeanModuleDiscoveryDiagnostic::io(path, e))?;
        hash_entry(&mut hasher, rel, &contents);
        let mtime = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .map_err(|e| LeanModuleDiscoveryDiagnostic::io(path, e))?;
        max_mtime = Some(max_mtime.map_or(mtime, |m| m.max(mtime)));
    }
    Ok(LeanModuleSetFingerprint {
        toolchain: crate::window::baked_toolchain(),
        lakefile_sha256,
        manifest_sha256,
        source_count: entries.len(),
        max_source_mtime: max_mtime,
        source_set_sha256: hex(&hasher.finalize()),
    })
}
