//! Verifying one sysroot directory and fingerprinting it.

use std::path::Path;
use std::time::Duration;

use crate::diagnostics::{LinkDiagnostics, one_line};
use crate::digest::sha256_file;
use crate::fingerprint::{SysrootKind, ToolchainFingerprint, exe};
use crate::manifest::{SYSROOT_MANIFEST, SysrootManifest};
use crate::process::run_bounded;
use crate::version::{LeanVersion, LeanVersionReport, parse_version_line};
use crate::window;

/// How long `lean --version` may take before the sysroot is rejected.
const LEAN_VERSION_TIMEOUT: Duration = Duration::from_secs(20);
/// Output kept from `lean --version`.
const LEAN_VERSION_OUTPUT_LIMIT: u64 = 4096;

/// The file name of Lean's shared runtime on this platform.
pub fn runtime_library_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "libleanshared.dylib"
    } else {
        "libleanshared.so"
    }
}

/// Checks the sysroot at `root` and returns its fingerprint.
///
/// The fingerprint is returned even when the release is outside the supported
/// window; call [`ToolchainFingerprint::require_supported`] to enforce it.
pub fn inspect_sysroot(root: &Path) -> Result<ToolchainFingerprint, LinkDiagnostics> {
    match std::fs::metadata(root) {
        Err(e) => {
            return Err(LinkDiagnostics::missing_lean(
                root,
                format!("cannot open it ({e})"),
            ));
        }
        Ok(m) if !m.is_dir() => return Err(LinkDiagnostics::missing_lean(root, "not a directory")),
        Ok(_) => {}
    }
    let header = root.join("include/lean/lean.h");
    let lake = root.join("bin").join(exe("lake"));
    let init = root.join("lib/lean/Init.olean");
    let lean = root.join("bin").join(exe("lean"));
    let lib_dir = root.join("lib/lean");
    let library = lib_dir.join(runtime_library_name());
    let manifest_path = root.join(SYSROOT_MANIFEST);

    let kind = if header.is_file() {
        SysrootKind::Full
    } else if manifest_path.is_file() {
        SysrootKind::RuntimeOnly
    } else if !lean.exists() && !library.exists() {
        return Err(LinkDiagnostics::missing_lean(
            root,
            "it has neither bin/lean nor lib/lean/libleanshared, so it is not a Lean sysroot",
        ));
    } else {
        return Err(LinkDiagnostics::MissingHeader {
            path: root.to_path_buf(),
        });
    };
    if !lean.is_file() {
        return Err(LinkDiagnostics::missing_lean(root, "bin/lean is missing"));
    }
    if !library.is_file() {
        return Err(LinkDiagnostics::MissingLib { path: library });
    }
    if kind == SysrootKind::Full {
        for part in [&lake, &init] {
            if !part.is_file() {
                let rel = part.strip_prefix(root).unwrap_or(part);
                return Err(LinkDiagnostics::missing_lean(
                    root,
                    format!(
                        "it has include/lean/lean.h but no {}, so it is an incomplete full toolchain",
                        rel.display()
                    ),
                ));
            }
        }
    }
    check_shared_object(&library)?;
    let manifest = match kind {
        SysrootKind::RuntimeOnly => Some(SysrootManifest::load(&manifest_path)?),
        SysrootKind::Full => None,
    };
    let report = lean_version(&lean)?;

    let header_digest = match kind {
        SysrootKind::Full => Some(check_header(root, &header, &report)?),
        SysrootKind::RuntimeOnly => None,
    };
    if let Some(manifest) = &manifest {
        check_manifest(root, &manifest_path, manifest, &report)?;
    }
    Ok(ToolchainFingerprint {
        sysroot: root.to_path_buf(),
        kind,
        version: report.version,
        commit: report.commit,
        platform: report.platform,
        build: report.build,
        header_digest,
        lib_dir,
        runtime_library: library,
    })
}

/// Looks the header's digest up in the window and checks it belongs to the reported release.
fn check_header(
    root: &Path,
    header: &Path,
    report: &LeanVersionReport,
) -> Result<String, LinkDiagnostics> {
    let digest = sha256_file(header).map_err(|e| {
        LinkDiagnostics::missing_lean(root, format!("cannot read include/lean/lean.h ({e})"))
    })?;
    let versions = window::versions_for_header_digest(&digest);
    if versions.is_empty() {
        return Err(LinkDiagnostics::UnknownHeaderDigest {
            header: header.to_path_buf(),
            digest,
            window: window::describe(),
        });
    }
    if !versions
        .iter()
        .any(|v| LeanVersion::parse(v).as_ref() == Some(&report.version))
    {
        return Err(LinkDiagnostics::VersionMismatch {
            path: root.to_path_buf(),
            detail: format!(
                "bin/lean reports {} but include/lean/lean.h is the header of {}",
                report.version,
                versions.join("/")
            ),
        });
    }
    Ok(digest)
}

