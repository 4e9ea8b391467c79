//! Typed export calls inside the child: wire values → L1 arguments → a checked
//! `LeanModule::exported` lookup → the result back to a wire value.
//!
//! The C signature is chosen from the Lean-level types the parent sent, one C type per
//! argument; `exported` compares it with the capability manifest's recorded signature, so a
//! request that does not match the export is refused before anything is called. Calls are
//! monomorphized over the C types: any mix for up to two arguments; three or four arguments of
//! `UInt64`/`USize`/object types with a `UInt8`/`UInt64`/`USize`/object result; and for
//! streams the `(handle trampoline : USize)` prefix plus up to two arguments of any C type.

#![allow(unsafe_code)]
// The monomorphized leaves name their arguments after their type parameters.
#![allow(clippy::many_single_char_names)]

use lean_rs::{
    DecodeCallResult, IntoLean, LeanAbi, LeanError, LeanIo, LeanModule, LeanObject, LeanRuntime,
    TryFromLean,
};
use lean_rs_sys::lean_object;
use lean_toolchain::lake::CType;
use num_bigint::{BigInt, BigUint};

use crate::value::{LeanWorkerType, LeanWorkerValue};

/// Longest decimal text accepted for a `Nat`/`Int` argument.
const MAX_DECIMAL_DIGITS: usize = 1 << 20;

/// A failure to report to the parent: `(code, message)`.
pub(super) type CallFailure = (String, String);

fn invalid(message: impl Into<String>) -> CallFailure {
    ("lean_rs_worker.invalid_request".to_owned(), message.into())
}

pub(super) fn lean_failure(err: &LeanError) -> CallFailure {
    (err.code().as_str().to_owned(), err.message().to_owned())
}

/// The C-level class of a Lean type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CClass {
    U8,
    U16,
    U32,
    U64,
    USize,
    F64,
    F32,
    Obj,
}

fn class_of(ty: LeanWorkerType) -> CClass {
    match ty.c_type() {
        CType::U8 => CClass::U8,
        CType::U16 => CClass::U16,
        CType::U32 => CClass::U32,
        CType::U64 => CClass::U64,
        CType::Usize => CClass::USize,
        CType::F64 => CClass::F64,
        CType::F32 => CClass::F32,
        CType::Object => CClass::Obj,
    }
}

/// One argument in its C class.
enum CArg {
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    USize(usize),
    F64(f64),
    F32(f32),
    Obj(LeanObject<'static>),
}

impl CArg {
    fn class(&self) -> CClass {
        match self {
            Self::U8(_) => CClass::U8,
            Self::U16(_) => CClass::U16,
            Self::U32(_) => CClass::U32,
            Self::U64(_) => CClass::U64,
            Self::USize(_) => CClass::USize,
            Self::F64(_) => CClass::F64,
            Self::F32(_) => CClass::F32,
            Self::Obj(_) => CClass::Obj,
        }
    }
}

fn object<T>(value: T, runtime: &'static LeanRuntime) -> Result<CArg, CallFailure>
where
    T: IntoLean<'static> + LeanAbi<'static, CRepr = *mut lean_object>,
{
    let raw = value.into_c(runtime).map_err(|err| lean_failure(&err))?;
    // SAFETY: `into_c` of an object-represented type returns one owned reference to a valid
    // object of this runtime, which moves into the handle.
    Ok(CArg::Obj(unsafe {
        LeanObject::from_owned_raw(runtime, raw)
    }))
}

fn decimal(text: &str, signed: bool) -> Result<(), CallFailure> {
    let digits = if signed {
        text.strip_prefix('-').unwrap_or(text)
    } else {
        text
    };
    if digits.is_empty()
        || digits.len() > MAX_DECIMAL_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(invalid(format!(
            "not a decimal {}: {:.40}",
            if signed { "Int" } else { "Nat" },
            text
        )));
    }
    Ok(())
}

/// A checked decimal `Nat`.
fn nat(text: &str) -> Result<BigUint, CallFailure> {
    decimal(text, false)?;
    text.parse().map_err(|_| invalid("bad Nat"))
}

fn to_carg(value: LeanWorkerValue, runtime: &'static LeanRuntime) -> Result<CArg, CallFailure> {
    Ok(match value {
        LeanWorkerValue::Unit => object((), runtime)?,
        LeanWorkerValue::Bool(b) => CArg::U8(u8::from(b)),
        LeanWorkerValue::U8(n) => CArg::U8(n),
        LeanWorkerValue::U16(n) => CArg::U16(n),
        LeanWorkerValue::U32(n) => CArg::U32(n),
        LeanWorkerValue::U64(n) => CArg::U64(n),
        LeanWorkerValue::USize(n) => {
            CArg::USize(usize::try_from(n).map_err(|_| invalid(format!("USize {n} does not fit")))?)
        }
        LeanWorkerValue::F64(x) => CArg::F64(x),
        LeanWorkerValue::String(s) => object(s, runtime)?,
        LeanWorkerValue::Nat(text) => object(nat(&text)?, runtime)?,
        LeanWorkerValue::Int(text) => {
            decimal(&text, true)?;
            let n: BigInt = text.parse().map_err(|_| invalid("bad Int"))?;
            object(n, runtime)?
        }
        LeanWorkerValue::Bytes(bytes) => object(lean_rs::abi::LeanByteArray(bytes), runtime)?,
        LeanWorkerValue::F32(x) => CArg::F32(x),
        // A `char` is a Unicode scalar value already (serde checked it), as Lean's `Char` is.
        LeanWorkerValue::Char(c) => CArg::U32(u32::from(c)),
        LeanWorkerValue::StringArray(items) => object(items, runtime)?,
        LeanWorkerValue::NatArray(items) => {
            let items = items
                .iter()
                .map(|text| nat(text))
                .collect::<Result<Vec<_>, _>>()?;
            object(items, runtime)?
        }
        LeanWorkerValue::U64Array(items) => object(items, runtime)?,
        LeanWorkerValue::OptionNat(value) => {
            object(value.as_deref().map(nat).transpose()?, runtime)?
        }
    })
}

/// An argument type of a monomorphized call.
trait Arg: IntoLean<'static> + Sized {
    fn take(arg: Option<CArg>) -> Result<Self, CallFailure>;
}

