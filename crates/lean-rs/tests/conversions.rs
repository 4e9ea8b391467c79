//! Round trips of every conversion through real Lean runtime functions (tier 1).
//!
//! Each test encodes with `lean-rs`, lets a function of the real `libleanshared` operate on
//! the value, and decodes Lean's result, so both directions are checked against Lean's own
//! representation rather than against our encoder alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Round trips must be bit-exact, so floats are compared exactly.
#![allow(clippy::float_cmp)]
#![allow(unsafe_code)]

use lean_rs::abi::LeanByteArray;
use lean_rs::{IntoLean, LeanDiagnosticCode, LeanRuntime, LeanStruct, TryFromLean};
use lean_rs_sys::{self as sys, lean_object};
use num_bigint::{BigInt, BigUint};

type O = *mut lean_object;

// Lean runtime exports not declared by lean-rs-sys; signatures from lean.h (4.35.0).
lean_rs_sys::lean_extern! {
    fn lean_float_frexp(a: f64) -> O;
    fn lean_float_to_string(a: f64) -> O;
    fn lean_string_utf8_get_opt(s: O, i: O) -> O;
    fn lean_string_utf8_get(s: O, i: O) -> u32;
}

fn rt() -> &'static LeanRuntime {
    LeanRuntime::init().expect("runtime init")
}

/// Encodes `v` in its C representation (owned object or scalar).
fn enc<'l, T: IntoLean<'l>>(v: T) -> T::CRepr {
    v.into_c(rt()).expect("encode")
}

/// Decodes an owned C representation.
fn dec<'l, T: TryFromLean<'l>>(c: T::CRepr) -> lean_rs::LeanResult<T> {
    // SAFETY: every call site passes an owned value returned by Lean or by `enc`.
    unsafe { T::try_from_c(c, rt()) }
}

#[test]
fn strings_round_trip_through_lean_string_append() {
    for (a, b) in [
        ("", ""),
        ("hello, ", "world"),
        ("λx. ∀ y, ", "日本語 😀 \u{0}nul"),
    ] {
        let s1: O = enc(a.to_owned());
        let s2: O = enc(b);
        // SAFETY: `lean_string_append` consumes `s1`, borrows `s2`.
        let joined = unsafe { sys::lean_string_append(s1, s2) };
        // SAFETY: releases a reference this test owns (objects are live).
        unsafe { sys::lean_dec(s2) };
        let out: String = dec(joined).unwrap();
        assert_eq!(out, format!("{a}{b}"));
        // Lean's own character count agrees with ours.
    }
}

#[test]
fn chars_round_trip_through_lean_string_push_and_get() {
    for c in ['a', 'é', 'λ', '😀', '\u{10FFFF}'] {
        let s: O = enc(String::from("x"));
        // SAFETY: consumes `s`; `c` is a valid scalar value.
        let pushed = unsafe { sys::lean_string_push(s, enc(c)) };
        // SAFETY: borrowed string and index (byte position 1).
        let got = unsafe { lean_string_utf8_get(pushed, sys::lean_box(1)) };
        assert_eq!(dec::<char>(got).unwrap(), c);
        let out: String = dec(pushed).unwrap();
        assert_eq!(out, format!("x{c}"));
    }
    assert_eq!(
        dec::<char>(0xD800).unwrap_err().code(),
        LeanDiagnosticCode::AbiConversion
    );
    assert!(dec::<char>(0x11_0000).is_err());
}

