//! Big sweeps as a Slurm job array: one array task per batch of modules, results committed
//! per batch only after the batch succeeded, re-submission skipping what is committed.
//!
//! [`LeanWorkerSlurmArray::run`] writes the plan into a results directory, submits the batches
//! not yet committed as one `sbatch --array` job (each task runs the shipped
//! `lean-rs-worker-array-task`, which starts a local worker child inside the allocation and runs
//! its batch), waits (bounded) and reports which batches are committed. A task writes its rows
//! to a temporary file and renames it into place after the last module succeeded: a batch is
//! either wholly committed or absent, so a failed task is simply run again by the next
//! submission.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{LeanWorkerError, LeanWorkerResult, bound};
use crate::launcher::LeanWorkerLocalLauncher;
use crate::planner::LeanWorkerImportPlan;
use crate::pool::{LeanWorkerPool, LeanWorkerSessionKey};
use crate::slurm::LeanWorkerSlurmResources;
use crate::value::{LeanWorkerSignature, LeanWorkerType, LeanWorkerValue};
use crate::worker::{LeanWorker, LeanWorkerCapability, LeanWorkerConfig};

/// Largest plan file a task reads.
const PLAN_LIMIT: u64 = 64 * 1024 * 1024;
/// Largest module source a task sends to Lean.
const SOURCE_LIMIT: u64 = 4 * 1024 * 1024;
/// Largest committed batch file read back.
const RESULT_LIMIT: u64 = 256 * 1024 * 1024;
/// Longest batch id (it names a file).
const BATCH_ID_LIMIT: usize = 64;
/// The plan file inside the results directory.
const PLAN_FILE: &str = "plan.json";

/// One module of a sweep: its dotted name and its source file (at the same path on every node).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerArrayModule {
    /// Dotted module name.
    pub name: String,
    /// The `.lean` source.
    pub source: PathBuf,
}

/// One array task's work: a named batch of modules. The id names the batch's result file and
/// is its identity across re-submissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerArrayBatch {
    /// Stable id: 1–64 of `[A-Za-z0-9._-]`, unique in the plan.
    pub id: String,
    /// The modules, in order.
    pub modules: Vec<LeanWorkerArrayModule>,
}

/// What every task does per module: one call of a `String → IO String` export of a capability.
/// The request is `verb` and the module name, then (with `with_source`) a newline and the
/// module's source text; the reply is the row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerArrayCommand {
    /// The capability's build manifest (at the same path on every node).
    pub manifest: PathBuf,
    /// The export, `String → IO String`.
    pub export: String,
    /// The request's first word.
    pub verb: String,
    /// Send the module's source text too.
    pub with_source: bool,
}

/// A sweep: the command and its batches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerArrayPlan {
    /// Per-module work.
    pub command: LeanWorkerArrayCommand,
    /// The batches, one array task each.
    pub batches: Vec<LeanWorkerArrayBatch>,
}

impl LeanWorkerArrayPlan {
    /// `modules` cut into batches of at most `batch_size` (ids `b0000`, `b0001`, …).
    pub fn chunked(
        command: LeanWorkerArrayCommand,
        modules: impl IntoIterator<Item = LeanWorkerArrayModule>,
        batch_size: usize,
    ) -> Self {
        let modules: Vec<_> = modules.into_iter().collect();
        let batches = modules
            .chunks(batch_size.max(1))
            .enumerate()
            .map(|(i, chunk)| LeanWorkerArrayBatch {
                id: format!("b{i:04}"),
                modules: chunk.to_vec(),
            })
            .collect();
        Self { command, batches }
    }

