//! `Nat` and `Int` as machine integers, without a bignum on the Rust side.
//!
//! [`LeanNat<T>`] carries a Lean `Nat` as an unsigned Rust integer and [`LeanInt<T>`] a Lean
//! `Int` as a signed one. Values in Lean's scalar range cross as tagged scalars with no
//! allocation and no FFI call; larger ones are built and read with Lean's own runtime
//! functions. Nothing is rounded: a Lean value that does not fit `T` is a typed
//! `lean_rs.conversion` error, never a wrapped number (use `BigUint`/`BigInt` for those).

#![allow(unsafe_code)]

use lean_rs_sys as sys;

use super::traits::{IntoLean, LeanArrayElement, TryFromLean, object_abi, object_c_methods};
use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::{Obj, ObjRef};

/// A Lean `Nat` as the unsigned integer `T` (`u8`, `u16`, `u32`, `u64`, `usize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LeanNat<T>(pub T);

/// A Lean `Int` as the signed integer `T` (`i8`, `i16`, `i32`, `i64`, `isize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LeanInt<T>(pub T);

fn out_of_range(what: &str, target: &str) -> LeanError {
    LeanError::conversion(format!(
        "the Lean {what} does not fit in {target}; decode it as a big integer (BigUint/BigInt) instead"
    ))
}

/// A `Nat` object as a `u64`, if it is one. The scalar case (every `Nat` below 2^63) is
/// inlined into the caller; big numbers take the out-of-line path.
#[inline]
fn nat_to_u64(obj: ObjRef<'_, '_>) -> LeanResult<Option<u64>> {
    if let Some(v) = obj.scalar() {
        return Ok(u64::try_from(v).ok());
    }
    big_nat_to_u64(obj)
}

#[inline(never)]
fn big_nat_to_u64(obj: ObjRef<'_, '_>) -> LeanResult<Option<u64>> {
    if !obj.is_mpz() {
        return Err(LeanError::conversion(format!(
            "expected a Nat, found {}",
            obj.shape()
        )));
    }
    // SAFETY: `obj` is a live big `Nat` (borrowed). `lean_uint64_of_big_nat` keeps the low 64
    // bits; re-encoding them and comparing with Lean's own equality tells whether that was the
    // whole value.
    unsafe {
        let low = sys::lean_uint64_of_big_nat(obj.as_raw());
        let back = Obj::from_owned_raw(obj.runtime(), sys::lean_uint64_to_nat(low));
        let exact = !back.borrow().is_scalar() && sys::lean_nat_big_eq(obj.as_raw(), back.as_raw());
        Ok(exact.then_some(low))
    }
}

/// An `Int` object as an `i64`, if it is one.
fn int_to_i64(obj: ObjRef<'_, '_>) -> LeanResult<Option<i64>> {
    if obj.is_scalar() {
        return Ok(Some(sys::lean_scalar_to_int64(obj.as_raw())));
    }
    if !obj.is_mpz() {
        return Err(LeanError::conversion(format!(
            "expected an Int, found {}",
            obj.shape()
        )));
    }
    // SAFETY: `obj` is a live big `Int` (borrowed); as for `nat_to_u64`, the truncated value
    // is re-encoded and compared with Lean's equality.
    unsafe {
        let low = sys::lean_int64_of_big_int(obj.as_raw());
        let back = Obj::from_owned_raw(obj.runtime(), sys::lean_int64_to_int(low));
        let exact = !back.borrow().is_scalar() && sys::lean_int_big_eq(obj.as_raw(), back.as_raw());
        Ok(exact.then_some(low))
    }
}

macro_rules! small_nat {
    ($($ty:ty),*) => {$(
        object_abi!(impl[] LeanNat<$ty>);
        impl LeanArrayElement for LeanNat<$ty> {}
        impl<'lean> IntoLean<'lean> for LeanNat<$ty> {
            #[inline]
            fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
                let v = u64::from(self.0);
                // SAFETY: the runtime is initialized; the result is an owned `Nat`, a scalar
                // for small values and a fresh big number otherwise.
                Ok(unsafe { Obj::from_owned_raw(runtime, sys::lean_uint64_to_nat(v)) })
            }
            object_c_methods!(into);
        }
        impl<'lean> TryFromLean<'lean> for LeanNat<$ty> {
            #[inline]
            fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
                nat_to_u64(obj)?
                    .and_then(|v| <$ty>::try_from(v).ok())
                    .map(LeanNat)
                    .ok_or_else(|| out_of_range("Nat", stringify!($ty)))
            }
            object_c_methods!(from);
        }
    )*};
}
small_nat!(u8, u16, u32, u64);

object_abi!(impl[] LeanNat<usize>);
impl LeanArrayElement for LeanNat<usize> {}
impl<'lean> IntoLean<'lean> for LeanNat<usize> {
    #[inline]
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        // SAFETY: the runtime is initialized; the result is an owned `Nat`.
        Ok(unsafe { Obj::from_owned_raw(runtime, sys::lean_usize_to_nat(self.0)) })
    }
    object_c_methods!(into);
}
impl<'lean> TryFromLean<'lean> for LeanNat<usize> {
    #[inline]
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        nat_to_u64(obj)?
            .and_then(|v| usize::try_from(v).ok())
            .map(LeanNat)
            .ok_or_else(|| out_of_range("Nat", "usize"))
    }
    object_c_methods!(from);
}

macro_rules! small_int {
    ($($ty:ty),*) => {$(
        object_abi!(impl[] LeanInt<$ty>);
        impl LeanArrayElement for LeanInt<$ty> {}
        impl<'lean> IntoLean<'lean> for LeanInt<$ty> {
            #[inline]
            fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
                let v = i64::try_from(self.0).map_err(|_| out_of_range("Int", "i64"))?;
                // SAFETY: the runtime is initialized; the result is an owned `Int`.
                Ok(unsafe { Obj::from_owned_raw(runtime, sys::lean_int64_to_int(v)) })
            }
            object_c_methods!(into);
        }
        impl<'lean> TryFromLean<'lean> for LeanInt<$ty> {
            #[inline]
            fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
                int_to_i64(obj)?
                    .and_then(|v| <$ty>::try_from(v).ok())
                    .map(LeanInt)
                    .ok_or_else(|| out_of_range("Int", stringify!($ty)))
            }
            object_c_methods!(from);
        }
    )*};
}
small_int!(i8, i16, i32, i64, isize);
