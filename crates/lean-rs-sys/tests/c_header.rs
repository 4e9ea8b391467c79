//! Holds the project's own C header (`include/lean/lean.h`) to the Rust mirrors and to the real
//! runtime:
//!
//! - a C program that includes the header prints its constants, sizes and offsets, and each is
//!   compared with the value the Rust side defines or measures through its mirrors;
//! - the header refuses an includer that asks for another Lean version;
//! - the C that the sysroot's `bin/lean` emits for `tests/c_header/CHeaderFixture.lean` (a small
//!   `prelude` module) compiles against the header with `-Wall -Werror`, links against the
//!   sysroot's `libleanshared`, and the driver `tests/c_header/driver.c` prints the expected results.
//!
//! The C compiler is the system `cc`, run through `std::process::Command`; outputs go to
//! `CARGO_TARGET_TMPDIR`. Every `unsafe` block only does pointer arithmetic on live objects that
//! the (initialised) runtime or a mirror allocated, and releases what it allocated.

#![allow(
    unsafe_code,
    clippy::undocumented_unsafe_blocks,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lean_rs_sys::*;

/// The Lean version the header is written for (its `LEAN_RS_HEADER_LEAN_VERSION`).
const HEADER_VERSION: &str = "4.35.0";

fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include")
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c_header")
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("c_header")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs `cmd`, failing the test with its output unless it succeeds.
fn run_ok(cmd: &mut Command) -> Output {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `cc` with the flags every compile here uses.
fn cc() -> Command {
    let mut c = Command::new("cc");
    c.args(["-std=c11", "-O2", "-fPIC", "-Wall", "-Werror", "-I"])
        .arg(include_dir());
    c
}

/// `key=value` lines of a program's standard output.
fn key_values(stdout: &[u8]) -> BTreeMap<String, String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Whether the crate was built against the Lean the header is written for; the runtime tests
/// only make sense there.
fn built_against_header_version() -> bool {
    if LEAN_VERSION == HEADER_VERSION {
        true
    } else {
        println!(
            "skipped: lean-rs-sys was built against Lean {LEAN_VERSION}, the header targets {HEADER_VERSION}"
        );
        false
    }
}

const PROBE_C: &str = r#"
#include <lean/lean.h>
#include <stdio.h>
#define P(name, value) printf("%s=%lld\n", name, (long long)(value))
#define PU(name, value) printf("%s=%llu\n", name, (unsigned long long)(value))
int main(void) {
    printf("version=%s\n", LEAN_RS_HEADER_LEAN_VERSION);
    P("sticky_rc", LEAN_RS_HEADER_STICKY_RC);
    P("mimalloc", LEAN_RS_HEADER_MIMALLOC);
    P("LeanMaxCtorTag", LeanMaxCtorTag);
    P("LeanPromise", LeanPromise);
    P("LeanClosure", LeanClosure);
    P("LeanArray", LeanArray);
    P("LeanStructArray", LeanStructArray);
    P("LeanScalarArray", LeanScalarArray);
    P("LeanString", LeanString);
    P("LeanMPZ", LeanMPZ);
    P("LeanThunk", LeanThunk);
    P("LeanTask", LeanTask);
    P("LeanRef", LeanRef);
    P("LeanExternal", LeanExternal);
    P("LeanReserved", LeanReserved);
    P("LEAN_CLOSURE_MAX_ARGS", LEAN_CLOSURE_MAX_ARGS);
    P("LEAN_OBJECT_SIZE_DELTA", LEAN_OBJECT_SIZE_DELTA);
    P("LEAN_MAX_SMALL_OBJECT_SIZE", LEAN_MAX_SMALL_OBJECT_SIZE);
    P("LEAN_MAX_CTOR_FIELDS", LEAN_MAX_CTOR_FIELDS);
    P("LEAN_MAX_CTOR_SCALARS_SIZE", LEAN_MAX_CTOR_SCALARS_SIZE);
    PU("LEAN_MAX_SMALL_NAT", LEAN_MAX_SMALL_NAT);
    P("LEAN_MAX_SMALL_INT", LEAN_MAX_SMALL_INT);
    P("LEAN_MIN_SMALL_INT", LEAN_MIN_SMALL_INT);
    P("LEAN_LINEAR_MARK_MASK", LEAN_LINEAR_MARK_MASK);
    P("LEAN_RC_STICKY", LEAN_RC_STICKY);
    P("LEAN_RC_STICKY_DROP", LEAN_RC_STICKY_DROP);
    PU("LEAN_RC_INC_MAX", LEAN_RC_INC_MAX);
    P("header_size", sizeof(lean_object));
    P("m_cs_sz", offsetof(lean_object, m_cs_sz));
    P("m_other", offsetof(lean_object, m_other));
    P("m_tag", offsetof(lean_object, m_tag));
    P("ctor_objs", offsetof(lean_ctor_object, m_objs));
    P("array_size", offsetof(lean_array_object, m_size));
    P("array_capacity", offsetof(lean_array_object, m_capacity));
    P("array_data", offsetof(lean_array_object, m_data));
    P("sarray_data", offsetof(lean_sarray_object, m_data));
    P("string_size", offsetof(lean_string_object, m_size));
    P("string_length", offsetof(lean_string_object, m_length));
    P("string_header", sizeof(lean_string_object));
    P("closure_arity", offsetof(lean_closure_object, m_arity));
    P("closure_num_fixed", offsetof(lean_closure_object, m_num_fixed));
    P("closure_objs", offsetof(lean_closure_object, m_objs));
    P("external_size", sizeof(lean_external_object));
    P("external_data", offsetof(lean_external_object, m_data));
    PU("box_7", (uintptr_t)lean_box(7));
    PU("unbox_max", lean_unbox(lean_box(LEAN_MAX_SMALL_NAT)));
    P("int_roundtrip", lean_scalar_to_int(lean_int_to_int(INT_MIN)));
    return 0;
}
"#;

/// Byte distance from `base` to `p`.
fn offset_of_ptr<T, U>(base: *const T, p: *const U) -> usize {
    p as usize - base as usize
}

/// The layout numbers the Rust side stands for, measured through its mirrors on live objects.
fn rust_layout() -> BTreeMap<&'static str, i64> {
    common::init_runtime();
    let mut m = BTreeMap::new();
    let i = |v: usize| i64::try_from(v).unwrap();
    unsafe {
        let ctor = lean_alloc_ctor(0, 2, 8);
        m.insert(
            "ctor_objs",
            i(offset_of_ptr(ctor, lean_ctor_obj_cptr(ctor))),
        );
        m.insert(
            "header_size",
            i(offset_of_ptr(ctor, lean_ctor_obj_cptr(ctor))),
        );
        lean_ctor_set(ctor, 0, lean_box(0));
        lean_ctor_set(ctor, 1, lean_box(0));
        lean_dec(ctor);

        let arr = lean_alloc_array(0, 4);
        m.insert("array_data", i(offset_of_ptr(arr, lean_array_cptr(arr))));
        lean_dec(arr);

        let sarr = lean_alloc_sarray(1, 0, 4);
        m.insert(
            "sarray_data",
            i(offset_of_ptr(sarr, lean_sarray_cptr(sarr))),
        );
        lean_dec(sarr);

        let s = lean_mk_string(c"abc".as_ptr());
        m.insert(
            "string_header",
            i(lean_string_byte_size(s) - lean_string_capacity(s)),
        );
        m.insert("string_data", i(offset_of_ptr(s, lean_string_cstr(s))));
        lean_dec(s);

        let clo = lean_alloc_closure(core::ptr::null_mut(), 2, 1);
        m.insert(
            "closure_objs",
            i(offset_of_ptr(clo, lean_closure_arg_cptr(clo))),
        );
        lean_closure_set(clo, 0, lean_box(0));
        lean_free_object(clo); // never applied: free the cell without calling anything
    }
    m
}

