//! Shared helpers of the fuzz targets in `fuzz_targets/` (see `docs/fuzzing.md`).

use std::path::PathBuf;

/// Writes `bytes` to this process's scratch file and returns its path, for readers that
/// take a path (olean header, ELF symbols). One file per process, rewritten each run;
/// `/dev/shm` when it exists, so a run costs no disk I/O.
///
/// # Errors
/// The write's I/O error (the targets then skip the input).
pub fn scratch_file(bytes: &[u8]) -> std::io::Result<PathBuf> {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!("lean-rs-fuzz-{}.bin", std::process::id()));
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// The input as text: the readers behind these targets take `&str` (their callers refuse
/// non-UTF-8 files first), so invalid bytes are replaced rather than the input dropped.
#[must_use]
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}
