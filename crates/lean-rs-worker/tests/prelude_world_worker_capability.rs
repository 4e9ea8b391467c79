//! Prelude world, the capability builder: a worker opened with the natively built worker
//! fixture after every bootstrap check; the fixture's metadata and doctor exports decoded into
//! their envelopes (the doctor's answer depends on the request, computed in Lean); the restart
//! policy; and each bootstrap failure as its typed code before the first request — missing or
//! stale artifacts, a missing export, a signature mismatch, an unusable child, a child that does
//! not speak the protocol, a metadata mismatch, an export that answers no envelope.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use lean_rs::LeanLoaderCode;
use lean_rs_worker::{
    LeanWorkerBootstrapCheck, LeanWorkerBootstrapCode as Code, LeanWorkerBootstrapReport,
    LeanWorkerCapabilityBuilder, LeanWorkerCapabilitySpec, LeanWorkerError, LeanWorkerHealth,
    LeanWorkerImportPlanner, LeanWorkerJsonCommand, LeanWorkerMetadataExpectation,
    LeanWorkerRestartPolicy, LeanWorkerSignature, LeanWorkerType as T, LeanWorkerValue as V,
};

fn child() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_lean-rs-worker-child"))
}

fn builder(manifest: impl Into<PathBuf>) -> LeanWorkerCapabilityBuilder {
    LeanWorkerCapabilityBuilder::from_manifest(manifest)
        .worker_child(child())
        .startup_timeout(Duration::from_secs(20))
        .request_timeout(Duration::from_secs(20))
}

fn codes(report: &LeanWorkerBootstrapReport) -> Vec<Code> {
    report
        .errors()
        .iter()
        .map(LeanWorkerBootstrapCheck::code)
        .collect()
}

fn command() -> LeanWorkerJsonCommand<String, String> {
    LeanWorkerJsonCommand::with_codec(
        "lean_rs_worker_command",
        |req| Ok(req.clone()),
        |reply| Ok(reply.to_owned()),
    )
}

#[test]
fn prelude_world_capability_builder_opens_with_metadata_and_doctor() {
    let mut opened = builder(common::manifest())
        .require_export(
            "lean_rs_worker_command",
            LeanWorkerSignature::io([T::String], T::String),
        )
        .require_export(
            "lean_rs_worker_spin",
            LeanWorkerSignature::pure([T::U64], T::U64),
        )
        .expect_metadata(LeanWorkerMetadataExpectation::new(
            "lean_rs_worker_metadata",
            serde_json::json!({"name": "lean-rs-worker-fixture", "protocol": 1}),
        ))
        .doctor_export("lean_rs_worker_doctor")
        .open()
        .unwrap_or_else(|e| panic!("{e}"));
    let report = opened.bootstrap_report();
    assert!(report.is_ok());
    let metadata = report.metadata().unwrap();
    assert_eq!(metadata.name, "lean-rs-worker-fixture");
    assert_eq!(metadata.version, "0.1.0");
    assert_eq!(metadata.metadata_protocol, 1);
    assert!(metadata.worker_protocol >= 2, "{metadata:?}");
    assert_eq!(metadata.lean_version, "4.35.0");
    assert!(
        metadata
            .commands
            .contains(&"lean_rs_worker_command".to_owned())
    );
    assert_eq!(metadata.features, ["text-commands", "rows"]);
    // The doctor ran in Lean on the request `{}` (two characters).
    let doctor = report.doctor().unwrap();
    assert_eq!(doctor.status(), LeanWorkerHealth::Warning);
    assert_eq!(doctor.checks.len(), 2);
    assert_eq!(doctor.checks[1].message, "request of 2 characters");
    assert_eq!(
        report
            .warnings()
            .iter()
            .map(LeanWorkerBootstrapCheck::code)
            .collect::<Vec<_>>(),
        [Code::CapabilityHealth]
    );
    let json = report.to_json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["metadata"]["name"], "lean-rs-worker-fixture");
    assert_eq!(json["runtime"]["lean_version"], "4.35.0");
    assert_eq!(json["doctor"]["checks"][0]["status"], "ok");

    assert_eq!(
        opened.run_json(&command(), &"ping".to_owned()).unwrap(),
        "ok pong"
    );
    assert_eq!(opened.metadata().unwrap().name, "lean-rs-worker-fixture");
    assert_eq!(opened.doctor().unwrap().checks[0].name, "runtime");
    drop(opened);
    common::assert_no_children_left();
}

