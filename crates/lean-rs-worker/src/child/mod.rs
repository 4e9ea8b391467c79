//! The worker child: the real Lean runtime, capabilities opened by manifest, a request loop.
//!
//! The main thread owns Lean (the runtime's init thread, attached for life, with Lean's
//! alternate signal stack so a stack overflow is reported). A reader thread takes frames off
//! the request descriptor and hands requests to the main thread through a bounded channel;
//! `Cancel` frames only raise the flag of the stream they name. Replies and rows go out through
//! one buffered writer: rows are flushed at most 2 ms after they are written (by the writer or
//! a flusher thread), terminal frames at once. A full pipe blocks the writer, and so the Lean
//! callback that produced the row: that is the stream's backpressure.

mod call;
mod fds;
mod session;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use lean_rs::{
    LeanBuiltCapability, LeanCallbackFlow, LeanCallbackHandle, LeanCallbackStatus, LeanCapability,
    LeanModule, LeanRuntime, LeanStringEvent,
};

use crate::observe::{self, Envelope, ProgressCoalescer, ProgressFrame};
use crate::protocol::{
    self, DEFAULT_MAX_FRAME_BYTES, ENV_FDS, ENV_MAX_FRAME, ENV_NONCE, Failure, FrameKind,
    Handshake, MAGIC, MIN_MAX_FRAME_BYTES, PROTOCOL_VERSION, Reply, Request,
};

/// How long a written row may sit in the buffer.
const FLUSH_AFTER: Duration = Duration::from_millis(2);
/// Write buffer size.
const WRITE_BUFFER: usize = 64 * 1024;
/// Requests queued between the reader thread and the Lean thread.
const REQUEST_QUEUE: usize = 16;

/// Exit codes of the child (the parent reports them as [`crate::LeanWorkerFatalKind::Exited`]).
const EXIT_SETUP: u8 = 2;
const EXIT_PROTOCOL: u8 = 3;
const EXIT_PEER_GONE: u8 = 4;

pub(super) struct Out {
    state: Mutex<OutState>,
    dirty: AtomicBool,
    max_frame: u32,
}

struct OutState {
    writer: BufWriter<File>,
    last_flush: Instant,
}

impl Out {
    fn lock(&self) -> std::sync::MutexGuard<'_, OutState> {
        // A panic while holding the lock leaves a buffer that is still a valid byte queue.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A terminal or control frame, flushed at once.
    fn send<T: serde::Serialize>(
        &self,
        kind: FrameKind,
        request: u64,
        message: &T,
    ) -> std::io::Result<()> {
        let mut state = self.lock();
        protocol::write_json(&mut state.writer, kind, request, message, self.max_frame)?;
        state.writer.flush()?;
        state.last_flush = Instant::now();
        self.dirty.store(false, Ordering::Release);
        Ok(())
    }

    /// One row (or another stream or progress frame), buffered.
    pub(super) fn row(&self, kind: FrameKind, request: u64, payload: &[u8]) -> std::io::Result<()> {
        let mut state = self.lock();
        protocol::write_frame(&mut state.writer, kind, request, payload, self.max_frame)?;
        if state.last_flush.elapsed() >= FLUSH_AFTER {
            state.writer.flush()?;
            state.last_flush = Instant::now();
            self.dirty.store(false, Ordering::Release);
        } else {
            self.dirty.store(true, Ordering::Release);
        }
        Ok(())
    }

    fn flush_if_dirty(&self) -> std::io::Result<()> {
        if self.dirty.swap(false, Ordering::AcqRel) {
            let mut state = self.lock();
            state.writer.flush()?;
            state.last_flush = Instant::now();
        }
        Ok(())
    }
}

/// The request the parent last asked to cancel (request ids start at 1, so 0 is none). A
/// `Cancel` frame may arrive before the stream it names has started; the stream's callback
/// compares against its own id, so the order does not matter.
struct StreamSlot {
    cancel: AtomicU64,
}

/// [`fds::adopt`] for the fault child.
pub(crate) fn adopt_fd(fd: i32) -> Result<File, String> {
    fds::adopt(fd)
}

fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("lean-rs-worker-child: {message}");
    ExitCode::from(code)
}

fn env_fds() -> Result<(File, File), String> {
    // Started by a scheduler's launcher on another machine: the protocol runs over the
    // socket the child connects back on, not over inherited descriptors.
    if let Some(connected) = crate::remote::connect_from_env() {
        return connected;
    }
    let spec = std::env::var(ENV_FDS)
        .map_err(|_| format!("{ENV_FDS} is not set: start me through lean-rs-worker"))?;
    let (read, write) = spec
        .split_once(',')
        .ok_or_else(|| format!("{ENV_FDS}={spec:.40} is not `<read>,<write>`"))?;
    let parse = |s: &str| {
        s.trim()
            .parse::<i32>()
            .map_err(|_| format!("{ENV_FDS}: bad descriptor {s:.20}"))
    };
    let (read, write) = (parse(read)?, parse(write)?);
    if read == write {
        return Err(format!("{ENV_FDS}: one descriptor for both directions"));
    }
    Ok((fds::adopt(read)?, fds::adopt(write)?))
}

/// The entry point of a worker child binary: serves the parent until it closes the request
/// pipe. Call it from `main` of a binary that links the Lean capabilities' callback helpers
/// (its build script calls `lean_toolchain::emit_interop_callback_exports`).
pub fn run_worker_child() -> ExitCode {
    fds::disable_core_dumps();
    let (input, output) = match env_fds() {
        Ok(files) => files,
        Err(message) => return fail(&message, EXIT_SETUP),
    };
    let max_frame = std::env::var(ENV_MAX_FRAME)
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(DEFAULT_MAX_FRAME_BYTES)
        .clamp(MIN_MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES);
    let instance = std::env::var(ENV_NONCE).unwrap_or_default();
    let out = Arc::new(Out {
        state: Mutex::new(OutState {
            writer: BufWriter::with_capacity(WRITE_BUFFER, output),
            last_flush: Instant::now(),
        }),
        dirty: AtomicBool::new(false),
        max_frame,
    });
    let init_started = Instant::now();
    let runtime = match LeanRuntime::init() {
        Ok(runtime) => runtime,
        Err(err) => {
            let failure = Failure {
                code: err.code().as_str().to_owned(),
                message: err.message().to_owned(),
            };
            let _ = out.send(FrameKind::Failure, 0, &failure);
            return fail(&format!("Lean runtime init failed: {err}"), EXIT_SETUP);
        }
    };
    let handshake = Handshake {
        magic: MAGIC.to_owned(),
        protocol: PROTOCOL_VERSION,
        instance,
        worker_version: env!("CARGO_PKG_VERSION").to_owned(),
        lean_version: lean_rs_sys::LEAN_VERSION.to_owned(),
        lean_commit: lean_rs_sys::LEAN_COMMIT.map(str::to_owned),
        platform: format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
        max_frame,
        lean_init_us: u64::try_from(init_started.elapsed().as_micros()).unwrap_or(u64::MAX),
    };
    if out.send(FrameKind::Handshake, 0, &handshake).is_err() {
        return fail("the parent closed the reply pipe", EXIT_PEER_GONE);
    }
    let slot = Arc::new(StreamSlot {
        cancel: AtomicU64::new(0),
    });
    let (requests_tx, requests) = sync_channel(REQUEST_QUEUE);
    let reader_slot = slot.clone();
    let spawned = std::thread::Builder::new()
        .name("lean-rs-worker-reader".into())
        .spawn(move || read_requests(input, max_frame, &requests_tx, &reader_slot));
    if spawned.is_err() {
        return fail("cannot start the request reader thread", EXIT_SETUP);
    }
    let flusher_out = out.clone();
    let _ = std::thread::Builder::new()
        .name("lean-rs-worker-flush".into())
        .spawn(move || {
            loop {
                std::thread::sleep(FLUSH_AFTER);
                if flusher_out.flush_if_dirty().is_err() {
                    return;
                }
            }
        });
    serve(runtime, &requests, &out, &slot)
}

