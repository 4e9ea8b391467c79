//! Tier 1, prelude world: the native builder drives the real Lean 4.35.0 `bin/lean` and the
//! system C compiler over small `prelude` packages written here, and fails on bad input with
//! one line naming the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use lean_toolchain::lake::CapabilityManifest;
use lean_toolchain::native::{NativeBuildError, NativeBuilder, NativeToolchain};

/// Our own C header (lean-rs-sys), which the emitted C compiles against.
fn header_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../lean-rs-sys/include")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A two-package world: `tiny-base` (one module) and `tiny-app` (two modules, one importing
/// the other and the base).
fn tiny_world(dir: &Path) -> PathBuf {
    write(
        dir,
        "base/lakefile.toml",
        "name = \"tiny-base\"\n[[lean_lib]]\nname = \"TinyBase\"\n",
    );
    write(
        dir,
        "base/TinyBase.lean",
        "prelude\ninductive Flag where\n  | off\n  | on\n\nstructure Cell where\n  flag : Flag\n  other : Flag\n\n@[export tiny_base_swap]\ndef Cell.swap (c : Cell) : Cell := ⟨c.other, c.flag⟩\n",
    );
    write(
        dir,
        "app/lakefile.toml",
        "name = \"tiny-app\"\n[[require]]\nname = \"tiny-base\"\npath = \"../base\"\n[[lean_lib]]\nname = \"TinyApp\"\n",
    );
    write(
        dir,
        "app/TinyApp.lean",
        "prelude\nimport TinyApp.Twice\n\n@[export tiny_app_four]\ndef four (c : Cell) : Cell := twice (twice c)\n",
    );
    write(
        dir,
        "app/TinyApp/Twice.lean",
        "prelude\nimport TinyBase\n\ndef twice (c : Cell) : Cell := c.swap.swap\n",
    );
    dir.join("app")
}

/// Steps seen: (subject, action, cached).
type Steps = Rc<RefCell<Vec<(String, &'static str, bool)>>>;

fn builder(out: &Path, steps: Steps) -> NativeBuilder {
    let tools = NativeToolchain::from_sysroot(&common::real_sysroot(), &header_dir()).unwrap();
    NativeBuilder::new(tools, out).unwrap().on_step(move |s| {
        steps
            .borrow_mut()
            .push((s.subject.clone(), s.action, s.cached));
    })
}

#[test]
fn prelude_world_builds_packages_in_order_and_caches_every_step() {
    let dir = tempfile::tempdir().unwrap();
    let app = tiny_world(dir.path());
    let out = dir.path().join("out");
    let steps = Rc::new(RefCell::new(Vec::new()));

    let built = builder(&out, steps.clone()).build(&app).unwrap();
    assert_eq!(built.name, "tiny-app");
    assert_eq!(built.requires, ["tiny-base"]);
    let lib = &built.libraries[0];
    assert_eq!(lib.modules, ["TinyApp.Twice", "TinyApp"]);
    assert_eq!(
        lib.dylib.file_name().unwrap().to_str().unwrap(),
        "libtiny_x2dapp_TinyApp.so"
    );
    // Base first, then the app's modules in import order.
    let lean_steps: Vec<String> = steps
        .borrow()
        .iter()
        .filter(|s| s.1 == "lean")
        .map(|s| s.0.clone())
        .collect();
    assert_eq!(lean_steps, ["TinyBase", "TinyApp.Twice", "TinyApp"]);
    assert!(
        steps.borrow().iter().all(|s| !s.2),
        "a fresh build reuses nothing"
    );

    // The manifest is the one lean-rs loads, pointing at the base library first.
    let manifest = CapabilityManifest::load(&lib.manifest).unwrap();
    assert_eq!(manifest.module, "TinyApp");
    assert_eq!(manifest.dylib, lib.dylib);
    assert_eq!(manifest.dependencies.len(), 2);
    assert!(
        manifest.dependencies[0]
            .dylib
            .ends_with("lib/lean/libleanshared.so")
    );
    assert!(
        manifest.dependencies[1]
            .dylib
            .ends_with("lib/libtiny_x2dbase_TinyBase.so")
    );
    let init = manifest.initializer.clone().unwrap();
    assert!(
        init.starts_with("initialize_") && init.ends_with("TinyApp"),
        "{init}"
    );

    // The library really defines the export and the initializer (read with `nm`: nothing
    // of it runs here).
    let defined = defined_symbols(&lib.dylib);
    assert!(defined.iter().any(|s| s == "tiny_app_four"), "{defined:?}");
    assert!(defined.contains(&init), "{defined:?}");

    // A second build reuses every step.
    steps.borrow_mut().clear();
    builder(&out, steps.clone()).build(&app).unwrap();
    assert!(
        steps
            .borrow()
            .iter()
            .filter(|s| s.1 != "manifest")
            .all(|s| s.2),
        "{:?}",
        steps.borrow()
    );

    // Editing the base rebuilds the base and everything that imports it.
    let base_src = dir.path().join("base/TinyBase.lean");
    let text = fs::read_to_string(&base_src).unwrap();
    fs::write(&base_src, format!("{text}\ndef extra : Flag := Flag.on\n")).unwrap();
    steps.borrow_mut().clear();
    builder(&out, steps.clone()).build(&app).unwrap();
    let rebuilt: Vec<String> = steps
        .borrow()
        .iter()
        .filter(|s| s.1 == "lean" && !s.2)
        .map(|s| s.0.clone())
        .collect();
    assert_eq!(rebuilt, ["TinyBase", "TinyApp.Twice", "TinyApp"]);
}

fn defined_symbols(lib: &Path) -> Vec<String> {
    let out = std::process::Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib)
        .output()
        .unwrap();
    assert!(out.status.success(), "nm {}", lib.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_owned))
        .collect()
}

