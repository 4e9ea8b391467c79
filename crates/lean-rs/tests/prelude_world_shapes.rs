//! Tier 1, prelude world: every L1 conversion and call shape against natively compiled Lean
//! code — `fixtures/prelude-world/shapes` (`lean-rs-shapes`), built by the real 4.35.0
//! `bin/lean` over our mini prelude and loaded through its capability manifest, whose export
//! signatures come from the emitted C. Values cross in both directions between our compiled
//! code, libleanshared's runtime and Rust.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::float_cmp)] // exact IEEE results are the point

mod prelude_world;

use std::sync::{Arc, Mutex};

use lean_rs::abi::{LeanByteArray, LeanCtorReader, LeanCtorWriter, LeanStructure};
use lean_rs::{
    LeanBuiltCapability, LeanCallbackFlow, LeanCallbackHandle, LeanCapability, LeanDiagnosticCode,
    LeanError, LeanExceptionKind, LeanIo, LeanModule, LeanObject, LeanProgressTick, LeanResult,
    LeanRuntime, LeanStringEvent, LeanStruct,
};
use num_bigint::{BigInt, BigUint};

fn capability() -> &'static LeanCapability<'static> {
    let runtime = LeanRuntime::init().unwrap();
    let manifest = prelude_world::manifest("lean-rs-shapes", "LeanRsShapes");
    Box::leak(Box::new(
        LeanCapability::from_build_manifest(runtime, LeanBuiltCapability::manifest_path(manifest))
            .unwrap(),
    ))
}

fn shapes() -> LeanModule<'static, 'static> {
    capability().module().unwrap()
}

fn pow2(n: u32) -> BigUint {
    BigUint::from(1u8) << n
}

#[test]
fn prelude_world_scalars_cross_unchanged() {
    let m = shapes();
    let not = m.exported::<(bool,), bool>("lean_rs_shapes_not").unwrap();
    assert!(not.call(false).unwrap());
    assert!(!not.call(true).unwrap());
    let and = m
        .exported::<(bool, bool), bool>("lean_rs_shapes_and")
        .unwrap();
    assert!(and.call(true, true).unwrap());
    assert!(!and.call(true, false).unwrap());
    let add_u8 = m.exported::<(u8, u8), u8>("lean_rs_shapes_add_u8").unwrap();
    assert_eq!(add_u8.call(250, 10).unwrap(), 4, "UInt8 wraps");
    let mul_u16 = m
        .exported::<(u16, u16), u16>("lean_rs_shapes_mul_u16")
        .unwrap();
    assert_eq!(mul_u16.call(300, 300).unwrap(), 300u16.wrapping_mul(300));
    let add_u32 = m
        .exported::<(u32, u32), u32>("lean_rs_shapes_add_u32")
        .unwrap();
    assert_eq!(add_u32.call(u32::MAX, 2).unwrap(), 1);
    let add_u64 = m
        .exported::<(u64, u64), u64>("lean_rs_shapes_add_u64")
        .unwrap();
    assert_eq!(add_u64.call(u64::MAX - 1, 3).unwrap(), 1);
    assert_eq!(add_u64.call(1 << 40, 5).unwrap(), (1 << 40) + 5);
    let add_usize = m
        .exported::<(usize, usize), usize>("lean_rs_shapes_add_usize")
        .unwrap();
    assert_eq!(add_usize.call(usize::MAX, 1).unwrap(), 0);
    let wrap = m.exported::<((),), u64>("lean_rs_shapes_u64_wrap").unwrap();
    assert_eq!(wrap.call(()).unwrap(), 5, "UInt64.ofNat (2^64 + 5)");
}

#[test]
fn prelude_world_floats_and_chars() {
    let m = shapes();
    let mul = m
        .exported::<(f64, f64), f64>("lean_rs_shapes_mul_float")
        .unwrap();
    assert_eq!(mul.call(1.5, -4.0).unwrap(), -6.0);
    assert!(mul.call(f64::INFINITY, 0.0).unwrap().is_nan());
    let sqrt = m
        .exported::<(f64,), f64>("lean_rs_shapes_float_sqrt")
        .unwrap();
    assert_eq!(sqrt.call(2.0).unwrap(), 2f64.sqrt());
    let of_nat = m
        .exported::<(BigUint,), f64>("lean_rs_shapes_float_of_nat")
        .unwrap();
    assert_eq!(of_nat.call(BigUint::from(12345u32)).unwrap(), 12345.0);
    assert_eq!(
        of_nat.call(pow2(100)).unwrap(),
        2f64.powi(100),
        "a bignum Nat to Float"
    );
    let add32 = m
        .exported::<(f32, f32), f32>("lean_rs_shapes_add_float32")
        .unwrap();
    assert_eq!(add32.call(0.25, 0.5).unwrap(), 0.75);
    let next = m
        .exported::<(char,), char>("lean_rs_shapes_char_next")
        .unwrap();
    assert_eq!(next.call('a').unwrap(), 'b');
    assert_eq!(
        next.call('\u{D7FF}').unwrap(),
        '\0',
        "0xD800 is no scalar value"
    );
    let to_nat = m
        .exported::<(char,), BigUint>("lean_rs_shapes_char_to_nat")
        .unwrap();
    assert_eq!(to_nat.call('λ').unwrap(), BigUint::from('λ' as u32));
}

