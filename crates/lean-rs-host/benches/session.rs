//! Host session benchmarks over the prelude world, through the STAND-IN shim library (see
//! `docs/performance.md`): session import, elaborate of a small term, `kernel_check` of a small
//! theorem, a bulk declaration query of 10 000 names, the same elaborate input through the
//! raw shim export (the Lean work without the host's policy layer), and through a fresh
//! `bin/lean` process per request.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines
)]
// One `unsafe` block: recording the raw baseline's two export signatures.
#![allow(unsafe_code)]

#[path = "../tests/stand_in/mod.rs"]
mod stand_in;

use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use lean_rs::abi::{LeanCtorReader, LeanCtorWriter, LeanStructure};
use lean_rs::{
    LeanBuiltCapability, LeanCapability, LeanExpr, LeanIo, LeanNat, LeanObject, LeanResult,
    LeanStruct,
};
use lean_rs_host::{LeanDeclarationFilter, LeanElabOptions};

const TERM: &str = "LeanRsDecls.double 2";

/// `ElabOpts` for the raw export call.
struct Opts;
impl<'lean> LeanStructure<'lean> for Opts {
    const OBJECT_FIELDS: usize = 4;
    const SCALAR_BYTES: usize = 0;
    fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        out.set(0, LeanNat(200_000u64))?;
        out.set(1, LeanNat(65_536u64))?;
        out.set(2, String::new())?;
        out.set(3, "<lean-rs>".to_owned())
    }
    fn read(_: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        Ok(Self)
    }
}

fn bench(c: &mut Criterion) {
    let host = stand_in::host();
    let caps = host.load_host_capabilities().unwrap();
    let mut group = c.benchmark_group("host");
    group.sample_size(10);

    group.bench_function("session_import", |b| {
        b.iter(|| caps.session(&["LeanRsDecls"], None, None).unwrap());
    });

    let mut s = caps.session(&["LeanRsDecls"], None, None).unwrap();
    let opts = LeanElabOptions::new();
    group.bench_function("elaborate_small_term", |b| {
        b.iter(|| s.elaborate(TERM, None, &opts, None).unwrap().unwrap());
    });

    // The same export called directly through lean-rs (no host policy: no cancellation
    // check, stats, spans or wire decoding), on an environment imported the same way.
    let raw = LeanCapability::from_build_manifest(
        stand_in::runtime(),
        // SAFETY: the prototypes of the ABI table rows `lean_rs_host_session_import` and
        // `lean_rs_host_elaborate`, which the stand-in's table test holds it to.
        unsafe {
            LeanBuiltCapability::path(stand_in::library())
                .package("lean_rs_host_shims")
                .module("LeanRsHostShims")
                .export_signature(
                    "lean_rs_host_session_import",
                    lean_rs::ExportSignature::new(
                        lean_rs::CType::Object,
                        vec![lean_rs::CType::Object, lean_rs::CType::Object],
                    ),
                )
                .export_signature(
                    "lean_rs_host_elaborate",
                    lean_rs::ExportSignature::new(
                        lean_rs::CType::Object,
                        vec![lean_rs::CType::Object; 4],
                    ),
                )
        },
    )
    .unwrap();
    let module = raw.module().unwrap();
    let prelude = stand_in::olean_dir("lean-rs-prelude", "LeanRsPrelude")
        .display()
        .to_string();
    let decls = stand_in::olean_dir("lean-rs-decls", "LeanRsDecls")
        .display()
        .to_string();
    let env = module
        .exported::<(Vec<&str>, Vec<&str>), LeanIo<LeanObject<'static>>>(
            "lean_rs_host_session_import",
        )
        .unwrap()
        .call(vec![&prelude, &decls], vec!["LeanRsDecls"])
        .unwrap();
    let elaborate = module
        .exported::<(
            LeanObject<'static>,
            &str,
            Option<LeanExpr<'static>>,
            LeanStruct<Opts>,
        ), LeanIo<LeanObject<'static>>>("lean_rs_host_elaborate")
        .unwrap();
    group.bench_function("elaborate_small_term_raw_export", |b| {
        b.iter(|| {
            elaborate
                .call(env.clone(), TERM, None, LeanStruct(Opts))
                .unwrap()
        });
    });

    let src = stand_in::snippet("good_theorem.txt");
    group.bench_function("kernel_check_small_theorem", |b| {
        b.iter(|| s.kernel_check(&src, &opts, None, None).unwrap());
    });

    let listed = s
        .list_declarations_filtered(&LeanDeclarationFilter::default(), None, None)
        .unwrap();
    let listed: Vec<String> = listed
        .iter()
        .map(|n| s.name_to_string(n).unwrap())
        .collect();
    let names: Vec<&str> = listed
        .iter()
        .map(String::as_str)
        .cycle()
        .take(10_000)
        .collect();
    group.bench_function("declaration_kind_bulk_10000", |b| {
        b.iter(|| s.declaration_kind_bulk(&names, None, None).unwrap());
    });
    group.bench_function("query_declarations_bulk_10000", |b| {
        b.iter(|| s.query_declarations_bulk(&names, None, None).unwrap());
    });

    // What a process-per-request checker pays: the same term, checked by a fresh `bin/lean`.
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("built against a Lean sysroot");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Request.lean");
    std::fs::write(
        &file,
        format!("prelude\nimport LeanRsDecls\ndef request := {TERM}\n"),
    )
    .unwrap();
    group.bench_function("elaborate_small_term_fresh_bin_lean", |b| {
        b.iter(|| {
            let status = Command::new(format!("{sysroot}/bin/lean"))
                .arg(&file)
                .env("LEAN_PATH", format!("{prelude}:{decls}"))
                .status()
                .unwrap();
            assert!(status.success());
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
