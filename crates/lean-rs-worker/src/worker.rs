//! The parent side: [`LeanWorker`] supervises one child.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::error::{
    LeanWorkerError, LeanWorkerExitStatus, LeanWorkerFatalExit, LeanWorkerFatalKind,
    LeanWorkerMemoryEvidence, LeanWorkerRestartReason, LeanWorkerResult, bound,
};
use crate::launcher::{
    LeanWorkerChildControl, LeanWorkerLaunch, LeanWorkerLauncher, LeanWorkerLocalLauncher,
    LeanWorkerPlacement,
};
use crate::observe::{
    DIAGNOSTIC_LIMIT, DiagnosticFrame, LeanWorkerDiagnostic, LeanWorkerDiagnosticSource,
    LeanWorkerProgressEvent, LeanWorkerProgressSink, LeanWorkerSeverity, LeanWorkerStreamObservers,
    LineSplitter, OutputLines, PHASE_LIMIT, ProgressFrame, cut,
};
use crate::protocol::{
    self, DEFAULT_MAX_FRAME_BYTES, ENV_MAX_FRAME, ENV_NONCE, Failure, Frame, FrameError, FrameKind,
    Handshake, MAGIC, MIN_MAX_FRAME_BYTES, PROTOCOL_VERSION, Reply, Request,
};
use crate::value::{LeanWorkerSignature, LeanWorkerType, LeanWorkerValue};

/// How often a waiting request looks at its cancellation token.
const CANCEL_POLL: Duration = Duration::from_millis(10);
/// How long a cancelled stream may take to reach its next row boundary before the child is
/// replaced.
const CANCEL_GRACE: Duration = Duration::from_secs(2);
/// How long to wait for a child whose pipe closed to be reaped, and for its diagnostics to end.
const EXIT_GRACE: Duration = Duration::from_secs(2);
const DRAIN_GRACE: Duration = Duration::from_millis(500);
/// How long a stream's summary waits for the child's output to catch up (its sync markers).
const OUTPUT_SYNC_GRACE: Duration = Duration::from_millis(250);
/// How long a stream with a diagnostics sink waits for frames before delivering output lines.
const OUTPUT_POLL: Duration = Duration::from_millis(20);
/// How often the RSS watchdog samples a child during a request.
const RSS_POLL: Duration = Duration::from_millis(25);
/// Restarts remembered by [`LeanWorker::restarts`].
const RESTART_HISTORY: usize = 64;

/// How a worker is started and what it may take.
#[derive(Clone, Debug)]
pub struct LeanWorkerConfig {
    launcher: Arc<dyn LeanWorkerLauncher>,
    startup_timeout: Duration,
    request_timeout: Duration,
    max_frame: u32,
    row_buffer: usize,
    stderr_tail: usize,
    max_diagnostics: u64,
    rss_watchdog_kib: Option<u64>,
    env: Vec<(OsString, OsString)>,
}

impl LeanWorkerConfig {
    /// A configuration that starts children through `launcher`.
    ///
    /// Defaults: 30 s startup timeout, 60 s request timeout, 16 MiB frames, 1024 buffered row
    /// frames, 16 KiB stderr tail, 1024 diagnostics per stream, and `LEAN_BACKTRACE=0` in the child (Lean's panic handler
    /// then prints the message and aborts without calling back into Lean to demangle a
    /// backtrace, which a minimal child cannot promise is safe); [`env`](Self::env) entries
    /// apply after it.
    pub fn new(launcher: impl LeanWorkerLauncher + 'static) -> Self {
        Self {
            launcher: Arc::new(launcher),
            startup_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            max_frame: DEFAULT_MAX_FRAME_BYTES,
            row_buffer: 1024,
            stderr_tail: 16 * 1024,
            max_diagnostics: 1024,
            rss_watchdog_kib: None,
            env: vec![("LEAN_BACKTRACE".into(), "0".into())],
        }
    }

    /// The shipped `lean-rs-worker-child`, found by [`LeanWorkerLocalLauncher::default_child`].
    pub fn local() -> LeanWorkerResult<Self> {
        Ok(Self::new(LeanWorkerLocalLauncher::default_child()?))
    }

    /// The deadline for the child's handshake (start-up and Lean initialization).
    #[must_use]
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// The default deadline of one request.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The largest frame either side accepts, clamped to 4 KiB..=16 MiB.
    #[must_use]
    pub fn max_frame_bytes(mut self, bytes: u32) -> Self {
        self.max_frame = bytes.clamp(MIN_MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES);
        self
    }

    /// Row frames buffered between the pipe and the sink (at least 1). A full buffer stops
    /// reading the pipe, which blocks the child's Lean callback: backpressure.
    #[must_use]
    pub fn row_buffer(mut self, frames: usize) -> Self {
        self.row_buffer = frames.max(1);
        self
    }

    /// Bytes of the child's stderr/stdout kept for fatal-exit reports (at least 1 KiB).
    #[must_use]
    pub fn stderr_tail_bytes(mut self, bytes: usize) -> Self {
        self.stderr_tail = bytes.max(1024);
        self
    }

    /// Diagnostics (Lean's and the child's output lines together) delivered per stream; later
    /// ones are counted in [`LeanWorkerStreamSummary::diagnostics_dropped`], not delivered.
    #[must_use]
    pub fn max_diagnostics_per_stream(mut self, count: u64) -> Self {
        self.max_diagnostics = count;
        self
    }

    /// Kills a child whose RSS reaches `kib` while it serves a request (sampled every 25 ms
    /// through [`LeanWorkerChildControl::rss_kib`]): the request fails with
    /// [`LeanWorkerFatalKind::OutOfMemory`] and [`LeanWorkerMemoryEvidence::RssCeiling`], and
    /// the replacement is a policy restart. (The pool's `per_worker_rss_ceiling_kib` only
    /// checks idle workers before reuse.)
    #[must_use]
    pub fn rss_watchdog_kib(mut self, kib: u64) -> Self {
        self.rss_watchdog_kib = Some(kib);
        self
    }

    /// An environment entry for the child (e.g. `LEAN_ABORT_ON_PANIC=1`).
    #[must_use]
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }
}

/// Facts the child reported in its handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanWorkerRuntimeMetadata {
    /// The worker protocol version.
    pub protocol: u32,
    /// The `lean-rs-worker` version the child was built from.
    pub worker_version: String,
    /// The Lean version the child's runtime reports.
    pub lean_version: String,
    /// The Lean commit, when known.
    pub lean_commit: Option<String>,
    /// `arch-os` of the child.
    pub platform: String,
    /// This start's identity (a nonce chosen by the parent; no process id).
    pub instance: String,
    /// Time from launch to a verified handshake.
    pub startup: Duration,
    /// The part of `startup` the child spent in `LeanRuntime::init`.
    pub lean_init: Duration,
}

