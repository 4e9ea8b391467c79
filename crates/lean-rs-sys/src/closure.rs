//! Closures and application (`lean.h` "Closures", `lean_apply_*`).
//!
//! All `lean_apply_*` functions consume the closure and every argument (standard convention).

use core::ffi::c_void;

use crate::consts::LeanClosure;
use crate::object::{lean_alloc_object, lean_set_st_header, size_add, size_mul};
use crate::repr::LeanClosureObjectRepr;
use crate::types::{b_lean_obj_arg, b_lean_obj_res, lean_obj_arg, lean_object, u_lean_obj_arg};

type O = *mut lean_object;

crate::lean_extern! {
    /// Applies `f` to one argument.
    pub fn lean_apply_1(f: O, a1: O) -> O;
    /// Applies `f` to 2 arguments.
    pub fn lean_apply_2(f: O, a1: O, a2: O) -> O;
    /// Applies `f` to 3 arguments.
    pub fn lean_apply_3(f: O, a1: O, a2: O, a3: O) -> O;
    /// Applies `f` to 4 arguments.
    pub fn lean_apply_4(f: O, a1: O, a2: O, a3: O, a4: O) -> O;
    /// Applies `f` to 5 arguments.
    pub fn lean_apply_5(f: O, a1: O, a2: O, a3: O, a4: O, a5: O) -> O;
    /// Applies `f` to 6 arguments.
    pub fn lean_apply_6(f: O, a1: O, a2: O, a3: O, a4: O, a5: O, a6: O) -> O;
    /// Applies `f` to 7 arguments.
    pub fn lean_apply_7(f: O, a1: O, a2: O, a3: O, a4: O, a5: O, a6: O, a7: O) -> O;
    /// Applies `f` to 8 arguments.
    pub fn lean_apply_8(f: O, a1: O, a2: O, a3: O, a4: O, a5: O, a6: O, a7: O, a8: O) -> O;
    /// Applies `f` to 9 arguments.
    pub fn lean_apply_9(f: O, a1: O, a2: O, a3: O, a4: O, a5: O, a6: O, a7: O, a8: O, a9: O) -> O;
    /// Applies `f` to 10 arguments.
    pub fn lean_apply_10(
        f: O,
        a1: O,
        a2: O,
        a3: O,
        a4: O,
        a5: O,
        a6: O,
        a7: O,
        a8: O,
        a9: O,
        a10: O,
    ) -> O;
    /// Applies `f` to 11 arguments.
    pub fn lean_apply_11(
        f: O,
        a1: O,
        a2: O,
        a3: O,
        a4: O,
        a5: O,
        a6: O,
        a7: O,
        a8: O,
        a9: O,
        a10: O,
        a11: O,
    ) -> O;
    /// Applies `f` to 12 arguments.
    pub fn lean_apply_12(
        f: O,
        a1: O,
        a2: O,
        a3: O,
        a4: O,
        a5: O,
        a6: O,
        a7: O,
        a8: O,
        a9: O,
        a10: O,
        a11: O,
        a12: O,
    ) -> O;
    /// Applies `f` to 13 arguments.
    pub fn lean_apply_13(
        f: O,
        a1: O,
        a2: O,
        a3: O,
        a4: O,
        a5: O,
        a6: O,
        a7: O,
        a8: O,
        a9: O,
        a10: O,
        a11: O,
        a12: O,
        a13: O,
    ) -> O;
    /// Applies `f` to 14 arguments.
    pub fn lean_apply_14(
        f: O,
        a1: O,
        a2: O,
        a3: O,
        a4: O,
        a5: O,
        a6: O,
        a7: O,
        a8: O,
        a9: O,
        a10: O,
        a11: O,
        a12: O,
        a13: O,
        a14: O,
    ) -> O;
    /// Applies `f` to 15 arguments.
    pub fn lean_apply_15(
        f: O,
        a1: O,
        a2: O,
        a3: O,
        a4: O,
        a5: O,
        a6: O,
        a7: O,
        a8: O,
        a9: O,
        a10: O,
        a11: O,
        a12: O,
        a13: O,
        a14: O,
        a15: O,
    ) -> O;
    /// Applies `f` to 16 arguments.
    pub fn lean_apply_16(
        f: O,
        a1: O,
        a2: O,
        a3: O,
        a4: O,
        a5: O,
        a6: O,
        a7: O,
        a8: O,
        a9: O,
        a10: O,
        a11: O,
        a12: O,
        a13: O,
        a14: O,
        a15: O,
        a16: O,
    ) -> O;
    /// Applies `f` to `n` arguments read from `args` (any `n`).
    pub fn lean_apply_n(f: O, n: u32, args: *mut O) -> O;
    /// Applies `f` to `n > 16` arguments read from `args`.
    pub fn lean_apply_m(f: O, n: u32, args: *mut O) -> O;
}

