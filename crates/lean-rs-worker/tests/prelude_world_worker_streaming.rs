//! Prelude world, worker: the fixture's row stream (`lean_rs_worker_rows`, one string callback
//! per row in the child) forwarded live to the parent, committed only after success.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use lean_rs_worker::{
    LeanWorkerCancellationToken, LeanWorkerCommitBuffer, LeanWorkerError, LeanWorkerRowFlow,
    LeanWorkerRowSink, LeanWorkerStreamingCommand, LeanWorkerType as T, LeanWorkerValue as V,
};

fn rows() -> LeanWorkerStreamingCommand<String> {
    LeanWorkerStreamingCommand::text("lean_rs_worker_rows", [T::Nat])
}

#[test]
fn prelude_world_worker_rows_stream_live_and_commit_after_success() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let mut sink = LeanWorkerCommitBuffer::new();
    let summary = rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(1000u32)],
            &mut sink,
            None,
        )
        .unwrap();
    assert_eq!(summary.rows, 1000);
    assert_eq!(sink.committed().len(), 1000);
    assert_eq!(sink.committed()[0], "row 0");
    assert_eq!(sink.committed()[999], "row 999");
    assert!(sink.pending().is_empty());
    // An empty stream is a success too.
    let summary = rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(0u32)],
            &mut sink,
            None,
        )
        .unwrap();
    assert_eq!(summary.rows, 0);
}

/// Records what happened, and stops after `stop_at` rows.
#[derive(Default)]
struct Probe {
    seen: Vec<String>,
    stop_at: Option<usize>,
    panic_at: Option<usize>,
    committed: bool,
    aborted: Option<String>,
}

impl LeanWorkerRowSink<String> for Probe {
    fn row(&mut self, _sequence: u64, row: String) -> LeanWorkerRowFlow {
        assert!(
            self.panic_at != Some(self.seen.len()),
            "sink exploded at {}",
            self.seen.len()
        );
        self.seen.push(row);
        if Some(self.seen.len()) == self.stop_at {
            LeanWorkerRowFlow::Stop
        } else {
            LeanWorkerRowFlow::Continue
        }
    }
    fn commit(&mut self, _: &lean_rs_worker::LeanWorkerStreamSummary) {
        self.committed = true;
    }
    fn abort(&mut self, error: &LeanWorkerError) {
        self.aborted = Some(error.to_string());
    }
}

#[test]
fn prelude_world_worker_a_sink_stop_cancels_at_a_row_boundary_and_the_child_keeps_serving() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let mut probe = Probe {
        stop_at: Some(10),
        ..Probe::default()
    };
    let err = rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(1_000_000u32)],
            &mut probe,
            None,
        )
        .unwrap_err();
    assert_eq!(err, LeanWorkerError::Cancelled);
    assert_eq!(
        probe.seen.len(),
        10,
        "rows after the stop are not delivered"
    );
    assert!(!probe.committed && probe.aborted.is_some());
    // Cooperative cancellation does not cost the child.
    assert_eq!(worker.generation(), 1);
    let mut sink = LeanWorkerCommitBuffer::new();
    rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(3u32)],
            &mut sink,
            None,
        )
        .unwrap();
    assert_eq!(sink.committed(), ["row 0", "row 1", "row 2"]);
}

#[test]
fn prelude_world_worker_a_cancellation_token_stops_a_long_stream_quickly() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let token = LeanWorkerCancellationToken::new();
    let remote = token.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        remote.cancel();
        Instant::now()
    });
    let mut sink = LeanWorkerCommitBuffer::new();
    let err = rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(u64::MAX)],
            &mut sink,
            Some(&token),
        )
        .unwrap_err();
    let done = Instant::now();
    let cancelled_at = canceller.join().unwrap();
    assert_eq!(err, LeanWorkerError::Cancelled);
    assert!(sink.committed().is_empty() && sink.pending().is_empty());
    let latency = done.duration_since(cancelled_at);
    eprintln!("cancellation latency: {latency:?}");
    assert!(latency < Duration::from_secs(1), "{latency:?}");
    assert_eq!(worker.generation(), 1);
}

#[test]
fn prelude_world_worker_a_panicking_row_sink_is_contained() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let mut probe = Probe {
        panic_at: Some(5),
        ..Probe::default()
    };
    let err = rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(100_000u32)],
            &mut probe,
            None,
        )
        .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::SinkPanic(m) if m.contains("sink exploded at 5")),
        "{err}"
    );
    assert!(!probe.committed && probe.aborted.is_some());
    let mut sink = LeanWorkerCommitBuffer::new();
    rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(2u32)],
            &mut sink,
            None,
        )
        .unwrap();
    assert_eq!(sink.committed().len(), 2);
}

#[test]
fn prelude_world_worker_rows_that_do_not_decode_fail_the_request_uncommitted() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let json: LeanWorkerStreamingCommand<u64> =
        LeanWorkerStreamingCommand::json("lean_rs_worker_rows", [T::Nat]);
    let mut sink = LeanWorkerCommitBuffer::new();
    let err = json
        .run(
            &mut worker,
            &capability,
            vec![V::nat(5u32)],
            &mut sink,
            None,
        )
        .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::RowDecode { sequence: 0, .. }),
        "{err}"
    );
    assert!(sink.committed().is_empty());
}

/// A sink that takes 200 µs per row.
struct Slow(u64);
impl LeanWorkerRowSink<String> for Slow {
    fn row(&mut self, _: u64, _: String) -> LeanWorkerRowFlow {
        std::thread::sleep(Duration::from_micros(200));
        self.0 += 1;
        LeanWorkerRowFlow::Continue
    }
}

#[test]
fn prelude_world_worker_a_slow_sink_gets_backpressure_not_unbounded_buffering() {
    let (mut worker, capability) = common::fixture_worker(common::config().row_buffer(4));
    let mut slow = Slow(0);
    let summary = rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(2000u32)],
            &mut slow,
            None,
        )
        .unwrap();
    assert_eq!((summary.rows, slow.0), (2000, 2000));
}

#[test]
fn prelude_world_worker_a_token_cancelled_before_the_stream_starts_stops_it_at_once() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let token = LeanWorkerCancellationToken::new();
    token.cancel();
    let started = Instant::now();
    let mut sink = LeanWorkerCommitBuffer::new();
    let err = rows()
        .run(
            &mut worker,
            &capability,
            vec![V::nat(u64::MAX)],
            &mut sink,
            Some(&token),
        )
        .unwrap_err();
    assert_eq!(err, LeanWorkerError::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(sink.committed().is_empty());
    assert_eq!(
        worker.generation(),
        1,
        "no restart: the child stopped at its first row"
    );
}