#[test]
fn header_constants_and_layouts_match_the_rust_mirrors() {
    let dir = scratch("probe");
    let src = dir.join("probe.c");
    std::fs::write(&src, PROBE_C).unwrap();
    let exe = dir.join("probe");
    run_ok(cc().arg(&src).arg("-o").arg(&exe));
    let got = key_values(&run_ok(&mut Command::new(&exe)).stdout);
    let num = |k: &str| -> i64 {
        got.get(k)
            .unwrap_or_else(|| panic!("probe printed no {k}"))
            .parse()
            .unwrap()
    };

    assert_eq!(got["version"], HEADER_VERSION);
    assert_eq!(
        num("sticky_rc") == 1,
        cfg!(lean_sticky_rc),
        "sticky-count assumption"
    );
    assert_eq!(
        num("mimalloc") == 1,
        cfg!(lean_mimalloc),
        "mimalloc assumption"
    );

    let tags: [(&str, u8); 13] = [
        ("LeanMaxCtorTag", LeanMaxCtorTag),
        ("LeanPromise", LeanPromise),
        ("LeanClosure", LeanClosure),
        ("LeanArray", LeanArray),
        ("LeanStructArray", LeanStructArray),
        ("LeanScalarArray", LeanScalarArray),
        ("LeanString", LeanString),
        ("LeanMPZ", LeanMPZ),
        ("LeanThunk", LeanThunk),
        ("LeanTask", LeanTask),
        ("LeanRef", LeanRef),
        ("LeanExternal", LeanExternal),
        ("LeanReserved", LeanReserved),
    ];
    for (k, v) in tags {
        assert_eq!(num(k), i64::from(v), "{k}");
    }
    let limits: [(&str, i64); 8] = [
        ("LEAN_CLOSURE_MAX_ARGS", LEAN_CLOSURE_MAX_ARGS.into()),
        (
            "LEAN_OBJECT_SIZE_DELTA",
            LEAN_OBJECT_SIZE_DELTA.try_into().unwrap(),
        ),
        (
            "LEAN_MAX_SMALL_OBJECT_SIZE",
            LEAN_MAX_SMALL_OBJECT_SIZE.try_into().unwrap(),
        ),
        ("LEAN_MAX_CTOR_FIELDS", LEAN_MAX_CTOR_FIELDS.into()),
        (
            "LEAN_MAX_CTOR_SCALARS_SIZE",
            LEAN_MAX_CTOR_SCALARS_SIZE.into(),
        ),
        ("LEAN_MAX_SMALL_INT", LEAN_MAX_SMALL_INT),
        ("LEAN_MIN_SMALL_INT", LEAN_MIN_SMALL_INT),
        ("LEAN_LINEAR_MARK_MASK", LEAN_LINEAR_MARK_MASK.into()),
    ];
    for (k, v) in limits {
        assert_eq!(num(k), v, "{k}");
    }
    assert_eq!(got["LEAN_MAX_SMALL_NAT"], LEAN_MAX_SMALL_NAT.to_string());
    assert_eq!(got["unbox_max"], LEAN_MAX_SMALL_NAT.to_string());
    assert_eq!(got["box_7"], (lean_box(7) as usize).to_string());
    assert_eq!(num("int_roundtrip"), i64::from(i32::MIN));
    #[cfg(lean_sticky_rc)]
    {
        assert_eq!(num("LEAN_RC_STICKY"), i64::from(LEAN_RC_STICKY));
        assert_eq!(num("LEAN_RC_STICKY_DROP"), i64::from(LEAN_RC_STICKY_DROP));
        assert_eq!(got["LEAN_RC_INC_MAX"], LEAN_RC_INC_MAX.to_string());
    }

    // Offsets the Rust side measures through its mirrors on live objects.
    for (k, v) in rust_layout() {
        let c_key = if k == "string_data" {
            "string_header"
        } else {
            k
        };
        assert_eq!(num(c_key), v, "{k}: header vs Rust mirror");
    }
    // The rest of the table in docs/architecture/lean-rs-sys-abi.md (verified there on live
    // objects by tests/layout.rs).
    let documented: [(&str, i64); 11] = [
        ("m_cs_sz", 4),
        ("m_other", 6),
        ("m_tag", 7),
        ("array_size", 8),
        ("array_capacity", 16),
        ("string_size", 8),
        ("string_length", 24),
        ("closure_arity", 16),
        ("closure_num_fixed", 18),
        ("external_size", 24),
        ("external_data", 16),
    ];
    for (k, v) in documented {
        assert_eq!(num(k), v, "{k}");
    }
}

