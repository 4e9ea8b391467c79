//! `String` and `ByteArray` ([`LeanByteArray`]): one copy in each direction, UTF-8
//! validated on the way out.

#![allow(unsafe_code)]

use lean_rs_sys as sys;

use super::trace_decode;
use super::traits::{IntoLean, TryFromLean, object_abi, object_c_methods};
use crate::error::LeanResult;
use crate::runtime::LeanRuntime;
use crate::runtime::obj::{Obj, ObjRef};

fn string_into_lean<'lean>(text: &str, runtime: &'lean LeanRuntime) -> Obj<'lean> {
    let chars = text.chars().count();
    // SAFETY: `text` is valid UTF-8 of `len()` bytes and `chars` Unicode scalar values, which
    // is exactly the precondition of the unchecked constructor; it copies the bytes.
    unsafe {
        Obj::from_owned_raw(
            runtime,
            sys::lean_mk_string_unchecked(text.as_ptr().cast(), text.len(), chars),
        )
    }
}

fn bytes_into_lean<'lean>(bytes: &[u8], runtime: &'lean LeanRuntime) -> Obj<'lean> {
    // SAFETY: a fresh scalar array of `len` one-byte elements with capacity `len`; exactly
    // `len` bytes are written before it is shared.
    unsafe {
        let raw = sys::lean_alloc_sarray(1, bytes.len(), bytes.len());
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), sys::lean_sarray_cptr(raw), bytes.len());
        Obj::from_owned_raw(runtime, raw)
    }
}

object_abi!(impl[] String);
impl<'lean> IntoLean<'lean> for String {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        super::limits_check_bytes("String", self.len())?;
        Ok(string_into_lean(&self, runtime))
    }
    object_c_methods!(into);
}
impl<'lean> TryFromLean<'lean> for String {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        let text = obj.string()?;
        trace_decode("string", text.len());
        Ok(text.to_owned())
    }
    object_c_methods!(from);
}

object_abi!(impl['a] &'a str);
impl<'lean> IntoLean<'lean> for &str {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        super::limits_check_bytes("String", self.len())?;
        Ok(string_into_lean(self, runtime))
    }
    object_c_methods!(into);
}

/// A Lean `ByteArray`: bytes in one flat scalar array (one copy each way). `Vec<u8>` is
/// Lean's `Array UInt8` instead, a different object (one boxed element per byte); `&[u8]` is
/// accepted as a `ByteArray` argument.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeanByteArray(pub Vec<u8>);

impl From<Vec<u8>> for LeanByteArray {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<LeanByteArray> for Vec<u8> {
    fn from(bytes: LeanByteArray) -> Self {
        bytes.0
    }
}

impl std::ops::Deref for LeanByteArray {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

object_abi!(impl[] LeanByteArray);
impl super::traits::LeanArrayElement for LeanByteArray {}
impl<'lean> IntoLean<'lean> for LeanByteArray {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        super::limits_check_bytes("ByteArray", self.0.len())?;
        Ok(bytes_into_lean(&self.0, runtime))
    }
    object_c_methods!(into);
}
impl<'lean> TryFromLean<'lean> for LeanByteArray {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        let bytes = obj.byte_array()?;
        trace_decode("bytearray", bytes.len());
        Ok(Self(bytes.to_vec()))
    }
    object_c_methods!(from);
}

object_abi!(impl['a] &'a [u8]);
impl<'lean> IntoLean<'lean> for &[u8] {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        super::limits_check_bytes("ByteArray", self.len())?;
        Ok(bytes_into_lean(self, runtime))
    }
    object_c_methods!(into);
}
