//! Typed handles to `@[export]`ed Lean functions and globals.
//!
//! [`LeanModule::exported`] resolves a symbol once; [`LeanExported::call`] then converts the
//! arguments to their C representations, calls through a function pointer of the exact
//! C signature the Lean compiler emits, and decodes the result. The argument tuple and the
//! result type are checked at compile time by the sealed ABI traits, and their C signature
//! (each type's [`LeanAbi::C_TYPE`]) is checked at lookup time against the signature the
//! Lean compiler produced for the export: a capability manifest's `exports`, or the table of
//! `libleanshared` exports ([`LIBLEANSHARED_EXPORTS`](super::LIBLEANSHARED_EXPORTS)). A
//! mismatch, or an export with no recorded signature, is a typed error and nothing is called.
//! [`LeanModule::exported_unchecked`] skips the check, under `unsafe`.
//!
//! A nullary Lean definition is compiled either to a function or, for closed terms, to a
//! global variable that the module initializer fills in. The symbol's type in the dynamic
//! symbol table tells them apart; a global is read (never called), and a global with
//! arguments requested is a symbol error.

#![allow(unsafe_code)]

use std::any::TypeId;
use std::ffi::c_void;
use std::marker::PhantomData;

use lean_rs_sys::lean_object;
use lean_toolchain::lake::{CType, ExportSignature};

use crate::abi::LeanIo;
use crate::abi::{CValue, IntoLean, LeanAbi, TryFromLean};
use crate::error::{LeanError, LeanResult};
use crate::module::signatures::{self, SignatureSource};
use crate::module::{LeanLibrary, LeanModule};
use crate::runtime::LeanRuntime;
use crate::runtime::obj::ObjRef;

mod sealed {
    pub trait SealedArgs {}
    pub trait SealedResult<'lean> {}
}

/// An argument tuple of a typed export call: `()`, `(A,)`, `(A, B)`, … up to 12 elements,
/// each a Rust type with a Lean ABI ([`IntoLean`]).
pub trait LeanArgs<'lean>: sealed::SealedArgs {
    /// Number of C arguments.
    const ARITY: usize;
    /// The C type of each argument, in order (each element's [`LeanAbi::C_TYPE`]).
    const PARAMS: &'static [CType];
}

/// The C signature a typed lookup with arguments `Args` and result `R` requests: the
/// prototype of the function pointer [`LeanExported::call`] casts the export to. Every
/// object argument is passed owned, so `borrowed` is empty.
pub fn requested_signature<'lean, Args, R>() -> ExportSignature
where
    Args: LeanArgs<'lean>,
    R: DecodeCallResult<'lean>,
{
    ExportSignature::new(<R::CRepr as CValue>::C_TYPE, Args::PARAMS)
}

/// The result side of a typed export call: a Rust type with a Lean ABI ([`TryFromLean`]) for
/// pure functions, or [`LeanIo<T>`] for `IO T` functions.
pub trait DecodeCallResult<'lean>: sealed::SealedResult<'lean> {
    /// The C return type.
    #[doc(hidden)]
    type CRepr: CValue;
    /// What the call returns to Rust.
    type Output;