#[test]
fn prelude_world_capability_builder_follows_its_restart_policy() {
    let mut opened = builder(common::manifest())
        .restart_policy(LeanWorkerRestartPolicy::new().max_requests(2))
        .open()
        .unwrap_or_else(|e| panic!("{e}"));
    let signature = LeanWorkerSignature::pure([T::U64], T::U64);
    let spin = |opened: &mut lean_rs_worker::LeanWorkerCapabilityWorker| {
        let answer = opened
            .call("lean_rs_worker_spin", &signature, vec![V::U64(0)])
            .unwrap();
        assert_eq!(answer, V::U64(1));
        opened.worker().generation()
    };
    let generations: Vec<u64> = (0..5).map(|_| spin(&mut opened)).collect();
    assert_eq!(generations, [1, 1, 2, 2, 3]);
    // A cycle outside the policy starts a fresh count.
    opened.worker().cycle("by hand").unwrap();
    assert_eq!([spin(&mut opened), spin(&mut opened)], [4, 4]);
    // The policy replaces the child before a request that then times out; the request after
    // the timeout starts a child (not counted as a policy restart) with a fresh count.
    opened
        .worker()
        .set_request_timeout(Duration::from_millis(300));
    let timed_out = opened.call("lean_rs_worker_spin", &signature, vec![V::U64(u64::MAX)]);
    assert!(
        matches!(timed_out, Err(LeanWorkerError::Timeout { .. })),
        "{timed_out:?}"
    );
    opened.worker().set_request_timeout(Duration::from_secs(20));
    let after: Vec<u64> = (0..3).map(|_| spin(&mut opened)).collect();
    assert_eq!(after, [6, 6, 7]);
    let reasons: Vec<String> = opened
        .worker()
        .restarts()
        .map(|r| r.reason.to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "policy: served 2 requests",
            "policy: served 2 requests",
            "explicit cycle: by hand",
            "policy: served 2 requests",
            "request timeout",
            "policy: served 2 requests",
        ]
    );
    drop(opened);
    common::assert_no_children_left();
}

/// A copy of the fixture manifest in `dir`, edited by `edit`.
fn edited_manifest(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut json: serde_json::Value =
        serde_json::from_slice(&fs::read(common::manifest()).unwrap()).unwrap();
    edit(&mut json);
    let path = dir.join("LeanRsWorkerFixture.capability.json");
    fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    path
}

#[test]
fn prelude_world_capability_builder_refuses_bad_artifacts_before_any_child() {
    let dir = tempfile::tempdir().unwrap();
    // No manifest at all.
    let report = builder(dir.path().join("absent.capability.json")).check();
    assert_eq!(
        codes(&report),
        [Code::CapabilityPreflight(LeanLoaderCode::MissingManifest)]
    );
    assert!(report.runtime().is_none(), "no child may start");
    assert_eq!(
        report.first_error().unwrap().code().as_str(),
        "lean_rs.loader.missing_manifest"
    );

    // The primary dylib is gone.
    let missing = edited_manifest(dir.path(), |m| {
        m["dylib"] = serde_json::json!("/nonexistent/libfixture.so");
    });
    let report = builder(&missing).check();
    assert!(
        codes(&report).contains(&Code::CapabilityPreflight(
            LeanLoaderCode::MissingPrimaryDylib
        )),
        "{:?}",
        report.errors()
    );
    assert!(report.runtime().is_none());

    // A manifest older than the dylib it describes.
    let stale = edited_manifest(dir.path(), |_| {});
    fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(86_400))
        .unwrap();
    let report = builder(&stale).check();
    assert_eq!(
        codes(&report),
        [Code::CapabilityPreflight(LeanLoaderCode::StaleManifest)]
    );

    // An export the manifest does not record, and one requested with the wrong types.
    let report = builder(common::manifest())
        .require_export(
            "lean_rs_worker_nope",
            LeanWorkerSignature::pure([T::U64], T::U64),
        )
        .require_export(
            "lean_rs_worker_command",
            LeanWorkerSignature::pure([T::U64], T::U64),
        )
        .check();
    assert_eq!(
        codes(&report),
        [Code::MissingExport, Code::ExportSignatureMismatch]
    );
    assert_eq!(
        report.errors()[1].message(),
        "`lean_rs_worker_command` was compiled as lean_object*(lean_object*), but uint64_t(uint64_t) was requested"
    );
    assert!(report.runtime().is_none());
    let err = builder(common::manifest())
        .require_export(
            "lean_rs_worker_nope",
            LeanWorkerSignature::pure([T::U64], T::U64),
        )
        .open()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("lean_rs.worker.bootstrap.missing_export"),
        "{err}"
    );
    common::assert_no_children_left();
}

