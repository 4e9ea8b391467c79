//! Decoding `IO` results returned by Lean exports and initializers.
//!
//! An `IO α` (also `EIO`, `EST`) export returns a result object: constructor 0 holds the value
//! in field 0, constructor 1 holds the raised `IO.Error` in field 0.

#![allow(unsafe_code)]

use std::marker::PhantomData;

use lean_rs_sys::lean_object;

use crate::error::io::decode_io_error;
use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::Obj;

/// Return-type marker for exports declared `IO T` in Lean: the call decodes the IO result,
/// returning `T` or the raised `IO.Error` as [`LeanError::LeanException`].
///
/// Use it as the `R` of [`LeanModule::exported`](super::LeanModule::exported), e.g.
/// `module.exported::<(String,), LeanIo<u64>>("my_load")`.
pub struct LeanIo<T>(PhantomData<fn() -> T>);

impl<T> std::fmt::Debug for LeanIo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LeanIo")
    }
}

/// Takes an owned IO result and returns its owned value, or the decoded error.
///
/// # Safety
/// `raw` must be an owned IO result object returned by Lean (one reference transferred).
pub(crate) unsafe fn take_io_value<'lean>(runtime: &'lean LeanRuntime, raw: *mut lean_object) -> LeanResult<Obj<'lean>> {
    // SAFETY: caller contract: `raw` is an owned Lean object.
    let result = unsafe { Obj::from_owned_raw(runtime, raw) };
    let view = result.borrow();
    if view.is_scalar() {
        return Err(LeanError::conversion(format!("expected an IO result, found {}", view.shape())));
    }
    match view.tag() {
        0 => Ok(view.ctor_field(0)?.to_owned_obj()),
        1 => Err(decode_io_error(view.ctor_field(0)?.to_owned_obj())),
        tag => Err(LeanError::conversion(format!("IO result has unknown constructor tag {tag}"))),
    }
}

/// Decodes an owned `IO Unit` result, discarding the value.
///
/// # Safety
/// As [`take_io_value`].
pub(crate) unsafe fn decode_io_unit(runtime: &LeanRuntime, raw: *mut lean_object) -> LeanResult<()> {
    // SAFETY: forwarded caller contract.
    unsafe { take_io_value(runtime, raw) }.map(drop)
}
