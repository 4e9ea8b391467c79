//! Typed command facades over capability exports, with downstream-owned request, response and
//! row types.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{LeanWorkerError, LeanWorkerResult, bound};
use crate::observe::LeanWorkerStreamObservers;
use crate::value::{LeanWorkerSignature, LeanWorkerType, LeanWorkerValue};
use crate::worker::{
    LeanWorker, LeanWorkerCancellationToken, LeanWorkerCapability, LeanWorkerRowFlow,
    LeanWorkerStreamSummary,
};

type Encode<Req> = fn(&Req) -> Result<String, String>;
type Decode<T> = fn(&str) -> Result<T, String>;

/// A request/response command over an export `String → IO String`: the request is encoded to
/// the export's input text, its output decoded into the response.
pub struct LeanWorkerJsonCommand<Req, Resp> {
    export: String,
    encode: Encode<Req>,
    decode: Decode<Resp>,
}

impl<Req, Resp> std::fmt::Debug for LeanWorkerJsonCommand<Req, Resp> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanWorkerJsonCommand")
            .field("export", &self.export)
            .finish_non_exhaustive()
    }
}

impl<Req: Serialize, Resp: DeserializeOwned> LeanWorkerJsonCommand<Req, Resp> {
    /// JSON both ways (`serde_json`).
    pub fn new(export: impl Into<String>) -> Self {
        Self::with_codec(
            export,
            |req| serde_json::to_string(req).map_err(|e| e.to_string()),
            |text| serde_json::from_str(text).map_err(|e| e.to_string()),
        )
    }
}

impl<Req, Resp> LeanWorkerJsonCommand<Req, Resp> {
    /// A command with its own text encoding (for exports whose protocol frames the JSON, or
    /// is not JSON).
    pub fn with_codec(
        export: impl Into<String>,
        encode: Encode<Req>,
        decode: Decode<Resp>,
    ) -> Self {
        Self {
            export: export.into(),
            encode,
            decode,
        }
    }

    /// The export's name.
    pub fn export(&self) -> &str {
        &self.export
    }

    /// Runs the command in `worker`. A Lean exception raised by the export is
    /// [`LeanWorkerError::Lean`]; an encoding failure is [`LeanWorkerError::Codec`].
    pub fn run(
        &self,
        worker: &mut LeanWorker,
        capability: &LeanWorkerCapability,
        request: &Req,
    ) -> LeanWorkerResult<Resp> {
        let codec = |message: String| LeanWorkerError::Codec {
            export: self.export.clone(),
            message: bound(message),
        };
        let text = (self.encode)(request).map_err(codec)?;
        let signature = LeanWorkerSignature::io([LeanWorkerType::String], LeanWorkerType::String);
        match worker.call(
            capability,
            &self.export,
            &signature,
            vec![LeanWorkerValue::String(text)],
        )? {
            LeanWorkerValue::String(reply) => (self.decode)(&reply).map_err(codec),
            other => Err(codec(format!("expected a String, got {:?}", other.ty()))),
        }
    }
}

/// Receives the rows of a stream: live and tentative through [`row`](Self::row), then exactly
/// one of [`commit`](Self::commit) (the request succeeded) or [`abort`](Self::abort).
pub trait LeanWorkerRowSink<Row> {
    /// One row, in order. Returning [`LeanWorkerRowFlow::Stop`] cancels the request.
    fn row(&mut self, sequence: u64, row: Row) -> LeanWorkerRowFlow;
    /// The request succeeded: every row delivered so far is final.
    fn commit(&mut self, summary: &LeanWorkerStreamSummary) {
        let _ = summary;
    }
    /// The request failed: discard every row delivered since the stream began.
    fn abort(&mut self, error: &LeanWorkerError) {
        let _ = error;
    }
}

/// A sink that keeps tentative rows apart and moves them to [`committed`](Self::committed)
/// only when the request succeeds.
#[derive(Debug)]
pub struct LeanWorkerCommitBuffer<Row> {
    pending: Vec<Row>,
    committed: Vec<Row>,
}

impl<Row> Default for LeanWorkerCommitBuffer<Row> {
    fn default() -> Self {
        Self {
            pending: Vec::new(),
            committed: Vec::new(),
        }
    }
}

impl<Row> LeanWorkerCommitBuffer<Row> {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }
    /// Rows of successful requests.
    pub fn committed(&self) -> &[Row] {
        &self.committed
    }
    /// Rows of the request in flight (empty after every request).
    pub fn pending(&self) -> &[Row] {
        &self.pending
    }
    /// Takes the committed rows.
    pub fn take_committed(&mut self) -> Vec<Row> {
        std::mem::take(&mut self.committed)
    }
}

