//! The export-prototype reader against C the real Lean compiler emitted.
//!
//! `tests/emitted_c/ExportSigs.lean` is a `prelude` module (the runtime-only sysroot has no
//! `Init`) whose exports cover every C type of Lean's ABI. The test compiles it with the
//! provisioned 4.35.0 `bin/lean -c` and reads the prototypes; `ExportSigs.c` is that output,
//! captured, so the file reader is also exercised on a fixed input. Bad input — truncated,
//! oversized, garbage, not UTF-8 — is a typed error, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails loudly

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use lean_toolchain::lake::{
    CExportKind, CType, EMITTED_C_LIMIT, EmittedExports, ExportSignature, SignatureError,
    export_signatures, extract_exports, extract_exports_from_file,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/emitted_c")
        .join(name)
}

fn emit_c(dir: &Path) -> String {
    let out = dir.join("ExportSigs.c");
    let lean = common::real_sysroot().join("bin/lean");
    // Run beside the source, so the module (and its initializer) is named `ExportSigs`.
    let status = Command::new(&lean)
        .current_dir(data(""))
        .arg("-c")
        .arg(&out)
        .arg("ExportSigs.lean")
        .status()
        .unwrap();
    assert!(status.success(), "{} -c failed: {status}", lean.display());
    std::fs::read_to_string(out).unwrap()
}

fn declared_count(text: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with("LEAN_EXPORT "))
        .count()
}

fn sig(returns: CType, params: &[CType]) -> ExportSignature {
    ExportSignature::new(returns, params)
}

fn check_expected(emitted: &EmittedExports) {
    use CType::*;
    let found = &emitted.exports;
    let mut many = vec![Object; 17];
    many.push(U8);
    let expected = [
        ("sig_not", sig(U8, &[U8])),
        ("sig_keep", sig(Object, &[Object, Object])),
        (
            "sig_scalars",
            sig(U8, &[U8, U16, U32, U64, Usize, F64, F32, Object]),
        ),
        ("sig_float", sig(F64, &[F64])),
        ("sig_u32", sig(U32, &[U32, U64])),
        // `@&` leaves no trace in emitted C (and is dropped on exports).
        ("sig_borrow", sig(Object, &[Object, Object])),
        ("l_inner", sig(Object, &[Object, Object])),
        ("initialize_ExportSigs", sig(Object, &[U8])),
        ("sig_many", sig(Object, &many)),
    ];
    for (symbol, signature) in expected {
        let export = found
            .get(symbol)
            .unwrap_or_else(|| panic!("{symbol} not found"));
        assert_eq!(export.kind, CExportKind::Function, "{symbol}");
        assert_eq!(export.signature, signature, "{symbol}");
    }
    let global = &found["sig_const"];
    assert_eq!(global.kind, CExportKind::Global);
    assert_eq!(global.signature, sig(Object, &[]));
    assert_eq!(found["l_Unit_unit"].kind, CExportKind::Global);
    assert!(found.values().all(|e| e.signature.borrowed.is_empty()));
    // The argument-array entry point of a function with more than 16 parameters is skipped,
    // once for its prototype and once for its definition.
    let skipped: Vec<String> = emitted.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].contains(
            "`l_many___boxed` takes as parameter 0 the unsupported C type `lean_object**`"
        ),
        "{skipped:?}"
    );
    assert!(!found.contains_key("l_many___boxed"));
}

#[test]
fn reads_every_export_of_freshly_emitted_c() {
    let dir = tempfile::tempdir().unwrap();
    let text = emit_c(dir.path());
    let found = extract_exports(&text).unwrap();
    check_expected(&found);
    // Every symbol on a LEAN_EXPORT line was read or skipped, none lost.
    let declared: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("LEAN_EXPORT "))
        .map(|l| {
            let head = l.split(['(', ';', '=']).next().unwrap().trim_end();
            head.rsplit([' ', '*']).next().unwrap()
        })
        .collect();
    let mut accounted: BTreeSet<&str> = found.exports.keys().map(String::as_str).collect();
    for skipped in &found.skipped {
        let SignatureError::Unsupported { symbol, .. } = skipped else {
            panic!("{skipped:?}")
        };
        accounted.insert(symbol);
    }
    assert_eq!(declared, accounted);
    // The captured sample is what this compiler emits today.
    let captured = extract_exports_from_file(&data("ExportSigs.c")).unwrap();
    assert_eq!(captured, found);
    let signatures = export_signatures(&found);
    assert_eq!(
        signatures["sig_u32"].to_string(),
        "uint32_t (uint32_t, uint64_t)"
    );
}