enum Inbound {
    Request(u64, Request),
    Malformed(u64, String),
    Violation(String),
}

fn read_requests(input: File, max_frame: u32, requests: &SyncSender<Inbound>, slot: &StreamSlot) {
    let mut input = std::io::BufReader::with_capacity(16 * 1024, input);
    loop {
        let frame = match protocol::read_frame(&mut input, max_frame) {
            Ok(frame) => frame,
            // The parent closed the request pipe: it shut the worker down, or it died. Either
            // way nobody will read a reply, so do not let a long Lean call outlive it.
            Err(protocol::FrameError::Eof) => fds::exit_now(0),
            Err(err) => {
                let _ = requests.send(Inbound::Violation(err.to_string()));
                return;
            }
        };
        match frame.kind {
            FrameKind::Request => {
                let message = match serde_json::from_slice::<Request>(&frame.payload) {
                    Ok(request) => Inbound::Request(frame.request, request),
                    Err(err) => Inbound::Malformed(frame.request, err.to_string()),
                };
                if requests.send(message).is_err() {
                    return;
                }
            }
            FrameKind::Cancel => {
                slot.cancel.store(frame.request, Ordering::Release);
            }
            other => {
                let _ = requests.send(Inbound::Violation(format!(
                    "unexpected {other:?} frame from the parent"
                )));
                return;
            }
        }
    }
}

fn serve(
    runtime: &'static LeanRuntime,
    requests: &Receiver<Inbound>,
    out: &Arc<Out>,
    slot: &Arc<StreamSlot>,
) -> ExitCode {
    let mut capabilities: Vec<LeanModule<'static, 'static>> = Vec::new();
    let mut sessions = session::ChildSessions::new();
    while let Ok(inbound) = requests.recv() {
        let (id, request) = match inbound {
            Inbound::Request(id, request) => (id, request),
            Inbound::Malformed(id, message) => {
                let failure = Failure {
                    code: "lean_rs_worker.protocol".into(),
                    message: crate::error::bound(message),
                };
                if out.send(FrameKind::Failure, id, &failure).is_err() {
                    return fail("the parent closed the reply pipe", EXIT_PEER_GONE);
                }
                continue;
            }
            Inbound::Violation(message) => {
                return fail(&format!("protocol violation: {message}"), EXIT_PROTOCOL);
            }
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handle(
                runtime,
                &mut capabilities,
                &mut sessions,
                id,
                request,
                out,
                slot,
            )
        }))
        .unwrap_or_else(|_| {
            Err((
                "lean_rs_worker.child_panic".to_owned(),
                "the worker child panicked serving the request".to_owned(),
            ))
        });
        let sent = match outcome {
            Ok(reply) => match out.send(FrameKind::Reply, id, &reply) {
                // Too large for one frame: the request fails, the child keeps serving.
                Err(err) if err.kind() == std::io::ErrorKind::InvalidInput => out.send(
                    FrameKind::Failure,
                    id,
                    &Failure {
                        code: "lean_rs_worker.reply_too_large".to_owned(),
                        message: crate::error::bound(err.to_string()),
                    },
                ),
                other => other,
            },
            Err((code, message)) => out.send(
                FrameKind::Failure,
                id,
                &Failure {
                    code,
                    message: crate::error::bound(message),
                },
            ),
        };
        if sent.is_err() {
            return fail("the parent closed the reply pipe", EXIT_PEER_GONE);
        }
    }
    ExitCode::SUCCESS
}

fn capability<'a>(
    capabilities: &'a [LeanModule<'static, 'static>],
    index: u32,
) -> Result<&'a LeanModule<'static, 'static>, call::CallFailure> {
    capabilities.get(index as usize).ok_or_else(|| {
        (
            "lean_rs_worker.invalid_request".to_owned(),
            format!("no capability #{index} is open"),
        )
    })
}

