//! Import-set planning on real Lake layouts (the committed prelude-world packages and trees
//! generated in temporary directories): grouping by import set, capability, restart class and
//! metadata expectation; determinism; typed diagnostics for bad input. No worker is started.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use lean_rs_worker::{
    LeanWorkerCapabilitySpec, LeanWorkerImportPlan, LeanWorkerImportPlanner,
    LeanWorkerMetadataExpectation, LeanWorkerModuleWork, LeanWorkerPlanDiagnostic,
    LeanWorkerPlannedBatch, LeanWorkerRestartPolicy,
};
use lean_toolchain::lake::{CapabilityManifest, LeanModuleDiscoveryDiagnostic, ManifestToolchain};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/prelude-world")
        .canonicalize()
        .unwrap()
}

/// A capability manifest written into `dir` (only read by the planner, never loaded).
fn manifest(dir: &Path, package: &str, module: &str) -> PathBuf {
    let mut manifest =
        CapabilityManifest::new(package, module, dir.join(format!("lib{module}.so")));
    manifest.target = Some(module.to_owned());
    manifest.toolchain = Some(ManifestToolchain {
        version: "4.35.0".into(),
        commit: Some("eb6cafb7290e8bd5f2937522d8d804f58f02bafc".into()),
        kind: None,
        platform: Some("x86_64-unknown-linux-gnu".into()),
        header_digest: None,
    });
    let path = dir.join(format!("{module}.capability.json"));
    fs::write(&path, manifest.to_json().unwrap()).unwrap();
    path
}

fn names(plan: &LeanWorkerImportPlan) -> Vec<(Vec<String>, Vec<String>)> {
    plan.batches()
        .iter()
        .map(|b| {
            (
                b.imports().to_vec(),
                b.modules().iter().map(|m| m.module().to_owned()).collect(),
            )
        })
        .collect()
}

#[test]
fn the_worker_fixture_package_plans_into_one_batch_per_import_set() {
    let dir = tempfile::tempdir().unwrap();
    let spec = LeanWorkerCapabilitySpec::from_manifest(manifest(
        dir.path(),
        "lean-rs-worker-fixture",
        "LeanRsWorkerFixture",
    ))
    .unwrap();
    let mut planner = LeanWorkerImportPlanner::new();
    let added = planner
        .add_lake_project(&spec, fixtures().join("worker"), None)
        .unwrap();
    assert_eq!(added, 7);
    let plan = planner.plan();
    assert_eq!(plan.module_count(), 7);
    let module = |m: &str| format!("LeanRsWorkerFixture.{m}");
    assert_eq!(
        names(&plan),
        [
            (
                vec!["LeanRsPrelude".to_owned()],
                ["Json", "Metadata", "Protocol", "Stream", "Stress"]
                    .map(module)
                    .to_vec()
            ),
            (
                [
                    "Json", "Metadata", "Observe", "Protocol", "Stream", "Stress"
                ]
                .map(module)
                .to_vec(),
                vec!["LeanRsWorkerFixture".to_owned()]
            ),
            (
                ["Stream", "Stress"].map(module).to_vec(),
                vec![module("Observe")]
            ),
        ]
    );
    for batch in plan.batches() {
        let key = batch.session_key();
        assert_eq!(key.manifests(), [spec.manifest().to_path_buf()]);
        assert_eq!(key.lake_root(), Some(fixtures().join("worker").as_path()));
        assert_eq!(key.restart_class(), Some("default"));
        // The capability's recorded toolchain, then the worker protocol this crate speaks.
        let fingerprint = key.fingerprint().unwrap();
        let protocol = fingerprint
            .strip_prefix(
                "lean 4.35.0 eb6cafb7290e8bd5f2937522d8d804f58f02bafc x86_64-unknown-linux-gnu; worker protocol ",
            )
            .unwrap_or_else(|| panic!("{fingerprint}"));
        assert!(
            protocol.parse::<u32>().is_ok_and(|p| p >= 1),
            "{fingerprint}"
        );
        assert_eq!(batch.capability(), &spec);
        assert_eq!(batch.source_root(), fixtures().join("worker"));
        assert_eq!(batch.fingerprint().len(), 64);
        for module in batch.modules() {
            assert_eq!(module.source_sha256().map(str::len), Some(64));
            assert!(module.source_path().starts_with(batch.source_root()));
        }
    }
    assert_ne!(
        plan.batches()[0].fingerprint(),
        plan.batches()[1].fingerprint()
    );
    assert_ne!(
        plan.batches()[0].session_key(),
        plan.batches()[1].session_key()
    );
}

