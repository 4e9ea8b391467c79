//! Opening Lean shared libraries and keeping them loaded as long as Lean code may need them.
//!
//! [`LeanLibrary`] is the low-level handle: one `dlopen`ed file. [`LeanLibraryBundle`] is the
//! normal way to open a capability that depends on other Lean dylibs: it opens dependencies
//! first (globally, when dependents resolve symbols through them), optionally initializes
//! them, then opens the primary library, and keeps every handle alive for the bundle's
//! lifetime.
//!
//! A library from which a module initializer has run is never closed: Lean's process-global
//! state (persistent objects, registered extensions, closures) keeps pointers into its code
//! and data, so unmapping it would leave those dangling. Its handle is leaked on drop; the
//! other handles are closed.

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{LeanError, LeanResult};
use crate::module::LeanModule;
use crate::module::initializer;
use crate::runtime::LeanRuntime;

/// An opened Lean shared library.
///
/// Obtain one with [`open`](Self::open) or [`open_globally`](Self::open_globally); then run a
/// module initializer with [`initialize_module`](Self::initialize_module) to get the
/// [`LeanModule`] through which typed exports are called. Prefer [`LeanLibraryBundle`] or
/// `LeanCapability`, which choose open order and symbol visibility for you.
pub struct LeanLibrary<'lean> {
    runtime: &'lean LeanRuntime,
    path: PathBuf,
    global: bool,
    library: ManuallyDrop<libloading::Library>,
    /// Set once any module initializer from this library has run: from then on the library
    /// must stay mapped for the rest of the process.
    initialized: AtomicBool,
    /// Lean-derived handles stay on the thread that made them.
    _not_send: PhantomData<*mut ()>,
}

impl std::fmt::Debug for LeanLibrary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanLibrary")
            .field("path", &self.path)
            .field("global", &self.global)
            .field("initialized", &self.initialized.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<'lean> LeanLibrary<'lean> {
    /// Opens `path` with local symbol visibility (`RTLD_LAZY | RTLD_LOCAL`): its symbols are
    /// reachable only through this handle.
    pub fn open(runtime: &'lean LeanRuntime, path: impl AsRef<Path>) -> LeanResult<Self> {
        Self::open_with(runtime, path.as_ref(), false)
    }

    /// Opens `path` with global symbol visibility (`RTLD_LAZY | RTLD_GLOBAL`), so libraries
    /// opened later can resolve their undefined symbols against it. Needed for a Lean dylib
    /// that other Lean dylibs import.
    pub fn open_globally(runtime: &'lean LeanRuntime, path: impl AsRef<Path>) -> LeanResult<Self> {
        Self::open_with(runtime, path.as_ref(), true)
    }

    fn open_with(runtime: &'lean LeanRuntime, path: &Path, global: bool) -> LeanResult<Self> {
        let _span = tracing::debug_span!(target: "lean_rs", "lean_rs.module.open", path = %path.display(), global).entered();
        if !path.is_file() {
            return Err(LeanError::module_init(format!(
                "cannot open Lean library {}: no such file",
                path.display()
            )));
        }
        let library = open_raw(path, global).map_err(|err| {
            LeanError::module_init(format!(
                "cannot open Lean library {}: {err}",
                path.display()
            ))
        })?;
        Ok(Self {
            runtime,
            path: path.to_path_buf(),
            global,
            library: ManuallyDrop::new(library),
            initialized: AtomicBool::new(false),
            _not_send: PhantomData,
        })
    }

    /// The file this library was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the library was opened with global symbol visibility.
    pub fn is_global(&self) -> bool {
        self.global
    }

    /// The runtime this library is bound to.
    pub fn runtime(&self) -> &'lean LeanRuntime {
        self.runtime
    }

    /// Whether the library defines (or re-exports) `symbol`.
    pub fn has_symbol(&self, symbol: &str) -> bool {
        self.symbol_address(symbol).is_some()
    }

    /// Runs the initializer of Lean module `module` of Lake package `package` (e.g.
    /// `("lean-elpi", "Elpi.Ffi")`), at most once per process, and returns the module handle.
    ///
    /// Both Lake initializer naming conventions are tried, the one of the Lean version this
    /// crate was built against first. Initializing a module also initializes the modules it
    /// imports (Lean's generated initializer does that itself).
    pub fn initialize_module(
        &self,
        package: &str,
        module: &str,
    ) -> LeanResult<LeanModule<'lean, '_>> {
        let symbol = initializer::initialize(self, package, module)?;
        Ok(LeanModule::new(self, module, symbol))
    }

    /// Runs the initializer of a module that is not part of a Lake package (the ≤ 4.26 /
    /// core-library naming `initialize_<Module>` only).
    pub fn initialize_module_unpackaged(&self, module: &str) -> LeanResult<LeanModule<'lean, '_>> {
        let symbol = initializer::initialize_unpackaged(self, module)?;
        Ok(LeanModule::new(self, module, symbol))
    }

    /// The address `symbol` resolves to in this library, if any.
    pub(crate) fn symbol_address(&self, symbol: &str) -> Option<*mut c_void> {
        if symbol.is_empty() || symbol.len() > 4096 || symbol.contains('\0') {
            return None;
        }
        let mut name = Vec::with_capacity(symbol.len() + 1);
        name.extend_from_slice(symbol.as_bytes());
        name.push(0);
        // SAFETY: `name` is NUL-terminated; the symbol is read as an untyped address and only
        // reinterpreted by callers that know its Lean-declared type (see `LeanExported`).
        let found = unsafe { self.library.get::<*mut c_void>(&name) };
        match found {
            Ok(sym) => {
                let address = *sym;
                (!address.is_null()).then_some(address)
            }
            Err(_) => None,
        }
    }

    pub(crate) fn mark_initialized(&self) {
        self.initialized.store(true, Ordering::Release);
    }
}