macro_rules! arg_impl {
    ($($ty:ty => $variant:ident),*) => {$(
        impl Arg for $ty {
            fn take(arg: Option<CArg>) -> Result<Self, CallFailure> {
                match arg {
                    Some(CArg::$variant(value)) => Ok(value),
                    _ => Err(invalid("internal: argument class mismatch")),
                }
            }
        }
    )*};
}
arg_impl!(u8 => U8, u16 => U16, u32 => U32, u64 => U64, usize => USize, f64 => F64, f32 => F32, LeanObject<'static> => Obj);

/// What the caller expects back.
#[derive(Clone, Copy)]
pub(super) struct Expect {
    pub ty: LeanWorkerType,
    pub io: bool,
}

/// A result type of a monomorphized call.
trait Ret: DecodeCallResult<'static, Output = Self> + Sized {
    fn to_wire(
        self,
        expect: Expect,
        runtime: &'static LeanRuntime,
    ) -> Result<LeanWorkerValue, CallFailure>;
}

fn scalar_mismatch(expect: Expect) -> CallFailure {
    invalid(format!(
        "internal: no scalar decoding for {}",
        expect.ty.lean_name()
    ))
}

impl Ret for u8 {
    fn to_wire(
        self,
        expect: Expect,
        _: &'static LeanRuntime,
    ) -> Result<LeanWorkerValue, CallFailure> {
        match expect.ty {
            LeanWorkerType::U8 => Ok(LeanWorkerValue::U8(self)),
            LeanWorkerType::Bool if self <= 1 => Ok(LeanWorkerValue::Bool(self == 1)),
            LeanWorkerType::Bool => Err(invalid(format!("Bool result byte {self}"))),
            _ => Err(scalar_mismatch(expect)),
        }
    }
}

macro_rules! ret_scalar {
    ($($ty:ty => $wire:ident => $variant:ident),*) => {$(
        impl Ret for $ty {
            fn to_wire(self, expect: Expect, _: &'static LeanRuntime) -> Result<LeanWorkerValue, CallFailure> {
                match expect.ty {
                    LeanWorkerType::$wire => Ok(LeanWorkerValue::$variant(self.into())),
                    _ => Err(scalar_mismatch(expect)),
                }
            }
        }
    )*};
}
ret_scalar!(u16 => U16 => U16, u64 => U64 => U64, f64 => F64 => F64, f32 => F32 => F32);

