//! Sysroot verification and discovery against the real provisioned 4.35.0 sysroot and
//! against fake bad-input sysroots. Every failure must be a typed one-line diagnostic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::format_push_string
)]

mod common;

use std::path::{Path, PathBuf};

use common::*;
use lean_toolchain::{
    CandidateSource, CandidateStatus, DiscoveryInputs, LinkDiagnostics, SysrootKind, discover,
    inspect_sysroot,
};

fn one_line_naming(diagnostic: &LinkDiagnostics, path: &Path) -> String {
    let text = diagnostic.to_string();
    assert!(!text.contains('\n'), "not one line: {text}");
    assert!(
        text.contains(&path.display().to_string()),
        "does not name {}: {text}",
        path.display()
    );
    assert!(text.len() < 800, "unbounded: {text}");
    text
}

#[test]
fn the_real_runtime_only_sysroot_is_supported() {
    let fp = inspect_sysroot(&real_sysroot()).unwrap();
    assert_eq!(fp.kind, SysrootKind::RuntimeOnly);
    assert_eq!(fp.version.to_string(), "4.35.0");
    assert_eq!(fp.commit, "eb6cafb7290e8bd5f2937522d8d804f58f02bafc");
    assert_eq!(fp.platform.as_deref(), Some("x86_64-unknown-linux-gnu"));
    assert_eq!(fp.header_digest, None);
    assert!(fp.is_supported());
    assert!(fp.runtime_library.ends_with("lib/lean/libleanshared.so"));
}

#[test]
fn lean_sysroot_pointing_at_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-sysroot");
    let err = inspect_sysroot(&missing).unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::MissingLean { .. }),
        "{err:?}"
    );
    let text = one_line_naming(&err, &missing);
    assert!(text.contains("LEAN_SYSROOT"), "{text}");
}

#[test]
fn lean_sysroot_pointing_at_garbage() {
    let dir = tempfile::tempdir().unwrap();
    garbage(dir.path());
    let err = inspect_sysroot(dir.path()).unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::MissingLean { .. }),
        "{err:?}"
    );
    assert!(one_line_naming(&err, dir.path()).contains("not a Lean sysroot"));
}

#[test]
fn a_truncated_runtime_library() {
    let dir = tempfile::tempdir().unwrap();
    truncated(dir.path());
    let err = inspect_sysroot(dir.path()).unwrap_err();
    assert!(matches!(err, LinkDiagnostics::CorruptLib { .. }), "{err:?}");
    let text = one_line_naming(&err, &dir.path().join("lib/lean/libleanshared.so"));
    assert!(text.contains("truncated: 4096 bytes"), "{text}");
}

#[test]
fn an_unsupported_version() {
    let dir = tempfile::tempdir().unwrap();
    fake_runtime_only(dir.path(), "4.20.0", FAKE_COMMIT);
    let fp = inspect_sysroot(dir.path()).unwrap();
    assert_eq!(fp.version.to_string(), "4.20.0");
    assert!(!fp.is_supported());
    let err = fp.require_supported().unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::UnsupportedToolchain { .. }),
        "{err:?}"
    );
    let text = one_line_naming(&err, dir.path());
    assert!(
        text.contains("Lean 4.20.0") && text.contains("4.26.0 ..= 4.35.0"),
        "{text}"
    );
}

#[test]
fn a_supported_version_with_an_unknown_runtime_commit() {
    let dir = tempfile::tempdir().unwrap();
    fake_runtime_only(dir.path(), "4.35.0", FAKE_COMMIT);
    let fp = inspect_sysroot(dir.path()).unwrap();
    let err = fp.require_supported().unwrap_err();
    assert!(one_line_naming(&err, dir.path()).contains("eb6cafb7290e8bd5f2937522d8d804f58f02bafc"));
}

#[test]
fn a_header_with_an_unknown_digest() {
    let dir = tempfile::tempdir().unwrap();
    unknown_header(dir.path());
    let err = inspect_sysroot(dir.path()).unwrap_err();
    let LinkDiagnostics::UnknownHeaderDigest { digest, .. } = &err else {
        panic!("{err:?}")
    };
    let expected = lean_toolchain::sha256_bytes(b"/* not the real lean.h */\n");
    assert_eq!(digest, &expected);
    let text = one_line_naming(&err, &dir.path().join("include/lean/lean.h"));
    assert!(text.contains(&expected), "{text}");
}

#[test]
fn a_malformed_sysroot_manifest() {
    let dir = tempfile::tempdir().unwrap();
    malformed_manifest(dir.path());
    let err = inspect_sysroot(dir.path()).unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::MalformedSysrootManifest { .. }),
        "{err:?}"
    );
    one_line_naming(&err, &dir.path().join("lean-rs-sysroot.json"));
}

