//! A deliberately broken worker child for the protocol chaos tests. No Lean: it speaks (or
//! breaks) the frame protocol as `LEAN_RS_WORKER_FAULT` says.
//!
//! Modes: `hang` (never sends a handshake), `garbage` (random bytes instead of a handshake),
//! `bad-version` (a handshake with another protocol version), `truncated` (half a reply frame,
//! then exit), `oversized` (a reply whose length prefix exceeds the maximum), `out-of-order` (a
//! reply for another request id), `stray-row` (a row frame answering a call), `noisy`
//! (megabytes of noise on stdout and stderr, then a correct `String` reply).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use crate::protocol::{
    self, ENV_FDS, ENV_NONCE, FrameKind, Handshake, MAGIC, PROTOCOL_VERSION, Reply, Request,
};
use crate::value::LeanWorkerValue;

const MAX: u32 = protocol::DEFAULT_MAX_FRAME_BYTES;

#[doc(hidden)]
#[allow(clippy::too_many_lines)] // one match arm per fault
pub fn run_fault_child() -> ExitCode {
    let mode = std::env::var("LEAN_RS_WORKER_FAULT").unwrap_or_default();
    let Some((mut input, mut output)) = std::env::var(ENV_FDS).ok().and_then(|spec| {
        let (r, w) = spec.split_once(',')?;
        let r = crate::child::adopt_fd(r.parse().ok()?).ok()?;
        let w = crate::child::adopt_fd(w.parse().ok()?).ok()?;
        Some((r, w))
    }) else {
        eprintln!("fault child: no protocol descriptors");
        return ExitCode::from(2);
    };
    let handshake = Handshake {
        magic: MAGIC.into(),
        protocol: if mode == "bad-version" {
            PROTOCOL_VERSION + 1
        } else {
            PROTOCOL_VERSION
        },
        instance: std::env::var(ENV_NONCE).unwrap_or_default(),
        worker_version: "fault".into(),
        lean_version: "none".into(),
        lean_commit: None,
        platform: "test".into(),
        max_frame: MAX,
        lean_init_us: 0,
    };
    match mode.as_str() {
        "hang" => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
        "garbage" => {
            let _ = output.write_all(&[
                0x7f, 0x45, 0x4c, 0x46, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9,
            ]);
            let _ = output.flush();
            std::thread::sleep(Duration::from_secs(3600));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    if protocol::write_json(&mut output, FrameKind::Handshake, 0, &handshake, MAX)
        .and_then(|()| output.flush())
        .is_err()
    {
        return ExitCode::from(4);
    }
    loop {
        let Ok(frame) = protocol::read_frame(&mut input, MAX) else {
            return ExitCode::SUCCESS;
        };
        if frame.kind != FrameKind::Request {
            continue;
        }
        let id = frame.request;
        if let Ok(Request::Open { .. }) = serde_json::from_slice::<Request>(&frame.payload) {
            let opened = Reply::Opened {
                capability: 0,
                package: "fault".into(),
                module: "Fault".into(),
                exports: 0,
            };
            if protocol::write_json(&mut output, FrameKind::Reply, id, &opened, MAX)
                .and_then(|()| output.flush())
                .is_err()
            {
                return ExitCode::from(4);
            }
            continue;
        }
        let reply = Reply::Value {
            value: LeanWorkerValue::String("noise-ok".into()),
        };
        let written = match mode.as_str() {
            "truncated" => {
                let mut whole = Vec::new();
                let _ = protocol::write_json(&mut whole, FrameKind::Reply, id, &reply, MAX);
                let _ = output.write_all(&whole[..whole.len() / 2]);
                let _ = output.flush();
                return ExitCode::SUCCESS;
            }
            "oversized" => output
                .write_all(&(MAX + 1).to_le_bytes())
                .and_then(|()| output.write_all(&[3; 64])),
            "out-of-order" => {
                protocol::write_json(&mut output, FrameKind::Reply, id + 1000, &reply, MAX)
            }
            "stray-row" => protocol::write_frame(&mut output, FrameKind::Row, id, b"row", MAX),
            "noisy" => {
                let noise = vec![b'#'; 1 << 20];
                for _ in 0..4 {
                    let _ = std::io::stdout().write_all(&noise);
                    let _ = std::io::stderr().write_all(&noise);
                }
                let _ = std::io::stdout().flush();
                protocol::write_json(&mut output, FrameKind::Reply, id, &reply, MAX)
            }
            _ => protocol::write_json(&mut output, FrameKind::Reply, id, &reply, MAX),
        };
        if written.and_then(|()| output.flush()).is_err() {
            return ExitCode::from(4);
        }
    }
}
