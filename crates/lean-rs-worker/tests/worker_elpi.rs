//! The real Lake-built ELPI library (`.lean-rs/fixtures/elpi/libleanelpi.so`, installed by
//! `scripts/setup`) in the worker child: typed calls of its `@[export]`s across the process
//! boundary without a JSON wrapper, and a non-terminating Prolog query (unbounded fuel) as a
//! real runaway request: request timeout, the child replaced, the next query answered.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lean_rs_worker::{
    LeanWorker, LeanWorkerCapability, LeanWorkerError, LeanWorkerRestartReason,
    LeanWorkerSignature, LeanWorkerType as T, LeanWorkerValue as V,
};

const APPEND: &str = "pred app i:list int, i:list int, o:list int.\n\
                      app [] L L.\n\
                      app [X|Xs] L [X|R] :- app Xs L R.";
const LOOP: &str = "pred loop.\nloop :- loop.";

/// Writes ELPI's capability manifest (its export signatures are the ones `lean-rs`'s own
/// ELPI tests record) next to nothing else, in a per-process temporary directory.
fn manifest() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fixtures = here
        .ancestors()
        .map(|dir| dir.join(".lean-rs/fixtures/elpi"))
        .find(|dir| dir.join("libleanelpi.so").is_file())
        .expect("run scripts/setup: .lean-rs/fixtures/elpi/libleanelpi.so is missing");
    let exports: serde_json::Value = serde_json::from_str(include_str!(
        "../../lean-rs/tests/fixtures/elpi.exports.json"
    ))
    .unwrap();
    let manifest = serde_json::json!({
        "schema": 2,
        "package": "lean-elpi",
        "module": "Elpi.Ffi",
        "dylib": fixtures.join("libleanelpi.so"),
        "dependencies": [{ "dylib": fixtures.join("libleanshared.so"), "export_symbols": true }],
        "toolchain": { "version": lean_rs_sys::LEAN_VERSION },
        "exports": exports,
    });
    let dir = std::env::temp_dir().join(format!("lean-rs-worker-elpi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lean-elpi.capability.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    path
}

fn load(worker: &mut LeanWorker, elpi: &LeanWorkerCapability, program: &str) -> u64 {
    let signature = LeanWorkerSignature::io([T::String], T::U64);
    match worker
        .call(
            elpi,
            "leanelpi_ffi_load",
            &signature,
            vec![V::string(program)],
        )
        .unwrap()
    {
        V::U64(handle) => handle,
        other => panic!("{other:?}"),
    }
}

fn solve(
    worker: &mut LeanWorker,
    elpi: &LeanWorkerCapability,
    program: u64,
    query: &str,
    fuel: u64,
) -> Result<String, LeanWorkerError> {
    let signature = LeanWorkerSignature::io([T::U64, T::String, T::U64, T::U64], T::String);
    let args = vec![V::U64(program), V::string(query), V::U64(0), V::U64(fuel)];
    match worker.call(elpi, "leanelpi_ffi_solve", &signature, args)? {
        V::String(answer) => Ok(answer),
        other => panic!("{other:?}"),
    }
}

#[test]
fn elpi_runs_isolated_in_the_worker_through_typed_calls() {
    let manifest = manifest();
    let mut worker = LeanWorker::spawn(common::config()).unwrap();
    let elpi = worker.open_capability(&manifest).unwrap();
    let program = load(&mut worker, &elpi, APPEND);
    let answer = solve(&mut worker, &elpi, program, "app [1,2] [3] R", 0).unwrap();
    let json: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(
        json["solutions"][0]["bindings"]["R"], "[1, 2, 3]",
        "{answer}"
    );
    // A parse error is ELPI's own IO error, and the child keeps serving.
    let err = solve(&mut worker, &elpi, program, "app [1 R", 0).unwrap_err();
    assert!(matches!(err, LeanWorkerError::Lean { .. }), "{err}");
    let version = worker
        .call(
            &elpi,
            "leanelpi_ffi_version",
            &LeanWorkerSignature::pure([], T::String),
            vec![],
        )
        .unwrap();
    assert!(matches!(version, V::String(v) if !v.is_empty()));
    std::fs::remove_dir_all(manifest.parent().unwrap()).ok();
}

#[test]
fn a_runaway_prolog_query_times_out_and_the_replacement_answers() {
    let manifest = manifest();
    let mut worker = LeanWorker::spawn(common::config()).unwrap();
    let elpi = worker.open_capability(&manifest).unwrap();
    let looping = load(&mut worker, &elpi, LOOP);
    worker.set_request_timeout(Duration::from_millis(700));
    let started = Instant::now();
    let err = solve(&mut worker, &elpi, looping, "loop", 0).unwrap_err();
    assert!(matches!(err, LeanWorkerError::Timeout { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
    worker.set_request_timeout(Duration::from_secs(20));
    // Program handles lived in the old child: load again in the new one.
    let program = load(&mut worker, &elpi, APPEND);
    let answer = solve(&mut worker, &elpi, program, "app [] [7] R", 0).unwrap();
    assert!(answer.contains("[7]"), "{answer}");
    assert_eq!(worker.generation(), 2);
    let reason = &worker.restarts().last().unwrap().reason;
    assert_eq!(*reason, LeanWorkerRestartReason::RequestTimeout);
    eprintln!("runaway ELPI query: {err}");
    drop(worker);
    common::assert_no_children_left();
    std::fs::remove_dir_all(manifest.parent().unwrap()).ok();
}
