//! Running helper programs with bounded output and a deadline.
//!
//! Arguments are always passed as an argv vector; nothing goes through a shell.

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// What a finished child produced.
#[derive(Debug)]
pub(crate) struct Captured {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Why a child did not produce [`Captured`].
#[derive(Debug)]
pub(crate) enum RunError {
    /// The program could not be started.
    Spawn(std::io::Error),
    /// It ran longer than the deadline and was killed.
    TimedOut(Duration),
    /// Waiting for it failed.
    Wait(std::io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Spawn(e) => write!(f, "could not start it: {e}"),
            Self::TimedOut(d) => write!(f, "no answer within {} s, killed", d.as_secs()),
            Self::Wait(e) => write!(f, "waiting for it failed: {e}"),
        }
    }
}

fn read_bounded(
    stream: Option<impl Read + Send + 'static>,
    limit: u64,
) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(stream) = stream {
            let mut limited = stream.take(limit);
            // A read error only shortens the captured text; the exit status still decides.
            let _ = limited.read_to_end(&mut buf);
            // Drain the rest so the child never blocks on a full pipe.
            let mut rest = limited.into_inner();
            let _ = std::io::copy(&mut rest, &mut std::io::sink());
        }
        buf
    })
}

/// Runs `program args…` in `cwd` (if given), keeping at most `limit` bytes of each stream.
pub(crate) fn run_bounded<I, S>(
    program: &Path,
    args: I,
    cwd: Option<&Path>,
    env: &[(&str, &OsStr)],
    timeout: Duration,
    limit: u64,
) -> Result<Captured, RunError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().map_err(RunError::Spawn)?;
    let out = read_bounded(child.stdout.take(), limit);
    let err = read_bounded(child.stderr.take(), limit);
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                // Best effort: the child may have exited between the two calls.
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut(timeout));
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(RunError::Wait(e)),
        }
    };
    let stdout = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    Ok(Captured {
        status,
        stdout,
        stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hanging_child_is_killed_at_the_deadline() {
        let start = Instant::now();
        let err = run_bounded(
            Path::new("/bin/sleep"),
            ["30"],
            None,
            &[],
            Duration::from_millis(200),
            64,
        )
        .unwrap_err();
        assert!(matches!(err, RunError::TimedOut(_)), "{err}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn output_is_bounded_and_the_child_still_finishes() {
        let out = run_bounded(
            Path::new("/bin/sh"),
            ["-c", "head -c 100000 /dev/zero | tr '\\0' x; echo done >&2"],
            None,
            &[],
            Duration::from_secs(20),
            1000,
        )
        .unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout.len(), 1000);
        assert_eq!(out.stderr.trim(), "done");
    }
}
