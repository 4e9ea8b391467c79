//! On an executor worker: opening capabilities, and calling an export whose signature is
//! known only at run time.
//!
//! The dynamic call relies on the platform C calling convention (x86-64 System V, `AArch64`
//! `AAPCS64`): integer-class arguments (every Lean integer scalar and `lean_object*`) and
//! `double` arguments travel in two independent register sequences, and surplus argument
//! registers are ignored by the callee. So one function-pointer type with six integer and
//! eight `double` parameters reaches any export whose signature fits in registers, after
//! the argument kinds were checked against the signature the capability manifest recorded
//! from the Lean compiler's C. Exports that do not fit (more than six integer-class or eight
//! `double` parameters, or `float`) are refused as unsupported.

#![allow(unsafe_code)] // raw calls through function pointers built from checked signatures

#[cfg(not(all(unix, any(target_arch = "x86_64", target_arch = "aarch64"))))]
compile_error!(
    "lean-rs-capi's dynamic call relies on the x86-64 System V or AArch64 calling convention"
);

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use lean_rs::{
    CType, IntoLean, LeanBuiltCapability, LeanCapability, LeanError, LeanExportKind, LeanIo,
    LeanLibrary, LeanModule, LeanObject, LeanResult, LeanRuntime, TryFromLean,
};
use lean_rs_sys::lean_object;
use num_bigint::{BigInt, BigUint};

use crate::core::{ArgValue, CapiError, CapiResult, ResultValue};
use crate::signature::check_signature;

const INT_REGS: usize = 6;
const FLOAT_REGS: usize = 8;

type Cap = &'static LeanCapability<'static>;
type Module = &'static LeanModule<'static, 'static>;

thread_local! {
    /// This worker's opened capabilities, by handle. Leaked on purpose: a capability's
    /// library must never be unloaded while Lean threads live.
    static CAPABILITIES: RefCell<HashMap<u64, (Cap, Module)>> = RefCell::new(HashMap::new());
    /// This worker's view of `libleanshared`'s `Lean` module (for `Json.parse`).
    static RUNTIME_MODULE: RefCell<Option<Module>> = const { RefCell::new(None) };
}

fn open(runtime: &'static LeanRuntime, manifest: &Path) -> LeanResult<(Cap, Module)> {
    let capability: Cap = Box::leak(Box::new(LeanCapability::from_build_manifest(
        runtime,
        LeanBuiltCapability::manifest_path(manifest),
    )?));
    let module: Module = Box::leak(Box::new(capability.module()?));
    Ok((capability, module))
}

/// Opens the capability (running its initializers if they have not run) and drops nothing.
pub(crate) fn preload(runtime: &'static LeanRuntime, manifest: &Path) -> LeanResult<()> {
    open(runtime, manifest).map(|_| ())
}

fn cached(
    runtime: &'static LeanRuntime,
    handle: u64,
    manifest: &Path,
) -> CapiResult<(Cap, Module)> {
    if let Some(found) = CAPABILITIES.with(|c| c.borrow().get(&handle).copied()) {
        return Ok(found);
    }
    let opened = open(runtime, manifest).map_err(|err| CapiError::from_lean(&err))?;
    CAPABILITIES.with(|c| c.borrow_mut().insert(handle, opened));
    Ok(opened)
}

/// Converted arguments: register values, plus the objects to release on failure.
#[derive(Default)]
struct Registers {
    ints: [u64; INT_REGS],
    n_ints: usize,
    floats: [f64; FLOAT_REGS],
    n_floats: usize,
    objects: Vec<(usize, *mut lean_object)>,
}

impl Registers {
    fn push_int(&mut self, v: u64) -> CapiResult<()> {
        if self.n_ints == INT_REGS {
            return Err(CapiError::new(
                crate::LEAN_RS_UNSUPPORTED,
                "more than six integer or object arguments do not fit the dynamic call path",
            ));
        }
        self.ints[self.n_ints] = v;
        self.n_ints += 1;
        Ok(())
    }

    fn push_float(&mut self, v: f64) -> CapiResult<()> {
        if self.n_floats == FLOAT_REGS {
            return Err(CapiError::new(
                crate::LEAN_RS_UNSUPPORTED,
                "more than eight Float arguments do not fit the dynamic call path",
            ));
        }
        self.floats[self.n_floats] = v;
        self.n_floats += 1;
        Ok(())
    }

    fn push_object(&mut self, index: usize, obj: *mut lean_object) -> CapiResult<()> {
        self.objects.push((index, obj));
        self.push_int(obj as u64)
    }

