//! Shared helpers of the worker-mode tests: the shipped worker child, the natively built
//! fixtures, and calling the C ABI from Rust the way a C host does.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)] // calling the C ABI exactly as C does

use std::ffi::CStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use lean_rs_capi::boundary::{LeanRsArg, LeanRsError, LeanRsValue};

/// The profile directory of this test binary (`target/<profile>`; tests live in its `deps`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// The shipped `lean-rs-worker-child` of this profile. A workspace test run builds it (for
/// `lean-rs-worker`'s own tests) before any test starts, so it is used as found; only when it
/// is missing (this package's tests alone) is it built here, since another package's binary
/// is not built for this package's tests. Never rebuilding a present one keeps this from
/// replacing the binary while `lean-rs-worker`'s tests run it. After changing
/// `lean-rs-worker`, rebuild it (`cargo build -p lean-rs-worker --bin lean-rs-worker-child`)
/// before running only these tests.
pub fn worker_child() -> PathBuf {
    static CHILD: OnceLock<PathBuf> = OnceLock::new();
    CHILD
        .get_or_init(|| {
            let dir = profile_dir();
            let child = dir.join("lean-rs-worker-child");
            if child.is_file() {
                return child;
            }
            let mut cargo = Command::new(env!("CARGO"));
            cargo.args([
                "build",
                "--quiet",
                "-p",
                "lean-rs-worker",
                "--bin",
                "lean-rs-worker-child",
            ]);
            match dir.file_name().and_then(|n| n.to_str()) {
                Some("debug") | None => {}
                Some("release") => {
                    cargo.arg("--release");
                }
                Some(other) => {
                    cargo.args(["--profile", other]);
                }
            }
            if let Some(target) = dir.parent() {
                cargo.env("CARGO_TARGET_DIR", target);
            }
            let status = cargo.status().unwrap();
            assert!(
                status.success(),
                "cargo build of lean-rs-worker-child failed"
            );
            assert!(
                child.is_file(),
                "{} missing after the build",
                child.display()
            );
            child
        })
        .clone()
}

/// The worker fixture's capability manifest (`scripts/test` builds it natively).
pub fn worker_manifest() -> PathBuf {
    native_manifest("lean-rs-worker-fixture", "LeanRsWorkerFixture")
}

/// The shapes fixture's capability manifest.
pub fn shapes_manifest() -> PathBuf {
    native_manifest("lean-rs-shapes", "LeanRsShapes")
}

