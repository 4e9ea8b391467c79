//! Finds the Lean sysroot, checks it against the audited window, and emits link directives,
//! `lean_v_*` cfgs and the constants baked into `consts.rs`. Kept dependency-light on purpose
//! (only `sha2`): it cannot use `lean-toolchain`, which sits above this crate.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

#[allow(dead_code)]
mod table {
    include!("src/toolchains/table.rs");
}
use table::{KNOWN_RUNTIME_BUILDS, SUPPORTED_TOOLCHAINS};

mod parse {
    include!("src/toolchains/parse.rs");
}
use parse::{
    elan_default_toolchain_name, elan_toolchain_dir_name, json_string_field,
    parse_lean_version_output, version_cfg_name,
};

const MANIFEST: &str = "lean-rs-sysroot.json";
/// The runtime library file in `<sysroot>/lib/lean`.
const RUNTIME_LIB_FILE: &str = if cfg!(target_os = "macos") {
    "libleanshared.dylib"
} else {
    "libleanshared.so"
};

/// What was found and verified; everything the rest of the script emits derives from this.
struct Resolved {
    sysroot: PathBuf,
    kind: &'static str,
    version: String,
    matched_version: String,
    cfg_versions: Vec<&'static str>,
    commit: Option<String>,
    header: Option<(PathBuf, String)>,
    sticky_rc: bool,
    mimalloc: bool,
}