impl Ret for u32 {
    fn to_wire(
        self,
        expect: Expect,
        _: &'static LeanRuntime,
    ) -> Result<LeanWorkerValue, CallFailure> {
        match expect.ty {
            LeanWorkerType::U32 => Ok(LeanWorkerValue::U32(self)),
            LeanWorkerType::Char => char::from_u32(self)
                .map(LeanWorkerValue::Char)
                .ok_or_else(|| invalid(format!("Char result {self:#x} is not a scalar value"))),
            _ => Err(scalar_mismatch(expect)),
        }
    }
}

impl Ret for usize {
    fn to_wire(
        self,
        expect: Expect,
        _: &'static LeanRuntime,
    ) -> Result<LeanWorkerValue, CallFailure> {
        match expect.ty {
            // usize is at most 64 bits on every supported target.
            LeanWorkerType::USize => Ok(LeanWorkerValue::USize(self as u64)),
            _ => Err(scalar_mismatch(expect)),
        }
    }
}

/// Decodes an owned `IO T` result object as `T`.
fn decode_io<T: TryFromLean<'static>>(
    obj: LeanObject<'static>,
    runtime: &'static LeanRuntime,
) -> Result<T, CallFailure> {
    let raw = obj.into_owned_raw();
    // SAFETY: `raw` is the owned result of an export whose C result type is `lean_object*`
    // and whose Lean type the caller declared `IO T`; ownership moves into the decoder, which
    // checks the IO result's and the value's shapes.
    unsafe { LeanIo::<T>::decode_c(raw, runtime) }.map_err(|err| lean_failure(&err))
}

/// Decodes an owned object result as `T` (`IO T` when `io`).
fn decode_object<T>(
    obj: LeanObject<'static>,
    io: bool,
    runtime: &'static LeanRuntime,
) -> Result<T, CallFailure>
where
    T: TryFromLean<'static> + LeanAbi<'static, CRepr = *mut lean_object>,
{
    if io {
        return decode_io(obj, runtime);
    }
    let raw = obj.into_owned_raw();
    // SAFETY: `raw` is the owned object result of the export; `try_from_c` takes the reference
    // and checks the object's shape for every type used here.
    unsafe { T::try_from_c(raw, runtime) }.map_err(|err| lean_failure(&err))
}

impl Ret for LeanObject<'static> {
    fn to_wire(
        self,
        expect: Expect,
        runtime: &'static LeanRuntime,
    ) -> Result<LeanWorkerValue, CallFailure> {
        let io = expect.io;
        Ok(match expect.ty {
            LeanWorkerType::Unit => {
                decode_object::<()>(self, io, runtime)?;
                LeanWorkerValue::Unit
            }
            LeanWorkerType::String => LeanWorkerValue::String(decode_object(self, io, runtime)?),
            LeanWorkerType::Nat => {
                LeanWorkerValue::Nat(decode_object::<BigUint>(self, io, runtime)?.to_string())
            }
            LeanWorkerType::Int => {
                LeanWorkerValue::Int(decode_object::<BigInt>(self, io, runtime)?.to_string())
            }
            LeanWorkerType::Bytes => LeanWorkerValue::Bytes(
                decode_object::<lean_rs::abi::LeanByteArray>(self, io, runtime)?.0,
            ),
            // `IO scalar`: the action's value is boxed inside the IO result.
            LeanWorkerType::Bool if io => LeanWorkerValue::Bool(decode_io(self, runtime)?),
            LeanWorkerType::U8 if io => LeanWorkerValue::U8(decode_io(self, runtime)?),
            LeanWorkerType::U16 if io => LeanWorkerValue::U16(decode_io(self, runtime)?),
            LeanWorkerType::U32 if io => LeanWorkerValue::U32(decode_io(self, runtime)?),
            LeanWorkerType::U64 if io => LeanWorkerValue::U64(decode_io(self, runtime)?),
            LeanWorkerType::USize if io => {
                LeanWorkerValue::USize(decode_io::<usize>(self, runtime)? as u64)
            }
            LeanWorkerType::F64 if io => LeanWorkerValue::F64(decode_io(self, runtime)?),
            LeanWorkerType::F32 if io => LeanWorkerValue::F32(decode_io(self, runtime)?),
            LeanWorkerType::Char if io => LeanWorkerValue::Char(decode_io(self, runtime)?),
            LeanWorkerType::StringArray => {
                LeanWorkerValue::StringArray(decode_object(self, io, runtime)?)
            }
            LeanWorkerType::NatArray => LeanWorkerValue::NatArray(
                decode_object::<Vec<BigUint>>(self, io, runtime)?
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            LeanWorkerType::U64Array => {
                LeanWorkerValue::U64Array(decode_object(self, io, runtime)?)
            }
            LeanWorkerType::OptionNat => LeanWorkerValue::OptionNat(
                decode_object::<Option<BigUint>>(self, io, runtime)?.map(|n| n.to_string()),
            ),
            _ => return Err(scalar_mismatch(expect)),
        })
    }
}

