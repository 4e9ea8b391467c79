//! Semantic handles built and printed by Lean's own exported functions (tier 1).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lean_rs::{
    LeanBinderInfo, LeanDeclaration, LeanExpr, LeanLevel, LeanName, LeanRuntime, LeanThreadGuard,
};

fn rt() -> &'static LeanRuntime {
    LeanRuntime::init().expect("runtime init")
}

#[test]
fn names_are_built_compared_hashed_and_printed_by_lean() {
    let runtime = rt();
    let anon = LeanName::anonymous(runtime);
    assert!(anon.is_anonymous());
    assert_eq!(anon.to_lean_string().unwrap(), "[anonymous]");
    let nat_add = LeanName::from_components(runtime, ["Nat", "add"]).unwrap();
    assert_eq!(nat_add.to_string(), "Nat.add");
    assert_eq!(nat_add, anon.str("Nat").unwrap().str("add").unwrap());
    assert_ne!(
        nat_add,
        LeanName::from_components(runtime, ["Nat", "mul"]).unwrap()
    );
    assert_eq!(
        nat_add.hash_value().unwrap(),
        LeanName::from_components(runtime, ["Nat", "add"])
            .unwrap()
            .hash_value()
            .unwrap()
    );
    assert_ne!(nat_add.hash_value().unwrap(), anon.hash_value().unwrap());
    // Lean escapes components that are not identifiers, and renders numeric components.
    let odd = LeanName::from_components(runtime, ["a b", "c"]).unwrap();
    assert_eq!(odd.to_string(), "«a b».c");
    assert_eq!(
        LeanName::from_components(runtime, ["_uniq"])
            .unwrap()
            .num(7)
            .unwrap()
            .to_string(),
        "_uniq.7"
    );
}

#[test]
fn levels_and_exprs_are_built_by_lean_and_compared_structurally() {
    let runtime = rt();
    let zero = LeanLevel::zero(runtime).unwrap();
    let one = zero.succ().unwrap();
    assert_eq!(one, LeanLevel::zero(runtime).unwrap().succ().unwrap());
    assert_ne!(one, zero);
    let u = LeanLevel::param(&LeanName::from_components(runtime, ["u"]).unwrap()).unwrap();
    // Lean's level equivalence normalizes: `max u 1` and `max 1 u` are the same universe.
    assert_eq!(u.max(&one).unwrap(), one.max(&u).unwrap());
    assert_ne!(u.succ().unwrap(), u);
    assert_eq!(u.imax(&zero).unwrap(), u.imax(&zero).unwrap());

    let ty = LeanExpr::sort(&one).unwrap();
    assert_eq!(ty.to_string(), "Type");
    let prop = LeanExpr::sort(&zero).unwrap();
    assert_eq!(prop.to_string(), "Prop");
    let nat =
        LeanExpr::constant(&LeanName::from_components(runtime, ["Nat"]).unwrap(), &[]).unwrap();
    assert_eq!(nat.to_string(), "Nat");
    let list_u = LeanExpr::constant(
        &LeanName::from_components(runtime, ["List"]).unwrap(),
        std::slice::from_ref(&u),
    )
    .unwrap();
    assert!(list_u.to_string().starts_with("List"), "{list_u}");
    let x = LeanName::from_components(runtime, ["x"]).unwrap();
    let id = LeanExpr::lambda(
        &x,
        &nat,
        &LeanExpr::bvar(runtime, 0).unwrap(),
        LeanBinderInfo::Default,
    )
    .unwrap();
    let printed = id.to_string();
    assert!(
        printed.contains("fun") && printed.contains("Nat"),
        "{printed}"
    );
    let arrow = LeanExpr::forall(&x, &nat, &nat, LeanBinderInfo::Implicit).unwrap();
    assert!(arrow.to_string().contains("Nat"), "{arrow}");
    let applied = id.app(&nat).unwrap();
    assert_eq!(applied, id.app(&nat).unwrap());
    assert_ne!(applied, id);
    assert_eq!(
        applied.hash_value().unwrap(),
        id.app(&nat).unwrap().hash_value().unwrap()
    );

    let decl = LeanDeclaration::axiom(
        &LeanName::from_components(runtime, ["myAxiom"]).unwrap(),
        &[],
        &nat,
        false,
    );
    assert!(decl.is_ok());
}

#[test]
fn handles_work_on_attached_worker_threads() {
    rt();
    let printed = std::thread::spawn(|| {
        let runtime = LeanRuntime::init().unwrap();
        let _guard = LeanThreadGuard::attach(runtime);
        LeanName::from_components(runtime, ["Worker", "name"])
            .unwrap()
            .to_string()
    })
    .join()
    .unwrap();
    assert_eq!(printed, "Worker.name");
}

