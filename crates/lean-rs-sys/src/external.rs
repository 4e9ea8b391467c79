//! External objects: Lean objects wrapping foreign data with a registered finalizer.

use core::ffi::c_void;

use crate::consts::LeanExternal;
use crate::object::{lean_alloc_small_object, lean_dec_ref, lean_is_exclusive, lean_set_st_header};
use crate::repr::LeanExternalObjectRepr;
use crate::types::{
    lean_external_class, lean_external_finalize_proc, lean_external_foreach_proc, lean_object,
};

crate::lean_extern! {
    /// Registers a class; the result lives for the rest of the process. Both procedures must be
    /// non-null if objects of the class can ever be marked multi-threaded or persistent: the
    /// runtime's marking walk calls `foreach` unconditionally (seen on 4.35.0).
    pub fn lean_register_external_class(
        finalize: lean_external_finalize_proc,
        foreach: lean_external_foreach_proc,
    ) -> *mut lean_external_class;
}

/// Wraps `data` in a new external object of class `cls` (count 1). The class finalizer runs on
/// `data` when the last reference is dropped.
///
/// # Safety
/// The runtime must be initialised and `cls` must come from [`lean_register_external_class`].
#[inline]
pub unsafe fn lean_alloc_external(
    cls: *mut lean_external_class,
    data: *mut c_void,
) -> *mut lean_object {
    // SAFETY: initialised runtime; a small object of the external layout's size.
    unsafe {
        let o = lean_alloc_small_object(core::mem::size_of::<LeanExternalObjectRepr>());
        lean_set_st_header(o, u32::from(LeanExternal), 0);
        let e = o.cast::<LeanExternalObjectRepr>();
        (*e).m_class = cls;
        (*e).m_data = data;
        o
    }
}

/// The class of an external object.
///
/// # Safety
/// `o` must be a live external object.
#[inline(always)]
pub unsafe fn lean_get_external_class(o: *mut lean_object) -> *mut lean_external_class {
    // SAFETY: external layout (caller contract).
    unsafe { (*o.cast::<LeanExternalObjectRepr>()).m_class }
}

/// The data pointer of an external object.
///
/// # Safety
/// `o` must be a live external object.
#[inline(always)]
pub unsafe fn lean_get_external_data(o: *mut lean_object) -> *mut c_void {
    // SAFETY: external layout (caller contract).
    unsafe { (*o.cast::<LeanExternalObjectRepr>()).m_data }
}

/// Replaces the data of owned `o`: in place when exclusive, otherwise in a fresh object of the
/// same class (and `o` is released). The old data is not finalized.
///
/// # Safety
/// `o` must be a live external object owned by the caller; the runtime must be initialised.
#[inline]
pub unsafe fn lean_set_external_data(o: *mut lean_object, data: *mut c_void) -> *mut lean_object {
    // SAFETY: caller contract.
    unsafe {
        if lean_is_exclusive(o) {
            (*o.cast::<LeanExternalObjectRepr>()).m_data = data;
            o
        } else {
            let fresh = lean_alloc_external(lean_get_external_class(o), data);
            lean_dec_ref(o);
            fresh
        }
    }
}
