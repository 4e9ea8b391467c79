//! `Array`, `Option`, `Except` and `Prod`: containers whose elements are stored boxed.

#![allow(unsafe_code)]

use lean_rs_sys as sys;

use super::trace_decode;
use super::traits::{
    IntoLean, LeanArrayElement, TryFromLean, object_abi, object_c_methods, sealed::SealedAbi,
};
use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::{Obj, ObjRef};

macro_rules! array_elements {
    ($($ty:ty),*) => {$(impl LeanArrayElement for $ty {})*};
}
array_elements!(
    bool,
    u8,
    u16,
    u32,
    u64,
    usize,
    i8,
    i16,
    i32,
    i64,
    isize,
    f32,
    f64,
    char,
    (),
    String
);
impl LeanArrayElement for &str {}
impl<T: SealedAbi> LeanArrayElement for Vec<T> where Vec<T>: SealedAbi {}
impl<T: SealedAbi> LeanArrayElement for Option<T> {}
impl<T: SealedAbi, E: SealedAbi> LeanArrayElement for Result<T, E> {}

/// Builds constructor `tag` whose object fields are `fields`, in order.
pub(crate) fn ctor_with_fields<'lean, const N: usize>(
    runtime: &'lean LeanRuntime,
    tag: u8,
    fields: [Obj<'lean>; N],
) -> Obj<'lean> {
    // SAFETY: a fresh constructor with `N` (< 256) object fields and no scalars; every field
    // slot is written exactly once with an owned reference before the object is shared.
    unsafe {
        #[allow(clippy::cast_possible_truncation)]
        let raw = sys::lean_alloc_ctor(u32::from(tag), N as u32, 0);
        for (i, field) in fields.into_iter().enumerate() {
            #[allow(clippy::cast_possible_truncation)]
            sys::lean_ctor_set(raw, i as u32, field.into_raw());
        }
        Obj::from_owned_raw(runtime, raw)
    }
}

object_abi!(impl[T] Vec<T> where T: LeanArrayElement);
impl<'lean, T: IntoLean<'lean> + LeanArrayElement> IntoLean<'lean> for Vec<T> {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        let len = self.len();
        super::limits_check_elements("Array", len)?;
        // SAFETY: a fresh array with size 0 and capacity `len`. Each element is written to the
        // first unused slot and only then counted in `m_size`, so the array never exposes an
        // uninitialized slot, even if a later element fails to convert and it is dropped.
        unsafe {
            let array = Obj::from_owned_raw(runtime, sys::lean_alloc_array(0, len));
            for (i, item) in self.into_iter().enumerate() {
                let value = item.into_lean(runtime)?;
                sys::lean_array_cptr(array.as_raw())
                    .add(i)
                    .write(value.into_raw());
                sys::lean_array_set_size(array.as_raw(), i + 1);
            }
            Ok(array)
        }
    }
    object_c_methods!(into);
}
impl<'lean, T: TryFromLean<'lean> + LeanArrayElement> TryFromLean<'lean> for Vec<T> {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        let len = obj.array_len()?;
        trace_decode("array", len);
        // SAFETY: `array_len` checked that `obj` is a live `Array` of `len` initialized
        // element slots; the array, and so every slot, outlives this borrow. Taking the slots
        // once keeps the shape and bounds checks out of the per-element loop.
        let items = unsafe { std::slice::from_raw_parts(sys::lean_array_cptr(obj.as_raw()), len) };
        let mut out = Vec::with_capacity(len);
        for (i, &item) in items.iter().enumerate() {
            // SAFETY: the element is kept alive by the array (see above).
            let item = unsafe { ObjRef::from_borrowed_raw(item) }
                .and_then(T::try_from_lean)
                .map_err(|e| {
                    LeanError::conversion(format!("array element {i}: {}", e.message()))
                })?;
            out.push(item);
        }
        Ok(out)
    }
    object_c_methods!(from);
}

