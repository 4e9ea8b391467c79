//! `lean-rs`: the lean-rs command line. `lean-rs doctor` finds the Lean toolchain
//! lean-rs would use, says why each candidate was chosen or rejected, and proves the
//! chosen runtime works by initialising it and calling real Lean exports in a child.

mod signals;
mod smoke;

/// `println!` that ignores a closed stdout (e.g. `lean-rs doctor | head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that ignores a closed stderr.
macro_rules! esay {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use lean_toolchain::{
    Candidate, CandidateStatus, Discovery, DiscoveryInputs, ToolchainFingerprint,
};
use serde::Serialize;

use crate::smoke::SmokeReport;

/// How long the smoke-test child may run.
const SMOKE_TIMEOUT: Duration = Duration::from_secs(120);
/// Output kept from the smoke-test child.
const SMOKE_OUTPUT_LIMIT: u64 = 64 * 1024;

#[derive(Parser)]
#[command(name = "lean-rs", version, about = "The lean-rs command line")]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Diagnose the Lean toolchain lean-rs would use.
    Doctor {
        /// Print one JSON document instead of the human report.
        #[arg(long)]
        json: bool,
        /// Skip the child-process smoke test.
        #[arg(long)]
        no_smoke: bool,
        /// Also audit signal dispositions and alternate stacks before and after Lean's
        /// initialization (in a child process that loads the discovered runtime).
        #[arg(long)]
        signals: bool,
        /// Also check a worker capability by its build manifest (`<Lib>.capability.json`):
        /// artifacts, exports, the worker child's handshake, the capability opening in it,
        /// and its metadata and doctor exports when named. Runs `lean-rs-worker-doctor`
        /// (next to this executable, or `$LEAN_RS_WORKER_DOCTOR`).
        #[arg(long, value_name = "MANIFEST")]
        worker: Option<PathBuf>,
        /// The capability's metadata export (`String -> IO String`, a JSON envelope).
        #[arg(long, value_name = "EXPORT", requires = "worker")]
        worker_metadata_export: Option<String>,
        /// The capability's doctor export (`String -> IO String`, a JSON envelope).
        #[arg(long, value_name = "EXPORT", requires = "worker")]
        worker_doctor_export: Option<String>,
    },
    /// Build Lean packages natively, without Lake: oleans and C with the real `lean`,
    /// shared libraries with Lake's names, one capability manifest per library.
    ///
    /// For packages whose modules begin with `prelude` (a runtime-only sysroot has no
    /// `Init` oleans). Steps are cached by digest; each is reported with its time.
    BuildNative {
        /// Package directories (each with a lakefile), built with their `[[require]]`s.
        #[arg(required = true)]
        packages: Vec<PathBuf>,
        /// The directory holding `lean/lean.h` for the emitted C.
        #[arg(long)]
        include: PathBuf,
        /// Where the outputs go (one directory per package).
        #[arg(long, default_value = ".lean-rs/native")]
        out: PathBuf,
        /// The sysroot to use (default: the one `doctor` chooses).
        #[arg(long)]
        sysroot: Option<PathBuf>,
        /// A package to build like Lean's core (no package name: plain `initialize_<Module>`
        /// and `l_…` names), e.g. a mini prelude that stands in for `Init`. Repeatable.
        #[arg(long = "core-package")]
        core_packages: Vec<String>,
    },
    /// Internal: the signal audit, run by `doctor --signals` in a child process.
    #[command(name = "__signals", hide = true)]
    Signals {
        /// The `libleanshared` to load.
        library: PathBuf,
    },
    /// Internal: the smoke test itself, run by `doctor` in a child process.
    #[command(name = "__smoke", hide = true)]
    Smoke {
        /// The `libleanshared` to load.
        library: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Commands::Doctor {
            json,
            no_smoke,
            signals,
            worker,
            worker_metadata_export,
            worker_doctor_export,
        } => {
            let worker = worker.map(|manifest| WorkerCheck {
                manifest,
                metadata_export: worker_metadata_export,
                doctor_export: worker_doctor_export,
            });
            doctor(json, no_smoke, signals, worker.as_ref())
        }
        Commands::Signals { library } => {
            let report = signals::run(&library);
            match serde_json::to_string(&report) {
                Ok(line) => say!("{line}"),
                Err(e) => esay!("lean-rs __signals: cannot encode the report: {e}"),
            }
            if report.error.is_none() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Commands::BuildNative {
            packages,
            include,
            out,
            sysroot,
            core_packages,
        } => build_native(&packages, &include, &out, sysroot, &core_packages),
        Commands::Smoke { library } => {
            let report = smoke::run(&library);
            match serde_json::to_string(&report) {
                Ok(line) => say!("{line}"),
                Err(e) => esay!("lean-rs __smoke: cannot encode the report: {e}"),
            }
            if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// The smoke test as the parent saw it.
#[derive(Debug, Serialize)]
struct SmokeOutcome {
    /// The child's report, when it produced one.
    report: Option<SmokeReport>,
    /// How the child ended.
    status: String,
    /// Wall time of the whole child, in milliseconds.
    child_ms: f64,
    /// The failure, as one line, if any.
    error: Option<String>,
}

#[derive(Serialize)]
struct DoctorReport<'a> {
    ok: bool,
    supported_window: String,
    candidates: &'a [Candidate],
    toolchain: Option<&'a ToolchainFingerprint>,
    verdict: &'static str,
    smoke: Option<SmokeOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signals: Option<signals::SignalsReport>,
    /// `lean-rs-worker-doctor --json`'s report, with `--worker`.
    #[serde(skip_serializing_if = "Option::is_none")]
    worker: Option<serde_json::Value>,
    error: Option<ErrorLine>,
}

/// What `--worker` asks to check.
struct WorkerCheck {
    manifest: PathBuf,
    metadata_export: Option<String>,
    doctor_export: Option<String>,
}

#[derive(Serialize)]
struct ErrorLine {
    code: &'static str,
    message: String,
}

fn build_native(
    packages: &[PathBuf],
    include: &Path,
    out: &Path,
    sysroot: Option<PathBuf>,
    core_packages: &[String],
) -> ExitCode {
    use lean_toolchain::native::{NativeBuilder, NativeToolchain};
    let t0 = Instant::now();
    let sysroot = match sysroot {
        Some(dir) => dir,
        None => match lean_toolchain::discover(&DiscoveryInputs::from_env()).result() {
            Ok(fp) => fp.sysroot.clone(),
            Err(e) => {
                esay!("lean-rs build-native: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let builder = NativeToolchain::from_sysroot(&sysroot, include)
        .and_then(|tools| NativeBuilder::new(tools, out))
        .map(|b| core_packages.iter().fold(b, NativeBuilder::core_package));
    let mut builder = match builder {
        Ok(b) => b.on_step(|step| {
            esay!(
                "    {:>8.1} ms  {:<8} {}{} ({})",
                step.elapsed.as_secs_f64() * 1e3,
                step.action,
                step.subject,
                if step.cached { " [cached]" } else { "" },
                step.package
            );
        }),
        Err(e) => {
            esay!("lean-rs build-native: [{}] {e}", e.code());
            return ExitCode::FAILURE;
        }
    };
    for package in packages {
        match builder.build(package) {
            Ok(built) => {
                for lib in &built.libraries {
                    say!("{}: {} -> {}", built.name, lib.name, lib.manifest.display());
                }
            }
            Err(e) => {
                esay!("lean-rs build-native: [{}] {e}", e.code());
                return ExitCode::FAILURE;
            }
        }
    }
    say!(
        "built {} package(s) in {:.1} s",
        packages.len(),
        t0.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

fn doctor(
    json: bool,
    no_smoke: bool,
    with_signals: bool,
    worker: Option<&WorkerCheck>,
) -> ExitCode {
    let discovery = lean_toolchain::discover(&DiscoveryInputs::from_env());
    let chosen = discovery.result();
    let mut error = chosen.as_ref().err().map(|d| ErrorLine {
        code: d.code(),
        message: d.to_string(),
    });
    let smoke = match (&chosen, no_smoke) {
        (Ok(fp), false) => Some(run_smoke(&fp.runtime_library)),
        _ => None,
    };
    if let Some(SmokeOutcome { error: Some(e), .. }) = &smoke {
        error.get_or_insert(ErrorLine {
            code: "lean_rs_cli.smoke_failed",
            message: format!(
                "lean-rs doctor: smoke test failed: {e}; reinstall the toolchain (or rerun scripts/setup) and rerun `lean-rs doctor`"
            ),
        });
    }
    let report = DoctorReport {
        ok: error.is_none(),
        supported_window: lean_toolchain::supported_window(),
        candidates: &discovery.candidates,
        toolchain: chosen.as_ref().ok().copied(),
        verdict: if chosen.is_ok() {
            "supported"
        } else {
            "no supported toolchain"
        },
        smoke,
        signals: None,
        worker: None,
        error,
    };
    let mut report = report;
    if with_signals {
        if let Some(fp) = report.toolchain {
            match run_signals(&fp.runtime_library) {
                Ok(r) => report.signals = Some(r),
                Err(e) => {
                    report.ok = false;
                    report.error.get_or_insert(ErrorLine {
                        code: "lean_rs_cli.signals_failed",
                        message: format!("lean-rs doctor: signal audit failed: {e}"),
                    });
                }
            }
        }
    }
    let worker_text = worker.map(|check| match run_worker_doctor(check, json) {
        Ok((text, ok)) => {
            if json {
                report.worker = serde_json::from_str(&text).ok();
            }
            if !ok || (json && report.worker.is_none()) {
                report.ok = false;
                report.error.get_or_insert(ErrorLine {
                    code: "lean_rs_cli.worker_failed",
                    message: format!(
                        "lean-rs doctor: the worker capability check of {} failed; see its report above",
                        check.manifest.display()
                    ),
                });
            }
            text
        }
        Err(e) => {
            report.ok = false;
            report.error.get_or_insert(ErrorLine {
                code: "lean_rs_cli.worker_failed",
                message: format!("lean-rs doctor: worker capability check: {e}"),
            });
            String::new()
        }
    });
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => say!("{text}"),
            Err(e) => esay!("lean-rs doctor: cannot encode the report: {e}"),
        }
    } else {
        print_human(&report, &discovery, worker_text.as_deref());
        if let Some(r) = &report.signals {
            say!("{}", signals::human(r).trim_end());
        }
    }
    if let Some(error) = &report.error {
        esay!("{}", error.message);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The human report; `worker` is `lean-rs-worker-doctor`'s own text, shown before the result.
fn print_human(report: &DoctorReport<'_>, discovery: &Discovery, worker: Option<&str>) {
    say!("lean-rs doctor");
    say!("supported window: {}", report.supported_window);
    say!("candidates (in discovery order):");
    for c in &discovery.candidates {
        let status = match c.status {
            CandidateStatus::Chosen => "chosen",
            CandidateStatus::Rejected => "rejected",
            CandidateStatus::Absent => "absent",
            CandidateStatus::NotConsulted => "skipped",
        };
        let path = c
            .path
            .as_ref()
            .map(|p| format!(" {}", p.display()))
            .unwrap_or_default();
        say!("  [{status:<8}] {}{path}", c.source.label());
        say!("             {}", c.reason);
    }
    if let Some(fp) = report.toolchain {
        say!("toolchain:");
        say!("  sysroot   {}", fp.sysroot.display());
        say!("  kind      {}", fp.kind.as_str());
        say!("  version   {}", fp.version);
        say!("  commit    {}", fp.commit);
        say!(
            "  platform  {}",
            fp.platform.as_deref().unwrap_or("(not reported)")
        );
        say!("  build     {}", fp.build);
        if let Some(d) = &fp.header_digest {
            say!("  lean.h    sha256 {d}");
        } else {
            say!("  lean.h    none (runtime-only: identified by version + commit)");
        }
        say!("  library   {}", fp.runtime_library.display());
        say!(
            "  verdict   {} (inside {})",
            report.verdict,
            report.supported_window
        );
    }
    if let Some(smoke) = &report.smoke {
        say!("smoke test (child process, {}):", smoke.status);
        if let Some(r) = &smoke.report {
            for check in &r.checks {
                say!("  ok  {check}");
            }
            if r.ok {
                say!(
                    "  ok: runtime initialised in {:.1} ms; Lean export calls took {:.1} µs; child total {:.0} ms",
                    r.init_ms,
                    r.call_us,
                    smoke.child_ms
                );
            }
        }
        if let Some(e) = &smoke.error {
            say!("  FAILED: {e}");
        }
    }
    if let Some(text) = worker.filter(|t| !t.trim().is_empty()) {
        say!("{}", text.trim_end());
    }
    say!("result: {}", if report.ok { "ok" } else { "FAILED" });
}

/// Re-runs this executable as `lean-rs __smoke <library>` and collects its report.
/// Runs `__signals` in a child (bounded to 60 s) and parses its one-line report.
fn run_signals(library: &Path) -> Result<signals::SignalsReport, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate this executable: {e}"))?;
    let mut child = Command::new(&exe)
        .arg("__signals")
        .arg(library)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.take(1 << 20).read_to_string(&mut text);
        }
        text
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("no answer within 60 s".into());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting for the child failed: {e}")),
        }
    };
    let text = reader.join().unwrap_or_default();
    let report: signals::SignalsReport = text
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| format!("the child ended with {status} without a report"))?;
    match &report.error {
        Some(e) => Err(e.clone()),
        None => Ok(report),
    }
}

/// How long the worker capability check may run.
const WORKER_CHECK_TIMEOUT: Duration = Duration::from_secs(120);

/// `lean-rs-worker-doctor`: `$LEAN_RS_WORKER_DOCTOR`, else beside this executable (or one
/// directory up, as Cargo lays out test binaries).
fn worker_doctor_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("LEAN_RS_WORKER_DOCTOR") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate this executable: {e}"))?;
    let name = format!("lean-rs-worker-doctor{}", std::env::consts::EXE_SUFFIX);
    exe.ancestors()
        .skip(1)
        .take(2)
        .map(|dir| dir.join(&name))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            format!(
                "no {name} next to {}; build it (`cargo build -p lean-rs-worker --bins`) or set LEAN_RS_WORKER_DOCTOR",
                exe.display()
            )
        })
}

/// Runs `lean-rs-worker-doctor` on `check` (`--json` when `json`); its bounded output and
/// whether every check passed.
fn run_worker_doctor(check: &WorkerCheck, json: bool) -> Result<(String, bool), String> {
    let program = worker_doctor_binary()?;
    let mut command = Command::new(&program);
    command.arg(&check.manifest);
    if json {
        command.arg("--json");
    }
    if let Some(export) = &check.metadata_export {
        command.arg("--metadata-export").arg(export);
    }
    if let Some(export) = &check.doctor_export {
        command.arg("--doctor-export").arg(export);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    let readers = [
        child.stdout.take().map(drain),
        child.stderr.take().map(drain),
    ];
    let deadline = Instant::now() + WORKER_CHECK_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() > deadline => {
                // Best effort: it may exit between the two calls.
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} gave no answer within {} s",
                    program.display(),
                    WORKER_CHECK_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting for {} failed: {e}", program.display())),
        }
    };
    let [out, err] = readers.map(|r| r.and_then(|h| h.join().ok()).unwrap_or_default());
    match status.code() {
        Some(0 | 1) => Ok((out, status.success())),
        _ => Err(one_line(&format!(
            "{} ended with {status}: {}",
            program.display(),
            err.trim()
        ))),
    }
}