#[test]
fn sixteen_mebibyte_string_and_bytes_round_trip() {
    let big = "ä€x".repeat((16 << 20) / 6);
    let s: O = enc(big.clone());
    let suffix: O = enc("!");
    // SAFETY: consumes `s`, borrows `suffix`.
    let joined = unsafe { sys::lean_string_append(s, suffix) };
    // SAFETY: releases a reference this test owns (objects are live).
    unsafe { sys::lean_dec(suffix) };
    let out: String = dec(joined).unwrap();
    assert_eq!(out.len(), big.len() + 1);
    assert!(out.starts_with(&big) && out.ends_with('!'));

    let bytes: Vec<u8> = (0..16u32 << 20).map(|i| (i * 7 % 251) as u8).collect();
    let a: O = enc(LeanByteArray(bytes.clone()));
    // SAFETY: consumes `a`.
    let pushed = unsafe { sys::lean_byte_array_push(a, 42) };
    let back: Vec<u8> = dec::<LeanByteArray>(pushed).unwrap().0;
    assert_eq!(back.len(), bytes.len() + 1);
    assert_eq!(&back[..bytes.len()], &bytes[..]);
    assert_eq!(back[bytes.len()], 42);

    let empty: O = enc(LeanByteArray::default());
    assert!(dec::<LeanByteArray>(empty).unwrap().is_empty());
    // `Vec<u8>` is `Array UInt8`: one boxed element per byte, not a ByteArray.
    let array: O = enc(vec![1u8, 2, 255]);
    assert_eq!(dec::<Vec<u8>>(array).unwrap(), [1, 2, 255]);
    let err = dec::<LeanByteArray>(enc(vec![1u8])).unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::AbiConversion);
}

#[test]
fn arrays_round_trip_through_lean_array_push() {
    let v: Vec<u64> = vec![0, 1, u64::MAX, 1 << 63];
    let a: O = enc(v.clone());
    // Push a boxed UInt64 built by Lean's own boxing mirror.
    // SAFETY: consumes both arguments.
    let pushed = unsafe { sys::lean_array_push(a, sys::lean_box_uint64(99)) };
    let back: Vec<u64> = dec(pushed).unwrap();
    assert_eq!(back, [0, 1, u64::MAX, 1 << 63, 99]);

    let strings = vec!["a".to_owned(), String::new(), "ü".repeat(3)];
    let a: O = enc(strings.clone());
    let back: Vec<String> = dec(a).unwrap();
    assert_eq!(back, strings);

    // 16 MiB worth of elements.
    let many: Vec<u32> = (0..(4u32 << 20)).collect();
    let a: O = enc(many.clone());
    // SAFETY: consumes both.
    let pushed = unsafe { sys::lean_array_push(a, sys::lean_box(5)) };
    let back: Vec<u32> = dec(pushed).unwrap();
    assert_eq!(back.len(), many.len() + 1);
    assert_eq!(&back[..many.len()], &many[..]);

    let empty: O = enc(Vec::<String>::new());
    assert!(dec::<Vec<String>>(empty).unwrap().is_empty());

    let nested = vec![
        LeanByteArray(vec![1u8, 2]),
        LeanByteArray::default(),
        LeanByteArray(vec![3]),
    ];
    let back: Vec<LeanByteArray> = dec(enc(nested.clone())).unwrap();
    assert_eq!(back, nested);
}

fn nat(text: &str) -> BigUint {
    text.parse().unwrap()
}

#[test]
fn nats_of_any_size_round_trip_through_lean_arithmetic() {
    let two = BigUint::from(2u8);
    let samples = [
        BigUint::from(0u8),
        BigUint::from(1u8),
        two.pow(63) - 1u8,
        two.pow(63),
        two.pow(64) - 1u8,
        two.pow(64),
        two.pow(128) - 1u8,
        two.pow(128),
        two.pow(128) + 12_345u32,
        nat("123456789012345678901234567890123456789012345678901234567890"),
        two.pow(4099) + 3u8,
    ];
    for a in &samples {
        // Identity round trip.
        assert_eq!(&dec::<BigUint>(enc(a.clone())).unwrap(), a);
        for b in &samples {
            let (x, y): (O, O) = (enc(a.clone()), enc(b.clone()));
            // SAFETY: borrowed arguments, owned results.
            let (sum, prod) = unsafe { (sys::lean_nat_add(x, y), sys::lean_nat_mul(x, y)) };
            // SAFETY: releases a reference this test owns (objects are live).
            unsafe {
                sys::lean_dec(x);
                sys::lean_dec(y);
            }
            assert_eq!(dec::<BigUint>(sum).unwrap(), a + b, "{a} + {b}");
            assert_eq!(dec::<BigUint>(prod).unwrap(), a * b, "{a} * {b}");
        }
    }
    // Lean's own conversion of u64::MAX to Nat decodes exactly.
    // SAFETY: owned result.
    let m = unsafe { sys::lean_uint64_to_nat(u64::MAX) };
    assert_eq!(dec::<BigUint>(m).unwrap(), BigUint::from(u64::MAX));
    // Lean's parser agrees with our encoder at 2^128.
    let text = std::ffi::CString::new(two.pow(128).to_string()).unwrap();
    // SAFETY: NUL-terminated decimal digits.
    let parsed = unsafe { sys::lean_cstr_to_nat(text.as_ptr()) };
    let ours: O = enc(two.pow(128));
    // SAFETY: borrowed arguments.
    assert!(unsafe { sys::lean_nat_eq(parsed, ours) });
    // SAFETY: releases a reference this test owns (objects are live).
    unsafe {
        sys::lean_dec(parsed);
        sys::lean_dec(ours);
    }
}