#[allow(clippy::too_many_lines)] // one arm per request kind
fn handle(
    runtime: &'static LeanRuntime,
    capabilities: &mut Vec<LeanModule<'static, 'static>>,
    sessions: &mut session::ChildSessions,
    id: u64,
    request: Request,
    out: &Arc<Out>,
    slot: &Arc<StreamSlot>,
) -> Result<Reply, call::CallFailure> {
    match request {
        Request::Open { manifest } => {
            let opened = LeanCapability::from_build_manifest(
                runtime,
                LeanBuiltCapability::manifest_path(manifest),
            )
            .map_err(|e| call::lean_failure(&e))?;
            // Lean code is never unloaded (its runtime may hold pointers into it), so an opened
            // capability lives as long as the child: leaking it gives its module handle the
            // child's lifetime, and calls skip the per-request module lookup.
            let opened: &'static LeanCapability<'static> = Box::leak(Box::new(opened));
            // Initialize now, so a failing initializer is this request's error.
            let module = opened.module().map_err(|e| call::lean_failure(&e))?;
            let index = u32::try_from(capabilities.len()).map_err(|_| {
                (
                    "lean_rs_worker.invalid_request".to_owned(),
                    "too many capabilities".to_owned(),
                )
            })?;
            let reply = Reply::Opened {
                capability: index,
                package: opened.package().to_owned(),
                module: opened.module_name().to_owned(),
                exports: opened.export_signatures().len(),
            };
            capabilities.push(module);
            Ok(reply)
        }
        Request::Call {
            capability: index,
            export,
            params,
            result,
            io,
            args,
        } => {
            let module = capability(capabilities, index)?;
            let value = call::call(
                module,
                runtime,
                &export,
                &params,
                call::Expect { ty: result, io },
                args,
            )?;
            Ok(Reply::Value { value })
        }
        Request::SessionOpen { config, progress } => {
            let progress = progress.then(|| session::ProgressOut::new(id, out.clone()));
            let opened = sessions.open(runtime, &config, progress.as_ref());
            if let Some(progress) = &progress {
                progress.finish();
            }
            Ok(Reply::SessionOpened { session: opened? })
        }
        Request::Session {
            session,
            operation,
            progress,
        } => {
            let progress = progress.then(|| session::ProgressOut::new(id, out.clone()));
            let value = sessions.run(session, operation, progress.as_ref());
            if let Some(progress) = &progress {
                progress.finish();
            }
            Ok(Reply::Session { value: value? })
        }
        Request::Stream {
            capability: index,
            export,
            params,
            args,
            sync_output,
        } => {
            let module = capability(capabilities, index)?;
            let stream = Arc::new(StreamState::new(id, out.clone(), slot.clone()));
            let sink = stream.clone();
            let handle = LeanCallbackHandle::<LeanStringEvent>::register(move |event| {
                sink.on_event(&event.value)
            })
            .map_err(|e| call::lean_failure(&e))?;
            let status =
                call::call_stream(module, runtime, &export, handle.abi_parts(), &params, args);
            drop(handle);
            let status = status?;
            stream.finish_progress();
            if sync_output {
                write_sync_markers(id);
            }
            if let Some(failure) = stream.failure() {
                return Err(failure);
            }
            let cancelled = slot.cancel.load(Ordering::Acquire) == id;
            let ok = status == LeanCallbackStatus::Ok.as_u8()
                || (cancelled && status == LeanCallbackStatus::Stopped.as_u8());
            if !ok {
                return Err((
                    "lean_rs_worker.stream_status".to_owned(),
                    format!("the stream export returned status {status}"),
                ));
            }
            Ok(Reply::StreamDone {
                rows: stream.rows.load(Ordering::Acquire),
                diagnostics: stream.diagnostics.load(Ordering::Acquire),
                progress: stream.progress_sent.load(Ordering::Acquire),
                cancelled,
                status,
            })
        }
    }
}

/// Why a stream's callback stopped it, beyond cancellation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StreamFault {
    None = 0,
    Write = 1,
    Envelope = 2,
}

