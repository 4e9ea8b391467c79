//! Lean release versions and the `lean --version` line.

use std::cmp::Ordering;
use std::fmt;

/// A Lean release version such as `4.35.0` or `4.35.0-rc2`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LeanVersion {
    /// Major component.
    pub major: u32,
    /// Minor component.
    pub minor: u32,
    /// Patch component.
    pub patch: u32,
    /// Release-candidate number, if this is `-rcN`.
    pub rc: Option<u32>,
}

impl LeanVersion {
    /// Parses `X.Y.Z` or `X.Y.Z-rcN` (a leading `v` is accepted). Anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let (core, rc) = match text.split_once('-') {
            Some((core, suffix)) => (core, Some(parse_number(suffix.strip_prefix("rc")?)?)),
            None => (text, None),
        };
        let mut parts = core.split('.');
        let major = parse_number(parts.next()?)?;
        let minor = parse_number(parts.next()?)?;
        let patch = parse_number(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            major,
            minor,
            patch,
            rc,
        })
    }
}

fn parse_number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl Ord for LeanVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.rc, other.rc) {
                (None, None) => Ordering::Equal,
                // A release sorts after its release candidates.
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(&b),
            })
    }
}

impl PartialOrd for LeanVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for LeanVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(rc) = self.rc {
            write!(f, "-rc{rc}")?;
        }
        Ok(())
    }
}

/// What `lean --version` says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeanVersionReport {
    /// The release, e.g. `4.35.0`.
    pub version: LeanVersion,
    /// The target triple, e.g. `x86_64-unknown-linux-gnu` (older releases omit it).
    pub platform: Option<String>,
    /// The full 40-hex commit.
    pub commit: String,
    /// The build flavour, e.g. `Release`.
    pub build: String,
}

/// Parses `Lean (version 4.35.0, x86_64-unknown-linux-gnu, commit <40 hex>, Release)`.
///
/// Returns a short reason on failure; callers wrap it in a diagnostic.
pub fn parse_version_line(line: &str) -> Result<LeanVersionReport, String> {
    let line = line.trim();
    let inner = line
        .strip_prefix("Lean (")
        .and_then(|rest| rest.strip_suffix(')'))
        .ok_or_else(|| "expected `Lean (version …, commit …, …)`".to_owned())?;
    let fields: Vec<&str> = inner.split(", ").collect();
    let version_text = fields
        .first()
        .and_then(|f| f.strip_prefix("version "))
        .ok_or("no `version` field")?;
    let version = LeanVersion::parse(version_text)
        .ok_or_else(|| format!("`{version_text}` is not a Lean release version"))?;
    let commit_index = fields
        .iter()
        .position(|f| f.starts_with("commit "))
        .ok_or("no `commit` field")?;
    let commit = fields[commit_index]
        .trim_start_matches("commit ")
        .to_owned();
    if !is_commit_hash(&commit) {
        return Err(format!("commit `{commit}` is not 40 lower-case hex digits"));
    }
    let platform = match commit_index {
        1 => None,
        2 => Some(fields[1].to_owned()),
        _ => return Err("unexpected fields before `commit`".to_owned()),
    };
    let build = fields
        .get(commit_index + 1)
        .map_or_else(String::new, |b| (*b).to_owned());
    Ok(LeanVersionReport {
        version,
        platform,
        commit,
        build,
    })
}

/// True for exactly 40 lower-case hexadecimal digits (a full git commit).
pub fn is_commit_hash(text: &str) -> bool {
    text.len() == 40
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// True for exactly 64 lower-case hexadecimal digits (a SHA-256).
pub(crate) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_real_4_35_line() {
        let report = parse_version_line(
            "Lean (version 4.35.0, x86_64-unknown-linux-gnu, commit eb6cafb7290e8bd5f2937522d8d804f58f02bafc, Release)\n",
        )
        .unwrap();
        assert_eq!(report.version.to_string(), "4.35.0");
        assert_eq!(report.platform.as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(report.commit, "eb6cafb7290e8bd5f2937522d8d804f58f02bafc");
        assert_eq!(report.build, "Release");
    }

    #[test]
    fn rejects_garbage_lines() {
        for bad in [
            "",
            "lean 4.35.0",
            "Lean (version 4.x, commit eb6cafb7290e8bd5f2937522d8d804f58f02bafc, Release)",
            "Lean (version 4.35.0, x86, commit eb6c, Release)",
            "Lean (version 4.35.0, a, b, commit eb6cafb7290e8bd5f2937522d8d804f58f02bafc, Release)",
        ] {
            assert!(
                parse_version_line(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn orders_release_candidates_before_the_release() {
        let v = |s| LeanVersion::parse(s).unwrap();
        assert!(v("4.35.0-rc4") < v("4.35.0"));
        assert!(v("4.35.0-rc2") < v("4.35.0-rc10"));
        assert!(v("4.34.1") < v("4.35.0-rc1"));
        assert_eq!(v("v4.30.0-rc2").to_string(), "4.30.0-rc2");
        assert!(LeanVersion::parse("4.35").is_none());
        assert!(LeanVersion::parse("4.35.0-beta").is_none());
    }
}