#[test]
fn ints_of_any_size_and_sign_round_trip_through_lean_arithmetic() {
    let two = BigInt::from(2);
    let samples: Vec<BigInt> = vec![
        BigInt::from(0),
        BigInt::from(-1),
        BigInt::from(i32::MIN),
        BigInt::from(i32::MAX) + 1,
        BigInt::from(i64::MIN),
        BigInt::from(i64::MAX),
        -two.pow(63) - 1,
        two.pow(64),
        -two.pow(64),
        -two.pow(128) - 7,
        two.pow(130) + 5,
    ];
    for a in &samples {
        assert_eq!(&dec::<BigInt>(enc(a.clone())).unwrap(), a);
        // SAFETY: borrowed argument, owned result.
        let neg = unsafe {
            let x: O = enc(a.clone());
            let r = sys::lean_int_neg(x);
            sys::lean_dec(x);
            r
        };
        assert_eq!(dec::<BigInt>(neg).unwrap(), -a, "-({a})");
        for b in &samples {
            let (x, y): (O, O) = (enc(a.clone()), enc(b.clone()));
            let sum = if sys::lean_is_scalar(x) && sys::lean_is_scalar(y) {
                // SAFETY: scalars.
                unsafe {
                    sys::lean_int64_to_int(
                        sys::lean_scalar_to_int64(x) + sys::lean_scalar_to_int64(y),
                    )
                }
            } else {
                // SAFETY: borrowed arguments (big path handles mixed scalar/big).
                unsafe { sys::lean_int_big_add(x, y) }
            };
            // SAFETY: releases a reference this test owns (objects are live).
            unsafe {
                sys::lean_dec(x);
                sys::lean_dec(y);
            }
            assert_eq!(dec::<BigInt>(sum).unwrap(), a + b, "{a} + {b}");
        }
    }
}

#[test]
fn float_prod_from_lean_frexp_decodes_as_tuple() {
    for (x, mantissa, exp) in [(8.0f64, 0.5, 4), (-3.0, -0.75, 2), (0.0, 0.0, 0)] {
        // SAFETY: owned `Float × Int` result.
        let pair = unsafe { lean_float_frexp(x) };
        let (m, e): (f64, BigInt) = dec(pair).unwrap();
        assert_eq!(m, mantissa);
        assert_eq!(e, BigInt::from(exp));
    }
    // Our own Prod encoding has the layout Lean reads: round trip through a Lean-built one.
    let pair: O = enc((0.25f64, BigInt::from(-3)));
    let back: (f64, BigInt) = dec(pair).unwrap();
    assert_eq!(back, (0.25, BigInt::from(-3)));
    let triple: O = enc((1u8, "two".to_owned(), Some(3u64)));
    assert_eq!(
        dec::<(u8, String, Option<u64>)>(triple).unwrap(),
        (1, "two".to_owned(), Some(3))
    );
    // SAFETY: owned String result.
    let s = unsafe { lean_float_to_string(2.5) };
    assert_eq!(dec::<String>(s).unwrap(), "2.500000");
}