/// `LeanLevel` prints through Lean's `ToString Level` (`Level.format` + `Format.pretty`);
/// the expected strings are what the real 4.35.0 runtime printed, including its choices a
/// hand-written printer would likely get wrong (numeral offsets, no flattening of nested
/// `max`, parenthesized offset of a `max`).
#[test]
fn levels_print_through_leans_to_string_instance() {
    let runtime = rt();
    let zero = LeanLevel::zero(runtime).unwrap();
    let one = zero.succ().unwrap();
    let u = LeanLevel::param(&LeanName::from_components(runtime, ["u"]).unwrap()).unwrap();
    let v = LeanLevel::param(&LeanName::from_components(runtime, ["v"]).unwrap()).unwrap();
    let cases = [
        (zero.clone(), "0"),
        (one.clone(), "1"),
        (one.succ().unwrap().succ().unwrap(), "3"),
        (u.clone(), "u"),
        (u.succ().unwrap().succ().unwrap(), "u + 2"),
        (u.max(&one).unwrap(), "max u 1"),
        (one.max(&u).unwrap(), "max 1 u"),
        (u.imax(&v).unwrap(), "imax u v"),
        (u.max(&v.imax(&zero).unwrap()).unwrap(), "max u (imax v 0)"),
        (u.max(&v).unwrap().succ().unwrap(), "(max u v) + 1"),
        (u.max(&v).unwrap().max(&one).unwrap(), "max (max u v) 1"),
    ];
    for (level, expected) in cases {
        assert_eq!(level.to_lean_string().unwrap(), expected);
        assert_eq!(level.to_string(), expected);
    }
    assert_eq!(format!("{:?}", u.max(&one).unwrap()), "LeanLevel(max u 1)");
    // Printing does not consume the handle.
    assert_eq!(u.to_lean_string().unwrap(), "u");
}

#[test]
fn any_value_handles_are_built_and_read_with_the_typed_call_conversions() {
    use lean_rs::{LeanLibrary, LeanNat, LeanObject};
    let runtime = rt();
    // A small Nat is a scalar; a Nat past Lean's scalar range is a heap number, both exact.
    let small = LeanObject::new(runtime, LeanNat(42u64)).unwrap();
    assert!(small.is_scalar());
    assert_eq!(small.decode::<LeanNat<u64>>().unwrap(), LeanNat(42));
    let big = LeanObject::new(runtime, LeanNat(u64::MAX)).unwrap();
    assert!(!big.is_scalar());
    assert_eq!(big.decode::<LeanNat<u64>>().unwrap(), LeanNat(u64::MAX));
    // Too big for the requested width: a typed error, not a wrapped number.
    let err = big.decode::<LeanNat<u32>>().unwrap_err();
    assert!(err.to_string().contains("does not fit in u32"), "{err}");
    // A shape mismatch is a conversion error too, and the handle stays usable.
    let text = LeanObject::new(runtime, "héllo wörld").unwrap();
    assert!(text.decode::<Vec<u64>>().is_err());
    assert_eq!(text.decode::<String>().unwrap(), "héllo wörld");
    // A built value is an argument like any other: Lean's own String.capitalize reads it.
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("built against a sysroot");
    let library = LeanLibrary::open_globally(
        runtime,
        std::path::Path::new(sysroot).join("lib/lean/libleanshared.so"),
    )
    .unwrap();
    let lean = library.initialize_module_unpackaged("Lean").unwrap();
    let capitalize = lean
        .exported::<(LeanObject<'_>,), String>("lean_string_capitalize")
        .unwrap();
    assert_eq!(capitalize.call(text).unwrap(), "Héllo wörld");
}

#[test]
fn lean_strings_are_read_in_place_and_passed_back() {
    use lean_rs::{LeanLibrary, LeanObject, LeanString};
    let runtime = rt();
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("built against a sysroot");
    let library = LeanLibrary::open_globally(
        runtime,
        std::path::Path::new(sysroot).join("lib/lean/libleanshared.so"),
    )
    .unwrap();
    let lean = library.initialize_module_unpackaged("Lean").unwrap();
    let capitalize = lean
        .exported::<(&str,), LeanString<'_>>("lean_string_capitalize")
        .unwrap();
    let text = capitalize.call("unïcode 𝔸 text").unwrap();
    assert_eq!(text.as_str(), "Unïcode 𝔸 text");
    assert_eq!(text.chars().count(), 14, "derefs to str");
    assert_eq!(text.to_string(), "Unïcode 𝔸 text");
    // Passed back to Lean as the same object, and read again.
    let again = lean
        .exported::<(LeanString<'_>,), LeanString<'_>>("lean_string_capitalize")
        .unwrap();
    let clone = text.clone();
    assert_eq!(again.call(text).unwrap(), "Unïcode 𝔸 text");
    assert_eq!(String::from(clone), "Unïcode 𝔸 text");
    // A value that is not a String is refused when decoded, not when read.
    let number = LeanObject::new(runtime, 5u64).unwrap();
    assert!(number.decode::<LeanString<'_>>().is_err());
    let big = LeanObject::new(runtime, "x".repeat(1 << 20)).unwrap();
    assert_eq!(big.decode::<LeanString<'_>>().unwrap().len(), 1 << 20);
}
