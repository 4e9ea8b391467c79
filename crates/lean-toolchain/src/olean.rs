//! Checking `.olean` files before Lean reads them.
//!
//! Lean 4.35.0 maps an olean and follows the pointers in it without checking that they stay
//! inside the file: importing a truncated olean in-process is a segmentation fault, not an
//! error. A host that imports files it did not just build checks them here first: the
//! header (magic, format version, the Lean version and commit that wrote it) and that the
//! root object the header points at lies inside the file. That catches truncation, which
//! cuts the root (written last) away; it does not prove the object graph is intact.
//!
//! Layout (format version 2): `"olean"`, a version byte, a flags byte, the Lean version
//! (33 bytes, NUL-padded), the commit (40 bytes), the address the file is meant to be mapped
//! at (8 bytes), then the data, whose first word is the root object's address.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Header size up to and including the mapping address.
const HEADER_LEN: u64 = 5 + 1 + 1 + 33 + 40 + 8;
/// The one format version this reader knows.
const FORMAT_VERSION: u8 = 2;
/// Smallest Lean object (its header), for the "root lies inside" check.
const MIN_OBJECT: u64 = 8;

/// What an olean's header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OleanHeader {
    /// The file.
    pub path: PathBuf,
    /// Header format version.
    pub format: u8,
    /// Flag byte (bit 0: bignums stored in GMP's encoding).
    pub flags: u8,
    /// The Lean version that wrote it, e.g. `4.35.0`.
    pub lean_version: String,
    /// The commit of that Lean.
    pub commit: String,
    /// Where the file is meant to be mapped.
    pub base_address: u64,
    /// Offset of the root object from the start of the file.
    pub root_offset: u64,
    /// The file's length.
    pub len: u64,
}

/// Why an olean was refused. `Display` is one line naming the file and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OleanError {
    /// It could not be read.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        detail: String,
    },
    /// It is not an olean of a format this reader knows.
    NotAnOlean {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// Its root object lies outside the file: it was cut short.
    Truncated {
        /// The file.
        path: PathBuf,
        /// Its length.
        len: u64,
        /// The length the root object needs.
        needs: u64,
    },
    /// Another Lean wrote it.
    WrongLean {
        /// The file.
        path: PathBuf,
        /// Who wrote it.
        found: String,
        /// Who must have.
        expected: String,
    },
}

impl fmt::Display for OleanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable { path, detail } => {
                write!(f, "{}: cannot read the olean: {detail}", path.display())
            }
            Self::NotAnOlean { path, detail } => write!(
                f,
                "{}: not a Lean olean ({detail}); rebuild the module that produces it",
                path.display()
            ),
            Self::Truncated { path, len, needs } => write!(
                f,
                "{}: the olean is truncated ({len} bytes, its root object needs {needs}); rebuild it",
                path.display()
            ),
            Self::WrongLean {
                path,
                found,
                expected,
            } => write!(
                f,
                "{}: written by Lean {found}, but this runtime is Lean {expected}; rebuild it with this toolchain",
                path.display()
            ),
        }
    }
}

impl std::error::Error for OleanError {}

impl OleanError {
    /// A stable identifier for the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable { .. } => "olean.unreadable",
            Self::NotAnOlean { .. } => "olean.not_an_olean",
            Self::Truncated { .. } => "olean.truncated",
            Self::WrongLean { .. } => "olean.wrong_lean",
        }
    }
}

fn padded(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(w)
}