/// A capability opened in the worker. It stays valid across restarts: the worker reopens
/// every capability, in order, in each new child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanWorkerCapability {
    index: u32,
    manifest: PathBuf,
    /// The Lake package.
    pub package: String,
    /// The root module.
    pub module: String,
    /// How many export signatures its manifest records.
    pub exports: usize,
}

/// One recorded restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanWorkerRestart {
    /// Why the previous child was replaced.
    pub reason: LeanWorkerRestartReason,
    /// The child generation that replaced it (the first child is generation 1).
    pub generation: u64,
}

/// What a row sink asks the stream to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeanWorkerRowFlow {
    /// Keep streaming.
    Continue,
    /// Cancel the request at the next row boundary.
    Stop,
}

/// Cancels a request from another thread; checked between rows and every 10 ms while waiting.
#[derive(Clone, Debug, Default)]
pub struct LeanWorkerCancellationToken(Arc<AtomicBool>);

impl LeanWorkerCancellationToken {
    /// A fresh, uncancelled token.
    pub fn new() -> Self {
        Self::default()
    }
    /// Requests cancellation.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }
    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// The terminal summary of a successful stream, with a count per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeanWorkerStreamSummary {
    /// Rows delivered.
    pub rows: u64,
    /// Diagnostics the Lean command emitted (delivered to the diagnostics sink, if any, up to
    /// the per-stream limit).
    pub diagnostics: u64,
    /// Lines of the child's stdout/stderr delivered as diagnostics (collected only for a
    /// stream with a diagnostics sink).
    pub output_lines: u64,
    /// Diagnostics and output lines not delivered: past the per-stream limit, or output lines
    /// that overflowed the bounded output queue.
    pub diagnostics_dropped: u64,
    /// Progress events received (the child coalesces them to at most one per 10 ms).
    pub progress: u64,
    /// Time from sending the request to the terminal frame.
    pub elapsed: Duration,
}

/// A bounded byte tail of the child's diagnostic output, and its lines for a stream's
/// diagnostics sink.
#[derive(Debug)]
struct Tail {
    bytes: Mutex<VecDeque<u8>>,
    limit: usize,
    finished: AtomicUsize,
    lines: OutputLines,
}

impl Tail {
    fn push_line(&self, line: &str) {
        let mut bytes = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        bytes.extend(line.as_bytes());
        bytes.push_back(b'\n');
        let excess = bytes.len().saturating_sub(self.limit);
        bytes.drain(..excess);
    }

    fn text(&self) -> String {
        let bytes = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        let (a, b) = bytes.as_slices();
        let mut all = a.to_vec();
        all.extend_from_slice(b);
        String::from_utf8_lossy(&all).into_owned()
    }
}

enum Incoming {
    Frame(Frame),
    End(FrameError),
}

struct Live {
    to_child: BufWriter<Box<dyn Write + Send>>,
    frames: Receiver<Incoming>,
    control: Box<dyn LeanWorkerChildControl>,
    tail: Arc<Tail>,
    drains: usize,
    metadata: LeanWorkerRuntimeMetadata,
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = self.control.kill();
    }
}

fn nonce() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_usize(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(since) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(since.as_nanos());
    }
    format!("{:016x}", hasher.finish())
}

fn read_frames(
    from_child: Box<dyn Read + Send>,
    max: u32,
    frames: &SyncSender<Incoming>,
    backpressure: &AtomicU64,
) {
    // Buffered: a burst of small row frames costs one read, not three per frame.
    let mut from_child = BufReader::with_capacity(64 * 1024, from_child);
    loop {
        match protocol::read_frame(&mut from_child, max) {
            Ok(frame) => {
                let frame = match frames.try_send(Incoming::Frame(frame)) {
                    Ok(()) => continue,
                    Err(TrySendError::Disconnected(_)) => return,
                    Err(TrySendError::Full(frame)) => frame,
                };
                // The buffer is full: the child waits on this pipe until the caller catches up.
                backpressure.fetch_add(1, Ordering::Relaxed);
                if frames.send(frame).is_err() {
                    return;
                }
            }
            Err(err) => {
                let _ = frames.send(Incoming::End(err));
                return;
            }
        }
    }
}

/// Reads one output stream of the child line by line into the tail (sync markers excepted,
/// blank lines dropped) and the stream-diagnostics queue.
fn drain(mut stream: Box<dyn Read + Send>, index: usize, tail: &Tail) {
    let mut buf = [0u8; 4096];
    let mut splitter = LineSplitter::default();
    let mut on_line = |line: &str| {
        if tail.lines.line(index, line) && !line.trim().is_empty() {
            tail.push_line(line);
        }
    };
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => splitter.feed(&buf[..n], &mut on_line),
        }
    }
    splitter.finish(&mut on_line);
    tail.finished.fetch_add(1, Ordering::AcqRel);
}

fn spawn_thread(name: &str, body: impl FnOnce() + Send + 'static) -> LeanWorkerResult<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(body)
        .map(drop)
        .map_err(|err| LeanWorkerError::Spawn(format!("cannot start a supervisor thread: {err}")))
}

/// Classifies a child that ended without being asked to (and that its launcher did not
/// classify).
fn classify(status: Option<LeanWorkerExitStatus>, tail: &str) -> LeanWorkerFatalKind {
    let lower = tail.to_ascii_lowercase();
    if lower.contains("stack overflow") {
        return LeanWorkerFatalKind::StackOverflow;
    }
    if lower.contains("out of memory") {
        return LeanWorkerFatalKind::OutOfMemory {
            evidence: LeanWorkerMemoryEvidence::LeanAllocator,
        };
    }
    // Lean's panic handler prints the message, then (`LEAN_ABORT_ON_PANIC=1`) aborts.
    let marked = tail.lines().rev().find(|line| line.contains("PANIC"));
    let last = tail.lines().rev().find(|line| !line.trim().is_empty());
    let aborted = matches!(
        status,
        Some(LeanWorkerExitStatus {
            signal: Some(libc::SIGABRT),
            ..
        })
    );
    if let Some(line) = marked.or(if aborted { last } else { None }) {
        return LeanWorkerFatalKind::Panic {
            message: bound(line.trim()),
        };
    }
    match status {
        Some(LeanWorkerExitStatus {
            signal: Some(libc::SIGKILL),
            ..
        }) => LeanWorkerFatalKind::Killed,
        Some(LeanWorkerExitStatus {
            signal: Some(signal),
            ..
        }) => LeanWorkerFatalKind::Signal(signal),
        Some(LeanWorkerExitStatus {
            code: Some(code), ..
        }) => LeanWorkerFatalKind::Exited(code),
        _ => LeanWorkerFatalKind::UnexpectedEof,
    }
}