fn run_smoke(library: &Path) -> SmokeOutcome {
    let start = Instant::now();
    let fail = |status: String, error: String, start: Instant| SmokeOutcome {
        report: None,
        status,
        child_ms: start.elapsed().as_secs_f64() * 1e3,
        error: Some(error),
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            return fail(
                "not started".into(),
                format!("cannot locate this executable: {e}"),
                start,
            );
        }
    };
    let child = Command::new(&exe)
        .arg("__smoke")
        .arg(library)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            return fail(
                "not started".into(),
                format!("cannot start {}: {e}", exe.display()),
                start,
            );
        }
    };
    let readers = [
        child.stdout.take().map(drain),
        child.stderr.take().map(drain),
    ];
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > SMOKE_TIMEOUT => {
                // Best effort: it may exit between the two calls.
                let _ = child.kill();
                let _ = child.wait();
                return fail(
                    "killed".into(),
                    format!("no answer within {} s", SMOKE_TIMEOUT.as_secs()),
                    start,
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                return fail(
                    "unknown".into(),
                    format!("waiting for the child failed: {e}"),
                    start,
                );
            }
        }
    };
    let [out, err] = readers.map(|r| r.and_then(|h| h.join().ok()).unwrap_or_default());
    let report: Option<SmokeReport> = out.lines().find_map(|l| serde_json::from_str(l).ok());
    let child_ms = start.elapsed().as_secs_f64() * 1e3;
    let error = match &report {
        Some(r) if r.ok && status.success() => None,
        Some(r) => Some(
            r.error
                .clone()
                .unwrap_or_else(|| format!("child ended with {status}")),
        ),
        None => Some(format!(
            "the child ended with {status} without a report{}",
            err.lines()
                .next()
                .map(|l| format!(": {}", l.chars().take(200).collect::<String>()))
                .unwrap_or_default()
        )),
    };
    SmokeOutcome {
        report,
        status: status.to_string(),
        child_ms,
        error: error.map(|e| one_line(&e)),
    }
}

/// Flattens text to one line of at most 300 characters.
fn one_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    if text.chars().count() > 300 {
        format!("{flat}…")
    } else {
        flat
    }
}

fn drain(stream: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut limited = stream.take(SMOKE_OUTPUT_LIMIT);
        // A read error only shortens the captured text.
        let _ = limited.read_to_end(&mut buf);
        let _ = std::io::copy(&mut limited.into_inner(), &mut std::io::sink());
        String::from_utf8_lossy(&buf).into_owned()
    })
}
