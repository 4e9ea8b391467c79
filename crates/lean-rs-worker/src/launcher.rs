//! How a worker child is started: the launcher seam.
//!
//! A [`LeanWorkerLauncher`] turns a [`LeanWorkerLaunch`] (the environment the child needs) into
//! a [`LeanWorkerTransport`]: the two protocol byte streams, the child's diagnostic output, and
//! a [`LeanWorkerChildControl`] to stop it and observe its exit. Nothing in it names a process
//! id, so a launcher may start the child anywhere that can carry two byte streams; the local
//! default, [`LeanWorkerLocalLauncher`], is a child process with the protocol on two dedicated
//! pipes at descriptors 3 and 4 (never stdin/stdout, which Lean code may write to).

#![allow(unsafe_code)]

use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::cgroup::{MemoryCgroup, join_in_child};
use crate::error::{
    LeanWorkerError, LeanWorkerExitStatus, LeanWorkerFatalKind, LeanWorkerMemoryEvidence,
    LeanWorkerResult,
};
use crate::protocol::ENV_FDS;

/// The descriptor the local child reads requests from.
const CHILD_REQUEST_FD: i32 = 3;
/// The descriptor the local child writes replies to.
const CHILD_REPLY_FD: i32 = 4;

/// What a launcher must give the child.
#[derive(Clone, Debug, Default)]
pub struct LeanWorkerLaunch {
    /// Environment entries to set (in order; later entries win).
    pub env: Vec<(OsString, OsString)>,
}

/// Stops a worker child and observes its exit.
pub trait LeanWorkerChildControl: Send + fmt::Debug {
    /// Ends the child forcefully (no cleanup in the child). Idempotent.
    fn kill(&mut self) -> io::Result<()>;
    /// The exit status if the child has ended.
    fn try_wait(&mut self) -> io::Result<Option<LeanWorkerExitStatus>>;
    /// The child's resident set size in KiB, when the launcher can sample it (best effort;
    /// `None` means unavailable, not zero).
    fn rss_kib(&self) -> Option<u64> {
        None
    }
    /// Where the child runs, when the launcher placed it through a scheduler (best effort;
    /// diagnostics for snapshots and logs, never an identity to address the worker by).
    fn placement(&self) -> Option<LeanWorkerPlacement> {
        None
    }
    /// Asked once when the child ended unasked, before it is killed: a launcher that knows
    /// better than the exit status (a scheduler that ended the job) returns the kind; `None`
    /// leaves the classification to the exit status and the diagnostic tail.
    fn classify_exit(
        &mut self,
        _status: Option<LeanWorkerExitStatus>,
        _tail: &str,
    ) -> Option<LeanWorkerFatalKind> {
        None
    }
}

/// Where a scheduler placed a worker child, as its launcher learnt it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LeanWorkerPlacement {
    /// The scheduler (`"slurm"`).
    pub scheduler: String,
    /// The node the child runs on.
    pub node: Option<String>,
    /// The scheduler's job id.
    pub job: Option<String>,
    /// The step (or task) id inside the job.
    pub step: Option<String>,
}

/// A started child: protocol streams, diagnostic streams and control.
pub struct LeanWorkerTransport {
    /// Requests to the child.
    pub to_child: Box<dyn Write + Send>,
    /// Frames from the child.
    pub from_child: Box<dyn Read + Send>,
    /// The child's diagnostic output (its stderr and stdout), drained into a bounded tail.
    pub diagnostics: Vec<Box<dyn Read + Send>>,
    /// Stop and observe.
    pub control: Box<dyn LeanWorkerChildControl>,
}

impl fmt::Debug for LeanWorkerTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeanWorkerTransport")
            .field("diagnostics", &self.diagnostics.len())
            .field("control", &self.control)
            .finish_non_exhaustive()
    }
}

