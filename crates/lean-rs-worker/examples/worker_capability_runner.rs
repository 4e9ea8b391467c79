//! The worker capability runner: a downstream-shaped tool on the worker capability layer. It
//! checks the capability before any request, reports its metadata and health, runs a text
//! command and a live row stream with its diagnostics and progress channels, survives a
//! request timeout, and cycles the child on purpose — without naming a pipe, a frame or a
//! process id.
//!
//! ```sh
//! cargo build -p lean-rs-worker --bins --examples
//! target/debug/examples/worker_capability_runner
//! ```
//!
//! Needs the natively built worker fixture (`scripts/test` builds it).

use std::error::Error;
use std::path::Path;
use std::time::Duration;

use lean_rs_worker::{
    LeanWorkerCapabilityBuilder, LeanWorkerCapabilityWorker, LeanWorkerCommitBuffer,
    LeanWorkerDiagnostic, LeanWorkerError, LeanWorkerJsonCommand, LeanWorkerMetadataExpectation,
    LeanWorkerProgressEvent, LeanWorkerRestartPolicy, LeanWorkerSignature,
    LeanWorkerStreamObservers, LeanWorkerStreamingCommand, LeanWorkerType as T,
    LeanWorkerValue as V,
};

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "lean-rs-worker-fixture",
        "LeanRsWorkerFixture",
    )?;

    // What the tool needs from the capability, checked before the first request.
    let builder = LeanWorkerCapabilityBuilder::from_manifest(&manifest)
        .require_export(
            "lean_rs_worker_command",
            LeanWorkerSignature::io([T::String], T::String),
        )
        .require_export(
            "lean_rs_worker_spin",
            LeanWorkerSignature::pure([T::U64], T::U64),
        )
        .expect_metadata(LeanWorkerMetadataExpectation::new(
            "lean_rs_worker_metadata",
            serde_json::json!({"name": "lean-rs-worker-fixture", "protocol": 1}),
        ))
        .doctor_export("lean_rs_worker_doctor")
        .restart_policy(LeanWorkerRestartPolicy::new().max_requests(1000))
        .request_timeout(Duration::from_secs(30));
    let mut capability = match builder.open() {
        Ok(capability) => capability,
        Err(err) => {
            for check in err.0.errors() {
                eprintln!(
                    "{}: {} ({})",
                    check.code(),
                    check.message(),
                    check.repair_hint()
                );
            }
            return Err(err.into());
        }
    };
    let report = capability.bootstrap_report();
    if let (Some(runtime), Some(metadata)) = (report.runtime(), report.metadata()) {
        println!(
            "capability {} {} on Lean {} (worker protocol {}); commands: {}; features: {}",
            metadata.name,
            metadata.version,
            runtime.lean_version,
            runtime.protocol,
            metadata.commands.join(", "),
            metadata.features.join(", ")
        );
    }
    for warning in report.warnings() {
        println!("warning {}: {}", warning.code(), warning.message());
    }

    // A text command.
    let command: LeanWorkerJsonCommand<String, String> = LeanWorkerJsonCommand::with_codec(
        "lean_rs_worker_command",
        |req| Ok(req.clone()),
        |reply| Ok(reply.to_owned()),
    );
    println!(
        "ping → {}",
        capability.run_json(&command, &"ping".to_owned())?
    );

    stream(&mut capability)?;
    timeout_and_cycle(&mut capability, &command)?;
    Ok(())
}

/// A live row stream; diagnostics and progress arrive on their own channels, and rows become
/// final only with the terminal success.
fn stream(capability: &mut LeanWorkerCapabilityWorker) -> Result<(), Box<dyn Error>> {
    let rows = LeanWorkerStreamingCommand::text("lean_rs_worker_rows_observed", [T::Nat]);
    let mut sink = LeanWorkerCommitBuffer::new();
    let mut diagnostics: Vec<String> = Vec::new();
    let mut progress = 0_u64;
    let mut on_diagnostic = |d: &LeanWorkerDiagnostic| {
        diagnostics.push(format!("{:?} {}", d.severity, d.message));
    };
    let mut on_progress = |_: &LeanWorkerProgressEvent| progress += 1;
    let summary = capability.run_stream_observed(
        &rows,
        vec![V::nat(6u32)],
        &mut sink,
        LeanWorkerStreamObservers::new()
            .diagnostics(&mut on_diagnostic)
            .progress(&mut on_progress),
        None,
    )?;
    println!(
        "{} rows committed in {:?}: {:?}",
        summary.rows,
        summary.elapsed,
        sink.committed()
    );
    println!("diagnostics: {diagnostics:?}; progress events: {progress}");

    Ok(())
}

/// A request that outlives its deadline (the child is killed, the tool gets a typed error, the
/// next request runs in a replacement child), then a cycle on purpose.
fn timeout_and_cycle(
    capability: &mut LeanWorkerCapabilityWorker,
    command: &LeanWorkerJsonCommand<String, String>,
) -> Result<(), Box<dyn Error>> {
    capability
        .worker()
        .set_request_timeout(Duration::from_millis(300));
    match capability.call(
        "lean_rs_worker_spin",
        &LeanWorkerSignature::pure([T::U64], T::U64),
        vec![V::U64(u64::MAX)],
    ) {
        Err(LeanWorkerError::Timeout { duration, .. }) => {
            println!("a runaway request timed out after {duration:?}");
        }
        other => return Err(format!("expected a timeout, got {other:?}").into()),
    }
    capability
        .worker()
        .set_request_timeout(Duration::from_secs(30));
    println!(
        "after the timeout: {} (child generation {})",
        capability.run_json(command, &"echo still here".to_owned())?,
        capability.worker().generation()
    );

    // Cycling on purpose, e.g. to reset Lean's process-global memory after a large batch.
    capability.worker().cycle("memory reset after a batch")?;
    println!(
        "health after the cycle: {:?}",
        capability.doctor()?.status()
    );
    for restart in capability.worker().restarts() {
        println!("restart {}: {}", restart.generation, restart.reason);
    }
    Ok(())
}