#[test]
fn bad_emitted_c_is_a_typed_error() {
    let text = std::fs::read_to_string(data("ExportSigs.c")).unwrap();
    check_expected(&extract_exports(&text).unwrap());

    // Truncated in the middle of a prototype.
    let at = text.find("LEAN_EXPORT uint8_t sig_scalars(").unwrap() + 40;
    let err = extract_exports(&text[..at]).unwrap_err();
    assert!(matches!(err, SignatureError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("not closed"), "{err}");

    // Cut at every byte of the prototype block: an error or a subset, never a panic.
    let block_end = text
        .find("LEAN_EXPORT uint8_t sig_not(uint8_t v_x")
        .unwrap();
    for cut in (0..block_end).filter(|&c| text.is_char_boundary(c)) {
        if let Ok(found) = extract_exports(&text[..cut]) {
            assert!(found.exports.len() <= declared_count(&text));
        }
    }

    // A prototype edited to an unsupported type or to another one: either way it now
    // disagrees with its definition.
    let edited = text.replacen(
        "LEAN_EXPORT double sig_float(double);",
        "LEAN_EXPORT long double sig_float(double);",
        1,
    );
    let err = extract_exports(&edited).unwrap_err();
    assert!(
        matches!(err, SignatureError::Conflict { ref symbol, .. } if symbol == "sig_float"),
        "{err:?}"
    );
    assert!(err.to_string().contains("`long double`"), "{err}");
    let edited = text.replacen(
        "LEAN_EXPORT double sig_float(double);",
        "LEAN_EXPORT double sig_float(float);",
        1,
    );
    let err = extract_exports(&edited).unwrap_err();
    assert!(
        matches!(err, SignatureError::Conflict { ref symbol, .. } if symbol == "sig_float"),
        "{err:?}"
    );

    // Garbage without LEAN_EXPORT lines has no exports; garbage on such a line is an error.
    assert_eq!(
        extract_exports("\u{0}\u{1}}{;(*&^%\nLEAN_EXPORT\n").unwrap(),
        EmittedExports::default(),
        "`LEAN_EXPORT` without a declaration after it is not an export line"
    );
    for line in [
        "LEAN_EXPORT ;",
        "LEAN_EXPORT )(",
        "LEAN_EXPORT lean_object* f((lean_object*);",
        "LEAN_EXPORT lean_object* f(lean_object*)(",
        "LEAN_EXPORT lean_object* = 3;",
    ] {
        let result = extract_exports(line);
        assert!(
            matches!(result, Err(SignatureError::Malformed { line: 1, .. })),
            "{line}: {result:?}"
        );
    }

    // Oversized text and files.
    let huge = " ".repeat(EMITTED_C_LIMIT + 1);
    assert_eq!(extract_exports(&huge), Err(SignatureError::TooLarge));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.c");
    std::fs::write(&path, &huge).unwrap();
    assert_eq!(
        extract_exports_from_file(&path),
        Err(SignatureError::TooLarge)
    );
    // Not UTF-8, and absent.
    std::fs::write(&path, b"LEAN_EXPORT uint8_t f(uint8_t);\n\xff\xfe").unwrap();
    assert!(matches!(
        extract_exports_from_file(&path),
        Err(SignatureError::Unreadable(_))
    ));
    assert!(matches!(
        extract_exports_from_file(&dir.path().join("absent.c")),
        Err(SignatureError::Unreadable(_))
    ));
}