    /// Releases every converted object (after a failure before the call).
    fn release_all(&mut self) {
        for (_, obj) in self.objects.drain(..) {
            // SAFETY: each object was created by `into_c` on this worker and is still owned
            // by us (the call did not happen).
            unsafe { lean_rs_sys::lean_dec(obj) };
        }
    }
}

fn convert(runtime: &'static LeanRuntime, args: Vec<ArgValue>) -> CapiResult<Registers> {
    let mut regs = Registers::default();
    let lean = |err: LeanError| CapiError::from_lean(&err);
    for (i, arg) in args.into_iter().enumerate() {
        let pushed = match arg {
            ArgValue::Bool(b) => regs.push_int(u64::from(b)),
            ArgValue::U8(v) => regs.push_int(u64::from(v)),
            ArgValue::U16(v) => regs.push_int(u64::from(v)),
            ArgValue::U32(v) => regs.push_int(u64::from(v)),
            ArgValue::U64(v) => regs.push_int(v),
            ArgValue::Usize(v) => regs.push_int(v as u64),
            ArgValue::F64(v) => regs.push_float(v),
            ArgValue::Str(s) => s
                .into_c(runtime)
                .map_err(lean)
                .and_then(|o| regs.push_object(i, o)),
            ArgValue::Bytes(b) => lean_rs::abi::LeanByteArray(b)
                .into_c(runtime)
                .map_err(lean)
                .and_then(|o| regs.push_object(i, o)),
            ArgValue::Nat(n) => n
                .into_c(runtime)
                .map_err(lean)
                .and_then(|o| regs.push_object(i, o)),
            ArgValue::Int(n) => n
                .into_c(runtime)
                .map_err(lean)
                .and_then(|o| regs.push_object(i, o)),
        };
        if let Err(err) = pushed {
            regs.release_all();
            return Err(err);
        }
    }
    Ok(regs)
}

type IntReturning = unsafe extern "C" fn(
    u64,
    u64,
    u64,
    u64,
    u64,
    u64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
) -> u64;
type FloatReturning = unsafe extern "C" fn(
    u64,
    u64,
    u64,
    u64,
    u64,
    u64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
) -> f64;

enum Raw {
    Int(u64),
    Float(f64),
}

/// Calls `address` with the registers.
///
/// # Safety
/// `address` must be a function whose C signature was checked against the converted
/// arguments and `returns_float`, with every parameter in a register (see module docs).
unsafe fn raw_call(address: *mut libc::c_void, r: &Registers, returns_float: bool) -> Raw {
    let i = r.ints;
    let f = r.floats;
    if returns_float {
        // SAFETY: per the contract; surplus registers are ignored by the callee.
        let fun: FloatReturning = unsafe { std::mem::transmute(address) };
        // SAFETY: as above.
        Raw::Float(unsafe {
            fun(
                i[0], i[1], i[2], i[3], i[4], i[5], f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
            )
        })
    } else {
        // SAFETY: as above.
        let fun: IntReturning = unsafe { std::mem::transmute(address) };
        // SAFETY: as above.
        Raw::Int(unsafe {
            fun(
                i[0], i[1], i[2], i[3], i[4], i[5], f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
            )
        })
    }
}

