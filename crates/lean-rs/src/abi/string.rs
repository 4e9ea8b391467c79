//! `String` and `ByteArray` ([`LeanByteArray`]): one copy in each direction, UTF-8
//! validated on the way out.

#![allow(unsafe_code)]

use lean_rs_sys as sys;

use super::trace_decode;
use super::traits::{IntoLean, TryFromLean, object_abi, object_c_methods};
use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::{Obj, ObjRef};

/// Bytes copied (and counted, or validated) per step: small enough that a step's bytes are
/// still in the first-level cache when the second pass over them runs, so a long string is
/// read from memory once.
pub(crate) const FUSED_CHUNK: usize = 16 * 1024;

fn string_into_lean<'lean>(text: &str, runtime: &'lean LeanRuntime) -> Obj<'lean> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    // SAFETY: a fresh, unshared string object with room for `len` bytes and the NUL. Every
    // byte of `text` is copied in order (chunks are consecutive and cover it), the NUL is
    // written after them, and the code-point count is set to the sum over the chunks before
    // the object is handed out. `text` is valid UTF-8, so the copy is too (the invariant
    // Lean's `String` relies on).
    unsafe {
        let raw = sys::lean_alloc_string(len + 1, len + 1, 0);
        let dst = sys::lean_string_data_mut(raw);
        let mut chars = 0;
        for (i, chunk) in bytes.chunks(FUSED_CHUNK).enumerate() {
            std::ptr::copy_nonoverlapping(chunk.as_ptr(), dst.add(i * FUSED_CHUNK), chunk.len());
            // Counting the chunk the copy just read: it is still in cache.
            chars += count_chars(chunk);
        }
        dst.add(len).write(0);
        sys::lean_string_set_len(raw, chars);
        Obj::from_owned_raw(runtime, raw)
    }
}

/// Checks that `bytes` are UTF-8, with a vectorised validator; only a rejected string pays
/// for the standard library's pass, which says where the first bad byte is.
pub(crate) fn validate_utf8(bytes: &[u8]) -> LeanResult<()> {
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return Ok(());
    }
    Err(not_utf8(bytes))
}

/// The error for bytes the fast validator rejected, with std's description of where.
#[cold]
fn not_utf8(bytes: &[u8]) -> LeanError {
    match std::str::from_utf8(bytes) {
        Err(e) => LeanError::conversion(format!("String is not valid UTF-8: {e}")),
        Ok(_) => LeanError::conversion("String is not valid UTF-8"),
    }
}

/// Copies a Lean string's bytes into a Rust `String`, validating each chunk right after it is
/// copied (so the validator reads it from cache); nothing is returned before all of it passed.
///
/// Chunks end only before a byte that starts a character (or, in invalid input, after at
/// most three continuation bytes): concatenating valid UTF-8 pieces gives valid UTF-8, and
/// cutting valid UTF-8 before a character start gives valid pieces, so the pieces are all
/// valid exactly when the whole is.
fn string_from_lean_bytes(bytes: &[u8]) -> LeanResult<String> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        let mut cut = rest.len().min(FUSED_CHUNK);
        let mut back = 0;
        while cut < rest.len() && back < 3 && is_continuation(rest[cut]) {
            cut -= 1;
            back += 1;
        }
        let (piece, tail) = rest.split_at(cut);
        out.extend_from_slice(piece);
        // Validating the piece the copy just read: it is still in cache.
        if simdutf8::basic::from_utf8(piece).is_err() {
            // Report against the whole string, so the position is the caller's.
            return Err(not_utf8(bytes));
        }
        rest = tail;
    }
    // SAFETY: every byte of `out` came from a piece that passed validation, and valid pieces
    // concatenate to valid UTF-8.
    Ok(unsafe { String::from_utf8_unchecked(out) })
}

/// Code points in valid UTF-8: a plain loop for short text (the vectorised counter's CPU
/// dispatch costs more than it saves there), the vectorised counter otherwise.
#[inline]
fn count_chars(bytes: &[u8]) -> usize {
    if bytes.len() < 64 {
        bytes.iter().filter(|&&b| !is_continuation(b)).count()
    } else {
        bytecount::num_chars(bytes)
    }
}

#[inline]
fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
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
        let bytes = obj.string_bytes()?;
        trace_decode("string", bytes.len());
        string_from_lean_bytes(bytes)
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

/// A Lean `String` kept as the Lean object and read in place: as a result type it costs no
/// copy out of Lean (the text is validated once, when it is decoded), so a caller that only
/// reads a large text pays for one copy per round trip instead of two. As an argument it hands
/// the same object back to Lean. `String::from` / [`LeanString::to_owned_string`] copy when an
/// owned Rust string is needed.
///
/// The text cannot change while the handle exists: Lean updates a string in place only when it
/// holds the sole reference, and the handle is one.
#[derive(Clone)]
pub struct LeanString<'lean> {
    obj: Obj<'lean>,
}

