//! Running Lake-emitted module initializers, at most once per process.
//!
//! ABI (every Lean version in the supported window, 4.26–4.35, has zero-cost `BaseIO`, which
//! erased the `IO.RealWorld` argument): `lean_object *initialize_<...>(uint8_t builtin)`,
//! returning an `IO Unit` result object. `builtin = 1` also runs `builtin_initialize`
//! declarations, as Lean's own generated `main` does. The generated initializer guards itself
//! against re-entry, but it is not thread-safe, so calls are serialized here and remembered
//! by symbol address so a second call is a no-op.
//!
//! Initialization phase: `LeanRuntime::init` ends Lean's initialization phase so that
//! environments can be created. An initializer that runs after it runs with Lean's
//! "importing" flag raised, as Lean's own importer runs imported modules' `initialize`
//! declarations; `builtin_initialize` code that checks `IO.initializing` itself can only run
//! inside `LeanRuntime::init_with`.

#![allow(unsafe_code)]

use std::collections::HashSet;
use std::ffi::c_void;
use std::sync::{Mutex, PoisonError};

use lean_rs_sys::lean_object;

use crate::error::{LeanError, LeanResult};
use crate::module::library::LeanLibrary;
use crate::module::naming;

/// Addresses of initializers that already ran successfully in this process.
static INITIALIZED: Mutex<Option<HashSet<usize>>> = Mutex::new(None);

type Initializer = unsafe extern "C" fn(u8) -> *mut lean_object;

/// Lean's "importing" flag, raised while a module initializer runs after the initialization
/// phase: Lean's importer runs imported modules' `initialize` declarations the same way, and
/// `Lean.initializing` (what extension registration checks) reads the flag. Lowered on drop,
/// also when the initializer unwinds. Only used under the `INITIALIZED` lock, which gives the
/// single-thread access the flag requires.
struct ImportingFlag;

impl ImportingFlag {
    fn raise() -> Self {
        // SAFETY: the runtime is initialized (the caller holds a library borrowing it); the
        // call swaps the value of one Lean `IO.Ref` and returns `lean_box(0)`.
        unsafe { lean_rs_sys::lean_set_initializing(true) };
        Self
    }
}

impl Drop for ImportingFlag {
    fn drop(&mut self) {
        // SAFETY: as in `raise`.
        unsafe { lean_rs_sys::lean_set_initializing(false) };
    }
}

/// Initializes `(package, module)` of `library`, returning the symbol that was run.
pub(crate) fn initialize(
    library: &LeanLibrary<'_>,
    package: &str,
    module: &str,
) -> LeanResult<String> {
    let candidates = naming::initializer_candidates(package, module)?;
    run_first_present(
        library,
        &candidates,
        &format!("module `{module}` of package `{package}`"),
    )
}

/// Initializes a module without a Lake package (`initialize_<Module>` only).
pub(crate) fn initialize_unpackaged(library: &LeanLibrary<'_>, module: &str) -> LeanResult<String> {
    let candidates = [naming::legacy_initializer_symbol(module)?];
    run_first_present(library, &candidates, &format!("module `{module}`"))
}

fn run_first_present(
    library: &LeanLibrary<'_>,
    candidates: &[String],
    what: &str,
) -> LeanResult<String> {
    for symbol in candidates {
        if let Some(address) = library.symbol_address(symbol) {
            run_once(library, symbol, address)?;
            return Ok(symbol.clone());
        }
    }
    Err(LeanError::link(format!(
        "{} does not export an initializer for {what} (tried {}); check the package and module names and rebuild the shared target",
        library.path().display(),
        candidates.join(", ")
    )))
}

fn run_once(library: &LeanLibrary<'_>, symbol: &str, address: *mut c_void) -> LeanResult<()> {
    let _span =
        tracing::debug_span!(target: "lean_rs", "lean_rs.module.initialize", symbol).entered();
    crate::runtime::debug_assert_attached();
    // Held for the whole call: Lean initializers must not run concurrently.
    let mut guard = INITIALIZED.lock().unwrap_or_else(PoisonError::into_inner);
    let done = guard.get_or_insert_with(HashSet::new);
    if done.contains(&(address as usize)) {
        return Ok(());
    }
    // SAFETY: `address` is the Lake-emitted initializer `symbol` (the name follows Lean's
    // initializer mangling, and Lean emits no other kind of `initialize_*` symbol), whose
    // C signature in the supported window is `lean_object *(uint8_t)`.
    let initializer: Initializer =
        unsafe { std::mem::transmute::<*mut c_void, Initializer>(address) };
    let after_phase = !library.runtime().is_initialization_phase();
    let result = {
        let _importing = after_phase.then(ImportingFlag::raise);
        // SAFETY: the runtime is initialized (`library` borrows it) and this thread is the one
        // that holds the runtime or an attached guard; the call is serialized by `INITIALIZED`.
        unsafe { initializer(1) }
    };
    // SAFETY: an initializer returns an owned `IO Unit` result object.
    unsafe { crate::abi::LeanIo::<()>::decode_c(result, library.runtime()) }.map_err(|err| {
        let hint = if after_phase && err.message().contains("initializ") {
            "; a module whose builtin_initialize declarations need Lean's initialization \
             phase must be initialized inside LeanRuntime::init_with"
        } else {
            ""
        };
        LeanError::module_init(format!(
            "initializer {symbol} raised: {}{hint}",
            err.message()
        ))
    })?;
    library.mark_initialized();
    done.insert(address as usize);
    Ok(())
}
