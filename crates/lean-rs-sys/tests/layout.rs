//! Layout facts proven on live objects allocated by the real runtime's own exported functions:
//! the raw bytes are read at fixed offsets and compared with what the mirrors report.
//!
//! Every `unsafe` block relies on the runtime having been initialised by `init_runtime()` and
//! on passing live objects with the ownership each callee documents.

#![allow(unsafe_code, clippy::unwrap_used, clippy::undocumented_unsafe_blocks)]
// Bit-exact float and raw-offset checks are the point of these tests.
#![allow(clippy::float_cmp, clippy::cast_ptr_alignment, clippy::int_plus_one)]

mod common;

use common::{init_runtime, raw_rc, read_at};
use lean_rs_sys::*;

#[test]
fn ctor_header_of_a_lean_allocated_option_some() {
    init_runtime();
    unsafe {
        // `IO.getEnv` returns `Option String`; Lean allocates `some s` itself (tag 1, 1 field).
        let name = lean_mk_string(c"PATH".as_ptr());
        let opt = lean_io_getenv(name, lean_io_mk_world());
        assert!(!lean_is_scalar(opt), "PATH is set in the test environment");
        assert_eq!(raw_rc(opt), 1, "m_rc at offset 0");
        assert_eq!(read_at::<u8>(opt, 7), 1, "m_tag at offset 7");
        assert_eq!(read_at::<u8>(opt, 6), 1, "m_other (num_objs) at offset 6");
        // Small objects allocated through mimalloc record their size in m_cs_sz (offset 4).
        #[cfg(lean_mimalloc)]
        assert_eq!(read_at::<u16>(opt, 4), 16);
        assert_eq!(lean_object_byte_size(opt), 16);
        assert_eq!(lean_ptr_tag(opt), 1);
        assert_eq!(lean_ctor_num_objs(opt), 1);
        let s = lean_ctor_get(opt, 0);
        assert_eq!(
            read_at::<*mut lean_object>(opt, 8),
            s,
            "first field at offset 8"
        );
        assert!(lean_is_string(s));
        assert_eq!(common::to_rust_string(s), std::env::var("PATH").unwrap());
        lean_dec(opt);
        lean_dec(name);
    }
}

lean_rs_sys::lean_extern! {
    fn lean_io_getenv(name: b_lean_obj_arg, world: lean_obj_arg) -> lean_obj_res;
}

#[test]
fn mirror_allocated_ctor_matches_header_and_byte_size() {
    init_runtime();
    unsafe {
        let o = lean_alloc_ctor(7, 2, 12);
        assert_eq!(raw_rc(o), 1);
        assert_eq!(read_at::<u8>(o, 7), 7);
        assert_eq!(read_at::<u8>(o, 6), 2);
        // 8 header + 16 fields + 12 scalar bytes = 36, rounded to 40; the runtime sees that size.
        assert_eq!(lean_object_byte_size(o), 40);
        assert_eq!(read_at::<u64>(o, 32), 0, "padding word is zeroed");
        lean_ctor_set(o, 0, lean_box(1));
        lean_ctor_set(o, 1, lean_box(2));
        lean_dec(o);
    }
}

#[test]
fn inline_ctor_byte_size_is_the_runtimes_answer() {
    init_runtime();
    unsafe {
        for (objs, scalars) in [
            (0u32, 0u32),
            (0, 8),
            (1, 0),
            (2, 12),
            (3, 1),
            (0, 255),
            (16, 64),
        ] {
            let o = lean_alloc_ctor(0, objs, scalars);
            for i in 0..objs {
                lean_ctor_set(o, i, lean_box(0));
            }
            assert_eq!(
                lean_ctor_object_byte_size(o),
                lean_object_byte_size(o),
                "{objs} fields, {scalars} scalar bytes"
            );
            lean_dec(o);
        }
        // Constructors Lean allocates itself: a boxed UInt64 and `some s`.
        let boxed = lean_box_uint64(u64::MAX);
        assert_eq!(
            lean_ctor_object_byte_size(boxed),
            lean_object_byte_size(boxed)
        );
        lean_dec(boxed);
        let name = lean_mk_string(c"PATH".as_ptr());
        let opt = lean_io_getenv(name, lean_io_mk_world());
        assert!(!lean_is_scalar(opt));
        assert_eq!(lean_ctor_object_byte_size(opt), lean_object_byte_size(opt));
        lean_dec(opt);
        lean_dec(name);
    }
}