/// A supervised Lean worker child.
///
/// Requests run one at a time (`&mut self`). A child that dies, times out or breaks the
/// protocol is killed and marked for replacement; the next request starts a new one (and
/// reopens the capabilities), recording a [`LeanWorkerRestart`].
pub struct LeanWorker {
    config: LeanWorkerConfig,
    live: Option<Live>,
    capabilities: Vec<PathBuf>,
    restarts: VecDeque<LeanWorkerRestart>,
    pending: Option<LeanWorkerRestartReason>,
    generation: u64,
    next_request: u64,
    last_metadata: Option<LeanWorkerRuntimeMetadata>,
    last_tail: String,
    /// The host session open in the child: (session id, child generation).
    pub(crate) open_session: Option<(u64, u64)>,
    stats: LeanWorkerStats,
    /// Row frames that waited for room in the row buffer, across children.
    backpressure: Arc<AtomicU64>,
}

/// What a worker has done so far, across its children: operational counters for logs and pool
/// snapshots (no identities, no frames).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeanWorkerStats {
    /// Requests sent (calls, streams, session requests, capability opens).
    pub requests: u64,
    /// Streams that ended in a summary.
    pub streams_completed: u64,
    /// Streams that failed (any error, cancellation included).
    pub streams_failed: u64,
    /// Row frames received, of completed and failed streams (a cancelled stream's rows that
    /// arrived after the stop included).
    pub rows: u64,
    /// Their payload bytes.
    pub payload_bytes: u64,
    /// Lean diagnostics received on stream side channels.
    pub diagnostics: u64,
    /// Progress events received.
    pub progress: u64,
    /// Time spent in streams, from request to terminal frame.
    pub stream_time: Duration,
    /// Row frames that waited for room in the row buffer (the child was held back).
    pub backpressure_waits: u64,
    /// Children replaced because one died (`FatalExit`).
    pub fatal_restarts: u64,
    /// Children replaced after a request timeout.
    pub timeout_restarts: u64,
    /// Children replaced after a cancellation.
    pub cancel_restarts: u64,
    /// Children replaced after a protocol violation.
    pub protocol_restarts: u64,
    /// Children replaced by policy (pool policy, the RSS watchdog) or an explicit cycle.
    pub policy_restarts: u64,
}

impl LeanWorkerStats {
    /// Adds `other`'s counters to these.
    pub fn add(&mut self, other: &Self) {
        self.requests += other.requests;
        self.streams_completed += other.streams_completed;
        self.streams_failed += other.streams_failed;
        self.rows += other.rows;
        self.payload_bytes += other.payload_bytes;
        self.diagnostics += other.diagnostics;
        self.progress += other.progress;
        self.stream_time += other.stream_time;
        self.backpressure_waits += other.backpressure_waits;
        self.fatal_restarts += other.fatal_restarts;
        self.timeout_restarts += other.timeout_restarts;
        self.cancel_restarts += other.cancel_restarts;
        self.protocol_restarts += other.protocol_restarts;
        self.policy_restarts += other.policy_restarts;
    }
}

impl std::fmt::Debug for LeanWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanWorker")
            .field("alive", &self.live.is_some())
            .field("generation", &self.generation)
            .field("capabilities", &self.capabilities.len())
            .finish_non_exhaustive()
    }
}

enum Sink<'a, 'o> {
    None,
    /// A request without rows that reports progress (a worker session request).
    Progress(&'a mut dyn LeanWorkerProgressSink),
    Stream {
        on_row: &'a mut dyn FnMut(u64, &str) -> LeanWorkerRowFlow,
        observers: LeanWorkerStreamObservers<'o>,
        /// Whether the child writes sync markers (a diagnostics sink wants its output lines).
        sync_output: bool,
    },
}

/// What one stream delivered on each channel.
#[derive(Clone, Copy, Default)]
struct Counts {
    rows: u64,
    diagnostics: u64,
    output_lines: u64,
    dropped: u64,
    progress: u64,
    /// Diagnostics delivered to the sink (both sources), against the per-stream limit.
    delivered: u64,
}

/// Calls an observer, turning a panic into its message.
fn contain(call: impl FnOnce()) -> Result<(), String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .map_err(|payload| crate::error::panic_message(payload.as_ref()))
}

/// Delivers the child output lines queued so far (and counts the ones the queue dropped).
fn deliver_output(
    tail: &Tail,
    sink: &mut Sink<'_, '_>,
    counts: &mut Counts,
    limit: u64,
) -> Result<(), String> {
    let (lines, dropped) = tail.lines.take();
    counts.dropped += dropped;
    for message in lines {
        let diagnostic = LeanWorkerDiagnostic {
            source: LeanWorkerDiagnosticSource::ChildOutput,
            severity: LeanWorkerSeverity::Info,
            code: None,
            message,
            file_label: None,
            position: None,
        };
        sink.diagnostic(counts, limit, &diagnostic)?;
    }
    Ok(())
}

impl Sink<'_, '_> {
    /// Delivers one diagnostic within the per-stream limit; an observer panic is returned.
    fn diagnostic(
        &mut self,
        counts: &mut Counts,
        limit: u64,
        diagnostic: &LeanWorkerDiagnostic,
    ) -> Result<(), String> {
        let Sink::Stream { observers, .. } = self else {
            return Ok(());
        };
        let Some(sink) = observers.diagnostics.as_mut() else {
            return Ok(());
        };
        if counts.delivered >= limit {
            counts.dropped += 1;
            return Ok(());
        }
        counts.delivered += 1;
        if diagnostic.source == LeanWorkerDiagnosticSource::ChildOutput {
            counts.output_lines += 1;
        }
        contain(|| sink.diagnostic(diagnostic))
    }
}

impl LeanWorker {
    /// Starts a child and verifies its handshake.
    pub fn spawn(config: LeanWorkerConfig) -> LeanWorkerResult<Self> {
        let mut worker = Self {
            config,
            live: None,
            capabilities: Vec::new(),
            restarts: VecDeque::new(),
            pending: None,
            generation: 0,
            next_request: 1,
            last_metadata: None,
            last_tail: String::new(),
            open_session: None,
            stats: LeanWorkerStats::default(),
            backpressure: Arc::new(AtomicU64::new(0)),
        };
        worker.start()?;
        Ok(worker)
    }

