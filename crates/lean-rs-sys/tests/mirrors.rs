//! Each inline mirror read on live objects and compared with what Lean's exported functions
//! report about the same objects.
//!
//! Every `unsafe` block here relies on the same two facts: the runtime was initialised by
//! `init_runtime()` at the top of the test, and every object passed is live and owned as the
//! calling convention of the callee requires.

#![allow(unsafe_code, clippy::unwrap_used, clippy::undocumented_unsafe_blocks)]
#![allow(
    clippy::float_cmp,
    clippy::cast_ptr_alignment,
    clippy::many_single_char_names
)]

mod common;

use common::{init_runtime, nat_to_decimal, raw_rc, to_rust_string};
use lean_rs_sys::*;

fn lean_str(s: &str) -> *mut lean_object {
    unsafe { lean_mk_string_from_bytes(s.as_ptr().cast(), s.len()) }
}

#[test]
fn string_mirrors_agree_with_lean() {
    init_runtime();
    for text in ["", "a", "héllo", "日本語テキスト", "emoji 🦀 mix"] {
        unsafe {
            let s = lean_str(text);
            assert!(lean_is_string(s));
            assert_eq!(lean_string_size(s), text.len() + 1);
            assert_eq!(lean_string_len(s), text.chars().count());
            assert_eq!(lean_string_len(s), lean_utf8_strlen(lean_string_cstr(s)));
            assert_eq!(lean_unbox(lean_string_length(s)), text.chars().count());
            assert_eq!(lean_unbox(lean_string_utf8_byte_size(s)), text.len());
            assert_eq!(to_rust_string(s), text);
            // Lean's `String.toUTF8` gives the same bytes the mirror exposes.
            let bytes = lean_string_to_utf8(s);
            assert_eq!(lean_sarray_size(bytes), text.len());
            assert_eq!(
                std::slice::from_raw_parts(lean_sarray_cptr(bytes), text.len()),
                text.as_bytes()
            );
            assert_eq!(lean_string_validate_utf8(bytes), 1);
            lean_inc(bytes);
            let back = lean_string_from_utf8_unchecked(bytes);
            assert!(lean_string_eq(back, s));
            assert_eq!(lean_string_hash(back), lean_string_hash(s));
            lean_dec(back);
            lean_dec(bytes);
            lean_dec(s);
        }
    }
}

#[test]
fn utf8_validation_and_replacement() {
    init_runtime();
    unsafe {
        let bad: &[u8] = b"ok\xff\xfe!";
        let arr = lean_alloc_sarray(1, bad.len(), bad.len());
        std::ptr::copy_nonoverlapping(bad.as_ptr(), lean_sarray_cptr(arr), bad.len());
        assert_eq!(lean_string_validate_utf8(arr), 0);
        lean_dec(arr);
        // `lean_mk_string_from_bytes` repairs invalid input; the mirror sees consistent fields.
        let s = lean_mk_string_from_bytes(bad.as_ptr().cast(), bad.len());
        let repaired = to_rust_string(s);
        assert_eq!(repaired, String::from_utf8_lossy(bad));
        assert_eq!(lean_string_len(s), repaired.chars().count());
        lean_dec(s);
        let u = lean_mk_string_unchecked(c"abc".as_ptr(), 3, 3);
        let v = lean_mk_string_from_bytes_unchecked(c"abc".as_ptr(), 3);
        assert!(lean_string_eq(u, v));
        assert!(!lean_string_lt(u, v));
        let w = lean_string_push(v, u32::from('é'));
        assert_eq!(to_rust_string(w), "abcé");
        assert_eq!(lean_string_len(w), 4);
        assert!(lean_string_lt(u, w));
        lean_dec(w);
        lean_dec(u);
        // A string allocated by the mirror and filled by hand is a valid Lean string.
        let s = lean_alloc_string(3, 8, 1);
        std::ptr::copy_nonoverlapping(c"é".as_ptr(), lean_string_cstr(s).cast_mut(), 3);
        let t = lean_string_append(s, s);
        assert_eq!(to_rust_string(t), "éé");
        assert_eq!(lean_string_len(t), 2);
        lean_dec(t);
    }
}

