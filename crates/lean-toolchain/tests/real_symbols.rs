//! The mangler and naming convention checked against a real Lake-built library:
//! `.lean-rs/fixtures/elpi/libleanelpi.so` (package `lean-elpi`, Lean 4.35.0).
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used)]

mod common;

use lean_toolchain::lake::NamingConvention;

const MODULES: &[&str] = &[
    "Elpi",
    "Elpi.Core.Builtins",
    "Elpi.Core.CHR",
    "Elpi.Core.Constraints",
    "Elpi.Core.Index",
    "Elpi.Core.Machine",
    "Elpi.Core.Parser",
    "Elpi.Core.Store",
    "Elpi.Core.Term",
    "Elpi.Core.Typecheck",
    "Elpi.Core.Unify",
    "Elpi.Ffi",
    "Elpi.LF.Check",
    "Elpi.LF.Erase",
    "Elpi.LF.Export",
    "Elpi.LF.Mode",
    "Elpi.LF.ProofTerm",
    "Elpi.LF.Strategy",
    "Elpi.LF.Total",
    "Elpi.Lean.Builtins",
    "Elpi.Lean.Commands",
    "Elpi.Lean.Derive",
    "Elpi.Lean.Interop",
    "Elpi.Lean.LFCommands",
    "Elpi.Lean.Libraries",
    "Elpi.Lean.Marshal",
    "Elpi.Lean.Quote",
    "Elpi.Lean.Reflect",
    "Elpi.Lean.Tactic",
    "Elpi.Runtime.Api",
    "Elpi.Runtime.Dsl",
    "Elpi.Solver.Registry",
    "Elpi.Std.Std",
];

#[test]
fn mangled_initializers_exist_in_the_real_elpi_library() {
    let lib_path = common::real_sysroot().join("../fixtures/elpi/libleanelpi.so");
    // SAFETY: loading only runs the ELF constructors of the pinned fixture and of the
    // runtime beside it; no Lean function is called, symbols are only looked up.
    let lib = unsafe { libloading::Library::new(&lib_path) }.expect("dlopen libleanelpi.so");
    let convention =
        NamingConvention::for_version(&lean_toolchain::LeanVersion::parse("4.35.0").unwrap());
    for module in MODULES {
        let symbol = convention.initializer_symbol("lean-elpi", module);
        // SAFETY: the symbol is looked up as an opaque address and never called.
        let found = unsafe { lib.get::<*const ()>(symbol.as_bytes()) };
        assert!(
            found.is_ok(),
            "{symbol} (from {module}) is not in {}",
            lib_path.display()
        );
    }
    assert_eq!(
        convention.initializer_symbol("lean-elpi", "Elpi.Ffi"),
        "initialize_lean_x2delpi_Elpi_Ffi"
    );
    // The unqualified (≤ 4.26) spelling must not exist in a 4.35 library.
    let old = NamingConvention::Unqualified.initializer_symbol("lean-elpi", "Elpi.Ffi");
    // SAFETY: as above, lookup only.
    assert!(unsafe { lib.get::<*const ()>(old.as_bytes()) }.is_err());
}
