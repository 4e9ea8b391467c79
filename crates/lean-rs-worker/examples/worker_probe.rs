//! Worker performance probe: prints named figures for the worker boundary against the natively
//! built worker fixture (`scripts/test` builds it; see `docs/performance.md`).
//!
//! ```sh
//! cargo build --release -p lean-rs-worker --bins --examples
//! target/release/examples/worker_probe
//! ```

#![allow(unsafe_code)] // `kill(2)` for the fatal-exit figure
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_precision_loss
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lean_rs_worker::{
    LeanWorker, LeanWorkerCancellationToken, LeanWorkerConfig, LeanWorkerDiagnostic,
    LeanWorkerError, LeanWorkerProgressEvent, LeanWorkerRowFlow, LeanWorkerRowSink,
    LeanWorkerSessionConfig, LeanWorkerSignature, LeanWorkerStreamObservers,
    LeanWorkerStreamSummary, LeanWorkerStreamingCommand, LeanWorkerType as T, LeanWorkerValue as V,
};

fn manifest() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|dir| dir.join(".lean-rs/native/lean-rs-worker-fixture/LeanRsWorkerFixture.capability.json"))
        .find(|path| path.is_file())
        .expect("build the worker fixture first (scripts/test, or lean-rs build-native … fixtures/prelude-world/worker)")
}

/// Counts rows and their bytes; optionally kills the child after `kill_at` rows.
struct Count {
    rows: u64,
    bytes: usize,
    kill_at: Option<u64>,
    killed: Option<Instant>,
}

impl LeanWorkerRowSink<String> for Count {
    fn row(&mut self, sequence: u64, row: String) -> LeanWorkerRowFlow {
        self.rows += 1;
        self.bytes += row.len();
        if self.kill_at == Some(sequence) {
            for pid in children() {
                // SAFETY: `kill` only sends a signal; `pid` is a live child of this process.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
            self.killed = Some(Instant::now());
        }
        LeanWorkerRowFlow::Continue
    }
    fn commit(&mut self, _: &LeanWorkerStreamSummary) {}
    fn abort(&mut self, _: &LeanWorkerError) {}
}

fn children() -> Vec<i32> {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_string_lossy().parse::<i32>().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let (_, rest) = stat.rsplit_once(')')?;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            (fields.get(1) == Some(&me.as_str()) && fields[0] != "Z").then_some(pid)
        })
        .collect()
}

