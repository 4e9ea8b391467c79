//! User `structure`s (single-constructor types) with object and scalar fields, without a
//! derive macro.
//!
//! Lean stores a constructor's boxed fields first, in declaration order, then its unboxed
//! scalar fields packed by size: `USize` fields, then 8-byte (`UInt64`, `Float`), 4-byte,
//! 2-byte and 1-byte (`Bool`, `UInt8`, enum) fields, each group in declaration order. A
//! type describes that layout once by implementing [`LeanStructure`]; wrapping a value in
//! [`LeanStruct`] then makes it usable anywhere a convertible type is.
//!
//! ```
//! use lean_rs::LeanResult;
//! use lean_rs::abi::{LeanCtorReader, LeanCtorWriter, LeanStructure};
//!
//! // structure Sample where
//! //   label : String      -- object field 0
//! //   weight : Float      -- scalar bytes 0..8
//! //   flag : Bool         -- scalar byte 8
//! struct Sample { label: String, weight: f64, flag: bool }
//!
//! impl<'lean> LeanStructure<'lean> for Sample {
//!     const OBJECT_FIELDS: usize = 1;
//!     const SCALAR_BYTES: usize = 9;
//!     fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
//!         out.set(0, self.label)?;
//!         out.set_f64(0, self.weight)?;
//!         out.set_bool(8, self.flag)
//!     }
//!     fn read(input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
//!         Ok(Sample { label: input.get(0)?, weight: input.f64(0)?, flag: input.bool(8)? })
//!     }
//! }
//! ```

#![allow(unsafe_code)]

use lean_rs_sys as sys;

use super::traits::{IntoLean, LeanArrayElement, TryFromLean, object_abi, object_c_methods};
use crate::error::{LeanError, LeanResult};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::{CtorView, Obj, ObjRef};

/// Describes how a Rust type maps onto a single-constructor Lean type.
pub trait LeanStructure<'lean>: Sized {
    /// Constructor index (0 for a `structure`).
    const TAG: u8 = 0;
    /// Number of boxed (object) fields.
    const OBJECT_FIELDS: usize;
    /// Size in bytes of the scalar area (sum of the unboxed fields' sizes).
    const SCALAR_BYTES: usize;

    /// Stores every field into a freshly allocated constructor.
    fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()>;

    /// Reads every field from a constructor already checked against the declared shape.
    fn read(input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self>;
}

/// Adapter that gives any [`LeanStructure`] the conversion traits.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LeanStruct<T>(pub T);

/// Write access to a constructor under construction.
///
/// Object fields start as `()` and the scalar area starts zeroed, so an unset field is
/// never uninitialized memory.
pub struct LeanCtorWriter<'lean> {
    ctor: Obj<'lean>,
    num_objs: usize,
    scalar_bytes: usize,
}

/// Read access to a constructor whose shape matched the declared layout.
pub struct LeanCtorReader<'lean, 'a> {
    ctor: CtorView<'lean, 'a>,
}

impl<'lean> LeanCtorWriter<'lean> {
    fn new(
        runtime: &'lean LeanRuntime,
        tag: u8,
        num_objs: usize,
        scalar_bytes: usize,
    ) -> LeanResult<Self> {
        if tag > sys::LeanMaxCtorTag || num_objs >= 256 || scalar_bytes >= 1024 {
            return Err(LeanError::conversion(format!(
                "structure layout out of Lean's limits (tag {tag}, {num_objs} fields, {scalar_bytes} scalar bytes)"
            )));
        }
        // SAFETY: limits checked above. Every object slot is initialized to a boxed unit and
        // the scalar area is zeroed before the constructor is visible to anyone.
        unsafe {
            #[allow(clippy::cast_possible_truncation)]
            let raw = sys::lean_alloc_ctor(u32::from(tag), num_objs as u32, scalar_bytes as u32);
            for i in 0..num_objs {
                #[allow(clippy::cast_possible_truncation)]
                sys::lean_ctor_set(raw, i as u32, sys::lean_box(0));
            }
            std::ptr::write_bytes(sys::lean_ctor_scalar_cptr(raw), 0, scalar_bytes);
            Ok(Self {
                ctor: Obj::from_owned_raw(runtime, raw),
                num_objs,
                scalar_bytes,
            })
        }
    }