#[test]
fn prelude_world_nat_and_int_small_and_huge() {
    let m = shapes();
    let succ = m
        .exported::<(BigUint,), BigUint>("lean_rs_shapes_nat_succ")
        .unwrap();
    assert_eq!(succ.call(BigUint::from(41u8)).unwrap(), BigUint::from(42u8));
    // The boundary where Lean switches from a boxed scalar to a bignum.
    let boundary = BigUint::from(usize::MAX >> 1);
    assert_eq!(succ.call(boundary.clone()).unwrap(), boundary + 1u8);
    assert_eq!(succ.call(pow2(200)).unwrap(), pow2(200) + 1u8);
    let add = m
        .exported::<(BigUint, BigUint), BigUint>("lean_rs_shapes_nat_add")
        .unwrap();
    assert_eq!(add.call(pow2(64), pow2(64)).unwrap(), pow2(65));
    let mul = m
        .exported::<(BigUint, BigUint), BigUint>("lean_rs_shapes_nat_mul")
        .unwrap();
    assert_eq!(mul.call(pow2(300), pow2(4)).unwrap(), pow2(304));
    let p2 = m
        .exported::<(BigUint,), BigUint>("lean_rs_shapes_nat_pow2")
        .unwrap();
    assert_eq!(p2.call(BigUint::from(4099u32)).unwrap(), pow2(4099));
    let eq = m
        .exported::<(BigUint, BigUint), bool>("lean_rs_shapes_nat_eq")
        .unwrap();
    assert!(eq.call(pow2(90), pow2(90)).unwrap());
    assert!(!eq.call(pow2(90), pow2(91)).unwrap());
    let divmod = m
        .exported::<(BigUint, BigUint), (BigUint, BigUint)>("lean_rs_shapes_nat_divmod")
        .unwrap();
    assert_eq!(
        divmod.call(pow2(130) + 7u8, pow2(65)).unwrap(),
        (pow2(65), BigUint::from(7u8))
    );

    let neg = m
        .exported::<(BigInt,), BigInt>("lean_rs_shapes_int_neg")
        .unwrap();
    assert_eq!(neg.call(BigInt::from(5)).unwrap(), BigInt::from(-5));
    assert_eq!(
        neg.call(BigInt::from(i64::MIN)).unwrap(),
        -BigInt::from(i64::MIN)
    );
    let int_add = m
        .exported::<(BigInt, BigInt), BigInt>("lean_rs_shapes_int_add")
        .unwrap();
    assert_eq!(
        int_add.call(BigInt::from(-3), BigInt::from(10)).unwrap(),
        BigInt::from(7)
    );
    let int_mul = m
        .exported::<(BigInt, BigInt), BigInt>("lean_rs_shapes_int_mul")
        .unwrap();
    let big = BigInt::from(pow2(100));
    assert_eq!(
        int_mul.call(-big.clone(), big.clone()).unwrap(),
        -BigInt::from(pow2(200))
    );
    let neg_succ = m
        .exported::<(BigUint,), BigInt>("lean_rs_shapes_int_neg_succ")
        .unwrap();
    assert_eq!(neg_succ.call(BigUint::from(4u8)).unwrap(), BigInt::from(-5));
    let abs = m
        .exported::<(BigInt,), BigUint>("lean_rs_shapes_int_nat_abs")
        .unwrap();
    assert_eq!(abs.call(-big).unwrap(), pow2(100));
    let neg_p2 = m
        .exported::<(BigUint,), BigInt>("lean_rs_shapes_int_neg_pow2")
        .unwrap();
    assert_eq!(
        neg_p2.call(BigUint::from(70u8)).unwrap(),
        -BigInt::from(pow2(70))
    );
}

