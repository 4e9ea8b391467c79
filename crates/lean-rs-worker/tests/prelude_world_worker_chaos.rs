//! Prelude world, worker chaos: the real Lean child is killed, panics, overflows its stack and
//! runs away; the parent survives each with a typed error, commits nothing of the failed
//! request, and the next request runs in a new child.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use lean_rs_worker::{
    LeanWorkerCommitBuffer, LeanWorkerError, LeanWorkerFatalKind, LeanWorkerRestartReason,
    LeanWorkerRowFlow, LeanWorkerRowSink, LeanWorkerSignature, LeanWorkerStreamingCommand,
    LeanWorkerType as T, LeanWorkerValue as V,
};

fn ping(
    worker: &mut lean_rs_worker::LeanWorker,
    capability: &lean_rs_worker::LeanWorkerCapability,
) {
    let signature = LeanWorkerSignature::io([T::String], T::String);
    let reply = worker
        .call(
            capability,
            "lean_rs_worker_command",
            &signature,
            vec![V::string("ping")],
        )
        .unwrap();
    assert_eq!(reply, V::string("ok pong"));
}

/// Kills the child with `kill -9` after `at` rows, and keeps the rows tentatively.
struct Killer {
    at: u64,
    inner: LeanWorkerCommitBuffer<String>,
    killed_at: Option<Instant>,
}

impl LeanWorkerRowSink<String> for Killer {
    fn row(&mut self, sequence: u64, row: String) -> LeanWorkerRowFlow {
        if self.killed_at.is_none() && sequence == self.at {
            assert_eq!(common::kill_children(), 1);
            self.killed_at = Some(Instant::now());
        }
        self.inner.row(sequence, row)
    }
    fn commit(&mut self, summary: &lean_rs_worker::LeanWorkerStreamSummary) {
        self.inner.commit(summary);
    }
    fn abort(&mut self, error: &LeanWorkerError) {
        self.inner.abort(error);
    }
}

#[test]
fn prelude_world_worker_kill_9_mid_stream_is_a_typed_fatal_exit() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let rows = LeanWorkerStreamingCommand::text("lean_rs_worker_rows", [T::Nat]);
    let mut sink = Killer {
        at: 1000,
        inner: LeanWorkerCommitBuffer::new(),
        killed_at: None,
    };
    let err = rows
        .run(
            &mut worker,
            &capability,
            vec![V::nat(u64::MAX)],
            &mut sink,
            None,
        )
        .unwrap_err();
    let detected = sink.killed_at.unwrap().elapsed();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(exit.kind, LeanWorkerFatalKind::Killed, "{exit}");
    assert!(sink.inner.committed().is_empty() && sink.inner.pending().is_empty());
    eprintln!("fatal-exit detection (kill -9 mid-stream): {detected:?}");
    assert!(detected < Duration::from_secs(2), "{detected:?}");
    ping(&mut worker, &capability);
    assert_eq!(worker.generation(), 2);
    let restart = worker.restarts().last().unwrap();
    assert_eq!(
        restart.reason,
        LeanWorkerRestartReason::FatalExit(LeanWorkerFatalKind::Killed)
    );
    drop(worker);
    common::assert_no_children_left();
}

#[test]
fn prelude_world_worker_lean_panic_with_abort_on_panic_reports_lean_s_message() {
    let (mut worker, capability) =
        common::fixture_worker(common::config().env("LEAN_ABORT_ON_PANIC", "1"));
    let panic = LeanWorkerSignature::pure([T::String], T::Nat);
    let err = worker
        .call(
            &capability,
            "lean_rs_worker_panic",
            &panic,
            vec![V::string("boom")],
        )
        .unwrap_err();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    match &exit.kind {
        LeanWorkerFatalKind::Panic { message } => {
            assert!(message.contains("lean-rs worker panic: boom"), "{message}");
        }
        other => panic!("{other:?}: {}", exit.stderr_tail),
    }
    assert_eq!(exit.status.and_then(|s| s.signal), Some(libc_sigabrt()));
    ping(&mut worker, &capability);
    assert_eq!(worker.generation(), 2);
}

fn libc_sigabrt() -> i32 {
    6
}

#[test]
fn prelude_world_worker_lean_panic_without_abort_prints_and_the_protocol_survives() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let panic = LeanWorkerSignature::pure([T::String], T::Nat);
    let value = worker
        .call(
            &capability,
            "lean_rs_worker_panic",
            &panic,
            vec![V::string("soft")],
        )
        .unwrap();
    // Lean prints the panic (to the child's stderr) and returns `default`.
    assert_eq!(value, V::Nat("0".into()));
    ping(&mut worker, &capability);
    assert_eq!(worker.generation(), 1);
    let deadline = Instant::now() + Duration::from_secs(2);
    while !worker.stderr_tail().contains("lean-rs worker panic: soft") {
        assert!(Instant::now() < deadline, "{:?}", worker.stderr_tail());
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn prelude_world_worker_stack_overflow_is_classified() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let deep = LeanWorkerSignature::pure([T::Nat], T::Nat);
    let err = worker
        .call(
            &capability,
            "lean_rs_worker_deep",
            &deep,
            vec![V::nat(100_000_000u32)],
        )
        .unwrap_err();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        exit.kind,
        LeanWorkerFatalKind::StackOverflow,
        "{exit}: {}",
        exit.stderr_tail
    );
    ping(&mut worker, &capability);
}

