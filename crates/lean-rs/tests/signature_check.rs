//! Tier 1: safe typed lookups are checked against the C signature the Lean compiler produced,
//! against the real 4.35.0 `libleanshared`.
//!
//! * The reproduction that used to crash (`l_Char_isAlpha : Char → Bool`, C
//!   `uint8_t (uint32_t)`, requested as `String → String`) is a typed mismatch and no call
//!   happens; the right request works.
//! * Every row of `LIBLEANSHARED_EXPORTS` names a symbol the real library defines and is
//!   exercised here by a real typed call with exactly the row's types.
//! * A symbol with no recorded signature is its own typed error; the unsafe lookup still works.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails loudly

use std::collections::BTreeSet;
use std::path::PathBuf;

use lean_rs::module::{LIBLEANSHARED_EXPORTS, LIBLEANSHARED_TABLE_VERSION, requested_signature};
use lean_rs::{
    CType, ExportSignature, LeanAbi, LeanDiagnosticCode, LeanExpr, LeanIo, LeanLibrary, LeanModule,
    LeanRuntime,
};
use num_bigint::BigUint;

fn libleanshared() -> PathBuf {
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("lean-rs-sys was built without a sysroot");
    PathBuf::from(sysroot).join("lib/lean/libleanshared.so")
}

fn with_lean(f: impl FnOnce(&LeanModule<'static, '_>)) {
    let runtime = LeanRuntime::init().unwrap();
    let library = LeanLibrary::open_globally(runtime, libleanshared()).unwrap();
    let lean = library.initialize_module_unpackaged("Lean").unwrap();
    f(&lean);
}

#[test]
fn the_user_reproduction_is_a_signature_mismatch_and_nothing_is_called() {
    assert_eq!(
        lean_rs_sys::LEAN_RESOLVED_VERSION,
        LIBLEANSHARED_TABLE_VERSION
    );
    with_lean(|lean| {
        // Before the check this handle was handed out and `.call("abc")` crashed (SIGSEGV):
        // the string object's address went in as a `uint32_t` and the `uint8_t` answer was
        // decoded as a `lean_object*`. Now the lookup itself fails, so there is no handle and
        // no call can happen.
        let err = lean
            .exported::<(&str,), String>("l_Char_isAlpha")
            .unwrap_err();
        assert_eq!(err.code(), LeanDiagnosticCode::SignatureMismatch, "{err}");
        assert_eq!(err.code().as_str(), "lean_rs.signature_mismatch");
        let message = err.message();
        for needle in [
            "export `l_Char_isAlpha`",
            "C signature `uint8_t (uint32_t)`",
            "libleanshared exports (Lean 4.35.0)",
            "requests `lean_object* (lean_object*)`",
            "nothing was called",
            "uint32_t: char",
        ] {
            assert!(message.contains(needle), "missing {needle:?} in: {message}");
        }
        // Other wrong requests: arity, width, result.
        for err in [
            lean.exported::<(char, char), bool>("l_Char_isAlpha")
                .map(drop),
            lean.exported::<(u64,), bool>("l_Char_isAlpha").map(drop),
            lean.exported::<(char,), u32>("l_Char_isAlpha").map(drop),
            lean.exported::<(char,), LeanIo<bool>>("l_Char_isAlpha")
                .map(drop),
            lean.exported::<(), bool>("l_Char_isAlpha").map(drop),
        ] {
            assert_eq!(
                err.unwrap_err().code(),
                LeanDiagnosticCode::SignatureMismatch
            );
        }

        // The right request: `Char → Bool` is `<(char,), bool>`, and it answers correctly.
        let is_alpha = lean.exported::<(char,), bool>("l_Char_isAlpha").unwrap();
        let answers: Vec<bool> = ['a', 'Z', 'm', '1', ' ', '[', '`', '{', 'é']
            .into_iter()
            .map(|c| is_alpha.call(c).unwrap())
            .collect();
        assert_eq!(
            answers,
            [true, true, true, false, false, false, false, false, false]
        );
        // `u8`/`i8` share `uint8_t` with `bool`, `u32`/`i32` share `uint32_t` with `char`.
        let raw = lean.exported::<(u32,), u8>("l_Char_isAlpha").unwrap();
        assert_eq!(raw.call(u32::from('q')).unwrap(), 1);
    });
}

