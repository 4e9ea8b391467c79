//! The supported Lean window, as seen by this crate.
//!
//! ADAPTER: the single source of truth is `lean_rs_sys::SUPPORTED_TOOLCHAINS`.
//! Until lean-rs-sys exports it, the rows below stand in for it; when it lands
//! this module must read that table instead and the rows below must go.

use crate::version::LeanVersion;

/// One header-identical group of supported releases.
struct Row {
    versions: &'static [&'static str],
    header_sha256: &'static str,
}

// ADAPTER rows (mirror of lean_rs_sys::SUPPORTED_TOOLCHAINS; remove when it lands).
const ROWS: &[Row] = &[
    Row { versions: &["4.26.0"], header_sha256: "e0ea3efaccceb5b75c7e9e1ab92952c8aa85c3faee28ee949dfeb8ab428ad218" },
    Row { versions: &["4.27.0"], header_sha256: "42255d180910bb063d97c87cfb2a61550009ca9ceb6f495069c56bfaa6c92e13" },
    Row { versions: &["4.28.0"], header_sha256: "624726e5f1f10fd77cd95b8fe8f30389312e57c8fc98e6c2f1989289bdb5fb0e" },
    Row { versions: &["4.28.1"], header_sha256: "648ecfb615ef0222cd63b5f1bbbc379a06749bc0f5f4c2eb16ffca26fd18fe81" },
    Row { versions: &["4.29.0"], header_sha256: "671683950ef412474bede2c6a2b50aecf4f99bc29e1ddaf2222ee54ad4ffb91c" },
    Row { versions: &["4.29.1"], header_sha256: "2e481a0dac7215eb16123eaef97298ae5a6d0bd0c28c534c2818e2d2f2a28efc" },
    Row { versions: &["4.30.0-rc2"], header_sha256: "790b121ce52942086a360a91f6db5f0f738043bc87b669daffa3fb8bc01e6dd3" },
    Row { versions: &["4.30.0"], header_sha256: "5a25125970f4f1dcf85a4c403463b387a8ff93535cd4a3054cafdee1759017d7" },
    Row { versions: &["4.31.0-rc1", "4.31.0-rc2"], header_sha256: "99ef35d69709e38caf836cf9ebbdf94d4474801e04157b8a72622dbdc653ec87" },
    Row { versions: &["4.31.0"], header_sha256: "486fe204404c0fdfb753b7e089c1c0d38fbdb396206030497696165e31218992" },
    Row { versions: &["4.32.0-rc1", "4.32.0", "4.32.2"], header_sha256: "22eed50aa703c4403010fabc12a7231ffa34dc979bd59ca1bfbac13c29a1dad2" },
    Row { versions: &["4.33.0-rc1", "4.33.0-rc2", "4.33.0"], header_sha256: "9018878554c5552ff3754865780d21825c2d0c5c4b47491b37bf6fe046adcd56" },
    Row { versions: &["4.33.1"], header_sha256: "02af0040283143b264e3a44b06b348b6973ae6037fa8f550701c83dd7a062ace" },
    Row { versions: &["4.34.0-rc1"], header_sha256: "19510ea01b07c55bd49066566e586179fe77f11120eeab7a29da50fa93cb1c8a" },
    Row { versions: &["4.34.0-rc2", "4.34.0"], header_sha256: "982c731a1fbacc7688006f44f9f7af9d9e3e0247d310a728827f49e7f1466c13" },
    Row { versions: &["4.34.1"], header_sha256: "866d80c309a9945b401e61fcf335a3b8545fb75c8b0a8b721fb1d3d3143d5d9c" },
    Row { versions: &["4.35.0-rc1"], header_sha256: "322d6bd8ab2646dfe3aa781a5f02e7d63ef7f121889b450fd55a1118b1afe3dc" },
    Row { versions: &["4.35.0-rc2"], header_sha256: "071e79d039717e51b1bd44bf0e1cdd950bc8fc2495a9e05f7aea481b42fa9926" },
    Row { versions: &["4.35.0-rc3", "4.35.0-rc4", "4.35.0"], header_sha256: "eb951e1171d39b828e7ad60aed0b90759598b678bfe58cf85c65a1559c021bf9" },
];

// ADAPTER: commits of releases whose header-less runtime-only sysroots are known.
const RUNTIME_COMMITS: &[(&str, &str)] = &[("4.35.0", "eb6cafb7290e8bd5f2937522d8d804f58f02bafc")];

fn all_versions() -> impl Iterator<Item = &'static str> {
    ROWS.iter().flat_map(|row| row.versions.iter().copied())
}

/// True when `version` is a named release of the supported window.
pub fn is_supported_version(version: &LeanVersion) -> bool {
    all_versions().any(|v| LeanVersion::parse(v).as_ref() == Some(version))
}

/// The releases whose `lean.h` has this SHA-256 (empty when unknown).
pub fn versions_for_header_digest(digest: &str) -> &'static [&'static str] {
    ROWS.iter().find(|row| row.header_sha256 == digest).map_or(&[], |row| row.versions)
}

/// The commit a header-less runtime of `version` must report, when known.
pub fn known_runtime_commit(version: &LeanVersion) -> Option<&'static str> {
    RUNTIME_COMMITS
        .iter()
        .find(|(v, _)| LeanVersion::parse(v).as_ref() == Some(version))
        .map(|(_, commit)| *commit)
}

/// The oldest and newest supported releases.
pub fn bounds() -> (LeanVersion, LeanVersion) {
    let mut versions = all_versions().filter_map(LeanVersion::parse);
    let first = versions.next().unwrap_or(LeanVersion { major: 4, minor: 26, patch: 0, rc: None });
    versions.fold((first.clone(), first), |(lo, hi), v| {
        (if v < lo { v.clone() } else { lo }, if v > hi { v } else { hi })
    })
}

/// The window rendered for diagnostics, e.g. `4.26.0 ..= 4.35.0 (named releases only)`.
pub fn describe() -> String {
    let (lo, hi) = bounds();
    format!("{lo} ..= {hi}, named releases only")
}

/// The Lean toolchain lean-rs-sys was built for, as `version` (and header digest).
///
/// ADAPTER: reads nothing from lean-rs-sys yet; replace with its `LEAN_VERSION` /
/// `LEAN_HEADER_DIGEST` constants when they land.
pub fn baked_toolchain() -> String {
    "unknown (lean-rs-sys build metadata not yet wired)".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_covers_4_26_to_4_35() {
        let (lo, hi) = bounds();
        assert_eq!(lo.to_string(), "4.26.0");
        assert_eq!(hi.to_string(), "4.35.0");
        assert!(is_supported_version(&LeanVersion::parse("4.30.0-rc2").unwrap()));
        assert!(!is_supported_version(&LeanVersion::parse("4.30.0-rc1").unwrap()));
        assert!(!is_supported_version(&LeanVersion::parse("4.20.0").unwrap()));
        assert_eq!(
            versions_for_header_digest("eb951e1171d39b828e7ad60aed0b90759598b678bfe58cf85c65a1559c021bf9"),
            ["4.35.0-rc3", "4.35.0-rc4", "4.35.0"]
        );
        assert!(versions_for_header_digest(&"0".repeat(64)).is_empty());
    }
}