#[test]
fn two_packages_and_two_restart_classes_never_share_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = manifest(dir.path(), "lean-rs-worker-fixture", "LeanRsWorkerFixture");
    let default = LeanWorkerCapabilitySpec::from_manifest(&path).unwrap();
    let cycling = LeanWorkerCapabilitySpec::from_manifest(&path)
        .unwrap()
        .restart_policy(LeanWorkerRestartPolicy::new().max_requests(10));
    let mut planner = LeanWorkerImportPlanner::new();
    // The decls package: one module importing only the prelude, two importing it, its root.
    planner
        .add_lake_project(&default, fixtures().join("decls"), None)
        .unwrap();
    planner
        .add_lake_project(&default, fixtures().join("worker"), None)
        .unwrap();
    planner
        .add_lake_project(
            &cycling,
            fixtures().join("worker"),
            Some(&["LeanRsWorkerFixture.Stream"]),
        )
        .unwrap();
    let plan = planner.plan();
    // Same import set ([LeanRsPrelude]) in two Lake roots, and the same modules under another
    // restart class: each its own batch.
    let prelude_only: Vec<_> = plan
        .batches()
        .iter()
        .filter(|b| b.imports() == ["LeanRsPrelude"])
        .map(|b| {
            (
                b.session_key()
                    .lake_root()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_owned(),
                b.session_key().restart_class().unwrap().to_owned(),
                b.modules().len(),
            )
        })
        .collect();
    assert_eq!(prelude_only.len(), 3, "{prelude_only:?}");
    assert!(prelude_only.contains(&("decls".into(), "default".into(), 1)));
    assert!(prelude_only.contains(&("worker".into(), "default".into(), 5)));
    assert!(prelude_only.contains(&("worker".into(), "requests<=10".into(), 1)));
}

/// A generated Lake project: `count` modules under `Gen/`, module `i` importing one of three
/// import sets.
fn generated(root: &Path, count: usize) {
    fs::create_dir_all(root.join("Gen")).unwrap();
    fs::write(
        root.join("lakefile.toml"),
        "name = \"gen\"\n\n[[lean_lib]]\nname = \"Gen\"\nglobs = [\"Gen.+\"]\n",
    )
    .unwrap();
    fs::write(root.join("Gen/Base.lean"), "prelude\n").unwrap();
    fs::write(root.join("Gen/Extra.lean"), "prelude\n").unwrap();
    for i in 0..count {
        let header = match i % 3 {
            0 => "prelude\nimport Gen.Base\n",
            1 => "prelude\nimport Gen.Extra\nimport Gen.Base\n",
            _ => "import Gen.Base\n",
        };
        fs::write(
            root.join(format!("Gen/M{i:03}.lean")),
            format!("{header}-- module {i}\n"),
        )
        .unwrap();
    }
}

