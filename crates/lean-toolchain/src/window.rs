//! The supported Lean window, as rendered from `lean_rs_sys::toolchains` (its single home)
//! by this crate's build script.

use crate::version::LeanVersion;

/// lean-rs-sys's tables and constants, rendered at build time (see build.rs).
pub(crate) mod facts {
    include!(concat!(env!("OUT_DIR"), "/lean_rs_sys_facts.rs"));
}

fn all_versions() -> impl Iterator<Item = &'static str> {
    facts::SUPPORTED_ROWS
        .iter()
        .flat_map(|(versions, _)| versions.iter().copied())
}

/// True when `version` is a named release of the supported window.
pub fn is_supported_version(version: &LeanVersion) -> bool {
    all_versions().any(|v| LeanVersion::parse(v).as_ref() == Some(version))
}

/// The releases whose `lean.h` has this SHA-256 (empty when unknown).
pub fn versions_for_header_digest(digest: &str) -> &'static [&'static str] {
    facts::SUPPORTED_ROWS
        .iter()
        .find(|(_, d)| *d == digest)
        .map_or(&[], |(versions, _)| versions)
}

/// The commit a header-less runtime of `version` must report, when one is audited.
pub fn known_runtime_commit(version: &LeanVersion) -> Option<&'static str> {
    facts::RUNTIME_BUILDS
        .iter()
        .find(|(v, _)| LeanVersion::parse(v).as_ref() == Some(version))
        .map(|(_, commit)| *commit)
}

/// The oldest and newest supported releases.
pub fn bounds() -> (LeanVersion, LeanVersion) {
    let mut versions = all_versions().filter_map(LeanVersion::parse);
    // The table is never empty (lean-rs-sys tests it); 4.26.0 is only a typed fallback.
    let first = versions.next().unwrap_or(LeanVersion {
        major: 4,
        minor: 26,
        patch: 0,
        rc: None,
    });
    versions.fold((first.clone(), first), |(lo, hi), v| {
        (
            if v < lo { v.clone() } else { lo },
            if v > hi { v } else { hi },
        )
    })
}

/// The window rendered for diagnostics, e.g. `4.26.0 ..= 4.35.0, named releases only`.
pub fn describe() -> String {
    let (lo, hi) = bounds();
    format!("{lo} ..= {hi}, named releases only")
}

/// The Lean toolchain lean-rs-sys was built against: `version (kind, commit or header digest)`.
pub fn baked_toolchain() -> String {
    let id = facts::HEADER_DIGEST
        .or(facts::COMMIT)
        .unwrap_or("unidentified");
    format!("{} ({}, {id})", facts::VERSION, facts::KIND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_covers_4_26_to_4_35() {
        let (lo, hi) = bounds();
        assert_eq!(lo.to_string(), "4.26.0");
        assert_eq!(hi.to_string(), "4.35.0");
        assert!(is_supported_version(
            &LeanVersion::parse("4.30.0-rc2").unwrap()
        ));
        assert!(!is_supported_version(
            &LeanVersion::parse("4.30.0-rc1").unwrap()
        ));
        assert!(!is_supported_version(
            &LeanVersion::parse("4.20.0").unwrap()
        ));
        assert_eq!(
            versions_for_header_digest(
                "eb951e1171d39b828e7ad60aed0b90759598b678bfe58cf85c65a1559c021bf9"
            ),
            ["4.35.0-rc3", "4.35.0-rc4", "4.35.0"]
        );
        assert!(versions_for_header_digest(&"0".repeat(64)).is_empty());
        assert_eq!(
            known_runtime_commit(&LeanVersion::parse("4.35.0").unwrap()),
            Some("eb6cafb7290e8bd5f2937522d8d804f58f02bafc")
        );
    }
}