#[test]
fn prelude_world_strings_and_byte_arrays() {
    let m = shapes();
    let len = m
        .exported::<(&str,), BigUint>("lean_rs_shapes_string_length")
        .unwrap();
    assert_eq!(
        len.call("héllo, λ").unwrap(),
        BigUint::from(8u8),
        "scalar values"
    );
    let bytes = m
        .exported::<(&str,), BigUint>("lean_rs_shapes_string_byte_size")
        .unwrap();
    assert_eq!(bytes.call("héllo, λ").unwrap(), BigUint::from(10u8));
    let append = m
        .exported::<(&str, &str), String>("lean_rs_shapes_string_append")
        .unwrap();
    assert_eq!(append.call("Lean ", "4 ✓").unwrap(), "Lean 4 ✓");
    let id = m
        .exported::<(String,), String>("lean_rs_shapes_string_id")
        .unwrap();
    let long: String = "ab€".repeat(100_000);
    assert_eq!(id.call(long.clone()).unwrap(), long);
    assert_eq!(id.call(String::new()).unwrap(), "");
    let push = m
        .exported::<(&str, char), String>("lean_rs_shapes_string_push")
        .unwrap();
    assert_eq!(push.call("ok", '🎉').unwrap(), "ok🎉");
    let eq = m
        .exported::<(&str, &str), bool>("lean_rs_shapes_string_eq")
        .unwrap();
    assert!(eq.call("same", "same").unwrap());
    assert!(!eq.call("same", "Same").unwrap());

    let size = m
        .exported::<(&[u8],), BigUint>("lean_rs_shapes_bytes_size")
        .unwrap();
    assert_eq!(size.call(&[1, 2, 3][..]).unwrap(), BigUint::from(3u8));
    let bpush = m
        .exported::<(LeanByteArray, u8), LeanByteArray>("lean_rs_shapes_bytes_push")
        .unwrap();
    assert_eq!(
        bpush.call(LeanByteArray(vec![9, 8]), 7).unwrap(),
        LeanByteArray(vec![9, 8, 7])
    );
    let get = m
        .exported::<(&[u8], BigUint), u8>("lean_rs_shapes_bytes_get")
        .unwrap();
    assert_eq!(get.call(&[5, 6, 7][..], BigUint::from(2u8)).unwrap(), 7);
    let range = m
        .exported::<(BigUint,), LeanByteArray>("lean_rs_shapes_bytes_range")
        .unwrap();
    let expected: Vec<u8> = (0..300u32)
        .map(|i| u8::try_from(i % 256).unwrap())
        .collect();
    assert_eq!(range.call(BigUint::from(300u32)).unwrap().0, expected);
    // `Vec<u8>` is `Array UInt8`, a different object: a ByteArray is refused as one.
    let as_array = m
        .exported::<(BigUint,), Vec<u8>>("lean_rs_shapes_bytes_range")
        .unwrap();
    let err = as_array.call(BigUint::from(3u8)).unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::AbiConversion, "{err}");
}

#[test]
fn prelude_world_arrays() {
    let m = shapes();
    let sum = m
        .exported::<(Vec<u64>,), u64>("lean_rs_shapes_array_u64_sum")
        .unwrap();
    assert_eq!(sum.call((1..=1000).collect()).unwrap(), 500_500);
    assert_eq!(sum.call(Vec::new()).unwrap(), 0);
    let range = m
        .exported::<(BigUint,), Vec<u64>>("lean_rs_shapes_array_u64_range")
        .unwrap();
    assert_eq!(range.call(BigUint::from(5u8)).unwrap(), vec![0, 1, 2, 3, 4]);
    let suffix = m
        .exported::<(Vec<String>, &str), Vec<String>>("lean_rs_shapes_array_string_suffix")
        .unwrap();
    assert_eq!(
        suffix.call(vec!["a".into(), "β".into()], "!").unwrap(),
        vec!["a!".to_owned(), "β!".to_owned()]
    );
    let nat_sum = m
        .exported::<(Vec<BigUint>,), BigUint>("lean_rs_shapes_array_nat_sum")
        .unwrap();
    assert_eq!(
        nat_sum
            .call(vec![pow2(70), pow2(70), BigUint::from(1u8)])
            .unwrap(),
        pow2(71) + 1u8
    );
    let size = m
        .exported::<(Vec<BigUint>,), BigUint>("lean_rs_shapes_array_size")
        .unwrap();
    assert_eq!(
        size.call(vec![BigUint::from(0u8); 10_000]).unwrap(),
        BigUint::from(10_000u32)
    );
}

/// `structure Mixed where n : Nat; s : String; b8 : UInt8; u64 : UInt64; f : Float;
/// flag : Bool` — objects first, then scalars by size: u64 @0, f @8, b8 @16, flag @17.
#[derive(Debug, Clone, PartialEq)]
struct Mixed {
    n: BigUint,
    s: String,
    b8: u8,
    u64: u64,
    f: f64,
    flag: bool,
}

