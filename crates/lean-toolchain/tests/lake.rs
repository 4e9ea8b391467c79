//! Lake helpers: module discovery on fixture projects, and builds driven through a fake
//! `lake` executable (Lake itself cannot run here) that records its argv.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::format_push_string
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{real_sysroot, write_exec};
use lean_toolchain::lake::{LakeTarget, LeanModuleDiscoveryDiagnostic, NamingConvention};
use lean_toolchain::{
    CargoLeanCapability, LinkDiagnostics, discover_lake_modules, inspect_sysroot,
};

const LAKEFILE_LEAN: &str = r"import Lake
open Lake DSL

package «my-pkg» where
  -- lean_lib Commented

@[default_target]
lean_lib MyLib where
  roots := #[`MyLib]
";

/// A Lake project: `MyLib`, `MyLib.Basic`, `MyLib.Sub.Deep`, plus a non-library file.
fn project(dir: &Path) -> PathBuf {
    let root = dir.join("proj with space; $(echo no-shell)");
    fs::create_dir_all(root.join("MyLib/Sub")).unwrap();
    fs::write(root.join("lakefile.lean"), LAKEFILE_LEAN).unwrap();
    fs::write(root.join("MyLib.lean"), "import MyLib.Basic\n").unwrap();
    fs::write(root.join("MyLib/Basic.lean"), "def x := 1\n").unwrap();
    fs::write(root.join("MyLib/Sub/Deep.lean"), "def y := 2\n").unwrap();
    fs::write(root.join("Main.lean"), "def main : IO Unit := pure ()\n").unwrap();
    fs::write(
        root.join("lake-manifest.json"),
        "{\"version\": 7, \"packages\": []}\n",
    )
    .unwrap();
    root
}

#[test]
fn discovers_modules_sorted_with_a_stable_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let set = discover_lake_modules(&root, None).unwrap();
    let names: Vec<_> = set.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["MyLib", "MyLib.Basic", "MyLib.Sub.Deep"]);
    assert_eq!(set.package.as_deref(), Some("my-pkg"));
    assert_eq!(set.modules[2].source_path, root.join("MyLib/Sub/Deep.lean"));
    assert_eq!(set.fingerprint.source_count, 3);
    assert!(set.fingerprint.manifest_sha256.is_some());
    assert!(set.fingerprint.max_source_mtime.is_some());
    let again = discover_lake_modules(&root, None).unwrap();
    assert_eq!(again.fingerprint, set.fingerprint);

    fs::write(root.join("MyLib/Basic.lean"), "def x := 42\n").unwrap();
    let changed = discover_lake_modules(&root, None).unwrap();
    assert_ne!(
        changed.fingerprint.source_set_sha256,
        set.fingerprint.source_set_sha256
    );
    // Files outside the library do not count.
    fs::write(root.join("Main.lean"), "-- edited\n").unwrap();
    let outside = discover_lake_modules(&root, None).unwrap();
    assert_eq!(
        outside.fingerprint.source_set_sha256,
        changed.fingerprint.source_set_sha256
    );
}

#[test]
fn discovers_toml_lakefiles_with_src_dir_and_globs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src/Demo/A")).unwrap();
    fs::write(
        root.join("lakefile.toml"),
        "name = \"demo\"\nsrcDir = \"src\"\n[[lean_lib]]\nname = \"Demo\"\nglobs = [\"Demo.*\"]\n",
    )
    .unwrap();
    fs::write(root.join("src/Demo.lean"), "").unwrap();
    fs::write(root.join("src/Demo/A/B.lean"), "").unwrap();
    fs::write(root.join("src/Demo/C.lean"), "").unwrap();
    let set = discover_lake_modules(root, None).unwrap();
    let names: Vec<_> = set.modules.iter().map(|m| m.name.as_str()).collect();
    // `Demo.*` means the submodules only.
    assert_eq!(names, ["Demo.A.B", "Demo.C"]);
    assert_eq!(set.modules[0].source_root, root.join("src/."));
}

