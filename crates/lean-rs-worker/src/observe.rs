//! The side channels of a stream: diagnostics and progress, apart from the data rows.
//!
//! A streaming export sends everything through one string callback. A string that starts with
//! `{"diagnostic":` or `{"progress":` is an envelope for another channel instead of a row, in
//! the shape the interop shims' `LeanRsInterop.Worker.Stream.diagnostic` / `progress` write:
//!
//! * `{"diagnostic":{"severity":"info"|"warning"|"error","code":C,"message":M}}`;
//! * `{"progress":{"phase":P,"current":N,"total":N}}` (`total` may be absent or `null`).
//!
//! The child parses the envelope and sends its own frame kind, so the parent's row sink never
//! sees it; every other string is a row, as-is. The child's own stdout/stderr lines written
//! during a stream reach the same diagnostics sink, marked
//! [`LeanWorkerDiagnosticSource::ChildOutput`].

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How a diagnostic envelope starts.
const DIAGNOSTIC_PREFIX: &str = "{\"diagnostic\":";
/// How a progress envelope starts.
const PROGRESS_PREFIX: &str = "{\"progress\":";

/// Longest diagnostic message or output line kept (bytes; longer ones are cut).
pub(crate) const DIAGNOSTIC_LIMIT: usize = 4096;

/// Longest progress phase or diagnostic code kept (bytes).
pub(crate) const PHASE_LIMIT: usize = 256;

/// How often the child sends progress at most; events in between are coalesced into the next.
pub(crate) const PROGRESS_INTERVAL: Duration = Duration::from_millis(10);

/// Child output lines kept for the diagnostics sink between two deliveries.
pub(crate) const OUTPUT_QUEUE: usize = 256;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeanWorkerSeverity {
    /// Information.
    Info,
    /// A warning.
    Warning,
    /// An error the command reported (the request itself may still succeed).
    Error,
}

/// Where a diagnostic came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeanWorkerDiagnosticSource {
    /// Lean: a command's diagnostics channel, or the elaborator's messages of a worker
    /// session request.
    Lean,
    /// A line the child process wrote to its stdout or stderr during the stream.
    ChildOutput,
}

/// A 1-based source position with an optional end, copied from Lean's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeanWorkerPosition {
    /// Line, 1-based.
    pub line: u32,
    /// Column, 1-based.
    pub column: u32,
    /// End line, when recorded.
    pub end_line: Option<u32>,
    /// End column, when recorded.
    pub end_column: Option<u32>,
}

/// One diagnostic: of a stream (delivered apart from its rows), or a Lean message of a worker
/// session request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeanWorkerDiagnostic {
    /// Lean's diagnostics channel or the child's own output.
    pub source: LeanWorkerDiagnosticSource,
    /// How serious (child output is [`LeanWorkerSeverity::Info`]).
    pub severity: LeanWorkerSeverity,
    /// The command's code for it, when it gave one (at most 256 bytes).
    pub code: Option<String>,
    /// The text (at most 4 KiB; longer text is cut at a UTF-8 boundary).
    pub message: String,
    /// The file label of a session request's message (`None` on stream channels).
    pub file_label: Option<String>,
    /// Where in the source, when Lean recorded it.
    pub position: Option<LeanWorkerPosition>,
}

/// One progress report of a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanWorkerProgressEvent {
    /// What the command is doing (at most 256 bytes).
    pub phase: String,
    /// Work done so far.
    pub current: u64,
    /// Work in total, when the command knows it.
    pub total: Option<u64>,
    /// Time since the request was sent, measured in the parent.
    pub elapsed: Duration,
}

/// Receives the diagnostics of a stream, live, apart from its rows.
pub trait LeanWorkerDiagnosticSink {
    /// One diagnostic.
    fn diagnostic(&mut self, diagnostic: &LeanWorkerDiagnostic);
}

impl<F: FnMut(&LeanWorkerDiagnostic)> LeanWorkerDiagnosticSink for F {
    fn diagnostic(&mut self, diagnostic: &LeanWorkerDiagnostic) {
        self(diagnostic);
    }
}

