//! Builds the stand-in shim library (`stand-in/lean_rs_host_stand_in.c`, C over
//! libleanshared's compiled Lean, against our `lean.h`) for tests, here and in the crates that
//! host sessions out of process.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The stand-in's C source.
pub fn source() -> PathBuf {
    crate_dir().join("stand-in/lean_rs_host_stand_in.c")
}

/// Compiles the stand-in with `defines` (extra C flags) into `cache_root/<digest>/`, once per
/// source, header and flags digest, and returns the library's path.
///
/// # Errors
/// A message when a file cannot be read or written, no Lean sysroot was found at build time,
/// or the C compiler (`$CC`, else `cc`) fails.
pub fn build_library(defines: &[&str], cache_root: &Path) -> Result<PathBuf, String> {
    let src = std::fs::read(source()).map_err(|e| format!("{}: {e}", source().display()))?;
    let include = crate_dir().join("../lean-rs-sys/include");
    let header = std::fs::read(include.join("lean/lean.h"))
        .map_err(|e| format!("{}: {e}", include.display()))?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    src.hash(&mut hasher);
    header.hash(&mut hasher);
    defines.hash(&mut hasher);
    let dir = cache_root
        .join("lean-rs-host-stand-in")
        .join(format!("{:016x}", hasher.finish()));
    let out = dir.join("liblean_rs_host_stand_in.so");
    if out.is_file() {
        return Ok(out);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let sysroot =
        lean_rs_sys::LEAN_SYSROOT.ok_or("lean-rs-sys was built without a Lean sysroot")?;
    let lib = Path::new(sysroot).join("lib/lean");
    let tmp = dir.join(format!("tmp-{}.so", std::process::id()));
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".to_owned()))
        .args([
            "-O2",
            "-fPIC",
            "-shared",
            "-Wall",
            "-Werror",
            "-Wno-unused-parameter",
            "-I",
        ])
        .arg(&include)
        .args(defines)
        .arg(source())
        .arg("-o")
        .arg(&tmp)
        .arg(format!("-L{}", lib.display()))
        .arg("-lleanshared")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .status()
        .map_err(|e| format!("cannot run the C compiler: {e}"))?;
    if !status.success() {
        return Err(format!("the stand-in did not compile ({status})"));
    }
    std::fs::rename(&tmp, &out).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(out)
}