#[test]
fn selected_roots_restrict_and_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let set = discover_lake_modules(&root, Some(&["MyLib.Sub"])).unwrap();
    let names: Vec<_> = set.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["MyLib.Sub.Deep"]);
    let err = discover_lake_modules(&root, Some(&["MyLib.Nope"])).unwrap_err();
    assert!(
        matches!(err, LeanModuleDiscoveryDiagnostic::MissingModuleRoot { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("MyLib/Nope.lean"));
}

#[test]
fn a_lakefile_without_lean_lib() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("lakefile.lean"),
        "import Lake\nopen Lake DSL\npackage foo\nlean_exe foo where\n  root := `Main\n",
    )
    .unwrap();
    let err = discover_lake_modules(dir.path(), None).unwrap_err();
    assert!(
        matches!(err, LeanModuleDiscoveryDiagnostic::NoLeanLib { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        !text.contains('\n') && text.contains("lakefile.lean") && text.contains("lean_lib"),
        "{text}"
    );
    // The build helper reports the same lakefile as a missing target.
    let err = LakeTarget::new(dir.path(), "Foo")
        .lake_executable("/bin/false")
        .build_quiet()
        .unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::LakeTargetMissing { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("declared: none"));
}

#[test]
fn an_invalid_module_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    fs::write(root.join("MyLib/bad-name.lean"), "").unwrap();
    let err = discover_lake_modules(&root, None).unwrap_err();
    let LeanModuleDiscoveryDiagnostic::InvalidModuleName { name, path, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(name, "MyLib.bad-name");
    assert_eq!(path, &root.join("MyLib/bad-name.lean"));
    assert!(!err.to_string().contains('\n'));
    // Asked for directly, too.
    let err = discover_lake_modules(&root, Some(&["My Lib"])).unwrap_err();
    assert!(
        matches!(err, LeanModuleDiscoveryDiagnostic::InvalidModuleName { .. }),
        "{err:?}"
    );
    let err = CargoLeanCapability::new(&root, "MyLib")
        .module("1Bad")
        .build_to(&mut Vec::new())
        .unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::InvalidModuleName { .. }),
        "{err:?}"
    );
}

#[test]
fn a_missing_lake_root() {
    let dir = tempfile::tempdir().unwrap();
    let err = discover_lake_modules(dir.path(), None).unwrap_err();
    assert!(
        matches!(err, LeanModuleDiscoveryDiagnostic::MissingLakeRoot { .. }),
        "{err:?}"
    );
}

/// A fake `lake` that appends its argv (one argument per line, then `--`) to `log` and
/// writes the given dylib names into `.lake/build/lib` of its working directory.
fn fake_lake(dir: &Path, log: &Path, dylibs: &[&str], exit: i32) -> PathBuf {
    let lake = dir.join("fake-bin/lake");
    let mut script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{}'; done\necho -- >> '{}'\n",
        log.display(),
        log.display()
    );
    script.push_str("mkdir -p .lake/build/lib\n");
    for d in dylibs {
        script.push_str(&format!("printf 'so' > .lake/build/lib/{d}\n"));
    }
    script.push_str(&format!(
        "echo 'error: MyLib/Basic.lean:1:0: boom' >&2\nexit {exit}\n"
    ));
    write_exec(&lake, &script);
    lake
}

fn lake_calls(log: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(log).unwrap_or_default();
    text.split("--\n")
        .filter(|s| !s.is_empty())
        .map(|s| s.lines().map(str::to_owned).collect())
        .collect()
}