impl Drop for LeanLibrary<'_> {
    fn drop(&mut self) {
        if self.initialized.load(Ordering::Acquire) {
            // Lean's global state points into this library: keep it mapped (see module docs).
            return;
        }
        // SAFETY: no module of this library was initialized, so no Lean object or closure
        // refers to its code or data, and this is the only drop of the field.
        unsafe { ManuallyDrop::drop(&mut self.library) };
    }
}

#[cfg(unix)]
fn open_raw(path: &Path, global: bool) -> Result<libloading::Library, libloading::Error> {
    use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_LAZY, RTLD_LOCAL};
    let flags = RTLD_LAZY | if global { RTLD_GLOBAL } else { RTLD_LOCAL };
    // SAFETY: loading runs the library's ELF constructors. Lean dylibs have none beyond the
    // C runtime's; Lean module initialization is a separate, explicit step.
    unsafe { Library::open(Some(path), flags) }.map(Into::into)
}

#[cfg(not(unix))]
fn open_raw(path: &Path, _global: bool) -> Result<libloading::Library, libloading::Error> {
    // SAFETY: as above; Windows has no global/local visibility distinction.
    unsafe { libloading::Library::new(path) }
}

/// A Lean dylib that the primary library of a [`LeanLibraryBundle`] depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanLibraryDependency {
    path: PathBuf,
    global: bool,
    initializer: Option<(String, String)>,
}

impl LeanLibraryDependency {
    /// A dependency at `path`, opened with local visibility unless
    /// [`export_symbols_for_dependents`](Self::export_symbols_for_dependents) is set.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            global: false,
            initializer: None,
        }
    }

    /// Open the dependency globally so libraries opened after it resolve symbols against it.
    #[must_use]
    pub fn export_symbols_for_dependents(mut self) -> Self {
        self.global = true;
        self
    }

    /// Run this dependency's module initializer right after opening it.
    #[must_use]
    pub fn initializer(mut self, package: impl Into<String>, module: impl Into<String>) -> Self {
        self.initializer = Some((package.into(), module.into()));
        self
    }

    /// The dependency's file.
    pub fn file(&self) -> &Path {
        &self.path
    }

    /// Whether the dependency is opened with global symbol visibility.
    pub fn exports_symbols(&self) -> bool {
        self.global
    }

    /// The `(package, module)` whose initializer runs after opening, if any.
    pub fn initializer_names(&self) -> Option<(&str, &str)> {
        self.initializer
            .as_ref()
            .map(|(p, m)| (p.as_str(), m.as_str()))
    }
}

/// A primary Lean library plus the Lean dylibs it needs, opened in dependency order and kept
/// loaded together.
#[derive(Debug)]
pub struct LeanLibraryBundle<'lean> {
    // Dropped by hand (see `Drop`): primary first, then dependencies in reverse open order.
    primary: ManuallyDrop<LeanLibrary<'lean>>,
    dependencies: Vec<LeanLibrary<'lean>>,
}

impl<'lean> LeanLibraryBundle<'lean> {
    /// Opens each dependency in the given order (globally when asked, running its initializer
    /// when one was named), then opens `primary` with local visibility.
    pub fn open(
        runtime: &'lean LeanRuntime,
        primary: impl AsRef<Path>,
        dependencies: impl IntoIterator<Item = LeanLibraryDependency>,
    ) -> LeanResult<Self> {
        let mut opened = Vec::new();
        for dependency in dependencies {
            let library = LeanLibrary::open_with(runtime, &dependency.path, dependency.global)?;
            if let Some((package, module)) = &dependency.initializer {
                initializer::initialize(&library, package, module)?;
            }
            opened.push(library);
        }
        let primary = LeanLibrary::open_with(runtime, primary.as_ref(), false)?;
        Ok(Self {
            primary: ManuallyDrop::new(primary),
            dependencies: opened,
        })
    }

    /// The primary library.
    pub fn primary(&self) -> &LeanLibrary<'lean> {
        &self.primary
    }

    /// The dependencies, in open order.
    pub fn dependencies(&self) -> &[LeanLibrary<'lean>] {
        &self.dependencies
    }

    /// Runs a module initializer of the primary library; see [`LeanLibrary::initialize_module`].
    pub fn initialize_module(
        &self,
        package: &str,
        module: &str,
    ) -> LeanResult<LeanModule<'lean, '_>> {
        self.primary.initialize_module(package, module)
    }
}

impl Drop for LeanLibraryBundle<'_> {
    fn drop(&mut self) {
        // SAFETY: `primary` is dropped exactly once, here, before the libraries it links to.
        unsafe { ManuallyDrop::drop(&mut self.primary) };
        while let Some(dependency) = self.dependencies.pop() {
            drop(dependency);
        }
    }
}