#[test]
fn option_from_lean_string_get_opt_decodes() {
    let s: O = enc("aλ");
    // SAFETY: borrowed string and index.
    let (some, none) = unsafe {
        (
            lean_string_utf8_get_opt(s, sys::lean_box(1)),
            lean_string_utf8_get_opt(s, sys::lean_box(99)),
        )
    };
    // SAFETY: releases a reference this test owns (objects are live).
    unsafe { sys::lean_dec(s) };
    assert_eq!(dec::<Option<char>>(some).unwrap(), Some('λ'));
    assert_eq!(dec::<Option<char>>(none).unwrap(), None);
    let back: Option<Option<String>> = dec(enc(Some(None::<String>))).unwrap();
    assert_eq!(back, Some(None));
}

fn dec_like<'l, T: TryFromLean<'l>>(c: T::CRepr, _like: &T) -> lean_rs::LeanResult<T> {
    dec(c)
}

#[test]
fn except_and_scalars_round_trip() {
    let ok: Result<u32, String> = Ok(7);
    let err: Result<u32, String> = Err("bad".into());
    assert_eq!(dec::<Result<u32, String>>(enc(ok.clone())).unwrap(), ok);
    assert_eq!(dec::<Result<u32, String>>(enc(err.clone())).unwrap(), err);

    macro_rules! both_ways {
        ($($v:expr),*) => {$(
            let v = $v;
            assert_eq!(dec_like(enc(v), &v).unwrap(), v);
            // Boxed position (inside an Option).
            assert_eq!(dec::<Option<_>>(enc(Some(v))).unwrap(), Some(v));
        )*};
    }
    both_ways!(
        true,
        false,
        0u8,
        u8::MAX,
        u16::MAX,
        u32::MAX,
        u64::MAX,
        usize::MAX
    );
    both_ways!(
        i8::MIN,
        i16::MIN,
        i32::MIN,
        i64::MIN,
        isize::MIN,
        -1i32,
        1.5f64,
        -2.25f32,
        'z',
        ()
    );
}

#[test]
fn wrong_shapes_and_ranges_are_conversion_errors() {
    let code = |e: lean_rs::LeanError| e.code();
    // A Nat is not a String; a String is not an Array; an Array is not a ByteArray.
    assert_eq!(
        code(dec::<String>(enc(BigUint::from(5u8))).unwrap_err()),
        LeanDiagnosticCode::AbiConversion
    );
    assert_eq!(
        code(dec::<Vec<u32>>(enc("s")).unwrap_err()),
        LeanDiagnosticCode::AbiConversion
    );
    assert_eq!(
        code(dec::<LeanByteArray>(enc(vec![1u32])).unwrap_err()),
        LeanDiagnosticCode::AbiConversion
    );
    // Boxed scalars out of range.
    assert!(dec::<Option<u8>>(enc(Some(300u32))).is_err());
    assert!(dec::<Option<bool>>(enc(Some(2u8))).is_err());
    assert!(dec::<bool>(2).is_err());
    // A boxed UInt64 is a constructor, not a scalar.
    assert!(dec::<Option<u64>>(enc(Some(5u32))).is_err());
    // Option tag out of range (a boxed 1 is not `none`), tuple arity mismatch.
    assert!(dec::<Option<u32>>(sys::lean_box(1)).is_err());
    assert!(dec::<(u32, u32, u32)>(enc((1u32, 2u32))).is_err());
    // Array element errors name the element.
    let e = dec::<Vec<u8>>(enc(vec![vec![1u8]])).unwrap_err();
    assert_eq!(e.code(), LeanDiagnosticCode::AbiConversion);
    let e = dec::<Vec<bool>>(enc(vec![0u32, 5])).unwrap_err();
    assert!(e.message().contains("element 1"), "{}", e.message());
    assert!(e.message().len() <= lean_rs::error::LEAN_ERROR_MESSAGE_LIMIT);
    // Nat decoders reject Int-only shapes.
    assert!(dec::<BigUint>(enc("12")).is_err());
}

/// `structure Sample where label : String; count : Nat; weight : Float; tag : UInt32; flag : Bool`
#[derive(Debug, PartialEq, Clone)]
struct Sample {
    label: String,
    count: BigUint,
    weight: f64,
    tag: u32,
    flag: bool,
}