impl<Row> LeanWorkerRowSink<Row> for LeanWorkerCommitBuffer<Row> {
    fn row(&mut self, _sequence: u64, row: Row) -> LeanWorkerRowFlow {
        self.pending.push(row);
        LeanWorkerRowFlow::Continue
    }
    fn commit(&mut self, _summary: &LeanWorkerStreamSummary) {
        self.committed.append(&mut self.pending);
    }
    fn abort(&mut self, _error: &LeanWorkerError) {
        self.pending.clear();
    }
}

/// A streaming command over an export `(handle trampoline : USize) args… : IO UInt8` that
/// emits each row as a string through the lean-rs string callback.
pub struct LeanWorkerStreamingCommand<Row> {
    export: String,
    params: Vec<LeanWorkerType>,
    decode: Decode<Row>,
}

impl<Row> std::fmt::Debug for LeanWorkerStreamingCommand<Row> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanWorkerStreamingCommand")
            .field("export", &self.export)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl<Row: DeserializeOwned> LeanWorkerStreamingCommand<Row> {
    /// Rows are JSON, decoded into `Row`.
    pub fn json(export: impl Into<String>, params: impl Into<Vec<LeanWorkerType>>) -> Self {
        Self::with_decoder(export, params, |text| {
            serde_json::from_str(text).map_err(|e| e.to_string())
        })
    }
}

impl LeanWorkerStreamingCommand<String> {
    /// Rows are plain text.
    pub fn text(export: impl Into<String>, params: impl Into<Vec<LeanWorkerType>>) -> Self {
        Self::with_decoder(export, params, |text| Ok(text.to_owned()))
    }
}

impl<Row> LeanWorkerStreamingCommand<Row> {
    /// Rows decoded by `decode`.
    pub fn with_decoder(
        export: impl Into<String>,
        params: impl Into<Vec<LeanWorkerType>>,
        decode: Decode<Row>,
    ) -> Self {
        Self {
            export: export.into(),
            params: params.into(),
            decode,
        }
    }

    /// Runs the stream: rows reach `sink` live; `commit` is called only after the terminal
    /// success, `abort` on any failure (a row that does not decode, a panicking sink, a Lean
    /// exception, a timeout, a dead child, cancellation).
    pub fn run(
        &self,
        worker: &mut LeanWorker,
        capability: &LeanWorkerCapability,
        args: Vec<LeanWorkerValue>,
        sink: &mut dyn LeanWorkerRowSink<Row>,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<LeanWorkerStreamSummary> {
        self.run_observed(
            worker,
            capability,
            args,
            sink,
            LeanWorkerStreamObservers::new(),
            cancel,
        )
    }

    /// [`run`](Self::run) with diagnostics and progress sinks (see
    /// [`LeanWorker::stream_rows_observed`]). Diagnostics and progress are not tentative: they
    /// reach their sinks as they come, whether or not the rows are committed.
    pub fn run_observed(
        &self,
        worker: &mut LeanWorker,
        capability: &LeanWorkerCapability,
        args: Vec<LeanWorkerValue>,
        sink: &mut dyn LeanWorkerRowSink<Row>,
        observers: LeanWorkerStreamObservers<'_>,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<LeanWorkerStreamSummary> {
        let mut failure: Option<LeanWorkerError> = None;
        let decode = self.decode;
        let export = &self.export;
        let mut on_row = |sequence: u64, text: &str| -> LeanWorkerRowFlow {
            let row = match decode(text) {
                Ok(row) => row,
                Err(message) => {
                    failure = Some(LeanWorkerError::RowDecode {
                        export: export.clone(),
                        sequence,
                        message: bound(message),
                    });
                    return LeanWorkerRowFlow::Stop;
                }
            };
            match catch_unwind(AssertUnwindSafe(|| sink.row(sequence, row))) {
                Ok(flow) => flow,
                Err(payload) => {
                    let message = crate::error::panic_message(payload.as_ref());
                    failure = Some(LeanWorkerError::SinkPanic(message));
                    LeanWorkerRowFlow::Stop
                }
            }
        };
        let outcome = worker.stream_rows_observed(
            capability,
            &self.export,
            &self.params,
            args,
            &mut on_row,
            observers,
            cancel,
        );
        let outcome = match (failure, outcome) {
            // The sink's or decoder's failure is the cause of the cancellation that follows.
            (Some(err), _) => Err(err),
            (None, outcome) => outcome,
        };
        match outcome {
            Ok(summary) => {
                sink.commit(&summary);
                Ok(summary)
            }
            Err(err) => {
                sink.abort(&err);
                Err(err)
            }
        }
    }
}
