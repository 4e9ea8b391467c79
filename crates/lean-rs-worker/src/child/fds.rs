//! The child's side of the launch contract: the two protocol descriptors and process limits.

#![allow(unsafe_code)]

use std::fs::File;
use std::os::fd::{FromRawFd, RawFd};

/// Takes ownership of descriptor `fd` after checking that it is open; marks it close-on-exec so
/// processes the child starts do not inherit the protocol.
pub(super) fn adopt(fd: RawFd) -> Result<File, String> {
    if fd < 3 {
        return Err(format!(
            "protocol descriptor {fd} would be stdin/stdout/stderr"
        ));
    }
    // SAFETY: `fcntl(F_GETFD)` only queries the descriptor table; any integer is a valid
    // argument (an unknown descriptor fails with EBADF).
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    if flags < 0 {
        return Err(format!("protocol descriptor {fd} is not open"));
    }
    // SAFETY: as above; setting FD_CLOEXEC on an open descriptor has no other effect.
    if unsafe { libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) } < 0 {
        return Err(format!("cannot mark descriptor {fd} close-on-exec"));
    }
    // SAFETY: `fd` is open (checked above), was handed to this process for the protocol by
    // the launcher, and nothing else in the process owns it: `adopt` is called once per
    // descriptor, at start-up, by `run_worker_child`.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// No core files: a dying child must close its pipes at once (a piped `core_pattern` handler
/// can hold them open for tens of seconds), and its diagnostics are the typed error and the
/// stderr tail.
pub(super) fn disable_core_dumps() {
    let limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `setrlimit` reads the struct it is given, which lives for the call.
    let _ = unsafe { libc::setrlimit(libc::RLIMIT_CORE, &raw const limit) };
}

/// Ends the process at once, without running exit handlers (Lean may be mid-computation on
/// the main thread; its finalizers must not run under it).
pub(super) fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` has no preconditions; it never returns.
    unsafe { libc::_exit(code) }
}

/// Flushes every C `FILE*` output stream (Lean writes its stdout through C stdio).
pub(super) fn flush_c_stdio() {
    // SAFETY: `fflush(NULL)` flushes all open output streams; it takes the streams' own locks.
    let _ = unsafe { libc::fflush(std::ptr::null_mut()) };
}
