//! A stream's side channels against the real runtime and the natively built worker fixture:
//! diagnostics and progress that compiled Lean emits between rows reach their own sinks, the
//! child's stderr lines join the diagnostics, each channel is bounded and counted in the
//! summary, and a panicking observer is contained.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::RefCell;

use lean_rs_worker::{
    LeanWorkerCommitBuffer, LeanWorkerDiagnostic, LeanWorkerDiagnosticSource, LeanWorkerError,
    LeanWorkerProgressEvent, LeanWorkerRowFlow, LeanWorkerSeverity, LeanWorkerStreamObservers,
    LeanWorkerStreamingCommand, LeanWorkerType, LeanWorkerValue,
};

const OBSERVED: &str = "lean_rs_worker_rows_observed";

fn n(count: u64) -> Vec<LeanWorkerValue> {
    vec![LeanWorkerValue::Nat(count.to_string())]
}

#[test]
fn diagnostics_and_progress_arrive_apart_from_rows_and_in_order() {
    let (mut worker, cap) = common::fixture_worker(common::config());
    let log = RefCell::new(Vec::<String>::new());
    let mut diagnostics = Vec::<LeanWorkerDiagnostic>::new();
    let mut progress = Vec::<LeanWorkerProgressEvent>::new();
    let mut on_row = |i: u64, row: &str| {
        assert_eq!(row, format!("row {i}"), "only rows reach the row sink");
        log.borrow_mut().push(format!("row {i}"));
        LeanWorkerRowFlow::Continue
    };
    let mut on_diagnostic = |d: &LeanWorkerDiagnostic| {
        if d.source == LeanWorkerDiagnosticSource::Lean {
            log.borrow_mut().push(format!("diag {}", d.message));
        }
        diagnostics.push(d.clone());
    };
    let mut on_progress = |p: &LeanWorkerProgressEvent| progress.push(p.clone());
    let observers = LeanWorkerStreamObservers::new()
        .diagnostics(&mut on_diagnostic)
        .progress(&mut on_progress);
    let summary = worker
        .stream_rows_observed(
            &cap,
            OBSERVED,
            &[LeanWorkerType::Nat],
            n(40),
            &mut on_row,
            observers,
            None,
        )
        .unwrap();
    assert_eq!(summary.rows, 40);
    assert_eq!(summary.diagnostics, 3);
    assert_eq!(summary.diagnostics_dropped, 0);

    let lean: Vec<(LeanWorkerSeverity, Option<&str>, &str)> = diagnostics
        .iter()
        .filter(|d| d.source == LeanWorkerDiagnosticSource::Lean)
        .map(|d| (d.severity, d.code.as_deref(), d.message.as_str()))
        .collect();
    assert_eq!(
        lean,
        [
            (
                LeanWorkerSeverity::Info,
                Some("observe.start"),
                "streaming 40"
            ),
            (
                LeanWorkerSeverity::Warning,
                Some("observe.first_row"),
                "first row sent"
            ),
            (LeanWorkerSeverity::Error, Some("observe.done"), "done"),
        ]
    );
    // The child's own stderr line, written by Lean after the last row, is delivered before
    // the summary (the output sync), as a child-output diagnostic.
    let output: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.source == LeanWorkerDiagnosticSource::ChildOutput)
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        output.contains(&"observed stream wrote 40 rows"),
        "child output lines: {output:?}"
    );
    assert_eq!(summary.output_lines, output.len() as u64);
    assert!(
        !worker.stderr_tail().contains("lean-rs-worker-sync"),
        "sync markers stay out of the tail"
    );

    // One pipe carries every channel in the order Lean emitted it.
    let log = log.into_inner();
    let at = |entry: &str| log.iter().position(|e| e == entry).unwrap();
    assert_eq!(at("diag streaming 40"), 0);
    assert!(at("row 0") < at("diag first row sent") && at("diag first row sent") < at("row 1"));
    assert_eq!(at("diag done"), log.len() - 1);

    // Progress: the first and the last event always go out; what lies between is coalesced.
    assert_eq!(summary.progress, progress.len() as u64);
    assert!(
        (2..=41).contains(&progress.len()),
        "{} events",
        progress.len()
    );
    assert_eq!((progress[0].current, progress[0].total), (0, Some(40)));
    let last = progress.last().unwrap();
    assert_eq!(
        (last.current, last.total, last.phase.as_str()),
        (40, Some(40), "rows")
    );
    assert!(progress.windows(2).all(|w| w[0].current < w[1].current));
    assert!(progress.windows(2).all(|w| w[0].elapsed <= w[1].elapsed));
    assert_eq!(worker.generation(), 1);
}