/// Receives the progress events of a stream, live (coalesced to at most one per 10 ms).
pub trait LeanWorkerProgressSink {
    /// One event.
    fn progress(&mut self, event: &LeanWorkerProgressEvent);
}

impl<F: FnMut(&LeanWorkerProgressEvent)> LeanWorkerProgressSink for F {
    fn progress(&mut self, event: &LeanWorkerProgressEvent) {
        self(event);
    }
}

/// The optional diagnostics and progress sinks of one stream. A sink that panics cancels the
/// stream, which then fails with [`LeanWorkerError::SinkPanic`](crate::LeanWorkerError).
#[derive(Default)]
pub struct LeanWorkerStreamObservers<'a> {
    pub(crate) diagnostics: Option<&'a mut dyn LeanWorkerDiagnosticSink>,
    pub(crate) progress: Option<&'a mut dyn LeanWorkerProgressSink>,
}

impl std::fmt::Debug for LeanWorkerStreamObservers<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanWorkerStreamObservers")
            .field("diagnostics", &self.diagnostics.is_some())
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl<'a> LeanWorkerStreamObservers<'a> {
    /// No side-channel sinks (diagnostics and progress are counted, then dropped).
    pub fn new() -> Self {
        Self::default()
    }

    /// Delivers diagnostics (Lean's and the child's output lines) to `sink`.
    #[must_use]
    pub fn diagnostics(mut self, sink: &'a mut dyn LeanWorkerDiagnosticSink) -> Self {
        self.diagnostics = Some(sink);
        self
    }

    /// Delivers progress events to `sink`.
    #[must_use]
    pub fn progress(mut self, sink: &'a mut dyn LeanWorkerProgressSink) -> Self {
        self.progress = Some(sink);
        self
    }
}

/// The wire form of a Lean diagnostic (child → parent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiagnosticFrame {
    pub severity: LeanWorkerSeverity,
    #[serde(default)]
    pub code: Option<String>,
    pub message: String,
}

