//! Opaque public types and the calling-convention typedefs of `lean.h`.
//!
//! `lean_object` has no visible fields: object state is reached only through the `pub unsafe fn`
//! mirrors, so the header layout (`crate::repr`) stays a private, version-tracked detail.

use core::ffi::c_void;
use core::marker::{PhantomData, PhantomPinned};

/// A Lean heap object (or, as a pointer, a boxed scalar). Never constructed or moved in Rust;
/// the marker makes it `!Send`, `!Sync` and `!Unpin`.
#[repr(C)]
pub struct lean_object {
    _data: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// Owned argument: the callee consumes one reference.
pub type lean_obj_arg = *mut lean_object;
/// Borrowed argument: the caller keeps its reference.
pub type b_lean_obj_arg = *mut lean_object;
/// Unique argument: owned and known to be unshared.
pub type u_lean_obj_arg = *mut lean_object;
/// Owned result: the caller receives one reference.
pub type lean_obj_res = *mut lean_object;
/// Borrowed result: valid only while its source is alive.
pub type b_lean_obj_res = *mut lean_object;

/// Finalizer of an external class; receives the external object's data pointer.
pub type lean_external_finalize_proc = Option<unsafe extern "C" fn(*mut c_void)>;
/// Visitor of an external class; must call its second argument's closure on every Lean object
/// the data owns.
pub type lean_external_foreach_proc = Option<unsafe extern "C" fn(*mut c_void, b_lean_obj_arg)>;

/// A registered external class (finalizer + visitor), created by
/// [`lean_register_external_class`](crate::lean_register_external_class) and never freed.
#[repr(C)]
pub struct lean_external_class {
    _data: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}
