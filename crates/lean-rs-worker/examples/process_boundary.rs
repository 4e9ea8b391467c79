//! The process boundary in a few lines: Lean runs in a supervised child; a crash there is a
//! typed error here, and the next request runs in a fresh child.
//!
//! ```sh
//! cargo build -p lean-rs-worker --bins --examples
//! target/debug/examples/process_boundary
//! ```
//!
//! Needs the natively built worker fixture (`scripts/test` builds it).

use std::error::Error;
use std::path::Path;

use lean_rs_worker::{
    LeanWorker, LeanWorkerCommitBuffer, LeanWorkerConfig, LeanWorkerJsonCommand,
    LeanWorkerSignature, LeanWorkerStreamingCommand, LeanWorkerType as T, LeanWorkerValue as V,
};

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| {
            dir.join(".lean-rs/native/lean-rs-worker-fixture/LeanRsWorkerFixture.capability.json")
        })
        .find(|path| path.is_file())
        .ok_or("build the worker fixture first (scripts/test)")?;

    // Lean panics abort the child (and only the child).
    let mut worker = LeanWorker::spawn(LeanWorkerConfig::local()?.env("LEAN_ABORT_ON_PANIC", "1"))?;
    let fixture = worker.open_capability(&manifest)?;
    if let Some(meta) = worker.runtime_metadata() {
        println!(
            "child ready: Lean {} ({}), started in {:?}",
            meta.lean_version, meta.platform, meta.startup
        );
    }

    // A text command over `String → IO String`.
    let command: LeanWorkerJsonCommand<String, String> = LeanWorkerJsonCommand::with_codec(
        "lean_rs_worker_command",
        |req| Ok(req.clone()),
        |reply| Ok(reply.to_owned()),
    );
    println!(
        "ping → {}",
        command.run(&mut worker, &fixture, &"ping".to_owned())?
    );

    // A live row stream; rows are committed only when the request succeeds.
    let rows = LeanWorkerStreamingCommand::text("lean_rs_worker_rows", [T::Nat]);
    let mut sink = LeanWorkerCommitBuffer::new();
    let summary = rows.run(&mut worker, &fixture, vec![V::nat(5u32)], &mut sink, None)?;
    println!(
        "{} rows in {:?}: {:?}",
        summary.rows,
        summary.elapsed,
        sink.committed()
    );

    // A Lean panic: the child dies, the parent gets a typed error.
    let panic = LeanWorkerSignature::pure([T::String], T::Nat);
    match worker.call(
        &fixture,
        "lean_rs_worker_panic",
        &panic,
        vec![V::string("demo")],
    ) {
        Err(err) => println!("contained: {err}"),
        Ok(value) => println!("unexpected: {value:?}"),
    }

    // …and the next request runs in a replacement child with the fixture reopened.
    println!(
        "ping → {}",
        command.run(&mut worker, &fixture, &"ping".to_owned())?
    );
    for restart in worker.restarts() {
        println!(
            "restart (generation {}): {}",
            restart.generation, restart.reason
        );
    }
    Ok(())
}
