//! Tier 1, prelude world: the direct C++ route. The C the real 4.35.0 Lean compiler emitted
//! for the shapes and prelude fixture packages (`lean-rs build-native` leaves it in
//! `.lean-rs/native/<pkg>/c`) is compiled with our `lean.h` and linked, with a small C glue
//! file, into a C++ program that calls the exports through `extern "C"` from 8 threads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

const RUNS: usize = 3;

fn repo_dir(relative: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join(relative))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{relative} not found above {}", here.display()))
}

fn c_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            c_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "c") {
            out.push(path);
        }
    }
}

fn check(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn cpp_direct_prelude_world_emitted_c_in_a_cpp_program() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let include = repo_dir("crates/lean-rs-sys/include");
    let sysroot = PathBuf::from(lean_rs_sys::LEAN_SYSROOT.expect("a Lean sysroot"));
    let lib_lean = sysroot.join("lib/lean");
    let mut sources = Vec::new();
    for package in ["lean-rs-shapes", "lean-rs-prelude"] {
        c_files(
            &repo_dir(&format!(".lean-rs/native/{package}/c")),
            &mut sources,
        );
    }
    sources.push(crate_dir.join("tests/cpp/direct_glue.c"));
    // The Callback module of the shapes package calls lean-rs's C callback helpers.
    sources.push(repo_dir("crates/lean-rs/csrc/interop_callback.c"));
    let work = tempfile::tempdir().unwrap();
    let mut objects = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        let object = work.path().join(format!("{i}.o"));
        check(
            Command::new("cc")
                .args(["-std=c11", "-O1", "-fPIC", "-w", "-c"])
                .arg("-I")
                .arg(&include)
                .arg(source)
                .arg("-o")
                .arg(&object),
            &format!("cc {}", source.display()),
        );
        objects.push(object);
    }
    let exe = work.path().join("direct");
    check(
        Command::new("g++")
            .args(["-std=c++17", "-O1", "-Wall", "-Werror", "-pthread"])
            .arg(crate_dir.join("tests/cpp/direct.cpp"))
            .args(&objects)
            .arg("-L")
            .arg(&lib_lean)
            .arg("-lleanshared")
            .arg(format!("-Wl,-rpath,{}", lib_lean.display()))
            .arg("-o")
            .arg(&exe),
        "g++ direct.cpp",
    );
    for run in 0..RUNS {
        let out = Command::new(&exe).arg("200").output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "run {run}: {:?} {stdout} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("direct-cpp threads=8 add_u64=1600 string_append=1600 failures=0"),
            "{stdout}"
        );
        println!("run {run}: {}", stdout.trim());
    }
}