/// Reads and checks the header of the olean at `path` (see the module docs).
pub fn read_olean_header(path: &Path) -> Result<OleanHeader, OleanError> {
    let unreadable = |e: std::io::Error| OleanError::Unreadable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let not_olean = |detail: &str| OleanError::NotAnOlean {
        path: path.to_path_buf(),
        detail: detail.to_owned(),
    };
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    let mut head = Vec::with_capacity(usize::try_from(HEADER_LEN + 8).unwrap_or(128));
    file.by_ref()
        .take(HEADER_LEN + 8)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    if head.len() < 7 || &head[..5] != b"olean" {
        return Err(not_olean("no `olean` magic"));
    }
    let format = head[5];
    if format != FORMAT_VERSION {
        return Err(not_olean(&format!(
            "header format {format}, this reader knows {FORMAT_VERSION}"
        )));
    }
    let header_len = usize::try_from(HEADER_LEN + 8).unwrap_or(usize::MAX);
    if head.len() < header_len {
        return Err(OleanError::Truncated {
            path: path.to_path_buf(),
            len,
            needs: HEADER_LEN + 8,
        });
    }
    let base_address = word(&head[80..88]);
    let root = word(&head[88..96]);
    let root_offset = root.wrapping_sub(base_address);
    if root < base_address || root_offset < HEADER_LEN || root_offset % 8 != 0 {
        return Err(not_olean("its root pointer does not point into the file"));
    }
    let needs = root_offset.saturating_add(MIN_OBJECT);
    if needs > len {
        return Err(OleanError::Truncated {
            path: path.to_path_buf(),
            len,
            needs,
        });
    }
    Ok(OleanHeader {
        path: path.to_path_buf(),
        format,
        flags: head[6],
        lean_version: padded(&head[7..40]),
        commit: padded(&head[40..80]),
        base_address,
        root_offset,
        len,
    })
}

/// [`read_olean_header`], and the olean must have been written by Lean `version` at `commit`.
pub fn check_olean(path: &Path, version: &str, commit: &str) -> Result<OleanHeader, OleanError> {
    let header = read_olean_header(path)?;
    if header.lean_version != version || header.commit != commit {
        return Err(OleanError::WrongLean {
            path: path.to_path_buf(),
            found: format!("{} ({})", header.lean_version, header.commit),
            expected: format!("{version} ({commit})"),
        });
    }
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(root_offset: u64, len: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        bytes[..5].copy_from_slice(b"olean");
        bytes[5] = 2;
        bytes[6] = 1;
        bytes[7..13].copy_from_slice(b"4.35.0");
        bytes[40..44].copy_from_slice(b"abcd");
        let base: u64 = 0x1000_0000;
        bytes[80..88].copy_from_slice(&base.to_le_bytes());
        bytes[88..96].copy_from_slice(&(base + root_offset).to_le_bytes());
        bytes
    }

    fn check(bytes: &[u8]) -> Result<OleanHeader, OleanError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("X.olean");
        std::fs::write(&path, bytes).unwrap();
        read_olean_header(&path)
    }

    #[test]
    fn a_whole_file_passes_and_reports_its_writer() {
        let h = check(&sample(200, 256)).unwrap();
        assert_eq!(
            (h.lean_version.as_str(), h.commit.as_str()),
            ("4.35.0", "abcd")
        );
        assert_eq!(h.root_offset, 200);
    }

    #[test]
    fn truncation_and_garbage_are_refused_in_one_line() {
        let whole = sample(200, 256);
        let err = check(&whole[..150]).unwrap_err();
        assert_eq!(err.code(), "olean.truncated", "{err}");
        assert!(err.to_string().contains("rebuild"));
        assert_eq!(check(&whole[..40]).unwrap_err().code(), "olean.truncated");
        assert_eq!(
            check(b"not an olean").unwrap_err().code(),
            "olean.not_an_olean"
        );
        assert_eq!(check(b"").unwrap_err().code(), "olean.not_an_olean");
        let mut v3 = whole.clone();
        v3[5] = 3;
        assert_eq!(check(&v3).unwrap_err().code(), "olean.not_an_olean");
        assert_eq!(
            check(&sample(3, 256)).unwrap_err().code(),
            "olean.not_an_olean"
        );
        for err in [check(&whole[..150]).unwrap_err(), check(b"x").unwrap_err()] {
            assert!(!err.to_string().contains('\n'));
        }
    }
}