    #[allow(clippy::too_many_lines)] // launch, then each handshake check in turn
    fn start(&mut self) -> LeanWorkerResult<()> {
        let started = Instant::now();
        let instance = nonce();
        let mut env = vec![
            (OsString::from(ENV_NONCE), OsString::from(&instance)),
            (
                OsString::from(ENV_MAX_FRAME),
                OsString::from(self.config.max_frame.to_string()),
            ),
        ];
        env.extend(self.config.env.iter().cloned());
        let transport = self.config.launcher.launch(&LeanWorkerLaunch { env })?;
        let drains = transport.diagnostics.len();
        let tail = Arc::new(Tail {
            bytes: Mutex::new(VecDeque::new()),
            limit: self.config.stderr_tail,
            finished: AtomicUsize::new(0),
            lines: OutputLines::new(drains),
        });
        for (index, stream) in transport.diagnostics.into_iter().enumerate() {
            let tail = tail.clone();
            spawn_thread("lean-rs-worker-stderr", move || drain(stream, index, &tail))?;
        }
        let (frames_tx, frames) = sync_channel(self.config.row_buffer);
        let max = self.config.max_frame;
        let from_child = transport.from_child;
        let backpressure = self.backpressure.clone();
        spawn_thread("lean-rs-worker-frames", move || {
            read_frames(from_child, max, &frames_tx, &backpressure);
        })?;
        let mut live = Live {
            // One write per frame (head and payload together); flushed after each frame.
            to_child: BufWriter::with_capacity(16 * 1024, transport.to_child),
            frames,
            control: transport.control,
            tail,
            drains,
            metadata: LeanWorkerRuntimeMetadata {
                protocol: 0,
                worker_version: String::new(),
                lean_version: String::new(),
                lean_commit: None,
                platform: String::new(),
                instance: instance.clone(),
                startup: Duration::ZERO,
                lean_init: Duration::ZERO,
            },
        };
        let timeout = self.config.startup_timeout;
        let frame = match live.frames.recv_timeout(timeout) {
            Ok(Incoming::Frame(frame)) => frame,
            Ok(Incoming::End(
                FrameError::Eof | FrameError::Truncated { .. } | FrameError::Io(_),
            ))
            | Err(RecvTimeoutError::Disconnected) => {
                let exit = self.fatal(&mut live);
                return Err(LeanWorkerError::Fatal(exit));
            }
            Ok(Incoming::End(err)) => {
                return Err(LeanWorkerError::Protocol(format!(
                    "during the handshake: {err}"
                )));
            }
            Err(RecvTimeoutError::Timeout) => {
                tracing::warn!(target: "lean_rs_worker", ?timeout, "worker child sent no handshake; killing it");
                return Err(LeanWorkerError::StartupTimeout(timeout));
            }
        };
        let handshake = match frame.kind {
            FrameKind::Handshake if frame.request == 0 => {
                serde_json::from_slice::<Handshake>(&frame.payload)
                    .map_err(|err| LeanWorkerError::Handshake(bound(format!("malformed: {err}"))))?
            }
            FrameKind::Failure => {
                let failure: Failure = serde_json::from_slice(&frame.payload).map_err(|err| {
                    LeanWorkerError::Handshake(bound(format!("malformed failure: {err}")))
                })?;
                return Err(LeanWorkerError::Spawn(bound(format!(
                    "{}: {}",
                    failure.code, failure.message
                ))));
            }
            other => {
                return Err(LeanWorkerError::Protocol(format!(
                    "expected the handshake, got a {other:?} frame"
                )));
            }
        };
        if handshake.magic != MAGIC {
            return Err(LeanWorkerError::Handshake(bound(format!(
                "not a lean-rs worker (magic {:?})",
                handshake.magic
            ))));
        }
        if handshake.protocol != PROTOCOL_VERSION {
            return Err(LeanWorkerError::Handshake(format!(
                "protocol {} but this parent speaks {PROTOCOL_VERSION}",
                handshake.protocol
            )));
        }
        if handshake.instance != instance {
            return Err(LeanWorkerError::Handshake(
                "the child answered for another instance".into(),
            ));
        }
        if handshake.max_frame > self.config.max_frame {
            return Err(LeanWorkerError::Handshake(format!(
                "child frames up to {} exceed this parent's {}",
                handshake.max_frame, self.config.max_frame
            )));
        }
        live.metadata = LeanWorkerRuntimeMetadata {
            protocol: handshake.protocol,
            worker_version: bound(handshake.worker_version),
            lean_version: bound(handshake.lean_version),
            lean_commit: handshake.lean_commit.map(bound),
            platform: bound(handshake.platform),
            instance,
            startup: started.elapsed(),
            lean_init: Duration::from_micros(handshake.lean_init_us),
        };
        self.generation += 1;
        tracing::debug!(target: "lean_rs_worker", generation = self.generation, startup = ?live.metadata.startup, "worker child ready");
        self.last_metadata = Some(live.metadata.clone());
        self.live = Some(live);
        Ok(())
    }

    /// Waits (bounded) for a child whose pipe ended, then classifies it.
    fn fatal(&mut self, live: &mut Live) -> LeanWorkerFatalExit {
        let deadline = Instant::now() + EXIT_GRACE;
        let mut status = None;
        while Instant::now() < deadline {
            match live.control.try_wait() {
                Ok(Some(found)) => {
                    status = Some(found);
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(1)),
                Err(_) => break,
            }
        }
        let exited = status.is_some();
        // Before our own kill: a scheduler asked now still reports why it ended the child.
        let launcher_kind = live.control.classify_exit(status, &live.tail.text());
        if !exited {
            let _ = live.control.kill();
        }
        let drained = Instant::now() + DRAIN_GRACE;
        while live.tail.finished.load(Ordering::Acquire) < live.drains && Instant::now() < drained {
            std::thread::sleep(Duration::from_millis(1));
        }
        let tail = live.tail.text();
        let kind = match launcher_kind {
            Some(kind) => kind,
            None if exited => classify(status, &tail),
            None => LeanWorkerFatalKind::UnexpectedEof,
        };
        self.last_tail.clone_from(&tail);
        let exit = LeanWorkerFatalExit {
            kind,
            status,
            stderr_tail: tail,
        };
        tracing::warn!(target: "lean_rs_worker", %exit, "worker child died");
        exit
    }

