//! SHA-256 helpers and the Lake fixture digest.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Lower-case hex of a finished SHA-256.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            // Writing to a String cannot fail.
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// SHA-256 of a file's contents, streamed.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// SHA-256 of a byte string.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Reads at most `limit` bytes of `path`; a longer file is an error, not a silent cut.
pub(crate) fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let mut buf = Vec::new();
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {limit} bytes"),
        ));
    }
    Ok(buf)
}

/// Directory names never part of a Lake project's sources.
const SKIPPED_DIRS: &[&str] = &[".lake", "build", ".git", "lake-packages"];

/// Most files a fixture digest or source scan visits before giving up.
pub(crate) const MAX_SCANNED_FILES: usize = 100_000;

/// Every regular file below `root` (skipping Lake build output and `.git`), as sorted
/// relative paths with `/` separators. Symlinks are not followed.
pub(crate) fn list_files(root: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            let name = entry.file_name();
            if kind.is_dir() {
                if !SKIPPED_DIRS.iter().any(|s| name == *s) {
                    stack.push(path);
                }
            } else if kind.is_file() {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, path));
                if out.len() > MAX_SCANNED_FILES {
                    return Err(io::Error::other(format!(
                        "more than {MAX_SCANNED_FILES} files"
                    )));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Digest of a Lake fixture directory: SHA-256 over every file's relative path and
/// contents in sorted order, skipping `.lake/`, `build/` and `.git/`.
///
/// Two checkouts of the same fixture sources give the same digest on any machine, so
/// it can key caches of built fixture artifacts.
pub fn fixture_digest(root: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    for (rel, path) in list_files(root)? {
        hash_entry(&mut hasher, &rel, &std::fs::read(&path)?);
    }
    Ok(hex(&hasher.finalize()))
}

/// Feeds one (path, contents) pair, length-prefixed so no two listings collide.
pub(crate) fn hash_entry(hasher: &mut Sha256, rel: &str, contents: &[u8]) {
    hasher.update((rel.len() as u64).to_le_bytes());
    hasher.update(rel.as_bytes());
    hasher.update((contents.len() as u64).to_le_bytes());
    hasher.update(contents);
}

/// The first `n` bytes of a file (fewer if it is shorter).
pub(crate) fn read_prefix(path: &Path, n: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    File::open(path)?.take(n).read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sha256() {
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn fixture_digest_tracks_content_and_names_but_not_build_output() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lakefile.lean"), "lean_lib A\n").unwrap();
        std::fs::write(dir.path().join("A.lean"), "def x := 1\n").unwrap();
        let first = fixture_digest(dir.path()).unwrap();
        std::fs::create_dir_all(dir.path().join(".lake/build")).unwrap();
        std::fs::write(dir.path().join(".lake/build/junk"), "x").unwrap();
        assert_eq!(fixture_digest(dir.path()).unwrap(), first);
        std::fs::write(dir.path().join("A.lean"), "def x := 2\n").unwrap();
        let second = fixture_digest(dir.path()).unwrap();
        assert_ne!(second, first);
        std::fs::rename(dir.path().join("A.lean"), dir.path().join("B.lean")).unwrap();
        assert_ne!(fixture_digest(dir.path()).unwrap(), second);
    }
}
