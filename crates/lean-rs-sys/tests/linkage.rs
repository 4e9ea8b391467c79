//! Every `REQUIRED_SYMBOLS` entry resolves in the real `libleanshared` this crate was built
//! against (by `dlopen`/`dlsym`, independent of the static link).

#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[test]
fn every_required_symbol_resolves_in_libleanshared() {
    let path = common::libleanshared_path();
    // SAFETY: loading Lean's shared runtime runs only its static constructors; no Lean code is
    // called through the handle.
    let lib = unsafe { libloading::Library::new(&path) }
        .unwrap_or_else(|e| panic!("dlopen {}: {e}", path.display()));
    let missing: Vec<&str> = lean_rs_sys::REQUIRED_SYMBOLS
        .iter()
        .copied()
        // SAFETY: only the address is looked up; the symbol is never called through this type.
        .filter(|name| unsafe { lib.get::<*const ()>(name.as_bytes()) }.is_err())
        .collect();
    println!(
        "resolved {} of {} REQUIRED_SYMBOLS in {}",
        lean_rs_sys::REQUIRED_SYMBOLS.len() - missing.len(),
        lean_rs_sys::REQUIRED_SYMBOLS.len(),
        path.display()
    );
    assert!(
        missing.is_empty(),
        "missing from {}: {missing:?}",
        path.display()
    );
}

#[test]
fn required_symbols_are_unique_and_lean_prefixed() {
    let mut names = lean_rs_sys::REQUIRED_SYMBOLS.to_vec();
    assert!(names.iter().all(|n| n.starts_with("lean_")));
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate entries");
    #[cfg(lean_sticky_rc)]
    assert!(names.contains(&"lean_inc_ref_huge_n"));
}

#[test]
fn lean_compiled_exports_are_present_too() {
    // Not declared by this crate (lean-rs resolves them), but their presence identifies a full
    // compiled `Lean` package in the library.
    let path = common::libleanshared_path();
    // SAFETY: as above.
    let lib = unsafe { libloading::Library::new(&path) }.unwrap();
    for name in ["lean_name_eq", "lean_expr_hash", "lean_level_mk_succ"] {
        // SAFETY: address lookup only.
        let found = unsafe { lib.get::<*const ()>(name.as_bytes()) }.is_ok();
        assert!(found, "{name}");
    }
}
