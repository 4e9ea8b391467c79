//! The Lean-object decoders of `lean-rs` (`TryFromLean` for scalars, `String`, `ByteArray`
//! (`LeanByteArray`), `Array UInt8` (`Vec<u8>`),
//! `Array`, `Option`, `Except`, tuples, `Nat`/`Int`, `LeanStruct<T>`, `LeanVariant<T>`, and
//! `IO` results with
//! their `IO.Error`s) on objects built by the real runtime from the input: well-shaped and
//! wrong-shaped alike, shared or not. Every object is decoded as every target type.
//! Oracle: no crash, no panic; a wrong shape is a typed error.
#![no_main]
// The object builder calls the runtime's allocation functions; each block says why it is
// sound. Decoders are then reached only through their public entry points.
#![allow(unsafe_code)]

use std::ffi::{CString, c_void};

use lean_rs::abi::{
    LeanByteArray, LeanCtorReader, LeanCtorWriter, LeanInductive, LeanStructure, LeanVariant,
};
use lean_rs::{
    LeanError, LeanInt, LeanIo, LeanNat, LeanResult, LeanRuntime, LeanStruct, TryFromLean,
};
use lean_rs_sys::{self as sys, lean_object};
use num_bigint::{BigInt, BigUint};

/// Objects one input may build (bounds the work per run, not the shapes).
const MAX_OBJECTS: usize = 32;
/// Nesting depth of the built value.
const MAX_DEPTH: usize = 6;

/// `structure Sample where label : String; weight : Float; flag : Bool`.
struct Sample;

impl<'lean> LeanStructure<'lean> for Sample {
    const OBJECT_FIELDS: usize = 1;
    const SCALAR_BYTES: usize = 9;
    fn write(self, _out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        Ok(())
    }
    fn read(input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        let _: (String, f64, bool) = (input.get(0)?, input.f64(0)?, input.bool(8)?);
        Ok(Sample)
    }
}

/// A second constructor (tag 1) with nested object fields and every scalar width.
struct Wide;

impl<'lean> LeanStructure<'lean> for Wide {
    const TAG: u8 = 1;
    const OBJECT_FIELDS: usize = 2;
    const SCALAR_BYTES: usize = 8 + 8 + 4 + 2 + 1;
    fn write(self, _out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        Ok(())
    }
    fn read(input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        let _: Option<Vec<String>> = input.get(0)?;
        let _: LeanNat<u64> = input.get(1)?;
        let _ = (
            input.usize(0)?,
            input.u64(8)?,
            input.f32(16)?,
            input.u32(16)?,
            input.u16(20)?,
            input.u8(22)?,
        );
        // Reads past the declared area must be refused, not performed.
        assert!(input.u64(1 << 20).is_err());
        assert!(input.u8(usize::MAX).is_err());
        Ok(Wide)
    }
}

/// `inductive Shape | point | circle (r : Nat) | tagged (s : String) (w : UInt64)
/// | pair (a : Option Shape) (b : Array String) (flag : Bool)`.
struct Shape;

impl<'lean> LeanInductive<'lean> for Shape {
    fn layout(tag: u8) -> Option<(usize, usize)> {
        match tag {
            0 => Some((0, 0)),
            1 => Some((1, 0)),
            2 => Some((1, 8)),
            3 => Some((2, 1)),
            _ => None,
        }
    }
    fn tag(&self) -> u8 {
        0
    }
    fn write(self, _out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        Ok(())
    }
    fn read(tag: u8, input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        match tag {
            1 => {
                let _: BigUint = input.get(0)?;
            }
            2 => {
                let _: (String, u64) = (input.get(0)?, input.u64(0)?);
            }
            3 => {
                let _: Option<LeanVariant<Shape>> = input.get(0)?;
                let _: (Vec<String>, bool) = (input.get(1)?, input.bool(0)?);
            }
            _ => {}
        }
        Ok(Shape)
    }
}

/// A C function pointer for closures; closures are decoded, never applied.
extern "C" fn never_called() {}

/// Builds Lean objects from input bytes.
struct Builder<'a> {
    data: &'a [u8],
    pos: usize,
    built: usize,
    /// Every object built so far (one reference each), for sharing.
    pool: Vec<*mut lean_object>,
}

