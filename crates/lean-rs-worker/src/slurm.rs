//! Worker children placed by Slurm: one `srun` task per worker.
//!
//! [`LeanWorkerSlurmLauncher`] starts each child as a one-task Slurm job step with the
//! resources it was configured with (CPUs, memory, time limit, partition). The task may run on
//! any node, so the protocol cannot ride on inherited pipes: the child connects back to a TCP
//! port the parent listens on and proves a one-time secret (see `remote.rs`); `srun` carries
//! the child's stdout and stderr back as diagnostics. Job and step ids reach
//! [`LeanWorker::placement`](crate::LeanWorker::placement) and pool snapshots, never an
//! identity. When the child ends unasked, the launcher asks `scontrol` what the scheduler did,
//! so a time limit, memory limit, preemption, node failure or `scancel` becomes a typed
//! [`LeanWorkerSchedulerKill`].

use std::ffi::OsString;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{
    LeanWorkerError, LeanWorkerExitStatus, LeanWorkerFatalKind, LeanWorkerResult,
    LeanWorkerSchedulerKill, bound,
};
use crate::launcher::{
    LeanWorkerChildControl, LeanWorkerLaunch, LeanWorkerLauncher, LeanWorkerPlacement,
    LeanWorkerTransport,
};
use crate::remote::{self, ENV_CONNECT, ENV_PLACEMENT, ENV_SECRET};

/// How long a Slurm client command (`scancel`, `scontrol`) may take.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest client output read.
const CLIENT_OUTPUT_LIMIT: u64 = 64 * 1024;
/// How much of `srun`'s stderr a failed launch reports.
const LAUNCH_ERROR_TAIL: u64 = 4096;

/// The Slurm resources of each worker's job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeanWorkerSlurmResources {
    /// `--cpus-per-task` (at least 1).
    pub cpus_per_task: u32,
    /// `--mem` in MiB, when set.
    pub memory_mib: Option<u64>,
    /// `--time`, rounded up to whole minutes (Slurm's unit), when set.
    pub time_limit: Option<Duration>,
    /// `--partition`, when set.
    pub partition: Option<String>,
    /// `--nodelist`, when set (pins every worker to these nodes).
    pub nodelist: Option<String>,
}

/// Starts worker children as Slurm job steps with `srun`.
#[derive(Clone, Debug)]
pub struct LeanWorkerSlurmLauncher {
    program: PathBuf,
    args: Vec<OsString>,
    bin_dir: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    resources: LeanWorkerSlurmResources,
    callback: IpAddr,
    connect_timeout: Duration,
    job_name: String,
    extra_srun_args: Vec<OsString>,
}

impl LeanWorkerSlurmLauncher {
    /// Runs `program` (a binary calling [`run_worker_child`](crate::run_worker_child), at the
    /// same path on every node) through `srun`. Defaults: 1 CPU, no memory or time limit, the
    /// default partition, call-back on 127.0.0.1 (set [`callback_address`](Self::callback_address)
    /// to an address the compute nodes reach), 120 s to be scheduled and connect back.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            bin_dir: None,
            env: Vec::new(),
            resources: LeanWorkerSlurmResources {
                cpus_per_task: 1,
                ..LeanWorkerSlurmResources::default()
            },
            callback: IpAddr::V4(Ipv4Addr::LOCALHOST),
            connect_timeout: Duration::from_secs(120),
            job_name: "lean-rs-worker".to_owned(),
            extra_srun_args: Vec::new(),
        }
    }

    /// Adds a command-line argument of the child.
    #[must_use]
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Where `srun`, `scancel` and `scontrol` are (default: `PATH`).
    #[must_use]
    pub fn bin_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.bin_dir = Some(dir.into());
        self
    }

    /// An environment entry for the Slurm commands (`SLURM_CONF`, …); `srun` exports it to
    /// the child too.
    #[must_use]
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The resources of each worker's job.
    #[must_use]
    pub fn resources(mut self, resources: LeanWorkerSlurmResources) -> Self {
        self.resources = resources;
        self
    }

    /// The address the children connect back to (this process listens on it, port chosen
    /// by the system).
    #[must_use]
    pub fn callback_address(mut self, address: IpAddr) -> Self {
        self.callback = address;
        self
    }

    /// How long a launch may wait for the scheduler to start the step and for the child to
    /// connect back (time in the queue counts).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The job name prefix (a random suffix is added per launch).
    #[must_use]
    pub fn job_name(mut self, name: impl Into<String>) -> Self {
        self.job_name = name.into();
        self
    }

    /// A further `srun` option (`--constraint=…`, `--account=…`, …).
    #[must_use]
    pub fn srun_arg(mut self, arg: impl Into<OsString>) -> Self {
        self.extra_srun_args.push(arg.into());
        self
    }

    /// The `srun` options of one launch (without the program).
    fn srun_options(&self, job_name: &str) -> Vec<OsString> {
        let r = &self.resources;
        let mut options: Vec<OsString> = vec![
            format!("--job-name={job_name}").into(),
            "--ntasks=1".into(),
            "--nodes=1".into(),
            format!("--cpus-per-task={}", r.cpus_per_task.max(1)).into(),
            "--kill-on-bad-exit=1".into(),
            "--input=none".into(),
            "--export=ALL".into(),
        ];
        if let Some(mib) = r.memory_mib {
            options.push(format!("--mem={mib}M").into());
        }
        if let Some(limit) = r.time_limit {
            options.push(format!("--time={}", slurm_minutes(limit)).into());
        }
        if let Some(partition) = &r.partition {
            options.push(format!("--partition={partition}").into());
        }
        if let Some(nodes) = &r.nodelist {
            options.push(format!("--nodelist={nodes}").into());
        }
        options.extend(self.extra_srun_args.iter().cloned());
        options
    }

    fn client(&self, name: &str) -> Command {
        let program = self
            .bin_dir
            .as_ref()
            .map_or_else(|| PathBuf::from(name), |dir| dir.join(name));
        let mut command = Command::new(program);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }
}

