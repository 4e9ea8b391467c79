//! Fixed-width scalars: `Bool`, `UIntN`, `IntN`, `USize`/`ISize`, `Float`/`Float32`, `Char`,
//! `Unit`.
//!
//! In an `@[export]` signature these travel unboxed as their C type; inside containers and
//! polymorphic positions Lean boxes them: types narrower than a pointer as a tagged scalar
//! (`lean_box`), 64-bit integers and floats in a field-less constructor holding the value
//! in its scalar area.

#![allow(unsafe_code)]

use lean_rs_sys as sys;

use super::traits::{IntoLean, LeanAbi, TryFromLean, sealed::SealedAbi};
use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::{CtorView, Obj, ObjRef};

/// Reads a tagged scalar and range-checks it against `max`.
fn small_scalar(obj: ObjRef<'_, '_>, lean_type: &str, max: usize) -> LeanResult<usize> {
    match obj.scalar() {
        Some(v) if v <= max => Ok(v),
        Some(v) => Err(LeanError::conversion(format!(
            "{lean_type} value {v} is out of range"
        ))),
        None => Err(LeanError::conversion(format!(
            "expected a boxed {lean_type}, found {}",
            obj.shape()
        ))),
    }
}

/// `UIntN`/`IntN`/`USize`/`ISize`: unboxed as the unsigned C type of the same width; boxed
/// as a tagged scalar (`small`, narrower than a pointer) or in a field-less constructor
/// (`ctor(box_fn, read_fn)`, 64-bit).
macro_rules! int_word {
    (@box small, $runtime:ident, $v:expr) => {
        Ok(Obj::boxed($runtime, $v as usize))
    };
    (@box ctor($boxf:ident, $read:ident), $runtime:ident, $v:expr) => {
        // SAFETY: the runtime is initialized (witnessed by `runtime`); the result is a fresh
        // owned constructor object.
        Ok(unsafe { Obj::from_owned_raw($runtime, sys::$boxf($v)) })
    };
    (@unbox small, $obj:ident, $lean:literal, $c:ty) => {
        small_scalar($obj, $lean, <$c>::MAX as usize)? as $c
    };
    (@unbox ctor($boxf:ident, $read:ident), $obj:ident, $lean:literal, $c:ty) => {{
        boxed_in_ctor($obj, $lean, std::mem::size_of::<$c>())?.$read(0)? as $c
    }};
    ($($ty:ty => $c:ty, $lean:literal, $boxing:ident $(($boxf:ident, $read:ident))?;)*) => {$(
        impl SealedAbi for $ty {}
        impl<'lean> LeanAbi<'lean> for $ty {
            type CRepr = $c;
        }
        impl<'lean> IntoLean<'lean> for $ty {
            #[allow(clippy::cast_sign_loss)]
            #[inline]
            fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
                int_word!(@box $boxing $(($boxf, $read))?, runtime, self as $c)
            }
            #[allow(clippy::cast_sign_loss)]
            #[inline]
            fn into_c(self, _runtime: &'lean LeanRuntime) -> LeanResult<$c> {
                Ok(self as $c)
            }
        }
        impl<'lean> TryFromLean<'lean> for $ty {
            #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
            #[inline]
            fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
                let v = int_word!(@unbox $boxing $(($boxf, $read))?, obj, $lean, $c);
                Ok(v as $ty)
            }
            #[allow(clippy::cast_possible_wrap)]
            #[inline]
            unsafe fn try_from_c(c: $c, _runtime: &'lean LeanRuntime) -> LeanResult<Self> {
                Ok(c as $ty)
            }
        }
    )*};
}

int_word! {
    u8 => u8, "UInt8", small;
    u16 => u16, "UInt16", small;
    u32 => u32, "UInt32", small;
    i8 => u8, "Int8", small;
    i16 => u16, "Int16", small;
    i32 => u32, "Int32", small;
    u64 => u64, "UInt64", ctor(lean_box_uint64, u64);
    i64 => u64, "Int64", ctor(lean_box_uint64, u64);
    usize => usize, "USize", ctor(lean_box_usize, u64);
    isize => usize, "ISize", ctor(lean_box_usize, u64);
}