#[test]
fn builds_through_lake_with_argv_and_caches_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let log = dir.path().join("argv.log");
    let lake = fake_lake(dir.path(), &log, &["libmy_x2dpkg_MyLib.so"], 0);
    let target = LakeTarget::new(&root, "MyLib").lake_executable(&lake);

    let mut directives = Vec::new();
    let first = target.build_to(&mut directives).unwrap();
    assert!(!first.cache_hit);
    assert_eq!(
        first.dylib,
        root.join(".lake/build/lib/libmy_x2dpkg_MyLib.so")
    );
    assert_eq!(first.convention, NamingConvention::PackageQualified);
    assert_eq!(
        first.initializer_symbol("MyLib.Basic"),
        "initialize_my_x2dpkg_MyLib_Basic"
    );
    // Exactly two arguments, passed verbatim: the odd project path never met a shell.
    assert_eq!(
        lake_calls(&log),
        [vec!["build".to_owned(), "MyLib:shared".to_owned()]]
    );
    let directives = String::from_utf8(directives).unwrap();
    assert!(directives.contains(&format!(
        "cargo:rerun-if-changed={}",
        root.join("MyLib/Basic.lean").display()
    )));
    assert!(directives.contains("lakefile.lean"));
    assert!(directives.lines().all(|l| l.starts_with("cargo:")));

    let second = target.build_quiet().unwrap();
    assert!(second.cache_hit);
    assert_eq!(second.cache_key, first.cache_key);
    assert_eq!(lake_calls(&log).len(), 1, "a cache hit must not run lake");

    // A new source file changes the key.
    fs::write(root.join("MyLib/New.lean"), "").unwrap();
    let third = target.build_quiet().unwrap();
    assert!(!third.cache_hit);
    assert_ne!(third.cache_key, first.cache_key);
    assert_eq!(lake_calls(&log).len(), 2);

    // A deleted dylib is a miss even with a matching key.
    fs::remove_file(&third.dylib).unwrap();
    assert!(!target.build_quiet().unwrap().cache_hit);
    assert_eq!(lake_calls(&log).len(), 3);
}

#[test]
fn resolves_the_unqualified_naming_convention() {
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let log = dir.path().join("argv.log");
    let lake = fake_lake(dir.path(), &log, &["libMyLib.so"], 0);
    let built = LakeTarget::new(&root, "MyLib")
        .lake_executable(&lake)
        .build_quiet()
        .unwrap();
    assert_eq!(built.convention, NamingConvention::Unqualified);
    assert_eq!(built.initializer_symbol("MyLib"), "initialize_MyLib");
}

