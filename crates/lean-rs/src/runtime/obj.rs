//! Owned ([`Obj`]) and borrowed ([`ObjRef`]) Lean object handles.
//!
//! These are the only places `lean-rs` holds a raw Lean pointer. `Obj` owns exactly one
//! reference count; `ObjRef` is a view that performs no reference-count traffic and cannot
//! outlive the value it was borrowed from. Every inspection method validates the object's
//! shape before reading, so a wrongly-shaped value becomes a Conversion error, never a read
//! outside the object.

#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::ptr::NonNull;

use lean_rs_sys::{self as sys, lean_object};

use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;

/// Size of the object header in bytes (`lean_object`).
const HEADER_BYTES: usize = 8;
/// Size of one object field (a pointer).
const FIELD_BYTES: usize = std::mem::size_of::<*mut lean_object>();

/// An owned Lean object: one reference count, released on drop.
///
/// Public only so that crate-internal sealed traits may name it; it is not reachable from
/// outside the crate.
pub struct Obj<'lean> {
    ptr: NonNull<lean_object>,
    _runtime: PhantomData<&'lean LeanRuntime>,
}

impl<'lean> Obj<'lean> {
    /// Wraps a pointer that carries one reference count the caller transfers.
    ///
    /// A null pointer (which no Lean allocation or well-formed export returns) aborts the
    /// process rather than producing a handle that would later be dereferenced.
    ///
    /// # Safety
    /// `ptr` must be a boxed scalar or a live Lean object owning one reference count that
    /// this handle now owns, created under the initialized runtime `runtime` witnesses.
    #[inline]
    pub(crate) unsafe fn from_owned_raw(
        runtime: &'lean LeanRuntime,
        ptr: *mut lean_object,
    ) -> Self {
        let _ = runtime;
        // Every Lean value `lean-rs` receives or builds passes through here.
        crate::runtime::debug_assert_attached();
        let Some(ptr) = NonNull::new(ptr) else {
            tracing::error!(target: "lean_rs", "Lean returned a null object pointer");
            std::process::abort()
        };
        Self {
            ptr,
            _runtime: PhantomData,
        }
    }

    /// A boxed scalar (`lean_box(n)`): unit, small `Nat`s, enum tags, `Bool`, small words.
    pub(crate) fn boxed(runtime: &'lean LeanRuntime, n: usize) -> Self {
        // SAFETY: a boxed scalar owns no reference count, so any value is a valid handle.
        unsafe { Self::from_owned_raw(runtime, sys::lean_box(n)) }
    }

    /// Gives the reference count to the caller (e.g. as an owned argument to Lean).
    pub(crate) fn into_raw(self) -> *mut lean_object {
        let ptr = self.ptr.as_ptr();
        std::mem::forget(self);
        ptr
    }

    /// The raw pointer, still owned by `self` (for borrowed-argument calls).
    pub(crate) fn as_raw(&self) -> *mut lean_object {
        self.ptr.as_ptr()
    }

    /// A view that borrows `self`.
    pub(crate) fn borrow(&self) -> ObjRef<'lean, '_> {
        ObjRef {
            ptr: self.ptr,
            _borrow: PhantomData,
        }
    }

    /// The runtime this value belongs to.
    #[allow(clippy::unused_self)]
    pub(crate) fn runtime(&self) -> &'lean LeanRuntime {
        LeanRuntime::token()
    }

    /// Whether this handle holds the only reference (a heap object with count 1).
    #[allow(dead_code)]
    pub(crate) fn is_exclusive(&self) -> bool {
        let ptr = self.as_raw();
        // SAFETY: `ptr` is a live heap object owned by `self`; only its header is read.
        !sys::lean_is_scalar(ptr) && unsafe { sys::lean_is_exclusive(ptr) }
    }
}