#[test]
fn without_observers_side_channels_are_counted_not_delivered_as_rows() {
    let (mut worker, cap) = common::fixture_worker(common::config());
    let mut rows = Vec::new();
    let summary = worker
        .stream_rows(
            &cap,
            OBSERVED,
            &[LeanWorkerType::Nat],
            n(5),
            &mut |_, row| {
                rows.push(row.to_owned());
                LeanWorkerRowFlow::Continue
            },
            None,
        )
        .unwrap();
    assert_eq!(rows, ["row 0", "row 1", "row 2", "row 3", "row 4"]);
    assert_eq!((summary.rows, summary.diagnostics), (5, 3));
    assert_eq!(
        summary.output_lines, 0,
        "output is collected only for a sink"
    );
    assert!(summary.progress >= 2);
    // Without a diagnostics sink the child's output stays in the tail only.
    common::eventually(|| {
        worker
            .stderr_tail()
            .contains("observed stream wrote 5 rows")
    });
}

#[test]
fn diagnostics_are_bounded_per_stream_and_progress_is_coalesced() {
    let (mut worker, cap) = common::fixture_worker(common::config().max_diagnostics_per_stream(1));
    let mut delivered = Vec::new();
    let mut events = 0u64;
    let mut on_diagnostic = |d: &LeanWorkerDiagnostic| delivered.push(d.message.clone());
    let mut on_progress = |_: &LeanWorkerProgressEvent| events += 1;
    let rows = 20_000;
    let summary = worker
        .stream_rows_observed(
            &cap,
            OBSERVED,
            &[LeanWorkerType::Nat],
            n(rows),
            &mut |_, _| LeanWorkerRowFlow::Continue,
            LeanWorkerStreamObservers::new()
                .diagnostics(&mut on_diagnostic)
                .progress(&mut on_progress),
            None,
        )
        .unwrap();
    assert_eq!(delivered, ["streaming 20000"]);
    assert_eq!(summary.rows, rows);
    assert_eq!(summary.diagnostics, 3);
    // Two Lean diagnostics and at least the stderr line were over the limit.
    assert!(summary.diagnostics_dropped >= 3, "{summary:?}");
    assert_eq!(summary.output_lines, 0);
    assert_eq!(summary.progress, events);
    assert!(
        events >= 2 && events < rows / 2,
        "{events} progress events for {rows} rows: coalescing bounds the channel"
    );
}

#[test]
fn a_panicking_observer_cancels_the_stream_and_the_child_keeps_serving() {
    let (mut worker, cap) = common::fixture_worker(common::config());
    let mut on_progress = |p: &LeanWorkerProgressEvent| {
        assert!(p.current < 3, "observer gives up at {}", p.current);
    };
    let err = worker
        .stream_rows_observed(
            &cap,
            OBSERVED,
            &[LeanWorkerType::Nat],
            n(2_000_000),
            &mut |_, _| LeanWorkerRowFlow::Continue,
            LeanWorkerStreamObservers::new().progress(&mut on_progress),
            None,
        )
        .unwrap_err();
    let LeanWorkerError::SinkPanic(message) = err else {
        panic!("expected SinkPanic, got {err:?}");
    };
    assert!(message.contains("observer gives up"), "{message}");
    // The stream stopped at a row boundary; the same child answers the next request.
    let summary = worker
        .stream_rows(
            &cap,
            OBSERVED,
            &[LeanWorkerType::Nat],
            n(3),
            &mut |_, _| LeanWorkerRowFlow::Continue,
            None,
        )
        .unwrap();
    assert_eq!(summary.rows, 3);
    assert_eq!(worker.generation(), 1, "no restart");
}

