//! `Array` objects (`lean.h` "Arrays of objects").

use crate::consts::LeanArray;
use crate::object::{lean_alloc_object, lean_inc, lean_set_st_header, size_add, size_mul};
use crate::repr::LeanArrayObjectRepr;
use crate::scalar::lean_box;
use crate::types::{
    b_lean_obj_arg, b_lean_obj_res, lean_obj_arg, lean_obj_res, lean_object, u_lean_obj_arg,
};

crate::lean_extern! {
    /// `Array.push`: consumes both, may reallocate.
    pub fn lean_array_push(a: lean_obj_arg, v: lean_obj_arg) -> lean_obj_res;
    /// `Array.mkArray n v` (`n` a `Nat`): consumes both.
    pub fn lean_mk_array(n: lean_obj_arg, v: lean_obj_arg) -> lean_obj_res;
    /// `List.toArray`: consumes the list.
    pub fn lean_array_mk(l: lean_obj_arg) -> lean_obj_res;
    /// `Array.toList`: consumes the array.
    pub fn lean_array_to_list(a: lean_obj_arg) -> lean_obj_res;
    /// Copies `a` (consumed), doubling the capacity when `expand`.
    pub fn lean_copy_expand_array(a: lean_obj_arg, expand: bool) -> lean_obj_res;
}

/// Allocates an array of `size` elements (uninitialised) with room for `capacity`.
///
/// # Safety
/// The runtime must be initialised; `size <= capacity`; the caller stores all `size` elements
/// before the array is read or freed.
#[inline]
pub unsafe fn lean_alloc_array(size: usize, capacity: usize) -> lean_obj_res {
    let bytes = size_add(
        core::mem::size_of::<LeanArrayObjectRepr>(),
        size_mul(8, capacity),
    );
    // SAFETY: initialised runtime; the allocation covers header + `capacity` pointers.
    unsafe {
        let o = lean_alloc_object(bytes);
        lean_set_st_header(o, u32::from(LeanArray), 0);
        let a = o.cast::<LeanArrayObjectRepr>();
        (*a).m_size = size;
        (*a).m_capacity = capacity;
        o
    }
}

/// Number of elements.
///
/// # Safety
/// `o` must be a live array.
#[inline(always)]
pub unsafe fn lean_array_size(o: b_lean_obj_arg) -> usize {
    // SAFETY: array layout (caller contract).
    unsafe { (*o.cast::<LeanArrayObjectRepr>()).m_size }
}

/// Allocated element slots.
///
/// # Safety
/// `o` must be a live array.
#[inline(always)]
pub unsafe fn lean_array_capacity(o: b_lean_obj_arg) -> usize {
    // SAFETY: array layout (caller contract).
    unsafe { (*o.cast::<LeanArrayObjectRepr>()).m_capacity }
}

/// Pointer to the first element slot.
///
/// # Safety
/// `o` must be a live array.
#[inline(always)]
pub unsafe fn lean_array_cptr(o: *mut lean_object) -> *mut *mut lean_object {
    // SAFETY: array layout (caller contract).
    unsafe { (&raw mut (*o.cast::<LeanArrayObjectRepr>()).m_data).cast() }
}

/// Sets the element count of an exclusive array.
///
/// # Safety
/// `o` must be a live, exclusive array, `sz <= capacity`, and slots `< sz` initialised.
#[inline(always)]
pub unsafe fn lean_array_set_size(o: u_lean_obj_arg, sz: usize) {
    // SAFETY: caller contract.
    unsafe { (*o.cast::<LeanArrayObjectRepr>()).m_size = sz }
}

/// Borrowed element `i`.
///
/// # Safety
/// `o` must be a live array and `i < lean_array_size(o)`.
#[inline(always)]
pub unsafe fn lean_array_get_core(o: b_lean_obj_arg, i: usize) -> b_lean_obj_res {
    // SAFETY: `i` in bounds (caller contract).
    unsafe { *lean_array_cptr(o).add(i) }
}

/// Stores owned `v` at `i` without releasing the previous element.
///
/// # Safety
/// `o` must be a live array that is exclusive (or not reference counted), `i < size`.
#[inline(always)]
pub unsafe fn lean_array_set_core(o: u_lean_obj_arg, i: usize, v: lean_obj_arg) {
    // SAFETY: `i` in bounds and the caller may mutate `o`.
    unsafe { *lean_array_cptr(o).add(i) = v }
}

/// Owned element `i` (its count is incremented).
///
/// # Safety
/// As [`lean_array_get_core`].
#[inline]
pub unsafe fn lean_array_uget(o: b_lean_obj_arg, i: usize) -> lean_obj_res {
    // SAFETY: forwarded caller contract; elements are live objects or scalars.
    unsafe {
        let r = lean_array_get_core(o, i);
        lean_inc(r);
        r
    }
}

/// `Array.size` as a boxed `Nat`.
///
/// # Safety
/// `o` must be a live array.
#[inline(always)]
pub unsafe fn lean_array_get_size(o: b_lean_obj_arg) -> lean_obj_res {
    // SAFETY: forwarded caller contract.
    lean_box(unsafe { lean_array_size(o) })
}

/// A new empty array.
///
/// # Safety
/// The runtime must be initialised.
#[inline]
pub unsafe fn lean_mk_empty_array() -> lean_obj_res {
    // SAFETY: forwarded caller contract; nothing to initialise for size 0.
    unsafe { lean_alloc_array(0, 0) }
}