#[test]
fn string_layout() {
    init_runtime();
    unsafe {
        let text = "héllo, wörld";
        let s = lean_mk_string_from_bytes(text.as_ptr().cast(), text.len());
        assert_eq!(read_at::<u8>(s, 7), LeanString);
        assert_eq!(
            read_at::<usize>(s, 8),
            text.len() + 1,
            "m_size at 8 counts the NUL"
        );
        assert!(
            read_at::<usize>(s, 16) >= text.len() + 1,
            "m_capacity at 16"
        );
        assert_eq!(
            read_at::<usize>(s, 24),
            text.chars().count(),
            "m_length at 24"
        );
        assert_eq!(
            lean_string_cstr(s).cast::<u8>(),
            s.cast::<u8>().add(32).cast_const(),
            "data at 32"
        );
        assert_eq!(lean_string_size(s), text.len() + 1);
        assert_eq!(lean_string_len(s), text.chars().count());
        assert_eq!(lean_string_capacity(s), read_at::<usize>(s, 16));
        assert_eq!(lean_object_byte_size(s), lean_string_byte_size(s));
        lean_dec(s);
    }
}

#[test]
fn array_layout() {
    init_runtime();
    unsafe {
        let n = lean_box(3);
        let a = lean_mk_array(n, lean_box(7));
        assert_eq!(read_at::<u8>(a, 7), LeanArray);
        assert_eq!(read_at::<usize>(a, 8), 3, "m_size at 8");
        assert!(read_at::<usize>(a, 16) >= 3, "m_capacity at 16");
        for i in 0..3 {
            assert_eq!(
                read_at::<*mut lean_object>(a, 24 + 8 * i),
                lean_box(7),
                "m_data at 24"
            );
        }
        assert_eq!(lean_array_size(a), 3);
        assert_eq!(lean_array_capacity(a), read_at::<usize>(a, 16));
        assert_eq!(lean_array_cptr(a).cast::<u8>(), a.cast::<u8>().add(24));
        lean_dec(a);
    }
}

#[test]
fn scalar_array_layout() {
    init_runtime();
    unsafe {
        let s = lean_mk_string(c"abc".as_ptr());
        let bytes = lean_string_to_utf8(s);
        assert_eq!(read_at::<u8>(bytes, 7), LeanScalarArray);
        assert_eq!(read_at::<u8>(bytes, 6), 1, "elem size in m_other");
        assert_eq!(read_at::<usize>(bytes, 8), 3, "m_size at 8");
        assert!(read_at::<usize>(bytes, 16) >= 3, "m_capacity at 16");
        assert_eq!(
            std::slice::from_raw_parts(bytes.cast::<u8>().add(24), 3),
            b"abc",
            "data at 24"
        );
        assert_eq!(lean_sarray_elem_size(bytes), 1);
        assert_eq!(lean_sarray_size(bytes), 3);
        assert_eq!(lean_sarray_cptr(bytes), bytes.cast::<u8>().add(24));
        lean_dec(bytes);
        lean_dec(s);

        // A FloatArray grown by Lean keeps element size 8.
        let floats = lean_alloc_sarray(8, 0, 0);
        let floats = lean_float_array_push(floats, 2.5);
        assert_eq!(read_at::<u8>(floats, 6), 8);
        assert_eq!(lean_sarray_elem_size(floats), 8);
        assert_eq!(lean_sarray_size(floats), 1);
        assert_eq!(lean_sarray_cptr(floats).cast::<f64>().read(), 2.5);
        assert!(lean_object_byte_size(floats) >= lean_sarray_byte_size(floats) - 8);
        lean_dec(floats);
    }
}

extern "C" fn add3(
    a: *mut lean_object,
    b: *mut lean_object,
    c: *mut lean_object,
) -> *mut lean_object {
    lean_box(lean_unbox(a) + lean_unbox(b) + lean_unbox(c))
}