/// Starts worker children.
pub trait LeanWorkerLauncher: Send + Sync + fmt::Debug {
    /// Starts one child.
    fn launch(&self, launch: &LeanWorkerLaunch) -> LeanWorkerResult<LeanWorkerTransport>;
}

/// The local default: a child process of this one.
#[derive(Clone, Debug)]
pub struct LeanWorkerLocalLauncher {
    program: PathBuf,
    args: Vec<OsString>,
    memory_limit: Option<u64>,
}

/// The environment variable that names the worker child binary for
/// [`LeanWorkerLocalLauncher::default_child`].
pub const WORKER_CHILD_ENV: &str = "LEAN_RS_WORKER_CHILD";

impl LeanWorkerLocalLauncher {
    /// Runs `program` (a binary that calls [`run_worker_child`](crate::run_worker_child)).
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            memory_limit: None,
        }
    }

    /// Runs each child in its own memory cgroup limited to `bytes` (Linux, a writable cgroup v2
    /// memory controller or v1 memory hierarchy; else [`launch`](LeanWorkerLauncher::launch)
    /// fails with [`LeanWorkerError::Spawn`]). The kernel then OOM-kills a child that reaches
    /// the limit, and the parent reports it as
    /// [`LeanWorkerFatalKind::OutOfMemory`](crate::LeanWorkerFatalKind) with
    /// [`LeanWorkerMemoryEvidence::CgroupLimit`](crate::LeanWorkerMemoryEvidence), not as a
    /// plain kill. (`RLIMIT_AS` is no substitute: Lean reserves ~2 GiB of address space at
    /// start-up.)
    #[must_use]
    pub fn memory_limit_bytes(mut self, bytes: u64) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Adds a command-line argument.
    #[must_use]
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// The shipped `lean-rs-worker-child`: `$LEAN_RS_WORKER_CHILD`, else next to the running
    /// executable or in its parent directory (Cargo's `target/<profile>/` for tests in
    /// `deps/`).
    pub fn default_child() -> LeanWorkerResult<Self> {
        if let Some(path) = std::env::var_os(WORKER_CHILD_ENV) {
            return Ok(Self::new(path));
        }
        let exe = std::env::current_exe().map_err(|err| {
            LeanWorkerError::Spawn(format!("cannot locate this executable: {err}"))
        })?;
        let name = format!("lean-rs-worker-child{}", std::env::consts::EXE_SUFFIX);
        exe.ancestors()
            .skip(1)
            .take(2)
            .map(|dir| dir.join(&name))
            .find(|candidate| candidate.is_file())
            .map(Self::new)
            .ok_or_else(|| {
                LeanWorkerError::Spawn(format!(
                    "no {name} next to {}; build it (cargo build -p lean-rs-worker) or set {WORKER_CHILD_ENV}",
                    exe.display()
                ))
            })
    }

    /// The program this launcher runs.
    pub fn program(&self) -> &Path {
        &self.program
    }
}

