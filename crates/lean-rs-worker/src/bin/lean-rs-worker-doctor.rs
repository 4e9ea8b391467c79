//! `lean-rs-worker-doctor <manifest>`: the bootstrap check of a worker capability, for people
//! (`--json` for machines). `lean-rs doctor --worker <manifest>` runs it.
//!
//! ```text
//! lean-rs-worker-doctor <Lib.capability.json> [--json] [--metadata-export NAME]
//!     [--doctor-export NAME] [--require-string-export NAME]... [--worker-child PATH]
//! ```
//!
//! Exit status: 0 when every check passed (warnings allowed), 1 when one failed, 2 for bad
//! arguments.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use lean_rs_worker::{
    LeanWorkerBootstrapReport, LeanWorkerCapabilityBuilder, LeanWorkerSignature, LeanWorkerType,
};

const USAGE: &str = "usage: lean-rs-worker-doctor <Lib.capability.json> [--json] [--metadata-export NAME] [--doctor-export NAME] [--require-string-export NAME]... [--worker-child PATH]";

/// Most arguments accepted (each flag and value counts).
const MAX_ARGS: usize = 256;

struct Args {
    manifest: PathBuf,
    json: bool,
    metadata: Option<String>,
    doctor: Option<String>,
    require: Vec<String>,
    child: Option<PathBuf>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let args: Vec<String> = args.take(MAX_ARGS + 1).collect();
    if args.len() > MAX_ARGS {
        return Err(format!("more than {MAX_ARGS} arguments"));
    }
    let mut manifest = None;
    let mut parsed = Args {
        manifest: PathBuf::new(),
        json: false,
        metadata: None,
        doctor: None,
        require: Vec::new(),
        child: None,
    };
    let mut rest = args.into_iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| rest.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--json" => parsed.json = true,
            "--metadata-export" => parsed.metadata = Some(value("--metadata-export")?),
            "--doctor-export" => parsed.doctor = Some(value("--doctor-export")?),
            "--require-string-export" => parsed.require.push(value("--require-string-export")?),
            "--worker-child" => parsed.child = Some(PathBuf::from(value("--worker-child")?)),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            path if manifest.is_none() => manifest = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    parsed.manifest = manifest.ok_or("no capability manifest given")?;
    Ok(parsed)
}

/// The report as text (writing to a `String` cannot fail).
fn human(report: &LeanWorkerBootstrapReport) -> String {
    let mut out = format!("worker capability {}\n", report.manifest().display());
    if let Some(r) = report.runtime() {
        let _ = writeln!(
            out,
            "  worker      protocol {}, lean-rs-worker {}, Lean {}{} on {}, started in {:.0} ms",
            r.protocol,
            r.worker_version,
            r.lean_version,
            r.lean_commit
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default(),
            r.platform,
            r.startup.as_secs_f64() * 1e3
        );
    }
    if let Some(m) = report.metadata() {
        let _ = writeln!(
            out,
            "  capability  {} {} (metadata protocol {})\n  commands    {}\n  features    {}",
            m.name,
            m.version,
            m.metadata_protocol,
            m.commands.join(", "),
            m.features.join(", ")
        );
    }
    if let Some(d) = report.doctor() {
        for check in &d.checks {
            let status = match check.status {
                lean_rs_worker::LeanWorkerHealth::Ok => "ok",
                lean_rs_worker::LeanWorkerHealth::Warning => "warning",
                lean_rs_worker::LeanWorkerHealth::Error => "error",
            };
            let _ = writeln!(
                out,
                "  health      [{status}] {}: {}",
                check.name, check.message
            );
        }
    }
    for (kind, list) in [("warning", report.warnings()), ("error", report.errors())] {
        for check in list {
            let _ = writeln!(
                out,
                "  {kind:<11} {}: {} ({})",
                check.code(),
                check.message(),
                check.repair_hint()
            );
        }
    }
    out += if report.is_ok() {
        "  verdict     ok\n"
    } else {
        "  verdict     failed\n"
    };
    out
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "lean-rs-worker-doctor: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = LeanWorkerCapabilityBuilder::from_manifest(&args.manifest);
    if let Some(child) = args.child {
        builder = builder.worker_child(child);
    }
    if let Some(export) = args.metadata {
        builder = builder.metadata_export(export);
    }
    if let Some(export) = args.doctor {
        builder = builder.doctor_export(export);
    }
    for export in args.require {
        builder = builder.require_export(
            export,
            LeanWorkerSignature::io([LeanWorkerType::String], LeanWorkerType::String),
        );
    }
    let report = builder.check();
    let text = if args.json {
        report.to_json().to_string()
    } else {
        human(&report)
    };
    // A closed stdout (e.g. `| head`) only loses the report; the exit status still says it.
    let _ = writeln!(std::io::stdout(), "{}", text.trim_end());
    if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