#[test]
fn the_command_facade_commits_rows_and_passes_side_channels_through() {
    let (mut worker, cap) = common::fixture_worker(common::config());
    let command = LeanWorkerStreamingCommand::text(OBSERVED, [LeanWorkerType::Nat]);
    let mut buffer = LeanWorkerCommitBuffer::new();
    let mut warnings = 0;
    let mut on_diagnostic = |d: &LeanWorkerDiagnostic| {
        if d.severity == LeanWorkerSeverity::Warning {
            warnings += 1;
        }
    };
    let summary = command
        .run_observed(
            &mut worker,
            &cap,
            n(4),
            &mut buffer,
            LeanWorkerStreamObservers::new().diagnostics(&mut on_diagnostic),
            None,
        )
        .unwrap();
    assert_eq!(buffer.committed(), ["row 0", "row 1", "row 2", "row 3"]);
    assert_eq!((summary.rows, summary.diagnostics, warnings), (4, 3, 1));
    drop(worker);
    common::assert_no_children_left();
}

#[test]
fn prelude_world_worker_stats_count_streams_rows_bytes_backpressure_and_restarts() {
    use lean_rs_worker::{LeanWorkerPool, LeanWorkerPoolConfig, LeanWorkerSessionKey};
    let pool = LeanWorkerPool::new(LeanWorkerPoolConfig::new(common::config().row_buffer(4), 1));
    let key = LeanWorkerSessionKey::new([common::manifest()]);
    let mut bytes = 0u64;
    {
        let mut lease = pool.lease(&key).unwrap();
        let cap = lease.capabilities()[0].clone();
        let worker = lease.worker();
        // A sink slower than the child: the 4-frame buffer fills and the reader waits.
        let summary = worker
            .stream_rows(
                &cap,
                OBSERVED,
                &[LeanWorkerType::Nat],
                n(2_000),
                &mut |i, row| {
                    bytes += row.len() as u64;
                    if i % 200 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    LeanWorkerRowFlow::Continue
                },
                None,
            )
            .unwrap();
        assert_eq!(summary.rows, 2_000);
        // A stream the sink stops: failed, its rows still counted as delivered.
        let err = worker
            .stream_rows(
                &cap,
                OBSERVED,
                &[LeanWorkerType::Nat],
                n(1_000_000),
                &mut |i, row| {
                    bytes += row.len() as u64;
                    if i == 9 {
                        LeanWorkerRowFlow::Stop
                    } else {
                        LeanWorkerRowFlow::Continue
                    }
                },
                None,
            )
            .unwrap_err();
        assert_eq!(err, LeanWorkerError::Cancelled);
        let stats = worker.stats();
        assert_eq!((stats.streams_completed, stats.streams_failed), (1, 1));
        assert!(stats.rows >= 2_010, "{stats:?}");
        assert!(stats.payload_bytes >= bytes, "{stats:?}");
        assert!(stats.diagnostics >= 4 && stats.progress >= 3, "{stats:?}");
        assert!(stats.backpressure_waits > 0, "{stats:?}");
        assert!(stats.stream_time > std::time::Duration::ZERO);
        // A child killed between requests: the next request replaces it, counted by reason.
        assert_eq!(common::kill_children(), 1);
        let err = worker
            .stream_rows(
                &cap,
                OBSERVED,
                &[LeanWorkerType::Nat],
                n(1),
                &mut |_, _| LeanWorkerRowFlow::Continue,
                None,
            )
            .unwrap_err();
        assert!(err.fatal().is_some(), "{err:?}");
        worker
            .stream_rows(
                &cap,
                OBSERVED,
                &[LeanWorkerType::Nat],
                n(1),
                &mut |_, _| LeanWorkerRowFlow::Continue,
                None,
            )
            .unwrap();
        let stats = worker.stats();
        assert_eq!(
            (
                stats.fatal_restarts,
                stats.streams_completed,
                stats.streams_failed
            ),
            (1, 2, 2)
        );
    }
    // Returned to the pool, the worker's counters are in the snapshot.
    let snapshot = pool.snapshot();
    assert_eq!(snapshot.stats.streams_completed, 2, "{snapshot:?}");
    assert_eq!(snapshot.stats.fatal_restarts, 1);
    assert!(snapshot.stats.rows >= 2_011);
    drop(pool);
    common::assert_no_children_left();
}