macro_rules! with_class {
    ($class:expr, $T:ident, $body:expr) => {
        match $class {
            CClass::U8 => {
                type $T = u8;
                $body
            }
            CClass::U16 => {
                type $T = u16;
                $body
            }
            CClass::U32 => {
                type $T = u32;
                $body
            }
            CClass::U64 => {
                type $T = u64;
                $body
            }
            CClass::USize => {
                type $T = usize;
                $body
            }
            CClass::F64 => {
                type $T = f64;
                $body
            }
            CClass::F32 => {
                type $T = f32;
                $body
            }
            CClass::Obj => {
                type $T = LeanObject<'static>;
                $body
            }
        }
    };
}

/// [`with_class!`] over the classes wider calls support (`UInt64`, `USize`, objects; results
/// also `UInt8`); `$else` for the rest.
macro_rules! with_narrow {
    ($class:expr, $T:ident, $body:expr, $else:expr) => {
        match $class {
            CClass::U64 => {
                type $T = u64;
                $body
            }
            CClass::USize => {
                type $T = usize;
                $body
            }
            CClass::Obj => {
                type $T = LeanObject<'static>;
                $body
            }
            _ => $else,
        }
    };
}

macro_rules! with_narrow_ret {
    ($class:expr, $T:ident, $body:expr, $else:expr) => {
        match $class {
            CClass::U8 => {
                type $T = u8;
                $body
            }
            other => with_narrow!(other, $T, $body, $else),
        }
    };
}

struct Ctx<'m, 'cap> {
    module: &'m LeanModule<'static, 'cap>,
    export: &'m str,
    expect: Expect,
    runtime: &'static LeanRuntime,
}

fn leaf0<R: Ret>(ctx: &Ctx<'_, '_>) -> Result<LeanWorkerValue, CallFailure> {
    let f = ctx
        .module
        .exported::<(), R>(ctx.export)
        .map_err(|e| lean_failure(&e))?;
    f.call()
        .map_err(|e| lean_failure(&e))?
        .to_wire(ctx.expect, ctx.runtime)
}

fn leaf1<A: Arg, R: Ret>(
    ctx: &Ctx<'_, '_>,
    args: Vec<CArg>,
) -> Result<LeanWorkerValue, CallFailure> {
    let mut it = args.into_iter();
    let a = A::take(it.next())?;
    let f = ctx
        .module
        .exported::<(A,), R>(ctx.export)
        .map_err(|e| lean_failure(&e))?;
    f.call(a)
        .map_err(|e| lean_failure(&e))?
        .to_wire(ctx.expect, ctx.runtime)
}

fn leaf2<A: Arg, B: Arg, R: Ret>(
    ctx: &Ctx<'_, '_>,
    args: Vec<CArg>,
) -> Result<LeanWorkerValue, CallFailure> {
    let mut it = args.into_iter();
    let a = A::take(it.next())?;
    let b = B::take(it.next())?;
    let f = ctx
        .module
        .exported::<(A, B), R>(ctx.export)
        .map_err(|e| lean_failure(&e))?;
    f.call(a, b)
        .map_err(|e| lean_failure(&e))?
        .to_wire(ctx.expect, ctx.runtime)
}

fn leaf3<A: Arg, B: Arg, C: Arg, R: Ret>(
    ctx: &Ctx<'_, '_>,
    args: Vec<CArg>,
) -> Result<LeanWorkerValue, CallFailure> {
    let mut it = args.into_iter();
    let a = A::take(it.next())?;
    let b = B::take(it.next())?;
    let c = C::take(it.next())?;
    let f = ctx
        .module
        .exported::<(A, B, C), R>(ctx.export)
        .map_err(|e| lean_failure(&e))?;
    f.call(a, b, c)
        .map_err(|e| lean_failure(&e))?
        .to_wire(ctx.expect, ctx.runtime)
}