impl Builder<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }

    fn u64(&mut self) -> u64 {
        let mut word = [0u8; 8];
        for b in &mut word {
            *b = self.byte();
        }
        u64::from_le_bytes(word)
    }

    fn digits(&mut self) -> CString {
        let n = 1 + usize::from(self.byte() % 60);
        let text: String = (0..n)
            .map(|_| char::from(b'0' + self.byte() % 10))
            .collect();
        // Only ASCII digits: no interior NUL.
        CString::new(text).unwrap_or_default()
    }

    /// An owned object (one reference the caller owns).
    fn build(&mut self, depth: usize) -> *mut lean_object {
        self.built += 1;
        if depth >= MAX_DEPTH || self.built > MAX_OBJECTS || self.pos >= self.data.len() {
            return sys::lean_box(usize::from(self.byte() % 4));
        }
        let obj = self.build_kind(depth);
        // SAFETY: `obj` is a live object or scalar; the pool takes a reference of its own.
        unsafe { sys::lean_inc(obj) };
        self.pool.push(obj);
        obj
    }

    #[allow(clippy::too_many_lines, clippy::cast_possible_truncation)]
    fn build_kind(&mut self, depth: usize) -> *mut lean_object {
        match self.byte() % 16 {
            0 => sys::lean_box(usize::from(self.byte())),
            // Any boxable value, up to the largest small Nat.
            1 => sys::lean_box((self.u64() as usize) >> 1),
            2 => {
                let n = usize::from(self.byte() % 48);
                let text = String::from_utf8_lossy(&self.bytes(n)).into_owned();
                // SAFETY: `text` is valid UTF-8 of `text.len()` bytes.
                unsafe { sys::lean_mk_string_from_bytes(text.as_ptr().cast(), text.len()) }
            }
            3 => {
                // A string object holding arbitrary bytes (possibly not UTF-8, possibly
                // with interior NULs): the decoder must validate, never trust.
                let n = usize::from(self.byte() % 32);
                let raw = self.bytes(n);
                // SAFETY: `raw` has `n` readable bytes; the runtime copies them and adds the
                // terminator.
                unsafe { sys::lean_mk_string_unchecked(raw.as_ptr().cast(), n, n) }
            }
            4..=6 => {
                let tag_byte = self.byte();
                // Mostly small tags (real inductives), sometimes up to Lean's largest.
                let tag = if tag_byte < 200 {
                    u32::from(tag_byte % 24)
                } else {
                    u32::from(tag_byte.min(sys::LeanMaxCtorTag))
                };
                let wide = self.byte();
                let num_objs = if wide == 255 {
                    u32::from(self.byte())
                } else {
                    u32::from(wide % 4)
                };
                let scalar_sz = u32::from(self.byte() % 33);
                let fields: Vec<_> = (0..num_objs).map(|_| self.build(depth + 1)).collect();
                let scalars = self.bytes(scalar_sz as usize);
                // SAFETY: tag ≤ LeanMaxCtorTag, num_objs < 256, scalar_sz < 1024 (Lean's
                // limits); every object field is set and the scalar area is filled in full
                // before the object is used.
                unsafe {
                    let ctor = sys::lean_alloc_ctor(tag, num_objs, scalar_sz);
                    for (i, field) in fields.into_iter().enumerate() {
                        sys::lean_ctor_set(ctor, i as u32, field);
                    }
                    let area = sys::lean_ctor_scalar_cptr(ctor);
                    std::ptr::copy_nonoverlapping(scalars.as_ptr(), area, scalars.len());
                    ctor
                }
            }
            7 | 8 => {
                let n = usize::from(self.byte() % 6);
                // SAFETY: an empty array, then owned elements pushed into the owned array.
                unsafe {
                    let mut array = sys::lean_mk_empty_array();
                    for _ in 0..n {
                        let item = self.build(depth + 1);
                        array = sys::lean_array_push(array, item);
                    }
                    array
                }
            }
            9 => {
                // A scalar array of 1-, 2-, 4- or 8-byte elements (`ByteArray` and
                // relatives).
                let elem = 1u32 << (self.byte() % 4);
                let n = usize::from(self.byte() % 24);
                let raw = self.bytes(n * elem as usize);
                // SAFETY: `n` elements of `elem` bytes allocated, all written.
                unsafe {
                    let array = sys::lean_alloc_sarray(elem, n, n);
                    std::ptr::copy_nonoverlapping(
                        raw.as_ptr(),
                        sys::lean_sarray_cptr(array),
                        raw.len(),
                    );
                    array
                }
            }
            10 => {
                if self.byte().is_multiple_of(2) {
                    // SAFETY: plain constructor function.
                    unsafe { sys::lean_uint64_to_nat(self.u64()) }
                } else {
                    let digits = self.digits();
                    // SAFETY: a NUL-terminated string of decimal digits.
                    unsafe { sys::lean_cstr_to_nat(digits.as_ptr()) }
                }
            }
            11 => {
                if self.byte().is_multiple_of(2) {
                    #[allow(clippy::cast_possible_wrap)]
                    let n = self.u64() as i64;
                    // SAFETY: plain constructor function.
                    unsafe { sys::lean_int64_to_int(n) }
                } else {
                    let sign = if self.byte().is_multiple_of(2) {
                        "-"
                    } else {
                        ""
                    };
                    let digits = self.digits();
                    let text = CString::new(format!("{sign}{}", digits.to_string_lossy()))
                        .unwrap_or_default();
                    // SAFETY: a NUL-terminated, optionally signed decimal string.
                    unsafe { sys::lean_cstr_to_int(text.as_ptr()) }
                }
            }
            12 => {
                let arity = 1 + u32::from(self.byte() % 4);
                let fixed = u32::from(self.byte()) % arity;
                let args: Vec<_> = (0..fixed).map(|_| self.build(depth + 1)).collect();
                // SAFETY: arity > 0 and fixed < arity; every fixed argument is set. The
                // function pointer is never called (nothing here applies closures).
                unsafe {
                    let closure =
                        sys::lean_alloc_closure(never_called as *mut c_void, arity, fixed);
                    for (i, arg) in args.into_iter().enumerate() {
                        sys::lean_closure_set(closure, i as u32, arg);
                    }
                    closure
                }
            }
            13 => {
                // A real `IO.Error` from the runtime's errno decoder or `userError`.
                let name = self.byte();
                let file = format!("file{name}");
                // SAFETY: `file` is valid UTF-8; `fname` is borrowed by the decoder and
                // released after; the results are owned.
                unsafe {
                    let fname = sys::lean_mk_string_from_bytes(file.as_ptr().cast(), file.len());
                    let err = if name.is_multiple_of(8) {
                        sys::lean_mk_io_user_error(fname)
                    } else {
                        let err = sys::lean_decode_io_error(i32::from(self.byte() % 134), fname);
                        sys::lean_dec(fname);
                        err
                    };
                    if self.byte().is_multiple_of(2) {
                        sys::lean_io_result_mk_error(err)
                    } else {
                        err
                    }
                }
            }
            14 => {
                let value = self.build(depth + 1);
                // SAFETY: both take an owned object and return an owned result.
                unsafe {
                    if self.byte().is_multiple_of(2) {
                        sys::lean_io_result_mk_ok(value)
                    } else {
                        sys::lean_io_result_mk_error(value)
                    }
                }
            }
            _ => {
                // Share an earlier object (a DAG, and non-exclusive references).
                let index = usize::from(self.byte());
                match self.pool.get(index % self.pool.len().max(1)) {
                    Some(&shared) => {
                        // SAFETY: the pool holds a reference, so `shared` is alive.
                        unsafe { sys::lean_inc(shared) };
                        shared
                    }
                    None => sys::lean_box(index),
                }
            }
        }
    }
}