/// Allocates a closure over the C function `fun` taking `arity` (boxed) arguments, of which the
/// first `num_fixed` are stored in the closure; set each with [`lean_closure_set`].
///
/// # Safety
/// The runtime must be initialised; `0 < arity`, `num_fixed < arity`; `fun` must have the
/// signature `extern "C" fn(*mut lean_object, ... arity times) -> *mut lean_object` (with
/// `arity > 16`: `fn(*mut *mut lean_object) -> *mut lean_object`).
#[inline]
pub unsafe fn lean_alloc_closure(fun: *mut c_void, arity: u32, num_fixed: u32) -> *mut lean_object {
    debug_assert!(arity > 0 && num_fixed < arity);
    let bytes = size_add(
        core::mem::size_of::<LeanClosureObjectRepr>(),
        size_mul(8, num_fixed as usize),
    );
    // SAFETY: initialised runtime; allocation covers header + fixed arguments. Arity and
    // fixed count are u16 fields in the C layout, hence the truncation.
    #[allow(clippy::cast_possible_truncation)]
    unsafe {
        let o = lean_alloc_object(bytes);
        lean_set_st_header(o, u32::from(LeanClosure), 0);
        let c = o.cast::<LeanClosureObjectRepr>();
        (*c).m_fun = fun;
        (*c).m_arity = arity as u16;
        (*c).m_num_fixed = num_fixed as u16;
        o
    }
}

/// The C function of a closure.
///
/// # Safety
/// `o` must be a live closure.
#[inline(always)]
pub unsafe fn lean_closure_fun(o: *mut lean_object) -> *mut c_void {
    // SAFETY: closure layout (caller contract).
    unsafe { (*o.cast::<LeanClosureObjectRepr>()).m_fun }
}

/// Arguments the closure's function expects in total.
///
/// # Safety
/// `o` must be a live closure.
#[inline(always)]
pub unsafe fn lean_closure_arity(o: *mut lean_object) -> u32 {
    // SAFETY: closure layout (caller contract).
    u32::from(unsafe { (*o.cast::<LeanClosureObjectRepr>()).m_arity })
}

/// Arguments already stored in the closure.
///
/// # Safety
/// `o` must be a live closure.
#[inline(always)]
pub unsafe fn lean_closure_num_fixed(o: *mut lean_object) -> u32 {
    // SAFETY: closure layout (caller contract).
    u32::from(unsafe { (*o.cast::<LeanClosureObjectRepr>()).m_num_fixed })
}

/// Pointer to the first stored argument.
///
/// # Safety
/// `o` must be a live closure.
#[inline(always)]
pub unsafe fn lean_closure_arg_cptr(o: *mut lean_object) -> *mut *mut lean_object {
    // SAFETY: closure layout (caller contract).
    unsafe { (&raw mut (*o.cast::<LeanClosureObjectRepr>()).m_objs).cast() }
}

/// Borrowed stored argument `i`.
///
/// # Safety
/// `o` must be a live closure and `i < lean_closure_num_fixed(o)`.
#[inline(always)]
pub unsafe fn lean_closure_get(o: b_lean_obj_arg, i: u32) -> b_lean_obj_res {
    // SAFETY: `i` in bounds (caller contract).
    unsafe { *lean_closure_arg_cptr(o).add(i as usize) }
}

/// Stores owned `a` as argument `i`.
///
/// # Safety
/// `o` must be a live, exclusive closure and `i < lean_closure_num_fixed(o)`.
#[inline(always)]
pub unsafe fn lean_closure_set(o: u_lean_obj_arg, i: u32, a: lean_obj_arg) {
    // SAFETY: `i` in bounds and the caller may mutate `o`.
    unsafe { *lean_closure_arg_cptr(o).add(i as usize) = a }
}