    /// An array plan from the import-set planner's batches: each planned batch (one import
    /// set, one session key) becomes array tasks of at most `modules_per_task` modules, with
    /// ids from the planned batch's fingerprint (stable while its modules and sources are).
    /// Every planned batch must be for `command`'s capability manifest.
    pub fn from_import_plan(
        command: LeanWorkerArrayCommand,
        plan: &LeanWorkerImportPlan,
        modules_per_task: usize,
    ) -> LeanWorkerResult<Self> {
        // The planner keeps canonical paths; compare the files, not their spellings.
        let same_file = |a: &Path, b: &Path| {
            a == b || matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
        };
        let mut batches = Vec::new();
        for planned in plan.batches() {
            if !same_file(planned.capability().manifest(), &command.manifest) {
                return Err(LeanWorkerError::InvalidRequest(bound(format!(
                    "a planned batch is for {}, the array command for {}",
                    planned.capability().manifest().display(),
                    command.manifest.display()
                ))));
            }
            let stem: String = planned.fingerprint().chars().take(16).collect();
            for (chunk, modules) in planned
                .modules()
                .chunks(modules_per_task.max(1))
                .enumerate()
            {
                batches.push(LeanWorkerArrayBatch {
                    id: format!("{stem}-{chunk:04}"),
                    modules: modules
                        .iter()
                        .map(|work| LeanWorkerArrayModule {
                            name: work.module().to_owned(),
                            source: work.source_path().to_path_buf(),
                        })
                        .collect(),
                });
            }
        }
        Ok(Self { command, batches })
    }

    /// Runs the batches not yet committed in `results` on a local pool instead of a job
    /// array, `threads` batches at a time, with the same commit-after-success files (so a sweep
    /// can move between the two and resume on either).
    pub fn run_local(
        &self,
        pool: &LeanWorkerPool,
        threads: usize,
        results: &Path,
    ) -> LeanWorkerResult<LeanWorkerArrayReport> {
        let pending = prepare_results(self, results)?;
        let committed_before = committed_batches(self, results);
        let started = Instant::now();
        let queue = Mutex::new(
            pending
                .iter()
                .map(|(index, _)| *index)
                .collect::<std::collections::VecDeque<_>>(),
        );
        let key = LeanWorkerSessionKey::new([self.command.manifest.clone()]);
        std::thread::scope(|scope| {
            for _ in 0..threads.max(1) {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
                        let Some(index) = next else { return };
                        let batch = &self.batches[index];
                        let outcome = pool.lease(&key).map_err(|e| e.to_string()).and_then(|mut lease| {
                            let capability = lease.capabilities()[0].clone();
                            run_batch(lease.worker(), &capability, &self.command, batch)
                        });
                        match outcome {
                            Ok(rows) => {
                                if let Err(why) = commit_batch(&batch_file(results, &batch.id), &rows) {
                                    tracing::warn!(target: "lean_rs_worker", batch = %batch.id, %why, "batch not committed");
                                }
                            }
                            Err(why) => {
                                tracing::warn!(target: "lean_rs_worker", batch = %batch.id, %why, "batch failed");
                            }
                        }
                    }
                });
            }
        });
        Ok(report(
            self,
            results,
            &committed_before,
            &pending,
            None,
            started,
        ))
    }

    fn validate(&self) -> LeanWorkerResult<()> {
        let mut seen = BTreeSet::new();
        for batch in &self.batches {
            let ok = !batch.id.is_empty()
                && batch.id.len() <= BATCH_ID_LIMIT
                && batch
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
                && !batch.id.starts_with('.');
            if !ok {
                return Err(LeanWorkerError::InvalidRequest(bound(format!(
                    "batch id {:?} is not 1-{BATCH_ID_LIMIT} of [A-Za-z0-9._-]",
                    batch.id
                ))));
            }
            if !seen.insert(batch.id.as_str()) {
                return Err(LeanWorkerError::InvalidRequest(bound(format!(
                    "batch id {:?} appears twice",
                    batch.id
                ))));
            }
        }
        Ok(())
    }
}

/// One committed row: the module and the export's reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerArrayRow {
    /// The module.
    pub module: String,
    /// The reply.
    pub reply: String,
}

/// What one [`LeanWorkerSlurmArray::run`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanWorkerArrayReport {
    /// Batches this run submitted (not committed before it).
    pub submitted: Vec<String>,
    /// Batches already committed, not run again.
    pub skipped: Vec<String>,
    /// Batches committed now (earlier ones included).
    pub committed: Vec<String>,
    /// Batches that ran this time and did not commit.
    pub failed: Vec<String>,
    /// The array job's id, when one was submitted.
    pub job: Option<String>,
    /// Time from submission to the array's end.
    pub elapsed: Duration,
}