impl<'lean> LeanStructure<'lean> for Mixed {
    const OBJECT_FIELDS: usize = 2;
    const SCALAR_BYTES: usize = 18;
    fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        out.set(0, self.n)?;
        out.set(1, self.s)?;
        out.set_u64(0, self.u64)?;
        out.set_f64(8, self.f)?;
        out.set_u8(16, self.b8)?;
        out.set_bool(17, self.flag)
    }
    fn read(input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        Ok(Self {
            n: input.get(0)?,
            s: input.get(1)?,
            u64: input.u64(0)?,
            f: input.f64(8)?,
            b8: input.u8(16)?,
            flag: input.bool(17)?,
        })
    }
}

#[test]
fn prelude_world_structures_with_object_and_scalar_fields() {
    let m = shapes();
    let make = m
        .exported::<(BigUint, &str, u8, u64, f64, bool), LeanStruct<Mixed>>(
            "lean_rs_shapes_mixed_make",
        )
        .unwrap();
    let built = make
        .call(pow2(80), "mixed", 255, u64::MAX, 2.5, true)
        .unwrap()
        .0;
    let expected = Mixed {
        n: pow2(80),
        s: "mixed".into(),
        b8: 255,
        u64: u64::MAX,
        f: 2.5,
        flag: true,
    };
    assert_eq!(built, expected, "Rust reads what Lean built");
    let bump = m
        .exported::<(LeanStruct<Mixed>,), LeanStruct<Mixed>>("lean_rs_shapes_mixed_bump")
        .unwrap();
    let bumped = bump.call(LeanStruct(expected.clone())).unwrap().0;
    assert_eq!(
        bumped,
        Mixed {
            n: pow2(80) + 1u8,
            s: "mixed!".into(),
            b8: 0,
            u64: 0,
            f: 3.5,
            flag: false,
        },
        "Lean reads what Rust built"
    );
    let get_u64 = m
        .exported::<(LeanStruct<Mixed>,), u64>("lean_rs_shapes_mixed_u64")
        .unwrap();
    assert_eq!(get_u64.call(LeanStruct(bumped.clone())).unwrap(), 0);
    let get_f = m
        .exported::<(LeanStruct<Mixed>,), f64>("lean_rs_shapes_mixed_float")
        .unwrap();
    assert_eq!(get_f.call(LeanStruct(bumped)).unwrap(), 3.5);
}

#[test]
fn prelude_world_option_except_and_products() {
    let m = shapes();
    let some = m
        .exported::<(BigUint,), Option<BigUint>>("lean_rs_shapes_option_some")
        .unwrap();
    assert_eq!(some.call(pow2(65)).unwrap(), Some(pow2(65)));
    let none = m
        .exported::<((),), Option<BigUint>>("lean_rs_shapes_option_none")
        .unwrap();
    assert_eq!(none.call(()).unwrap(), None);
    let get_d = m
        .exported::<(Option<BigUint>, BigUint), BigUint>("lean_rs_shapes_option_get_d")
        .unwrap();
    assert_eq!(
        get_d.call(None, BigUint::from(9u8)).unwrap(),
        BigUint::from(9u8)
    );
    assert_eq!(
        get_d
            .call(Some(BigUint::from(3u8)), BigUint::from(9u8))
            .unwrap(),
        BigUint::from(3u8)
    );
    let div = m
        .exported::<(BigUint, BigUint), Result<BigUint, String>>("lean_rs_shapes_except_div")
        .unwrap();
    assert_eq!(
        div.call(BigUint::from(10u8), BigUint::from(3u8)).unwrap(),
        Ok(BigUint::from(3u8))
    );
    assert_eq!(
        div.call(BigUint::from(10u8), BigUint::from(0u8)).unwrap(),
        Err("division by zero".to_owned())
    );
    let swap = m
        .exported::<((BigUint, String),), (String, BigUint)>("lean_rs_shapes_prod_swap")
        .unwrap();
    assert_eq!(
        swap.call((pow2(99), "x".to_owned())).unwrap(),
        ("x".to_owned(), pow2(99))
    );
}