impl LeanWorkerLauncher for LeanWorkerLocalLauncher {
    fn launch(&self, launch: &LeanWorkerLaunch) -> LeanWorkerResult<LeanWorkerTransport> {
        let spawn_error =
            |what: &str, err: io::Error| LeanWorkerError::Spawn(format!("{what}: {err}"));
        let (request_reader, request_writer) =
            pipe().map_err(|err| spawn_error("request pipe", err))?;
        let (reply_reader, reply_writer) = pipe().map_err(|err| spawn_error("reply pipe", err))?;
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env(ENV_FDS, format!("{CHILD_REQUEST_FD},{CHILD_REPLY_FD}"));
        for (key, value) in &launch.env {
            command.env(key, value);
        }
        let cgroup = self
            .memory_limit
            .map(MemoryCgroup::create)
            .transpose()
            .map_err(|why| LeanWorkerError::Spawn(format!("memory limit: {why}")))?;
        let procs = cgroup.as_ref().map(|group| group.procs_path().clone());
        let request_fd = request_reader.as_raw_fd();
        let reply_fd = reply_writer.as_raw_fd();
        // SAFETY: the closure runs in the forked child before exec and calls only
        // async-signal-safe functions (`fcntl`, `dup2`) on descriptors that are open in the
        // child (inherited copies of the two pipe ends, which stay open in the parent until
        // `spawn` returns). It first moves both above 9 so that placing one on 3 or 4 cannot
        // clobber the other, then `dup2`s them onto 3 and 4, which clears close-on-exec there;
        // the originals and the copies keep close-on-exec and vanish at exec.
        // Joining the memory cgroup first (`open`/`write`/`close` of a path built before the
        // fork, also async-signal-safe) charges all of the child's start-up to it.
        unsafe {
            command.pre_exec(move || {
                if let Some(procs) = &procs {
                    join_in_child(procs)?;
                }
                let request = libc::fcntl(request_fd, libc::F_DUPFD_CLOEXEC, 10);
                if request < 0 {
                    return Err(io::Error::last_os_error());
                }
                let reply = libc::fcntl(reply_fd, libc::F_DUPFD_CLOEXEC, 10);
                if reply < 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::dup2(request, CHILD_REQUEST_FD) < 0
                    || libc::dup2(reply, CHILD_REPLY_FD) < 0
                {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command
            .spawn()
            .map_err(|err| spawn_error(&format!("{}", self.program.display()), err))?;
        // The child's ends: closing them here makes the child's exit visible as EOF.
        drop(request_reader);
        drop(reply_writer);
        let mut diagnostics: Vec<Box<dyn Read + Send>> = Vec::new();
        if let Some(stderr) = child.stderr.take() {
            diagnostics.push(Box::new(stderr));
        }
        if let Some(stdout) = child.stdout.take() {
            diagnostics.push(Box::new(stdout));
        }
        Ok(LeanWorkerTransport {
            to_child: Box::new(request_writer),
            from_child: Box::new(reply_reader),
            diagnostics,
            control: Box::new(LocalChild { child, cgroup }),
        })
    }
}

/// A close-on-exec pipe: `(read end, write end)`.
fn pipe() -> io::Result<(File, File)> {
    let mut fds = [-1i32; 2];
    // SAFETY: `pipe2` writes two descriptors into the two-element array it is given.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created by `pipe2` and are owned by nothing else;
    // each moves into exactly one `File`.
    Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
}

#[derive(Debug)]
struct LocalChild {
    child: Child,
    /// Dropped (removed) after `child` is reaped: `Drop` below runs first.
    cgroup: Option<MemoryCgroup>,
}

impl LeanWorkerChildControl for LocalChild {
    fn kill(&mut self) -> io::Result<()> {
        match self.child.kill() {
            // Already reaped or gone: nothing to stop.
            Err(err) if err.kind() == io::ErrorKind::InvalidInput => Ok(()),
            other => other,
        }
    }

    fn try_wait(&mut self) -> io::Result<Option<LeanWorkerExitStatus>> {
        Ok(self.child.try_wait()?.map(|status| LeanWorkerExitStatus {
            code: status.code(),
            signal: status.signal(),
        }))
    }

    fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
    }

    /// A `SIGKILL` while the child's memory cgroup counts an OOM kill is a memory kill at its
    /// limit, not `kill -9`.
    fn classify_exit(
        &mut self,
        status: Option<LeanWorkerExitStatus>,
        _tail: &str,
    ) -> Option<LeanWorkerFatalKind> {
        let group = self.cgroup.as_ref()?;
        let killed = status.and_then(|status| status.signal) == Some(libc::SIGKILL);
        (killed && group.oom_kills()? > 0).then(|| LeanWorkerFatalKind::OutOfMemory {
            evidence: LeanWorkerMemoryEvidence::CgroupLimit {
                limit_bytes: group.limit_bytes(),
            },
        })
    }
}

impl Drop for LocalChild {
    fn drop(&mut self) {
        // Never leave a child behind: kill and reap (the kill makes the wait short).
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