impl Clone for Obj<'_> {
    fn clone(&self) -> Self {
        // SAFETY: `self` owns a live reference, so the object is alive; `lean_inc` adds the
        // one reference the new handle owns (no-op for scalars).
        unsafe { sys::lean_inc(self.ptr.as_ptr()) };
        Self {
            ptr: self.ptr,
            _runtime: PhantomData,
        }
    }
}

impl Drop for Obj<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `self` owns exactly one reference, released exactly once here.
        unsafe { sys::lean_dec(self.ptr.as_ptr()) };
    }
}

impl std::fmt::Debug for Obj<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Obj({})", self.borrow().shape())
    }
}

#[cold]
fn ctor_field_count_mismatch(tag: u32, actual: usize, expected: usize) -> LeanError {
    LeanError::conversion(format!(
        "constructor #{tag} has {actual} object fields, expected {expected}"
    ))
}

#[cold]
fn ctor_scalar_area_too_small(tag: u32, capacity: usize, wanted: usize) -> LeanError {
    LeanError::conversion(format!(
        "constructor #{tag} has {capacity} scalar bytes, expected at least {wanted}"
    ))
}

/// A borrowed view of a Lean object; no reference-count traffic.
#[derive(Clone, Copy)]
pub struct ObjRef<'lean, 'a> {
    ptr: NonNull<lean_object>,
    _borrow: PhantomData<(&'a Obj<'lean>, &'lean LeanRuntime)>,
}

impl<'lean, 'a> ObjRef<'lean, 'a> {
    /// Views a pointer borrowed from a value that outlives `'a`.
    ///
    /// # Safety
    /// `ptr` must be null, a boxed scalar, or a live Lean object kept alive for `'a` by
    /// someone else.
    #[inline]
    pub(crate) unsafe fn from_borrowed_raw(ptr: *mut lean_object) -> LeanResult<Self> {
        NonNull::new(ptr)
            .map(|ptr| Self {
                ptr,
                _borrow: PhantomData,
            })
            .ok_or_else(|| LeanError::conversion("Lean value is a null pointer"))
    }

    /// The raw pointer (borrowed).
    #[inline]
    pub(crate) fn as_raw(self) -> *mut lean_object {
        self.ptr.as_ptr()
    }

    /// A new owned handle to the same object (one `lean_inc`).
    pub(crate) fn to_owned_obj(self) -> Obj<'lean> {
        // SAFETY: the object is alive for `'a`; `lean_inc` creates the reference the new
        // handle owns.
        unsafe {
            sys::lean_inc(self.as_raw());
            Obj::from_owned_raw(LeanRuntime::token(), self.as_raw())
        }
    }

