//! `Nat` and `Int` of any size, exactly.
//!
//! Values inside Lean's scalar range travel as tagged scalars. Larger values are built by
//! Lean itself from their decimal text (`lean_cstr_to_nat`/`lean_cstr_to_int`) and read back
//! by splitting them into halves with Lean's own big-number operations until every piece is
//! a scalar, so no Rust code ever reads Lean's big-number layout.

#![allow(unsafe_code)]

use std::ffi::CString;

use lean_rs_sys as sys;
use num_bigint::{BigInt, BigUint, Sign};

use super::traits::{IntoLean, LeanArrayElement, TryFromLean, object_abi, object_c_methods};
use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::{Obj, ObjRef};

/// Largest `Nat` stored as a tagged scalar (`LEAN_MAX_SMALL_NAT`).
const MAX_SMALL_NAT: usize = usize::MAX >> 1;
/// Bits per piece when splitting a big `Nat`; a multiple of 32 so pieces stay aligned.
const SPLIT_GRANULE: u64 = 32;

fn decimal(text: String) -> LeanResult<CString> {
    CString::new(text).map_err(|_| LeanError::internal("decimal rendering contained a NUL byte"))
}

object_abi!(impl[] BigUint);
impl LeanArrayElement for BigUint {}
impl<'lean> IntoLean<'lean> for BigUint {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        if let Ok(small) = usize::try_from(&self) {
            if small <= MAX_SMALL_NAT {
                return Ok(Obj::boxed(runtime, small));
            }
        }
        let text = decimal(self.to_str_radix(10))?;
        // SAFETY: `text` is a NUL-terminated string of decimal digits; Lean parses it into a
        // fresh owned `Nat`.
        Ok(unsafe { Obj::from_owned_raw(runtime, sys::lean_cstr_to_nat(text.as_ptr())) })
    }
    object_c_methods!(into);
}
impl<'lean> TryFromLean<'lean> for BigUint {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        if let Some(v) = obj.scalar() {
            return Ok(BigUint::from(v));
        }
        if !obj.is_mpz() {
            return Err(LeanError::conversion(format!(
                "expected a Nat, found {}",
                obj.shape()
            )));
        }
        // A negative `Int` is a big number too, but no `Nat`: the `Nat` operations that
        // split the value assume it is non-negative (on a negative one GMP corrupts the
        // heap). Found by fuzzing (docs/fuzzing.md).
        // SAFETY: `obj` is a live big number (borrowed argument); only its sign is read.
        if !unsafe { sys::lean_int_big_nonneg(obj.as_raw()) } {
            return Err(LeanError::conversion(
                "expected a Nat, found a negative Int",
            ));
        }
        decode_big_nat(obj)
    }
    object_c_methods!(from);
}

/// The bit length of a big `Nat`, via Lean's `Nat.log2`.
fn bit_length(obj: ObjRef<'_, '_>) -> LeanResult<u64> {
    // SAFETY: `obj` is a live `Nat` (borrowed argument); the result is an owned `Nat`.
    let log = unsafe { Obj::from_owned_raw(obj.runtime(), sys::lean_nat_log2(obj.as_raw())) };
    log.borrow()
        .scalar()
        .and_then(|v| u64::try_from(v).ok())
        .map(|v| v + 1)
        .ok_or_else(|| LeanError::conversion("Nat bit length is not a small number"))
}

/// Splits `obj` into `(hi, lo)` with `obj = hi * 2^shift + lo`, using Lean's operations.
fn split<'lean>(obj: ObjRef<'lean, '_>, shift: u64) -> LeanResult<(Obj<'lean>, Obj<'lean>)> {
    let runtime = obj.runtime();
    let shift_obj = Obj::boxed(
        runtime,
        usize::try_from(shift).map_err(|_| LeanError::conversion("Nat too large to split"))?,
    );
    // SAFETY: every argument is a live `Nat` passed borrowed (the `lean_nat_*` shift and
    // subtraction primitives take `b_lean_obj_arg`); each result is a fresh owned `Nat`.
    unsafe {
        let hi = Obj::from_owned_raw(
            runtime,
            sys::lean_nat_big_shiftr(obj.as_raw(), shift_obj.as_raw()),
        );
        let hi_shifted = Obj::from_owned_raw(
            runtime,
            sys::lean_nat_shiftl(hi.as_raw(), shift_obj.as_raw()),
        );
        let lo = Obj::from_owned_raw(
            runtime,
            sys::lean_nat_sub(obj.as_raw(), hi_shifted.as_raw()),
        );
        Ok((hi, lo))
    }
}

