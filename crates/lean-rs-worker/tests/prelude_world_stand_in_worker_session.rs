//! Prelude world, through the STAND-IN host shim library (lean-rs-host's C stand-in over
//! libleanshared, see docs/architecture/host.md): the worker session adapter. The child hosts a
//! lean-rs-host `LeanSession` over the natively built `LeanRsDecls` oleans; the parent gets
//! copied kinds, names, expressions, diagnostics and kernel evidence, and a session does not
//! outlive its child.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use lean_rs_worker::{
    LeanWorker, LeanWorkerElabOptions, LeanWorkerElabResult, LeanWorkerError,
    LeanWorkerEvidenceStatus, LeanWorkerKernelResult, LeanWorkerSessionConfig, LeanWorkerSeverity,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn olean_dir(package: &str, lib: &str) -> PathBuf {
    lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        package,
        lib,
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .parent()
    .unwrap()
    .join("olean")
}

fn session_config() -> LeanWorkerSessionConfig {
    session_importing(&["LeanRsDecls"])
}

/// A session of the declarations fixture over the stand-in shims, importing `imports`.
fn session_importing(imports: &[&str]) -> LeanWorkerSessionConfig {
    let stand_in =
        lean_rs_host::__stand_in::build_library(&[], Path::new(env!("CARGO_TARGET_TMPDIR")))
            .unwrap_or_else(|e| panic!("{e}"));
    LeanWorkerSessionConfig::new(
        repo().join("fixtures/prelude-world/decls"),
        imports.iter().copied(),
    )
    .shim_library(stand_in)
    .search_path(olean_dir("lean-rs-prelude", "LeanRsPrelude"))
    .search_path(olean_dir("lean-rs-decls", "LeanRsDecls"))
}

fn snippet(name: &str) -> String {
    std::fs::read_to_string(
        repo()
            .join("fixtures/prelude-world/decls/snippets")
            .join(name),
    )
    .unwrap()
}

#[test]
fn prelude_world_stand_in_worker_session_answers_with_copied_values() {
    let mut worker = LeanWorker::spawn(common::config()).unwrap();
    let mut session = worker.open_session(&session_config()).unwrap();

    let kinds = session
        .declaration_kinds(&[
            "LeanRsDecls.double",
            "LeanRsDecls.double_two",
            "LeanRsDecls.Color",
            "LeanRsDecls.nowhere",
        ])
        .unwrap();
    assert_eq!(kinds, ["definition", "theorem", "inductive", "missing"]);
    let names = session.declaration_names().unwrap();
    assert!(
        names.iter().any(|n| n == "LeanRsDecls.double"),
        "{} names",
        names.len()
    );
    assert!(names.iter().any(|n| n == "LeanRsDecls.Color.rec"));

    let options = LeanWorkerElabOptions {
        file_label: Some("<term>".into()),
        ..LeanWorkerElabOptions::default()
    };
    let LeanWorkerElabResult::Elaborated { expression } =
        session.elaborate("LeanRsDecls.double 2", &options).unwrap()
    else {
        panic!("did not elaborate");
    };
    assert!(
        expression.starts_with("LeanRsDecls.double (OfNat.ofNat"),
        "{expression}"
    );
    let LeanWorkerElabResult::Failed(failure) = session
        .elaborate("LeanRsDecls.double LeanRsDecls.Color.red", &options)
        .unwrap()
    else {
        panic!("an ill-typed term elaborated");
    };
    let d = &failure.diagnostics[0];
    assert_eq!(d.severity, LeanWorkerSeverity::Error);
    assert_eq!(d.file_label.as_deref(), Some("<term>"));
    assert_eq!(d.position.unwrap().line, 1, "{d:?}");

    let snippet_options = LeanWorkerElabOptions::default();
    let good = session
        .kernel_check(&snippet("good_theorem.txt"), &snippet_options)
        .unwrap();
    let LeanWorkerKernelResult::Checked(evidence) = good else {
        panic!("{good:?}");
    };
    assert_eq!(evidence.status, LeanWorkerEvidenceStatus::Checked);
    assert_eq!(
        (evidence.declared_name.as_str(), evidence.kind.as_str()),
        ("snippet_and_comm", "theorem")
    );
    assert!(!evidence.type_signature.is_empty());
    let sorry = session
        .kernel_check(&snippet("sorry.txt"), &snippet_options)
        .unwrap();
    assert!(
        matches!(&sorry, LeanWorkerKernelResult::Checked(e) if e.status == LeanWorkerEvidenceStatus::UsesSorry),
        "{sorry:?}"
    );
    let wrong = session
        .kernel_check(&snippet("wrong_proof.txt"), &snippet_options)
        .unwrap();
    let LeanWorkerKernelResult::ElabFailed(failure) = wrong else {
        panic!("{wrong:?}");
    };
    assert!(
        failure.diagnostics[0].message.contains("Type mismatch"),
        "{failure:?}"
    );
    assert_eq!(worker.generation(), 1);
}

