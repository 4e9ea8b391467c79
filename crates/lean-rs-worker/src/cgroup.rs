//! A memory cgroup per local worker child (Linux): the kernel enforces the child's memory limit,
//! and its OOM-kill counter tells a memory kill from a plain `kill -9` (both are `SIGKILL`).
//!
//! The group is created next to this process's own memory cgroup (found through
//! `/proc/self/cgroup` and `/proc/self/mountinfo`): cgroup v2 when the unified hierarchy offers
//! the memory controller to it (`memory.max`, `memory.events`), else the v1 memory hierarchy
//! (`memory.limit_in_bytes`, `memory.oom_control`). The forked child joins it before `exec` by
//! writing `0` to its `cgroup.procs`, so all of Lean's start-up is charged to it. The group is
//! removed when the child has been reaped.

use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

/// One child's memory cgroup; removed on drop.
#[derive(Debug)]
pub(crate) struct MemoryCgroup {
    dir: PathBuf,
    version: Version,
    limit_bytes: u64,
    procs: CString,
}

/// Where this process's memory cgroup lives, per hierarchy version.
fn own_groups() -> Vec<(Version, PathBuf)> {
    let (Ok(cgroups), Ok(mounts)) = (
        fs::read_to_string("/proc/self/cgroup"),
        fs::read_to_string("/proc/self/mountinfo"),
    ) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    // mountinfo: id parent major:minor root mount-point options… - fstype source super-options
    for mount in mounts.lines() {
        let Some((left, right)) = mount.split_once(" - ") else {
            continue;
        };
        let left: Vec<&str> = left.split(' ').collect();
        let right: Vec<&str> = right.split(' ').collect();
        let (Some(root), Some(point), Some(fstype)) = (left.get(3), left.get(4), right.first())
        else {
            continue;
        };
        let version = match *fstype {
            "cgroup2" => Version::V2,
            "cgroup"
                if right
                    .get(2)
                    .is_some_and(|o| o.split(',').any(|o| o == "memory")) =>
            {
                Version::V1
            }
            _ => continue,
        };
        // /proc/self/cgroup: id:controllers:path ("0::path" for v2).
        let path = cgroups.lines().find_map(|line| {
            let mut parts = line.splitn(3, ':');
            let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
            let matches = match version {
                Version::V2 => controllers.is_empty(),
                Version::V1 => controllers.split(',').any(|c| c == "memory"),
            };
            matches.then_some(path)
        });
        let Some(path) = path else { continue };
        let relative = path
            .strip_prefix(root)
            .unwrap_or(path)
            .trim_start_matches('/');
        found.push((version, Path::new(point).join(relative)));
    }
    // v2 first: it is the one to use where both offer memory.
    found.sort_by_key(|(version, _)| *version == Version::V1);
    found
}

fn remove_dir_patiently(dir: &Path) -> bool {
    // The kernel may take a moment to detach a just-reaped task.
    for _ in 0..50 {
        if fs::remove_dir(dir).is_ok() || !dir.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

impl MemoryCgroup {
    /// Creates a group limited to `limit_bytes` for one child.
    pub(crate) fn create(limit_bytes: u64) -> Result<Self, String> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "lean-rs-worker-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut tried = Vec::new();
        for (version, parent) in own_groups() {
            let dir = parent.join(&name);
            if let Err(err) = fs::create_dir(&dir) {
                tried.push(format!("{}: {err}", dir.display()));
                continue;
            }
            let limit_file = match version {
                Version::V2 => "memory.max",
                Version::V1 => "memory.limit_in_bytes",
            };
            let set = fs::write(dir.join(limit_file), limit_bytes.to_string());
            if let Err(err) = set {
                tried.push(format!("{}: {err}", dir.join(limit_file).display()));
                remove_dir_patiently(&dir);
                continue;
            }
            if version == Version::V2 {
                // No swapping around the limit (absent without swap accounting: fine).
                let _ = fs::write(dir.join("memory.swap.max"), "0");
            }
            let procs = CString::new(dir.join("cgroup.procs").as_os_str().as_bytes())
                .map_err(|_| format!("{} holds a NUL byte", dir.display()))?;
            return Ok(Self {
                dir,
                version,
                limit_bytes,
                procs,
            });
        }
        Err(if tried.is_empty() {
            "no memory cgroup hierarchy is mounted for this process".to_owned()
        } else {
            format!("no writable memory cgroup ({})", tried.join("; "))
        })
    }

    /// The `cgroup.procs` path, for the forked child to join before `exec`.
    pub(crate) fn procs_path(&self) -> &CString {
        &self.procs
    }

    /// The limit this group enforces.
    pub(crate) fn limit_bytes(&self) -> u64 {
        self.limit_bytes
    }

    /// How many times the kernel's OOM killer killed a task of this group.
    pub(crate) fn oom_kills(&self) -> Option<u64> {
        let file = match self.version {
            Version::V2 => "memory.events",
            Version::V1 => "memory.oom_control",
        };
        let text = fs::read_to_string(self.dir.join(file)).ok()?;
        text.lines()
            .find_map(|line| line.strip_prefix("oom_kill "))
            .and_then(|count| count.trim().parse().ok())
    }

    /// Whether `dir` names a group of this module that is still there (for tests).
    #[cfg(test)]
    fn exists(&self) -> bool {
        self.dir.exists()
    }
}

impl Drop for MemoryCgroup {
    fn drop(&mut self) {
        if !remove_dir_patiently(&self.dir) {
            tracing::warn!(target: "lean_rs_worker", dir = %self.dir.display(), "could not remove a worker memory cgroup");
        }
    }
}

/// Joins the cgroup whose `cgroup.procs` is `procs`: for the forked child before `exec`.
///
/// Async-signal-safe: `open`, `write` and `close` on a path prepared before the fork.
#[allow(unsafe_code)]
pub(crate) fn join_in_child(procs: &CString) -> std::io::Result<()> {
    // SAFETY: `procs` is a valid NUL-terminated path that outlives the call; `open`, `write` and
    // `close` are async-signal-safe and touch only the descriptor opened here.
    unsafe {
        let fd = libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let written = libc::write(fd, b"0".as_ptr().cast(), 1);
        let error = std::io::Error::last_os_error();
        libc::close(fd);
        if written != 1 {
            return Err(error);
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_created_limited_and_removed() {
        // Where no memory cgroup is writable (an unprivileged user), creation is refused with
        // a reason; this machine's CI runs as root with the v1 memory hierarchy.
        let group = match MemoryCgroup::create(64 << 20) {
            Ok(group) => group,
            Err(why) => panic!("memory cgroups are unavailable here: {why}"),
        };
        assert_eq!(group.oom_kills(), Some(0));
        assert_eq!(group.limit_bytes(), 64 << 20);
        let dir = group.dir.clone();
        assert!(group.exists());
        drop(group);
        assert!(!dir.exists());
    }
}
