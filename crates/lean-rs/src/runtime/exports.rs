//! Lean-compiled `@[export]` functions of `libleanshared` that `lean-rs` calls but that are
//! not part of `lean.h` (so `lean-rs-sys` does not declare them).
//!
//! They are resolved once, by name, from the running process (the runtime library is
//! already loaded because `lean-rs-sys` links it). A missing symbol becomes a typed
//! `Link` error at first use instead of a load-time failure, so a toolchain that renamed
//! one export still runs everything else. This is the one module of `lean-rs` that turns
//! addresses into function pointers.

#![allow(unsafe_code)]

use std::sync::OnceLock;

use lean_rs_sys::{self as sys, lean_object};
use libloading::os::unix::Library;

use crate::error::{LeanError, LeanResult};
use crate::runtime::obj::Obj;

type Obj1 = unsafe extern "C" fn(*mut lean_object) -> *mut lean_object;
type Obj2 = unsafe extern "C" fn(*mut lean_object, *mut lean_object) -> *mut lean_object;
type Obj4U8 = unsafe extern "C" fn(
    *mut lean_object,
    *mut lean_object,
    *mut lean_object,
    u8,
) -> *mut lean_object;
type Pred2 = unsafe extern "C" fn(*mut lean_object, *mut lean_object) -> u8;
type Hash64 = unsafe extern "C" fn(*mut lean_object) -> u64;
type NameToString = unsafe extern "C" fn(*mut lean_object, u8) -> *mut lean_object;
type AxiomVal = unsafe extern "C" fn(
    *mut lean_object,
    *mut lean_object,
    *mut lean_object,
    u8,
) -> *mut lean_object;

/// Declares the export table: one field per symbol, with its C name.
macro_rules! export_table {
    ($($(#[$doc:meta])* $field:ident: $ty:ty = $sym:literal;)*) => {
        /// Resolved addresses of the Lean exports `lean-rs` uses.
        pub(crate) struct LeanExports {
            $($(#[$doc])* pub(crate) $field: $ty,)*
        }

        impl LeanExports {
            fn resolve(lib: &Library) -> LeanResult<Self> {
                Ok(Self { $($field: lookup::<$ty>(lib, $sym)?,)* })
            }
        }
    };
}

export_table! {
    /// `Name.str p s` (both owned).
    name_mk_string: Obj2 = "lean_name_mk_string";
    /// `Name.num p n` (both owned).
    name_mk_numeral: Obj2 = "lean_name_mk_numeral";
    /// Structural `Name` equality (both borrowed).
    name_eq: Pred2 = "lean_name_eq";
    /// `Name.hash` (owned; measured on 4.35.0).
    name_hash: Hash64 = "lean_name_hash_exported";
    /// `Name.toString n escape` (`n` owned; measured on 4.35.0).
    name_to_string: NameToString = "l_Lean_Name_toString";
    /// `Level.zero ()`.
    level_mk_zero: Obj1 = "lean_level_mk_zero";
    /// `Level.succ` (owned).
    level_mk_succ: Obj1 = "lean_level_mk_succ";
    /// `Level.max` (owned).
    level_mk_max: Obj2 = "lean_level_mk_max";
    /// `Level.imax` (owned).
    level_mk_imax: Obj2 = "lean_level_mk_imax";
    /// `Level.param` (owned).
    level_mk_param: Obj1 = "lean_level_mk_param";
    /// Structural `Level` equality (both borrowed; measured on 4.35.0).
    level_eqv: Pred2 = "lean_level_eqv";
    /// `Expr.bvar` (owned).
    expr_mk_bvar: Obj1 = "lean_expr_mk_bvar";
    /// `Expr.sort` (owned).
    expr_mk_sort: Obj1 = "lean_expr_mk_sort";
    /// `Expr.const name levels` (owned).
    expr_mk_const: Obj2 = "lean_expr_mk_const";
    /// `Expr.app f a` (owned).
    expr_mk_app: Obj2 = "lean_expr_mk_app";
    /// `Expr.lam name type body binderInfo` (owned).
    expr_mk_lambda: Obj4U8 = "lean_expr_mk_lambda";
    /// `Expr.forallE name type body binderInfo` (owned).
    expr_mk_forall: Obj4U8 = "lean_expr_mk_forall";
    /// Structural `Expr` equality (both borrowed; measured on 4.35.0).
    expr_eqv: Pred2 = "lean_expr_eqv";
    /// `Expr.hash` (owned; measured on 4.35.0).
    expr_hash: Hash64 = "lean_expr_hash";
    /// `Expr.dbgToString` (borrowed; measured on 4.35.0).
    expr_dbg_to_string: Obj1 = "lean_expr_dbg_to_string";
    /// `AxiomVal.mk name levelParams type isUnsafe` (owned).
    mk_axiom_val: AxiomVal = "lean_mk_axiom_val";
}

fn lookup<T: Copy>(lib: &Library, name: &str) -> LeanResult<T> {
    let mut cname = Vec::with_capacity(name.len() + 1);
    cname.extend_from_slice(name.as_bytes());
    cname.push(0);
    // SAFETY: `T` is the `extern "C"` function-pointer type the table declares for `name`,
    // matching the Lean 4.35 signature documented on the field; the symbol lives in
    // `libleanshared`, which stays loaded for the life of the process.
    unsafe {
        lib.get::<T>(&cname).map(|symbol| *symbol).map_err(|e| {
            LeanError::link(format!(
                "Lean export `{name}` not found in the process: {e}"
            ))
        })
    }
}

static EXPORTS: OnceLock<Result<LeanExports, LeanError>> = OnceLock::new();

/// The resolved export table.
pub(crate) fn exports() -> LeanResult<&'static LeanExports> {
    EXPORTS
        .get_or_init(|| LeanExports::resolve(&Library::this()))
        .as_ref()
        .map_err(Clone::clone)
}

/// `Int.toNat` for a non-negative `Int`, consuming it.
pub(crate) fn int_to_nat(int: Obj<'_>) -> Obj<'_> {
    let runtime = int.runtime();
    if int.borrow().is_scalar() {
        // A non-negative scalar `Int` (< 2^31) is the same tagged scalar as the `Nat`.
        return int;
    }
    // SAFETY: `int` is an owned, non-negative big `Int`, which `lean_big_int_to_nat`
    // consumes; the result is an owned `Nat`.
    unsafe { Obj::from_owned_raw(runtime, sys::lean_big_int_to_nat(int.into_raw())) }
}

/// Lean's rendering of an `IO.Error` (`IO.Error.toString`), consuming it.
pub(crate) fn io_error_to_string(err: Obj<'_>) -> LeanResult<String> {
    let runtime = err.runtime();
    // SAFETY: `err` is an owned `IO.Error`, consumed by the export; the result is an owned
    // `String`.
    let text =
        unsafe { Obj::from_owned_raw(runtime, sys::lean_io_error_to_string(err.into_raw())) };
    Ok(crate::error::bound_message(text.borrow().string()?))
}