#[test]
fn header_refuses_other_lean_versions() {
    let dir = scratch("gate");
    let src = dir.join("gate.c");
    std::fs::write(
        &src,
        "#include <lean/lean.h>\nint main(void) { return 0; }\n",
    )
    .unwrap();
    let compile = |defines: &[&str]| {
        let mut c = cc();
        c.args(defines)
            .arg("-c")
            .arg(&src)
            .arg("-o")
            .arg(dir.join("gate.o"));
        run(&mut c)
    };
    for ok in [
        &[][..],
        &["-DLEAN_VERSION=43500"],
        &[
            "-DLEAN_VERSION_MAJOR=4",
            "-DLEAN_VERSION_MINOR=35",
            "-DLEAN_VERSION_PATCH=0",
        ],
    ] {
        let out = compile(ok);
        assert!(
            out.status.success(),
            "{ok:?} must be accepted: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for bad in [
        &["-DLEAN_VERSION_MINOR=34"][..],
        &["-DLEAN_VERSION_PATCH=1"],
        &["-DLEAN_VERSION_MAJOR=5"],
        &["-DLEAN_VERSION=43400"],
        &["-DLEAN_VERSION=\"4.35.0\""],
    ] {
        let out = compile(bad);
        assert!(!out.status.success(), "{bad:?} must be refused");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("error"), "{bad:?}: {err}");
    }
    // Stricter warnings than emitted code gets: the header alone stays clean.
    let mut strict = cc();
    strict
        .args(["-Wextra", "-pedantic", "-c"])
        .arg(&src)
        .arg("-o")
        .arg(dir.join("strict.o"));
    run_ok(&mut strict);
}

