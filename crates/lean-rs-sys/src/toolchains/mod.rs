//! The supported Lean window and the audited header-less builds. The table itself lives in
//! `table.rs`, shared verbatim with `build.rs`, so the build-time check and the runtime view
//! can never disagree.

include!("table.rs");

/// The row whose `lean.h` hashes to `digest` (lower-case hex).
pub fn toolchain_for_digest(digest: &str) -> Option<&'static SupportedToolchain> {
    SUPPORTED_TOOLCHAINS
        .iter()
        .find(|t| t.header_digest == digest)
}

/// The row listing `version` (e.g. `"4.35.0-rc3"`).
pub fn toolchain_for_version(version: &str) -> Option<&'static SupportedToolchain> {
    SUPPORTED_TOOLCHAINS
        .iter()
        .find(|t| t.versions.contains(&version))
}

/// The audited runtime-only build with this exact version and commit.
pub fn known_runtime_build(version: &str, commit: &str) -> Option<&'static KnownRuntimeBuild> {
    KNOWN_RUNTIME_BUILDS
        .iter()
        .find(|b| b.version == version && b.commit == commit)
}

/// Oldest and newest supported versions.
pub fn supported_window() -> (&'static str, &'static str) {
    let first = SUPPORTED_TOOLCHAINS
        .first()
        .and_then(|t| t.versions.first())
        .copied()
        .unwrap_or_default();
    let last = SUPPORTED_TOOLCHAINS
        .last()
        .and_then(|t| t.versions.last())
        .copied()
        .unwrap_or_default();
    (first, last)
}

/// Text parsing used by `build.rs`, compiled here only to unit-test it.
#[cfg(test)]
mod parse {
    include!("parse.rs");
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_unique_well_formed_and_versions_unique() {
        let mut digests: Vec<&str> = SUPPORTED_TOOLCHAINS
            .iter()
            .map(|t| t.header_digest)
            .collect();
        assert!(digests.iter().all(|d| {
            d.len() == 64
                && d.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        }));
        digests.sort_unstable();
        digests.dedup();
        assert_eq!(digests.len(), SUPPORTED_TOOLCHAINS.len());
        let mut versions: Vec<&str> = SUPPORTED_TOOLCHAINS
            .iter()
            .flat_map(|t| t.versions.iter().copied())
            .collect();
        let n = versions.len();
        versions.sort_unstable();
        versions.dedup();
        assert_eq!(versions.len(), n);
        assert_eq!(n, 27, "4.26.0 ..= 4.35.0 including release candidates");
    }

    #[test]
    fn lookups() {
        assert_eq!(supported_window(), ("4.26.0", "4.35.0"));
        let row = toolchain_for_version("4.35.0-rc4").unwrap();
        assert_eq!(
            row.header_digest,
            "eb951e1171d39b828e7ad60aed0b90759598b678bfe58cf85c65a1559c021bf9"
        );
        assert!(row.versions.contains(&"4.35.0"));
        assert_eq!(toolchain_for_digest(row.header_digest), Some(row));
        assert!(toolchain_for_version("4.25.0").is_none());
        assert!(
            known_runtime_build("4.35.0", "eb6cafb7290e8bd5f2937522d8d804f58f02bafc").is_some()
        );
        assert!(
            known_runtime_build("4.35.0", "0000000000000000000000000000000000000000").is_none()
        );
    }

    #[test]
    fn build_script_parsing() {
        use super::parse::*;
        let out = "Lean (version 4.35.0, x86_64-unknown-linux-gnu, commit eb6cafb7290e8bd5f2937522d8d804f58f02bafc, Release)\n";
        assert_eq!(
            parse_lean_version_output(out),
            Some((
                "4.35.0".to_owned(),
                Some("eb6cafb7290e8bd5f2937522d8d804f58f02bafc".to_owned())
            ))
        );
        assert_eq!(
            parse_lean_version_output("Lean (version 4.30.0-rc2, Release)"),
            Some(("4.30.0-rc2".to_owned(), None))
        );
        assert_eq!(parse_lean_version_output("garbage"), None);
        let json = "{\n  \"schema\": 1,\n  \"version\": \"4.35.0\",\n  \"commit\": \"abc\",\n  \"source\": {\"version\": \"0.3.3\"}\n}";
        assert_eq!(
            json_string_field(json, "version").as_deref(),
            Some("4.35.0")
        );
        assert_eq!(json_string_field(json, "commit").as_deref(), Some("abc"));
        assert_eq!(json_string_field(json, "schema"), None, "not a string");
        assert_eq!(json_string_field(json, "missing"), None);
        let settings = "telemetry = false\ndefault_toolchain = \"leanprover/lean4:v4.35.0\"\n";
        let name = elan_default_toolchain_name(settings).unwrap();
        assert_eq!(
            elan_toolchain_dir_name(&name),
            "leanprover--lean4---v4.35.0"
        );
        assert_eq!(elan_default_toolchain_name("[overrides]\n"), None);
        assert_eq!(version_cfg_name("4.35.0-rc3"), "lean_v_4_35_0_rc3");
        // Every version in the window maps to a cfg the workspace declares.
        let manifest =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"))
                .unwrap();
        for v in SUPPORTED_TOOLCHAINS.iter().flat_map(|t| t.versions) {
            assert!(
                manifest.contains(&format!("cfg({})", version_cfg_name(v))),
                "{v} not in check-cfg"
            );
        }
    }
}