/// The child-side state of one stream: counters, the coalesced progress, the first fault.
struct StreamState {
    id: u64,
    out: Arc<Out>,
    slot: Arc<StreamSlot>,
    rows: AtomicU64,
    diagnostics: AtomicU64,
    progress_sent: AtomicU64,
    progress: Mutex<ProgressCoalescer>,
    fault: AtomicU8,
    envelope_error: Mutex<String>,
}

impl StreamState {
    fn new(id: u64, out: Arc<Out>, slot: Arc<StreamSlot>) -> Self {
        Self {
            id,
            out,
            slot,
            rows: AtomicU64::new(0),
            diagnostics: AtomicU64::new(0),
            progress_sent: AtomicU64::new(0),
            progress: Mutex::new(ProgressCoalescer::default()),
            fault: AtomicU8::new(StreamFault::None as u8),
            envelope_error: Mutex::new(String::new()),
        }
    }

    fn stop(&self, fault: StreamFault) -> LeanCallbackFlow {
        let _ = self.fault.compare_exchange(
            StreamFault::None as u8,
            fault as u8,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        LeanCallbackFlow::Stop
    }

    /// One callback string: a row, or a side-channel envelope.
    fn on_event(&self, text: &str) -> LeanCallbackFlow {
        if self.slot.cancel.load(Ordering::Acquire) == self.id {
            return LeanCallbackFlow::Stop;
        }
        let written = match observe::envelope(text) {
            Ok(Envelope::Row(row)) => {
                let written = self.out.row(FrameKind::Row, self.id, row.as_bytes());
                self.rows.fetch_add(1, Ordering::Relaxed);
                written
            }
            Ok(Envelope::Diagnostic(frame)) => {
                self.diagnostics.fetch_add(1, Ordering::Relaxed);
                serde_json::to_vec(&frame)
                    .map_err(std::io::Error::other)
                    .and_then(|payload| self.out.row(FrameKind::Diagnostic, self.id, &payload))
            }
            Ok(Envelope::Progress(frame)) => self.offer_progress(frame),
            Err(why) => {
                *self
                    .envelope_error
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = why;
                return self.stop(StreamFault::Envelope);
            }
        };
        match written {
            Ok(()) => LeanCallbackFlow::Continue,
            Err(_) => self.stop(StreamFault::Write),
        }
    }

    fn send_progress(&self, frame: &ProgressFrame) -> std::io::Result<()> {
        let payload = serde_json::to_vec(frame).map_err(std::io::Error::other)?;
        self.out.row(FrameKind::Progress, self.id, &payload)?;
        self.progress_sent.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Sends `frame` when the coalescer says it is due.
    fn offer_progress(&self, frame: ProgressFrame) -> std::io::Result<()> {
        let due = self
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .offer(frame);
        due.map_or(Ok(()), |frame| self.send_progress(&frame))
    }

    /// Sends the pending progress event, if any, before the terminal frame.
    fn finish_progress(&self) {
        let pending = self
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .finish();
        if let Some(frame) = pending {
            if self.send_progress(&frame).is_err() {
                self.stop(StreamFault::Write);
            }
        }
    }

    fn failure(&self) -> Option<call::CallFailure> {
        match self.fault.load(Ordering::Acquire) {
            f if f == StreamFault::Write as u8 => Some((
                "lean_rs_worker.row_too_large".to_owned(),
                "a row did not fit in one frame (or the reply pipe failed)".to_owned(),
            )),
            f if f == StreamFault::Envelope as u8 => Some((
                "lean_rs_worker.bad_envelope".to_owned(),
                self.envelope_error
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone(),
            )),
            _ => None,
        }
    }
}

/// Flushes the C and Rust stdio buffers, then writes the sync marker of `request` to stdout and
/// stderr (see [`observe::sync_marker`]).
fn write_sync_markers(request: u64) {
    let marker = observe::sync_marker(request);
    fds::flush_c_stdio();
    let _ = std::io::stdout().flush();
    let _ = std::io::stdout().write_all(marker.as_bytes());
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(marker.as_bytes());
}
