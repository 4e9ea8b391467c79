//! Constructor objects: allocation, object fields and the scalar area (`lean.h` "Constructor
//! objects").
//!
//! Object fields are indexed by position. The scalar area follows the object fields; the typed
//! accessors take a *byte offset measured from the first object field* (so the first scalar
//! byte is at `num_objs * 8`), except `*_usize`, which take a *slot index* in pointer-size units,
//! exactly as in `lean.h`.

use crate::consts::LEAN_OBJECT_SIZE_DELTA;
use crate::object::{
    lean_align, lean_alloc_small_object, lean_dec, lean_ptr_other, lean_set_st_header,
};
use crate::object::{size_add, size_mul};
use crate::repr::{LeanCtorObjectRepr, header};
use crate::scalar::lean_box;
use crate::types::lean_object;

/// Allocates constructor memory of `sz` bytes, zeroing the padding word so that structural
/// hashing/sharing never reads uninitialised bytes.
///
/// # Safety
/// The runtime must be initialised; `sz` must be at most `LEAN_MAX_SMALL_OBJECT_SIZE`.
#[inline]
pub unsafe fn lean_alloc_ctor_memory(sz: usize) -> *mut lean_object {
    let rounded = lean_align(sz, LEAN_OBJECT_SIZE_DELTA);
    // SAFETY: forwarded caller contract.
    let o = unsafe { lean_alloc_small_object(sz) };
    if rounded > sz {
        // SAFETY: the allocation is `rounded` bytes (a multiple of 8, 8-aligned), so its last
        // word is in bounds and aligned.
        unsafe {
            o.cast::<usize>().add(rounded / 8 - 1).write(0);
        }
    }
    o
}

/// Allocates a constructor with `tag`, `num_objs` object fields and `scalar_sz` scalar bytes,
/// count 1. Fields are uninitialised: set each one before the object is used or freed.
///
/// # Safety
/// The runtime must be initialised; `tag <= LeanMaxCtorTag`, `num_objs < 256`,
/// `scalar_sz < 1024`.
#[inline]
pub unsafe fn lean_alloc_ctor(tag: u32, num_objs: u32, scalar_sz: u32) -> *mut lean_object {
    debug_assert!(tag <= u32::from(crate::consts::LeanMaxCtorTag));
    debug_assert!(num_objs < crate::consts::LEAN_MAX_CTOR_FIELDS);
    debug_assert!(scalar_sz < crate::consts::LEAN_MAX_CTOR_SCALARS_SIZE);
    let fields = size_mul(core::mem::size_of::<*mut lean_object>(), num_objs as usize);
    let sz = size_add(
        size_add(core::mem::size_of::<LeanCtorObjectRepr>(), fields),
        scalar_sz as usize,
    );
    // SAFETY: forwarded caller contract bounds `sz` below the small-object limit.
    unsafe {
        let o = lean_alloc_ctor_memory(sz);
        lean_set_st_header(o, tag, num_objs);
        o
    }
}

/// Number of object fields.
///
/// # Safety
/// `o` must be a live constructor object.
#[inline(always)]
pub unsafe fn lean_ctor_num_objs(o: *mut lean_object) -> u32 {
    // SAFETY: forwarded caller contract.
    unsafe { lean_ptr_other(o) }
}

/// Pointer to the first object field.
///
/// # Safety
/// `o` must be a live constructor object.
#[inline(always)]
pub unsafe fn lean_ctor_obj_cptr(o: *mut lean_object) -> *mut *mut lean_object {
    // SAFETY: constructor layout: fields follow the 8-byte header.
    unsafe { (&raw mut (*o.cast::<LeanCtorObjectRepr>()).m_objs).cast() }
}

/// Pointer to the first scalar byte (just after the object fields).
///
/// # Safety
/// `o` must be a live constructor object.
#[inline(always)]
pub unsafe fn lean_ctor_scalar_cptr(o: *mut lean_object) -> *mut u8 {
    // SAFETY: the scalar area starts right after `num_objs` fields of the same object.
    unsafe {
        lean_ctor_obj_cptr(o)
            .add(lean_ctor_num_objs(o) as usize)
            .cast()
    }
}

/// Borrowed object field `i`.
///
/// # Safety
/// `o` must be a live constructor object and `i < lean_ctor_num_objs(o)`.
#[inline(always)]
pub unsafe fn lean_ctor_get(o: *mut lean_object, i: u32) -> *mut lean_object {
    // SAFETY: `o` is a live constructor (caller contract).
    debug_assert!(i < unsafe { lean_ctor_num_objs(o) });
    // SAFETY: `i` is in bounds of the field array.
    unsafe { *lean_ctor_obj_cptr(o).add(i as usize) }
}

