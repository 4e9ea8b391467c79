//! Loading Lean shared libraries, running their module initializers, and calling their
//! `@[export]`ed functions through typed handles.
//!
//! The normal path is [`LeanCapability`] (manifest-backed, preflighted, dependency order and
//! symbol visibility chosen for you). [`LeanLibraryBundle`] and [`LeanLibrary`] are the
//! lower-level escape hatches. All three hand out a [`LeanModule`], whose
//! [`exported`](LeanModule::exported) resolves a symbol into a typed [`LeanExported`].

mod capability;
mod elf;
mod exported;
mod initializer;
mod library;
pub(crate) mod naming;
mod signatures;

use std::collections::BTreeMap;

pub use capability::{
    LeanBuiltCapability, LeanCapability, LeanCapabilityCheck, LeanCapabilityPreflight,
    LeanCapabilityPreflightReport, LeanFindingSeverity, LeanLoaderCode,
};
pub use exported::{DecodeCallResult, LeanArgs, LeanExportKind, LeanExported, requested_signature};
/// The capability manifest schema this crate reads; the format is defined once, in
/// [`lean_toolchain::lake::CapabilityManifest`], which also writes it.
pub use lean_toolchain::lake::CAPABILITY_MANIFEST_SCHEMA;
/// The C signature types shared with the build side ([`lean_toolchain::lake`]).
pub use lean_toolchain::lake::{CType, ExportSignature};
pub use library::{LeanLibrary, LeanLibraryBundle, LeanLibraryDependency};
pub use signatures::{LIBLEANSHARED_EXPORTS, LIBLEANSHARED_TABLE_VERSION, LibleansharedExport};

/// The ELF dynamic-symbol reader on the file at `path`: which of `wanted` it defines, and
/// the Lean symbols it imports. The fuzz harness's entry point; not public API.
#[doc(hidden)]
pub fn fuzz_read_elf_symbols(
    path: &std::path::Path,
    wanted: &[&str],
) -> Result<(Vec<String>, Vec<String>), String> {
    let wanted_set: std::collections::HashSet<&str> = wanted.iter().copied().collect();
    let table = elf::SymbolTable::read(path, &wanted_set)?;
    let defined = wanted
        .iter()
        .filter(|s| table.defines(s))
        .map(|s| (*s).to_owned())
        .collect();
    Ok((defined, table.lean_imports().map(str::to_owned).collect()))
}

/// Whether the package-qualified initializer name (Lean ≥ 4.27) is tried before the legacy
/// one, decided from the Lean version `lean-rs-sys` resolved at build time. Both are always
/// tried; the order only saves a failed lookup.
pub(crate) const PACKAGE_QUALIFIED_INITIALIZERS_FIRST: bool =
    !is_lean_4_26(lean_rs_sys::LEAN_RESOLVED_VERSION);

const fn is_lean_4_26(version: &str) -> bool {
    let v = version.as_bytes();
    v.len() >= 4
        && v[0] == b'4'
        && v[1] == b'.'
        && v[2] == b'2'
        && v[3] == b'6'
        && (v.len() == 4 || v[4] == b'.' || v[4] == b'-')
}

/// An initialized Lean module of a loaded library: the handle typed exports are resolved
/// through. Borrows the library, so the code cannot be unloaded while it is in use.
pub struct LeanModule<'lean, 'lib> {
    library: &'lib LeanLibrary<'lean>,
    name: String,
    initializer: String,
    /// The capability manifest's `exports`, when the module came from a `LeanCapability`.
    exports: Option<&'lib BTreeMap<String, ExportSignature>>,
}

impl std::fmt::Debug for LeanModule<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanModule")
            .field("name", &self.name)
            .field("initializer", &self.initializer)
            .field("library", &self.library.path())
            .finish()
    }
}

impl<'lean, 'lib> LeanModule<'lean, 'lib> {
    pub(crate) fn new(library: &'lib LeanLibrary<'lean>, name: &str, initializer: String) -> Self {
        Self {
            library,
            name: name.to_owned(),
            initializer,
            exports: None,
        }
    }

    /// Attaches the export signatures a capability manifest recorded.
    pub(crate) fn with_exports(mut self, exports: &'lib BTreeMap<String, ExportSignature>) -> Self {
        self.exports = Some(exports);
        self
    }

    /// The Lean module name, e.g. `Elpi.Ffi`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The initializer symbol that was run for this module.
    pub fn initializer_symbol(&self) -> &str {
        &self.initializer
    }

    /// The library the module lives in.
    pub fn library(&self) -> &'lib LeanLibrary<'lean> {
        self.library
    }
}