/// `key=value` lines the driver must print (the whole expected output, in order).
const EXPECTED: &[(&str, &str)] = &[
    ("init", "ok"),
    ("nat_big", "123000000000000000000000"),
    ("nat_small", "60"),
    ("nat_small_big", "1020847100762815390390123822295304634372"),
    ("nat_sub_floor", "0"),
    ("nat_sub_big", "340282366920938463463374607431768211455"),
    ("nat_div", "14"),
    ("nat_div_zero", "0"),
    ("nat_lt", "1,0,1"),
    ("nat_overflow_boxed", "1,0"),
    ("nat_overflow", "9223372036854775808"),
    ("greeting", "héllo, wörld!|13|15"),
    ("strlen", "3"),
    ("strbytes", "4"),
    ("const_str", "a closed string|rc=0"),
    ("array_size", "3"),
    ("array_1", "42"),
    ("array_2", "1000000000000000000000"),
    ("bytes_kind", "1,1"),
    ("bytes_sum", "53"),
    ("rec_layout", "objs:2,size:48"),
    ("rec_count", "214"),
    ("rec_ratio", "2.500"),
    ("closure_shape", "1,2,1"),
    ("closure_run", "42"),
    ("closure_apply", "107"),
    ("compose", "46"),
    ("c_closure", "90"),
    ("c_pap", "2001"),
    ("boxed_u64", "18446744073709551614,0"),
    ("u64_head", "18446744073709551614"),
    ("boxed_float", "-1.25"),
    ("closed_big", "1000000000000000000000000000000000000000000"),
    (
        "closed_big_again",
        "1000000000000000000000000000000000000000000",
    ),
    ("closed_list_sum", "6"),
    ("closed_rc", "0,0"),
    ("int_ops", "big:-7000000000 0 1000000000 big:7000000000 1 "),
    ("thunk", "288"),
    ("panic_ok", "3"),
    ("panic_default", "42"),
    ("panic_loud", "42"),
    ("rc_huge", "65538"),
    ("rc_sticky", "1,1,0"),
    ("rc_mt", "-1,-2,-1"),
    ("thread", "18446744073709551716000000000000000000000"),
    ("done", "1"),
];

