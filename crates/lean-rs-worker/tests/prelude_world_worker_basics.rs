//! Prelude world, worker: the real Lean runtime in the child, the natively built worker
//! fixture opened by manifest, typed calls and commands across the process boundary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use lean_rs_worker::{
    LeanWorkerError, LeanWorkerJsonCommand, LeanWorkerSignature, LeanWorkerType as T,
    LeanWorkerValue as V,
};

#[test]
fn prelude_world_worker_handshake_reports_the_real_runtime() {
    let (worker, capability) = common::fixture_worker(common::config());
    let meta = worker.runtime_metadata().unwrap();
    assert_eq!(meta.lean_version, "4.35.0");
    assert_eq!(meta.protocol, 2);
    assert_eq!(meta.instance.len(), 16);
    assert_eq!(capability.package, "lean-rs-worker-fixture");
    assert!(capability.exports > 5);
    drop(worker);
    common::assert_no_children_left();
}

fn text_command() -> LeanWorkerJsonCommand<String, String> {
    LeanWorkerJsonCommand::with_codec(
        "lean_rs_worker_command",
        |req: &String| Ok(req.clone()),
        |reply| Ok(reply.to_owned()),
    )
}

#[test]
fn prelude_world_worker_command_answers_and_raises() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let command = text_command();
    assert_eq!(
        command
            .run(&mut worker, &capability, &"ping".into())
            .unwrap(),
        "ok pong"
    );
    assert_eq!(
        command
            .run(&mut worker, &capability, &"echo hi α".into())
            .unwrap(),
        "ok hi α"
    );
    let err = command
        .run(&mut worker, &capability, &"fail boom".into())
        .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Lean { message, .. } if message.contains("boom")),
        "{err}"
    );
    // The child keeps serving after a Lean exception.
    assert_eq!(
        command
            .run(&mut worker, &capability, &"len abc".into())
            .unwrap(),
        "ok 3"
    );
    assert_eq!(worker.generation(), 1);
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Point {
    x: i64,
    y: i64,
}

#[test]
fn prelude_world_worker_json_command_over_downstream_serde_types() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    // The fixture's protocol frames JSON as `echo <json>` → `ok <json>`.
    let command: LeanWorkerJsonCommand<Point, Point> = LeanWorkerJsonCommand::with_codec(
        "lean_rs_worker_command",
        |p| {
            serde_json::to_string(p)
                .map(|json| format!("echo {json}"))
                .map_err(|e| e.to_string())
        },
        |reply| {
            let json = reply.strip_prefix("ok ").ok_or("no ok prefix")?;
            serde_json::from_str(json).map_err(|e| e.to_string())
        },
    );
    let back = command
        .run(&mut worker, &capability, &Point { x: 3, y: -4 })
        .unwrap();
    assert_eq!(back, Point { x: 3, y: -4 });
}

#[test]
fn prelude_world_worker_typed_calls_are_checked_against_the_manifest() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let spin = LeanWorkerSignature::pure([T::U64], T::U64);
    let V::U64(a) = worker
        .call(&capability, "lean_rs_worker_spin", &spin, vec![V::U64(3)])
        .unwrap()
    else {
        panic!()
    };
    let spin_io = LeanWorkerSignature::io([T::U64], T::U64);
    let b = worker
        .call(
            &capability,
            "lean_rs_worker_spin_io",
            &spin_io,
            vec![V::U64(3)],
        )
        .unwrap();
    assert_eq!(b, V::U64(a));
    // Nat as decimal text, beyond 64 bits.
    let deep = LeanWorkerSignature::pure([T::Nat], T::Nat);
    let n = worker
        .call(
            &capability,
            "lean_rs_worker_deep",
            &deep,
            vec![V::nat(1000u32)],
        )
        .unwrap();
    assert_eq!(n, V::Nat("1000".into()));
    let grow = worker
        .call(
            &capability,
            "lean_rs_worker_grow",
            &deep,
            vec![V::nat(50u32)],
        )
        .unwrap();
    assert_eq!(grow, V::Nat("50".into()));
    let command = LeanWorkerSignature::io([T::String], T::String);
    let reply = worker
        .call(
            &capability,
            "lean_rs_worker_command",
            &command,
            vec![V::string("bytes αβ")],
        )
        .unwrap();
    assert_eq!(reply, V::string("ok 4"));
    // A signature the manifest does not record is refused in the child, before any call.
    let wrong = LeanWorkerSignature::pure([T::String], T::U64);
    let err = worker
        .call(
            &capability,
            "lean_rs_worker_spin",
            &wrong,
            vec![V::string("x")],
        )
        .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Lean { code, .. } if code == "lean_rs.signature_mismatch"),
        "{err}"
    );
    let err = worker
        .call(&capability, "no_such_export", &spin, vec![V::U64(1)])
        .unwrap_err();
    assert!(matches!(&err, LeanWorkerError::Lean { .. }), "{err}");
    // Arguments that do not match the declared signature never leave the parent.
    let err = worker
        .call(&capability, "lean_rs_worker_spin", &spin, vec![V::U32(1)])
        .unwrap_err();
    assert!(matches!(err, LeanWorkerError::InvalidRequest(_)), "{err}");
    let err = worker
        .call(
            &capability,
            "lean_rs_worker_deep",
            &deep,
            vec![V::Nat("12a".into())],
        )
        .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Lean { code, .. } if code == "lean_rs_worker.invalid_request"),
        "{err}"
    );
    assert_eq!(worker.generation(), 1);
}

#[test]
fn prelude_world_worker_cycle_replaces_the_child_and_reopens_capabilities() {
    let (mut worker, capability) = common::fixture_worker(common::config());
    let first = worker.runtime_metadata().unwrap().instance.clone();
    worker.cycle("memory reset").unwrap();
    assert_ne!(worker.runtime_metadata().unwrap().instance, first);
    assert_eq!(worker.generation(), 2);
    let restart = worker.restarts().last().unwrap().clone();
    assert_eq!(
        restart.reason,
        lean_rs_worker::LeanWorkerRestartReason::Explicit("memory reset".into())
    );
    assert_eq!(
        text_command()
            .run(&mut worker, &capability, &"ping".into())
            .unwrap(),
        "ok pong"
    );
    drop(worker);
    common::assert_no_children_left();
}

#[test]
fn prelude_world_worker_the_default_child_is_found_and_shuts_down_cleanly() {
    // Tests run from target/<profile>/deps; the child is in target/<profile>.
    let launcher = lean_rs_worker::LeanWorkerLocalLauncher::default_child().unwrap();
    assert!(launcher.program().ends_with("lean-rs-worker-child"));
    let config = lean_rs_worker::LeanWorkerConfig::new(launcher);
    let (worker, _capability) = common::fixture_worker(config);
    let status = worker.shutdown(std::time::Duration::from_secs(5)).unwrap();
    assert_eq!(status.code, Some(0), "{status}");
    common::assert_no_children_left();
}
