//! The conversion traits and the glue shared by every object-represented type.

#![allow(unsafe_code)]

use lean_rs_sys::lean_object;
use lean_toolchain::lake::CType;

use crate::error::LeanResult;
use crate::runtime::LeanRuntime;
use crate::runtime::obj::{Obj, ObjRef};

/// The seal: only `lean-rs` (and its sibling host crate) add ABI types.
pub mod sealed {
    /// Supertrait that closes [`LeanAbi`](super::LeanAbi) to types `lean-rs` vouches for.
    pub trait SealedAbi {}
    /// Supertrait that closes [`CValue`](super::CValue) to the C scalars and the object pointer.
    pub trait SealedCValue {}
}

/// A Rust type that *is* one C type of Lean's ABI: the integer and float scalars and
/// `*mut lean_object`. Typed calls cast export addresses to function pointers over these
/// types, and [`C_TYPE`](Self::C_TYPE) names the C type each one stands for, so the
/// signature a call requests is derived from the very types of its function pointer.
pub trait CValue: Copy + sealed::SealedCValue + 'static {
    /// The C type.
    const C_TYPE: CType;
}

macro_rules! c_values {
    ($($rust:ty => $c:ident),* $(,)?) => {$(
        impl sealed::SealedCValue for $rust {}
        impl CValue for $rust {
            const C_TYPE: CType = CType::$c;
        }
    )*};
}

c_values! {
    u8 => U8,
    u16 => U16,
    u32 => U32,
    u64 => U64,
    usize => Usize,
    f64 => F64,
    f32 => F32,
    *mut lean_object => Object,
}

/// Types that may be elements of `Vec<T>` ↔ `Array T`: every convertible type (`Vec<u8>` is
/// `Array UInt8`; Lean's `ByteArray` is [`LeanByteArray`](crate::abi::LeanByteArray)).
pub trait LeanArrayElement: sealed::SealedAbi {}

/// A Rust type with a fixed place in Lean's C ABI.
///
/// `CRepr` is what an `@[export]` function takes or returns for this type: a scalar for
/// unboxed Lean types, `*mut lean_object` for everything else. It is an implementation
/// detail of typed calls and never needs to be named by callers; [`C_TYPE`](Self::C_TYPE)
/// is its C spelling, which safe typed lookups compare with the export's real signature.
pub trait LeanAbi<'lean>: sealed::SealedAbi + Sized {
    /// The C representation in `@[export]` signatures.
    #[doc(hidden)]
    type CRepr: CValue;

    /// The C type of this type in `@[export]` signatures (`uint32_t` for `char`,
    /// `lean_object*` for `String`, …). Derived from `CRepr`; no impl overrides it.
    const C_TYPE: CType = <Self::CRepr as CValue>::C_TYPE;
}

/// A Rust value that can be turned into a Lean value.
pub trait IntoLean<'lean>: LeanAbi<'lean> {
    /// Builds the boxed Lean value (as stored in containers and structure fields).
    #[doc(hidden)]
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>>;

    /// Builds the C representation, transferring ownership of any object to the callee.
    #[doc(hidden)]
    fn into_c(self, runtime: &'lean LeanRuntime) -> LeanResult<Self::CRepr>;
}

/// A Rust value that can be read back from a Lean value, with shape validation.
pub trait TryFromLean<'lean>: LeanAbi<'lean> {
    /// Reads a boxed Lean value without taking ownership.
    #[doc(hidden)]
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self>;

    /// Reads a boxed Lean value, consuming the reference.
    #[doc(hidden)]
    fn try_from_lean_owned(obj: Obj<'lean>) -> LeanResult<Self> {
        Self::try_from_lean(obj.borrow())
    }

    /// Reads the C representation returned by an `@[export]` function, taking ownership.
    ///
    /// # Safety
    /// `c` must be a value of this type's C representation as returned by Lean: for object
    /// representations, a live object (or boxed scalar) carrying one reference count that
    /// this call consumes.
    #[doc(hidden)]
    unsafe fn try_from_c(c: Self::CRepr, runtime: &'lean LeanRuntime) -> LeanResult<Self>;
}

/// Marks a type whose C representation is a Lean object and derives the C-level methods
/// from its boxed conversions.
macro_rules! object_abi {
    (impl[$($gen:tt)*] $ty:ty $(where $($bound:tt)*)?) => {
        impl<$($gen)*> $crate::abi::traits::sealed::SealedAbi for $ty $(where $($bound)*)? {}
        impl<'lean, $($gen)*> $crate::abi::traits::LeanAbi<'lean> for $ty $(where $($bound)*)? {
            type CRepr = *mut lean_rs_sys::lean_object;
        }
    };
}
pub(crate) use object_abi;

/// `into_c` for object-represented types.
pub(crate) fn obj_into_c<'lean, T: IntoLean<'lean>>(
    value: T,
    runtime: &'lean LeanRuntime,
) -> LeanResult<*mut lean_object> {
    Ok(value.into_lean(runtime)?.into_raw())
}

/// `try_from_c` for object-represented types.
///
/// # Safety
/// As [`TryFromLean::try_from_c`] with an object representation.
pub(crate) unsafe fn obj_try_from_c<'lean, T: TryFromLean<'lean>>(
    c: *mut lean_object,
    runtime: &'lean LeanRuntime,
) -> LeanResult<T> {
    // SAFETY: forwarded caller contract: `c` carries one reference we now own.
    let obj = unsafe { Obj::from_owned_raw(runtime, c) };
    T::try_from_lean_owned(obj)
}

/// Implements the C-level methods of [`IntoLean`]/[`TryFromLean`] for object-represented
/// types in terms of their boxed conversions.
macro_rules! object_c_methods {
    (into) => {
        fn into_c(
            self,
            runtime: &'lean $crate::runtime::LeanRuntime,
        ) -> $crate::error::LeanResult<*mut lean_rs_sys::lean_object> {
            $crate::abi::traits::obj_into_c(self, runtime)
        }
    };
    (from) => {
        unsafe fn try_from_c(
            c: *mut lean_rs_sys::lean_object,
            runtime: &'lean $crate::runtime::LeanRuntime,
        ) -> $crate::error::LeanResult<Self> {
            // SAFETY: forwarded caller contract.
            unsafe { $crate::abi::traits::obj_try_from_c(c, runtime) }
        }
    };
}
pub(crate) use object_c_methods;