#[test]
fn prelude_world_a_truncated_olean_is_rebuilt_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let app = tiny_world(dir.path());
    let out = dir.path().join("out");
    let steps = Rc::new(RefCell::new(Vec::new()));
    builder(&out, steps.clone()).build(&app).unwrap();

    let olean = out.join("tiny-base/olean/TinyBase.olean");
    let bytes = fs::read(&olean).unwrap();
    fs::write(&olean, &bytes[..bytes.len() / 3]).unwrap();
    steps.borrow_mut().clear();
    builder(&out, steps.clone()).build(&app).unwrap();
    assert!(
        steps
            .borrow()
            .iter()
            .any(|s| s.0 == "TinyBase" && s.1 == "lean" && !s.2),
        "{:?}",
        steps.borrow()
    );
    assert_eq!(fs::read(&olean).unwrap().len(), bytes.len());

    // The olean check sees what the stamp saw: every real olean passes, written by the
    // Lean that built it, and the truncated copy is refused before Lean could map it.
    let version = lean_toolchain::LEAN_VERSION;
    let header = lean_toolchain::read_olean_header(&olean).unwrap();
    assert_eq!(header.lean_version, version);
    lean_toolchain::check_olean(&olean, version, &header.commit).unwrap();
    assert_eq!(
        lean_toolchain::check_olean(&olean, "4.26.0", &header.commit)
            .unwrap_err()
            .code(),
        "olean.wrong_lean"
    );
    let cut = dir.path().join("Cut.olean");
    fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let err = lean_toolchain::read_olean_header(&cut).unwrap_err();
    assert_eq!(err.code(), "olean.truncated", "{err}");
    assert!(err.to_string().contains("Cut.olean"), "{err}");
}

fn build_err(app: &Path, out: &Path, header: &Path) -> NativeBuildError {
    let tools = NativeToolchain::from_sysroot(&common::real_sysroot(), header).unwrap();
    let err = NativeBuilder::new(tools, out)
        .unwrap()
        .build(app)
        .unwrap_err();
    let line = err.to_string();
    assert!(!line.contains('\n'), "one line: {line}");
    err
}

#[test]
fn prelude_world_a_lean_error_fails_with_leans_message_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = tiny_world(dir.path());
    write(
        dir.path(),
        "app/TinyApp/Twice.lean",
        "prelude\nimport TinyBase\n\ndef twice (c : Cell) : Cell := c.flop\n",
    );
    let err = build_err(&app, &dir.path().join("out"), &header_dir());
    assert_eq!(err.code(), "native.lean");
    let line = err.to_string();
    assert!(line.contains("TinyApp/Twice.lean"), "{line}");
    assert!(line.contains("error"), "{line}");
    assert!(line.contains("flop"), "Lean's own message: {line}");
}

#[test]
fn prelude_world_a_missing_import_names_the_importing_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = tiny_world(dir.path());
    write(
        dir.path(),
        "app/TinyApp/Twice.lean",
        "prelude\nimport TinyBase\nimport TinyNowhere.Gone\n\ndef twice (c : Cell) : Cell := c\n",
    );
    let err = build_err(&app, &dir.path().join("out"), &header_dir());
    assert!(
        matches!(&err, NativeBuildError::MissingImport { import, .. } if import == "TinyNowhere.Gone"),
        "{err}"
    );
    assert!(err.to_string().contains("TinyApp/Twice.lean"), "{err}");
}

#[test]
fn prelude_world_emitted_c_the_header_cannot_compile_names_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let app = tiny_world(dir.path());
    let bogus = dir.path().join("bogus-include");
    write(
        &bogus,
        "lean/lean.h",
        "/* a header that declares nothing */\n",
    );
    let err = build_err(&app, &dir.path().join("out"), &bogus);
    assert_eq!(err.code(), "native.c_compile", "{err}");
    let line = err.to_string();
    assert!(line.contains("TinyBase.c"), "{line}");
    assert!(line.contains("bogus-include"), "{line}");
}

#[test]
fn prelude_world_a_require_that_names_another_package_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = tiny_world(dir.path());
    write(
        dir.path(),
        "app/lakefile.toml",
        "name = \"tiny-app\"\n[[require]]\nname = \"something-else\"\npath = \"../base\"\n[[lean_lib]]\nname = \"TinyApp\"\n",
    );
    let err = build_err(&app, &dir.path().join("out"), &header_dir());
    assert_eq!(err.code(), "native.package");
    assert!(err.to_string().contains("tiny-base"), "{err}");
}
