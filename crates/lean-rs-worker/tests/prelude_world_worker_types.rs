//! Prelude world: the wider L1 types of typed worker calls (`Float32`, `Char`, `Array String`,
//! `Array Nat`, `Array UInt64`, `Option Nat`) against the natively built shapes fixture's
//! compiled exports, each checked in the child against the manifest's C signature.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use lean_rs_worker::{
    LeanWorker, LeanWorkerCapability, LeanWorkerError, LeanWorkerSignature, LeanWorkerType as T,
    LeanWorkerValue as V,
};

fn shapes_worker() -> (LeanWorker, LeanWorkerCapability) {
    let manifest = lean_toolchain::native::local_capability_manifest(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "lean-rs-shapes",
        "LeanRsShapes",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut worker = LeanWorker::spawn(common::config()).unwrap();
    let capability = worker.open_capability(manifest).unwrap();
    (worker, capability)
}

fn call(
    worker: &mut LeanWorker,
    cap: &LeanWorkerCapability,
    export: &str,
    params: &[T],
    result: T,
    args: Vec<V>,
) -> Result<V, LeanWorkerError> {
    let signature = LeanWorkerSignature::pure(params.to_vec(), result);
    worker.call(cap, export, &signature, args)
}

#[test]
fn prelude_world_worker_calls_carry_arrays() {
    let (mut w, cap) = shapes_worker();
    let strings = V::StringArray(vec!["a".into(), "βγ".into(), String::new()]);
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_array_string_suffix",
            &[T::StringArray, T::String],
            T::StringArray,
            vec![strings, V::string("!")]
        )
        .unwrap(),
        V::StringArray(vec!["a!".into(), "βγ!".into(), "!".into()])
    );
    let big = "340282366920938463463374607431768211456"; // 2^128
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_array_nat_sum",
            &[T::NatArray],
            T::Nat,
            vec![V::NatArray(vec![big.into(), "1".into()])]
        )
        .unwrap(),
        V::Nat("340282366920938463463374607431768211457".into())
    );
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_array_u64_range",
            &[T::Nat],
            T::U64Array,
            vec![V::nat(4u32)]
        )
        .unwrap(),
        V::U64Array(vec![0, 1, 2, 3])
    );
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_array_u64_sum",
            &[T::U64Array],
            T::U64,
            vec![V::U64Array(vec![u64::MAX, 2])]
        )
        .unwrap(),
        V::U64(1),
        "UInt64 addition wraps"
    );
    assert_eq!(w.generation(), 1);
}

#[test]
fn prelude_world_worker_calls_carry_options_float32_and_char() {
    let (mut w, cap) = shapes_worker();
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_option_some",
            &[T::Nat],
            T::OptionNat,
            vec![V::nat(7u32)]
        )
        .unwrap(),
        V::OptionNat(Some("7".into()))
    );
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_option_none",
            &[T::Unit],
            T::OptionNat,
            vec![V::Unit]
        )
        .unwrap(),
        V::OptionNat(None)
    );
    for (option, expected) in [(Some("5"), "5"), (None, "9")] {
        assert_eq!(
            call(
                &mut w,
                &cap,
                "lean_rs_shapes_option_get_d",
                &[T::OptionNat, T::Nat],
                T::Nat,
                vec![V::OptionNat(option.map(Into::into)), V::nat(9u32)]
            )
            .unwrap(),
            V::Nat(expected.into())
        );
    }
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_add_float32",
            &[T::F32, T::F32],
            T::F32,
            vec![V::F32(1.5), V::F32(0.25)]
        )
        .unwrap(),
        V::F32(1.75)
    );
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_char_next",
            &[T::Char],
            T::Char,
            vec![V::Char('λ')]
        )
        .unwrap(),
        V::Char('μ')
    );
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_char_to_nat",
            &[T::Char],
            T::Nat,
            vec![V::Char('é')]
        )
        .unwrap(),
        V::nat(0xe9u32)
    );
    assert_eq!(w.generation(), 1);
}

#[test]
fn prelude_world_worker_wider_types_are_checked_against_the_manifest() {
    let (mut w, cap) = shapes_worker();
    // `Float32` is `float`, not `double`: claiming `Float` is refused before the call.
    let err = call(
        &mut w,
        &cap,
        "lean_rs_shapes_add_float32",
        &[T::F64, T::F64],
        T::F64,
        vec![V::F64(1.0), V::F64(2.0)],
    )
    .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Lean { code, .. } if code == "lean_rs.signature_mismatch"),
        "{err:?}"
    );
    // A malformed Nat element is the child's typed refusal, not a crash.
    let err = call(
        &mut w,
        &cap,
        "lean_rs_shapes_array_nat_sum",
        &[T::NatArray],
        T::Nat,
        vec![V::NatArray(vec!["12x".into()])],
    )
    .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Lean { code, .. } if code == "lean_rs_worker.invalid_request"),
        "{err:?}"
    );
    // Argument and signature disagree: refused in the parent.
    let err = call(
        &mut w,
        &cap,
        "lean_rs_shapes_char_next",
        &[T::Char],
        T::Char,
        vec![V::U32(65)],
    )
    .unwrap_err();
    assert!(matches!(err, LeanWorkerError::InvalidRequest(_)), "{err:?}");
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_shapes_char_next",
            &[T::Char],
            T::Char,
            vec![V::Char('A')]
        )
        .unwrap(),
        V::Char('B')
    );
    assert_eq!(w.generation(), 1);
}