    /// The runtime this value belongs to.
    #[allow(clippy::unused_self)]
    pub(crate) fn runtime(self) -> &'lean LeanRuntime {
        LeanRuntime::token()
    }

    /// Whether this is a boxed scalar rather than a heap object.
    pub(crate) fn is_scalar(self) -> bool {
        sys::lean_is_scalar(self.as_raw())
    }

    /// The boxed scalar's value, or `None` for heap objects.
    pub(crate) fn scalar(self) -> Option<usize> {
        self.is_scalar().then(|| sys::lean_unbox(self.as_raw()))
    }

    /// The heap object's kind tag (`lean_ptr_tag`), or `None` for scalars.
    fn heap_tag(self) -> Option<u8> {
        if self.is_scalar() {
            None
        } else {
            // SAFETY: a live heap object; only its header is read.
            Some(unsafe { sys::lean_ptr_tag(self.as_raw()) })
        }
    }

    /// The constructor index: the boxed value for scalars, the header tag otherwise
    /// (`lean_obj_tag`).
    pub(crate) fn tag(self) -> u32 {
        match self.scalar() {
            Some(v) => u32::try_from(v).unwrap_or(u32::MAX),
            // SAFETY: a live heap object; only its header is read.
            None => unsafe { sys::lean_obj_tag(self.as_raw()) },
        }
    }

    /// A short description of the value's runtime shape, for error messages.
    pub(crate) fn shape(self) -> String {
        match self.heap_tag() {
            None => format!("scalar {}", sys::lean_unbox(self.as_raw())),
            Some(t) if t <= sys::LeanMaxCtorTag => format!("constructor #{t}"),
            Some(sys::LeanClosure) => "closure".into(),
            Some(sys::LeanArray) => "array".into(),
            Some(sys::LeanStructArray) => "struct array".into(),
            Some(sys::LeanScalarArray) => "scalar array".into(),
            Some(sys::LeanString) => "string".into(),
            Some(sys::LeanMPZ) => "big number".into(),
            Some(sys::LeanThunk) => "thunk".into(),
            Some(sys::LeanTask) => "task".into(),
            Some(sys::LeanRef) => "reference".into(),
            Some(sys::LeanExternal) => "external object".into(),
            Some(t) => format!("object kind {t}"),
        }
    }

    fn wrong_shape(self, expected: &str) -> LeanError {
        LeanError::conversion(format!("expected {expected}, found {}", self.shape()))
    }

    /// Whether this is a big-number object (a `Nat`/`Int` outside the scalar range).
    pub(crate) fn is_mpz(self) -> bool {
        self.heap_tag() == Some(sys::LeanMPZ)
    }

    /// Checks that this is a constructor object with tag `tag`, exactly `num_objs` object
    /// fields, and at least `scalar_bytes` bytes of scalar area, and returns the checked view
    /// whose scalar readers need no further header decode or FFI call.
    #[inline]
    pub(crate) fn expect_ctor(
        self,
        tag: u32,
        num_objs: usize,
        scalar_bytes: usize,
    ) -> LeanResult<CtorView<'lean, 'a>> {
        match self.heap_tag() {
            Some(kind) if kind <= sys::LeanMaxCtorTag && u32::from(kind) == tag => {}
            _ => return Err(self.not_ctor(tag)),
        }
        let actual = self.ctor_num_objs_unchecked();
        if actual != num_objs {
            return Err(ctor_field_count_mismatch(tag, actual, num_objs));
        }
        let view = CtorView::new(self, num_objs, scalar_bytes > 0);
        if view.scalar_capacity < scalar_bytes {
            return Err(ctor_scalar_area_too_small(
                tag,
                view.scalar_capacity,
                scalar_bytes,
            ));
        }
        Ok(view)
    }

    // The error builders stay out of line: `expect_ctor` runs once per array element.
    #[cold]
    fn not_ctor(self, tag: u32) -> LeanError {
        self.wrong_shape(&format!("constructor #{tag}"))
    }

    /// Object-field count of a constructor (caller checked it is one).
    fn ctor_num_objs_unchecked(self) -> usize {
        // SAFETY: caller established a live constructor object; header read only.
        unsafe { sys::lean_ctor_num_objs(self.as_raw()) as usize }
    }

    fn expect_any_ctor(self) -> LeanResult<()> {
        match self.heap_tag() {
            Some(t) if t <= sys::LeanMaxCtorTag => Ok(()),
            _ => Err(self.wrong_shape("a constructor")),
        }
    }

    /// Tag and object-field count of a constructor object, or an error for anything else.
    pub(crate) fn ctor_shape(self) -> LeanResult<(u32, usize)> {
        self.expect_any_ctor()?;
        Ok((self.tag(), self.ctor_num_objs_unchecked()))
    }

    /// Object field `i` of a constructor, bounds-checked.
    pub(crate) fn ctor_field(self, i: usize) -> LeanResult<ObjRef<'lean, 'a>> {
        self.expect_any_ctor()?;
        let n = self.ctor_num_objs_unchecked();
        if i >= n {
            return Err(LeanError::conversion(format!(
                "constructor field {i} requested, but it has only {n} object fields"
            )));
        }
        // SAFETY: `i < num_objs` of a live constructor; the field is kept alive by the
        // constructor, which outlives `'a`. `i < 256` so the cast cannot truncate.
        unsafe {
            #[allow(clippy::cast_possible_truncation)]
            let field = sys::lean_ctor_get(self.as_raw(), i as u32);
            ObjRef::from_borrowed_raw(field)
        }
    }

    /// The text of a `String` object, checked to be valid UTF-8.
    pub(crate) fn string(self) -> LeanResult<&'a str> {
        let bytes = self.string_bytes()?;
        crate::abi::validate_utf8(bytes)?;
        // SAFETY: just validated.
        Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    }

    /// The bytes of a `String` object (without the NUL), not yet validated.
    pub(crate) fn string_bytes(self) -> LeanResult<&'a [u8]> {
        if self.heap_tag() != Some(sys::LeanString) {
            return Err(self.wrong_shape("a String"));
        }
        // SAFETY: a live string object: `m_size` counts the bytes including the trailing
        // NUL, all initialized, and the data lives as long as the object (`'a`).
        unsafe {
            let size = sys::lean_string_size(self.as_raw());
            if size == 0 {
                return Err(LeanError::conversion(
                    "String object has size 0 (missing terminator)",
                ));
            }
            crate::abi::limits_check_bytes("String", size - 1)?;
            Ok(std::slice::from_raw_parts(
                sys::lean_string_cstr(self.as_raw()).cast::<u8>(),
                size - 1,
            ))
        }
    }

    /// The bytes of a `ByteArray` (a scalar array with 1-byte elements).
    pub(crate) fn byte_array(self) -> LeanResult<&'a [u8]> {
        if self.heap_tag() != Some(sys::LeanScalarArray) {
            return Err(self.wrong_shape("a ByteArray"));
        }
        // SAFETY: a live scalar array; `m_size` elements of `elem_size` bytes are
        // initialized and live as long as the object (`'a`).
        unsafe {
            let elem = sys::lean_sarray_elem_size(self.as_raw());
            if elem != 1 {
                return Err(LeanError::conversion(format!(
                    "expected a ByteArray, found a scalar array of {elem}-byte elements"
                )));
            }
            let len = sys::lean_sarray_size(self.as_raw());
            crate::abi::limits_check_bytes("ByteArray", len)?;
            Ok(std::slice::from_raw_parts(
                sys::lean_sarray_cptr(self.as_raw()),
                len,
            ))
        }
    }

    /// The element pointers of an `Array`.
    pub(crate) fn array_len(self) -> LeanResult<usize> {
        if self.heap_tag() != Some(sys::LeanArray) {
            return Err(self.wrong_shape("an Array"));
        }
        // SAFETY: a live array object; header read only.
        let len = unsafe { sys::lean_array_size(self.as_raw()) };
        crate::abi::limits_check_elements("Array", len)?;
        Ok(len)
    }
}

