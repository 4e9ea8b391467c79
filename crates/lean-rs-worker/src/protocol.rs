//! The private worker protocol: length-prefixed frames on two dedicated pipes.
//!
//! A frame is `len: u32 LE` (the bytes that follow, at least [`FRAME_HEAD`]), `kind: u8`,
//! `request: u64 LE`, then `len - 9` payload bytes. Control payloads are JSON; row payloads are
//! the row's UTF-8 text as-is (the hot path decodes no JSON envelope). The reader refuses a
//! length above the negotiated maximum before allocating, an unknown kind, a short read inside
//! a frame, and (in the callers) a frame that does not fit the conversation so far.
//!
//! Nothing here is public API: the frame layout and message set may change with
//! [`PROTOCOL_VERSION`], which both sides compare during the handshake.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

use crate::session::{
    LeanWorkerElabOptions, LeanWorkerElabResult, LeanWorkerKernelResult, LeanWorkerSessionConfig,
};
use crate::value::{LeanWorkerType, LeanWorkerValue};

/// Bumped whenever a frame layout or message changes meaning.
pub(crate) const PROTOCOL_VERSION: u32 = 2;

/// The handshake's magic string: a peer that is not a lean-rs worker child fails here.
pub(crate) const MAGIC: &str = "lean-rs-worker";

/// `kind` + `request` bytes after the length prefix.
pub(crate) const FRAME_HEAD: usize = 9;

/// Default (and upper bound for) the largest frame either side accepts: 16 MiB.
pub const DEFAULT_MAX_FRAME_BYTES: u32 = 16 * 1024 * 1024;

/// The smallest maximum a configuration may set; handshakes and errors must fit.
pub(crate) const MIN_MAX_FRAME_BYTES: u32 = 4096;

/// Environment variables the parent sets for the child.
pub(crate) const ENV_FDS: &str = "LEAN_RS_WORKER_FDS";
pub(crate) const ENV_NONCE: &str = "LEAN_RS_WORKER_NONCE";
pub(crate) const ENV_MAX_FRAME: &str = "LEAN_RS_WORKER_MAX_FRAME";

/// What a frame carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum FrameKind {
    /// child → parent, once, first: [`Handshake`].
    Handshake = 1,
    /// parent → child: [`Request`].
    Request = 2,
    /// child → parent: [`Reply`], the terminal success of a request.
    Reply = 3,
    /// child → parent: one row of a stream (UTF-8 text).
    Row = 4,
    /// child → parent: [`Failure`], the terminal failure of a request.
    Failure = 5,
    /// parent → child: stop the stream of `request` at the next row boundary (empty payload).
    Cancel = 6,
    /// child → parent: a diagnostic of a stream (`DiagnosticFrame`).
    Diagnostic = 7,
    /// child → parent: a progress event of a stream (`ProgressFrame`).
    Progress = 8,
}

impl FrameKind {
    fn from_u8(byte: u8) -> Option<Self> {
        Some(match byte {
            1 => Self::Handshake,
            2 => Self::Request,
            3 => Self::Reply,
            4 => Self::Row,
            5 => Self::Failure,
            6 => Self::Cancel,
            7 => Self::Diagnostic,
            8 => Self::Progress,
            _ => return None,
        })
    }
}

/// One decoded frame.
#[derive(Debug)]
pub(crate) struct Frame {
    pub kind: FrameKind,
    pub request: u64,
    pub payload: Vec<u8>,
}

/// Why a frame could not be read.
#[derive(Debug)]
pub(crate) enum FrameError {
    /// The peer closed the pipe between frames.
    Eof,
    /// The peer closed the pipe inside a frame.
    Truncated { expected: usize, got: usize },
    /// The length prefix is larger than the maximum, or too small to hold the head.
    BadLength { length: u64, max: u32 },
    /// An unknown kind byte.
    UnknownKind(u8),
    /// Reading failed.
    Io(io::Error),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Eof => write!(f, "end of stream"),
            Self::Truncated { expected, got } => {
                write!(f, "truncated frame: {got} of {expected} bytes")
            }
            Self::BadLength { length, max } => {
                write!(f, "frame length {length} outside 9..={max}")
            }
            Self::UnknownKind(kind) => write!(f, "unknown frame kind {kind}"),
            Self::Io(err) => write!(f, "read failed: {err}"),
        }
    }
}

/// Reads exactly `buf.len()` bytes; `Ok(n < len)` only at end of stream.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

/// Reads one frame, refusing lengths above `max` before allocating.
pub(crate) fn read_frame(reader: &mut impl Read, max: u32) -> Result<Frame, FrameError> {
    let mut len = [0u8; 4];
    match read_full(reader, &mut len).map_err(FrameError::Io)? {
        0 => return Err(FrameError::Eof),
        4 => {}
        got => return Err(FrameError::Truncated { expected: 4, got }),
    }
    let length = u32::from_le_bytes(len);
    if (length as usize) < FRAME_HEAD || length > max {
        return Err(FrameError::BadLength {
            length: u64::from(length),
            max,
        });
    }
    let mut head = [0u8; FRAME_HEAD];
    let got = read_full(reader, &mut head).map_err(FrameError::Io)?;
    if got < FRAME_HEAD {
        return Err(FrameError::Truncated {
            expected: length as usize,
            got,
        });
    }
    let kind = FrameKind::from_u8(head[0]).ok_or(FrameError::UnknownKind(head[0]))?;
    let mut id = [0u8; 8];
    id.copy_from_slice(&head[1..]);
    let mut payload = vec![0u8; length as usize - FRAME_HEAD];
    let got = read_full(reader, &mut payload).map_err(FrameError::Io)?;
    if got < payload.len() {
        return Err(FrameError::Truncated {
            expected: length as usize,
            got: FRAME_HEAD + got,
        });
    }
    Ok(Frame {
        kind,
        request: u64::from_le_bytes(id),
        payload,
    })
}