#[test]
fn prelude_world_inductives_with_several_constructors_pass_through() {
    let m = shapes();
    let make = m
        .exported::<(BigUint,), LeanObject<'static>>("lean_rs_shapes_shape_make")
        .unwrap();
    let area = m
        .exported::<(LeanObject<'static>,), BigUint>("lean_rs_shapes_shape_area")
        .unwrap();
    let areas: Vec<BigUint> = (0u8..4)
        .map(|tag| area.call(make.call(BigUint::from(tag)).unwrap()).unwrap())
        .collect();
    assert_eq!(areas, [0u8, 12, 12, 7].map(BigUint::from));
    // `point` has no fields: Lean represents it as a boxed scalar.
    assert!(make.call(BigUint::from(0u8)).unwrap().is_scalar());
    assert!(!make.call(BigUint::from(3u8)).unwrap().is_scalar());
}

/// What Lean 4.35.0 prints for each `IO.Error` constructor of `ioRaise` (os code 7, details
/// `details`), read off the real runtime.
const LEAN_RENDERING: [&str; 17] = [
    "already exists (error code: 7, details)",
    "details (error code: 7)",
    "resource busy (error code: 7, details)",
    "resource vanished (error code: 7, details)",
    "unsupported operation (error code: 7, details)",
    "hardware fault (error code: 7)",
    "directory not empty (error code: 7)",
    "illegal operation (error code: 7, details)",
    "protocol error (error code: 7, details)",
    "time expired (error code: 7, details)",
    "interrupted system call (error code: 7, details)",
    "no such file or directory (error code: 7)",
    "invalid argument (error code: 7, details)",
    "details (error code: 7)",
    "resource exhausted (error code: 7, details)",
    "inappropriate type (error code: 7, details)",
    "no such thing (error code: 7, details)",
];

#[test]
fn prelude_world_io_results_and_every_io_error_kind() {
    let m = shapes();
    let shout = m
        .exported::<(&str,), LeanIo<String>>("lean_rs_shapes_io_shout")
        .unwrap();
    assert_eq!(shout.call("hey").unwrap(), "hey!");
    let unit = m
        .exported::<((),), LeanIo<()>>("lean_rs_shapes_io_unit")
        .unwrap();
    unit.call(()).unwrap();
    let user = m
        .exported::<(&str,), LeanIo<String>>("lean_rs_shapes_io_user_error")
        .unwrap();
    match user.call("it broke").unwrap_err() {
        LeanError::LeanException(e) => {
            assert_eq!(e.kind(), LeanExceptionKind::UserError);
            assert_eq!(e.message(), "it broke");
        }
        other => panic!("expected a Lean exception, got {other:?}"),
    }
    let base = m
        .exported::<(u64,), u64>("lean_rs_shapes_base_io_double")
        .unwrap();
    assert_eq!(base.call(21).unwrap(), 42, "BaseIO returns the bare value");

    let raise = m
        .exported::<(BigUint, u32, &str), LeanIo<()>>("lean_rs_shapes_io_raise")
        .unwrap();
    let kinds = [
        LeanExceptionKind::AlreadyExists,
        LeanExceptionKind::OtherError,
        LeanExceptionKind::ResourceBusy,
        LeanExceptionKind::ResourceVanished,
        LeanExceptionKind::UnsupportedOperation,
        LeanExceptionKind::HardwareFault,
        LeanExceptionKind::UnsatisfiedConstraints,
        LeanExceptionKind::IllegalOperation,
        LeanExceptionKind::ProtocolError,
        LeanExceptionKind::TimeExpired,
        LeanExceptionKind::Interrupted,
        LeanExceptionKind::NoFileOrDirectory,
        LeanExceptionKind::InvalidArgument,
        LeanExceptionKind::PermissionDenied,
        LeanExceptionKind::ResourceExhausted,
        LeanExceptionKind::InappropriateType,
        LeanExceptionKind::NoSuchThing,
        LeanExceptionKind::UnexpectedEof,
        LeanExceptionKind::UserError,
    ];
    for (tag, kind) in kinds.iter().enumerate() {
        let err = match raise.call(BigUint::from(tag), 7, "details").unwrap_err() {
            LeanError::LeanException(e) => e,
            other => panic!("tag {tag}: expected a Lean exception, got {other:?}"),
        };
        assert_eq!(err.kind(), *kind, "tag {tag}");
        let carries_file = matches!(tag, 0 | 10 | 11 | 12 | 14 | 16);
        assert_eq!(
            err.filename(),
            carries_file.then_some("/tmp/lean-rs-file"),
            "tag {tag}"
        );
        match kind {
            LeanExceptionKind::UnexpectedEof => assert_eq!(err.os_code(), None),
            LeanExceptionKind::UserError => {
                assert_eq!(err.os_code(), None);
                assert_eq!(err.message(), "details");
            }
            _ => {
                assert_eq!(err.os_code(), Some(7), "tag {tag}");
                // Lean's own `IO.Error.toString` (libleanshared) renders the value our
                // compiled code built: the wording proves the constructor was read as `kind`.
                let first_line = err.message().lines().next().unwrap_or_default();
                assert_eq!(first_line, LEAN_RENDERING[tag], "tag {tag}");
            }
        }
    }
    raise.call(BigUint::from(19u8), 0, "").unwrap();
}

#[test]
fn prelude_world_closed_term_globals_are_read_not_called() {
    let m = shapes();
    let greeting = m.exported::<(), String>("lean_rs_shapes_greeting").unwrap();
    assert_eq!(greeting.kind(), lean_rs::LeanExportKind::Global);
    assert_eq!(greeting.call().unwrap(), "hello from lean-rs-shapes");
    let big = m.exported::<(), BigUint>("lean_rs_shapes_big_nat").unwrap();
    assert_eq!(big.call().unwrap(), pow2(200));
    let neg = m
        .exported::<(), BigInt>("lean_rs_shapes_big_neg_int")
        .unwrap();
    assert_eq!(neg.call().unwrap(), -BigInt::from(pow2(100)));
    let five = m
        .exported::<(), BigInt>("lean_rs_shapes_minus_five")
        .unwrap();
    assert_eq!(five.call().unwrap(), BigInt::from(-5));
    let answer = m.exported::<(), u64>("lean_rs_shapes_answer_u64").unwrap();
    assert_eq!(answer.call().unwrap(), 42);
    let primes = m
        .exported::<(), Vec<BigUint>>("lean_rs_shapes_primes")
        .unwrap();
    assert_eq!(primes.call().unwrap(), [2u8, 3, 5, 7].map(BigUint::from));
    // Reading a global twice leaves it intact (it is borrowed, not consumed).
    assert_eq!(greeting.call().unwrap(), "hello from lean-rs-shapes");
}

#[test]
fn prelude_world_closures_made_by_lean_are_held_and_applied() {
    let m = shapes();
    let make = m
        .exported::<(BigUint,), LeanObject<'static>>("lean_rs_shapes_make_adder")
        .unwrap();
    let run = m
        .exported::<(LeanObject<'static>, BigUint), BigUint>("lean_rs_shapes_run_nat_fn")
        .unwrap();
    let add_big = make.call(pow2(100)).unwrap();
    assert_eq!(
        run.call(add_big.clone(), BigUint::from(1u8)).unwrap(),
        pow2(100) + 1u8
    );
    assert_eq!(run.call(add_big, pow2(100)).unwrap(), pow2(101));
    let curried = m
        .exported::<(BigUint, BigUint), BigUint>("lean_rs_shapes_add_curried")
        .unwrap();
    assert_eq!(
        curried
            .call(BigUint::from(2u8), BigUint::from(3u8))
            .unwrap(),
        BigUint::from(5u8)
    );
}

#[test]
fn prelude_world_natively_compiled_lean_calls_the_callback_helpers() {
    let m = shapes();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let ticks = LeanCallbackHandle::<LeanProgressTick>::register(move |t| {
        sink.lock().unwrap().push((t.current, t.total));
        LeanCallbackFlow::Continue
    })
    .unwrap();
    let tick_loop = m
        .exported::<(usize, usize, u64), LeanIo<u8>>("lean_rs_shapes_tick_loop")
        .unwrap();
    let (handle, trampoline) = ticks.abi_parts();
    assert_eq!(tick_loop.call(handle, trampoline, 3).unwrap(), 0);
    assert_eq!(*seen.lock().unwrap(), [(1, 3), (2, 3), (3, 3)]);

    let rows = Arc::new(Mutex::new(Vec::new()));
    let sink = rows.clone();
    let strings = LeanCallbackHandle::<LeanStringEvent>::register(move |e| {
        let mut rows = sink.lock().unwrap();
        rows.push(e.value);
        if rows.len() == 2 {
            LeanCallbackFlow::Stop
        } else {
            LeanCallbackFlow::Continue
        }
    })
    .unwrap();
    let string_loop = m
        .exported::<(usize, usize, Vec<String>), LeanIo<u8>>("lean_rs_shapes_string_loop")
        .unwrap();
    let (handle, trampoline) = strings.abi_parts();
    let status = string_loop
        .call(
            handle,
            trampoline,
            vec!["α".into(), "β".into(), "never sent".into()],
        )
        .unwrap();
    assert_eq!(status, lean_rs::LeanCallbackStatus::Stopped as u8);
    assert_eq!(*rows.lock().unwrap(), ["α", "β"]);
    // A handle used with the other payload's export is refused by the helper, not run.
    let status = tick_loop.call(handle, trampoline, 1).unwrap();
    assert_eq!(status, lean_rs::LeanCallbackStatus::WrongPayload as u8);
}

#[test]
fn prelude_world_a_mismatched_request_is_refused_before_the_call() {
    let m = shapes();
    let err = m
        .exported::<(&str,), String>("lean_rs_shapes_add_u64")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::SignatureMismatch, "{err}");
    let msg = err.message();
    assert!(msg.contains("uint64_t (uint64_t, uint64_t)"), "{msg}");
}

#[test]
fn prelude_world_small_nat_and_int_cross_as_machine_integers() {
    use lean_rs::{LeanInt, LeanNat};
    let m = shapes();
    let succ = m
        .exported::<(LeanNat<u64>,), LeanNat<u64>>("lean_rs_shapes_nat_succ")
        .unwrap();
    for v in [0, 41, (1 << 63) - 2, (1 << 63) - 1, 1 << 63, u64::MAX - 1] {
        assert_eq!(succ.call(LeanNat(v)).unwrap(), LeanNat(v + 1), "{v} + 1");
    }
    // 2^64 does not fit: a typed conversion error, not a wrapped 0.
    let err = succ.call(LeanNat(u64::MAX)).unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::AbiConversion, "{err}");
    let narrow = m
        .exported::<(LeanNat<u8>,), LeanNat<u8>>("lean_rs_shapes_nat_succ")
        .unwrap();
    assert_eq!(narrow.call(LeanNat(254)).unwrap(), LeanNat(255));
    assert!(narrow.call(LeanNat(255)).is_err(), "256 is not a u8");
    let pow2 = m
        .exported::<(LeanNat<usize>,), BigUint>("lean_rs_shapes_nat_pow2")
        .unwrap();
    assert_eq!(pow2.call(LeanNat(70)).unwrap(), BigUint::from(1u8) << 70u32);
    // Mixed with the exact types: the same Lean value either way.
    let big = m
        .exported::<(BigUint,), LeanNat<u64>>("lean_rs_shapes_nat_succ")
        .unwrap();
    assert_eq!(
        big.call(BigUint::from(1u64 << 63)).unwrap(),
        LeanNat((1 << 63) + 1)
    );

    let neg = m
        .exported::<(LeanInt<i64>,), LeanInt<i64>>("lean_rs_shapes_int_neg")
        .unwrap();
    for v in [
        0,
        5,
        -5,
        i64::from(i32::MAX) + 1,
        i64::from(i32::MIN) - 1,
        i64::MAX,
        i64::MIN + 1,
    ] {
        assert_eq!(neg.call(LeanInt(v)).unwrap(), LeanInt(-v), "-({v})");
    }
    let err = neg.call(LeanInt(i64::MIN)).unwrap_err();
    assert_eq!(
        err.code(),
        LeanDiagnosticCode::AbiConversion,
        "2^63 is no i64: {err}"
    );
    let neg32 = m
        .exported::<(LeanInt<i32>,), LeanInt<i32>>("lean_rs_shapes_int_neg")
        .unwrap();
    assert!(neg32.call(LeanInt(i32::MIN)).is_err());
    assert_eq!(neg32.call(LeanInt(i32::MAX)).unwrap(), LeanInt(-i32::MAX));
}