#[test]
fn prelude_world_stand_in_worker_session_a_missing_module_is_leans_error_and_the_child_serves() {
    let mut worker = LeanWorker::spawn(common::config()).unwrap();
    let err = worker
        .open_session(&session_importing(&["LeanRsDecls.Nowhere"]))
        .unwrap_err();
    let LeanWorkerError::Lean { message, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("LeanRsDecls.Nowhere"), "{message}");
    let mut session = worker.open_session(&session_config()).unwrap();
    assert_eq!(
        session.declaration_kinds(&["LeanRsDecls.double"]).unwrap(),
        ["definition"]
    );
    assert_eq!(worker.generation(), 1);
}

#[test]
fn prelude_world_stand_in_worker_session_ends_with_its_child() {
    let mut worker = LeanWorker::spawn(common::config()).unwrap();
    let config = session_config();
    let mut session = worker.open_session(&config).unwrap();
    assert_eq!(
        session.declaration_kinds(&["LeanRsDecls.double"]).unwrap(),
        ["definition"]
    );
    assert_eq!(common::kill_children(), 1);
    let err = session
        .declaration_kinds(&["LeanRsDecls.double"])
        .unwrap_err();
    assert!(err.fatal().is_some(), "the child's death: {err:?}");
    let err = session
        .declaration_kinds(&["LeanRsDecls.double"])
        .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::InvalidRequest(m) if m.contains("open a new one")),
        "{err:?}"
    );
    // A new session in the replacement child answers again.
    let mut session = worker.open_session(&config).unwrap();
    assert_eq!(
        session.declaration_kinds(&["LeanRsDecls.double"]).unwrap(),
        ["definition"]
    );
    assert_eq!(worker.generation(), 2);
    drop(worker);
    common::assert_no_children_left();
}

#[test]
fn prelude_world_stand_in_worker_session_keys_feed_the_pool() {
    use lean_rs_worker::{LeanWorkerPool, LeanWorkerPoolConfig, LeanWorkerSessionKey};
    let pool = LeanWorkerPool::new(LeanWorkerPoolConfig::new(common::config(), 1));
    let key = LeanWorkerSessionKey::new(Vec::<PathBuf>::new()).with_host_session(session_config());
    for _ in 0..3 {
        let mut lease = pool.lease(&key).unwrap();
        let mut session = lease.session().unwrap();
        assert_eq!(
            session.declaration_kinds(&["LeanRsDecls.double"]).unwrap(),
            ["definition"]
        );
    }
    let snapshot = pool.snapshot();
    assert_eq!(
        (snapshot.started, snapshot.sessions_opened),
        (1, 1),
        "one child, one import, three leases: {snapshot:?}"
    );

    // Another session opened on the leased worker closes the key's; the lease reopens it.
    {
        let mut lease = pool.lease(&key).unwrap();
        let mut other = lease.worker().open_session(&session_config()).unwrap();
        assert_eq!(
            other
                .declaration_kinds(&["LeanRsDecls.double_two"])
                .unwrap(),
            ["theorem"]
        );
        let mut session = lease.session().unwrap();
        assert_eq!(
            session.declaration_kinds(&["LeanRsDecls.Color"]).unwrap(),
            ["inductive"]
        );
    }
    assert_eq!(pool.snapshot().sessions_opened, 2);

    // A child that dies during a lease is dropped; the next lease starts and imports anew.
    {
        let mut lease = pool.lease(&key).unwrap();
        assert_eq!(common::kill_children(), 1);
        let err = lease
            .session()
            .unwrap()
            .declaration_kinds(&["LeanRsDecls.double"])
            .unwrap_err();
        assert!(err.fatal().is_some(), "{err:?}");
    }
    let mut lease = pool.lease(&key).unwrap();
    let mut session = lease.session().unwrap();
    assert_eq!(
        session.declaration_kinds(&["LeanRsDecls.double"]).unwrap(),
        ["definition"]
    );
    drop(lease);
    let snapshot = pool.snapshot();
    assert_eq!(
        (
            snapshot.started,
            snapshot.sessions_opened,
            snapshot.failures
        ),
        (2, 3, 1)
    );

    // A key without a host session has none to hand out.
    let plain = LeanWorkerSessionKey::new(Vec::<PathBuf>::new());
    let mut lease = pool.lease(&plain).unwrap();
    assert!(matches!(
        lease.session(),
        Err(LeanWorkerError::InvalidRequest(_))
    ));
    drop(lease);
    drop(pool);
    common::assert_no_children_left();
}