#[test]
fn a_manifest_whose_digests_do_not_match() {
    let dir = tempfile::tempdir().unwrap();
    fake_runtime_only(dir.path(), "4.35.0", FAKE_COMMIT);
    // Change bin/lean after the manifest pinned it, keeping its behaviour.
    let lean = dir.path().join("bin/lean");
    let text = std::fs::read_to_string(&lean).unwrap() + "# edited\n";
    write_exec(&lean, &text);
    let err = inspect_sysroot(dir.path()).unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::MalformedSysrootManifest { .. }),
        "{err:?}"
    );
    assert!(one_line_naming(&err, dir.path()).contains("`bin/lean` has sha256"));
}

#[test]
fn a_manifest_that_disagrees_with_bin_lean() {
    let dir = tempfile::tempdir().unwrap();
    fake_runtime_only(dir.path(), "4.35.0", FAKE_COMMIT);
    fake_lean(dir.path(), "4.34.0", FAKE_COMMIT);
    let err = inspect_sysroot(dir.path()).unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::VersionMismatch { .. }),
        "{err:?}"
    );
    assert!(
        one_line_naming(&err, dir.path()).contains("version 4.35.0 but bin/lean reports 4.34.0")
    );
}

#[test]
fn a_bin_lean_that_fails_or_prints_garbage() {
    for script in [
        "#!/bin/sh\necho 'segfault' >&2\nexit 3\n",
        "#!/bin/sh\necho 'hello world'\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        fake_runtime_only(dir.path(), "4.35.0", FAKE_COMMIT);
        write_exec(&dir.path().join("bin/lean"), script);
        let err = inspect_sysroot(dir.path()).unwrap_err();
        assert!(
            matches!(err, LinkDiagnostics::LeanVersionUnreadable { .. }),
            "{err:?}"
        );
        one_line_naming(&err, &dir.path().join("bin/lean"));
    }
}

#[test]
fn a_library_without_header_or_manifest() {
    let dir = tempfile::tempdir().unwrap();
    fake_lean(dir.path(), "4.35.0", FAKE_COMMIT);
    small_shared_object(&dir.path().join("lib/lean/libleanshared.so"));
    let err = inspect_sysroot(dir.path()).unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::MissingHeader { .. }),
        "{err:?}"
    );
    one_line_naming(&err, dir.path());
}

fn inputs(start: &Path) -> DiscoveryInputs {
    DiscoveryInputs {
        lean_sysroot: None,
        path: Some(std::ffi::OsString::new()),
        elan_home: None,
        start_dir: Some(start.to_path_buf()),
        local_disabled: false,
    }
}

#[test]
fn discovery_finds_the_project_local_sysroot_by_walking_up() {
    let found = discover(&inputs(Path::new(env!("CARGO_MANIFEST_DIR"))));
    let chosen = found.result().unwrap();
    assert_eq!(chosen.sysroot, real_sysroot());
    let statuses: Vec<_> = found
        .candidates
        .iter()
        .map(|c| (c.source, c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            (CandidateSource::LeanSysroot, CandidateStatus::Absent),
            (CandidateSource::LeanOnPath, CandidateStatus::Absent),
            (CandidateSource::ElanDefault, CandidateStatus::Absent),
            (CandidateSource::ProjectLocal, CandidateStatus::Chosen),
        ]
    );
}

#[test]
fn an_unusable_lean_sysroot_is_authoritative() {
    let dir = tempfile::tempdir().unwrap();
    garbage(dir.path());
    let mut i = inputs(Path::new(env!("CARGO_MANIFEST_DIR")));
    i.lean_sysroot = Some(dir.path().to_path_buf());
    let found = discover(&i);
    let err = found.result().unwrap_err();
    assert!(matches!(err, LinkDiagnostics::MissingLean { .. }));
    assert_eq!(found.candidates[0].status, CandidateStatus::Rejected);
    assert_eq!(
        found.candidates[0].code,
        Some("lean_toolchain.missing_lean")
    );
    assert!(
        found.candidates[1..]
            .iter()
            .all(|c| c.status == CandidateStatus::NotConsulted)
    );
}

#[test]
fn discovery_uses_lean_on_path_and_its_print_prefix() {
    let bin = tempfile::tempdir().unwrap();
    write_exec(
        &bin.path().join("lean"),
        &format!(
            "#!/bin/sh\n[ \"$1\" = --print-prefix ] && echo '{}'\n",
            real_sysroot().display()
        ),
    );
    let nowhere = tempfile::tempdir().unwrap();
    let mut i = inputs(nowhere.path());
    i.path = Some(bin.path().as_os_str().to_owned());
    let found = discover(&i);
    assert_eq!(found.result().unwrap().sysroot, real_sysroot());
    assert_eq!(found.candidates[1].status, CandidateStatus::Chosen);
    assert_eq!(found.candidates[3].status, CandidateStatus::NotConsulted);
}