    /// The runtime the value is built in.
    pub fn runtime(&self) -> &'lean LeanRuntime {
        self.ctor.runtime()
    }

    /// Stores `value` (boxed) as object field `index`.
    pub fn set<T: IntoLean<'lean>>(&mut self, index: usize, value: T) -> LeanResult<()> {
        if index >= self.num_objs {
            return Err(LeanError::conversion(format!(
                "object field {index} out of range ({} fields)",
                self.num_objs
            )));
        }
        let value = value.into_lean(self.runtime())?;
        // SAFETY: `index < num_objs` of a constructor this writer exclusively owns; the old
        // field (an owned reference) is released and replaced by an owned reference.
        unsafe {
            #[allow(clippy::cast_possible_truncation)]
            let slot = index as u32;
            sys::lean_dec(sys::lean_ctor_get(self.ctor.as_raw(), slot));
            sys::lean_ctor_set(self.ctor.as_raw(), slot, value.into_raw());
        }
        Ok(())
    }

    fn scalar_slot(&self, offset: usize, size: usize) -> LeanResult<*mut u8> {
        if offset
            .checked_add(size)
            .is_none_or(|end| end > self.scalar_bytes)
        {
            return Err(LeanError::conversion(format!(
                "scalar field at {offset} (+{size}) outside the {}-byte scalar area",
                self.scalar_bytes
            )));
        }
        // SAFETY: in bounds of the scalar area allocated by `new`.
        Ok(unsafe { sys::lean_ctor_scalar_cptr(self.ctor.as_raw()).add(offset) })
    }

    fn put<const N: usize>(&mut self, offset: usize, bytes: [u8; N]) -> LeanResult<()> {
        let slot = self.scalar_slot(offset, N)?;
        // SAFETY: `N` bytes at `slot` are inside the scalar area (checked above).
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), slot, N) };
        Ok(())
    }

    /// Stores a `UInt8` (or enum tag) at scalar `offset`.
    pub fn set_u8(&mut self, offset: usize, value: u8) -> LeanResult<()> {
        self.put(offset, value.to_ne_bytes())
    }
    /// Stores a `Bool` at scalar `offset`.
    pub fn set_bool(&mut self, offset: usize, value: bool) -> LeanResult<()> {
        self.put(offset, [u8::from(value)])
    }
    /// Stores a `UInt16` at scalar `offset`.
    pub fn set_u16(&mut self, offset: usize, value: u16) -> LeanResult<()> {
        self.put(offset, value.to_ne_bytes())
    }
    /// Stores a `UInt32` (or `Char`) at scalar `offset`.
    pub fn set_u32(&mut self, offset: usize, value: u32) -> LeanResult<()> {
        self.put(offset, value.to_ne_bytes())
    }
    /// Stores a `UInt64` at scalar `offset`.
    pub fn set_u64(&mut self, offset: usize, value: u64) -> LeanResult<()> {
        self.put(offset, value.to_ne_bytes())
    }
    /// Stores a `USize` at scalar `offset`.
    pub fn set_usize(&mut self, offset: usize, value: usize) -> LeanResult<()> {
        self.put(offset, value.to_ne_bytes())
    }
    /// Stores a `Float` at scalar `offset`.
    pub fn set_f64(&mut self, offset: usize, value: f64) -> LeanResult<()> {
        self.put(offset, value.to_ne_bytes())
    }
    /// Stores a `Float32` at scalar `offset`.
    pub fn set_f32(&mut self, offset: usize, value: f32) -> LeanResult<()> {
        self.put(offset, value.to_ne_bytes())
    }
}

impl<'lean> LeanCtorReader<'lean, '_> {
    /// Reads object field `index`.
    pub fn get<T: TryFromLean<'lean>>(&self, index: usize) -> LeanResult<T> {
        T::try_from_lean(self.ctor.field(index)?)
            .map_err(|e| LeanError::conversion(format!("field {index}: {}", e.message())))
    }
    /// Reads a `UInt8` (or enum tag) at scalar `offset`.
    pub fn u8(&self, offset: usize) -> LeanResult<u8> {
        self.ctor.u8(offset)
    }
    /// Reads a `Bool` at scalar `offset`, rejecting values other than 0 and 1.
    pub fn bool(&self, offset: usize) -> LeanResult<bool> {
        match self.ctor.u8(offset)? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(LeanError::conversion(format!(
                "Bool field at {offset} holds {v}"
            ))),
        }
    }
    /// Reads a `UInt16` at scalar `offset`.
    pub fn u16(&self, offset: usize) -> LeanResult<u16> {
        self.ctor.u16(offset)
    }
    /// Reads a `UInt32` at scalar `offset`.
    pub fn u32(&self, offset: usize) -> LeanResult<u32> {
        self.ctor.u32(offset)
    }
    /// Reads a `UInt64` at scalar `offset`.
    pub fn u64(&self, offset: usize) -> LeanResult<u64> {
        self.ctor.u64(offset)
    }
    /// Reads a `USize` at scalar `offset`.
    pub fn usize(&self, offset: usize) -> LeanResult<usize> {
        let v = self.ctor.u64(offset)?;
        usize::try_from(v).map_err(|_| LeanError::conversion("USize field out of range"))
    }
    /// Reads a `Float` at scalar `offset`.
    pub fn f64(&self, offset: usize) -> LeanResult<f64> {
        self.ctor.f64(offset)
    }
    /// Reads a `Float32` at scalar `offset`.
    pub fn f32(&self, offset: usize) -> LeanResult<f32> {
        self.ctor.f32(offset)
    }
}

