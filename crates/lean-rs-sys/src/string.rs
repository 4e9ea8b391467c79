//! Strings (`lean.h` "Strings"): NUL-terminated UTF-8 with cached byte size and length.

use core::ffi::c_char;

use crate::consts::LeanString;
use crate::object::{lean_alloc_object, lean_set_st_header, size_add};
use crate::repr::LeanStringObjectRepr;
use crate::scalar::lean_box;
use crate::types::{b_lean_obj_arg, lean_obj_arg, lean_obj_res, lean_object};

crate::lean_extern! {
    /// Copies a NUL-terminated UTF-8 C string (invalid UTF-8 is replaced).
    pub fn lean_mk_string(s: *const c_char) -> lean_obj_res;
    /// Copies `sz` bytes, validating UTF-8 (invalid sequences are replaced).
    pub fn lean_mk_string_from_bytes(s: *const c_char, sz: usize) -> lean_obj_res;
    /// Copies `sz` bytes that the caller guarantees are valid UTF-8.
    pub fn lean_mk_string_from_bytes_unchecked(s: *const c_char, sz: usize) -> lean_obj_res;
    /// Copies `sz` valid UTF-8 bytes holding `len` code points.
    pub fn lean_mk_string_unchecked(s: *const c_char, sz: usize, len: usize) -> lean_obj_res;
    /// Number of code points in a NUL-terminated UTF-8 string.
    pub fn lean_utf8_strlen(s: *const c_char) -> usize;
    /// Number of code points in the first `n` bytes of a UTF-8 string.
    pub fn lean_utf8_n_strlen(s: *const c_char, n: usize) -> usize;
    /// `String.validateUTF8`: whether a `ByteArray` holds valid UTF-8.
    pub fn lean_string_validate_utf8(a: b_lean_obj_arg) -> u8;
    /// A `ByteArray` known to be valid UTF-8 as a `String`. Consumes `a` (4.35.0 releases it;
    /// older headers documented it as borrowed).
    pub fn lean_string_from_utf8_unchecked(a: lean_obj_arg) -> lean_obj_res;
    /// `String.toUTF8`: the bytes of a string as a `ByteArray`.
    pub fn lean_string_to_utf8(s: b_lean_obj_arg) -> lean_obj_res;
    /// Appends `s2` to owned `s1`.
    pub fn lean_string_append(s1: lean_obj_arg, s2: b_lean_obj_arg) -> lean_obj_res;
    /// Appends the code point `c` to owned `s`.
    pub fn lean_string_push(s: lean_obj_arg, c: u32) -> lean_obj_res;
    /// Byte comparison for strings of equal size.
    pub fn lean_string_eq_cold(s1: b_lean_obj_arg, s2: b_lean_obj_arg) -> bool;
    /// Lexicographic `<`.
    pub fn lean_string_lt(s1: b_lean_obj_arg, s2: b_lean_obj_arg) -> bool;
    /// `String.hash`.
    pub fn lean_string_hash(s: b_lean_obj_arg) -> u64;
}

/// Allocates a string object with uninitialised data.
///
/// # Safety
/// The runtime must be initialised; the caller fills `size` bytes (ending in NUL) holding `len`
/// code points before anyone reads the string.
#[inline]
pub unsafe fn lean_alloc_string(size: usize, capacity: usize, len: usize) -> lean_obj_res {
    // SAFETY: initialised runtime; the allocation covers header + `capacity` bytes.
    unsafe {
        let o = lean_alloc_object(size_add(
            core::mem::size_of::<LeanStringObjectRepr>(),
            capacity,
        ));
        lean_set_st_header(o, u32::from(LeanString), 0);
        let s = o.cast::<LeanStringObjectRepr>();
        (*s).m_size = size;
        (*s).m_capacity = capacity;
        (*s).m_length = len;
        o
    }
}

/// Sets the code-point count of a string being filled (see [`lean_alloc_string`]), for writers
/// that count while they copy.
///
/// # Safety
/// `o` must be a string object the caller owns exclusively and has not shared yet, and `len`
/// must be the number of code points its data will hold when it is shared.
#[inline(always)]
pub unsafe fn lean_string_set_len(o: *mut lean_object, len: usize) {
    // SAFETY: string layout; exclusive and unshared (caller contract).
    unsafe { (*o.cast::<LeanStringObjectRepr>()).m_length = len }
}

/// Pointer to the writable data of a string being filled (see [`lean_alloc_string`]).
///
/// # Safety
/// `o` must be a string object the caller owns exclusively and has not shared yet.
#[inline(always)]
pub unsafe fn lean_string_data_mut(o: *mut lean_object) -> *mut u8 {
    // SAFETY: string layout (caller contract).
    unsafe { (&raw mut (*o.cast::<LeanStringObjectRepr>()).m_data).cast() }
}

macro_rules! string_field {
    ($($(#[$doc:meta])* $name:ident => $field:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// `o` must be a live string object.
        #[inline(always)]
        pub unsafe fn $name(o: *mut lean_object) -> usize {
            // SAFETY: string layout (caller contract).
            unsafe { (*o.cast::<LeanStringObjectRepr>()).$field }
        }
    )*};
}

string_field! {
    /// Byte size including the trailing NUL.
    lean_string_size => m_size;
    /// Length in code points.
    lean_string_len => m_length;
    /// Allocated data bytes.
    lean_string_capacity => m_capacity;
}

/// Pointer to the NUL-terminated UTF-8 data, valid while `o` is alive.
///
/// # Safety
/// `o` must be a live string object.
#[inline(always)]
pub unsafe fn lean_string_cstr(o: b_lean_obj_arg) -> *const c_char {
    // SAFETY: string layout (caller contract).
    unsafe { (&raw const (*o.cast::<LeanStringObjectRepr>()).m_data).cast() }
}

/// Total allocated bytes of the string object.
///
/// # Safety
/// `o` must be a live string object.
#[inline(always)]
pub unsafe fn lean_string_byte_size(o: *mut lean_object) -> usize {
    // SAFETY: forwarded caller contract.
    core::mem::size_of::<LeanStringObjectRepr>() + unsafe { lean_string_capacity(o) }
}

/// `String.length` as a boxed `Nat`.
///
/// # Safety
/// `o` must be a live string object.
#[inline(always)]
pub unsafe fn lean_string_length(o: b_lean_obj_arg) -> lean_obj_res {
    // SAFETY: forwarded caller contract.
    lean_box(unsafe { lean_string_len(o) })
}

/// `String.utf8ByteSize` as a boxed `Nat` (bytes without the NUL).
///
/// # Safety
/// `o` must be a live string object.
#[inline(always)]
pub unsafe fn lean_string_utf8_byte_size(o: b_lean_obj_arg) -> lean_obj_res {
    // SAFETY: forwarded caller contract; `m_size >= 1` because of the NUL.
    lean_box(unsafe { lean_string_size(o) } - 1)
}

/// String equality.
///
/// # Safety
/// Both arguments must be live string objects.
#[inline]
pub unsafe fn lean_string_eq(s1: b_lean_obj_arg, s2: b_lean_obj_arg) -> bool {
    // SAFETY: forwarded caller contract.
    s1 == s2
        || unsafe { lean_string_size(s1) == lean_string_size(s2) && lean_string_eq_cold(s1, s2) }
}