#[test]
fn array_mirrors_agree_with_lean() {
    init_runtime();
    unsafe {
        let a = lean_alloc_array(2, 4);
        lean_array_set_core(a, 0, lean_str("x"));
        lean_array_set_core(a, 1, lean_box(9));
        let a = lean_array_push(a, lean_str("y"));
        assert!(lean_is_array(a));
        assert_eq!(lean_array_size(a), 3);
        assert_eq!(lean_unbox(lean_array_get_size(a)), 3);
        assert_eq!(to_rust_string(lean_array_get_core(a, 0)), "x");
        assert_eq!(lean_array_get_core(a, 1), lean_box(9));
        let y = lean_array_uget(a, 2);
        assert_eq!(raw_rc(y), 2);
        lean_dec(y);
        // Lean's `Array.toList` walks exactly `size` elements.
        let list = lean_array_to_list(a);
        let mut n = 0;
        let mut cur = list;
        while !lean_is_scalar(cur) {
            n += 1;
            cur = lean_ctor_get(cur, 1);
        }
        assert_eq!(n, 3);
        let back = lean_array_mk(list);
        assert_eq!(lean_array_size(back), 3);
        lean_dec(back);
        let e = lean_mk_empty_array();
        assert_eq!((lean_array_size(e), lean_array_capacity(e)), (0, 0));
        let e = lean_array_push(e, lean_box(1));
        assert_eq!(lean_array_size(e), 1);
        assert!(lean_array_capacity(e) >= 1);
        lean_dec(e);
    }
}

#[test]
fn byte_array_mirrors_agree_with_lean() {
    init_runtime();
    unsafe {
        let mut b = lean_alloc_sarray(1, 0, 0);
        for byte in 0..=200_u8 {
            b = lean_byte_array_push(b, byte);
        }
        assert_eq!(lean_sarray_size(b), 201);
        assert!(lean_sarray_capacity(b) >= 201);
        assert_eq!(lean_sarray_elem_size(b), 1);
        let data = std::slice::from_raw_parts(lean_sarray_cptr(b), 201);
        assert!(data.iter().enumerate().all(|(i, v)| usize::from(*v) == i));
        // The same bytes built by hand hash identically under Lean's `ByteArray.hash`.
        let c = lean_alloc_sarray(1, 201, 201);
        std::ptr::copy_nonoverlapping(data.as_ptr(), lean_sarray_cptr(c), 201);
        assert_eq!(lean_byte_array_hash(b), lean_byte_array_hash(c));
        lean_sarray_set_size(c, 200);
        assert_ne!(lean_byte_array_hash(b), lean_byte_array_hash(c));
        let copy = lean_copy_sarray(c, 300);
        assert_eq!(lean_sarray_capacity(copy), 300);
        assert_eq!(lean_sarray_size(copy), 200);
        lean_dec(copy);
        lean_dec(b);
    }
}

#[test]
fn ctor_scalar_fields_round_trip_at_lean_offsets() {
    init_runtime();
    unsafe {
        // 1 object field, then usize (slot 1), u64 @16, f64 @24, u32 @32, f32 @36, u16 @40, u8 @42.
        let o = lean_alloc_ctor(3, 1, 8 + 8 + 8 + 4 + 4 + 2 + 1);
        lean_ctor_set(o, 0, lean_str("field"));
        lean_ctor_set_usize(o, 1, usize::MAX - 1);
        lean_ctor_set_uint64(o, 16, 0x0123_4567_89ab_cdef);
        lean_ctor_set_float(o, 24, -1.5);
        lean_ctor_set_uint32(o, 32, 0xdead_beef);
        lean_ctor_set_float32(o, 36, 3.25);
        lean_ctor_set_uint16(o, 40, 0xbeef);
        lean_ctor_set_uint8(o, 42, 0xab);
        assert_eq!(lean_obj_tag(o), 3);
        assert_eq!(lean_ctor_num_objs(o), 1);
        assert_eq!(lean_ctor_scalar_cptr(o), o.cast::<u8>().add(16));
        assert_eq!(common::read_at::<usize>(o, 16), usize::MAX - 1);
        assert_eq!(lean_ctor_get_usize(o, 1), usize::MAX - 1);
        assert_eq!(lean_ctor_get_uint64(o, 16), 0x0123_4567_89ab_cdef);
        assert_eq!(common::read_at::<u64>(o, 8 + 16), 0x0123_4567_89ab_cdef);
        assert_eq!(lean_ctor_get_float(o, 24), -1.5);
        assert_eq!(lean_ctor_get_uint32(o, 32), 0xdead_beef);
        assert_eq!(lean_ctor_get_float32(o, 36), 3.25);
        assert_eq!(lean_ctor_get_uint16(o, 40), 0xbeef);
        assert_eq!(lean_ctor_get_uint8(o, 42), 0xab);
        assert_eq!(common::read_at::<u8>(o, 8 + 42), 0xab);
        lean_ctor_set_tag(o, 5);
        assert_eq!(lean_ptr_tag(o), 5);
        lean_ctor_release(o, 0);
        assert_eq!(lean_ctor_get(o, 0), lean_box(0));
        lean_dec(o);
    }
}