    /// Decodes an owned C return value.
    ///
    /// # Safety
    /// `c` must be what the export returned, carrying ownership of any object.
    #[doc(hidden)]
    unsafe fn decode(c: Self::CRepr, runtime: &'lean LeanRuntime) -> LeanResult<Self::Output>;

    /// Decodes the value of a nullary global, borrowed from the global variable at `address`.
    ///
    /// # Safety
    /// `address` must point at an initialized global of this type's C representation.
    #[doc(hidden)]
    unsafe fn decode_global(
        address: *const c_void,
        runtime: &'lean LeanRuntime,
    ) -> LeanResult<Self::Output>;
}

impl<'lean, T: TryFromLean<'lean>> sealed::SealedResult<'lean> for T {}

impl<'lean, T> DecodeCallResult<'lean> for T
where
    T: TryFromLean<'lean>,
    <T as LeanAbi<'lean>>::CRepr: 'static,
{
    type CRepr = <T as LeanAbi<'lean>>::CRepr;
    type Output = T;

    #[inline]
    unsafe fn decode(c: Self::CRepr, runtime: &'lean LeanRuntime) -> LeanResult<T> {
        // SAFETY: forwarded caller contract.
        unsafe { T::try_from_c(c, runtime) }
    }

    unsafe fn decode_global(address: *const c_void, runtime: &'lean LeanRuntime) -> LeanResult<T> {
        if TypeId::of::<Self::CRepr>() == TypeId::of::<*mut lean_object>() {
            // SAFETY: an object-typed global holds a `lean_object *` owned by the module
            // (persistent); it is only borrowed here.
            let object = unsafe { address.cast::<*mut lean_object>().read() };
            // SAFETY: the module keeps the object alive for the rest of the process.
            let view = unsafe { ObjRef::from_borrowed_raw(object) }?;
            T::try_from_lean(view)
        } else {
            // SAFETY: a scalar-typed global holds its unboxed C value; no ownership involved.
            let value = unsafe { address.cast::<Self::CRepr>().read() };
            // SAFETY: scalars carry no reference count.
            unsafe { T::try_from_c(value, runtime) }
        }
    }
}

impl<T> sealed::SealedResult<'_> for LeanIo<T> {}

impl<'lean, T: TryFromLean<'lean>> DecodeCallResult<'lean> for LeanIo<T> {
    type CRepr = *mut lean_object;
    type Output = T;

    #[inline]
    unsafe fn decode(c: *mut lean_object, runtime: &'lean LeanRuntime) -> LeanResult<T> {
        // SAFETY: an `IO` export returns an owned IO result object.
        unsafe { LeanIo::<T>::decode_c(c, runtime) }
    }

    unsafe fn decode_global(
        _address: *const c_void,
        _runtime: &'lean LeanRuntime,
    ) -> LeanResult<T> {
        Err(LeanError::symbol(
            "an IO action cannot be a nullary global; declare the export with an argument",
        ))
    }
}

/// How an exported symbol is represented in the library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeanExportKind {
    /// A function: called with the arguments.
    Function,
    /// A global variable set by the module initializer (a nullary closed term): read.
    Global,
}

/// A resolved, typed handle to one export of an initialized module.
pub struct LeanExported<'lean, 'lib, Args, R> {
    runtime: &'lean LeanRuntime,
    address: *mut c_void,
    kind: LeanExportKind,
    _library: PhantomData<&'lib LeanLibrary<'lean>>,
    _signature: PhantomData<fn(Args) -> R>,
}

impl<Args, R> std::fmt::Debug for LeanExported<'_, '_, Args, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanExported")
            .field("address", &self.address)
            .field("kind", &self.kind)
            .finish()
    }
}