/// Slurm's `--time` in whole minutes, rounded up, at least 1.
fn slurm_minutes(limit: Duration) -> u64 {
    limit.as_secs().div_ceil(60).max(1)
}

impl LeanWorkerLauncher for LeanWorkerSlurmLauncher {
    fn launch(&self, launch: &LeanWorkerLaunch) -> LeanWorkerResult<LeanWorkerTransport> {
        let spawn_error = |what: &str, err: &dyn std::fmt::Display| {
            LeanWorkerError::Spawn(bound(format!("{what}: {err}")))
        };
        let listener = TcpListener::bind(SocketAddr::new(self.callback, 0))
            .map_err(|e| spawn_error("cannot listen for the child", &e))?;
        let address = listener
            .local_addr()
            .map_err(|e| spawn_error("cannot read the listening address", &e))?;
        let secret = remote::secret().map_err(|e| spawn_error("no random secret", &e))?;
        let tag = remote::secret().map_err(|e| spawn_error("no random job tag", &e))?;
        // `tag` is 32 hex digits (`remote::secret`), so the slice is in bounds.
        let job_name = format!("{}-{}", self.job_name, &tag[..12]);
        let mut command = self.client("srun");
        command
            .args(self.srun_options(&job_name))
            .arg(&self.program)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env(ENV_CONNECT, address.to_string())
            .env(ENV_SECRET, &secret)
            .env(
                ENV_PLACEMENT,
                "node=SLURMD_NODENAME,job=SLURM_JOB_ID,step=SLURM_STEP_ID",
            );
        for (key, value) in &launch.env {
            command.env(key, value);
        }
        let mut srun = command
            .spawn()
            .map_err(|e| spawn_error("cannot run srun", &e))?;
        let deadline = Instant::now() + self.connect_timeout;
        let accepted = remote::accept(&listener, &secret, "slurm", deadline, || {
            match srun.try_wait() {
                Ok(Some(status)) => {
                    Some(format!("srun exited ({status}) before the child connected"))
                }
                Ok(None) => None,
                Err(err) => Some(format!("cannot watch srun: {err}")),
            }
        });
        let (stream, hello) = match accepted {
            Ok(found) => found,
            Err(why) => {
                // Never leave the job queued or running: cancel it by its unique name.
                let _ = run_bounded(
                    self.client("scancel")
                        .arg("--quiet")
                        .arg(format!("--name={job_name}")),
                );
                let _ = srun.kill();
                let _ = srun.wait();
                let mut stderr = String::new();
                if let Some(pipe) = srun.stderr.take() {
                    let _ = pipe.take(LAUNCH_ERROR_TAIL).read_to_string(&mut stderr);
                }
                return Err(LeanWorkerError::Spawn(bound(format!(
                    "{why}; srun said: {}",
                    stderr.trim()
                ))));
            }
        };
        let to_child = stream
            .try_clone()
            .map_err(|e| spawn_error("cannot split the socket", &e))?;
        let mut diagnostics: Vec<Box<dyn Read + Send>> = Vec::new();
        if let Some(stderr) = srun.stderr.take() {
            diagnostics.push(Box::new(stderr));
        }
        if let Some(stdout) = srun.stdout.take() {
            diagnostics.push(Box::new(stdout));
        }
        tracing::debug!(target: "lean_rs_worker", placement = ?hello.placement, "Slurm worker child connected");
        Ok(LeanWorkerTransport {
            to_child: Box::new(to_child),
            from_child: Box::new(stream),
            diagnostics,
            control: Box::new(SlurmStep {
                srun,
                placement: hello.placement,
                launcher: self.clone(),
                stopped: false,
            }),
        })
    }
}

