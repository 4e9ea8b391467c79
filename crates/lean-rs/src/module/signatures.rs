//! Where a safe typed lookup gets the C signature it checks a request against.
//!
//! Two sources, both written from what the Lean compiler produced:
//!
//! * a capability manifest's `exports` map (the build read it from the emitted C), attached to
//!   the modules a [`LeanCapability`](super::LeanCapability) hands out;
//! * [`LIBLEANSHARED_EXPORTS`], a short table of exports of `libleanshared` itself (Lean's own
//!   compiled library, for which no emitted C ships). It applies only to a symbol whose
//!   address lies in the `libleanshared` this process linked, and only when that runtime is
//!   the Lean release the table was held against ([`LIBLEANSHARED_TABLE_VERSION`]): mangled
//!   `l_…` names and their signatures may change between releases.
//!
//! Each table row is held to the real binary by `tests/signature_check.rs`: the symbol is
//! present, and a typed call with exactly the row's types returns correct answers. Ownership
//! (every row consumes its object arguments) was measured on 4.35.0 by calling each export
//! with an argument whose count had been raised to 2 and finding it back at 1.

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::sync::OnceLock;

use lean_toolchain::lake::{CType, ExportSignature};

/// The Lean release whose `libleanshared` the rows of [`LIBLEANSHARED_EXPORTS`] were checked
/// against.
pub const LIBLEANSHARED_TABLE_VERSION: &str = "4.35.0";

/// One export of `libleanshared` with its C signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LibleansharedExport {
    /// The C symbol.
    pub symbol: &'static str,
    /// The Lean declaration it compiles (for messages and review).
    pub lean: &'static str,
    /// C return type.
    pub returns: CType,
    /// C parameter types; every object parameter is consumed.
    pub params: &'static [CType],
}

impl LibleansharedExport {
    /// The row as an [`ExportSignature`].
    pub fn signature(&self) -> ExportSignature {
        ExportSignature::new(self.returns, self.params)
    }
}

/// The `libleanshared` exports that safe typed lookups know the signature of.
///
/// Evidence besides the typed-call tests: `l_Char_isAlpha` reads its argument from `%edi`
/// (32-bit) and answers in `%al` (`objdump -d`, 4.35.0); `l_Array_reverse___redArg` is
/// `Array.reverse` with its erased type argument dropped by the compiler (`_redArg`).
pub const LIBLEANSHARED_EXPORTS: &[LibleansharedExport] = &[
    LibleansharedExport {
        symbol: "lean_string_capitalize",
        lean: "String.capitalize : String → String",
        returns: CType::Object,
        params: &[CType::Object],
    },
    LibleansharedExport {
        symbol: "l_String_toNat_x3f",
        lean: "String.toNat? : String → Option Nat",
        returns: CType::Object,
        params: &[CType::Object],
    },
    LibleansharedExport {
        symbol: "l_Char_isAlpha",
        lean: "Char.isAlpha : Char → Bool",
        returns: CType::U8,
        params: &[CType::U32],
    },
    LibleansharedExport {
        symbol: "l_Array_reverse___redArg",
        lean: "Array.reverse : Array α → Array α (type argument erased)",
        returns: CType::Object,
        params: &[CType::Object],
    },
];

/// Where a recorded signature came from (for messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignatureSource {
    /// The capability manifest's `exports`.
    Manifest,
    /// [`LIBLEANSHARED_EXPORTS`].
    Libleanshared,
}

impl SignatureSource {
    pub(crate) fn describe(self) -> String {
        match self {
            Self::Manifest => "recorded in the capability manifest's `exports`".to_owned(),
            Self::Libleanshared => format!(
                "recorded in lean-rs's table of libleanshared exports (Lean {LIBLEANSHARED_TABLE_VERSION})"
            ),
        }
    }
}

/// The table row for `symbol`, when this process runs the Lean release the table was held
/// against ([`LIBLEANSHARED_TABLE_VERSION`]). Only for symbols that
/// [`in_linked_libleanshared`] places in the runtime.
pub(crate) fn libleanshared_signature(symbol: &str) -> Option<ExportSignature> {
    if lean_rs_sys::LEAN_RESOLVED_VERSION != LIBLEANSHARED_TABLE_VERSION {
        return None;
    }
    LIBLEANSHARED_EXPORTS
        .iter()
        .find(|r| r.symbol == symbol)
        .map(LibleansharedExport::signature)
}

/// Whether `address` (where a symbol resolved) lies in the `libleanshared` this process
/// linked.
pub(crate) fn in_linked_libleanshared(address: *mut c_void) -> bool {
    match (libleanshared_base(), object_base(address)) {
        (Some(runtime), Some(object)) => runtime == object,
        _ => false,
    }
}

/// The load base of the `libleanshared` this process linked (found through a symbol only
/// the runtime defines).
fn libleanshared_base() -> Option<usize> {
    static BASE: OnceLock<Option<usize>> = OnceLock::new();
    *BASE.get_or_init(|| {
        #[cfg(unix)]
        {
            let this = libloading::os::unix::Library::this();
            // SAFETY: the symbol is only read as an address, never called or dereferenced.
            let found =
                unsafe { this.get::<*mut c_void>(b"lean_initialize_runtime_module\0") }.ok()?;
            object_base(*found)
        }
        #[cfg(not(unix))]
        {
            None
        }
    })
}

/// The load base of the shared object containing `address`.
#[cfg(unix)]
fn object_base(address: *mut c_void) -> Option<usize> {
    use std::ffi::{c_char, c_int};

    #[repr(C)]
    struct DlInfo {
        fname: *const c_char,
        fbase: *mut c_void,
        sname: *const c_char,
        saddr: *mut c_void,
    }
    unsafe extern "C" {
        fn dladdr(addr: *const c_void, info: *mut DlInfo) -> c_int;
    }
    let mut info = DlInfo {
        fname: std::ptr::null(),
        fbase: std::ptr::null_mut(),
        sname: std::ptr::null(),
        saddr: std::ptr::null_mut(),
    };
    // SAFETY: `dladdr` only writes `info` (four pointer-sized fields, the C `Dl_info` layout
    // on glibc and macOS); it reads nothing through `address`.
    let found = unsafe { dladdr(address, &raw mut info) };
    (found != 0 && !info.fbase.is_null()).then_some(info.fbase.addr())
}

#[cfg(not(unix))]
fn object_base(_address: *mut c_void) -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_unique_valid_signatures() {
        let mut seen = std::collections::HashSet::new();
        for row in LIBLEANSHARED_EXPORTS {
            assert!(seen.insert(row.symbol), "{} twice", row.symbol);
            assert_eq!(row.signature().validate(), Ok(()));
        }
    }
}