/// `inductive Shape | point | circle (radius : Nat) | rect (width height : Nat)
/// | label (text : String) (weight : UInt8)`.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Point,
    Circle(BigUint),
    Rect(BigUint, BigUint),
    Label(String, u8),
}

impl<'lean> lean_rs::abi::LeanInductive<'lean> for Shape {
    fn layout(tag: u8) -> Option<(usize, usize)> {
        match tag {
            0 => Some((0, 0)),
            1 => Some((1, 0)),
            2 => Some((2, 0)),
            3 => Some((1, 1)),
            _ => None,
        }
    }
    fn tag(&self) -> u8 {
        match self {
            Shape::Point => 0,
            Shape::Circle(_) => 1,
            Shape::Rect(..) => 2,
            Shape::Label(..) => 3,
        }
    }
    fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        match self {
            Shape::Point => Ok(()),
            Shape::Circle(r) => out.set(0, r),
            Shape::Rect(w, h) => {
                out.set(0, w)?;
                out.set(1, h)
            }
            Shape::Label(text, weight) => {
                out.set(0, text)?;
                out.set_u8(0, weight)
            }
        }
    }
    fn read(tag: u8, input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        Ok(match tag {
            0 => Shape::Point,
            1 => Shape::Circle(input.get(0)?),
            2 => Shape::Rect(input.get(0)?, input.get(1)?),
            _ => Shape::Label(input.get(0)?, input.u8(0)?),
        })
    }
}