impl SealedAbi for bool {}
impl LeanAbi<'_> for bool {
    type CRepr = u8;
}
impl<'lean> IntoLean<'lean> for bool {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        Ok(Obj::boxed(runtime, usize::from(self)))
    }
    #[inline]
    fn into_c(self, _runtime: &'lean LeanRuntime) -> LeanResult<u8> {
        Ok(u8::from(self))
    }
}
impl<'lean> TryFromLean<'lean> for bool {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        Ok(small_scalar(obj, "Bool", 1)? == 1)
    }
    #[inline]
    unsafe fn try_from_c(c: u8, _runtime: &'lean LeanRuntime) -> LeanResult<Self> {
        match c {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(bad_bool(other)),
        }
    }
}

/// Out of line: keeps the formatting off the inlined hot path of every `Bool` return.
#[cold]
fn bad_bool(value: u8) -> LeanError {
    LeanError::conversion(format!("Bool value {value} is neither 0 nor 1"))
}

#[inline]
fn char_from(v: u32) -> LeanResult<char> {
    char::from_u32(v).ok_or_else(|| {
        LeanError::conversion(format!("Char value {v:#x} is not a Unicode scalar value"))
    })
}

impl SealedAbi for char {}
impl LeanAbi<'_> for char {
    type CRepr = u32;
}
impl<'lean> IntoLean<'lean> for char {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        Ok(Obj::boxed(runtime, self as usize))
    }
    #[inline]
    fn into_c(self, _runtime: &'lean LeanRuntime) -> LeanResult<u32> {
        Ok(u32::from(self))
    }
}
impl<'lean> TryFromLean<'lean> for char {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        let v = small_scalar(obj, "Char", u32::MAX as usize)?;
        char_from(u32::try_from(v).unwrap_or(u32::MAX))
    }
    #[inline]
    unsafe fn try_from_c(c: u32, _runtime: &'lean LeanRuntime) -> LeanResult<Self> {
        char_from(c)
    }
}

impl SealedAbi for () {}
impl LeanAbi<'_> for () {
    type CRepr = *mut sys::lean_object;
}
impl<'lean> IntoLean<'lean> for () {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        Ok(Obj::boxed(runtime, 0))
    }
    #[inline]
    fn into_c(self, _runtime: &'lean LeanRuntime) -> LeanResult<*mut sys::lean_object> {
        Ok(sys::lean_box(0))
    }
}
impl<'lean> TryFromLean<'lean> for () {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        small_scalar(obj, "Unit", 0).map(|_| ())
    }
    #[inline]
    unsafe fn try_from_c(
        c: *mut sys::lean_object,
        runtime: &'lean LeanRuntime,
    ) -> LeanResult<Self> {
        // SAFETY: forwarded caller contract (an owned object or scalar).
        let obj = unsafe { Obj::from_owned_raw(runtime, c) };
        Self::try_from_lean(obj.borrow())
    }
}

/// Checks a field-less constructor that boxes an `n`-byte scalar (one header decode and one
/// size query, then the read is bounds-checked against it).
#[inline]
fn boxed_in_ctor<'lean, 'a>(
    obj: ObjRef<'lean, 'a>,
    lean_type: &str,
    bytes: usize,
) -> LeanResult<CtorView<'lean, 'a>> {
    obj.expect_ctor(0, 0, bytes)
        .map_err(|e| not_boxed(lean_type, &e))
}

#[cold]
fn not_boxed(lean_type: &str, e: &LeanError) -> LeanError {
    LeanError::conversion(format!("expected a boxed {lean_type}: {}", e.message()))
}

macro_rules! ctor_float {
    ($($ty:ty, $lean:literal, $boxf:ident, $read:ident;)*) => {$(
        impl SealedAbi for $ty {}
        impl<'lean> LeanAbi<'lean> for $ty {
            type CRepr = $ty;
        }
        impl<'lean> IntoLean<'lean> for $ty {
            #[inline]
            fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
                // SAFETY: the runtime is initialized (witnessed by `runtime`); the result is a
                // fresh owned constructor object.
                Ok(unsafe { Obj::from_owned_raw(runtime, sys::$boxf(self)) })
            }
            #[inline]
            fn into_c(self, _runtime: &'lean LeanRuntime) -> LeanResult<$ty> {
                Ok(self)
            }
        }
        impl<'lean> TryFromLean<'lean> for $ty {
            #[inline]
            fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
                boxed_in_ctor(obj, $lean, std::mem::size_of::<$ty>())?.$read(0)
            }
            #[inline]
            unsafe fn try_from_c(c: $ty, _runtime: &'lean LeanRuntime) -> LeanResult<Self> {
                Ok(c)
            }
        }
    )*};
}

ctor_float! {
    f64, "Float", lean_box_float, f64;
    f32, "Float32", lean_box_float32, f32;
}