    /// Kills the child (if any) and records why it must be replaced.
    fn discard(&mut self, reason: LeanWorkerRestartReason) {
        if let Some(mut live) = self.live.take() {
            let _ = live.control.kill();
            self.last_tail = live.tail.text();
        }
        tracing::info!(target: "lean_rs_worker", %reason, "worker child discarded");
        self.pending = Some(reason);
    }

    fn ensure_live(&mut self) -> LeanWorkerResult<()> {
        if self.live.is_some() {
            return Ok(());
        }
        self.start()?;
        let reason = self
            .pending
            .take()
            .unwrap_or(LeanWorkerRestartReason::Explicit("restart".into()));
        if self.restarts.len() == RESTART_HISTORY {
            self.restarts.pop_front();
        }
        match &reason {
            LeanWorkerRestartReason::FatalExit(_) => self.stats.fatal_restarts += 1,
            LeanWorkerRestartReason::RequestTimeout => self.stats.timeout_restarts += 1,
            LeanWorkerRestartReason::Cancelled => self.stats.cancel_restarts += 1,
            LeanWorkerRestartReason::ProtocolViolation => self.stats.protocol_restarts += 1,
            _ => self.stats.policy_restarts += 1,
        }
        self.restarts.push_back(LeanWorkerRestart {
            reason,
            generation: self.generation,
        });
        for (index, manifest) in self.capabilities.clone().iter().enumerate() {
            let opened = self.open_in_child(manifest)?;
            if opened.index as usize != index {
                self.discard(LeanWorkerRestartReason::ProtocolViolation);
                return Err(LeanWorkerError::Protocol(
                    "capabilities reopened out of order".into(),
                ));
            }
        }
        Ok(())
    }