#[test]
fn closure_layout_via_lean_partial_application() {
    init_runtime();
    unsafe {
        let f = lean_alloc_closure(add3 as *const () as *mut core::ffi::c_void, 3, 1);
        lean_closure_set(f, 0, lean_box(1));
        assert_eq!(read_at::<u8>(f, 7), LeanClosure);
        assert_eq!(
            read_at::<usize>(f, 8),
            add3 as *const () as usize,
            "m_fun at 8"
        );
        assert_eq!(read_at::<u16>(f, 16), 3, "m_arity at 16");
        assert_eq!(read_at::<u16>(f, 18), 1, "m_num_fixed at 18");
        assert_eq!(
            read_at::<*mut lean_object>(f, 24),
            lean_box(1),
            "m_objs at 24"
        );
        // Lean's own partial application copies the closure: read its result through the mirrors.
        let g = lean_apply_1(f, lean_box(10));
        assert!(lean_is_closure(g));
        assert_eq!(lean_closure_arity(g), 3);
        assert_eq!(lean_closure_num_fixed(g), 2);
        assert_eq!(
            lean_closure_fun(g),
            add3 as *const () as *mut core::ffi::c_void
        );
        assert_eq!(lean_closure_get(g, 0), lean_box(1));
        assert_eq!(lean_closure_get(g, 1), lean_box(10));
        assert_eq!(lean_object_byte_size(g), 24 + 2 * 8);
        let r = lean_apply_1(g, lean_box(100));
        assert_eq!(lean_unbox(r), 111);
    }
}

#[test]
fn boxed_scalars_match_lean_boxing() {
    init_runtime();
    unsafe {
        // `Float.frexp 8.0 = (0.5, 4)`: Lean boxes the Float itself.
        let pair = lean_float_frexp(8.0);
        assert_eq!(lean_ctor_num_objs(pair), 2);
        let mantissa = lean_ctor_get(pair, 0);
        assert_eq!(lean_ptr_tag(mantissa), 0);
        assert_eq!(lean_ctor_num_objs(mantissa), 0);
        assert_eq!(read_at::<f64>(mantissa, 8), 0.5);
        assert_eq!(lean_unbox_float(mantissa), 0.5);
        assert_eq!(lean_scalar_to_int64(lean_ctor_get(pair, 1)), 4);
        lean_dec(pair);

        let ours = lean_box_float(0.5);
        assert_eq!(lean_object_byte_size(ours), 16);
        assert_eq!(
            read_at::<u64>(ours, 0) & 0xffff_0000_0000_0000,
            0,
            "tag 0, no fields"
        );
        assert_eq!(read_at::<f64>(ours, 8), 0.5);
        lean_dec(ours);
        for v in [0_u64, 1, u64::MAX, 1 << 63] {
            let b = lean_box_uint64(v);
            assert_eq!(read_at::<u64>(b, 8), v);
            assert_eq!(lean_unbox_uint64(b), v);
            lean_dec(b);
        }
        let b = lean_box_usize(usize::MAX - 3);
        assert_eq!(lean_unbox_usize(b), usize::MAX - 3);
        lean_dec(b);
        let b = lean_box_float32(1.25);
        assert_eq!(read_at::<f32>(b, 8), 1.25);
        assert_eq!(lean_unbox_float32(b), 1.25);
        lean_dec(b);
        assert_eq!(lean_unbox_uint32(lean_box_uint32(u32::MAX)), u32::MAX);
        assert!(lean_is_scalar(lean_box_uint32(7)));
    }
}

lean_rs_sys::lean_extern! {
    fn lean_float_frexp(a: f64) -> lean_obj_res;
}

#[test]
fn external_layout_is_what_the_runtime_finalizes() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static SEEN: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn finalize(data: *mut core::ffi::c_void) {
        SEEN.store(data as usize, Ordering::SeqCst);
    }
    init_runtime();
    unsafe {
        let cls = lean_register_external_class(Some(finalize), None);
        let o = lean_alloc_external(cls, 0x1234_5678 as *mut core::ffi::c_void);
        assert_eq!(read_at::<u8>(o, 7), LeanExternal);
        assert_eq!(
            read_at::<*mut lean_external_class>(o, 8),
            cls,
            "m_class at 8"
        );
        assert_eq!(read_at::<usize>(o, 16), 0x1234_5678, "m_data at 16");
        assert_eq!(lean_object_byte_size(o), 24);
        assert_eq!(lean_get_external_class(o), cls);
        lean_dec(o);
        assert_eq!(
            SEEN.load(Ordering::SeqCst),
            0x1234_5678,
            "runtime read m_class/m_data at our offsets"
        );
    }
}