/// Submits sweeps as Slurm job arrays.
#[derive(Clone, Debug)]
pub struct LeanWorkerSlurmArray {
    task_program: PathBuf,
    bin_dir: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    resources: LeanWorkerSlurmResources,
    max_parallel: Option<u32>,
    timeout: Duration,
    job_name: String,
}

impl LeanWorkerSlurmArray {
    /// Tasks run `task_program` (the shipped `lean-rs-worker-array-task`, or a binary calling
    /// [`run_array_task`]); defaults: 1 CPU per task, no limit on parallel tasks, 30 min wait.
    pub fn new(task_program: impl Into<PathBuf>) -> Self {
        Self {
            task_program: task_program.into(),
            bin_dir: None,
            env: Vec::new(),
            resources: LeanWorkerSlurmResources {
                cpus_per_task: 1,
                ..LeanWorkerSlurmResources::default()
            },
            max_parallel: None,
            timeout: Duration::from_secs(30 * 60),
            job_name: "lean-rs-sweep".to_owned(),
        }
    }

    /// Where `sbatch`, `squeue` and `scancel` are (default: `PATH`).
    #[must_use]
    pub fn bin_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.bin_dir = Some(dir.into());
        self
    }

    /// An environment entry for `sbatch` (exported to the tasks).
    #[must_use]
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Each task's resources.
    #[must_use]
    pub fn resources(mut self, resources: LeanWorkerSlurmResources) -> Self {
        self.resources = resources;
        self
    }

    /// At most this many tasks at once (`--array=…%N`).
    #[must_use]
    pub fn max_parallel(mut self, tasks: u32) -> Self {
        self.max_parallel = Some(tasks.max(1));
        self
    }

    /// How long [`run`](Self::run) waits for the array before cancelling it.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
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

    /// Runs the batches of `plan` not yet committed in `results` (a directory every node
    /// sees at the same path), waits for them, and reports. A `results` directory holding
    /// another plan is refused.
    pub fn run(
        &self,
        plan: &LeanWorkerArrayPlan,
        results: &Path,
    ) -> LeanWorkerResult<LeanWorkerArrayReport> {
        let pending = prepare_results(plan, results)?;
        let committed_before = committed_batches(plan, results);
        let started = Instant::now();
        let mut job = None;
        if !pending.is_empty() {
            let indices: Vec<String> = pending.iter().map(|(i, _)| i.to_string()).collect();
            job = Some(self.submit_and_wait(
                &indices.join(","),
                &results.join(PLAN_FILE),
                results,
            )?);
        }
        Ok(report(
            plan,
            results,
            &committed_before,
            &pending,
            job,
            started,
        ))
    }

    fn submit_and_wait(
        &self,
        indices: &str,
        plan_path: &Path,
        results: &Path,
    ) -> LeanWorkerResult<String> {
        let tag = crate::remote::secret()
            .map_err(|e| LeanWorkerError::Spawn(format!("no random job tag: {e}")))?;
        // `tag` is 32 hex digits (`remote::secret`), so the slice is in bounds.
        let job_name = format!("{}-{}", self.job_name, &tag[..12]);
        let r = &self.resources;
        let array = match self.max_parallel {
            Some(n) => format!("--array={indices}%{n}"),
            None => format!("--array={indices}"),
        };
        let mut command = self.client("sbatch");
        command
            .arg("--parsable")
            .arg(format!("--job-name={job_name}"))
            .arg(array)
            .arg("--ntasks=1")
            .arg(format!("--cpus-per-task={}", r.cpus_per_task.max(1)))
            .arg(format!(
                "--output={}",
                results.join("logs").join("%A_%a.log").display()
            ))
            .arg("--export=ALL");
        if let Some(mib) = r.memory_mib {
            command.arg(format!("--mem={mib}M"));
        }
        if let Some(limit) = r.time_limit {
            command.arg(format!("--time={}", limit.as_secs().div_ceil(60).max(1)));
        }
        if let Some(partition) = &r.partition {
            command.arg(format!("--partition={partition}"));
        }
        if let Some(nodes) = &r.nodelist {
            command.arg(format!("--nodelist={nodes}"));
        }
        // The batch script: exec the task program on the plan (paths passed as arguments of
        // the script, never spliced into shell text).
        let script = results.join("task.sh");
        write_atomically(
            &script,
            b"#!/bin/sh\n# A lean-rs-worker array task: run one batch of the plan.\nexec \"$@\"\n",
        )
        .map_err(|e| LeanWorkerError::Spawn(format!("cannot write the batch script: {e}")))?;
        command
            .arg(&script)
            .arg(&self.task_program)
            .arg(plan_path)
            .arg(results)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let out = command
            .output()
            .map_err(|e| LeanWorkerError::Spawn(format!("cannot run sbatch: {e}")))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let job = stdout
            .lines()
            .find_map(|line| line.split(';').next()?.trim().parse::<u64>().ok())
            .map(|id| id.to_string())
            .filter(|_| out.status.success())
            .ok_or_else(|| {
                LeanWorkerError::Spawn(bound(format!(
                    "sbatch refused the array ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )))
            })?;
        // Wait by asking the queue (every 100 ms) rather than `sbatch --wait`, whose polling
        // backs off to many seconds. A task that failed is seen later from what was committed.
        let deadline = Instant::now() + self.timeout;
        loop {
            let queued = self
                .client("squeue")
                .args(["--noheader", "--format=%i", "--jobs"])
                .arg(&job)
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output();
            match queued {
                Ok(q) if q.status.success() && q.stdout.iter().all(u8::is_ascii_whitespace) => {
                    return Ok(job);
                }
                // A job the controller has already forgotten is finished too.
                Ok(q) if !q.status.success() => return Ok(job),
                _ => {}
            }
            if Instant::now() >= deadline {
                let _ = self.client("scancel").arg("--quiet").arg(&job).status();
                return Err(LeanWorkerError::Timeout {
                    operation: format!("the job array {job_name} ({job})"),
                    duration: self.timeout,
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Validates the plan, records it in `results` (refusing a directory of another plan), and
/// returns the batches not committed yet, with their index in the plan.
fn prepare_results(
    plan: &LeanWorkerArrayPlan,
    results: &Path,
) -> LeanWorkerResult<Vec<(usize, String)>> {
    plan.validate()?;
    let io_error = |what: &str, err: &dyn std::fmt::Display| {
        LeanWorkerError::InvalidRequest(bound(format!("{what}: {err}")))
    };
    fs::create_dir_all(results.join("batches"))
        .and_then(|()| fs::create_dir_all(results.join("logs")))
        .map_err(|e| io_error("cannot create the results directory", &e))?;
    let plan_path = results.join(PLAN_FILE);
    let text = serde_json::to_string(plan).map_err(|e| io_error("plan", &e))?;
    match fs::read_to_string(&plan_path) {
        Ok(existing) if existing != text => {
            return Err(LeanWorkerError::InvalidRequest(format!(
                "{} holds the results of another plan; use a fresh directory",
                results.display()
            )));
        }
        Ok(_) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            write_atomically(&plan_path, text.as_bytes())
                .map_err(|e| io_error("cannot write the plan", &e))?;
        }
        Err(err) => return Err(io_error("cannot read the existing plan", &err)),
    }
    let committed = committed_batches(plan, results);
    Ok(plan
        .batches
        .iter()
        .enumerate()
        .filter(|(_, batch)| !committed.contains(&batch.id))
        .map(|(index, batch)| (index, batch.id.clone()))
        .collect())
}

/// What a run did, from the committed files before and after it.
fn report(
    plan: &LeanWorkerArrayPlan,
    results: &Path,
    before: &BTreeSet<String>,
    pending: &[(usize, String)],
    job: Option<String>,
    started: Instant,
) -> LeanWorkerArrayReport {
    let now = committed_batches(plan, results);
    let submitted: Vec<String> = pending.iter().map(|(_, id)| id.clone()).collect();
    LeanWorkerArrayReport {
        failed: submitted
            .iter()
            .filter(|id| !now.contains(*id))
            .cloned()
            .collect(),
        submitted,
        skipped: plan
            .batches
            .iter()
            .filter(|b| before.contains(&b.id))
            .map(|b| b.id.clone())
            .collect(),
        committed: plan
            .batches
            .iter()
            .filter(|b| now.contains(&b.id))
            .map(|b| b.id.clone())
            .collect(),
        job,
        elapsed: started.elapsed(),
    }
}

/// The result file of a batch.
fn batch_file(results: &Path, id: &str) -> PathBuf {
    results.join("batches").join(format!("{id}.jsonl"))
}

fn committed_batches(plan: &LeanWorkerArrayPlan, results: &Path) -> BTreeSet<String> {
    plan.batches
        .iter()
        .filter(|b| batch_file(results, &b.id).is_file())
        .map(|b| b.id.clone())
        .collect()
}

/// Commits a batch's rows: they become visible only now, all at once.
fn commit_batch(target: &Path, rows: &[LeanWorkerArrayRow]) -> Result<(), String> {
    let mut body = Vec::new();
    for row in rows {
        serde_json::to_writer(&mut body, row).map_err(|e| e.to_string())?;
        body.push(b'\n');
    }
    write_atomically(target, &body).map_err(|e| format!("{}: {e}", target.display()))
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, path)
}

/// The committed rows of every committed batch of `plan` in `results`, by batch id.
pub fn read_committed_rows(
    plan: &LeanWorkerArrayPlan,
    results: &Path,
) -> LeanWorkerResult<BTreeMap<String, Vec<LeanWorkerArrayRow>>> {
    let mut all = BTreeMap::new();
    for batch in &plan.batches {
        let path = batch_file(results, &batch.id);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => {
                return Err(LeanWorkerError::InvalidRequest(bound(format!(
                    "{}: {err}",
                    path.display()
                ))));
            }
        };
        let mut rows = Vec::with_capacity(batch.modules.len());
        for line in BufReader::new(file.take(RESULT_LIMIT)).lines() {
            let line = line.map_err(|e| {
                LeanWorkerError::InvalidRequest(bound(format!("{}: {e}", path.display())))
            })?;
            let row: LeanWorkerArrayRow = serde_json::from_str(&line).map_err(|e| {
                LeanWorkerError::InvalidRequest(bound(format!("{}: {e}", path.display())))
            })?;
            rows.push(row);
        }
        all.insert(batch.id.clone(), rows);
    }
    Ok(all)
}

/// Runs `batch`'s modules on `worker` (with the command's capability open), returning the
/// rows; nothing is committed here.
fn run_batch(
    worker: &mut LeanWorker,
    capability: &LeanWorkerCapability,
    command: &LeanWorkerArrayCommand,
    batch: &LeanWorkerArrayBatch,
) -> Result<Vec<LeanWorkerArrayRow>, String> {
    let signature = LeanWorkerSignature::io([LeanWorkerType::String], LeanWorkerType::String);
    let mut rows = Vec::with_capacity(batch.modules.len());
    for module in &batch.modules {
        let mut request = format!("{} {}", command.verb, module.name);
        if command.with_source {
            let mut source = String::new();
            File::open(&module.source)
                .and_then(|f| f.take(SOURCE_LIMIT).read_to_string(&mut source))
                .map_err(|e| format!("{}: {}: {e}", module.name, module.source.display()))?;
            request.push('\n');
            request.push_str(&source);
        }
        let reply = worker
            .call(
                capability,
                &command.export,
                &signature,
                vec![LeanWorkerValue::string(request)],
            )
            .map_err(|e| format!("{}: {e}", module.name))?;
        match reply {
            LeanWorkerValue::String(reply) => rows.push(LeanWorkerArrayRow {
                module: module.name.clone(),
                reply,
            }),
            other => return Err(format!("{}: not a string reply: {other:?}", module.name)),
        }
    }
    Ok(rows)
}

/// The array task's entry point (`lean-rs-worker-array-task <plan.json> <results-dir>`): runs
/// batch `$SLURM_ARRAY_TASK_ID` of the plan in a local worker child and commits its rows.
pub fn run_array_task() -> ExitCode {
    match array_task() {
        Ok(message) => {
            println!("lean-rs-worker-array-task: {message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("lean-rs-worker-array-task: {message}");
            ExitCode::FAILURE
        }
    }
}

fn array_task() -> Result<String, String> {
    let mut args = std::env::args_os().skip(1);
    let (Some(plan_path), Some(results)) = (args.next(), args.next()) else {
        return Err("usage: lean-rs-worker-array-task <plan.json> <results-dir>".into());
    };
    let (plan_path, results) = (PathBuf::from(plan_path), PathBuf::from(results));
    let index: usize = std::env::var("SLURM_ARRAY_TASK_ID")
        .map_err(|_| "SLURM_ARRAY_TASK_ID is not set: run me as a Slurm array task".to_owned())?
        .parse()
        .map_err(|_| "SLURM_ARRAY_TASK_ID is not a number".to_owned())?;
    let mut text = String::new();
    File::open(&plan_path)
        .and_then(|f| f.take(PLAN_LIMIT).read_to_string(&mut text))
        .map_err(|e| format!("{}: {e}", plan_path.display()))?;
    let plan: LeanWorkerArrayPlan =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", plan_path.display()))?;
    plan.validate().map_err(|e| e.to_string())?;
    let batch = plan
        .batches
        .get(index)
        .ok_or_else(|| format!("the plan has no batch {index}"))?;
    let target = batch_file(&results, &batch.id);
    if target.is_file() {
        return Ok(format!("batch {} already committed", batch.id));
    }
    let launcher = LeanWorkerLocalLauncher::default_child().map_err(|e| e.to_string())?;
    let mut worker =
        LeanWorker::spawn(LeanWorkerConfig::new(launcher)).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let capability = worker
        .open_capability(&plan.command.manifest)
        .map_err(|e| e.to_string())?;
    let rows = run_batch(&mut worker, &capability, &plan.command, batch)?;
    commit_batch(&target, &rows)?;
    Ok(format!(
        "batch {} committed: {} modules in {:?}",
        batch.id,
        rows.len(),
        started.elapsed()
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn command() -> LeanWorkerArrayCommand {
        LeanWorkerArrayCommand {
            manifest: "m.json".into(),
            export: "e".into(),
            verb: "len".into(),
            with_source: false,
        }
    }

    #[test]
    fn chunked_plans_cut_modules_into_named_batches() {
        let modules = (0..7).map(|i| LeanWorkerArrayModule {
            name: format!("M{i}"),
            source: format!("M{i}.lean").into(),
        });
        let plan = LeanWorkerArrayPlan::chunked(command(), modules, 3);
        let sizes: Vec<_> = plan.batches.iter().map(|b| b.modules.len()).collect();
        assert_eq!(sizes, [3, 3, 1]);
        assert_eq!(plan.batches[2].id, "b0002");
        assert!(plan.validate().is_ok());
    }

    #[test]
    fn batch_ids_must_be_unique_file_names() {
        for bad in ["", "../x", ".hidden", "a b", &"x".repeat(65)] {
            let plan = LeanWorkerArrayPlan {
                command: command(),
                batches: vec![LeanWorkerArrayBatch {
                    id: bad.to_owned(),
                    modules: Vec::new(),
                }],
            };
            assert!(plan.validate().is_err(), "{bad:?}");
        }
        let twice = LeanWorkerArrayPlan {
            command: command(),
            batches: vec![
                LeanWorkerArrayBatch {
                    id: "a".into(),
                    modules: Vec::new(),
                };
                2
            ],
        };
        assert!(twice.validate().is_err());
    }
}
