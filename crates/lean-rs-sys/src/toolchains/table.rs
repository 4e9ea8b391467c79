// Data shared verbatim by `build.rs` (via `include!`) and the crate (`crate::toolchains`), so the
// supported window is written down exactly once. Keep this file free of `crate::` paths.

/// One `lean.h` revision inside the supported window: every release whose header hashes to
/// `header_digest` (header-identical releases share a row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportedToolchain {
    /// Lean releases (oldest first) that ship this exact `lean.h`.
    pub versions: &'static [&'static str],
    /// Lower-case hex SHA-256 of `include/lean/lean.h`.
    pub header_digest: &'static str,
}

/// A header-less ("runtime-only") Lean build that has been audited against the mirrors: it is
/// recognised by the version and commit that Lean itself reports, since there is no `lean.h` to hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownRuntimeBuild {
    /// Version as printed by `lean --version`.
    pub version: &'static str,
    /// Full 40-hex-digit commit as printed by `lean --version`.
    pub commit: &'static str,
    /// Whether this runtime freezes over/underflowing reference counts ("sticky" range).
    pub sticky_rc: bool,
    /// Whether this runtime allocates small objects with mimalloc (affects `m_cs_sz`).
    pub mimalloc: bool,
}

/// The supported window, oldest first.
pub const SUPPORTED_TOOLCHAINS: &[SupportedToolchain] = &[
    SupportedToolchain { versions: &["4.26.0"], header_digest: "e0ea3efaccceb5b75c7e9e1ab92952c8aa85c3faee28ee949dfeb8ab428ad218" },
    SupportedToolchain { versions: &["4.27.0"], header_digest: "42255d180910bb063d97c87cfb2a61550009ca9ceb6f495069c56bfaa6c92e13" },
    SupportedToolchain { versions: &["4.28.0"], header_digest: "624726e5f1f10fd77cd95b8fe8f30389312e57c8fc98e6c2f1989289bdb5fb0e" },
    SupportedToolchain { versions: &["4.28.1"], header_digest: "648ecfb615ef0222cd63b5f1bbbc379a06749bc0f5f4c2eb16ffca26fd18fe81" },
    SupportedToolchain { versions: &["4.29.0"], header_digest: "671683950ef412474bede2c6a2b50aecf4f99bc29e1ddaf2222ee54ad4ffb91c" },
    SupportedToolchain { versions: &["4.29.1"], header_digest: "2e481a0dac7215eb16123eaef97298ae5a6d0bd0c28c534c2818e2d2f2a28efc" },
    SupportedToolchain { versions: &["4.30.0-rc2"], header_digest: "790b121ce52942086a360a91f6db5f0f738043bc87b669daffa3fb8bc01e6dd3" },
    SupportedToolchain { versions: &["4.30.0"], header_digest: "5a25125970f4f1dcf85a4c403463b387a8ff93535cd4a3054cafdee1759017d7" },
    SupportedToolchain { versions: &["4.31.0-rc1", "4.31.0-rc2"], header_digest: "99ef35d69709e38caf836cf9ebbdf94d4474801e04157b8a72622dbdc653ec87" },
    SupportedToolchain { versions: &["4.31.0"], header_digest: "486fe204404c0fdfb753b7e089c1c0d38fbdb396206030497696165e31218992" },
    SupportedToolchain { versions: &["4.32.0-rc1", "4.32.0", "4.32.2"], header_digest: "22eed50aa703c4403010fabc12a7231ffa34dc979bd59ca1bfbac13c29a1dad2" },
    SupportedToolchain { versions: &["4.33.0-rc1", "4.33.0-rc2", "4.33.0"], header_digest: "9018878554c5552ff3754865780d21825c2d0c5c4b47491b37bf6fe046adcd56" },
    SupportedToolchain { versions: &["4.33.1"], header_digest: "02af0040283143b264e3a44b06b348b6973ae6037fa8f550701c83dd7a062ace" },
    SupportedToolchain { versions: &["4.34.0-rc1"], header_digest: "19510ea01b07c55bd49066566e586179fe77f11120eeab7a29da50fa93cb1c8a" },
    SupportedToolchain { versions: &["4.34.0-rc2", "4.34.0"], header_digest: "982c731a1fbacc7688006f44f9f7af9d9e3e0247d310a728827f49e7f1466c13" },
    SupportedToolchain { versions: &["4.34.1"], header_digest: "866d80c309a9945b401e61fcf335a3b8545fb75c8b0a8b721fb1d3d3143d5d9c" },
    SupportedToolchain { versions: &["4.35.0-rc1"], header_digest: "322d6bd8ab2646dfe3aa781a5f02e7d63ef7f121889b450fd55a1118b1afe3dc" },
    SupportedToolchain { versions: &["4.35.0-rc2"], header_digest: "071e79d039717e51b1bd44bf0e1cdd950bc8fc2495a9e05f7aea481b42fa9926" },
    SupportedToolchain { versions: &["4.35.0-rc3", "4.35.0-rc4", "4.35.0"], header_digest: "eb951e1171d39b828e7ad60aed0b90759598b678bfe58cf85c65a1559c021bf9" },
];

/// Header-less builds identified by (version, commit); see `tests/runtime_probe.rs` for how the
/// flags were established on the real library.
pub const KNOWN_RUNTIME_BUILDS: &[KnownRuntimeBuild] = &[
    KnownRuntimeBuild {
        version: "4.35.0",
        commit: "eb6cafb7290e8bd5f2937522d8d804f58f02bafc",
        sticky_rc: true,
        mimalloc: true,
    },
];