fn main() {
    for var in [
        "LEAN_SYSROOT",
        "LEAN_RS_NO_LOCAL_SYSROOT",
        "ELAN_HOME",
        "DOCS_RS",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=src/toolchains/table.rs");
    println!("cargo::rustc-check-cfg=cfg(lean_mimalloc)");
    let metadata_only = env::var_os("CARGO_FEATURE_METADATA_ONLY").is_some();

    if env::var_os("DOCS_RS").is_some() {
        placeholders("docs.rs", "docs-only");
        println!("cargo:rustc-cfg=lean_rs_docs_only");
        println!("cargo:rustc-cfg=lean_sticky_rc");
        println!("cargo:rustc-cfg=lean_mimalloc");
        return;
    }

    let resolved = match discover().and_then(|root| verify(&root)) {
        Ok(r) => r,
        // A build helper (metadata-only) must still compile on a machine without Lean, so that
        // tools like a `doctor` command can report the missing toolchain themselves.
        Err(msg) if metadata_only => {
            println!("cargo:warning=lean-rs-sys (metadata-only): {msg}");
            placeholders("none", "none");
            println!("cargo:rustc-cfg=lean_sticky_rc");
            println!("cargo:rustc-cfg=lean_mimalloc");
            return;
        }
        Err(msg) => {
            eprintln!("error: lean-rs-sys: {msg}");
            std::process::exit(1);
        }
    };
    emit(&resolved, metadata_only);
}

fn placeholders(version: &str, kind: &str) {
    for (k, v) in [
        ("VERSION", version),
        ("RESOLVED_VERSION", version),
        ("SYSROOT_KIND", kind),
    ] {
        println!("cargo:rustc-env=LEAN_RS_SYS_{k}={v}");
    }
}

fn emit(r: &Resolved, metadata_only: bool) {
    let libdir = r.sysroot.join("lib").join("lean");
    println!("cargo:rustc-env=LEAN_RS_SYS_VERSION={}", r.version);
    println!(
        "cargo:rustc-env=LEAN_RS_SYS_RESOLVED_VERSION={}",
        r.matched_version
    );
    println!("cargo:rustc-env=LEAN_RS_SYS_SYSROOT_KIND={}", r.kind);
    println!(
        "cargo:rustc-env=LEAN_RS_SYS_SYSROOT={}",
        r.sysroot.display()
    );
    if let Some(commit) = &r.commit {
        println!("cargo:rustc-env=LEAN_RS_SYS_COMMIT={commit}");
    }
    if let Some((path, digest)) = &r.header {
        println!("cargo:rustc-env=LEAN_RS_SYS_HEADER_PATH={}", path.display());
        println!("cargo:rustc-env=LEAN_RS_SYS_HEADER_DIGEST={digest}");
        println!("cargo:rerun-if-changed={}", path.display());
    } else {
        println!("cargo:rustc-cfg=lean_runtime_only");
        let manifest = r.sysroot.join(MANIFEST);
        let identity = if manifest.is_file() {
            manifest
        } else {
            r.sysroot.join("bin/lean")
        };
        println!("cargo:rerun-if-changed={}", identity.display());
    }
    for v in &r.cfg_versions {
        println!("cargo:rustc-cfg={}", version_cfg_name(v));
    }
    if r.sticky_rc {
        println!("cargo:rustc-cfg=lean_sticky_rc");
    }
    if r.mimalloc {
        println!("cargo:rustc-cfg=lean_mimalloc");
    }
    // Read by dependents as DEP_LEANSHARED_* (the package declares `links = "leanshared"`).
    println!("cargo::metadata=LIBDIR={}", libdir.display());
    println!("cargo::metadata=SYSROOT={}", r.sysroot.display());
    println!("cargo::metadata=VERSION={}", r.version);
    println!("cargo::metadata=KIND={}", r.kind);
    if !metadata_only {
        // Nothing links libleanshared: `dynamic.rs` opens this file at run time (unless an
        // environment variable names another), so binaries start without an rpath.
        println!(
            "cargo:rustc-env=LEAN_RS_SYS_RUNTIME_LIB={}",
            libdir.join(RUNTIME_LIB_FILE).display()
        );
    }
}

/// Discovery order: `LEAN_SYSROOT`, `lean --print-prefix`, elan's default toolchain, then the
/// project-local runtime-only sysroot (unless `LEAN_RS_NO_LOCAL_SYSROOT=1`).
///
/// The same order is implemented, with per-candidate diagnostics, in
/// `lean-toolchain/src/discovery.rs`. The copy is deliberate: this build script runs before
/// `lean-toolchain` can be built (lean-toolchain reads this crate's facts through a
/// build-dependency), so it cannot call it. Change both together.
fn discover() -> Result<PathBuf, String> {
    if let Some(root) = env::var_os("LEAN_SYSROOT").filter(|v| !v.is_empty()) {
        let root = PathBuf::from(root);
        return if root.join("lib/lean").is_dir() {
            Ok(root)
        } else {
            Err(format!(
                "LEAN_SYSROOT={} has no lib/lean directory",
                root.display()
            ))
        };
    }
    if let Some(root) = run("lean", &["--print-prefix"]).map(|s| PathBuf::from(s.trim())) {
        if root.join("lib/lean").is_dir() {
            return Ok(root);
        }
    }
    if let Some(root) = elan_default_toolchain() {
        return Ok(root);
    }
    if env::var("LEAN_RS_NO_LOCAL_SYSROOT").as_deref() != Ok("1") {
        let start = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
        // Also walk the resolved path, so a symlinked checkout still finds its project root.
        let starts = [start.clone(), start.canonicalize().unwrap_or(start)];
        for dir in starts.iter().flat_map(|s| s.ancestors()) {
            let root = dir.join(".lean-rs").join("sysroot");
            if root.join(MANIFEST).is_file() {
                return Ok(root);
            }
        }
    }
    Err(
        "no Lean found: set LEAN_SYSROOT, put `lean` on PATH, install an elan default toolchain, \
         or run scripts/setup for the project-local sysroot"
            .to_owned(),
    )
}

fn elan_default_toolchain() -> Option<PathBuf> {
    let home = env::var_os("ELAN_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".elan")))?;
    let settings = std::fs::read_to_string(home.join("settings.toml")).ok()?;
    let name = elan_default_toolchain_name(&settings)?;
    let dir = home.join("toolchains").join(elan_toolchain_dir_name(&name));
    dir.join("lib/lean").is_dir().then_some(dir)
}

fn verify(root: &Path) -> Result<Resolved, String> {
    let header = root.join("include/lean/lean.h");
    let reported = lean_reported_identity(root);
    if header.is_file() {
        let bytes =
            std::fs::read(&header).map_err(|e| format!("cannot read {}: {e}", header.display()))?;
        let digest = hex(&Sha256::digest(&bytes));
        let Some(row) = SUPPORTED_TOOLCHAINS
            .iter()
            .find(|t| t.header_digest == digest)
        else {
            return Err(format!(
                "lean.h digest {digest} at {} is not in the supported window {}",
                header.display(),
                window()
            ));
        };
        let text = String::from_utf8_lossy(&bytes);
        let config =
            std::fs::read_to_string(root.join("include/lean/config.h")).unwrap_or_default();
        let resolved = reported
            .as_ref()
            .and_then(|(v, _)| row.versions.iter().find(|r| **r == v.as_str()))
            .or(row.versions.last())
            .copied()
            .unwrap_or_default();
        return Ok(Resolved {
            sysroot: root.to_path_buf(),
            kind: "full",
            version: reported
                .as_ref()
                .map_or_else(|| resolved.to_owned(), |(v, _)| v.clone()),
            matched_version: resolved.to_owned(),
            cfg_versions: row.versions.to_vec(),
            commit: reported.and_then(|(_, c)| c),
            header: Some((header, digest)),
            sticky_rc: text.contains("LEAN_RC_STICKY"),
            mimalloc: config.contains("#define LEAN_MIMALLOC"),
        });
    }
    let Some((version, commit)) = reported else {
        return Err(format!(
            "{} has no include/lean/lean.h and neither {MANIFEST} nor bin/lean --version names its version",
            root.display()
        ));
    };
    let Some(row) = SUPPORTED_TOOLCHAINS
        .iter()
        .find(|t| t.versions.contains(&version.as_str()))
    else {
        return Err(format!(
            "runtime-only sysroot {} reports Lean {version}, outside the supported window {}",
            root.display(),
            window()
        ));
    };
    let known = KNOWN_RUNTIME_BUILDS
        .iter()
        .find(|b| b.version == version && commit.as_deref() == Some(b.commit));
    if known.is_none() {
        println!(
            "cargo:warning=lean-rs-sys: runtime-only Lean {version} (commit {}) is not an audited build; assuming mimalloc without sticky refcounts",
            commit.as_deref().unwrap_or("unknown")
        );
    }
    let cfg = row
        .versions
        .iter()
        .find(|v| **v == version)
        .copied()
        .unwrap_or_default();
    Ok(Resolved {
        sysroot: root.to_path_buf(),
        kind: "runtime-only",
        matched_version: version.clone(),
        version,
        cfg_versions: vec![cfg],
        commit,
        header: None,
        sticky_rc: known.is_some_and(|b| b.sticky_rc),
        mimalloc: known.is_none_or(|b| b.mimalloc),
    })
}

/// (version, commit) as Lean itself reports them: the project manifest if present, else
/// `bin/lean --version` (`Lean (version 4.35.0, <target>, commit <sha>, Release)`).
fn lean_reported_identity(root: &Path) -> Option<(String, Option<String>)> {
    if let Ok(json) = std::fs::read_to_string(root.join(MANIFEST)) {
        if let Some(version) = json_string_field(&json, "version") {
            return Some((version, json_string_field(&json, "commit")));
        }
    }
    parse_lean_version_output(&run(root.join("bin/lean").to_str()?, &["--version"])?)
}

fn run(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn window() -> String {
    let first = SUPPORTED_TOOLCHAINS
        .first()
        .and_then(|t| t.versions.first());
    let last = SUPPORTED_TOOLCHAINS.last().and_then(|t| t.versions.last());
    format!("{} ..= {}", first.unwrap_or(&"?"), last.unwrap_or(&"?"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