impl<'lean, 'lib> LeanModule<'lean, 'lib> {
    /// Resolves export `symbol` as a typed handle with arguments `Args` and result `R`,
    /// after checking that their C signature is the one the Lean compiler produced for it.
    ///
    /// The types must match the Lean declaration (e.g. `UInt64 → UInt64 → UInt64` is
    /// `<(u64, u64), u64>`; `String → IO UInt64` is `<(String,), LeanIo<u64>>`). The
    /// requested C signature ([`requested_signature`]) is compared with the recorded one: for a
    /// symbol that resolves into the `libleanshared` this process linked, its row of
    /// [`LIBLEANSHARED_EXPORTS`](super::LIBLEANSHARED_EXPORTS); for any other, the capability
    /// manifest's `exports` entry, when the module came from a
    /// [`LeanCapability`](super::LeanCapability). A manifest is trusted like the dylib it
    /// names: it is the build's record of what the Lean compiler emitted.
    ///
    /// # Errors
    /// * `lean_rs.symbol_lookup`: the symbol is missing, or a global was requested with
    ///   arguments.
    /// * `lean_rs.signature_mismatch`: the requested C signature differs from the recorded one
    ///   (the message names both). Nothing was called.
    /// * `lean_rs.signature_unknown`: no signature is recorded for the symbol. Open the
    ///   library through a manifest whose build recorded `exports`, or, knowing the
    ///   signature, use [`exported_unchecked`](Self::exported_unchecked).
    ///
    /// The check is at the level of C types: every boxed Lean value is one `lean_object*`.
    /// Which boxed type it is, is checked when a result is decoded for most Rust types (a
    /// `String` must be a string object, an `Option` a constructor of the right shape), but
    /// the handle types ([`LeanName`](crate::LeanName), [`LeanExpr`](crate::LeanExpr), …)
    /// have no cheap shape check and trust the request.
    pub fn exported<Args, R>(&self, symbol: &str) -> LeanResult<LeanExported<'lean, 'lib, Args, R>>
    where
        Args: LeanArgs<'lean>,
        R: DecodeCallResult<'lean>,
    {
        let (address, kind) = self.resolve(symbol, Args::ARITY)?;
        let requested = requested_signature::<Args, R>();
        let in_libleanshared = signatures::in_linked_libleanshared(address);
        let Some((recorded, source)) = self.recorded_signature(symbol, in_libleanshared) else {
            let why = if in_libleanshared {
                format!(
                    "it is an export of the libleanshared this process runs (Lean {}), and lean-rs's table of libleanshared signatures ({}) does not list it",
                    lean_rs_sys::LEAN_RESOLVED_VERSION,
                    signatures::LIBLEANSHARED_TABLE_VERSION,
                )
            } else if self.exports.is_some() {
                "the capability manifest's `exports` does not list it; rebuild the capability so that its manifest records the signatures the Lean compiler emitted (lean_toolchain::lake::extract_exports)".to_owned()
            } else {
                "the module was not opened through a capability manifest; open it with `LeanCapability` from a manifest that records the exports' signatures (lean_toolchain::lake::extract_exports)".to_owned()
            };
            return Err(LeanError::signature_unknown(format!(
                "no C signature is recorded for export `{symbol}` of {} (requested `{requested}`), so the typed lookup cannot be checked: {why}. If you know the signature, use the unsafe `LeanModule::exported_unchecked`",
                self.library().path().display(),
            )));
        };
        if recorded != requested {
            let why = if recorded.returns == requested.returns
                && recorded.params == requested.params
            {
                "the export borrows parameters that typed calls pass owned, which they cannot do"
                    .to_owned()
            } else {
                format!("Rust types by C type: {RUST_TYPES_BY_C_TYPE}")
            };
            return Err(LeanError::signature_mismatch(format!(
                "export `{symbol}` has the C signature `{recorded}` ({}), but `exported::<{}, {}>` requests `{requested}`; nothing was called. {why}",
                source.describe(),
                std::any::type_name::<Args>(),
                std::any::type_name::<R>(),
            )));
        }
        Ok(self.handle(address, kind))
    }

    /// Resolves export `symbol` as a typed handle without checking its C signature.
    ///
    /// For exports with no recorded signature (see [`exported`](Self::exported)). A missing
    /// symbol, or a global requested with arguments, is still a `lean_rs.symbol_lookup`
    /// error.
    ///
    /// # Safety
    /// The C prototype of `symbol` must be exactly [`requested_signature::<Args, R>()`]
    /// (each argument's and the result's [`LeanAbi::C_TYPE`], in order), every object
    /// parameter must be consumed by the export (typed calls pass owned references), the
    /// result must be owned by the caller, and a nullary global must hold an initialized
    /// value of `R`'s C type. Otherwise [`LeanExported::call`] is undefined behaviour.
    pub unsafe fn exported_unchecked<Args, R>(
        &self,
        symbol: &str,
    ) -> LeanResult<LeanExported<'lean, 'lib, Args, R>>
    where
        Args: LeanArgs<'lean>,
        R: DecodeCallResult<'lean>,
    {
        let (address, kind) = self.resolve(symbol, Args::ARITY)?;
        Ok(self.handle(address, kind))
    }