impl<'lean> LeanString<'lean> {
    /// Checks that `obj` is a `String` holding valid UTF-8 and keeps it.
    fn checked(obj: Obj<'lean>) -> LeanResult<Self> {
        let bytes = obj.borrow().string_bytes()?;
        trace_decode("string", bytes.len());
        validate_utf8(bytes)?;
        Ok(Self { obj })
    }

    /// The text, borrowed from the Lean object.
    pub fn as_str(&self) -> &str {
        // SAFETY: `checked` established that `obj` is a live `String` object whose `m_size - 1`
        // bytes (at least the NUL is there, so `m_size >= 1`) are valid UTF-8; the object is
        // immutable while this handle holds a reference (see the type's docs), and the bytes
        // live as long as `self`.
        unsafe {
            let raw = self.obj.as_raw();
            let len = sys::lean_string_size(raw) - 1;
            let bytes = std::slice::from_raw_parts(sys::lean_string_cstr(raw).cast::<u8>(), len);
            std::str::from_utf8_unchecked(bytes)
        }
    }

    /// Copies the text into an owned Rust `String`.
    pub fn to_owned_string(&self) -> String {
        self.as_str().to_owned()
    }
}

impl std::ops::Deref for LeanString<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for LeanString<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for LeanString<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for LeanString<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for LeanString<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<LeanString<'_>> for String {
    fn from(text: LeanString<'_>) -> Self {
        text.to_owned_string()
    }
}

impl super::traits::sealed::SealedAbi for LeanString<'_> {}
impl<'lean> super::traits::LeanAbi<'lean> for LeanString<'lean> {
    type CRepr = *mut lean_rs_sys::lean_object;
}
impl super::traits::LeanArrayElement for LeanString<'_> {}
impl<'lean> IntoLean<'lean> for LeanString<'lean> {
    fn into_lean(self, _runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        Ok(self.obj)
    }
    object_c_methods!(into);
}
impl<'lean> TryFromLean<'lean> for LeanString<'lean> {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        Self::checked(obj.to_owned_obj())
    }
    fn try_from_lean_owned(obj: Obj<'lean>) -> LeanResult<Self> {
        Self::checked(obj)
    }
    object_c_methods!(from);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::indexing_slicing)]
    use super::{FUSED_CHUNK, count_chars, string_from_lean_bytes};

    #[test]
    fn both_counters_count_code_points() {
        for n in [0, 1, 15, 63, 64, 65, 1000] {
            for c in ['a', 'é', '€', '𝔸'] {
                let text: String = std::iter::repeat_n(c, n).chain("xyz".chars()).collect();
                assert_eq!(
                    count_chars(text.as_bytes()),
                    text.chars().count(),
                    "{n} × {c}"
                );
            }
        }
    }

    /// Text whose multi-byte characters straddle every chunk boundary at every offset.
    fn straddling(width_char: char) -> String {
        let mut text = String::new();
        for shift in 0..4 {
            text.push_str(&"a".repeat(FUSED_CHUNK - shift));
            for _ in 0..8 {
                text.push(width_char);
            }
        }
        text
    }

    #[test]
    fn chunked_copy_keeps_characters_across_chunk_boundaries() {
        for c in ['é', '€', '𝔸'] {
            let text = straddling(c);
            assert_eq!(
                string_from_lean_bytes(text.as_bytes()).expect("valid"),
                text
            );
        }
        assert_eq!(string_from_lean_bytes(b"").expect("empty"), "");
    }

    #[test]
    fn chunked_copy_rejects_invalid_bytes_anywhere() {
        let text = straddling('𝔸');
        for at in [
            0,
            FUSED_CHUNK - 1,
            FUSED_CHUNK,
            FUSED_CHUNK + 1,
            text.len() - 1,
        ] {
            let mut bytes = text.clone().into_bytes();
            bytes[at] = 0xFF;
            let err = string_from_lean_bytes(&bytes).expect_err("invalid UTF-8 refused");
            assert!(err.message().contains("not valid UTF-8"), "{err}");
        }
        // A run of continuation bytes longer than any character, right at a boundary.
        let mut bytes = "a".repeat(FUSED_CHUNK - 2).into_bytes();
        bytes.extend_from_slice(&[0x80; 6]);
        assert!(string_from_lean_bytes(&bytes).is_err());
        // A character cut off at the end.
        let mut bytes = "a".repeat(FUSED_CHUNK).into_bytes();
        bytes.extend_from_slice(&"𝔸".as_bytes()[..2]);
        assert!(string_from_lean_bytes(&bytes).is_err());
    }
}
