//! Protocol chaos with a deliberately broken child (`lean-rs-worker-fault-child`, no Lean):
//! a hung start-up, garbage, a wrong version, truncated, oversized, out-of-order and stray
//! frames, and megabytes of stdout/stderr noise. Each is a typed error; nothing is left running.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use lean_rs_worker::{
    LeanWorker, LeanWorkerError, LeanWorkerSignature, LeanWorkerType as T, LeanWorkerValue as V,
};

fn call(mode: &str) -> Result<V, LeanWorkerError> {
    let mut worker = LeanWorker::spawn(common::fault_config(mode))?;
    let capability = worker.open_capability("/fault/manifest.json")?;
    let signature = LeanWorkerSignature::io([T::String], T::String);
    let result = worker.call(&capability, "anything", &signature, vec![V::string("x")]);
    drop(worker);
    common::assert_no_children_left();
    result
}

#[test]
fn a_hung_child_at_startup_is_a_startup_timeout() {
    let started = Instant::now();
    let err =
        LeanWorker::spawn(common::fault_config("hang").startup_timeout(Duration::from_millis(300)))
            .unwrap_err();
    assert!(matches!(err, LeanWorkerError::StartupTimeout(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3));
    common::assert_no_children_left();
}

#[test]
fn garbage_instead_of_a_handshake_is_a_protocol_violation() {
    let err = LeanWorker::spawn(common::fault_config("garbage")).unwrap_err();
    assert!(matches!(err, LeanWorkerError::Protocol(_)), "{err}");
    common::assert_no_children_left();
}

#[test]
fn another_protocol_version_is_refused_at_the_handshake() {
    let err = LeanWorker::spawn(common::fault_config("bad-version")).unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Handshake(m) if m.contains("protocol")),
        "{err}"
    );
    common::assert_no_children_left();
}

#[test]
fn a_truncated_frame_is_a_fatal_exit() {
    let err = call("truncated").unwrap_err();
    assert!(err.fatal().is_some(), "{err}");
}

#[test]
fn an_oversized_frame_is_refused_before_allocation() {
    let err = call("oversized").unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Protocol(m) if m.contains("length")),
        "{err}"
    );
}

#[test]
fn a_reply_for_another_request_is_a_protocol_violation() {
    let err = call("out-of-order").unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Protocol(m) if m.contains("request")),
        "{err}"
    );
}

#[test]
fn a_row_answering_a_call_is_a_protocol_violation() {
    let err = call("stray-row").unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Protocol(m) if m.contains("row")),
        "{err}"
    );
}

#[test]
fn stdout_and_stderr_noise_cannot_corrupt_the_protocol() {
    let mut worker = LeanWorker::spawn(common::fault_config("noisy")).unwrap();
    let capability = worker.open_capability("/fault/manifest.json").unwrap();
    let signature = LeanWorkerSignature::io([T::String], T::String);
    for _ in 0..3 {
        let value = worker
            .call(&capability, "anything", &signature, vec![V::string("x")])
            .unwrap();
        assert_eq!(value, V::string("noise-ok"));
    }
    assert!(worker.stderr_tail().len() <= 16 * 1024);
}

#[test]
fn a_missing_child_binary_is_a_spawn_error() {
    let config = lean_rs_worker::LeanWorkerConfig::new(
        lean_rs_worker::LeanWorkerLocalLauncher::new("/nonexistent/lean-rs-worker-child"),
    );
    let err = LeanWorker::spawn(config).unwrap_err();
    assert!(matches!(err, LeanWorkerError::Spawn(_)), "{err}");
}