    /// The C signature recorded for `symbol`, and where it came from.
    /// A definition in this process's `libleanshared` is described only by the table (a
    /// manifest describes its own dylib, not the runtime it links against).
    fn recorded_signature(
        &self,
        symbol: &str,
        in_libleanshared: bool,
    ) -> Option<(ExportSignature, SignatureSource)> {
        if in_libleanshared {
            return signatures::libleanshared_signature(symbol)
                .map(|found| (found, SignatureSource::Libleanshared));
        }
        self.exports
            .and_then(|exports| exports.get(symbol))
            .map(|found| (found.clone(), SignatureSource::Manifest))
    }

    fn handle<Args, R>(
        &self,
        address: *mut c_void,
        kind: LeanExportKind,
    ) -> LeanExported<'lean, 'lib, Args, R> {
        LeanExported {
            runtime: self.library().runtime(),
            address,
            kind,
            _library: PhantomData,
            _signature: PhantomData,
        }
    }

    /// The symbol's address and kind; a global requested with arguments is an error.
    fn resolve(&self, symbol: &str, arity: usize) -> LeanResult<(*mut c_void, LeanExportKind)> {
        let library = self.library();
        let address = library.symbol_address(symbol).ok_or_else(|| {
            LeanError::symbol(format!(
                "{} does not export `{symbol}`; check the @[export] name and that its module is part of the library",
                library.path().display()
            ))
        })?;
        let kind = classify(address);
        if kind == LeanExportKind::Global && arity != 0 {
            return Err(LeanError::symbol(format!(
                "`{symbol}` is a nullary Lean global, but {arity} argument(s) were requested"
            )));
        }
        Ok((address, kind))
    }
}

/// The hint a signature mismatch ends with.
const RUST_TYPES_BY_C_TYPE: &str = "uint8_t: bool, u8, i8; uint16_t: u16, i16; uint32_t: char, u32, i32; uint64_t: u64, i64; size_t: usize, isize; double: f64; float: f32; lean_object*: every boxed value (String, &str, Vec, Option, tuples, BigUint, handles, LeanIo<T> for an IO result, ...)";

impl<'lean, Args, R> LeanExported<'lean, '_, Args, R> {
    /// Builds a function handle from a raw address.
    ///
    /// # Safety
    /// `address` must be a function of a loaded, initialized Lean library whose C signature is
    /// exactly the one `Args` and `R` describe, and the library must stay loaded for `'lib`.
    pub unsafe fn from_function_address(runtime: &'lean LeanRuntime, address: *mut c_void) -> Self {
        Self {
            runtime,
            address,
            kind: LeanExportKind::Function,
            _library: PhantomData,
            _signature: PhantomData,
        }
    }

    /// Whether the symbol is a function or a nullary global.
    pub fn kind(&self) -> LeanExportKind {
        self.kind
    }

    /// The resolved address (for benchmarks comparing against a raw function-pointer call).
    pub fn address(&self) -> *mut c_void {
        self.address
    }
}

/// Classifies a resolved symbol by its dynamic-symbol-table type.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn classify(address: *mut c_void) -> LeanExportKind {
    use std::ffi::{c_char, c_int};

    #[repr(C)]
    struct DlInfo {
        fname: *const c_char,
        fbase: *mut c_void,
        sname: *const c_char,
        saddr: *mut c_void,
    }
    #[repr(C)]
    struct Elf64Sym {
        name: u32,
        info: u8,
        other: u8,
        shndx: u16,
        value: u64,
        size: u64,
    }
    unsafe extern "C" {
        fn dladdr1(
            addr: *const c_void,
            info: *mut DlInfo,
            extra: *mut *mut c_void,
            flags: c_int,
        ) -> c_int;
    }
    const RTLD_DL_SYMENT: c_int = 1;
    const STT_OBJECT: u8 = 1;
    const STT_TLS: u8 = 6;

    let mut info = DlInfo {
        fname: std::ptr::null(),
        fbase: std::ptr::null_mut(),
        sname: std::ptr::null(),
        saddr: std::ptr::null_mut(),
    };
    let mut sym: *mut c_void = std::ptr::null_mut();
    // SAFETY: glibc's `dladdr1` writes `info` and, with RTLD_DL_SYMENT, a pointer to the
    // `Elf64_Sym` of the symbol containing `address`; it reads nothing else.
    let found = unsafe { dladdr1(address, &raw mut info, &raw mut sym, RTLD_DL_SYMENT) };
    if found == 0 || sym.is_null() || info.saddr != address {
        return LeanExportKind::Function;
    }
    // SAFETY: `sym` points into the loaded object's dynamic symbol table, which lives as long
    // as the library (still loaded: `address` came from it).
    let symbol_type = unsafe { sym.cast::<Elf64Sym>().read() }.info & 0xf;
    if symbol_type == STT_OBJECT || symbol_type == STT_TLS {
        LeanExportKind::Global
    } else {
        LeanExportKind::Function
    }
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn classify(_address: *mut c_void) -> LeanExportKind {
    LeanExportKind::Function
}