#[test]
fn nat_mirrors_agree_with_lean_bignums() {
    init_runtime();
    unsafe {
        assert!(lean_is_scalar(lean_usize_to_nat(LEAN_MAX_SMALL_NAT)));
        let big = lean_usize_to_nat(LEAN_MAX_SMALL_NAT + 1);
        assert!(!lean_is_scalar(big) && lean_is_mpz(big));
        assert_eq!(
            nat_to_decimal(big),
            (LEAN_MAX_SMALL_NAT as u128 + 1).to_string()
        );
        // 2^64 three ways: parsed by Lean, u64::MAX + 1 via the mirror, and Lean's big succ.
        let two64 = lean_cstr_to_nat(c"18446744073709551616".as_ptr());
        let max = lean_uint64_to_nat(u64::MAX);
        assert!(!lean_is_scalar(max));
        assert_eq!(lean_uint64_of_nat(max), u64::MAX);
        let succ = lean_nat_succ(max);
        assert!(lean_nat_eq(succ, two64));
        assert!(lean_nat_big_eq(succ, two64));
        assert!(lean_nat_lt(max, two64) && lean_nat_le(two64, succ) && !lean_nat_lt(two64, max));
        assert_eq!(nat_to_decimal(two64), "18446744073709551616");
        // 2^64 + 5 wraps to 5 in UInt64 / USize.
        let plus5 = lean_nat_add(two64, lean_box(5));
        assert_eq!(lean_uint64_of_nat(plus5), 5);
        assert_eq!(lean_usize_of_nat(plus5), 5);
        let sq = lean_nat_mul(two64, two64);
        assert_eq!(
            nat_to_decimal(sq),
            "340282366920938463463374607431768211456"
        );
        let back = lean_nat_div(sq, two64);
        assert!(lean_nat_eq(back, two64));
        let diff = lean_nat_sub(plus5, two64);
        assert_eq!(diff, lean_box(5), "big - big that fits comes back unboxed");
        assert_eq!(lean_nat_sub(lean_box(3), lean_box(5)), lean_box(0));
        assert_eq!(
            lean_nat_mod(plus5, lean_box(7)),
            lean_box(usize::try_from(((1_u128 << 64) + 5) % 7).unwrap())
        );
        // Small overflow goes to Lean's overflow multiplication.
        let ov = lean_nat_mul(lean_box(1 << 40), lean_box(1 << 40));
        assert_eq!(nat_to_decimal(ov), (1_u128 << 80).to_string());
        assert_eq!(lean_nat_div(lean_box(7), lean_box(0)), lean_box(0));
        assert_eq!(lean_nat_mod(lean_box(7), lean_box(0)), lean_box(7));
        let via_big = lean_big_uint64_to_nat(u64::MAX);
        assert!(lean_nat_eq(via_big, max));
        let via_usize = lean_big_usize_to_nat(usize::MAX);
        assert!(lean_nat_eq(via_usize, max));
        for o in [
            big, two64, max, succ, plus5, sq, back, ov, via_big, via_usize,
        ] {
            lean_dec(o);
        }
    }
}

#[test]
fn int_mirrors_agree_with_lean_bignums() {
    init_runtime();
    unsafe {
        for v in [0_i64, -1, 42, i64::from(i32::MIN), i64::from(i32::MAX)] {
            let i = lean_int64_to_int(v);
            assert!(lean_is_scalar(i));
            assert_eq!(lean_scalar_to_int64(i), v);
        }
        for v in [
            i64::from(i32::MAX) + 1,
            i64::from(i32::MIN) - 1,
            i64::MIN,
            i64::MAX,
        ] {
            let i = lean_int64_to_int(v);
            assert!(!lean_is_scalar(i), "{v} is big");
            let parsed = lean_cstr_to_int(std::ffi::CString::new(v.to_string()).unwrap().as_ptr());
            assert!(lean_int_big_eq(i, parsed));
            assert_eq!(lean_int64_of_big_int(i), v);
            assert_eq!(lean_int_big_nonneg(i), v >= 0);
            lean_dec(parsed);
            lean_dec(i);
        }
        // -(INT_MIN) leaves the small range.
        let neg = lean_int_neg(lean_int_to_int(i32::MIN));
        assert!(!lean_is_scalar(neg));
        assert_eq!(lean_int64_of_big_int(neg), 1 << 31);
        let as_int = lean_nat_to_int(lean_box(1 << 31));
        assert!(lean_int_big_eq(as_int, neg));
        assert_eq!(lean_nat_to_int(lean_box(5)), lean_box(5));
        let small = lean_int_neg(lean_int_to_int(7));
        assert_eq!(lean_scalar_to_int(small), -7);
        // Fast paths agree with Lean's big arithmetic across the small/big boundary.
        let max = lean_int_to_int(i32::MAX);
        let one = lean_int_to_int(1);
        let over = lean_int_add(max, one);
        assert!(!lean_is_scalar(over) && lean_int_eq(over, neg));
        assert!(lean_int_lt(max, over) && lean_int_le(over, over) && !lean_int_lt(over, max));
        let back = lean_int_sub(over, one);
        assert_eq!(back, max, "big - 1 that fits comes back unboxed");
        let prod = lean_int_mul(lean_int_to_int(-65536), lean_int_to_int(65536));
        assert_eq!(lean_int64_of_int(prod), -(1_i64 << 32));
        assert!(lean_int_lt(prod, small));
        let sq = lean_int_mul(over, over);
        assert_eq!(lean_int64_of_int(sq), 1_i64 << 62);
        let as_nat = lean_int_to_nat(sq);
        assert_eq!(nat_to_decimal(as_nat), (1_u64 << 62).to_string());
        assert_eq!(lean_int_to_nat(lean_int_to_int(9)), lean_box(9));
        lean_dec(as_nat);
        lean_dec(prod);
        lean_dec(over);
        lean_dec(as_int);
        lean_dec(neg);
    }
}

