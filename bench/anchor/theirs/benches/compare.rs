//! The side-by-side workloads, through crates.io lean-rs 0.9.4 (the anchor; ../../ours runs
//! the same workloads through this repository's lean-rs). Its lookups of libleanshared's own
//! exports are its `unsafe` unchecked ones, with the signatures the 4.35.0 binary has.
//! Run by scripts/bench-anchor.

#![allow(unsafe_code, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lean_rs::LeanRuntime;
use lean_rs::abi::nat;
use lean_rs::module::LeanLibrary;

const SIZES: [(usize, &str); 3] = [(16, "16B"), (4096, "4KiB"), (1 << 20, "1MiB")];

fn libleanshared() -> PathBuf {
    let sysroot = std::env::var_os("LEAN_SYSROOT").expect("LEAN_SYSROOT names the prefix");
    PathBuf::from(sysroot).join("lib/lean/libleanshared.so")
}

fn workloads(c: &mut Criterion) {
    let runtime = LeanRuntime::init().expect("Lean runtime");
    let library = LeanLibrary::open_globally(runtime, libleanshared()).expect("libleanshared");
    let lean = library.initialize_module("lean", "Lean").expect("Lean");

    // SAFETY: `Char.isAlpha : Char → Bool` is `uint8_t (uint32_t)` in the 4.35.0 binary.
    let is_alpha = unsafe { lean.exported_unchecked::<(char,), bool>("l_Char_isAlpha") }
        .expect("Char.isAlpha");
    c.bench_function("call/char_is_alpha", |b| {
        b.iter(|| is_alpha.call(black_box('q')).expect("call"));
    });

    // SAFETY: `String.capitalize : String → String`, one owned object in, one out.
    let capitalize =
        unsafe { lean.exported_unchecked::<(&str,), String>("lean_string_capitalize") }
            .expect("String.capitalize");
    for (size, label) in SIZES {
        let text: &'static str = Box::leak(format!("A{}", "x".repeat(size - 1)).into_boxed_str());
        assert_eq!(capitalize.call(text).expect("call"), text);
        c.bench_function(&format!("string_roundtrip/{label}"), |b| {
            b.iter(|| capitalize.call(black_box(text)).expect("call"));
        });
        let mut dst = vec![0u8; size];
        c.bench_function(&format!("memcpy/{label}"), |b| {
            b.iter(|| {
                dst.copy_from_slice(black_box(text.as_bytes()));
                black_box(&dst);
            });
        });
    }

    // SAFETY: `Array.reverse` with its erased type argument dropped: one owned array in, one out.
    let reverse =
        unsafe { lean.exported_unchecked::<(Vec<u64>,), Vec<u64>>("l_Array_reverse___redArg") }
            .expect("Array.reverse");
    for (size, label) in SIZES {
        let values: Vec<u64> = (0..(size / 8) as u64).collect();
        let mut expected = values.clone();
        expected.reverse();
        assert_eq!(reverse.call(values.clone()).expect("call"), expected);
        c.bench_function(&format!("array_u64_roundtrip/{label}"), |b| {
            b.iter(|| reverse.call(black_box(values.clone())).expect("call"));
        });
    }

    c.bench_function("nat_u64_roundtrip/small", |b| {
        b.iter(|| nat::try_to_u64(nat::from_u64(runtime, black_box(123_456_789u64))).expect("u64"));
    });
}

criterion_group! {
    name = compare;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
    targets = workloads
}
criterion_main!(compare);
