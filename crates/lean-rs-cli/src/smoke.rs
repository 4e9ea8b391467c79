//! The doctor's smoke test, run in a child process so a crash inside Lean cannot
//! take the doctor down and the parent can report it.
//!
//! Raw FFI outside lean-rs-sys is a recorded exception (docs/DEVIATIONS.md): the
//! doctor must exercise the *discovered* runtime through `dlopen`, not the one
//! lean-rs-sys linked at build time, so it declares the few entry points it calls.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_char, c_void};
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// What the child reports on its one line of stdout.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmokeReport {
    /// True when every check passed.
    pub ok: bool,
    /// `lean_initialize_runtime_module` + `lean_initialize`, in milliseconds.
    pub init_ms: f64,
    /// Building three names and comparing/hashing them, in microseconds.
    pub call_us: f64,
    /// One line per check.
    pub checks: Vec<String>,
    /// The failure, if any.
    pub error: Option<String>,
}

type Obj = *mut c_void;
type InitFn = unsafe extern "C" fn();
type MkStringFn = unsafe extern "C" fn(*const c_char) -> Obj;
type NameMkStringFn = unsafe extern "C" fn(Obj, Obj) -> Obj;
type NameEqFn = unsafe extern "C" fn(Obj, Obj) -> u8;
/// `lean_name_hash_exported` consumes its (owned) argument.
type NameHashFn = unsafe extern "C" fn(Obj) -> u64;

/// Lean's boxed scalar `0`, which is also `Name.anonymous`.
const BOXED_ZERO: usize = 1;

struct Api {
    init_runtime: InitFn,
    initialize: InitFn,
    mk_string: MkStringFn,
    name_mk_string: NameMkStringFn,
    name_eq: NameEqFn,
    name_hash: NameHashFn,
}

fn symbol<T: Copy>(lib: &libloading::Library, name: &CStr) -> Result<T, String> {
    // SAFETY: every `T` used with this helper is the C signature of `name` as declared in
    // lean.h (runtime functions) or by the `@[export]` Lean definition; the returned pointer
    // is only used while `lib` stays loaded (the child never unloads it).
    unsafe { lib.get::<T>(name.to_bytes_with_nul()).map(|s| *s) }
        .map_err(|e| format!("symbol {} missing: {e}", name.to_string_lossy()))
}

/// Loads `library`, initialises Lean, and checks real Lean-compiled exports.
pub fn run(library: &Path) -> SmokeReport {
    let mut report = SmokeReport {
        ok: false,
        init_ms: 0.0,
        call_us: 0.0,
        checks: Vec::new(),
        error: None,
    };
    if let Err(e) = run_checks(library, &mut report) {
        report.error = Some(e);
    } else {
        report.ok = true;
    }
    report
}

fn run_checks(library: &Path, report: &mut SmokeReport) -> Result<(), String> {
    // SAFETY: loading runs the library's ELF constructors. The path is the runtime the
    // discovery step verified (structure, digests, reported version); the child process
    // exists precisely so that a misbehaving library only kills the child.
    let lib = unsafe { libloading::Library::new(library) }
        .map_err(|e| format!("dlopen {} failed: {e}", library.display()))?;
    let api = Api {
        init_runtime: symbol(&lib, c"lean_initialize_runtime_module")?,
        initialize: symbol(&lib, c"lean_initialize")?,
        mk_string: symbol(&lib, c"lean_mk_string")?,
        name_mk_string: symbol(&lib, c"lean_name_mk_string")?,
        name_eq: symbol(&lib, c"lean_name_eq")?,
        name_hash: symbol(&lib, c"lean_name_hash_exported")?,
    };
    report.checks.push("resolved 6 symbols".to_owned());

    let start = Instant::now();
    // SAFETY: Lean's documented start-up order, called once, on this (the main) thread,
    // before any other Lean function.
    unsafe {
        (api.init_runtime)();
        (api.initialize)();
    }
    report.init_ms = start.elapsed().as_secs_f64() * 1e3;
    report
        .checks
        .push("lean_initialize_runtime_module + lean_initialize returned".to_owned());

    let start = Instant::now();
    let name = |parts: &[&CStr]| {
        parts.iter().fold(BOXED_ZERO as Obj, |prefix, part| {
            // SAFETY: `lean_mk_string` copies a NUL-terminated UTF-8 string into a fresh
            // owned object; `lean_name_mk_string` consumes both owned arguments (the
            // prefix is a name built here or the boxed `Name.anonymous`) and returns an
            // owned name.
            unsafe { (api.name_mk_string)(prefix, (api.mk_string)(part.as_ptr())) }
        })
    };
    let a = name(&[c"lean", c"rs"]);
    let b = name(&[c"lean", c"rs"]);
    let c = name(&[c"lean", c"rust"]);
    // SAFETY: `a`, `b`, `c` are live owned names built above. `lean_name_eq` borrows its
    // arguments, so it runs first; `lean_name_hash_exported` takes an owned argument (lean.h:
    // `lean_obj_arg`) and consumes each name exactly once, after which none is touched again
    // (the pointer comparison below reads no memory).
    let (same, different, hash_a, hash_b, hash_c) = unsafe {
        (
            (api.name_eq)(a, b),
            (api.name_eq)(a, c),
            (api.name_hash)(a),
            (api.name_hash)(b),
            (api.name_hash)(c),
        )
    };
    report.call_us = start.elapsed().as_secs_f64() * 1e6;
    if a == b {
        return Err("two separately built names share one object".to_owned());
    }
    if same != 1 {
        return Err(format!(
            "lean_name_eq(`lean.rs`, `lean.rs`) returned {same}, expected 1"
        ));
    }
    if different != 0 {
        return Err(format!(
            "lean_name_eq(`lean.rs`, `lean.rust`) returned {different}, expected 0"
        ));
    }
    if hash_a != hash_b || hash_a == hash_c {
        return Err(format!(
            "name hashes inconsistent: {hash_a:#x} {hash_b:#x} {hash_c:#x}"
        ));
    }
    report
        .checks
        .push("lean_name_mk_string built `lean.rs` twice and `lean.rust`".to_owned());
    report
        .checks
        .push("lean_name_eq: equal names 1, different names 0".to_owned());
    report
        .checks
        .push(format!("lean_name_hash_exported agrees ({hash_a:#x})"));
    // The library stays loaded until the child exits.
    std::mem::forget(lib);
    Ok(())
}