/// Checks a runtime-only manifest against what `bin/lean` reports, then the file digests.
fn check_manifest(
    root: &Path,
    manifest_path: &Path,
    manifest: &SysrootManifest,
    report: &LeanVersionReport,
) -> Result<(), LinkDiagnostics> {
    let mismatch =
        |what: &str, manifest_value: &str, reported: &str| LinkDiagnostics::VersionMismatch {
            path: root.to_path_buf(),
            detail: format!(
                "{SYSROOT_MANIFEST} records {what} {manifest_value} but bin/lean reports {reported}"
            ),
        };
    if manifest.version != report.version {
        return Err(mismatch(
            "version",
            &manifest.version.to_string(),
            &report.version.to_string(),
        ));
    }
    if manifest.commit != report.commit {
        return Err(mismatch("commit", &manifest.commit, &report.commit));
    }
    if let Some(platform) = &report.platform
        && platform != &manifest.platform
    {
        return Err(mismatch("platform", &manifest.platform, platform));
    }
    manifest.verify_files(root, manifest_path)
}

fn lean_version(lean: &Path) -> Result<LeanVersionReport, LinkDiagnostics> {
    let unreadable = |detail: String| LinkDiagnostics::LeanVersionUnreadable {
        path: lean.to_path_buf(),
        detail: one_line(&detail),
    };
    let captured = run_bounded(
        lean,
        ["--version"],
        None,
        &[],
        LEAN_VERSION_TIMEOUT,
        LEAN_VERSION_OUTPUT_LIMIT,
    )
    .map_err(|e| unreadable(e.to_string()))?;
    if !captured.status.success() {
        let said = if captured.stderr.trim().is_empty() {
            &captured.stdout
        } else {
            &captured.stderr
        };
        return Err(unreadable(format!(
            "`lean --version` exited with {}: {}",
            captured.status,
            said.trim()
        )));
    }
    let line = captured.stdout.lines().next().unwrap_or("");
    parse_version_line(line).map_err(|e| unreadable(format!("{e}; it printed `{}`", line.trim())))
}

/// Rejects files that cannot be a complete shared object for this platform.
///
/// A truncated copy keeps a valid header, so the ELF check compares the file size
/// against the end of the section and program header tables the header announces.
pub fn check_shared_object(path: &Path) -> Result<(), LinkDiagnostics> {
    let corrupt = |detail: String| LinkDiagnostics::CorruptLib {
        path: path.to_path_buf(),
        detail,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| corrupt(format!("cannot stat it: {e}")))?
        .len();
    let head = crate::digest::read_prefix(path, 64)
        .map_err(|e| corrupt(format!("cannot read it: {e}")))?;
    if head.len() >= 4 && head[..4] == [0x7f, b'E', b'L', b'F'] {
        return check_elf(&head, size).map_err(corrupt);
    }
    if head.len() >= 4 {
        let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        // 64-bit Mach-O (either byte order) or a universal binary.
        if [0xfeed_facf, 0xcffa_edfe, 0xcafe_babe, 0xbeba_feca].contains(&magic) {
            return Ok(());
        }
    }
    Err(corrupt(format!(
        "not an ELF or Mach-O shared object ({size} bytes)"
    )))
}

fn check_elf(head: &[u8], size: u64) -> Result<(), String> {
    const ET_DYN: u64 = 3;
    if head.len() < 64 || head[4] != 2 || head[5] != 1 {
        return Err("not a 64-bit little-endian ELF file".to_owned());
    }
    let u16_at = |at: usize| u64::from(u16::from_le_bytes([head[at], head[at + 1]]));
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&head[at..at + 8]);
        u64::from_le_bytes(b)
    };
    if u16_at(16) != ET_DYN {
        return Err("an ELF file but not a shared object".to_owned());
    }
    let program_end = u64_at(0x20).saturating_add(u16_at(0x36).saturating_mul(u16_at(0x38)));
    let section_end = u64_at(0x28).saturating_add(u16_at(0x3a).saturating_mul(u16_at(0x3c)));
    let needed = program_end.max(section_end);
    if size < needed {
        return Err(format!(
            "truncated: {size} bytes, but its header describes at least {needed}"
        ));
    }
    Ok(())
}