#[test]
fn emitted_c_of_a_prelude_module_compiles_links_and_runs() {
    if !built_against_header_version() {
        return;
    }
    let sysroot = PathBuf::from(LEAN_SYSROOT.expect("built against a real sysroot"));
    let lean = sysroot.join("bin/lean");
    let libdir = sysroot.join("lib/lean");
    let dir = scratch("fixture");

    // 1. The real compiler emits the C (module name `CHeaderFixture`, from the `-R` root).
    let emitted = dir.join("CHeaderFixture.c");
    run_ok(
        Command::new(&lean)
            .arg("-R")
            .arg(fixture_dir())
            .arg("-c")
            .arg(&emitted)
            .arg(fixture_dir().join("CHeaderFixture.lean")),
    );
    let c = std::fs::read_to_string(&emitted).unwrap();
    for needle in [
        "#include <lean/lean.h>",
        "lean_obj_once(",
        "LEAN_ONCE_CELL_INITIALIZER",
        "static const lean_string_object",
        "static const lean_ctor_object",
        "static const lean_closure_object",
        "lean_ctor_set_uint8(",
        "lean_ctor_get_uint64(",
        "lean_ctor_set_float(",
        "lean_box_float(",
        "lean_alloc_closure(",
        "lean_apply_1(",
        "lean_cstr_to_nat(",
        "LEAN_EXPORT lean_object* initialize_CHeaderFixture(uint8_t builtin)",
    ] {
        assert!(c.contains(needle), "emitted C no longer uses `{needle}`");
    }

    // 2. Compile it against our header, as strictly as the driver.
    let obj = dir.join("CHeaderFixture.o");
    run_ok(cc().arg("-c").arg(&emitted).arg("-o").arg(&obj));

    // 3. Link a shared object against the sysroot's runtime. -Bsymbolic binds the module's own
    //    references (e.g. `l_Nat_add___boxed`, `l_Unit_unit`) to its own definitions, which
    //    libleanshared also exports under the same names.
    let so = dir.join("libcheaderfixture.so");
    let rpath = format!("-Wl,-rpath,{}", libdir.display());
    run_ok(
        Command::new("cc")
            .arg("-shared")
            .arg("-o")
            .arg(&so)
            .arg(&obj)
            .arg("-L")
            .arg(&libdir)
            .args(["-lleanshared", "-Wl,-Bsymbolic"])
            .arg(&rpath),
    );

    // 4. The driver (-fPIC: it reads exported data symbols through the GOT; a copy relocation
    //    would shadow them, since the -Bsymbolic module writes its own copy).
    let exe = dir.join("driver");
    run_ok(
        cc().arg(fixture_dir().join("driver.c"))
            .arg("-o")
            .arg(&exe)
            .arg("-L")
            .arg(&dir)
            .arg("-lcheaderfixture")
            .arg("-L")
            .arg(&libdir)
            .args(["-lleanshared", "-lpthread"])
            .arg(format!("-Wl,-rpath,{}", dir.display()))
            .arg(&rpath),
    );
    let out = run_ok(&mut Command::new(&exe));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let got: Vec<(&str, &str)> = stdout.lines().filter_map(|l| l.split_once('=')).collect();
    for (i, want) in EXPECTED.iter().enumerate() {
        assert_eq!(got.get(i), Some(want), "line {i}; full output:\n{stdout}");
    }
    assert_eq!(got.len(), EXPECTED.len(), "full output:\n{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("fixture panic"),
        "the loud panic reaches stderr: {stderr}"
    );
}