#[test]
fn prelude_world_inductives_with_several_constructors_decode_and_encode() {
    use lean_rs::abi::LeanVariant;
    let m = shapes();
    let make = m
        .exported::<(BigUint,), LeanVariant<Shape>>("lean_rs_shapes_shape_make")
        .unwrap();
    let decoded: Vec<Shape> = (0u8..4)
        .map(|tag| make.call(BigUint::from(tag)).unwrap().0)
        .collect();
    assert_eq!(
        decoded,
        [
            Shape::Point,
            Shape::Circle(BigUint::from(2u8)),
            Shape::Rect(BigUint::from(3u8), BigUint::from(4u8)),
            Shape::Label("tag".into(), 7),
        ]
    );
    let area = m
        .exported::<(LeanVariant<Shape>,), BigUint>("lean_rs_shapes_shape_area")
        .unwrap();
    let cases = [
        (Shape::Point, 0u32),
        (Shape::Circle(BigUint::from(10u8)), 300),
        (Shape::Rect(BigUint::from(6u8), BigUint::from(7u8)), 42),
        (Shape::Label("w".into(), 200), 200),
    ];
    for (shape, expected) in cases {
        assert_eq!(
            area.call(LeanVariant(shape.clone())).unwrap(),
            BigUint::from(expected),
            "{shape:?}"
        );
    }
    // A value whose shape fits no constructor is refused, not misread (a `Prod` is tag 0 with
    // two fields; `Shape`'s tag 0 has none). Shapes that coincide cannot be told apart.
    let wrong = m
        .exported::<(BigUint, BigUint), LeanVariant<Shape>>("lean_rs_shapes_nat_divmod")
        .unwrap();
    let err = wrong
        .call(BigUint::from(7u8), BigUint::from(2u8))
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::AbiConversion, "{err}");
}