#[test]
fn prelude_world_worker_calls_take_five_to_eight_object_arguments() {
    let (mut w, cap) = common::fixture_worker(common::config());
    let strings = |n: usize| {
        (0..n)
            .map(|i| V::String(format!("s{i}")))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        call(
            &mut w,
            &cap,
            "lean_rs_worker_join5",
            &[T::String; 5],
            T::String,
            strings(5)
        )
        .unwrap(),
        V::string("s0|s1|s2|s3|s4")
    );
    let signature = LeanWorkerSignature::io(
        [
            T::String,
            T::Nat,
            T::String,
            T::Nat,
            T::String,
            T::String,
            T::String,
            T::Nat,
        ],
        T::String,
    );
    let args = vec![
        V::string("a"),
        V::Nat("18446744073709551616".into()),
        V::string("c"),
        V::nat(4u32),
        V::string("e"),
        V::string("f"),
        V::string("g"),
        V::nat(8u32),
    ];
    assert_eq!(
        w.call(&cap, "lean_rs_worker_join8", &signature, args)
            .unwrap(),
        V::string("a|18446744073709551616|c|4|e|f|g|8")
    );
    // Wider than eight, or five with a scalar among them: refused with the supported shapes.
    for (params, args) in [
        (vec![T::String; 9], strings(9)),
        (
            vec![T::String, T::String, T::U64, T::String, T::String],
            vec![
                V::string("a"),
                V::string("b"),
                V::U64(3),
                V::string("d"),
                V::string("e"),
            ],
        ),
    ] {
        let err = call(
            &mut w,
            &cap,
            "lean_rs_worker_join5",
            &params,
            T::String,
            args,
        )
        .unwrap_err();
        assert!(
            matches!(&err, LeanWorkerError::Lean { message, .. } if message.contains("five to eight of object types")),
            "{err:?}"
        );
    }
    // The manifest still decides: five strings claimed for the eight-argument export.
    let err = call(
        &mut w,
        &cap,
        "lean_rs_worker_join8",
        &[T::String; 5],
        T::String,
        strings(5),
    )
    .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Lean { code, .. } if code == "lean_rs.signature_mismatch"),
        "{err:?}"
    );
    assert_eq!(w.generation(), 1);
}

#[test]
fn prelude_world_worker_streams_take_four_object_arguments() {
    use lean_rs_worker::{LeanWorkerCommitBuffer, LeanWorkerStreamingCommand};
    let (mut w, cap) = common::fixture_worker(common::config());
    let labeled = LeanWorkerStreamingCommand::text(
        "lean_rs_worker_rows_labeled",
        [T::Nat, T::String, T::String, T::Nat],
    );
    let mut buffer = LeanWorkerCommitBuffer::new();
    let args = vec![V::nat(3u32), V::string("<"), V::string(">"), V::nat(5u32)];
    let summary = labeled.run(&mut w, &cap, args, &mut buffer, None).unwrap();
    assert_eq!(summary.rows, 3);
    assert_eq!(buffer.committed(), ["<0>", "<5>", "<10>"]);
    // Five arguments, or a scalar among three or more: refused, the child keeps serving.
    let five = LeanWorkerStreamingCommand::text(
        "lean_rs_worker_rows_labeled",
        [T::Nat, T::String, T::String, T::Nat, T::String],
    );
    let args = vec![
        V::nat(1u32),
        V::string("a"),
        V::string("b"),
        V::nat(1u32),
        V::string("c"),
    ];
    let err = five.run(&mut w, &cap, args, &mut buffer, None).unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Lean { message, .. } if message.contains("three or four of object types")),
        "{err:?}"
    );
    let mixed = LeanWorkerStreamingCommand::text(
        "lean_rs_worker_rows_labeled",
        [T::Nat, T::String, T::U64],
    );
    let args = vec![V::nat(1u32), V::string("a"), V::U64(1)];
    let err = mixed
        .run(&mut w, &cap, args, &mut buffer, None)
        .unwrap_err();
    assert!(
        matches!(&err, LeanWorkerError::Lean { message, .. } if message.contains("three or four of object types")),
        "{err:?}"
    );
    assert_eq!(buffer.committed().len(), 3, "failed streams commit nothing");
    assert_eq!(w.generation(), 1);
}