impl std::fmt::Debug for ObjRef<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ObjRef({})", self.shape())
    }
}

/// A constructor object whose object-field count and scalar capacity were read once
/// (the capacity costs one `lean_object_byte_size` call, made only when scalar bytes were
/// asked for; the header holds no size for heap objects). Scalar reads are bounds-checked
/// against the stored capacity.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CtorView<'lean, 'a> {
    obj: ObjRef<'lean, 'a>,
    num_objs: usize,
    scalar_capacity: usize,
}

macro_rules! ctor_view_readers {
    ($($name:ident -> $ty:ty, $get:ident;)*) => {$(
        #[doc = concat!("Reads a `", stringify!($ty), "` at `offset` bytes into the scalar area.")]
        #[inline]
        pub(crate) fn $name(self, offset: usize) -> LeanResult<$ty> {
            let at = self.scalar_offset(offset, std::mem::size_of::<$ty>())?;
            // SAFETY: `at .. at + size` lies inside the constructor's allocation
            // (`scalar_offset` checked it against the measured capacity).
            Ok(unsafe { sys::$get(self.obj.as_raw(), at) })
        }
    )*};
}

impl<'lean, 'a> CtorView<'lean, 'a> {
    /// Caller checked that `obj` is a live constructor object with `num_objs` object fields.
    /// Without `measure` (no scalars wanted) the size query is skipped and the view reads no
    /// scalars.
    #[inline]
    fn new(obj: ObjRef<'lean, 'a>, num_objs: usize, measure: bool) -> Self {
        let scalar_capacity = if measure {
            // SAFETY: a live constructor object (caller contract); its allocation size is in
            // its header.
            let total = unsafe { sys::lean_ctor_object_byte_size(obj.as_raw()) };
            total.saturating_sub(HEADER_BYTES + FIELD_BYTES * num_objs)
        } else {
            0
        };
        Self {
            obj,
            num_objs,
            scalar_capacity,
        }
    }

