//! `IO α` results: the value on success, a typed [`LeanException`](crate::LeanException)
//! when Lean raised.

#![allow(unsafe_code)]

use std::marker::PhantomData;

use lean_rs_sys::lean_object;

use super::traits::TryFromLean;
use crate::error::io::decode_io_error;
use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::Obj;

/// Marks a Lean function's result type as `IO T`: the call yields `LeanResult<T>`, with an
/// `IO.Error` decoded into [`LeanError::LeanException`].
pub struct LeanIo<T>(PhantomData<fn() -> T>);

impl<'lean, T: TryFromLean<'lean>> LeanIo<T> {
    /// Decodes an owned `IO T` result object (`EStateM.Result`).
    pub(crate) fn decode(result: Obj<'lean>) -> LeanResult<T> {
        let (tag, fields) = result.borrow().ctor_shape().map_err(|e| {
            LeanError::conversion(format!("expected an IO result: {}", e.message()))
        })?;
        if !(1..=2).contains(&fields) {
            return Err(LeanError::conversion(format!(
                "IO result constructor has {fields} fields, expected 1 or 2"
            )));
        }
        let payload = result.borrow().ctor_field(0)?.to_owned_obj();
        drop(result);
        match tag {
            0 => T::try_from_lean_owned(payload),
            1 => Err(decode_io_error(payload)),
            other => Err(LeanError::conversion(format!(
                "IO result tag {other} is neither ok nor error"
            ))),
        }
    }

    /// Decodes the raw `IO T` result an `@[export]` function returned, taking ownership.
    ///
    /// # Safety
    /// `raw` must be an owned `IO` result object returned by Lean.
    #[doc(hidden)]
    pub unsafe fn decode_c(raw: *mut lean_object, runtime: &'lean LeanRuntime) -> LeanResult<T> {
        // SAFETY: forwarded caller contract.
        Self::decode(unsafe { Obj::from_owned_raw(runtime, raw) })
    }
}

impl<T> std::fmt::Debug for LeanIo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LeanIo")
    }
}