fn peak_rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[allow(clippy::too_many_lines)] // one linear script of measurements
fn main() {
    let manifest = manifest();
    let config = || LeanWorkerConfig::local().unwrap();

    // Spawn + handshake (includes Lean runtime init in the child), then opening the fixture.
    let mut spawn = Vec::new();
    let mut init = Vec::new();
    let mut open = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let mut worker = LeanWorker::spawn(config()).unwrap();
        spawn.push(started.elapsed());
        init.push(worker.runtime_metadata().unwrap().lean_init);
        let started = Instant::now();
        worker.open_capability(&manifest).unwrap();
        open.push(started.elapsed());
    }
    println!(
        "worker.spawn_handshake_ms (median of 10): {:.2}",
        median(spawn).as_secs_f64() * 1e3
    );
    println!(
        "worker.child_lean_init_ms (median of 10, part of the above): {:.2}",
        median(init).as_secs_f64() * 1e3
    );
    println!(
        "worker.open_capability_ms (median of 10): {:.2}",
        median(open).as_secs_f64() * 1e3
    );

    let mut worker = LeanWorker::spawn(config()).unwrap();
    let capability = worker.open_capability(&manifest).unwrap();

    // Typed call round trip: UInt64 → UInt64, and String → IO String.
    let spin = LeanWorkerSignature::pure([T::U64], T::U64);
    let command = LeanWorkerSignature::io([T::String], T::String);
    for _ in 0..1000 {
        worker
            .call(&capability, "lean_rs_worker_spin", &spin, vec![V::U64(1)])
            .unwrap();
    }
    let n = 20_000u32;
    let started = Instant::now();
    for _ in 0..n {
        worker
            .call(&capability, "lean_rs_worker_spin", &spin, vec![V::U64(1)])
            .unwrap();
    }
    println!(
        "worker.typed_call_u64_round_trip_us: {:.2}",
        started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
    let started = Instant::now();
    for _ in 0..n {
        worker
            .call(
                &capability,
                "lean_rs_worker_command",
                &command,
                vec![V::string("ping")],
            )
            .unwrap();
    }
    println!(
        "worker.typed_call_string_io_round_trip_us: {:.2}",
        started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );

    // Typed streaming of small rows (`row <i>`, 5–11 bytes each).
    let rows = LeanWorkerStreamingCommand::text("lean_rs_worker_rows", [T::Nat]);
    let total = 1_000_000u32;
    let mut sink = Count {
        rows: 0,
        bytes: 0,
        kill_at: None,
        killed: None,
    };
    let summary = rows
        .run(
            &mut worker,
            &capability,
            vec![V::nat(total)],
            &mut sink,
            None,
        )
        .unwrap();
    assert_eq!(summary.rows, u64::from(total));
    println!(
        "worker.stream_rows_per_s (1M rows, {} bytes): {:.0}",
        sink.bytes,
        f64::from(total) / summary.elapsed.as_secs_f64()
    );
    let child = children();
    println!(
        "worker.parent_peak_rss_kib (after 1M rows): {}",
        peak_rss_kib("self")
    );
    if let Some(pid) = child.first() {
        println!(
            "worker.child_peak_rss_kib (after 1M rows): {}",
            peak_rss_kib(&pid.to_string())
        );
    }

    // The same stream with its side channels: a progress envelope after every row (coalesced
    // by the child), three diagnostics, a stderr line; diagnostics and progress sinks set.
    let mut diagnostics = 0u64;
    let mut progress = 0u64;
    let mut on_diagnostic = |_: &LeanWorkerDiagnostic| diagnostics += 1;
    let mut on_progress = |_: &LeanWorkerProgressEvent| progress += 1;
    let mut sink = Count {
        rows: 0,
        bytes: 0,
        kill_at: None,
        killed: None,
    };
    let summary = LeanWorkerStreamingCommand::text("lean_rs_worker_rows_observed", [T::Nat])
        .run_observed(
            &mut worker,
            &capability,
            vec![V::nat(total)],
            &mut sink,
            LeanWorkerStreamObservers::new()
                .diagnostics(&mut on_diagnostic)
                .progress(&mut on_progress),
            None,
        )
        .unwrap();
    assert_eq!(summary.rows, u64::from(total));
    println!(
        "worker.stream_observed_rows_per_s (1M rows, 1M progress envelopes): {:.0}",
        f64::from(total) / summary.elapsed.as_secs_f64()
    );
    println!("worker.stream_observed_progress_delivered: {progress} (diagnostics {diagnostics})");

    // A host session in the child over lean-rs-host's stand-in shims: import, then queries.
    let stand_in = lean_rs_host::__stand_in::build_library(
        &[],
        &std::env::temp_dir().join("lean-rs-worker-probe"),
    )
    .unwrap();
    let native = manifest.parent().unwrap().parent().unwrap().to_path_buf();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let session_config =
        LeanWorkerSessionConfig::new(repo.join("fixtures/prelude-world/decls"), ["LeanRsDecls"])
            .shim_library(stand_in)
            .search_path(native.join("lean-rs-prelude/olean"))
            .search_path(native.join("lean-rs-decls/olean"));
    let mut opens = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        worker.open_session(&session_config).unwrap();
        opens.push(started.elapsed());
    }
    println!(
        "worker.session_open_ms (import LeanRsDecls, median of 5): {:.2}",
        median(opens).as_secs_f64() * 1e3
    );
    let mut session = worker.open_session(&session_config).unwrap();
    let n = 2_000u32;
    let started = Instant::now();
    for _ in 0..n {
        session.declaration_kinds(&["LeanRsDecls.double"]).unwrap();
    }
    println!(
        "worker.session_kind_round_trip_us: {:.2}",
        started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );

    // Cancellation latency: cancel a running stream from another thread.
    let mut latencies = Vec::new();
    for _ in 0..5 {
        let token = LeanWorkerCancellationToken::new();
        let remote = token.clone();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            remote.cancel();
            Instant::now()
        });
        let mut sink = Count {
            rows: 0,
            bytes: 0,
            kill_at: None,
            killed: None,
        };
        let err = rows
            .run(
                &mut worker,
                &capability,
                vec![V::nat(u64::MAX)],
                &mut sink,
                Some(&token),
            )
            .unwrap_err();
        assert_eq!(err, LeanWorkerError::Cancelled);
        latencies.push(canceller.join().unwrap().elapsed());
    }
    println!(
        "worker.cancel_latency_ms (median of 5): {:.2}",
        median(latencies).as_secs_f64() * 1e3
    );

    // Fatal-exit detection: kill -9 mid-stream → typed error.
    let mut detections = Vec::new();
    for _ in 0..5 {
        let mut sink = Count {
            rows: 0,
            bytes: 0,
            kill_at: Some(10_000),
            killed: None,
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
        assert!(err.fatal().is_some(), "{err}");
        detections.push(sink.killed.unwrap().elapsed());
    }
    println!(
        "worker.fatal_exit_detection_ms (kill -9 mid-stream, median of 5): {:.2}",
        median(detections).as_secs_f64() * 1e3
    );

    // Lean panic (LEAN_ABORT_ON_PANIC=1) → typed error, request to error.
    let mut panicking = LeanWorker::spawn(config().env("LEAN_ABORT_ON_PANIC", "1")).unwrap();
    let fixture = panicking.open_capability(&manifest).unwrap();
    let panic = LeanWorkerSignature::pure([T::String], T::Nat);
    let mut detections = Vec::new();
    for _ in 0..5 {
        // Replace the previous (dead) child first, so only the failing call is timed.
        panicking
            .call(
                &fixture,
                "lean_rs_worker_command",
                &command,
                vec![V::string("ping")],
            )
            .unwrap();
        let started = Instant::now();
        let err = panicking
            .call(
                &fixture,
                "lean_rs_worker_panic",
                &panic,
                vec![V::string("probe")],
            )
            .unwrap_err();
        detections.push(started.elapsed());
        assert!(err.fatal().is_some(), "{err}");
    }
    println!(
        "worker.panic_to_typed_error_ms (median of 5): {:.2}",
        median(detections).as_secs_f64() * 1e3
    );
}