/// Decodes an owned object result of base kind `base` (IO-wrapped when `io`).
///
/// # Safety
/// `raw` must be an owned object of the shape the checked signature promises.
unsafe fn decode_object(
    runtime: &'static LeanRuntime,
    raw: *mut lean_object,
    base: u32,
    io: bool,
) -> CapiResult<ResultValue> {
    let lean = |err: LeanError| CapiError::from_lean(&err);
    macro_rules! io {
        ($t:ty) => {
            // SAFETY: forwarded contract (an owned `IO` result object).
            unsafe { LeanIo::<$t>::decode_c(raw, runtime) }.map_err(lean)
        };
    }
    macro_rules! obj {
        ($t:ty) => {
            // SAFETY: forwarded contract (an owned object of type `$t`).
            unsafe { <$t as TryFromLean>::try_from_c(raw, runtime) }.map_err(lean)
        };
    }
    if io {
        return Ok(match base {
            crate::LEAN_RS_KIND_UNIT => {
                io!(())?;
                ResultValue::Unit
            }
            crate::LEAN_RS_KIND_BOOL => ResultValue::Bool(io!(bool)?),
            crate::LEAN_RS_KIND_U8 => ResultValue::U8(io!(u8)?),
            crate::LEAN_RS_KIND_U16 => ResultValue::U16(io!(u16)?),
            crate::LEAN_RS_KIND_U32 => ResultValue::U32(io!(u32)?),
            crate::LEAN_RS_KIND_U64 => ResultValue::U64(io!(u64)?),
            crate::LEAN_RS_KIND_USIZE => ResultValue::Usize(io!(usize)?),
            crate::LEAN_RS_KIND_F64 => ResultValue::F64(io!(f64)?),
            crate::LEAN_RS_KIND_STRING => ResultValue::Str(io!(String)?),
            crate::LEAN_RS_KIND_BYTES => ResultValue::Bytes(io!(lean_rs::abi::LeanByteArray)?.0),
            crate::LEAN_RS_KIND_NAT => ResultValue::Nat(io!(BigUint)?),
            crate::LEAN_RS_KIND_INT => ResultValue::Int(io!(BigInt)?),
            _ => return Err(unknown_kind(raw, base)),
        });
    }
    // Without `IO`, only object-represented kinds come back as objects (the signature check
    // sent scalar kinds down the scalar path).
    Ok(match base {
        crate::LEAN_RS_KIND_UNIT => {
            obj!(())?;
            ResultValue::Unit
        }
        crate::LEAN_RS_KIND_STRING => ResultValue::Str(obj!(String)?),
        crate::LEAN_RS_KIND_BYTES => ResultValue::Bytes(obj!(lean_rs::abi::LeanByteArray)?.0),
        crate::LEAN_RS_KIND_NAT => ResultValue::Nat(obj!(BigUint)?),
        crate::LEAN_RS_KIND_INT => ResultValue::Int(obj!(BigInt)?),
        _ => return Err(unknown_kind(raw, base)),
    })
}

/// Releases an unwanted owned result and reports the kind.
fn unknown_kind(raw: *mut lean_object, base: u32) -> CapiError {
    // SAFETY: `raw` is an owned object nobody else will release.
    unsafe { lean_rs_sys::lean_dec(raw) };
    CapiError::new(
        crate::LEAN_RS_INVALID_ARGUMENT,
        format!("result kind {base:#x} cannot be decoded from an object"),
    )
}