fn decode_nat_piece(obj: ObjRef<'_, '_>) -> LeanResult<BigUint> {
    match obj.scalar() {
        Some(v) => Ok(BigUint::from(v)),
        None if obj.is_mpz() => decode_big_nat(obj),
        None => Err(LeanError::conversion(format!(
            "expected a Nat piece, found {}",
            obj.shape()
        ))),
    }
}

/// Decodes a big-number `Nat` by halving it with Lean's own shift and subtraction.
fn decode_big_nat(obj: ObjRef<'_, '_>) -> LeanResult<BigUint> {
    let bits = bit_length(obj)?;
    let half = (bits / 2).div_ceil(SPLIT_GRANULE).max(1) * SPLIT_GRANULE;
    let (hi, lo) = split(obj, half)?;
    let hi = decode_nat_piece(hi.borrow())?;
    let lo = decode_nat_piece(lo.borrow())?;
    Ok((hi << half) | lo)
}

object_abi!(impl[] BigInt);
impl LeanArrayElement for BigInt {}
impl<'lean> IntoLean<'lean> for BigInt {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        if let Ok(small) = i64::try_from(&self) {
            // SAFETY: the runtime is initialized; the result is an owned `Int` (a scalar, or
            // a fresh big number for values outside the 32-bit scalar range).
            return Ok(unsafe { Obj::from_owned_raw(runtime, sys::lean_int64_to_int(small)) });
        }
        let text = decimal(self.to_str_radix(10))?;
        // SAFETY: `text` is an optional `-` followed by decimal digits, NUL-terminated; Lean
        // parses it into a fresh owned `Int`.
        Ok(unsafe { Obj::from_owned_raw(runtime, sys::lean_cstr_to_int(text.as_ptr())) })
    }
    object_c_methods!(into);
}
impl<'lean> TryFromLean<'lean> for BigInt {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        if obj.is_scalar() {
            return Ok(BigInt::from(sys::lean_scalar_to_int64(obj.as_raw())));
        }
        if !obj.is_mpz() {
            return Err(LeanError::conversion(format!(
                "expected an Int, found {}",
                obj.shape()
            )));
        }
        let runtime = obj.runtime();
        // SAFETY: `obj` is a live big-number `Int` (borrowed argument).
        let non_negative = unsafe { sys::lean_int_big_nonneg(obj.as_raw()) };
        let magnitude = if non_negative {
            obj.to_owned_obj()
        } else {
            // SAFETY: borrowed big `Int` in, fresh owned `Int` out.
            unsafe { Obj::from_owned_raw(runtime, sys::lean_int_big_neg(obj.as_raw())) }
        };
        let nat = crate::runtime::exports::int_to_nat(magnitude);
        let magnitude = BigUint::try_from_lean(nat.borrow())?;
        let sign = if non_negative {
            Sign::Plus
        } else {
            Sign::Minus
        };
        Ok(BigInt::from_biguint(sign, magnitude))
    }
    object_c_methods!(from);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::abi::LeanNat;

    /// A negative big `Int` where a `Nat` is expected is a typed error (it used to crash the
    /// process inside GMP: the fuzz finding recorded in docs/fuzzing.md).
    #[test]
    fn a_negative_big_int_is_not_a_nat() {
        let runtime = LeanRuntime::init().unwrap();
        let _attached = crate::runtime::LeanThreadGuard::attach(runtime);
        let text = c"-123456789012345678901234567890";
        // SAFETY: a NUL-terminated signed decimal; the result is a fresh owned big `Int`.
        let int = unsafe { Obj::from_owned_raw(runtime, sys::lean_cstr_to_int(text.as_ptr())) };
        assert!(int.borrow().is_mpz());
        let err = BigUint::try_from_lean(int.borrow()).unwrap_err();
        assert!(err.message().contains("negative Int"), "{}", err.message());
        assert!(LeanNat::<u64>::try_from_lean(int.borrow()).is_err());
        let back = BigInt::try_from_lean(int.borrow()).unwrap();
        assert_eq!(back.to_string(), "-123456789012345678901234567890");
    }
}