object_abi!(impl[T] Option<T> where T: SealedAbi);
impl<'lean, T: IntoLean<'lean>> IntoLean<'lean> for Option<T> {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        Ok(match self {
            None => Obj::boxed(runtime, 0),
            Some(value) => ctor_with_fields(runtime, 1, [value.into_lean(runtime)?]),
        })
    }
    object_c_methods!(into);
}
impl<'lean, T: TryFromLean<'lean>> TryFromLean<'lean> for Option<T> {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        match obj.scalar() {
            Some(0) => Ok(None),
            Some(other) => Err(LeanError::conversion(format!(
                "Option tag {other} is not `none`"
            ))),
            None => {
                obj.expect_ctor(1, 1, 0).map_err(|e| {
                    LeanError::conversion(format!("expected Option.some: {}", e.message()))
                })?;
                T::try_from_lean(obj.ctor_field(0)?).map(Some)
            }
        }
    }
    object_c_methods!(from);
}

object_abi!(impl[T, E] Result<T, E> where T: SealedAbi, E: SealedAbi);
impl<'lean, T: IntoLean<'lean>, E: IntoLean<'lean>> IntoLean<'lean> for Result<T, E> {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        Ok(match self {
            Err(error) => ctor_with_fields(runtime, 0, [error.into_lean(runtime)?]),
            Ok(value) => ctor_with_fields(runtime, 1, [value.into_lean(runtime)?]),
        })
    }
    object_c_methods!(into);
}
/// `Except ε α` decodes to `Result<α, ε>`: an application-level value, not a [`LeanError`].
impl<'lean, T: TryFromLean<'lean>, E: TryFromLean<'lean>> TryFromLean<'lean> for Result<T, E> {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        match obj.tag() {
            0 if !obj.is_scalar() => {
                obj.expect_ctor(0, 1, 0)?;
                E::try_from_lean(obj.ctor_field(0)?).map(Err)
            }
            1 if !obj.is_scalar() => {
                obj.expect_ctor(1, 1, 0)?;
                T::try_from_lean(obj.ctor_field(0)?).map(Ok)
            }
            _ => Err(LeanError::conversion(format!(
                "expected Except, found {}",
                obj.shape()
            ))),
        }
    }
    object_c_methods!(from);
}

/// Implements `Prod` for tuples: `(A, B, C)` is `A × (B × C)`.
macro_rules! tuple_prod {
    ($(($($name:ident),+))*) => {$(
        impl<$($name: SealedAbi),+> LeanArrayElement for ($($name,)+) {}
        object_abi!(impl[$($name),+] ($($name,)+) where $($name: SealedAbi),+);
        #[allow(non_snake_case)]
        impl<'lean, $($name: IntoLean<'lean>),+> IntoLean<'lean> for ($($name,)+) {
            fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
                let ($($name,)+) = self;
                let mut parts = vec![$($name.into_lean(runtime)?),+];
                // Fold from the right: the last two parts form the innermost pair.
                let mut acc = parts.pop().ok_or_else(|| LeanError::internal("empty tuple"))?;
                while let Some(head) = parts.pop() {
                    acc = ctor_with_fields(runtime, 0, [head, acc]);
                }
                Ok(acc)
            }
            object_c_methods!(into);
        }
        #[allow(non_snake_case)]
        impl<'lean, $($name: TryFromLean<'lean>),+> TryFromLean<'lean> for ($($name,)+) {
            fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
                let mut rest = obj;
                tuple_prod!(@decode rest; $($name),+);
                Ok(($($name,)+))
            }
            object_c_methods!(from);
        }
    )*};
    (@decode $rest:ident; $last:ident) => {
        let $last = $last::try_from_lean($rest)?;
    };
    (@decode $rest:ident; $head:ident, $($tail:ident),+) => {
        $rest.expect_ctor(0, 2, 0)
            .map_err(|e| LeanError::conversion(format!("expected a Prod pair: {}", e.message())))?;
        let $head = $head::try_from_lean($rest.ctor_field(0)?)?;
        $rest = $rest.ctor_field(1)?;
        tuple_prod!(@decode $rest; $($tail),+);
    };
}

tuple_prod! {
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
}