impl<'lean> lean_rs::LeanStructure<'lean> for Sample {
    const OBJECT_FIELDS: usize = 2;
    const SCALAR_BYTES: usize = 8 + 4 + 1;
    fn write(self, out: &mut lean_rs::abi::LeanCtorWriter<'lean>) -> lean_rs::LeanResult<()> {
        out.set(0, self.label)?;
        out.set(1, self.count)?;
        out.set_f64(0, self.weight)?;
        out.set_u32(8, self.tag)?;
        out.set_bool(12, self.flag)
    }
    fn read(input: &lean_rs::abi::LeanCtorReader<'lean, '_>) -> lean_rs::LeanResult<Self> {
        Ok(Sample {
            label: input.get(0)?,
            count: input.get(1)?,
            weight: input.f64(0)?,
            tag: input.u32(8)?,
            flag: input.bool(12)?,
        })
    }
}

#[test]
fn structures_with_object_and_scalar_fields_round_trip() {
    let s = Sample {
        label: "ü".into(),
        count: BigUint::from(2u8).pow(70),
        weight: -0.5,
        tag: 0xDEAD_BEEF,
        flag: true,
    };
    let raw: O = enc(LeanStruct(s.clone()));
    // Lean's own view: two object fields, the Float at scalar offset 0.
    // SAFETY: live ctor just built; header and scalar reads within its allocation.
    unsafe {
        assert_eq!(sys::lean_ctor_num_objs(raw), 2);
        assert_eq!(sys::lean_ctor_get_float(raw, 16), -0.5);
        assert_eq!(sys::lean_ctor_get_uint32(raw, 24), 0xDEAD_BEEF);
    }
    let back: LeanStruct<Sample> = dec(raw).unwrap();
    assert_eq!(back.0, s);
    let many: Vec<LeanStruct<Sample>> =
        dec(enc(vec![LeanStruct(s.clone()), LeanStruct(s.clone())])).unwrap();
    assert_eq!(many.len(), 2);
    // A constructor with the wrong field count is rejected.
    assert!(dec::<LeanStruct<Sample>>(enc((1u8, 2u8))).is_err());
}

#[test]
fn decoders_emit_the_abi_decode_trace_event() {
    let capture = lean_rs::DiagnosticCapture::install();
    let back: String = dec(enc("traced ü")).unwrap();
    assert_eq!(back, "traced ü");
    let back: Vec<u32> = dec(enc(vec![1u32, 2, 3])).unwrap();
    assert_eq!(back.len(), 3);
    let events = capture.events();
    let decode = |shape: &str| {
        events
            .iter()
            .find(|e| e.name == "lean_rs.abi.decode" && e.field("shape") == Some(shape))
            .and_then(|e| e.field("len").map(str::to_owned))
    };
    assert_eq!(decode("string").as_deref(), Some("9"), "{events:?}");
    assert_eq!(decode("array").as_deref(), Some("3"), "{events:?}");
}

#[test]
fn conversions_over_the_configured_limits_are_resource_exhausted_not_allocated() {
    use lean_rs::abi::{LeanConversionLimits, conversion_limits, set_conversion_limits};
    let defaults = conversion_limits();
    assert_eq!(defaults, LeanConversionLimits::default());
    set_conversion_limits(LeanConversionLimits {
        max_bytes: 8,
        max_elements: 3,
    });
    let runtime = rt();
    let err = "more than eight bytes".into_c(runtime).unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ResourceExhausted, "{err}");
    assert!(err.message().contains("set_conversion_limits"), "{err}");
    assert!(vec![1u64, 2, 3, 4].into_c(runtime).is_err());
    assert!(vec![1u64, 2, 3].into_c(runtime).is_ok());
    // Decoding is guarded too: a Lean string built under a higher limit is refused.
    set_conversion_limits(LeanConversionLimits::default());
    let big: O = enc("twelve bytes".to_owned());
    set_conversion_limits(LeanConversionLimits {
        max_bytes: 8,
        max_elements: 3,
    });
    let err = dec::<String>(big).unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ResourceExhausted, "{err}");
    set_conversion_limits(defaults);
    assert_eq!(dec::<String>(enc("fine".to_owned())).unwrap(), "fine");
}