/// Runs a Slurm client command with a deadline; its stdout (bounded) on success.
fn run_bounded(command: &mut Command) -> io::Result<String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "Slurm client timed out",
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut out = String::new();
    if let Some(pipe) = child.stdout.take() {
        pipe.take(CLIENT_OUTPUT_LIMIT).read_to_string(&mut out)?;
    }
    if status.success() {
        Ok(out)
    } else {
        Err(io::Error::other(format!("Slurm client failed: {status}")))
    }
}

/// The scheduler's verdict from a job's state name (`scontrol`'s `JobState=`).
fn kill_from_state(state: &str) -> Option<LeanWorkerSchedulerKill> {
    Some(match state {
        "TIMEOUT" => LeanWorkerSchedulerKill::TimeLimit,
        "OUT_OF_MEMORY" => LeanWorkerSchedulerKill::MemoryLimit,
        "PREEMPTED" => LeanWorkerSchedulerKill::Preempted,
        "NODE_FAIL" => LeanWorkerSchedulerKill::NodeFailure,
        "CANCELLED" => LeanWorkerSchedulerKill::Cancelled,
        "DEADLINE" | "BOOT_FAIL" => LeanWorkerSchedulerKill::Other(state.to_owned()),
        _ => return None,
    })
}

/// The verdict from what `srun` and `slurmstepd` printed (when the job record is gone).
fn kill_from_messages(tail: &str) -> Option<LeanWorkerSchedulerKill> {
    let line = tail.lines().rev().find(|line| {
        line.contains("*** STEP ") || line.contains("*** JOB ") || line.contains("memory limit")
    })?;
    Some(if line.contains("DUE TO TIME LIMIT") {
        LeanWorkerSchedulerKill::TimeLimit
    } else if line.contains("DUE TO PREEMPTION") {
        LeanWorkerSchedulerKill::Preempted
    } else if line.contains("DUE TO NODE FAILURE") {
        LeanWorkerSchedulerKill::NodeFailure
    } else if line.contains("memory limit") {
        LeanWorkerSchedulerKill::MemoryLimit
    } else if line.contains("CANCELLED") {
        LeanWorkerSchedulerKill::Cancelled
    } else {
        return None;
    })
}

/// `JobState` from `scontrol show job -o` output.
fn job_state(record: &str) -> Option<&str> {
    record
        .split_whitespace()
        .find_map(|field| field.strip_prefix("JobState="))
}

/// One worker child's `srun` and its place in the cluster.
#[derive(Debug)]
struct SlurmStep {
    srun: Child,
    placement: LeanWorkerPlacement,
    launcher: LeanWorkerSlurmLauncher,
    stopped: bool,
}

impl SlurmStep {
    /// `job.step`, the narrowest thing to cancel (inside an existing allocation it leaves the
    /// rest of the job alone).
    fn step_spec(&self) -> Option<String> {
        let job = self.placement.job.as_ref()?;
        Some(match &self.placement.step {
            Some(step) => format!("{job}.{step}"),
            None => job.clone(),
        })
    }
}

