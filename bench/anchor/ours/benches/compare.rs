//! The side-by-side workloads, through this repository's lean-rs (see ../../theirs for the
//! same workloads through crates.io lean-rs 0.9.4). Every Lean function is compiled Lean in
//! the real 4.35.0 libleanshared. Run by scripts/bench-anchor.

#![allow(clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lean_rs::{LeanLibrary, LeanNat, LeanObject, LeanRuntime, LeanString};

const SIZES: [(usize, &str); 3] = [(16, "16B"), (4096, "4KiB"), (1 << 20, "1MiB")];

fn libleanshared() -> PathBuf {
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("lean-rs-sys built against a sysroot");
    PathBuf::from(sysroot).join("lib/lean/libleanshared.so")
}

fn workloads(c: &mut Criterion) {
    let runtime = LeanRuntime::init().expect("Lean runtime");
    let library = LeanLibrary::open_globally(runtime, libleanshared()).expect("libleanshared");
    let lean = library.initialize_module_unpackaged("Lean").expect("Lean");

    let is_alpha = lean
        .exported::<(char,), bool>("l_Char_isAlpha")
        .expect("Char.isAlpha");
    c.bench_function("call/char_is_alpha", |b| {
        b.iter(|| is_alpha.call(black_box('q')).expect("call"));
    });

    let capitalize = lean
        .exported::<(&str,), String>("lean_string_capitalize")
        .expect("String.capitalize");
    let capitalize_in_place = lean
        .exported::<(&str,), LeanString<'_>>("lean_string_capitalize")
        .expect("String.capitalize");
    for (size, label) in SIZES {
        let text: &'static str = Box::leak(format!("A{}", "x".repeat(size - 1)).into_boxed_str());
        assert_eq!(capitalize.call(text).expect("call"), text);
        c.bench_function(&format!("string_roundtrip/{label}"), |b| {
            b.iter(|| capitalize.call(black_box(text)).expect("call"));
        });
        // Ours only: the result read in place (`LeanString`), one copy per round trip.
        c.bench_function(&format!("string_roundtrip_in_place/{label}"), |b| {
            b.iter(|| capitalize_in_place.call(black_box(text)).expect("call").len());
        });
        let mut dst = vec![0u8; size];
        c.bench_function(&format!("memcpy/{label}"), |b| {
            b.iter(|| {
                dst.copy_from_slice(black_box(text.as_bytes()));
                black_box(&dst);
            });
        });
    }

    let reverse = lean
        .exported::<(Vec<u64>,), Vec<u64>>("l_Array_reverse___redArg")
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
        b.iter(|| {
            let nat = LeanObject::new(runtime, LeanNat(black_box(123_456_789u64))).expect("Nat");
            nat.decode::<LeanNat<u64>>().expect("u64").0
        });
    });
}

criterion_group! {
    name = compare;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
    targets = workloads
}
criterion_main!(compare);
