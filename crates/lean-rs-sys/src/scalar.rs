//! Boxed scalars and boxing of fixed-width values (`lean_box`, `lean_box_uint64`, ...).
//!
//! A pointer with its low bit set is not an object but an unboxed value `v` encoded as
//! `(v << 1) | 1`. Values that do not fit (64-bit integers, `USize`, floats) are boxed in a
//! constructor object with tag 0, no object fields and the value in its scalar area.

use crate::ctor::{
    lean_alloc_ctor, lean_ctor_get_float, lean_ctor_get_float32, lean_ctor_get_uint64,
    lean_ctor_get_usize, lean_ctor_set_float, lean_ctor_set_float32, lean_ctor_set_uint64,
    lean_ctor_set_usize,
};
use crate::types::lean_object;

/// Whether `o` is a boxed scalar rather than a heap pointer.
#[inline(always)]
pub fn lean_is_scalar(o: *mut lean_object) -> bool {
    (o as usize) & 1 == 1
}

/// Boxes `n` (its top bit is lost; see [`LEAN_MAX_SMALL_NAT`](crate::LEAN_MAX_SMALL_NAT)).
#[inline(always)]
pub fn lean_box(n: usize) -> *mut lean_object {
    core::ptr::without_provenance_mut((n << 1) | 1)
}

/// Value of a boxed scalar.
#[inline(always)]
pub fn lean_unbox(o: *mut lean_object) -> usize {
    (o as usize) >> 1
}

/// Boxes a `UInt32` (unboxed on 64-bit targets).
#[inline(always)]
pub fn lean_box_uint32(v: u32) -> *mut lean_object {
    lean_box(v as usize)
}

/// Value of a boxed `UInt32`.
///
/// # Safety
/// `o` must be a boxed `UInt32` (on 64-bit targets: a scalar).
#[inline(always)]
pub unsafe fn lean_unbox_uint32(o: *mut lean_object) -> u32 {
    #[allow(clippy::cast_possible_truncation)]
    let v = lean_unbox(o) as u32;
    v
}

macro_rules! boxed_in_ctor {
    ($(#[$doc:meta] $boxf:ident / $unboxf:ident : $ty:ty, $set:ident, $get:ident;)*) => {$(
        #[$doc]
        ///
        /// # Safety
        /// The runtime must be initialised on this thread. The result is an owned object.
        #[inline]
        pub unsafe fn $boxf(v: $ty) -> *mut lean_object {
            #[allow(clippy::cast_possible_truncation)]
            const SIZE: u32 = core::mem::size_of::<$ty>() as u32;
            // SAFETY: initialised runtime; a tag-0 ctor with no fields and `SIZE` scalar bytes
            // has room for one value at offset 0.
            unsafe {
                let o = lean_alloc_ctor(0, 0, SIZE);
                $set(o, 0, v);
                o
            }
        }

        #[doc = concat!("Reads the value boxed by [`", stringify!($boxf), "`].")]
        ///
        /// # Safety
        #[doc = concat!("`o` must be a live object produced by [`", stringify!($boxf), "`] (or Lean's own boxing of that type).")]
        #[inline]
        pub unsafe fn $unboxf(o: *mut lean_object) -> $ty {
            // SAFETY: caller contract: the scalar area holds one value at offset 0.
            unsafe { $get(o, 0) }
        }
    )*};
}

boxed_in_ctor! {
    /// Boxes a `UInt64` in a constructor object.
    lean_box_uint64 / lean_unbox_uint64 : u64, lean_ctor_set_uint64, lean_ctor_get_uint64;
    /// Boxes a `USize` in a constructor object.
    lean_box_usize / lean_unbox_usize : usize, lean_ctor_set_usize, lean_ctor_get_usize;
    /// Boxes a `Float` in a constructor object.
    lean_box_float / lean_unbox_float : f64, lean_ctor_set_float, lean_ctor_get_float;
    /// Boxes a `Float32` in a constructor object.
    lean_box_float32 / lean_unbox_float32 : f32, lean_ctor_set_float32, lean_ctor_get_float32;
}