fn leaf4<A: Arg, B: Arg, C: Arg, D: Arg, R: Ret>(
    ctx: &Ctx<'_, '_>,
    args: Vec<CArg>,
) -> Result<LeanWorkerValue, CallFailure> {
    let mut it = args.into_iter();
    let a = A::take(it.next())?;
    let b = B::take(it.next())?;
    let c = C::take(it.next())?;
    let d = D::take(it.next())?;
    let f = ctx
        .module
        .exported::<(A, B, C, D), R>(ctx.export)
        .map_err(|e| lean_failure(&e))?;
    f.call(a, b, c, d)
        .map_err(|e| lean_failure(&e))?
        .to_wire(ctx.expect, ctx.runtime)
}

/// Calls of five to eight object-typed arguments (`String`, `Nat`, arrays, …): one leaf per
/// arity, every argument a `lean_object*`.
macro_rules! leaf_objects {
    ($($name:ident => $($arg:ident),+);+ $(;)?) => {$(
        fn $name<R: Ret>(ctx: &Ctx<'_, '_>, args: Vec<CArg>) -> Result<LeanWorkerValue, CallFailure> {
            type O = LeanObject<'static>;
            let mut it = args.into_iter();
            $(let $arg = O::take(it.next())?;)+
            let f = ctx
                .module
                .exported::<($(leaf_objects!(@o $arg),)+), R>(ctx.export)
                .map_err(|e| lean_failure(&e))?;
            f.call($($arg),+)
                .map_err(|e| lean_failure(&e))?
                .to_wire(ctx.expect, ctx.runtime)
        }
    )+};
    (@o $arg:ident) => { LeanObject<'static> };
}

/// Streams with three or four object-typed arguments after the callback pair.
macro_rules! leaf_streams {
    ($($name:ident => $($arg:ident),+);+ $(;)?) => {$(
        fn $name(ctx: &Ctx<'_, '_>, args: Vec<CArg>) -> Result<LeanWorkerValue, CallFailure> {
            type O = LeanObject<'static>;
            let mut it = args.into_iter();
            let handle = usize::take(it.next())?;
            let trampoline = usize::take(it.next())?;
            $(let $arg = O::take(it.next())?;)+
            let f = ctx
                .module
                .exported::<(usize, usize, $(leaf_objects!(@o $arg),)+), O>(ctx.export)
                .map_err(|e| lean_failure(&e))?;
            f.call(handle, trampoline, $($arg),+)
                .map_err(|e| lean_failure(&e))?
                .to_wire(ctx.expect, ctx.runtime)
        }
    )+};
}

leaf_streams! {
    stream3 => a, b, c;
    stream4 => a, b, c, d;
}

leaf_objects! {
    leaf5 => a, b, c, d, e;
    leaf6 => a, b, c, d, e, f6;
    leaf7 => a, b, c, d, e, f6, g;
    leaf8 => a, b, c, d, e, f6, g, h;
}

/// Checks `args` against `params` and converts them.
fn convert_args(
    params: &[LeanWorkerType],
    args: Vec<LeanWorkerValue>,
    runtime: &'static LeanRuntime,
) -> Result<Vec<CArg>, CallFailure> {
    if params.len() != args.len() {
        return Err(invalid(format!(
            "{} arguments for {} parameters",
            args.len(),
            params.len()
        )));
    }
    for (i, (param, arg)) in params.iter().zip(&args).enumerate() {
        if *param != arg.ty() {
            return Err(invalid(format!(
                "argument {i} is {} but the signature says {}",
                arg.ty().lean_name(),
                param.lean_name()
            )));
        }
    }
    args.into_iter().map(|arg| to_carg(arg, runtime)).collect()
}

fn result_class(expect: Expect) -> CClass {
    if expect.io {
        CClass::Obj
    } else {
        class_of(expect.ty)
    }
}

fn unsupported(classes: &[CClass], result: CClass) -> Result<LeanWorkerValue, CallFailure> {
    Err(invalid(format!(
        "unsupported call shape {classes:?} -> {result:?}: up to two arguments of any type, three or four of UInt64/USize/object types, or five to eight of object types, with a UInt8/UInt64/USize/object result for three or more"
    )))
}

/// Calls `export` with `args` typed by `params`, expecting `expect`.
pub(super) fn call(
    module: &LeanModule<'static, '_>,
    runtime: &'static LeanRuntime,
    export: &str,
    params: &[LeanWorkerType],
    expect: Expect,
    args: Vec<LeanWorkerValue>,
) -> Result<LeanWorkerValue, CallFailure> {
    let args = convert_args(params, args, runtime)?;
    let ctx = Ctx {
        module,
        export,
        expect,
        runtime,
    };
    let classes: Vec<CClass> = args.iter().map(CArg::class).collect();
    let r = result_class(expect);
    match classes.as_slice() {
        [] => with_class!(r, R, leaf0::<R>(&ctx)),
        [a] => with_class!(*a, A, with_class!(r, R, leaf1::<A, R>(&ctx, args))),
        [a, b] => with_class!(
            *a,
            A,
            with_class!(*b, B, with_class!(r, R, leaf2::<A, B, R>(&ctx, args)))
        ),
        [a, b, c] => with_narrow!(
            *a,
            A,
            with_narrow!(
                *b,
                B,
                with_narrow!(
                    *c,
                    C,
                    with_narrow_ret!(
                        r,
                        R,
                        leaf3::<A, B, C, R>(&ctx, args),
                        unsupported(&classes, r)
                    ),
                    unsupported(&classes, r)
                ),
                unsupported(&classes, r)
            ),
            unsupported(&classes, r)
        ),
        [a, b, c, d] => with_narrow!(
            *a,
            A,
            with_narrow!(
                *b,
                B,
                with_narrow!(
                    *c,
                    C,
                    with_narrow!(
                        *d,
                        D,
                        with_narrow_ret!(
                            r,
                            R,
                            leaf4::<A, B, C, D, R>(&ctx, args),
                            unsupported(&classes, r)
                        ),
                        unsupported(&classes, r)
                    ),
                    unsupported(&classes, r)
                ),
                unsupported(&classes, r)
            ),
            unsupported(&classes, r)
        ),
        objects
            if (5..=8).contains(&objects.len()) && objects.iter().all(|c| *c == CClass::Obj) =>
        {
            match objects.len() {
                5 => with_narrow_ret!(r, R, leaf5::<R>(&ctx, args), unsupported(&classes, r)),
                6 => with_narrow_ret!(r, R, leaf6::<R>(&ctx, args), unsupported(&classes, r)),
                7 => with_narrow_ret!(r, R, leaf7::<R>(&ctx, args), unsupported(&classes, r)),
                _ => with_narrow_ret!(r, R, leaf8::<R>(&ctx, args), unsupported(&classes, r)),
            }
        }
        _ => unsupported(&classes, r),
    }
}

/// Calls a streaming export `(handle trampoline : USize) args… : IO UInt8` and returns the
/// status byte.
pub(super) fn call_stream(
    module: &LeanModule<'static, '_>,
    runtime: &'static LeanRuntime,
    export: &str,
    abi: (usize, usize),
    params: &[LeanWorkerType],
    args: Vec<LeanWorkerValue>,
) -> Result<u8, CallFailure> {
    type U = usize;
    type O = LeanObject<'static>;
    let mut all = vec![CArg::USize(abi.0), CArg::USize(abi.1)];
    all.extend(convert_args(params, args, runtime)?);
    let expect = Expect {
        ty: LeanWorkerType::U8,
        io: true,
    };
    let ctx = Ctx {
        module,
        export,
        expect,
        runtime,
    };
    let classes: Vec<CClass> = all.iter().skip(2).map(CArg::class).collect();
    let value = match classes.as_slice() {
        [] => leaf2::<U, U, O>(&ctx, all),
        [a] => with_class!(*a, A, leaf3::<U, U, A, O>(&ctx, all)),
        [a, b] => with_class!(*a, A, with_class!(*b, B, leaf4::<U, U, A, B, O>(&ctx, all))),
        [CClass::Obj, CClass::Obj, CClass::Obj] => stream3(&ctx, all),
        [CClass::Obj, CClass::Obj, CClass::Obj, CClass::Obj] => stream4(&ctx, all),
        _ => Err(invalid(
            "a streaming export takes up to two arguments of any type after the callback pair, or three or four of object types",
        )),
    }?;
    match value {
        LeanWorkerValue::U8(status) => Ok(status),
        _ => Err(invalid("internal: stream status is not a UInt8")),
    }
}
