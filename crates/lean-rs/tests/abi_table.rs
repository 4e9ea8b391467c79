//! The interop ABI table (`shims/lean-rs-interop-shims/abi/lean-rs-interop-shims.abi.json`)
//! is the one statement of the C helpers' prototypes: `scripts/lean-check` compares it with
//! the C the real Lean compiler emits for their `@[extern]` declarations, and this test
//! compares it with what this crate builds and calls: the definitions in
//! `csrc/interop_callback.c` and the `extern "C"` declarations in `src/callback/trampoline.rs`.
//!
//! A row's `c` and `borrowed` are one [`ExportSignature`], the type capability manifests record
//! exports with and safe typed lookups check against; every table of the repository is read
//! through it here, so the two cannot drift apart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use lean_rs::{CType, ExportSignature};

fn crate_file(rel: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// A table row's prototype: its `c` object plus its `borrowed` list, validated.
fn row_signature(row: &serde_json::Value) -> ExportSignature {
    let mut c = row["c"].clone();
    c["borrowed"] = row["borrowed"].clone();
    let signature: ExportSignature =
        serde_json::from_value(c).unwrap_or_else(|e| panic!("row {}: {e}", row["symbol"]));
    signature
        .validate()
        .unwrap_or_else(|e| panic!("row {}: {e}", row["symbol"]));
    signature
}

/// `(returns, params)` by symbol from the table's `extern` rows.
fn table_helpers() -> BTreeMap<String, (CType, Vec<CType>)> {
    let text = crate_file("shims/lean-rs-interop-shims/abi/lean-rs-interop-shims.abi.json");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["kind"] == "extern")
        .map(|row| {
            let signature = row_signature(row);
            (
                row["symbol"].as_str().unwrap().to_owned(),
                (signature.returns, signature.params),
            )
        })
        .collect()
}

fn c_type(spelling: &str) -> CType {
    CType::from_c(spelling).unwrap_or_else(|| panic!("`{spelling}` is not a C type of Lean's ABI"))
}

/// The C type of one parameter declaration (`size_t handle` → `size_t`). The helpers are
/// compiled without `lean.h` (a runtime-only sysroot has none), so a Lean object is passed as
/// `void *`; both are one data pointer, so they compare equal.
fn c_param_type(decl: &str) -> String {
    let decl = decl.trim();
    let ty = if let Some(star) = decl.rfind('*') {
        format!("{}*", decl[..star].trim())
    } else {
        decl.rsplit_once(char::is_whitespace)
            .unwrap()
            .0
            .trim()
            .to_owned()
    };
    if ty == "void*" {
        "lean_object*".to_owned()
    } else {
        ty
    }
}

/// `(returns, params)` of the function `symbol` as defined in C source `src`.
fn c_definition(src: &str, symbol: &str) -> (CType, Vec<CType>) {
    let flat: String = src.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = flat
        .find(&format!(" {symbol}("))
        .unwrap_or_else(|| panic!("{symbol} is not defined in csrc/interop_callback.c"));
    let returns = c_type(flat[..at].split_whitespace().last().unwrap());
    let open = at + symbol.len() + 2;
    let close = open + flat[open..].find(')').unwrap();
    let params = flat[open..close]
        .split(',')
        .map(|p| c_type(&c_param_type(p)))
        .collect();
    (returns, params)
}

/// The C spelling of a Rust FFI type as this crate writes it.
fn rust_to_c(ty: &str) -> String {
    match ty.trim() {
        "u8" => "uint8_t".into(),
        "u64" => "uint64_t".into(),
        "usize" => "size_t".into(),
        t if t.starts_with("*mut") || t.starts_with("*const") => "lean_object*".into(),
        t => panic!("no C spelling for Rust type `{t}`"),
    }
}

/// `(returns, params)` of `symbol` as declared in the `extern "C"` block of `src`.
fn rust_declaration(src: &str, symbol: &str) -> (CType, Vec<CType>) {
    let flat: String = src.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = flat
        .find(&format!("fn {symbol}("))
        .unwrap_or_else(|| panic!("{symbol} is not declared in src/callback/trampoline.rs"));
    let open = at + symbol.len() + 4;
    let close = open + flat[open..].find(')').unwrap();
    let params = flat[open..close]
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| c_type(&rust_to_c(p.split_once(':').unwrap().1)))
        .collect();
    let rest = &flat[close + 1..];
    let returns = rest
        .trim_start()
        .strip_prefix("->")
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    (c_type(&rust_to_c(returns)), params)
}

#[test]
fn every_abi_table_row_is_an_export_signature() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tables = [
        "crates/lean-rs/shims/lean-rs-interop-shims/abi/lean-rs-interop-shims.abi.json",
        "crates/lean-rs-host/shims/lean-rs-host-shims/abi/lean-rs-host-shims.abi.json",
        "fixtures/interop-shims/abi/lean-rs-interop-consumer.abi.json",
        "fixtures/verified-physics/abi/verified-physics.abi.json",
    ];
    let mut rows = 0;
    for table in tables {
        let text = fs::read_to_string(root.join(table)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for row in json["symbols"].as_array().unwrap() {
            let signature = row_signature(row);
            // The serialized form is the row's own `c` + `borrowed`, field for field.
            let back = serde_json::to_value(&signature).unwrap();
            assert_eq!(back["returns"], row["c"]["returns"], "{table}");
            assert_eq!(back["params"], row["c"]["params"], "{table}");
            assert_eq!(back["borrowed"], row["borrowed"], "{table}");
            rows += 1;
        }
    }
    assert!(rows > 30, "only {rows} rows");
}

#[test]
fn c_helpers_and_rust_declarations_match_the_interop_abi_table() {
    let helpers = table_helpers();
    assert_eq!(helpers.len(), 2, "the table lists {helpers:?}");
    let c_src = crate_file("csrc/interop_callback.c");
    let rust_src = crate_file("src/callback/trampoline.rs");
    for (symbol, want) in &helpers {
        assert_eq!(
            &c_definition(&c_src, symbol),
            want,
            "csrc/interop_callback.c: {symbol}"
        );
        assert_eq!(
            &rust_declaration(&rust_src, symbol),
            want,
            "src/callback/trampoline.rs: {symbol}"
        );
    }
}

#[test]
fn the_comparison_notices_a_changed_prototype() {
    let (symbol, want) = table_helpers().into_iter().next().unwrap();
    let c_src = crate_file("csrc/interop_callback.c").replace(
        &format!("{symbol}(size_t handle"),
        &format!("{symbol}(uint64_t handle"),
    );
    assert_ne!(c_definition(&c_src, &symbol), want);
}