macro_rules! typed_calls {
    ($($arity:literal => ($($arg:ident : $ty:ident),*);)*) => {$(
        impl<$($ty,)*> sealed::SealedArgs for ($($ty,)*) {}

        impl<'lean, $($ty: IntoLean<'lean>,)*> LeanArgs<'lean> for ($($ty,)*) {
            const ARITY: usize = $arity;
            const PARAMS: &'static [CType] = &[$(<$ty as LeanAbi<'lean>>::C_TYPE,)*];
        }

        impl<'lean, $($ty: IntoLean<'lean>,)* R: DecodeCallResult<'lean>> LeanExported<'lean, '_, ($($ty,)*), R> {
            /// Calls the export. Arguments are converted (objects transferred to Lean as the
            /// compiled code expects), the result decoded.
            #[allow(clippy::too_many_arguments)]
            #[inline]
            pub fn call(&self, $($arg: $ty),*) -> LeanResult<R::Output> {
                crate::runtime::debug_assert_attached();
                let runtime = self.runtime;
                if $arity == 0 && self.kind == LeanExportKind::Global {
                    // SAFETY: a global of an initialized module, typed by `R` (see `exported`).
                    return unsafe { R::decode_global(self.address, runtime) };
                }
                // A failed conversion leaks the objects already converted for this call (an
                // error path only); it never frees or reuses them.
                $(let $arg = $arg.into_c(runtime)?;)*
                // SAFETY: `address` is a function of an initialized module whose C signature is
                // this function pointer's: `exported` checked it against the recorded
                // signature (each CRepr's `CValue::C_TYPE`), `exported_unchecked` and
                // `from_function_address` make it the caller's contract; function pointers
                // have the size of `*mut c_void`.
                let function = unsafe {
                    std::mem::transmute::<
                        *mut c_void,
                        unsafe extern "C" fn($(<$ty as LeanAbi<'lean>>::CRepr,)*) -> <R as DecodeCallResult<'lean>>::CRepr,
                    >(self.address)
                };
                // SAFETY: arguments are in their C representations with ownership transferred;
                // the runtime is initialized and this thread attached.
                let out = unsafe { function($($arg),*) };
                // SAFETY: `out` is what the export returned, owned by us.
                unsafe { R::decode(out, runtime) }
            }
        }
    )*};
}

typed_calls! {
    0 => ();
    1 => (a1: A1);
    2 => (a1: A1, a2: A2);
    3 => (a1: A1, a2: A2, a3: A3);
    4 => (a1: A1, a2: A2, a3: A3, a4: A4);
    5 => (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5);
    6 => (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5, a6: A6);
    7 => (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5, a6: A6, a7: A7);
    8 => (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5, a6: A6, a7: A7, a8: A8);
    9 => (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5, a6: A6, a7: A7, a8: A8, a9: A9);
    10 => (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5, a6: A6, a7: A7, a8: A8, a9: A9, a10: A10);
    11 => (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5, a6: A6, a7: A7, a8: A8, a9: A9, a10: A10, a11: A11);
    12 => (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5, a6: A6, a7: A7, a8: A8, a9: A9, a10: A10, a11: A11, a12: A12);
}