#[test]
fn prelude_world_worker_runaway_request_times_out_and_the_child_is_replaced() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    worker.set_request_timeout(Duration::from_millis(500));
    let spin = LeanWorkerSignature::pure([T::U64], T::U64);
    let started = Instant::now();
    let err = worker
        .call(
            &capability,
            "lean_rs_worker_spin",
            &spin,
            vec![V::U64(u64::MAX)],
        )
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, LeanWorkerError::Timeout { .. }), "{err}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    worker.set_request_timeout(Duration::from_secs(20));
    ping(&mut worker, &capability);
    assert_eq!(worker.generation(), 2);
    assert_eq!(
        worker.restarts().last().unwrap().reason,
        LeanWorkerRestartReason::RequestTimeout
    );
    drop(worker);
    common::assert_no_children_left();
}

#[test]
fn prelude_world_worker_a_lean_export_printing_to_stdout_cannot_corrupt_the_protocol() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let print = LeanWorkerSignature::io([T::String], T::String);
    // Text that looks like a frame (a small length prefix and a kind byte), then a lot more.
    let forged = "\u{9}\u{0}\u{0}\u{0}\u{3}forged reply\n".to_owned();
    let bulk = "stdout from Lean ".repeat(20_000);
    for text in [
        forged.clone(),
        bulk.clone(),
        "last line from Lean\n".to_owned(),
    ] {
        let echoed = worker
            .call(
                &capability,
                "lean_rs_worker_print",
                &print,
                vec![V::string(text.clone())],
            )
            .unwrap();
        assert_eq!(echoed, V::string(text));
    }
    ping(&mut worker, &capability);
    assert_eq!(worker.generation(), 1);
    let deadline = Instant::now() + Duration::from_secs(2);
    while !worker.stderr_tail().contains("last line from Lean") {
        assert!(Instant::now() < deadline, "{:?}", worker.stderr_tail());
        std::thread::sleep(Duration::from_millis(5));
    }
    // The diagnostic tail stays bounded.
    assert!(worker.stderr_tail().len() <= 16 * 1024);
}

#[test]
fn prelude_world_worker_cancelling_a_runaway_call_replaces_the_child() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let token = lean_rs_worker::LeanWorkerCancellationToken::new();
    let remote = token.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        remote.cancel();
        Instant::now()
    });
    let spin = LeanWorkerSignature::pure([T::U64], T::U64);
    let err = worker
        .call_cancellable(
            &capability,
            "lean_rs_worker_spin",
            &spin,
            vec![V::U64(u64::MAX)],
            Some(&token),
        )
        .unwrap_err();
    let latency = canceller.join().unwrap().elapsed();
    assert_eq!(err, LeanWorkerError::Cancelled);
    assert!(latency < Duration::from_secs(1), "{latency:?}");
    ping(&mut worker, &capability);
    assert_eq!(
        worker.restarts().last().unwrap().reason,
        LeanWorkerRestartReason::Cancelled
    );
}

/// `lean_rs_worker_json_roundtrip` hands its text to libleanshared's compiled
/// `Lean.Json.parse` (`l_Lean_Json_parse`) and renders the result with `Lean.Json.compress`.
fn json_roundtrip(
    worker: &mut lean_rs_worker::LeanWorker,
    capability: &lean_rs_worker::LeanWorkerCapability,
    text: String,
) -> Result<V, LeanWorkerError> {
    let signature = LeanWorkerSignature::io([T::String], T::String);
    worker.call(
        capability,
        "lean_rs_worker_json_roundtrip",
        &signature,
        vec![V::String(text)],
    )
}

#[test]
fn prelude_world_worker_lean_json_parse_of_deep_input_overflows_in_libleanshared() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    // Lean's own parser, from libleanshared, works on ordinary input…
    let shallow = json_roundtrip(&mut worker, &capability, "[1, [2, {\"a\": null}]]".into());
    assert_eq!(shallow.unwrap(), V::string("[1,[2,{\"a\":null}]]"));
    let refused = json_roundtrip(&mut worker, &capability, "[1,".into()).unwrap_err();
    assert!(
        matches!(&refused, LeanWorkerError::Lean { .. }),
        "a parse error is Lean's exception, the child keeps serving: {refused:?}"
    );
    assert_eq!(worker.generation(), 1);
    // …and recurses once per nesting level: an array nested 10^6 deep overflows the child's
    // 8 MiB main-thread stack inside libleanshared.
    let depth = 1_000_000;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let err = json_roundtrip(&mut worker, &capability, deep).unwrap_err();
    let exit = err.fatal().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        exit.kind,
        LeanWorkerFatalKind::StackOverflow,
        "{exit}: {}",
        exit.stderr_tail
    );
    // The next request runs in a new child, through the same parser.
    let again = json_roundtrip(&mut worker, &capability, "{\"ok\": [true]}".into());
    assert_eq!(again.unwrap(), V::string("{\"ok\":[true]}"));
    assert_eq!(worker.generation(), 2);
    assert!(matches!(
        worker.restarts().last().map(|r| &r.reason),
        Some(LeanWorkerRestartReason::FatalExit(
            LeanWorkerFatalKind::StackOverflow
        ))
    ));
}