/// The wire form of a progress event (child → parent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProgressFrame {
    pub phase: String,
    pub current: u64,
    #[serde(default)]
    pub total: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagnosticEnvelope {
    diagnostic: DiagnosticFrame,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgressEnvelope {
    progress: ProgressFrame,
}

/// The child's progress coalescing: at most one event per [`PROGRESS_INTERVAL`], always the
/// first and a phase's last (`current == total`); an event in between waits as the pending one
/// (a newer one replaces it) until the next send or [`finish`](Self::finish).
#[derive(Debug, Default)]
pub(crate) struct ProgressCoalescer {
    last_sent: Option<std::time::Instant>,
    pending: Option<ProgressFrame>,
}

impl ProgressCoalescer {
    /// The frame to send now, if `frame` is due.
    pub(crate) fn offer(&mut self, frame: ProgressFrame) -> Option<ProgressFrame> {
        let due = self
            .last_sent
            .is_none_or(|at| at.elapsed() >= PROGRESS_INTERVAL)
            || frame.total == Some(frame.current);
        if !due {
            self.pending = Some(frame);
            return None;
        }
        self.pending = None;
        self.last_sent = Some(std::time::Instant::now());
        Some(frame)
    }

    /// The pending frame, to send before the terminal frame.
    pub(crate) fn finish(&mut self) -> Option<ProgressFrame> {
        self.pending.take()
    }
}

/// What one callback string is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Envelope<'a> {
    Row(&'a str),
    Diagnostic(DiagnosticFrame),
    Progress(ProgressFrame),
}

/// `text` cut to at most `limit` bytes at a UTF-8 boundary.
pub(crate) fn cut(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Splits a callback string into its channel; a malformed envelope is an error naming why.
pub(crate) fn envelope(text: &str) -> Result<Envelope<'_>, String> {
    if text.starts_with(DIAGNOSTIC_PREFIX) {
        let DiagnosticEnvelope { diagnostic } = serde_json::from_str(text)
            .map_err(|err| format!("malformed diagnostic envelope: {err}"))?;
        return Ok(Envelope::Diagnostic(DiagnosticFrame {
            severity: diagnostic.severity,
            code: diagnostic
                .code
                .map(|code| cut(&code, PHASE_LIMIT).to_owned()),
            message: cut(&diagnostic.message, DIAGNOSTIC_LIMIT).to_owned(),
        }));
    }
    if text.starts_with(PROGRESS_PREFIX) {
        let ProgressEnvelope { progress } = serde_json::from_str(text)
            .map_err(|err| format!("malformed progress envelope: {err}"))?;
        return Ok(Envelope::Progress(ProgressFrame {
            phase: cut(&progress.phase, PHASE_LIMIT).to_owned(),
            ..progress
        }));
    }
    Ok(Envelope::Row(text))
}

/// The marker line a child writes to stdout and stderr after a stream whose parent asked for
/// its output in order (`U+001E` then the request id): once the parent has read it on every
/// output stream, it has every line the stream printed.
pub(crate) fn sync_marker(request: u64) -> String {
    format!("\n\u{1e}lean-rs-worker-sync {request}\n")
}

fn parse_sync(line: &str) -> Option<u64> {
    line.strip_prefix("\u{1e}lean-rs-worker-sync ")?
        .parse()
        .ok()
}

/// The child's output lines for the diagnostics sink: a bounded queue the drain threads fill
/// and the supervisor empties, and the last sync marker each drain has read.
#[derive(Debug)]
pub(crate) struct OutputLines {
    queue: Mutex<VecDeque<String>>,
    dropped: AtomicU64,
    synced: Vec<AtomicU64>,
}

impl OutputLines {
    pub(crate) fn new(streams: usize) -> Self {
        Self {
            queue: Mutex::new(VecDeque::new()),
            dropped: AtomicU64::new(0),
            synced: (0..streams).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Handles one complete line of output stream `stream`; returns whether it is ordinary
    /// output (not a sync marker) for the tail.
    pub(crate) fn line(&self, stream: usize, line: &str) -> bool {
        if let Some(request) = parse_sync(line) {
            if let Some(slot) = self.synced.get(stream) {
                slot.fetch_max(request, Ordering::AcqRel);
            }
            return false;
        }
        if line.trim().is_empty() {
            return true;
        }
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.len() == OUTPUT_QUEUE {
            queue.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        queue.push_back(cut(line, DIAGNOSTIC_LIMIT).to_owned());
        true
    }

    /// Forgets queued lines (output from before a stream).
    pub(crate) fn clear(&self) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.dropped.store(0, Ordering::Relaxed);
    }

    /// Takes the queued lines and the count of lines dropped since the last take.
    pub(crate) fn take(&self) -> (Vec<String>, u64) {
        let lines = self
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
            .collect();
        (lines, self.dropped.swap(0, Ordering::Relaxed))
    }

    /// Whether every output stream has shown the sync marker of `request`.
    pub(crate) fn synced(&self, request: u64) -> bool {
        self.synced
            .iter()
            .all(|slot| slot.load(Ordering::Acquire) >= request)
    }
}

/// Splits a byte stream into lines of at most [`DIAGNOSTIC_LIMIT`] bytes.
#[derive(Debug, Default)]
pub(crate) struct LineSplitter {
    pending: Vec<u8>,
}

impl LineSplitter {
    /// Feeds `chunk`, calling `on_line` with each complete line (without its newline).
    pub(crate) fn feed(&mut self, chunk: &[u8], on_line: &mut dyn FnMut(&str)) {
        for part in chunk.split_inclusive(|byte| *byte == b'\n') {
            let complete = part.last() == Some(&b'\n');
            let body = if complete {
                &part[..part.len() - 1]
            } else {
                part
            };
            self.pending.extend_from_slice(body);
            while self.pending.len() > DIAGNOSTIC_LIMIT {
                let rest = self.pending.split_off(DIAGNOSTIC_LIMIT);
                self.emit(on_line);
                self.pending = rest;
            }
            if complete {
                self.emit(on_line);
            }
        }
    }

    /// Ends the stream: a last line without a newline is delivered too.
    pub(crate) fn finish(&mut self, on_line: &mut dyn FnMut(&str)) {
        if !self.pending.is_empty() {
            self.emit(on_line);
        }
    }

    fn emit(&mut self, on_line: &mut dyn FnMut(&str)) {
        on_line(&String::from_utf8_lossy(&self.pending));
        self.pending.clear();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_split_channels_and_refuse_malformed_ones() {
        assert_eq!(envelope("row 1").unwrap(), Envelope::Row("row 1"));
        assert_eq!(
            envelope(r#"{"stream":"s","payload":{"diagnostic":1}}"#).unwrap(),
            Envelope::Row(r#"{"stream":"s","payload":{"diagnostic":1}}"#)
        );
        assert_eq!(
            envelope(r#"{"diagnostic":{"severity":"warning","code":"c.x","message":"a: \"b\""}}"#)
                .unwrap(),
            Envelope::Diagnostic(DiagnosticFrame {
                severity: LeanWorkerSeverity::Warning,
                code: Some("c.x".into()),
                message: "a: \"b\"".into()
            })
        );
        assert_eq!(
            envelope(r#"{"progress":{"phase":"load","current":3}}"#).unwrap(),
            Envelope::Progress(ProgressFrame {
                phase: "load".into(),
                current: 3,
                total: None
            })
        );
        assert_eq!(
            envelope(r#"{"progress":{"phase":"p","current":3,"total":9}}"#).unwrap(),
            Envelope::Progress(ProgressFrame {
                phase: "p".into(),
                current: 3,
                total: Some(9)
            })
        );
        for bad in [
            r#"{"diagnostic":{"severity":"loud","message":"x"}}"#,
            r#"{"diagnostic":{"severity":"info"}}"#,
            r#"{"diagnostic":{"severity":"info","message":"x","extra":1}}"#,
            r#"{"diagnostic":"#,
            r#"{"progress":{"phase":"p","current":-1}}"#,
            r#"{"progress":{"phase":"p","current":1},"more":2}"#,
        ] {
            assert!(envelope(bad).is_err(), "{bad:?}");
        }
        let long = format!(
            r#"{{"diagnostic":{{"severity":"info","message":"{}"}}}}"#,
            "é".repeat(DIAGNOSTIC_LIMIT)
        );
        let Envelope::Diagnostic(frame) = envelope(&long).unwrap() else {
            panic!("not a diagnostic");
        };
        assert!(frame.message.len() <= DIAGNOSTIC_LIMIT);
    }

    #[test]
    fn output_lines_are_split_bounded_and_synced() {
        let lines = OutputLines::new(2);
        let mut splitter = LineSplitter::default();
        let mut tail = Vec::new();
        let marker = sync_marker(7);
        let input = format!("one\ntw{marker}{}", "x".repeat(DIAGNOSTIC_LIMIT + 10));
        let mut on_line = |line: &str| {
            if lines.line(0, line) {
                tail.push(line.to_owned());
            }
        };
        splitter.feed(&input.as_bytes()[..5], &mut on_line);
        splitter.feed(&input.as_bytes()[5..], &mut on_line);
        splitter.finish(&mut on_line);
        assert_eq!(tail[..2], ["one".to_owned(), "tw".to_owned()]);
        assert_eq!(tail[2].len(), DIAGNOSTIC_LIMIT);
        assert_eq!(tail[3].len(), 10);
        assert!(!lines.synced(7), "the second stream has not synced");
        lines.line(1, marker.trim());
        assert!(lines.synced(7) && !lines.synced(8));
        let (queued, dropped) = lines.take();
        assert_eq!((queued.len(), dropped), (4, 0));
        for i in 0..OUTPUT_QUEUE + 5 {
            lines.line(0, &format!("l{i}"));
        }
        let (queued, dropped) = lines.take();
        assert_eq!((queued.len(), dropped), (OUTPUT_QUEUE, 5));
        assert_eq!(queued[0], "l5");
    }
}