impl Drop for Builder<'_> {
    fn drop(&mut self) {
        for obj in self.pool.drain(..) {
            // SAFETY: the pool's own reference.
            unsafe { sys::lean_dec(obj) };
        }
    }
}

/// Decodes `obj` (borrowed) as `T`, through the same entry point typed calls use.
fn decode<T: TryFromLean<'static, CRepr = *mut lean_object>>(
    obj: *mut lean_object,
    runtime: &'static LeanRuntime,
) {
    // SAFETY: `obj` is alive (the caller holds a reference); the decoder consumes the
    // reference taken here.
    let result = unsafe {
        sys::lean_inc(obj);
        T::try_from_c(obj, runtime)
    };
    if let Err(e) = result {
        // A raised `IO.Error` may carry an empty message (`userError ""`); a decoding
        // failure always says what was wrong.
        assert!(matches!(e, LeanError::LeanException(_)) || !e.message().is_empty());
    }
}

/// Decodes `obj` (borrowed) as an `IO T` result.
fn decode_io<T: TryFromLean<'static>>(obj: *mut lean_object, runtime: &'static LeanRuntime) {
    // SAFETY: as in `decode`.
    let result = unsafe {
        sys::lean_inc(obj);
        LeanIo::<T>::decode_c(obj, runtime)
    };
    if let Err(e) = result {
        // A raised `IO.Error` may carry an empty message (`userError ""`); a decoding
        // failure always says what was wrong.
        assert!(matches!(e, LeanError::LeanException(_)) || !e.message().is_empty());
    }
}