#[test]
fn prelude_world_stand_in_worker_session_reports_progress_and_cancels_by_replacing_the_child() {
    use lean_rs_worker::{
        LeanWorkerCancellationToken, LeanWorkerProgressEvent, LeanWorkerRestartReason,
    };
    let mut worker = LeanWorker::spawn(common::config()).unwrap();
    // A token cancelled before the request: nothing is sent, nothing is replaced.
    let cancelled = LeanWorkerCancellationToken::new();
    cancelled.cancel();
    let err = worker
        .open_session_observed(&session_config(), None, Some(&cancelled))
        .unwrap_err();
    assert_eq!(err, LeanWorkerError::Cancelled);
    assert!(worker.is_alive());

    let mut imports = Vec::<LeanWorkerProgressEvent>::new();
    let mut on_import = |e: &LeanWorkerProgressEvent| imports.push(e.clone());
    worker
        .open_session_observed(&session_config(), Some(&mut on_import), None)
        .unwrap();
    assert!(!imports.is_empty(), "the import reports progress");
    assert!(
        imports.iter().all(|e| e.phase == "session_import"),
        "{imports:?}"
    );

    let names: Vec<String> = (0..40).map(|i| format!("LeanRsDecls.nowhere{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut events = Vec::<LeanWorkerProgressEvent>::new();
    let mut on_progress = |e: &LeanWorkerProgressEvent| events.push(e.clone());
    let mut session = worker
        .open_session(&session_config())
        .unwrap()
        .with_progress(&mut on_progress);
    assert_eq!(
        session.declaration_kinds(&names).unwrap(),
        vec!["missing"; 40]
    );
    let last = events.last().expect("the bulk query reports progress");
    assert_eq!((last.current, last.total), (40, Some(40)), "{events:?}");
    assert!(events.windows(2).all(|w| w[0].current < w[1].current));
    assert_eq!(worker.generation(), 1);

    // Cancelled during a request (here by its own progress sink): the child is replaced and
    // the session is gone.
    let token = LeanWorkerCancellationToken::new();
    let mut cancel_on_progress = |_: &LeanWorkerProgressEvent| token.cancel();
    let mut session = worker
        .open_session(&session_config())
        .unwrap()
        .with_progress(&mut cancel_on_progress)
        .with_cancellation(&token);
    assert_eq!(
        session.declaration_kinds(&names).unwrap_err(),
        LeanWorkerError::Cancelled
    );
    assert!(matches!(
        session.declaration_kinds(&names),
        Err(LeanWorkerError::InvalidRequest(_))
    ));
    let mut session = worker.open_session(&session_config()).unwrap();
    assert_eq!(
        session.declaration_kinds(&["LeanRsDecls.double"]).unwrap(),
        ["definition"]
    );
    assert_eq!(worker.generation(), 2);
    assert_eq!(
        worker.restarts().last().map(|r| r.reason.clone()),
        Some(LeanWorkerRestartReason::Cancelled)
    );
}