#[test]
fn generated_trees_plan_deterministically_whatever_the_order_of_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("gen");
    generated(&root, 30);
    let spec = LeanWorkerCapabilitySpec::from_manifest(manifest(dir.path(), "gen", "Gen")).unwrap();
    let mut discovered = LeanWorkerImportPlanner::new();
    assert_eq!(discovered.add_lake_project(&spec, &root, None).unwrap(), 32);
    let plan = discovered.plan();
    // Three import sets among the M modules; Base and Extra (no imports) form a fourth.
    let sets: Vec<Vec<String>> = plan
        .batches()
        .iter()
        .map(|b| b.imports().to_vec())
        .collect();
    assert_eq!(
        sets,
        [
            vec![],
            vec!["Gen.Base".to_owned()],
            vec!["Gen.Base".to_owned(), "Gen.Extra".to_owned()],
            vec!["Gen.Base".to_owned(), "Init".to_owned()],
        ]
    );
    assert_eq!(
        plan.batches()
            .iter()
            .map(|b| b.modules().len())
            .collect::<Vec<_>>(),
        [2, 10, 10, 10]
    );

    // The same modules as explicit work, added backwards, plan identically.
    let mut explicit = LeanWorkerImportPlanner::new();
    let mut modules: Vec<String> = (0..30).map(|i| format!("Gen.M{i:03}")).collect();
    modules.extend(["Gen.Base".to_owned(), "Gen.Extra".to_owned()]);
    modules.reverse();
    for module in &modules {
        let work = LeanWorkerModuleWork::from_source(&root, &root, module).unwrap();
        explicit.add_work(&spec, work).unwrap();
    }
    assert_eq!(explicit.plan(), plan);
    assert_eq!(LeanWorkerImportPlanner::new().plan().batches().len(), 0);

    // A plan survives serialization (e.g. handed to another process) unchanged.
    let text = serde_json::to_string(&plan).unwrap();
    let back: LeanWorkerImportPlan = serde_json::from_str(&text).unwrap();
    assert_eq!(back, plan);

    // Editing one module changes its batch's fingerprint and the plan's, nothing else.
    fs::write(
        root.join("Gen/M004.lean"),
        "prelude\nimport Gen.Extra\nimport Gen.Base\n-- edited\n",
    )
    .unwrap();
    let mut again = LeanWorkerImportPlanner::new();
    again.add_lake_project(&spec, &root, None).unwrap();
    let edited = again.plan();
    let changed: Vec<bool> = plan
        .batches()
        .iter()
        .zip(edited.batches())
        .map(|(a, b)| a.fingerprint() != b.fingerprint())
        .collect();
    assert_eq!(changed, [false, false, true, false]);
    assert_ne!(plan.fingerprint(), edited.fingerprint());
}

#[test]
fn metadata_expectations_split_batches_and_explicit_imports_need_no_source() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("gen");
    generated(&root, 3);
    let path = manifest(dir.path(), "gen", "Gen");
    let bare = LeanWorkerCapabilitySpec::from_manifest(&path).unwrap();
    let expecting = LeanWorkerCapabilitySpec::from_manifest(&path)
        .unwrap()
        .expect_metadata(LeanWorkerMetadataExpectation::new(
            "gen_metadata",
            serde_json::json!({"name": "gen"}),
        ));
    let mut planner = LeanWorkerImportPlanner::new();
    planner
        .add_work(
            &bare,
            LeanWorkerModuleWork::with_imports(&root, &root, "Gen.Later", ["Gen.Base"]).unwrap(),
        )
        .unwrap();
    planner
        .add_work(
            &expecting,
            LeanWorkerModuleWork::from_source(&root, &root, "Gen.M000").unwrap(),
        )
        .unwrap();
    let plan = planner.plan();
    assert_eq!(plan.batches().len(), 2);
    let expectations: Vec<Option<&str>> = plan
        .batches()
        .iter()
        .map(|b| b.session_key().metadata_expectation())
        .collect();
    assert!(expectations.contains(&None));
    assert!(expectations.contains(&Some(
        r#"{"expected":{"name":"gen"},"export":"gen_metadata"}"#
    )));
    let later = plan
        .batches()
        .iter()
        .flat_map(LeanWorkerPlannedBatch::modules)
        .find(|m| m.module() == "Gen.Later")
        .unwrap();
    assert_eq!(later.source_sha256(), None);
    assert_eq!(
        later.source_path(),
        root.canonicalize().unwrap().join("Gen/Later.lean")
    );
}