impl LeanWorkerChildControl for SlurmStep {
    fn kill(&mut self) -> io::Result<()> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        if matches!(self.srun.try_wait(), Ok(None)) {
            // Through the scheduler first: killing srun alone would leave the task running
            // until the job's time limit.
            if let Some(spec) = self.step_spec() {
                let _ = run_bounded(self.launcher.client("scancel").arg("--quiet").arg(spec));
            }
            let _ = self.srun.kill();
        }
        let _ = self.srun.wait();
        Ok(())
    }

    fn try_wait(&mut self) -> io::Result<Option<LeanWorkerExitStatus>> {
        Ok(self.srun.try_wait()?.map(|status| {
            // srun exits with the task's code, or 128 + the signal that ended the task.
            match (status.code(), status.signal()) {
                (Some(code), None) if (129..=128 + 64).contains(&code) => LeanWorkerExitStatus {
                    code: None,
                    signal: Some(code - 128),
                },
                (code, signal) => LeanWorkerExitStatus { code, signal },
            }
        }))
    }

    fn placement(&self) -> Option<LeanWorkerPlacement> {
        Some(self.placement.clone())
    }

    fn classify_exit(
        &mut self,
        _status: Option<LeanWorkerExitStatus>,
        tail: &str,
    ) -> Option<LeanWorkerFatalKind> {
        let from_scheduler = self.placement.job.as_ref().and_then(|job| {
            let record = run_bounded(
                self.launcher
                    .client("scontrol")
                    .args(["show", "job", "-o"])
                    .arg(job),
            )
            .ok()?;
            job_state(&record).and_then(kill_from_state)
        });
        from_scheduler
            .or_else(|| kill_from_messages(tail))
            .map(LeanWorkerFatalKind::Scheduler)
    }
}

impl Drop for SlurmStep {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srun_options_carry_the_resources() {
        let launcher =
            LeanWorkerSlurmLauncher::new("/bin/child").resources(LeanWorkerSlurmResources {
                cpus_per_task: 2,
                memory_mib: Some(512),
                time_limit: Some(Duration::from_secs(61)),
                partition: Some("lean".into()),
                nodelist: None,
            });
        let options: Vec<String> = launcher
            .srun_options("job-x")
            .into_iter()
            .map(|o| o.to_string_lossy().into_owned())
            .collect();
        for want in [
            "--job-name=job-x",
            "--ntasks=1",
            "--cpus-per-task=2",
            "--mem=512M",
            "--time=2",
            "--partition=lean",
        ] {
            assert!(options.iter().any(|o| o == want), "{want} in {options:?}");
        }
        assert_eq!(slurm_minutes(Duration::from_secs(1)), 1);
        assert_eq!(slurm_minutes(Duration::from_secs(120)), 2);
    }

    #[test]
    fn srun_exit_codes_above_128_are_the_tasks_signal() {
        #![allow(clippy::unwrap_used)]
        let step = |script: &str| {
            let srun = Command::new("sh").args(["-c", script]).spawn().unwrap();
            let mut step = SlurmStep {
                srun,
                placement: LeanWorkerPlacement::default(),
                launcher: LeanWorkerSlurmLauncher::new("/bin/true"),
                stopped: false,
            };
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Some(status) = step.try_wait().unwrap() {
                    return status;
                }
                assert!(Instant::now() < deadline);
                std::thread::sleep(Duration::from_millis(5));
            }
        };
        assert_eq!(
            step("exit 137"),
            LeanWorkerExitStatus {
                code: None,
                signal: Some(libc::SIGKILL)
            }
        );
        assert_eq!(
            step("exit 3"),
            LeanWorkerExitStatus {
                code: Some(3),
                signal: None
            }
        );
        assert_eq!(
            step("kill -TERM $$"),
            LeanWorkerExitStatus {
                code: None,
                signal: Some(libc::SIGTERM)
            }
        );
    }

    #[test]
    fn scheduler_states_and_messages_are_typed() {
        let record = "JobId=7 JobName=w UserId=root(0) JobState=TIMEOUT Reason=TimeLimit";
        assert_eq!(job_state(record), Some("TIMEOUT"));
        assert_eq!(
            kill_from_state("TIMEOUT"),
            Some(LeanWorkerSchedulerKill::TimeLimit)
        );
        assert_eq!(
            kill_from_state("NODE_FAIL"),
            Some(LeanWorkerSchedulerKill::NodeFailure)
        );
        assert_eq!(kill_from_state("RUNNING"), None);
        assert_eq!(kill_from_state("COMPLETED"), None);
        let cancelled = "srun: forcing\nslurmstepd-n1: error: *** STEP 1.0 ON n1 CANCELLED AT 2026-12-01T11:14:42 ***\n";
        assert_eq!(
            kill_from_messages(cancelled),
            Some(LeanWorkerSchedulerKill::Cancelled)
        );
        let timed = "slurmstepd: error: *** STEP 4.0 ON n2 CANCELLED AT 2026-12-01T11:20:00 DUE TO TIME LIMIT ***";
        assert_eq!(
            kill_from_messages(timed),
            Some(LeanWorkerSchedulerKill::TimeLimit)
        );
        assert_eq!(kill_from_messages("srun: error: n2: task 0: Killed"), None);
    }
}