    /// Object field `i`, bounds-checked.
    pub(crate) fn field(self, i: usize) -> LeanResult<ObjRef<'lean, 'a>> {
        self.obj.ctor_field(i)
    }

    /// Byte offset (from the first object field) of a scalar at `offset` inside the scalar
    /// area, after checking `size` bytes fit.
    #[inline]
    fn scalar_offset(self, offset: usize, size: usize) -> LeanResult<u32> {
        match offset.checked_add(size) {
            Some(end) if end <= self.scalar_capacity => {
                u32::try_from(FIELD_BYTES * self.num_objs + offset)
                    .map_err(|_| LeanError::conversion("scalar offset out of range"))
            }
            _ => Err(self.outside_scalar_area(offset, size)),
        }
    }

    #[cold]
    fn outside_scalar_area(self, offset: usize, size: usize) -> LeanError {
        LeanError::conversion(format!(
            "scalar field at offset {offset} (+{size} bytes) lies outside the {}-byte scalar area",
            self.scalar_capacity
        ))
    }

    ctor_view_readers! {
        u8 -> u8, lean_ctor_get_uint8;
        u16 -> u16, lean_ctor_get_uint16;
        u32 -> u32, lean_ctor_get_uint32;
        u64 -> u64, lean_ctor_get_uint64;
        f64 -> f64, lean_ctor_get_float;
        f32 -> f32, lean_ctor_get_float32;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::abi::IntoLean;

    fn heap_string(runtime: &LeanRuntime) -> Obj<'_> {
        "refcount probe".into_lean(runtime).unwrap()
    }

    fn is_shared(obj: &Obj<'_>) -> bool {
        // SAFETY: live heap object owned by `obj`; header read only.
        unsafe { sys::lean_is_shared(obj.as_raw()) }
    }

    #[test]
    fn boxed_words_decode_and_other_shapes_are_refused() {
        use crate::abi::TryFromLean;
        let runtime = LeanRuntime::init().unwrap();
        // SAFETY: each object is fresh and owned by the `Obj`; scalar areas are written before
        // they are read.
        let (word, short, with_field, tagged) = unsafe {
            // No scalar area at all (a 4-byte one would round up to the same 16 bytes as a
            // boxed word: sizes are what the allocation holds, not what was asked for).
            let short = sys::lean_alloc_ctor(0, 0, 0);
            let with_field = sys::lean_alloc_ctor(0, 1, 8);
            sys::lean_ctor_set(with_field, 0, sys::lean_box(0));
            sys::lean_ctor_set_uint64(with_field, 8, 9);
            let tagged = sys::lean_alloc_ctor(1, 0, 8);
            sys::lean_ctor_set_uint64(tagged, 0, 9);
            (
                Obj::from_owned_raw(runtime, sys::lean_box_uint64(u64::MAX - 1)),
                Obj::from_owned_raw(runtime, short),
                Obj::from_owned_raw(runtime, with_field),
                Obj::from_owned_raw(runtime, tagged),
            )
        };
        assert_eq!(u64::try_from_lean(word.borrow()).unwrap(), u64::MAX - 1);
        // Not a boxed word: too small, a field, another constructor, a scalar, a string.
        let text = heap_string(runtime);
        for (obj, what) in [
            (&short, "no scalar area"),
            (&with_field, "an object field"),
            (&tagged, "tag 1"),
            (&text, "a string"),
        ] {
            assert!(u64::try_from_lean(obj.borrow()).is_err(), "{what}");
            assert!(f64::try_from_lean(obj.borrow()).is_err(), "{what}");
        }
        assert!(u64::try_from_lean(Obj::boxed(runtime, 3).borrow()).is_err());
    }