#[test]
fn lake_failures_are_typed() {
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let log = dir.path().join("argv.log");

    let failing = fake_lake(dir.path(), &log, &[], 1);
    let err = LakeTarget::new(&root, "MyLib")
        .lake_executable(&failing)
        .build_quiet()
        .unwrap_err();
    let LinkDiagnostics::LakeBuildFailed { output, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(output.contains("boom"), "{output}");
    assert!(!err.to_string().contains('\n'));

    let silent = fake_lake(dir.path(), &log, &[], 0);
    let err = LakeTarget::new(&root, "MyLib")
        .lake_executable(&silent)
        .build_quiet()
        .unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::LakeOutputUnresolved { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("libmy_x2dpkg_MyLib.so"));

    let err = LakeTarget::new(&root, "MyLib")
        .lake_executable(dir.path().join("no/lake"))
        .build_quiet()
        .unwrap_err();
    assert!(
        matches!(err, LinkDiagnostics::LakeUnavailable { .. }),
        "{err:?}"
    );

    let err = LakeTarget::new(&root, "Other")
        .lake_executable(&silent)
        .build_quiet()
        .unwrap_err();
    assert!(err.to_string().contains("declared: MyLib"), "{err}");
}

#[test]
fn cargo_lean_capability_writes_a_manifest_and_env_directives() {
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let log = dir.path().join("argv.log");
    let lake = fake_lake(dir.path(), &log, &["libmy_x2dpkg_MyLib.so"], 0);
    let out = dir.path().join("out");
    let toolchain = inspect_sysroot(&real_sysroot()).unwrap();
    let mut directives = Vec::new();
    let built = CargoLeanCapability::new(&root, "MyLib")
        .module("MyLib.Basic")
        .lake_executable(&lake)
        .toolchain(toolchain.clone())
        .out_dir(&out)
        .build_to(&mut directives)
        .unwrap();
    let directives = String::from_utf8(directives).unwrap();
    let manifest_path = out.join("lean-rs-capability-MyLib.json");
    assert_eq!(built.manifest_path, manifest_path);
    assert!(directives.contains(&format!(
        "cargo:rustc-env=LEAN_RS_CAPABILITY_MY_LIB_MANIFEST={}",
        manifest_path.display()
    )));
    assert!(directives.contains("cargo:rustc-env=LEAN_RS_CAPABILITY_MY_LIB_DYLIB="));
    assert!(directives.contains("cargo:rustc-link-lib=dylib=leanshared"));
    // Read back through the loader's own entry point (bounded, schema-checked, validated).
    let on_disk = lean_toolchain::lake::CapabilityManifest::load(&manifest_path).unwrap();
    assert_eq!(on_disk, built.manifest);
    assert_eq!(
        on_disk.initializer.as_deref(),
        Some("initialize_my_x2dpkg_MyLib_Basic")
    );
    assert_eq!(on_disk.package, "my-pkg");
    assert_eq!(on_disk.module, "MyLib.Basic");
    assert_eq!(on_disk.toolchain.as_ref().unwrap().version, "4.35.0");
    assert_eq!(
        on_disk.dependencies,
        [lean_toolchain::lake::ManifestDependency::global(
            &toolchain.runtime_library
        )]
    );
}

#[test]
#[ignore = "needs a full Lean toolchain"]
fn builds_a_real_lake_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("lakefile.lean"),
        "import Lake\nopen Lake DSL\npackage «tiny-pkg»\nlean_lib Tiny\n",
    )
    .unwrap();
    fs::write(
        root.join("Tiny.lean"),
        "@[export tiny_add] def add (a b : UInt64) : UInt64 := a + b\n",
    )
    .unwrap();
    let toolchain = lean_toolchain::discover_toolchain().unwrap();
    let built = LakeTarget::new(root, "Tiny")
        .toolchain(toolchain.clone())
        .build_quiet()
        .unwrap();
    assert!(built.dylib.is_file());
    assert_eq!(
        built.convention,
        NamingConvention::for_version(&toolchain.version)
    );
    assert!(
        LakeTarget::new(root, "Tiny")
            .toolchain(toolchain)
            .build_quiet()
            .unwrap()
            .cache_hit
    );
}

#[test]
fn reads_module_headers_of_real_fixture_sources_and_refuses_bad_ones() {
    let worker = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/prelude-world/worker");
    let root =
        lean_toolchain::read_module_header(&worker.join("LeanRsWorkerFixture.lean")).unwrap();
    assert!(root.is_prelude);
    assert_eq!(
        root.imports,
        [
            "LeanRsWorkerFixture.Metadata",
            "LeanRsWorkerFixture.Protocol",
            "LeanRsWorkerFixture.Stream",
            "LeanRsWorkerFixture.Stress",
            "LeanRsWorkerFixture.Observe",
            "LeanRsWorkerFixture.Json"
        ]
    );
    let stream =
        lean_toolchain::read_module_header(&worker.join("LeanRsWorkerFixture/Stream.lean"))
            .unwrap();
    assert_eq!(stream.imports, ["LeanRsPrelude"]);

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("Bad.lean");
    fs::write(&bad, "prelude\nimport\n").unwrap();
    assert!(matches!(
        lean_toolchain::read_module_header(&bad),
        Err(LeanModuleDiscoveryDiagnostic::MalformedHeader { path, .. }) if path == bad
    ));
    fs::write(&bad, [0xff_u8, 0xfe, 0x00]).unwrap();
    assert!(matches!(
        lean_toolchain::read_module_header(&bad),
        Err(LeanModuleDiscoveryDiagnostic::MalformedHeader { .. })
    ));
    assert!(matches!(
        lean_toolchain::read_module_header(&dir.path().join("Missing.lean")),
        Err(LeanModuleDiscoveryDiagnostic::Io { .. })
    ));
}