fn decode_all(obj: *mut lean_object, runtime: &'static LeanRuntime) {
    decode::<()>(obj, runtime);
    decode::<String>(obj, runtime);
    decode::<Vec<u8>>(obj, runtime);
    decode::<LeanByteArray>(obj, runtime);
    decode::<Vec<LeanByteArray>>(obj, runtime);
    decode::<BigUint>(obj, runtime);
    decode::<BigInt>(obj, runtime);
    decode::<LeanNat<u8>>(obj, runtime);
    decode::<LeanNat<u32>>(obj, runtime);
    decode::<LeanNat<u64>>(obj, runtime);
    decode::<LeanNat<usize>>(obj, runtime);
    decode::<LeanInt<i8>>(obj, runtime);
    decode::<LeanInt<i64>>(obj, runtime);
    decode::<Option<bool>>(obj, runtime);
    decode::<Option<u8>>(obj, runtime);
    decode::<Option<u16>>(obj, runtime);
    decode::<Option<u32>>(obj, runtime);
    decode::<Option<u64>>(obj, runtime);
    decode::<Option<usize>>(obj, runtime);
    decode::<Option<i64>>(obj, runtime);
    decode::<Option<f64>>(obj, runtime);
    decode::<Option<f32>>(obj, runtime);
    decode::<Option<char>>(obj, runtime);
    decode::<Option<String>>(obj, runtime);
    decode::<Vec<u64>>(obj, runtime);
    decode::<Vec<bool>>(obj, runtime);
    decode::<Vec<char>>(obj, runtime);
    decode::<Vec<String>>(obj, runtime);
    decode::<Vec<Vec<u8>>>(obj, runtime);
    decode::<Vec<Option<(u32, String)>>>(obj, runtime);
    decode::<Result<String, u32>>(obj, runtime);
    decode::<Result<Vec<u16>, Option<String>>>(obj, runtime);
    decode::<(String, u64)>(obj, runtime);
    decode::<(u8, (f64, Vec<u8>), BigUint)>(obj, runtime);
    decode::<LeanStruct<Sample>>(obj, runtime);
    decode::<LeanStruct<Wide>>(obj, runtime);
    decode::<Vec<LeanStruct<Sample>>>(obj, runtime);
    decode::<LeanVariant<Shape>>(obj, runtime);
    decode::<Vec<LeanVariant<Shape>>>(obj, runtime);
    decode_io::<()>(obj, runtime);
    decode_io::<String>(obj, runtime);
    decode_io::<u32>(obj, runtime);
    decode_io::<Vec<Option<String>>>(obj, runtime);
}

/// The process's runtime (`init` starts it once and is a cheap check after).
fn runtime() -> &'static LeanRuntime {
    match LeanRuntime::init() {
        Ok(runtime) => runtime,
        // Without a runtime no input can run: stop the fuzzer with the reason.
        Err(e) => panic!("the Lean runtime did not start: {e}"),
    }
}

// The runtime starts in libFuzzer's initialization hook, before libFuzzer installs its
// signal handlers: Lean's own SIGSEGV handler would otherwise replace them, and a crash
// would kill the process without a reproducer in fuzz/artifacts/.
libfuzzer_sys::fuzz_target!(init: { runtime(); }, |data: &[u8]| {
    let runtime = runtime();
    let mut builder = Builder {
        data,
        pos: 0,
        built: 0,
        pool: Vec::new(),
    };
    let root = builder.build(0);
    decode_all(root, runtime);
    // One sub-object too (the middle one built), as every type; the containers among the
    // target types already decode the others as their element types.
    if let Some(&inner) = builder.pool.get(builder.pool.len() / 2) {
        decode_all(inner, runtime);
    }
    // SAFETY: the root's own reference (the pool holds its own).
    unsafe { sys::lean_dec(root) };
});