/// Calls the export of `row` with the types its signature says, and checks real answers.
fn exercise(lean: &LeanModule<'static, '_>, symbol: &str) {
    match symbol {
        "lean_string_capitalize" => {
            let f = lean.exported::<(&str,), String>(symbol).unwrap();
            assert_eq!(f.call("lean").unwrap(), "Lean");
            assert_eq!(f.call("").unwrap(), "");
        }
        "l_String_toNat_x3f" => {
            let f = lean.exported::<(&str,), Option<BigUint>>(symbol).unwrap();
            let big = "340282366920938463463374607431768211457";
            assert_eq!(f.call(big).unwrap(), Some(big.parse().unwrap()));
            assert_eq!(f.call("x1").unwrap(), None);
        }
        "l_Char_isAlpha" => {
            let f = lean.exported::<(char,), bool>(symbol).unwrap();
            assert!(f.call('x').unwrap());
            assert!(!f.call('7').unwrap());
        }
        "l_Array_reverse___redArg" => {
            let f = lean.exported::<(Vec<u64>,), Vec<u64>>(symbol).unwrap();
            assert_eq!(f.call(vec![1, 2, u64::MAX]).unwrap(), [u64::MAX, 2, 1]);
            let g = lean
                .exported::<(Vec<String>,), Vec<String>>(symbol)
                .unwrap();
            assert_eq!(
                g.call(vec!["a".into(), "b".into()]).unwrap(),
                ["b".to_owned(), "a".to_owned()]
            );
        }
        other => panic!("table row `{other}` is not exercised by this test: add a real call"),
    }
}

#[test]
fn every_libleanshared_table_row_is_present_and_called_with_its_types() {
    with_lean(|lean| {
        let library = lean.library();
        let mut exercised = BTreeSet::new();
        for row in LIBLEANSHARED_EXPORTS {
            assert!(
                library.has_symbol(row.symbol),
                "{} is not in {}",
                row.symbol,
                library.path().display()
            );
            exercise(lean, row.symbol);
            exercised.insert(row.symbol);
        }
        assert_eq!(exercised.len(), LIBLEANSHARED_EXPORTS.len());
    });
}

#[test]
fn an_export_without_a_recorded_signature_is_a_distinct_error() {
    with_lean(|lean| {
        // `Char.isDigit : Char → Bool` is in libleanshared but not in the table.
        let err = lean
            .exported::<(char,), bool>("l_Char_isDigit")
            .unwrap_err();
        assert_eq!(err.code(), LeanDiagnosticCode::SignatureUnknown, "{err}");
        assert_eq!(err.code().as_str(), "lean_rs.signature_unknown");
        for needle in [
            "`l_Char_isDigit`",
            "requested `uint8_t (uint32_t)`",
            "an export of the libleanshared this process runs (Lean 4.35.0)",
            "table of libleanshared signatures (4.35.0) does not list it",
            "exported_unchecked",
        ] {
            assert!(err.message().contains(needle), "missing {needle:?}: {err}");
        }
        // A missing symbol is still a lookup error, before any signature question.
        let err = lean
            .exported::<(char,), bool>("l_No_such_export")
            .unwrap_err();
        assert_eq!(err.code(), LeanDiagnosticCode::SymbolLookup, "{err}");

        // The caller who knows the signature takes responsibility for it.
        // SAFETY: `Char.isDigit : Char → Bool` compiles to `uint8_t (uint32_t)` like
        // `Char.isAlpha` (same Lean type; no objects involved).
        #[allow(unsafe_code)]
        let is_digit =
            unsafe { lean.exported_unchecked::<(char,), bool>("l_Char_isDigit") }.unwrap();
        assert!(is_digit.call('7').unwrap());
        assert!(!is_digit.call('x').unwrap());
    });
}

#[test]
fn requested_signatures_come_from_each_types_c_type() {
    use CType::*;
    assert_eq!(<bool as LeanAbi>::C_TYPE, U8);
    assert_eq!(<i8 as LeanAbi>::C_TYPE, U8);
    assert_eq!(<u16 as LeanAbi>::C_TYPE, U16);
    assert_eq!(<char as LeanAbi>::C_TYPE, U32);
    assert_eq!(<i64 as LeanAbi>::C_TYPE, U64);
    assert_eq!(<isize as LeanAbi>::C_TYPE, Usize);
    assert_eq!(<f64 as LeanAbi>::C_TYPE, F64);
    assert_eq!(<f32 as LeanAbi>::C_TYPE, F32);
    assert_eq!(<() as LeanAbi>::C_TYPE, Object);
    assert_eq!(<String as LeanAbi>::C_TYPE, Object);
    assert_eq!(<Option<u8> as LeanAbi>::C_TYPE, Object);
    assert_eq!(<(u8, u64) as LeanAbi>::C_TYPE, Object);
    assert_eq!(<LeanExpr<'static> as LeanAbi>::C_TYPE, Object);

    assert_eq!(
        requested_signature::<(&str,), String>(),
        ExportSignature::new(Object, [Object])
    );
    assert_eq!(
        requested_signature::<(char,), bool>().to_string(),
        "uint8_t (uint32_t)"
    );
    assert_eq!(
        requested_signature::<(u64, &str, f64, f32, usize, u16), LeanIo<()>>(),
        ExportSignature::new(Object, [U64, Object, F64, F32, Usize, U16])
    );
    assert_eq!(
        requested_signature::<(), f64>(),
        ExportSignature::new(F64, [])
    );
}