#[test]
fn prelude_world_capability_builder_reports_child_and_metadata_failures() {
    let dir = tempfile::tempdir().unwrap();
    let report = builder(common::manifest())
        .worker_child(dir.path().join("no-such-child"))
        .check();
    assert_eq!(codes(&report), [Code::WorkerChildUnresolved]);
    let plain = dir.path().join("not-executable");
    fs::write(&plain, "#!/bin/sh\n").unwrap();
    let report = builder(common::manifest()).worker_child(&plain).check();
    assert_eq!(codes(&report), [Code::WorkerChildNotExecutable]);

    // A child that answers with another protocol version.
    let report = LeanWorkerCapabilityBuilder::from_manifest(common::manifest())
        .worker_config(common::fault_config("bad-version"))
        .check();
    assert_eq!(codes(&report), [Code::WorkerHandshakeFailed]);

    // The real capability, but not the expected one.
    let report = builder(common::manifest())
        .expect_metadata(LeanWorkerMetadataExpectation::new(
            "lean_rs_worker_metadata",
            serde_json::json!({"name": "another-capability"}),
        ))
        .check();
    assert_eq!(codes(&report), [Code::CapabilityMetadataMismatch]);
    assert_eq!(
        report.errors()[0].message(),
        "`lean_rs_worker_metadata`: `name` is \"lean-rs-worker-fixture\", expected \"another-capability\""
    );
    assert_eq!(report.runtime().unwrap().lean_version, "4.35.0");

    // An export of the right type that answers no metadata envelope (the line protocol
    // raises `unknown command: {}`), and one whose answer is not the doctor envelope.
    let report = builder(common::manifest())
        .metadata_export("lean_rs_worker_command")
        .doctor_export("lean_rs_worker_metadata")
        .check();
    assert_eq!(
        codes(&report),
        [
            Code::CapabilityMetadataInvalid,
            Code::CapabilityMetadataInvalid
        ]
    );
    assert!(
        report.errors()[0].message().contains("unknown command"),
        "{}",
        report.errors()[0]
    );
    assert!(
        report.errors()[1].message().contains("no doctor envelope"),
        "{}",
        report.errors()[1]
    );
    common::assert_no_children_left();
}

#[test]
fn prelude_world_capability_builder_from_lake_target_and_planned_batches() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/prelude-world/worker");
    let report = LeanWorkerCapabilityBuilder::from_lake_target(&fixture, "LeanRsWorkerFixture")
        .unwrap()
        .worker_child(child())
        .check();
    assert!(report.is_ok(), "{:?}", report.errors());
    assert_eq!(
        fs::canonicalize(report.manifest()).unwrap(),
        fs::canonicalize(common::manifest()).unwrap()
    );
    assert!(LeanWorkerCapabilityBuilder::from_lake_target(&fixture, "NoSuchLib").is_err());

    // A planned batch carries what the builder needs.
    let spec = LeanWorkerCapabilitySpec::from_manifest(common::manifest())
        .unwrap()
        .expect_metadata(LeanWorkerMetadataExpectation::new(
            "lean_rs_worker_metadata",
            serde_json::json!({"name": "lean-rs-worker-fixture"}),
        ));
    let mut planner = LeanWorkerImportPlanner::new();
    planner.add_lake_project(&spec, &fixture, None).unwrap();
    let plan = planner.plan();
    let batch = &plan.batches()[0];
    let mut opened = LeanWorkerCapabilityBuilder::from_spec(batch.capability())
        .worker_child(child())
        .open()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(opened.bootstrap_report().metadata().is_some());
    for module in batch.modules() {
        let reply = opened
            .run_json(&command(), &format!("echo {}", module.module()))
            .unwrap();
        assert_eq!(reply, format!("ok {}", module.module()));
    }
    drop(opened);
    common::assert_no_children_left();
}