object_abi!(impl[T] LeanStruct<T>);
impl<T> LeanArrayElement for LeanStruct<T> {}
impl<'lean, T: LeanStructure<'lean>> IntoLean<'lean> for LeanStruct<T> {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        let mut writer = LeanCtorWriter::new(runtime, T::TAG, T::OBJECT_FIELDS, T::SCALAR_BYTES)?;
        self.0.write(&mut writer)?;
        Ok(writer.ctor)
    }
    object_c_methods!(into);
}
impl<'lean, T: LeanStructure<'lean>> TryFromLean<'lean> for LeanStruct<T> {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        let ctor = obj.expect_ctor(u32::from(T::TAG), T::OBJECT_FIELDS, T::SCALAR_BYTES)?;
        T::read(&LeanCtorReader { ctor }).map(LeanStruct)
    }
    object_c_methods!(from);
}

/// Describes how a Rust type maps onto a Lean inductive type with several constructors, at
/// least one of which has fields (an inductive whose constructors are all nullary is a
/// `UInt8`-like enum in Lean's ABI, not an object).
///
/// Constructor tags are the declaration order (0, 1, …). A constructor without fields is
/// represented by Lean as the boxed tag, one with fields as a constructor object whose layout
/// follows the [`LeanStructure`] rules. Wrapping a value in [`LeanVariant`] makes it usable
/// anywhere a convertible type is.
///
/// ```
/// use lean_rs::LeanResult;
/// use lean_rs::abi::{LeanCtorReader, LeanCtorWriter, LeanInductive};
///
/// // inductive Shape where
/// //   | point                     -- tag 0, no fields
/// //   | circle (radius : Nat)     -- tag 1, one object field
/// enum Shape { Point, Circle(u64) }
///
/// impl<'lean> LeanInductive<'lean> for Shape {
///     fn layout(tag: u8) -> Option<(usize, usize)> {
///         match tag { 0 => Some((0, 0)), 1 => Some((1, 0)), _ => None }
///     }
///     fn tag(&self) -> u8 {
///         match self { Shape::Point => 0, Shape::Circle(_) => 1 }
///     }
///     fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
///         match self {
///             Shape::Point => Ok(()),
///             Shape::Circle(r) => out.set(0, lean_rs::LeanNat(r)),
///         }
///     }
///     fn read(tag: u8, input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
///         Ok(match tag {
///             0 => Shape::Point,
///             _ => Shape::Circle(input.get::<lean_rs::LeanNat<u64>>(0)?.0),
///         })
///     }
/// }
/// ```
pub trait LeanInductive<'lean>: Sized {
    /// `(object fields, scalar bytes)` of constructor `tag`, or `None` if there is none.
    fn layout(tag: u8) -> Option<(usize, usize)>;
    /// The constructor `self` is built with.
    fn tag(&self) -> u8;
    /// Stores the fields of `self`'s constructor (nothing for a constructor without fields).
    fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()>;
    /// Reads a value of constructor `tag`, whose shape already matched [`layout`](Self::layout).
    fn read(tag: u8, input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self>;
}

/// Adapter that gives any [`LeanInductive`] the conversion traits.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LeanVariant<T>(pub T);

object_abi!(impl[T] LeanVariant<T>);
impl<T> LeanArrayElement for LeanVariant<T> {}
impl<'lean, T: LeanInductive<'lean>> IntoLean<'lean> for LeanVariant<T> {
    fn into_lean(self, runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
        let tag = self.0.tag();
        let (objs, scalars) = T::layout(tag).ok_or_else(|| {
            LeanError::conversion(format!(
                "the value names constructor {tag}, which has no layout"
            ))
        })?;
        if objs == 0 && scalars == 0 {
            // Lean represents a constructor without fields by its boxed tag.
            let mut unused = LeanCtorWriter::new(runtime, tag, 0, 0)?;
            self.0.write(&mut unused)?;
            return Ok(Obj::boxed(runtime, usize::from(tag)));
        }
        let mut writer = LeanCtorWriter::new(runtime, tag, objs, scalars)?;
        self.0.write(&mut writer)?;
        Ok(writer.ctor)
    }
    object_c_methods!(into);
}
impl<'lean, T: LeanInductive<'lean>> TryFromLean<'lean> for LeanVariant<T> {
    fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
        let runtime = obj.runtime();
        if let Some(raw_tag) = obj.scalar() {
            let tag = u8::try_from(raw_tag)
                .ok()
                .filter(|t| T::layout(*t) == Some((0, 0)))
                .ok_or_else(|| {
                    LeanError::conversion(format!(
                        "boxed constructor tag {raw_tag} is not a constructor without fields"
                    ))
                })?;
            let empty = LeanCtorWriter::new(runtime, tag, 0, 0)?;
            let view = empty.ctor.borrow().expect_ctor(u32::from(tag), 0, 0)?;
            return T::read(tag, &LeanCtorReader { ctor: view }).map(LeanVariant);
        }
        let raw_tag = obj.tag();
        let tag = u8::try_from(raw_tag)
            .ok()
            .filter(|t| T::layout(*t).is_some())
            .ok_or_else(|| LeanError::conversion(format!("unknown constructor tag {raw_tag}")))?;
        let (objs, scalars) = T::layout(tag).unwrap_or((0, 0));
        let ctor = obj.expect_ctor(raw_tag, objs, scalars)?;
        T::read(tag, &LeanCtorReader { ctor }).map(LeanVariant)
    }
    object_c_methods!(from);
}