fn native_manifest(package: &str, lib: &str) -> PathBuf {
    lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        package,
        lib,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

pub fn new_error() -> LeanRsError {
    LeanRsError {
        code: -1,
        message_len: 0,
        message: [0; lean_rs_capi::LEAN_RS_ERROR_MESSAGE_CAPACITY],
    }
}

pub fn message(err: &LeanRsError) -> String {
    // SAFETY: the library always NUL-terminates the message.
    unsafe { CStr::from_ptr(err.message.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

pub fn empty() -> LeanRsValue {
    LeanRsValue {
        kind: 0,
        bits: 0,
        real: 0.0,
        data: std::ptr::null_mut(),
        len: 0,
    }
}

pub fn bytes_arg(kind: u32, bytes: &[u8]) -> LeanRsArg {
    LeanRsArg {
        kind,
        bits: 0,
        real: 0.0,
        data: bytes.as_ptr(),
        len: bytes.len(),
    }
}

pub fn bits_arg(kind: u32, bits: u64) -> LeanRsArg {
    LeanRsArg {
        kind,
        bits,
        real: 0.0,
        data: std::ptr::null(),
        len: 0,
    }
}

/// The name of a result code.
pub fn name(code: i32) -> String {
    // SAFETY: a static NUL-terminated string.
    unsafe { CStr::from_ptr(lean_rs_capi::boundary::lean_rs_error_name(code)) }
        .to_string_lossy()
        .into_owned()
}

/// A result copied out of a `LeanRsValue` (whose buffer was then freed).
#[derive(Debug, Clone, PartialEq)]
pub struct Got {
    pub kind: u32,
    pub bits: u64,
    pub real: f64,
    pub data: Vec<u8>,
}

impl Got {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.data).unwrap()
    }
}

/// `lean_rs_call`: `Ok(result)` or `Err((code, message))`.
pub fn call(
    handle: u64,
    symbol: &CStr,
    args: &[LeanRsArg],
    kind: u32,
) -> Result<Got, (i32, String)> {
    let mut out = empty();
    let mut err = new_error();
    // SAFETY: valid pointers; `args` has `args.len()` entries.
    let code = unsafe {
        lean_rs_capi::boundary::lean_rs_call(
            handle,
            symbol.as_ptr(),
            args.as_ptr(),
            args.len(),
            kind,
            &raw mut out,
            &raw mut err,
        )
    };
    assert_eq!(err.code, code);
    if code != lean_rs_capi::LEAN_RS_OK {
        assert_eq!(out.kind, lean_rs_capi::LEAN_RS_KIND_UNIT);
        assert!(out.data.is_null());
        return Err((code, message(&err)));
    }
    let data = if out.data.is_null() {
        Vec::new()
    } else {
        // SAFETY: the library's buffer of `len` bytes.
        unsafe { std::slice::from_raw_parts(out.data, out.len) }.to_vec()
    };
    if !out.data.is_null() {
        // SAFETY: STRING, NAT and INT buffers are NUL-terminated after `len` bytes.
        let nul = unsafe { *out.data.add(out.len) };
        assert_eq!(nul, 0);
    }
    let got = Got {
        kind: out.kind,
        bits: out.bits,
        real: out.real,
        data,
    };
    // SAFETY: a value filled by the library.
    unsafe { lean_rs_capi::boundary::lean_rs_value_free(&raw mut out) };
    assert!(out.data.is_null());
    Ok(got)
}

/// `lean_rs_capability_close`: the code and the message.
pub fn close(handle: u64) -> (i32, String) {
    let mut err = new_error();
    // SAFETY: a writable error.
    let code = unsafe { lean_rs_capi::boundary::lean_rs_capability_close(handle, &raw mut err) };
    assert_eq!(err.code, code);
    (code, message(&err))
}

#[path = "../../../lean-rs-worker/tests/common/procs.rs"]
mod procs;
#[allow(unused_imports)] // not every test binary checks for children
pub use procs::children;

/// Directory holding `liblean_rs_capi.so`: cargo builds it into the test's `deps` directory
/// (and uplifts it to the profile directory only for `cargo build`).
pub fn capi_lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    [deps.clone(), deps.parent().unwrap().to_path_buf()]
        .into_iter()
        .find(|dir| dir.join("liblean_rs_capi.so").is_file())
        .unwrap_or_else(|| {
            panic!(
                "liblean_rs_capi.so missing in {} and its parent",
                deps.display()
            )
        })
}

/// Runs `cmd` to completion with captured output, killing it after `limit` (a hang guard).
pub fn run_bounded(mut cmd: Command, limit: std::time::Duration) -> std::process::Output {
    use std::process::Stdio;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + limit;
    // Drain both pipes on threads so a chatty program cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut buf).unwrap();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut buf).unwrap();
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "timed out after {limit:?}: {}",
                String::from_utf8_lossy(&err.join().unwrap())
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Compiles `source` (under `tests/cpp/`) with g++ against the header and links it to the
/// cdylib; returns the executable in `dir`.
pub fn compile_cpp(source: &str, dir: &Path) -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = capi_lib_dir();
    let exe = dir.join(source.trim_end_matches(".cpp"));
    let mut gxx = Command::new("g++");
    gxx.args([
        "-std=c++17",
        "-O1",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pthread",
    ])
    .arg("-I")
    .arg(crate_dir.join("include"))
    .arg(crate_dir.join("tests/cpp").join(source))
    .arg("-L")
    .arg(&lib_dir)
    .arg("-llean_rs_capi")
    .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
    .arg("-o")
    .arg(&exe);
    let out = run_bounded(gxx, std::time::Duration::from_secs(120));
    assert!(
        out.status.success(),
        "g++ failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}
