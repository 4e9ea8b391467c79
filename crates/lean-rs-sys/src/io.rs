//! IO results (`lean.h` "IO Helper functions").
//!
//! An `IO` result is a constructor with one field: tag 0 (`ok`) holds the value, tag 1
//! (`error`) holds an `IO.Error`. The world token is `box(0)`. (Checked on the 4.35.0 runtime
//! against results built by Lean's own IO primitives in `tests/io.rs`.)

use core::ffi::c_int;

use crate::ctor::{lean_alloc_ctor, lean_ctor_get, lean_ctor_set};
use crate::object::{lean_dec, lean_inc, lean_ptr_tag};
use crate::scalar::lean_box;
use crate::types::{b_lean_obj_arg, b_lean_obj_res, lean_obj_arg, lean_obj_res};

crate::lean_extern! {
    /// `IO.Error` for the C `errno` value `errnum` (with optional file name, `box(0)` for none).
    pub fn lean_decode_io_error(errnum: c_int, fname: b_lean_obj_arg) -> lean_obj_res;
    /// Prints the error of an error result to stderr, as an uncaught exception.
    pub fn lean_io_result_show_error(r: b_lean_obj_arg);
    /// `IO.Error.toString`: consumes the error.
    pub fn lean_io_error_to_string(err: lean_obj_arg) -> lean_obj_res;
    /// `IO.userError`: consumes the message string.
    pub fn lean_mk_io_user_error(msg: lean_obj_arg) -> lean_obj_res;
}

/// The `IO.RealWorld` token.
#[inline(always)]
pub fn lean_io_mk_world() -> lean_obj_res {
    lean_box(0)
}

/// Whether `r` is an `ok` result.
///
/// # Safety
/// `r` must be a live IO result.
#[inline(always)]
pub unsafe fn lean_io_result_is_ok(r: b_lean_obj_arg) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { lean_ptr_tag(r) == 0 }
}

/// Whether `r` is an `error` result.
///
/// # Safety
/// `r` must be a live IO result.
#[inline(always)]
pub unsafe fn lean_io_result_is_error(r: b_lean_obj_arg) -> bool {
    // SAFETY: forwarded caller contract.
    unsafe { lean_ptr_tag(r) == 1 }
}

/// Borrowed value of an `ok` result.
///
/// # Safety
/// `r` must be a live `ok` result.
#[inline(always)]
pub unsafe fn lean_io_result_get_value(r: b_lean_obj_arg) -> b_lean_obj_res {
    // SAFETY: an IO result has one field.
    unsafe { lean_ctor_get(r, 0) }
}

/// Borrowed `IO.Error` of an `error` result.
///
/// # Safety
/// `r` must be a live `error` result.
#[inline(always)]
pub unsafe fn lean_io_result_get_error(r: b_lean_obj_arg) -> b_lean_obj_res {
    // SAFETY: an IO result has one field.
    unsafe { lean_ctor_get(r, 0) }
}

/// Owned value of an owned `ok` result (the result is released).
///
/// # Safety
/// `r` must be a live `ok` result owned by the caller.
#[inline]
pub unsafe fn lean_io_result_take_value(r: lean_obj_arg) -> lean_obj_res {
    // SAFETY: caller contract; the value is retained before the result is released.
    unsafe {
        let v = lean_ctor_get(r, 0);
        lean_inc(v);
        lean_dec(r);
        v
    }
}

/// `ok a` (consumes `a`).
///
/// # Safety
/// The runtime must be initialised; `a` is owned.
#[inline]
pub unsafe fn lean_io_result_mk_ok(a: lean_obj_arg) -> lean_obj_res {
    // SAFETY: tag-0 ctor with exactly one object field, set before returning.
    unsafe {
        let r = lean_alloc_ctor(0, 1, 0);
        lean_ctor_set(r, 0, a);
        r
    }
}

/// `error e` (consumes `e`, an `IO.Error`).
///
/// # Safety
/// The runtime must be initialised; `e` is owned.
#[inline]
pub unsafe fn lean_io_result_mk_error(e: lean_obj_arg) -> lean_obj_res {
    // SAFETY: tag-1 ctor with exactly one object field, set before returning.
    unsafe {
        let r = lean_alloc_ctor(1, 1, 0);
        lean_ctor_set(r, 0, e);
        r
    }
}