/// Runs one call on the current (executor) thread.
pub(crate) fn call(
    runtime: &'static LeanRuntime,
    handle: u64,
    manifest: &Path,
    symbol: &str,
    args: Vec<ArgValue>,
    kind: u32,
) -> CapiResult<ResultValue> {
    let (capability, module) = cached(runtime, handle, manifest)?;
    let signature = capability.export_signatures().get(symbol).ok_or_else(|| {
        CapiError::new(
            crate::LEAN_RS_SYMBOL_NOT_FOUND,
            format!(
                "{symbol} is not among the exports the capability manifest records ({manifest})",
                manifest = manifest.display()
            ),
        )
    })?;
    check_signature(symbol, signature, &args, kind)?;
    let base = kind & !crate::LEAN_RS_KIND_IO;
    let io = kind & crate::LEAN_RS_KIND_IO != 0;
    // SAFETY: the handle is used only for its address and kind (no typed call is made
    // through it); the signature was checked above against the manifest.
    let handle = unsafe { module.exported_unchecked::<(), LeanObject<'_>>(symbol) }
        .map_err(|err| CapiError::from_lean(&err))?;
    let address = handle.address();
    if handle.kind() == LeanExportKind::Global {
        return read_global(runtime, address, base, io, signature.returns);
    }
    if signature.params.contains(&CType::F32) || signature.returns == CType::F32 {
        return Err(CapiError::new(
            crate::LEAN_RS_UNSUPPORTED,
            format!("{symbol}: `float` parameters or results are not supported by the C ABI"),
        ));
    }
    let regs = convert(runtime, args)?;
    let borrowed: Vec<*mut lean_object> = regs
        .objects
        .iter()
        .filter(|(i, _)| signature.borrowed.contains(i))
        .map(|(_, o)| *o)
        .collect();
    // SAFETY: the address is the export's function; kinds match its recorded signature and
    // all parameters are in registers (`convert` refused the rest).
    let raw = unsafe { raw_call(address, &regs, signature.returns == CType::F64) };
    for obj in borrowed {
        // SAFETY: a borrowed parameter was not consumed by the callee; we still own it.
        unsafe { lean_rs_sys::lean_dec(obj) };
    }
    decode_raw(runtime, raw, signature.returns, base, io)
}

fn decode_raw(
    runtime: &'static LeanRuntime,
    raw: Raw,
    returns: CType,
    base: u32,
    io: bool,
) -> CapiResult<ResultValue> {
    // Truncations below keep exactly the bits the C return type defines.
    #[allow(clippy::cast_possible_truncation)]
    let value = match (raw, returns) {
        (Raw::Float(v), _) => ResultValue::F64(v),
        (Raw::Int(v), CType::U8) if base == crate::LEAN_RS_KIND_BOOL => {
            ResultValue::Bool(v & 0xff != 0)
        }
        (Raw::Int(v), CType::U8) => ResultValue::U8(v as u8),
        (Raw::Int(v), CType::U16) => ResultValue::U16(v as u16),
        (Raw::Int(v), CType::U32) => ResultValue::U32(v as u32),
        (Raw::Int(v), CType::U64) => ResultValue::U64(v),
        (Raw::Int(v), CType::Usize) => ResultValue::Usize(v as usize),
        (Raw::Int(v), _) => {
            let obj = v as usize as *mut lean_object;
            // SAFETY: the export returns an owned `lean_object*` of the checked shape.
            return unsafe { decode_object(runtime, obj, base, io) };
        }
    };
    Ok(value)
}

fn read_global(
    runtime: &'static LeanRuntime,
    address: *mut libc::c_void,
    base: u32,
    io: bool,
    returns: CType,
) -> CapiResult<ResultValue> {
    if returns != CType::Object {
        return Err(CapiError::new(
            crate::LEAN_RS_UNSUPPORTED,
            "scalar globals are not supported by the C ABI",
        ));
    }
    // SAFETY: a Lean object global is a `lean_object*` slot its module initializer filled;
    // the value is shared (persistent), so take a reference before decoding an owned one.
    let obj = unsafe {
        let obj = *address.cast::<*mut lean_object>();
        lean_rs_sys::lean_inc(obj);
        obj
    };
    // SAFETY: an owned reference to the global's value.
    unsafe { decode_object(runtime, obj, base, io) }
}

/// `Lean.Json.parse` (and `Json.compress` of the result) through libleanshared's compiled
/// code, on the current (executor) thread.
pub(crate) fn json_parse(runtime: &'static LeanRuntime, text: &str) -> CapiResult<String> {
    let module = if let Some(module) = RUNTIME_MODULE.with(|m| *m.borrow()) {
        module
    } else {
        let opened = open_runtime_module(runtime)?;
        RUNTIME_MODULE.with(|m| *m.borrow_mut() = Some(opened));
        opened
    };
    // SAFETY: 4.35.0 signatures read with objdump: `l_Lean_Json_parse` takes one owned
    // String and returns an owned `Except String Json` (ctor 0 error, 1 ok);
    // `l_Lean_Json_compress` takes an owned Json (pushed into its work queue) and returns
    // an owned String. The runtime's version is checked before either is looked up.
    let (parse, compress) = unsafe {
        (
            module
                .exported_unchecked::<(&str,), Result<LeanObject<'_>, String>>("l_Lean_Json_parse"),
            module.exported_unchecked::<(LeanObject<'_>,), String>("l_Lean_Json_compress"),
        )
    };
    let lean = |err: LeanError| CapiError::from_lean(&err);
    let (parse, compress) = (parse.map_err(lean)?, compress.map_err(lean)?);
    match parse.call(text).map_err(lean)? {
        Ok(json) => compress.call(json).map_err(lean),
        Err(message) => Err(CapiError::new(
            crate::LEAN_RS_LEAN_EXCEPTION,
            format!("Json.parse: {message}"),
        )),
    }
}

fn open_runtime_module(runtime: &'static LeanRuntime) -> CapiResult<Module> {
    if lean_rs_sys::LEAN_RESOLVED_VERSION != "4.35.0" {
        return Err(CapiError::new(
            crate::LEAN_RS_UNSUPPORTED,
            "lean_rs_json_parse is only available with Lean 4.35.0 (signatures checked there)",
        ));
    }
    let lean = |err: LeanError| CapiError::from_lean(&err);
    let sysroot = lean_rs_sys::LEAN_SYSROOT.unwrap_or("");
    let library: &'static LeanLibrary<'static> = Box::leak(Box::new(
        LeanLibrary::open_globally(runtime, format!("{sysroot}/lib/lean/libleanshared.so"))
            .map_err(lean)?,
    ));
    Ok(Box::leak(Box::new(
        library.initialize_module_unpackaged("Lean").map_err(lean)?,
    )))
}
