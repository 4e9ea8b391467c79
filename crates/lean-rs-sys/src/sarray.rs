//! Scalar arrays (`ByteArray`, `FloatArray`, ...; `lean.h` "Array of scalars").
//!
//! The element size lives in `m_other`. Newer runtimes (4.35.0 confirmed) keep the linearity
//! mark in its top bit, so [`lean_sarray_elem_size`] masks it out; on older runtimes the bit is
//! always clear and the mask is a no-op.

use crate::consts::{LEAN_LINEAR_MARK_MASK, LeanScalarArray};
use crate::object::{
    invariant_overflow, lean_alloc_object, lean_ptr_other, lean_set_st_header, size_add, size_mul,
};
use crate::repr::LeanSArrayObjectRepr;
use crate::types::{b_lean_obj_arg, lean_obj_arg, lean_obj_res, lean_object, u_lean_obj_arg};

crate::lean_extern! {
    /// `ByteArray.push`: consumes `a`.
    pub fn lean_byte_array_push(a: lean_obj_arg, b: u8) -> lean_obj_res;
    /// `ByteArray.mk` from an `Array UInt8`: consumes it.
    pub fn lean_byte_array_mk(a: lean_obj_arg) -> lean_obj_res;
    /// `ByteArray.data` as an `Array UInt8`: consumes `a`.
    pub fn lean_byte_array_data(a: lean_obj_arg) -> lean_obj_res;
    /// `ByteArray.hash`.
    pub fn lean_byte_array_hash(a: b_lean_obj_arg) -> u64;
    /// `FloatArray.push`: consumes `a`.
    pub fn lean_float_array_push(a: lean_obj_arg, d: f64) -> lean_obj_res;
    /// Copies a scalar array (consumed) into one with capacity `cap`.
    pub fn lean_copy_sarray(a: lean_obj_arg, cap: usize) -> lean_obj_res;
}

/// Allocates a scalar array of `size` elements of `elem_size` bytes with room for `capacity`.
///
/// # Safety
/// The runtime must be initialised, `size <= capacity`, and the caller initialises the first
/// `size` elements before they are read. `elem_size` must be below 128 (aborts otherwise).
#[inline]
pub unsafe fn lean_alloc_sarray(elem_size: u32, size: usize, capacity: usize) -> lean_obj_res {
    if elem_size >= u32::from(LEAN_LINEAR_MARK_MASK) {
        invariant_overflow("scalar array element size");
    }
    let bytes = size_add(
        core::mem::size_of::<LeanSArrayObjectRepr>(),
        size_mul(elem_size as usize, capacity),
    );
    // SAFETY: initialised runtime; the allocation covers header + data.
    unsafe {
        let o = lean_alloc_object(bytes);
        lean_set_st_header(o, u32::from(LeanScalarArray), elem_size);
        let a = o.cast::<LeanSArrayObjectRepr>();
        (*a).m_size = size;
        (*a).m_capacity = capacity;
        o
    }
}

/// Element size in bytes.
///
/// # Safety
/// `o` must be a live scalar array.
#[inline(always)]
pub unsafe fn lean_sarray_elem_size(o: *mut lean_object) -> u32 {
    // SAFETY: forwarded caller contract.
    unsafe { lean_ptr_other(o) & !u32::from(LEAN_LINEAR_MARK_MASK) }
}

/// Number of elements.
///
/// # Safety
/// `o` must be a live scalar array.
#[inline(always)]
pub unsafe fn lean_sarray_size(o: b_lean_obj_arg) -> usize {
    // SAFETY: scalar-array layout (caller contract).
    unsafe { (*o.cast::<LeanSArrayObjectRepr>()).m_size }
}

/// Allocated element slots.
///
/// # Safety
/// `o` must be a live scalar array.
#[inline(always)]
pub unsafe fn lean_sarray_capacity(o: *mut lean_object) -> usize {
    // SAFETY: scalar-array layout (caller contract).
    unsafe { (*o.cast::<LeanSArrayObjectRepr>()).m_capacity }
}

/// Total allocated bytes of the object.
///
/// # Safety
/// `o` must be a live scalar array.
#[inline(always)]
pub unsafe fn lean_sarray_byte_size(o: *mut lean_object) -> usize {
    // SAFETY: forwarded caller contract.
    core::mem::size_of::<LeanSArrayObjectRepr>()
        + unsafe { lean_sarray_elem_size(o) as usize * lean_sarray_capacity(o) }
}

/// Pointer to the first data byte.
///
/// # Safety
/// `o` must be a live scalar array.
#[inline(always)]
pub unsafe fn lean_sarray_cptr(o: *mut lean_object) -> *mut u8 {
    // SAFETY: scalar-array layout (caller contract).
    unsafe { (&raw mut (*o.cast::<LeanSArrayObjectRepr>()).m_data).cast() }
}

/// Sets the element count of an exclusive scalar array.
///
/// # Safety
/// `o` must be a live, exclusive scalar array, `sz <= capacity`, first `sz` elements initialised.
#[inline(always)]
pub unsafe fn lean_sarray_set_size(o: u_lean_obj_arg, sz: usize) {
    // SAFETY: caller contract.
    unsafe { (*o.cast::<LeanSArrayObjectRepr>()).m_size = sz }
}
