//! Hot paths of `lean_rs::module` and `lean_rs::abi`, measured against real Lean functions
//! compiled into `libleanshared` (Lean 4.35.0).
//!
//! ```text
//! cargo bench -p lean-rs --bench hot_paths -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! * `call/*`: a typed `LeanExported::call` of `Char.isAlpha : Char → Bool` versus a raw
//!   `extern "C"` call through a function pointer to the same address.
//! * `string_roundtrip/*`: `&str` → Lean `String` → `String.capitalize` (returns its argument
//!   unchanged for text that starts with an upper-case letter) → Rust `String`, versus a
//!   `memcpy` of the same bytes.
//! * `array_roundtrip/*`: `Vec<u64>` → `Array UInt64` → `Array.reverse` → `Vec<u64>`, versus a
//!   `memcpy` of the same bytes.

#![allow(unsafe_code)]
// the raw function-pointer baseline
// A benchmark aborts on a broken setup; criterion's macros generate undocumented items.
#![allow(clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lean_rs::{LeanLibrary, LeanRuntime};

const SIZES: [(usize, &str); 3] = [(16, "16B"), (4096, "4KiB"), (1 << 20, "1MiB")];

fn library() -> LeanLibrary<'static> {
    let runtime = LeanRuntime::init().expect("Lean runtime");
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("lean-rs-sys built against a sysroot");
    LeanLibrary::open_globally(
        runtime,
        PathBuf::from(sysroot).join("lib/lean/libleanshared.so"),
    )
    .expect("libleanshared opens")
}

fn calls(c: &mut Criterion) {
    let library = library();
    let lean = library
        .initialize_module_unpackaged("Lean")
        .expect("Lean module");
    let typed = lean
        .exported::<(char,), bool>("l_Char_isAlpha")
        .expect("Char.isAlpha");
    // SAFETY: `Char.isAlpha : Char → Bool` compiles to `uint8_t (uint32_t)`.
    let raw = unsafe {
        std::mem::transmute::<*mut std::ffi::c_void, extern "C" fn(u32) -> u8>(typed.address())
    };
    let mut group = c.benchmark_group("call");
    group.bench_function("typed_char_is_alpha", |b| {
        b.iter(|| typed.call(black_box('q')).expect("call"));
    });
    group.bench_function("raw_fn_pointer_char_is_alpha", |b| {
        b.iter(|| raw(black_box(u32::from('q'))) != 0);
    });
    group.finish();
}

fn strings(c: &mut Criterion) {
    let library = library();
    let lean = library
        .initialize_module_unpackaged("Lean")
        .expect("Lean module");
    let identity = lean
        .exported::<(&str,), String>("lean_string_capitalize")
        .expect("String.capitalize");
    let mut group = c.benchmark_group("string_roundtrip");
    for (size, label) in SIZES {
        let text: &'static str = Box::leak(format!("A{}", "x".repeat(size - 1)).into_boxed_str());
        assert_eq!(identity.call(text).expect("call"), text);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(BenchmarkId::new("lean", label), |b| {
            b.iter(|| identity.call(black_box(text)).expect("call"));
        });
        let mut dst = vec![0u8; size];
        group.bench_function(BenchmarkId::new("memcpy", label), |b| {
            b.iter(|| {
                dst.copy_from_slice(black_box(text.as_bytes()));
                black_box(&dst);
            });
        });
    }
    group.finish();
}

fn arrays(c: &mut Criterion) {
    let library = library();
    let lean = library
        .initialize_module_unpackaged("Lean")
        .expect("Lean module");
    let reverse = lean
        .exported::<(Vec<u64>,), Vec<u64>>("l_Array_reverse___redArg")
        .expect("Array.reverse");
    let mut group = c.benchmark_group("array_roundtrip");
    for (size, label) in SIZES {
        let values: Vec<u64> = (0..(size / 8) as u64).collect();
        let mut expected = values.clone();
        expected.reverse();
        assert_eq!(reverse.call(values.clone()).expect("call"), expected);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("lean", label), &values, |b, values| {
            b.iter(|| reverse.call(black_box(values.clone())).expect("call"));
        });
        let mut dst = vec![0u64; values.len()];
        group.bench_with_input(BenchmarkId::new("memcpy", label), &values, |b, values| {
            b.iter(|| {
                dst.copy_from_slice(black_box(values));
                black_box(&dst);
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = hot_paths;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = calls, strings, arrays
}
criterion_main!(hot_paths);