extern "C" fn sum2(a: *mut lean_object, b: *mut lean_object) -> *mut lean_object {
    lean_box(lean_unbox(a) * 10 + lean_unbox(b))
}

extern "C" fn weighted16(
    a1: *mut lean_object,
    a2: *mut lean_object,
    a3: *mut lean_object,
    a4: *mut lean_object,
    a5: *mut lean_object,
    a6: *mut lean_object,
    a7: *mut lean_object,
    a8: *mut lean_object,
    a9: *mut lean_object,
    a10: *mut lean_object,
    a11: *mut lean_object,
    a12: *mut lean_object,
    a13: *mut lean_object,
    a14: *mut lean_object,
    a15: *mut lean_object,
    a16: *mut lean_object,
) -> *mut lean_object {
    let args = [
        a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16,
    ];
    lean_box(
        args.iter()
            .enumerate()
            .map(|(i, a)| (i + 1) * lean_unbox(*a))
            .sum(),
    )
}

/// Closures of arity > 16 receive their arguments as one array.
extern "C" fn sum18(args: *mut *mut lean_object) -> *mut lean_object {
    let args = unsafe { std::slice::from_raw_parts(args, 18) };
    lean_box(args.iter().map(|a| lean_unbox(*a)).sum())
}

#[test]
fn closures_apply_through_lean() {
    init_runtime();
    unsafe {
        let f = lean_alloc_closure(sum2 as *const () as *mut _, 2, 0);
        lean_inc(f);
        assert_eq!(lean_apply_2(f, lean_box(4), lean_box(2)), lean_box(42));
        let mut args = [lean_box(7), lean_box(3)];
        assert_eq!(lean_apply_n(f, 2, args.as_mut_ptr()), lean_box(73));

        let g = lean_alloc_closure(weighted16 as *const () as *mut _, 16, 0);
        lean_inc(g);
        let one = lean_box(1);
        let r = lean_apply_16(
            g, one, one, one, one, one, one, one, one, one, one, one, one, one, one, one, one,
        );
        assert_eq!(lean_unbox(r), (1..=16).sum::<usize>());
        // Partial application by Lean, then the rest.
        let h = lean_apply_1(g, lean_box(2));
        assert_eq!(lean_closure_num_fixed(h), 1);
        let r = lean_apply_15(
            h, one, one, one, one, one, one, one, one, one, one, one, one, one, one, one,
        );
        assert_eq!(lean_unbox(r), 2 + (2..=16).sum::<usize>());

        let k = lean_alloc_closure(sum18 as *const () as *mut _, 18, 1);
        lean_closure_set(k, 0, lean_box(100));
        let mut rest: Vec<_> = (1..=17).map(lean_box).collect();
        assert_eq!(
            lean_apply_m(k, 17, rest.as_mut_ptr()),
            lean_box(100 + (1..=17).sum::<usize>())
        );
    }
}

#[test]
fn external_data_replacement() {
    unsafe extern "C" fn no_finalize(_: *mut core::ffi::c_void) {}
    unsafe extern "C" fn no_visit(_: *mut core::ffi::c_void, _: b_lean_obj_arg) {}
    init_runtime();
    unsafe {
        let cls = lean_register_external_class(Some(no_finalize), Some(no_visit));
        let o = lean_alloc_external(cls, std::ptr::without_provenance_mut(1));
        assert!(lean_is_external(o));
        let same = lean_set_external_data(o, std::ptr::without_provenance_mut(2));
        assert_eq!(same, o, "exclusive: updated in place");
        assert_eq!(lean_get_external_data(o) as usize, 2);
        lean_inc(o);
        let fresh = lean_set_external_data(o, std::ptr::without_provenance_mut(3));
        assert_ne!(fresh, o, "shared: copied");
        assert_eq!(lean_get_external_data(fresh) as usize, 3);
        assert_eq!(lean_get_external_data(o) as usize, 2);
        assert_eq!(raw_rc(o), 1);
        lean_dec(fresh);
        lean_dec(o);
    }
}