#[test]
fn bad_input_is_a_typed_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("gen");
    generated(&root, 3);
    let spec = LeanWorkerCapabilitySpec::from_manifest(manifest(dir.path(), "gen", "Gen")).unwrap();
    let mut planner = LeanWorkerImportPlanner::new();

    // No Lake project.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    assert!(matches!(
        planner.add_lake_project(&spec, &empty, None),
        Err(LeanWorkerPlanDiagnostic::Discovery(LeanModuleDiscoveryDiagnostic::MissingLakeRoot { path })) if path == empty
    ));
    assert!(matches!(
        planner.add_lake_project(&spec, dir.path().join("nowhere"), None),
        Err(LeanWorkerPlanDiagnostic::Discovery(
            LeanModuleDiscoveryDiagnostic::MissingLakeRoot { .. }
        ))
    ));
    assert!(matches!(
        LeanWorkerModuleWork::from_source(&empty, &root, "Gen.M000"),
        Err(LeanWorkerPlanDiagnostic::Discovery(
            LeanModuleDiscoveryDiagnostic::MissingLakeRoot { .. }
        ))
    ));
    // A selected module root that does not exist.
    assert!(matches!(
        planner.add_lake_project(&spec, &root, Some(&["Gen.Nope"])),
        Err(LeanWorkerPlanDiagnostic::Discovery(LeanModuleDiscoveryDiagnostic::MissingModuleRoot { root, .. })) if root == "Gen.Nope"
    ));
    // Invalid module names, as work and as an import.
    for bad in ["Gen.", "Gen..M", "", "Gen.M 1"] {
        assert!(
            matches!(
                LeanWorkerModuleWork::from_source(&root, &root, bad),
                Err(LeanWorkerPlanDiagnostic::Discovery(
                    LeanModuleDiscoveryDiagnostic::InvalidModuleName { .. }
                ))
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        LeanWorkerModuleWork::with_imports(&root, &root, "Gen.X", ["Ok.Name", "not..ok"]),
        Err(LeanWorkerPlanDiagnostic::Discovery(LeanModuleDiscoveryDiagnostic::InvalidModuleName { name, .. })) if name == "not..ok"
    ));
    // A module without a source file.
    assert!(matches!(
        LeanWorkerModuleWork::from_source(&root, &root, "Gen.Absent"),
        Err(LeanWorkerPlanDiagnostic::Discovery(
            LeanModuleDiscoveryDiagnostic::MissingModuleRoot { .. }
        ))
    ));
    // A file whose name is not a module name, found by discovery.
    fs::write(root.join("Gen/bad-name.lean"), "prelude\n").unwrap();
    assert!(matches!(
        planner.add_lake_project(&spec, &root, None),
        Err(LeanWorkerPlanDiagnostic::Discovery(
            LeanModuleDiscoveryDiagnostic::InvalidModuleName { .. }
        ))
    ));
    fs::remove_file(root.join("Gen/bad-name.lean")).unwrap();
    // A malformed header fails the whole set: nothing of it is added.
    fs::write(root.join("Gen/Broken.lean"), "prelude\nimport\n").unwrap();
    assert!(matches!(
        planner.add_lake_project(&spec, &root, None),
        Err(LeanWorkerPlanDiagnostic::Discovery(LeanModuleDiscoveryDiagnostic::MalformedHeader { path, .. })) if path.ends_with("Gen/Broken.lean")
    ));
    assert_eq!(planner.plan().module_count(), 0);
    fs::remove_file(root.join("Gen/Broken.lean")).unwrap();
    // The same module twice.
    assert_eq!(planner.add_lake_project(&spec, &root, None).unwrap(), 5);
    let again = LeanWorkerModuleWork::from_source(&root, &root, "Gen.M001").unwrap();
    assert!(matches!(
        planner.add_work(&spec, again),
        Err(LeanWorkerPlanDiagnostic::DuplicateModule { module, .. }) if module == "Gen.M001"
    ));
    assert_eq!(planner.plan().module_count(), 5);
    // An unreadable or malformed capability manifest.
    assert!(matches!(
        LeanWorkerCapabilitySpec::from_manifest(dir.path().join("missing.capability.json")),
        Err(LeanWorkerPlanDiagnostic::Capability { .. })
    ));
    let garbage = dir.path().join("garbage.capability.json");
    fs::write(&garbage, "{\"schema\": 2").unwrap();
    let err = LeanWorkerCapabilitySpec::from_manifest(&garbage).unwrap_err();
    assert!(matches!(err, LeanWorkerPlanDiagnostic::Capability { .. }));
    assert!(!err.to_string().contains('\n'), "{err}");
}