/// The encoded head of a frame with `payload_len` payload bytes, or `None` when it would exceed
/// `max`.
pub(crate) fn frame_head(
    kind: FrameKind,
    request: u64,
    payload_len: usize,
    max: u32,
) -> Option<[u8; 4 + FRAME_HEAD]> {
    let length = payload_len.checked_add(FRAME_HEAD)?;
    let length = u32::try_from(length).ok().filter(|l| *l <= max)?;
    let mut head = [0u8; 4 + FRAME_HEAD];
    head[..4].copy_from_slice(&length.to_le_bytes());
    head[4] = kind as u8;
    head[5..].copy_from_slice(&request.to_le_bytes());
    Some(head)
}

/// Writes one frame (not flushed).
pub(crate) fn write_frame(
    writer: &mut impl Write,
    kind: FrameKind,
    request: u64,
    payload: &[u8],
    max: u32,
) -> io::Result<()> {
    let head = frame_head(kind, request, payload.len(), max).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("frame of {} payload bytes exceeds {max}", payload.len()),
        )
    })?;
    writer.write_all(&head)?;
    writer.write_all(payload)
}

/// Writes one JSON-payload frame (not flushed).
pub(crate) fn write_json<T: Serialize>(
    writer: &mut impl Write,
    kind: FrameKind,
    request: u64,
    message: &T,
    max: u32,
) -> io::Result<()> {
    let payload = serde_json::to_vec(message).map_err(io::Error::other)?;
    write_frame(writer, kind, request, &payload, max)
}

/// The child's first frame.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Handshake {
    pub magic: String,
    pub protocol: u32,
    /// The parent's nonce for this start, echoed back (identifies the instance without a pid).
    pub instance: String,
    /// The `lean-rs-worker` version the child was built from.
    pub worker_version: String,
    pub lean_version: String,
    pub lean_commit: Option<String>,
    pub platform: String,
    pub max_frame: u32,
    /// How long `LeanRuntime::init` took in the child, in microseconds.
    pub lean_init_us: u64,
}

/// Parent → child requests.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Request {
    /// Open a capability from its build manifest.
    Open { manifest: String },
    /// Call an export with typed arguments.
    Call {
        capability: u32,
        export: String,
        params: Vec<LeanWorkerType>,
        result: LeanWorkerType,
        io: bool,
        args: Vec<LeanWorkerValue>,
    },
    /// Run a streaming export `(handle trampoline : USize) args… : IO UInt8`.
    Stream {
        capability: u32,
        export: String,
        params: Vec<LeanWorkerType>,
        args: Vec<LeanWorkerValue>,
        /// Write the sync marker to stdout and stderr before the terminal frame, so the parent
        /// can deliver every output line of the stream before its summary.
        sync_output: bool,
    },
    /// Open a host session (closing the child's previous one). With `progress`, the child
    /// sends the import's progress frames before the reply.
    SessionOpen {
        config: LeanWorkerSessionConfig,
        progress: bool,
    },
    /// One operation on the open session (`progress` as for `SessionOpen`).
    Session {
        session: u64,
        operation: SessionOp,
        progress: bool,
    },
}

/// One operation on an open worker session.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum SessionOp {
    DeclarationKinds {
        names: Vec<String>,
    },
    DeclarationNames,
    Elaborate {
        source: String,
        options: LeanWorkerElabOptions,
    },
    KernelCheck {
        source: String,
        options: LeanWorkerElabOptions,
    },
}

/// What a session operation answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum SessionValue {
    Strings(Vec<String>),
    Elab(LeanWorkerElabResult),
    Kernel(LeanWorkerKernelResult),
}

/// Child → parent terminal success.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Reply {
    Opened {
        capability: u32,
        package: String,
        module: String,
        exports: usize,
    },
    Value {
        value: LeanWorkerValue,
    },
    SessionOpened {
        session: u64,
    },
    Session {
        value: SessionValue,
    },
    StreamDone {
        rows: u64,
        /// Diagnostic frames sent.
        diagnostics: u64,
        /// Progress frames sent (after coalescing).
        progress: u64,
        cancelled: bool,
        status: u8,
    },
}

/// Child → parent terminal failure of one request (the child keeps serving).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Failure {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_bad_input_is_refused() {
        let mut buf = Vec::new();
        write_frame(&mut buf, FrameKind::Row, 7, b"row 1", 64).unwrap();
        let frame = read_frame(&mut buf.as_slice(), 64).unwrap();
        assert_eq!((frame.kind, frame.request), (FrameKind::Row, 7));
        assert_eq!(frame.payload, b"row 1");
        assert!(matches!(
            read_frame(&mut &buf[..6], 64),
            Err(FrameError::Truncated { .. })
        ));
        assert!(matches!(
            read_frame(&mut buf.as_slice(), 10),
            Err(FrameError::BadLength { .. })
        ));
        assert!(write_frame(&mut Vec::new(), FrameKind::Row, 1, &[0; 100], 64).is_err());
        let mut bad = buf.clone();
        bad[4] = 99;
        assert!(matches!(
            read_frame(&mut bad.as_slice(), 64),
            Err(FrameError::UnknownKind(99))
        ));
        assert!(matches!(read_frame(&mut &[][..], 64), Err(FrameError::Eof)));
        let huge = u32::MAX.to_le_bytes();
        assert!(matches!(
            read_frame(&mut &huge[..], DEFAULT_MAX_FRAME_BYTES),
            Err(FrameError::BadLength { .. })
        ));
    }
}