#[test]
fn prelude_world_preflight_separates_warnings_from_errors() {
    use lean_rs::module::{LeanFindingSeverity, LeanLoaderCode};
    use lean_rs::{LeanBuiltCapability, LeanCapabilityPreflight};
    let manifest = prelude_world::manifest("lean-rs-shapes", "LeanRsShapes");
    let report =
        LeanCapabilityPreflight::new(LeanBuiltCapability::manifest_path(&manifest)).check();
    assert!(report.is_ok() && report.warnings().is_empty(), "{report:?}");

    // The same capability described without its export signatures: loadable, with a warning.
    let dir = tempfile::tempdir().unwrap();
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("exports");
    let bare = dir.path().join("bare.capability.json");
    std::fs::write(&bare, serde_json::to_vec(&json).unwrap()).unwrap();
    let report = LeanCapabilityPreflight::new(LeanBuiltCapability::manifest_path(&bare)).check();
    assert!(report.is_ok(), "{report:?}");
    let warning = &report.warnings()[0];
    assert_eq!(warning.code(), LeanLoaderCode::MissingExportSignatures);
    assert_eq!(warning.severity(), LeanFindingSeverity::Warning);
    assert!(
        warning
            .to_string()
            .starts_with("warning lean_rs.loader.missing_export_signatures"),
        "{warning}"
    );

    // A missing dylib is an error, and the warning still comes with it.
    let mut broken = json.clone();
    broken["dylib"] = serde_json::Value::String("/nonexistent/libgone.so".into());
    let gone = dir.path().join("gone.capability.json");
    std::fs::write(&gone, serde_json::to_vec(&broken).unwrap()).unwrap();
    let report = LeanCapabilityPreflight::new(LeanBuiltCapability::manifest_path(&gone)).check();
    assert!(!report.is_ok());
    assert_eq!(
        report.first_error().unwrap().code(),
        LeanLoaderCode::MissingPrimaryDylib
    );
    assert_eq!(
        report.first_error().unwrap().severity(),
        LeanFindingSeverity::Error
    );
    assert_eq!(report.warnings().len(), 1);
}

#[test]
fn prelude_world_a_scoped_callback_borrows_from_the_caller() {
    let m = shapes();
    let tick_loop = m
        .exported::<(usize, usize, u64), LeanIo<u8>>("lean_rs_shapes_tick_loop")
        .unwrap();
    // Plain locals, borrowed by the closure: no Arc, no 'static.
    let seen = Mutex::new(Vec::new());
    let stop_at = 3;
    let callback = |tick: LeanProgressTick| {
        seen.lock().unwrap().push(tick.current);
        if tick.current == stop_at {
            LeanCallbackFlow::Stop
        } else {
            LeanCallbackFlow::Continue
        }
    };
    let (status, parts) = LeanCallbackHandle::scoped(&callback, |handle| {
        let (h, t) = handle.abi_parts();
        (tick_loop.call(h, t, 10).unwrap(), (h, t))
    })
    .unwrap();
    assert_eq!(status, lean_rs::LeanCallbackStatus::Stopped as u8);
    assert_eq!(*seen.lock().unwrap(), [1, 2, 3]);
    // After the scope the handle is gone: Lean gets StaleHandle and the closure is not run.
    let late = tick_loop.call(parts.0, parts.1, 10).unwrap();
    assert_eq!(late, lean_rs::LeanCallbackStatus::StaleHandle as u8);
    assert_eq!(seen.lock().unwrap().len(), 3);
}
