//! The interop ABI table (`shims/lean-rs-interop-shims/abi/lean-rs-interop-shims.abi.json`)
//! is the one statement of the C helpers' prototypes: `scripts/lean-check` compares it with
//! the C the real Lean compiler emits for their `@[extern]` declarations, and this test
//! compares it with what this crate builds and calls: the definitions in
//! `csrc/interop_callback.c` and the `extern "C"` declarations in `src/callback/trampoline.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn crate_file(rel: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// `(returns, params)` by symbol, C spelling, from the table's `extern` rows.
fn table_helpers() -> BTreeMap<String, (String, Vec<String>)> {
    let text = crate_file("shims/lean-rs-interop-shims/abi/lean-rs-interop-shims.abi.json");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["kind"] == "extern")
        .map(|row| {
            let params = row["c"]["params"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_owned())
                .collect();
            (
                row["symbol"].as_str().unwrap().to_owned(),
                (row["c"]["returns"].as_str().unwrap().to_owned(), params),
            )
        })
        .collect()
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
fn c_definition(src: &str, symbol: &str) -> (String, Vec<String>) {
    let flat: String = src.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = flat
        .find(&format!(" {symbol}("))
        .unwrap_or_else(|| panic!("{symbol} is not defined in csrc/interop_callback.c"));
    let returns = flat[..at].split_whitespace().last().unwrap().to_owned();
    let open = at + symbol.len() + 2;
    let close = open + flat[open..].find(')').unwrap();
    let params = flat[open..close].split(',').map(c_param_type).collect();
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
fn rust_declaration(src: &str, symbol: &str) -> (String, Vec<String>) {
    let flat: String = src.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = flat
        .find(&format!("fn {symbol}("))
        .unwrap_or_else(|| panic!("{symbol} is not declared in src/callback/trampoline.rs"));
    let open = at + symbol.len() + 4;
    let close = open + flat[open..].find(')').unwrap();
    let params = flat[open..close]
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| rust_to_c(p.split_once(':').unwrap().1))
        .collect();
    let rest = &flat[close + 1..];
    let returns = rest
        .trim_start()
        .strip_prefix("->")
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    (rust_to_c(returns), params)
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