#[test]
fn discovery_uses_elans_default_toolchain() {
    let elan = tempfile::tempdir().unwrap();
    std::fs::write(
        elan.path().join("settings.toml"),
        "default_toolchain = \"leanprover/lean4:v4.35.0\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(elan.path().join("toolchains")).unwrap();
    std::os::unix::fs::symlink(
        real_sysroot(),
        elan.path().join("toolchains/leanprover--lean4---v4.35.0"),
    )
    .unwrap();
    let nowhere = tempfile::tempdir().unwrap();
    let mut i = inputs(nowhere.path());
    i.elan_home = Some(elan.path().to_path_buf());
    let found = discover(&i);
    assert_eq!(
        found.candidates[2].status,
        CandidateStatus::Chosen,
        "{:?}",
        found.candidates
    );
    assert!(
        found.candidates[2]
            .reason
            .contains("leanprover/lean4:v4.35.0")
    );
}

#[test]
fn a_rejected_candidate_falls_through_to_the_next() {
    let elan = tempfile::tempdir().unwrap();
    std::fs::write(
        elan.path().join("settings.toml"),
        "default_toolchain = \"leanprover/lean4:v4.20.0\"\n",
    )
    .unwrap();
    fake_runtime_only(
        &elan.path().join("toolchains/leanprover--lean4---v4.20.0"),
        "4.20.0",
        FAKE_COMMIT,
    );
    let mut i = inputs(Path::new(env!("CARGO_MANIFEST_DIR")));
    i.elan_home = Some(elan.path().to_path_buf());
    let found = discover(&i);
    assert_eq!(found.candidates[2].status, CandidateStatus::Rejected);
    assert_eq!(
        found.candidates[2].code,
        Some("lean_toolchain.unsupported_toolchain")
    );
    assert!(found.candidates[2].fingerprint.is_some());
    assert_eq!(found.candidates[3].status, CandidateStatus::Chosen);
}

#[test]
fn nothing_found_when_the_local_sysroot_is_disabled() {
    let nowhere = tempfile::tempdir().unwrap();
    let mut i = inputs(Path::new(env!("CARGO_MANIFEST_DIR")));
    i.local_disabled = true;
    i.start_dir = Some(nowhere.path().to_path_buf());
    let found = discover(&i);
    let err = found.result().unwrap_err();
    assert!(matches!(err, LinkDiagnostics::MissingLean { .. }));
    assert!(
        found.candidates[3]
            .reason
            .contains("LEAN_RS_NO_LOCAL_SYSROOT=1")
    );
    one_line_naming(&err, nowhere.path());
}

#[test]
fn link_directives_point_at_the_discovered_runtime() {
    let fp = inspect_sysroot(&real_sysroot()).unwrap();
    let lines = lean_toolchain::link_directives(&fp);
    let lib: PathBuf = real_sysroot().join("lib/lean");
    assert!(lines.contains(&format!("cargo:rustc-link-search=native={}", lib.display())));
    assert!(lines.contains(&"cargo:rustc-link-lib=dylib=leanshared".to_owned()));
    assert!(lines.contains(&format!(
        "cargo:rustc-link-arg=-Wl,-rpath,{}",
        lib.display()
    )));
    assert!(lines.iter().any(|l| l.ends_with("lean-rs-sysroot.json")));
}

#[test]
fn required_symbols_come_from_lean_rs_sys() {
    let symbols = lean_toolchain::required_symbols();
    assert!(symbols.len() > 100, "{}", symbols.len());
    for name in [
        "lean_initialize_runtime_module",
        "lean_initialize",
        "lean_dec_ref_cold",
    ] {
        assert!(symbols.contains(&name), "{name}");
    }
    // Built against the provisioned runtime-only 4.35.0 sysroot.
    assert_eq!(lean_toolchain::LEAN_VERSION, "4.35.0");
}

#[test]
fn checked_link_directives_discover_a_supported_toolchain_from_the_environment() {
    // Whatever this environment provides (LEAN_SYSROOT, PATH, elan, or the project-local
    // sysroot above the crate), the build-script entry point must find a supported toolchain.
    let fp = lean_toolchain::emit_lean_link_directives_checked()
        .unwrap()
        .unwrap();
    assert!(fp.is_supported(), "{}", fp.summary());
    assert!(fp.runtime_library.is_file());
}