    #[test]
    fn clone_increments_and_drop_decrements() {
        let runtime = LeanRuntime::init().unwrap();
        let a = heap_string(runtime);
        assert!(a.is_exclusive());
        let b = a.clone();
        assert!(is_shared(&a));
        assert_eq!(a.as_raw(), b.as_raw());
        drop(b);
        assert!(a.is_exclusive());
    }

    #[test]
    fn borrowing_and_into_raw_do_not_touch_the_count() {
        let runtime = LeanRuntime::init().unwrap();
        let a = heap_string(runtime);
        let view = a.borrow();
        assert_eq!(view.string().unwrap(), "refcount probe");
        assert!(a.is_exclusive());
        let owned_again = view.to_owned_obj();
        assert!(is_shared(&a));
        let raw = owned_again.into_raw();
        assert!(is_shared(&a));
        // SAFETY: `raw` carries the reference `into_raw` gave up.
        drop(unsafe { Obj::from_owned_raw(runtime, raw) });
        assert!(a.is_exclusive());
    }

    #[test]
    fn scalar_handles_need_no_count() {
        let runtime = LeanRuntime::init().unwrap();
        let s = Obj::boxed(runtime, 41);
        let t = s.clone();
        assert_eq!(t.borrow().scalar(), Some(41));
        assert!(!s.is_exclusive());
        assert!(s.borrow().ctor_field(0).is_err());
        assert!(s.borrow().string().is_err());
        assert_eq!(s.borrow().shape(), "scalar 41");
    }

    /// The checked view measures the real allocation once: a boxed `UInt64` (tag 0, no object
    /// fields, an 8-byte scalar area on 4.35.0) reads back, and every read or shape outside
    /// what was measured is an error.
    #[test]
    fn ctor_view_bounds_scalar_reads_by_the_measured_size() {
        let runtime = LeanRuntime::init().unwrap();
        // SAFETY: the runtime is initialized; `lean_box_uint64` returns a fresh owned object.
        let boxed = unsafe { Obj::from_owned_raw(runtime, sys::lean_box_uint64(u64::MAX - 6)) };
        let view = boxed.borrow().expect_ctor(0, 0, 8).unwrap();
        assert_eq!(view.scalar_capacity, 8);
        assert_eq!(view.u64(0).unwrap(), u64::MAX - 6);
        assert_eq!(view.u32(4).unwrap(), u32::MAX);
        assert!(
            view.u64(1)
                .unwrap_err()
                .message()
                .contains("8-byte scalar area")
        );
        assert!(view.u8(usize::MAX).is_err());
        assert!(view.field(0).is_err());
        let obj = boxed.borrow();
        assert!(
            obj.expect_ctor(0, 0, 9)
                .unwrap_err()
                .message()
                .contains("8 scalar bytes")
        );
        assert!(obj.expect_ctor(1, 0, 8).is_err());
        assert!(obj.expect_ctor(0, 1, 0).is_err());
        // Checked for no scalars: the size is not queried and no scalar can be read.
        assert!(obj.expect_ctor(0, 0, 0).unwrap().u8(0).is_err());
        assert!(
            Obj::boxed(runtime, 0)
                .borrow()
                .expect_ctor(0, 0, 0)
                .is_err()
        );
        assert!(heap_string(runtime).borrow().expect_ctor(0, 0, 0).is_err());
    }
}
