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

/// The address of a Lean global variable (a compiled closed term such as a type-class
/// instance): a slot holding a `lean_object*`. Resolved like the functions; read only through
/// [`LeanGlobal::apply_1`], which checks what the slot holds before using it. Kept as an
/// integer so the table stays `Send + Sync` without an `unsafe impl`.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct LeanGlobal(usize);

impl LeanGlobal {
    /// Applies the closure held by global `name` to `arg` (consumed). The slot must hold a
    /// closure that awaits exactly one more argument; anything else (an unset slot, another
    /// object kind, another arity) is a `Link` error, never a call.
    pub(crate) fn apply_1<'lean>(self, name: &str, arg: Obj<'lean>) -> LeanResult<Obj<'lean>> {
        let runtime = arg.runtime();
        let slot = std::ptr::with_exposed_provenance::<*mut lean_object>(self.0);
        if slot.is_null() {
            return Err(LeanError::link(format!(
                "Lean global ({name}) has a null address"
            )));
        }
        // SAFETY: a non-null address, exposed by the dynamic loader, of a pointer-sized,
        // pointer-aligned Lean global slot in the loaded runtime library.
        let f = unsafe { slot.read() };
        if f.is_null() || sys::lean_is_scalar(f) {
            return Err(LeanError::link(format!(
                "Lean global ({name}) is not initialized to an object"
            )));
        }
        // SAFETY: `f` is a live heap object (Lean globals are set once and kept alive for the
        // process); the header and, for closures, the arity fields are read.
        let remaining = unsafe {
            (sys::lean_ptr_tag(f) == sys::LeanClosure)
                .then(|| sys::lean_closure_arity(f) - sys::lean_closure_num_fixed(f))
        };
        if remaining != Some(1) {
            return Err(LeanError::link(format!(
                "Lean global ({name}) is not a closure awaiting one argument"
            )));
        }
        // SAFETY: `lean_apply_1` consumes one reference to the closure (taken here; a no-op
        // for the persistent static object) and the owned argument, and returns an owned
        // result.
        unsafe {
            sys::lean_inc(f);
            Ok(Obj::from_owned_raw(
                runtime,
                sys::lean_apply_1(f, arg.into_raw()),
            ))
        }
    }
}

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
    /// `instance : ToString Level`, a closure `Level → String` (argument owned). On 4.35.0
    /// it is a static closure of `instToString.lam_1` with `lIndex? := fun _ => none` fixed,
    /// which runs `Format.pretty (Level.format u true lIndex?) defWidth 0 0` (disassembly).
    level_to_string: LeanGlobal = "l_Lean_Level_instToString";
}

fn lookup<T: Copy>(lib: &Library, name: &str) -> LeanResult<T> {
    let mut cname = Vec::with_capacity(name.len() + 1);
    cname.extend_from_slice(name.as_bytes());
    cname.push(0);
    // SAFETY: `T` is the `extern "C"` function-pointer type the table declares for `name`,
    // matching the Lean 4.35 signature documented on the field, or `LeanGlobal` (a plain
    // address) for a data symbol; the symbol lives in `libleanshared`, which stays loaded for
    // the life of the process.
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::runtime::LeanRuntime;

    fn apply_through(slot: &*mut lean_object) -> LeanResult<Obj<'static>> {
        let runtime = LeanRuntime::init().unwrap();
        LeanGlobal(std::ptr::from_ref(slot).expose_provenance())
            .apply_1("test slot", Obj::boxed(runtime, 0))
    }

    /// A slot that does not hold a one-argument closure is refused before any call.
    #[test]
    fn apply_1_checks_what_the_global_holds() {
        let runtime = LeanRuntime::init().unwrap();
        let unset: *mut lean_object = std::ptr::null_mut();
        assert!(
            apply_through(&unset)
                .unwrap_err()
                .message()
                .contains("not initialized")
        );
        let scalar = sys::lean_box(3);
        assert!(
            apply_through(&scalar)
                .unwrap_err()
                .message()
                .contains("not initialized")
        );
        let string = crate::abi::IntoLean::into_lean("not a closure", runtime).unwrap();
        let err = apply_through(&string.as_raw()).unwrap_err();
        assert!(
            err.message()
                .contains("not a closure awaiting one argument"),
            "{err}"
        );
        let null = LeanGlobal(0);
        assert!(null.apply_1("null", Obj::boxed(runtime, 0)).is_err());
    }

    /// The real `ToString Level` instance passes the same checks.
    #[test]
    fn the_level_to_string_instance_is_a_one_argument_closure() {
        let runtime = LeanRuntime::init().unwrap();
        let zero = exports().unwrap().level_mk_zero;
        // SAFETY: unit in, owned `Level` out.
        let level = unsafe { Obj::from_owned_raw(runtime, zero(sys::lean_box(0))) };
        let text = exports()
            .unwrap()
            .level_to_string
            .apply_1("level", level)
            .unwrap();
        assert_eq!(text.borrow().string().unwrap(), "0");
    }
}