    /// Sends one request and waits for its terminal frame, forwarding rows, diagnostics and
    /// progress to `sink`.
    #[allow(clippy::too_many_lines)] // one arm per frame kind
    fn exchange(
        &mut self,
        request: &Request,
        operation: &str,
        mut sink: Sink<'_, '_>,
        cancel: Option<&LeanWorkerCancellationToken>,
        timeout: Duration,
    ) -> LeanWorkerResult<(Reply, Counts)> {
        let id = self.next_request;
        self.next_request += 1;
        self.stats.requests += 1;
        let max = self.config.max_frame;
        let limit = self.config.max_diagnostics;
        let Some(live) = self.live.as_mut() else {
            return Err(LeanWorkerError::Spawn("no live worker child".into()));
        };
        let tail = live.tail.clone();
        let sync_output = matches!(
            sink,
            Sink::Stream {
                sync_output: true,
                ..
            }
        );
        if sync_output {
            tail.lines.clear();
        }
        let sent = protocol::write_json(&mut live.to_child, FrameKind::Request, id, request, max)
            .and_then(|()| live.to_child.flush());
        if let Err(err) = sent {
            if err.kind() == std::io::ErrorKind::InvalidInput {
                return Err(LeanWorkerError::InvalidRequest(bound(err.to_string())));
            }
            // The child is gone; its end of the reply pipe tells how.
        }
        let started = Instant::now();
        let deadline = started + timeout;
        let mut counts = Counts::default();
        let mut cancel_sent: Option<Instant> = None;
        let mut stopped_by_sink = false;
        let mut observer_panic: Option<String> = None;
        let watchdog = self.config.rss_watchdog_kib;
        let mut rss_sampled = started;
        // Why a cancellation the caller did not ask for happened.
        let cancelled = |observer_panic: &mut Option<String>| match observer_panic.take() {
            Some(message) => LeanWorkerError::SinkPanic(message),
            None => LeanWorkerError::Cancelled,
        };
        loop {
            if sync_output && observer_panic.is_none() {
                if let Err(message) = deliver_output(&tail, &mut sink, &mut counts, limit) {
                    observer_panic = Some(message);
                    stopped_by_sink = true;
                }
            }
            let Some(live) = self.live.as_mut() else {
                return Err(LeanWorkerError::Spawn("no live worker child".into()));
            };
            let now = Instant::now();
            if cancel_sent.is_none()
                && (stopped_by_sink
                    || cancel.is_some_and(LeanWorkerCancellationToken::is_cancelled))
            {
                if !matches!(sink, Sink::Stream { .. }) {
                    // A call has no row boundary to stop at: only replacing the child stops it.
                    self.discard(LeanWorkerRestartReason::Cancelled);
                    return Err(cancelled(&mut observer_panic));
                }
                let _ = protocol::write_frame(&mut live.to_child, FrameKind::Cancel, id, &[], max)
                    .and_then(|()| live.to_child.flush());
                cancel_sent = Some(now);
            }
            if let Some(at) = cancel_sent {
                if now.duration_since(at) > CANCEL_GRACE {
                    self.discard(LeanWorkerRestartReason::Cancelled);
                    return Err(cancelled(&mut observer_panic));
                }
            }
            if now >= deadline {
                self.discard(LeanWorkerRestartReason::RequestTimeout);
                return Err(LeanWorkerError::Timeout {
                    operation: operation.to_owned(),
                    duration: timeout,
                });
            }
            if let Some(ceiling_kib) = watchdog {
                if now.duration_since(rss_sampled) >= RSS_POLL {
                    rss_sampled = now;
                    if let Some(rss_kib) = live.control.rss_kib().filter(|rss| *rss >= ceiling_kib)
                    {
                        return Err(self.watchdog_kill(rss_kib, ceiling_kib));
                    }
                }
            }
            let mut wait = deadline - now;
            if watchdog.is_some() {
                wait = wait.min(RSS_POLL);
            }
            if cancel.is_some() || cancel_sent.is_some() {
                wait = wait.min(CANCEL_POLL);
            }
            if sync_output {
                wait = wait.min(OUTPUT_POLL);
            }
            let incoming = match live.frames.recv_timeout(wait) {
                Ok(incoming) => incoming,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => Incoming::End(FrameError::Eof),
            };
            let frame = match incoming {
                Incoming::Frame(frame) => frame,
                Incoming::End(FrameError::BadLength { length, max }) => {
                    return Err(self.violation(format!("frame length {length} outside 9..={max}")));
                }
                Incoming::End(FrameError::UnknownKind(kind)) => {
                    return Err(self.violation(format!("unknown frame kind {kind}")));
                }
                Incoming::End(_) => {
                    let mut live = self.live.take();
                    let exit = match live.as_mut() {
                        Some(live) => self.fatal(live),
                        None => LeanWorkerFatalExit {
                            kind: LeanWorkerFatalKind::UnexpectedEof,
                            status: None,
                            stderr_tail: String::new(),
                        },
                    };
                    drop(live);
                    self.pending = Some(LeanWorkerRestartReason::FatalExit(exit.kind.clone()));
                    return Err(LeanWorkerError::Fatal(exit));
                }
            };
            if frame.request != id {
                return Err(self.violation(format!(
                    "a {:?} frame for request {} during request {id}",
                    frame.kind, frame.request
                )));
            }
            match frame.kind {
                FrameKind::Row => {
                    let Sink::Stream { on_row, .. } = &mut sink else {
                        return Err(
                            self.violation("a row frame for a request that does not stream".into())
                        );
                    };
                    let Ok(text) = std::str::from_utf8(&frame.payload) else {
                        return Err(self.violation(format!("row {} is not UTF-8", counts.rows)));
                    };
                    if cancel_sent.is_none() && on_row(counts.rows, text) == LeanWorkerRowFlow::Stop
                    {
                        stopped_by_sink = true;
                    }
                    counts.rows += 1;
                    self.stats.rows += 1;
                    self.stats.payload_bytes += frame.payload.len() as u64;
                }
                FrameKind::Diagnostic => {
                    if !matches!(sink, Sink::Stream { .. }) {
                        return Err(self
                            .violation("a diagnostic for a request that does not stream".into()));
                    }
                    let diagnostic: DiagnosticFrame = match serde_json::from_slice(&frame.payload) {
                        Ok(diagnostic) => diagnostic,
                        Err(err) => {
                            return Err(self.violation(format!("malformed diagnostic: {err}")));
                        }
                    };
                    counts.diagnostics += 1;
                    self.stats.diagnostics += 1;
                    if observer_panic.is_none() && cancel_sent.is_none() {
                        let diagnostic = LeanWorkerDiagnostic {
                            source: LeanWorkerDiagnosticSource::Lean,
                            severity: diagnostic.severity,
                            code: diagnostic
                                .code
                                .map(|code| cut(&code, PHASE_LIMIT).to_owned()),
                            message: cut(&diagnostic.message, DIAGNOSTIC_LIMIT).to_owned(),
                            file_label: None,
                            position: None,
                        };
                        if let Err(message) = sink.diagnostic(&mut counts, limit, &diagnostic) {
                            observer_panic = Some(message);
                            stopped_by_sink = true;
                        }
                    }
                }
                FrameKind::Progress => {
                    let on_progress: Option<&mut dyn LeanWorkerProgressSink> = match &mut sink {
                        Sink::Stream { observers, .. } => match observers.progress.as_mut() {
                            Some(sink) => Some(&mut **sink),
                            None => None,
                        },
                        Sink::Progress(sink) => Some(&mut **sink),
                        Sink::None => {
                            return Err(self.violation(
                                "progress for a request that does not report it".into(),
                            ));
                        }
                    };
                    let progress: ProgressFrame = match serde_json::from_slice(&frame.payload) {
                        Ok(progress) => progress,
                        Err(err) => {
                            return Err(self.violation(format!("malformed progress: {err}")));
                        }
                    };
                    counts.progress += 1;
                    self.stats.progress += 1;
                    if let (Some(on_progress), None, None) =
                        (on_progress, &observer_panic, cancel_sent)
                    {
                        let event = LeanWorkerProgressEvent {
                            phase: cut(&progress.phase, PHASE_LIMIT).to_owned(),
                            current: progress.current,
                            total: progress.total,
                            elapsed: started.elapsed(),
                        };
                        if let Err(message) = contain(|| on_progress.progress(&event)) {
                            observer_panic = Some(message);
                            stopped_by_sink = true;
                        }
                    }
                }
                FrameKind::Reply | FrameKind::Failure => {
                    if sync_output && observer_panic.is_none() {
                        // The child wrote its sync markers before this frame: once the drains
                        // have read them, every line the stream printed is queued.
                        let synced_by = Instant::now() + OUTPUT_SYNC_GRACE;
                        while !tail.lines.synced(id) && Instant::now() < synced_by {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        if let Err(message) = deliver_output(&tail, &mut sink, &mut counts, limit) {
                            observer_panic = Some(message);
                        }
                    }
                    if frame.kind == FrameKind::Reply {
                        let reply: Reply = match serde_json::from_slice(&frame.payload) {
                            Ok(reply) => reply,
                            Err(err) => {
                                return Err(self.violation(format!("malformed reply: {err}")));
                            }
                        };
                        if cancel_sent.is_some() || observer_panic.is_some() {
                            return Err(cancelled(&mut observer_panic));
                        }
                        return Ok((reply, counts));
                    }
                    let failure: Failure = match serde_json::from_slice(&frame.payload) {
                        Ok(failure) => failure,
                        Err(err) => return Err(self.violation(format!("malformed failure: {err}"))),
                    };
                    if cancel_sent.is_some() || observer_panic.is_some() {
                        return Err(cancelled(&mut observer_panic));
                    }
                    return Err(LeanWorkerError::Lean {
                        code: bound(failure.code),
                        message: bound(failure.message),
                    });
                }
                other => return Err(self.violation(format!("unexpected {other:?} frame"))),
            }
        }
    }

    /// One session-adapter request: the child must be alive (a session does not outlive its
    /// child), the deadline is the request timeout.
    pub(crate) fn session_exchange(
        &mut self,
        request: &Request,
        operation: &str,
        progress: Option<&mut dyn LeanWorkerProgressSink>,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<Reply> {
        if cancel.is_some_and(LeanWorkerCancellationToken::is_cancelled) {
            // Observed before sending: nothing to stop, the child keeps its session.
            return Err(LeanWorkerError::Cancelled);
        }
        if matches!(request, Request::SessionOpen { .. }) {
            self.ensure_live()?;
        }
        let timeout = self.config.request_timeout;
        let sink = progress.map_or(Sink::None, Sink::Progress);
        Ok(self.exchange(request, operation, sink, cancel, timeout)?.0)
    }

    /// A reply of the wrong kind is a protocol violation.
    pub(crate) fn answered_wrongly(
        &mut self,
        operation: &str,
        answer: &dyn std::fmt::Debug,
    ) -> LeanWorkerError {
        self.violation(format!("{operation} answered with {answer:?}"))
    }

    /// Kills a child over the RSS watchdog ceiling and reports it.
    fn watchdog_kill(&mut self, rss_kib: u64, ceiling_kib: u64) -> LeanWorkerError {
        let mut live = self.live.take();
        let mut exit = match live.as_mut() {
            Some(live) => {
                let _ = live.control.kill();
                self.fatal(live)
            }
            None => LeanWorkerFatalExit {
                kind: LeanWorkerFatalKind::UnexpectedEof,
                status: None,
                stderr_tail: String::new(),
            },
        };
        drop(live);
        exit.kind = LeanWorkerFatalKind::OutOfMemory {
            evidence: LeanWorkerMemoryEvidence::RssCeiling {
                rss_kib,
                ceiling_kib,
            },
        };
        self.pending = Some(LeanWorkerRestartReason::Policy(format!(
            "RSS {rss_kib} KiB reached the {ceiling_kib} KiB watchdog ceiling"
        )));
        LeanWorkerError::Fatal(exit)
    }

    fn violation(&mut self, detail: String) -> LeanWorkerError {
        tracing::warn!(target: "lean_rs_worker", %detail, "worker protocol violation; killing the child");
        self.discard(LeanWorkerRestartReason::ProtocolViolation);
        LeanWorkerError::Protocol(bound(detail))
    }

    fn open_in_child(&mut self, manifest: &Path) -> LeanWorkerResult<LeanWorkerCapability> {
        let request = Request::Open {
            manifest: manifest.to_string_lossy().into_owned(),
        };
        let timeout = self.config.request_timeout;
        match self
            .exchange(&request, "open capability", Sink::None, None, timeout)?
            .0
        {
            Reply::Opened {
                capability,
                package,
                module,
                exports,
            } => Ok(LeanWorkerCapability {
                index: capability,
                manifest: manifest.to_path_buf(),
                package: bound(package),
                module: bound(module),
                exports,
            }),
            other => Err(self.violation(format!("open answered with {other:?}"))),
        }
    }

    /// Opens the capability described by a build manifest (`<Lib>.capability.json`) in the
    /// child, and in every later child.
    pub fn open_capability(
        &mut self,
        manifest: impl AsRef<Path>,
    ) -> LeanWorkerResult<LeanWorkerCapability> {
        self.ensure_live()?;
        let manifest = manifest.as_ref().to_path_buf();
        let opened = self.open_in_child(&manifest)?;
        if opened.index as usize != self.capabilities.len() {
            return Err(self.violation("capability opened at an unexpected index".into()));
        }
        self.capabilities.push(manifest);
        Ok(opened)
    }

    /// Calls `export` of `capability` with typed arguments. The child checks `signature`
    /// against the capability manifest's recorded C signature before calling.
    pub fn call(
        &mut self,
        capability: &LeanWorkerCapability,
        export: &str,
        signature: &LeanWorkerSignature,
        args: Vec<LeanWorkerValue>,
    ) -> LeanWorkerResult<LeanWorkerValue> {
        self.call_cancellable(capability, export, signature, args, None)
    }

    /// [`call`](Self::call) that `cancel` can stop: a call has no row boundary, so a cancelled
    /// call kills the child (replaced at the next request, reason
    /// [`LeanWorkerRestartReason::Cancelled`]) and returns [`LeanWorkerError::Cancelled`]
    /// within about 10 ms.
    pub fn call_cancellable(
        &mut self,
        capability: &LeanWorkerCapability,
        export: &str,
        signature: &LeanWorkerSignature,
        args: Vec<LeanWorkerValue>,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<LeanWorkerValue> {
        self.check_capability(capability)?;
        check_args(&signature.params, &args)?;
        self.ensure_live()?;
        let request = Request::Call {
            capability: capability.index,
            export: export.to_owned(),
            params: signature.params.clone(),
            result: signature.result,
            io: signature.io,
            args,
        };
        let timeout = self.config.request_timeout;
        match self
            .exchange(&request, export, Sink::None, cancel, timeout)?
            .0
        {
            Reply::Value { value } if value.ty() == signature.result => Ok(value),
            other => Err(self.violation(format!("call answered with {other:?}"))),
        }
    }

    /// Runs a streaming export `(handle trampoline : USize) args… : IO UInt8` that emits one
    /// string per row through the lean-rs string callback. Each row reaches `on_row` live
    /// (tentatively: only an `Ok` summary makes a stream complete); `on_row` returning
    /// [`LeanWorkerRowFlow::Stop`] or `cancel` cancels it at the next row boundary.
    /// Diagnostics and progress the export emits are counted in the summary and dropped; see
    /// [`stream_rows_observed`](Self::stream_rows_observed) to receive them.
    pub fn stream_rows(
        &mut self,
        capability: &LeanWorkerCapability,
        export: &str,
        params: &[LeanWorkerType],
        args: Vec<LeanWorkerValue>,
        on_row: &mut dyn FnMut(u64, &str) -> LeanWorkerRowFlow,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<LeanWorkerStreamSummary> {
        let observers = LeanWorkerStreamObservers::new();
        self.stream_rows_observed(capability, export, params, args, on_row, observers, cancel)
    }

    /// [`stream_rows`](Self::stream_rows) with the stream's side channels: diagnostics the
    /// export emits (and, with a diagnostics sink, the lines the child prints to stdout or
    /// stderr meanwhile) reach `observers`' diagnostics sink, progress events its progress
    /// sink, live and apart from the rows. Each channel is bounded (diagnostics by
    /// [`LeanWorkerConfig::max_diagnostics_per_stream`], output lines by a 256-line queue,
    /// progress by the child's 10 ms coalescing); the summary counts each.
    #[allow(clippy::too_many_arguments)] // the stream, its three sinks, and cancellation
    pub fn stream_rows_observed(
        &mut self,
        capability: &LeanWorkerCapability,
        export: &str,
        params: &[LeanWorkerType],
        args: Vec<LeanWorkerValue>,
        on_row: &mut dyn FnMut(u64, &str) -> LeanWorkerRowFlow,
        observers: LeanWorkerStreamObservers<'_>,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<LeanWorkerStreamSummary> {
        self.check_capability(capability)?;
        check_args(params, &args)?;
        self.ensure_live()?;
        let started = Instant::now();
        let sync_output = observers.diagnostics.is_some();
        let request = Request::Stream {
            capability: capability.index,
            export: export.to_owned(),
            params: params.to_vec(),
            args,
            sync_output,
        };
        let timeout = self.config.request_timeout;
        let sink = Sink::Stream {
            on_row,
            observers,
            sync_output,
        };
        let outcome = self.stream_outcome(&request, export, sink, cancel, timeout, started);
        self.stats.stream_time += started.elapsed();
        if outcome.is_ok() {
            self.stats.streams_completed += 1;
        } else {
            self.stats.streams_failed += 1;
        }
        outcome
    }

    fn stream_outcome(
        &mut self,
        request: &Request,
        export: &str,
        sink: Sink<'_, '_>,
        cancel: Option<&LeanWorkerCancellationToken>,
        timeout: Duration,
        started: Instant,
    ) -> LeanWorkerResult<LeanWorkerStreamSummary> {
        match self.exchange(request, export, sink, cancel, timeout)? {
            (
                Reply::StreamDone {
                    rows,
                    diagnostics,
                    progress,
                    cancelled: false,
                    ..
                },
                seen,
            ) if rows == seen.rows
                && diagnostics == seen.diagnostics
                && progress == seen.progress =>
            {
                Ok(LeanWorkerStreamSummary {
                    rows,
                    diagnostics,
                    output_lines: seen.output_lines,
                    diagnostics_dropped: seen.dropped,
                    progress,
                    elapsed: started.elapsed(),
                })
            }
            (
                Reply::StreamDone {
                    cancelled: true, ..
                },
                _,
            ) => Err(LeanWorkerError::Cancelled),
            (other, seen) => Err(self.violation(format!(
                "stream of {} rows, {} diagnostics and {} progress events answered with {other:?}",
                seen.rows, seen.diagnostics, seen.progress
            ))),
        }
    }

    fn check_capability(&self, capability: &LeanWorkerCapability) -> LeanWorkerResult<()> {
        match self.capabilities.get(capability.index as usize) {
            Some(manifest) if *manifest == capability.manifest => Ok(()),
            _ => Err(LeanWorkerError::InvalidRequest(format!(
                "capability {} was not opened by this worker",
                capability.package
            ))),
        }
    }

    /// Replaces the child now (e.g. to reset Lean's process-global memory), recording
    /// `reason`. The new child reopens every capability.
    pub fn cycle(&mut self, reason: impl Into<String>) -> LeanWorkerResult<()> {
        self.replace(LeanWorkerRestartReason::Explicit(bound(reason.into())))
    }

    /// Replaces the child now for `reason`.
    pub(crate) fn replace(&mut self, reason: LeanWorkerRestartReason) -> LeanWorkerResult<()> {
        self.discard(reason);
        self.ensure_live()
    }

    /// Sets the deadline of later requests.
    pub fn set_request_timeout(&mut self, timeout: Duration) {
        self.config.request_timeout = timeout;
    }

    /// The handshake facts of the current (or last) child.
    pub fn runtime_metadata(&self) -> Option<&LeanWorkerRuntimeMetadata> {
        self.live
            .as_ref()
            .map(|live| &live.metadata)
            .or(self.last_metadata.as_ref())
    }

    /// Restarts so far (the most recent 64), oldest first.
    pub fn restarts(&self) -> impl Iterator<Item = &LeanWorkerRestart> {
        self.restarts.iter()
    }

    /// How many children this worker has started.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The counters so far, across every child.
    pub fn stats(&self) -> LeanWorkerStats {
        LeanWorkerStats {
            backpressure_waits: self.backpressure.load(Ordering::Relaxed),
            ..self.stats
        }
    }

    /// Where the running child was placed, when its launcher went through a scheduler
    /// (diagnostics only: job and step ids are not an identity of the worker).
    pub fn placement(&self) -> Option<LeanWorkerPlacement> {
        self.live.as_ref().and_then(|live| live.control.placement())
    }

    /// The running child's resident set size in KiB, when its launcher can sample it.
    pub fn child_rss_kib(&self) -> Option<u64> {
        self.live.as_ref().and_then(|live| live.control.rss_kib())
    }

    /// The capabilities this worker opens in every child, in order.
    pub fn capability_manifests(&self) -> &[PathBuf] {
        &self.capabilities
    }

    /// Whether a child is running (a failed one is replaced at the next request).
    pub fn is_alive(&self) -> bool {
        self.live.is_some()
    }

    /// The current child's diagnostic tail (stderr and stdout), or the last dead one's.
    pub fn stderr_tail(&self) -> String {
        self.live
            .as_ref()
            .map_or_else(|| self.last_tail.clone(), |live| live.tail.text())
    }

    /// Stops the child: closes its request pipe and waits up to `grace` for a clean exit, then
    /// kills it.
    pub fn shutdown(mut self, grace: Duration) -> Option<LeanWorkerExitStatus> {
        let mut live = self.live.take()?;
        // Closing the request pipe ends the child's request loop.
        live.to_child = BufWriter::new(Box::new(std::io::sink()));
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = live.control.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = live.control.kill();
        None
    }
}

fn check_args(params: &[LeanWorkerType], args: &[LeanWorkerValue]) -> LeanWorkerResult<()> {
    if params.len() != args.len() {
        return Err(LeanWorkerError::InvalidRequest(format!(
            "{} arguments for {} parameters",
            args.len(),
            params.len()
        )));
    }
    for (i, (param, arg)) in params.iter().zip(args).enumerate() {
        if *param != arg.ty() {
            return Err(LeanWorkerError::InvalidRequest(format!(
                "argument {i} is {} but the signature says {}",
                arg.ty().lean_name(),
                param.lean_name()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_reads_lean_messages_and_signals() {
        let abort = Some(LeanWorkerExitStatus {
            code: None,
            signal: Some(libc::SIGABRT),
        });
        assert_eq!(
            classify(abort, "INTERNAL PANIC: out of memory\n"),
            LeanWorkerFatalKind::OutOfMemory {
                evidence: LeanWorkerMemoryEvidence::LeanAllocator
            }
        );
        assert_eq!(
            classify(abort, "Stack overflow detected. Aborting.\n"),
            LeanWorkerFatalKind::StackOverflow
        );
        assert!(matches!(
            classify(abort, "noise\nPANIC at f: boom\n"),
            LeanWorkerFatalKind::Panic { message } if message == "PANIC at f: boom"
        ));
        assert!(matches!(
            classify(abort, "lean-rs worker panic: x\n\n"),
            LeanWorkerFatalKind::Panic { message } if message == "lean-rs worker panic: x"
        ));
        assert_eq!(
            classify(abort, ""),
            LeanWorkerFatalKind::Signal(libc::SIGABRT)
        );
        let kill = Some(LeanWorkerExitStatus {
            code: None,
            signal: Some(libc::SIGKILL),
        });
        assert_eq!(classify(kill, ""), LeanWorkerFatalKind::Killed);
        let code = Some(LeanWorkerExitStatus {
            code: Some(3),
            signal: None,
        });
        assert_eq!(classify(code, ""), LeanWorkerFatalKind::Exited(3));
        assert_eq!(classify(None, ""), LeanWorkerFatalKind::UnexpectedEof);
    }
}