/// Stores owned `v` into field `i` (the previous value is not released).
///
/// # Safety
/// `o` must be a live constructor object the caller may mutate (fresh or exclusive) and
/// `i < lean_ctor_num_objs(o)`.
#[inline(always)]
pub unsafe fn lean_ctor_set(o: *mut lean_object, i: u32, v: *mut lean_object) {
    // SAFETY: `o` is a live constructor (caller contract).
    debug_assert!(i < unsafe { lean_ctor_num_objs(o) });
    // SAFETY: `i` is in bounds and the caller may write the object.
    unsafe { *lean_ctor_obj_cptr(o).add(i as usize) = v }
}

/// Changes the constructor tag in place.
///
/// # Safety
/// `o` must be a live, mutable constructor object and `new_tag <= LeanMaxCtorTag`.
#[inline(always)]
pub unsafe fn lean_ctor_set_tag(o: *mut lean_object, new_tag: u8) {
    // SAFETY: caller contract.
    unsafe { (*header(o)).m_tag = new_tag }
}

/// Releases field `i` and replaces it with `box(0)` so a later release cannot free it twice.
///
/// # Safety
/// As [`lean_ctor_set`]; field `i` must hold an owned reference.
#[inline]
pub unsafe fn lean_ctor_release(o: *mut lean_object, i: u32) {
    // SAFETY: caller contract.
    unsafe {
        let slot = lean_ctor_obj_cptr(o).add(i as usize);
        lean_dec(*slot);
        *slot = lean_box(0);
    }
}

/// Reads the `usize` at slot `i` (counted in pointer-size units from the first field).
///
/// # Safety
/// `o` must be a live constructor object with `i >= num_objs` and the slot inside its scalar area.
#[inline(always)]
pub unsafe fn lean_ctor_get_usize(o: *mut lean_object, i: u32) -> usize {
    // SAFETY: caller contract; slots are pointer-aligned.
    unsafe { lean_ctor_obj_cptr(o).add(i as usize).cast::<usize>().read() }
}

/// Writes the `usize` at slot `i`.
///
/// # Safety
/// As [`lean_ctor_get_usize`], and the caller may mutate `o`.
#[inline(always)]
pub unsafe fn lean_ctor_set_usize(o: *mut lean_object, i: u32, v: usize) {
    // SAFETY: caller contract; slots are pointer-aligned.
    unsafe {
        lean_ctor_obj_cptr(o)
            .add(i as usize)
            .cast::<usize>()
            .write(v);
    }
}

macro_rules! scalar_field {
    ($($get:ident / $set:ident : $ty:ty;)*) => {$(
        #[doc = concat!("Reads a `", stringify!($ty), "` at byte `offset` from the first object field.")]
        ///
        /// # Safety
        /// `o` must be a live constructor object; `offset >= num_objs * 8` and the value must lie
        /// inside the scalar area.
        #[inline(always)]
        pub unsafe fn $get(o: *mut lean_object, offset: u32) -> $ty {
            // SAFETY: caller contract; unaligned read because Lean packs scalars by size only.
            unsafe { lean_ctor_obj_cptr(o).cast::<u8>().add(offset as usize).cast::<$ty>().read_unaligned() }
        }

        #[doc = concat!("Writes a `", stringify!($ty), "` at byte `offset` from the first object field.")]
        ///
        /// # Safety
        #[doc = concat!("As [`", stringify!($get), "`], and the caller may mutate `o`.")]
        #[inline(always)]
        pub unsafe fn $set(o: *mut lean_object, offset: u32, v: $ty) {
            // SAFETY: caller contract; unaligned write for the same reason.
            unsafe { lean_ctor_obj_cptr(o).cast::<u8>().add(offset as usize).cast::<$ty>().write_unaligned(v) }
        }
    )*};
}

scalar_field! {
    lean_ctor_get_uint8 / lean_ctor_set_uint8: u8;
    lean_ctor_get_uint16 / lean_ctor_set_uint16: u16;
    lean_ctor_get_uint32 / lean_ctor_set_uint32: u32;
    lean_ctor_get_uint64 / lean_ctor_set_uint64: u64;
    lean_ctor_get_float / lean_ctor_set_float: f64;
    lean_ctor_get_float32 / lean_ctor_set_float32: f32;
}
