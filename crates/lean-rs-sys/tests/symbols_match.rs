//! `REQUIRED_SYMBOLS` and the `lean_extern!` blocks in `src/` (the runtime functions, resolved
//! at run time) declare exactly the same names.

#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

#[test]
fn required_symbols_match_extern_blocks() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut declared = BTreeSet::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut in_extern = false;
            let mut gated_out = false;
            for line in text.lines() {
                let t = line.trim();
                if t.starts_with("crate::lean_extern! {") {
                    in_extern = true;
                } else if in_extern && t == "}" && line.starts_with('}') {
                    in_extern = false;
                } else if in_extern && t == "#[cfg(lean_sticky_rc)]" {
                    gated_out = !cfg!(lean_sticky_rc);
                } else if in_extern && t.starts_with("pub fn lean_") {
                    let name = t["pub fn ".len()..].split('(').next().unwrap().to_owned();
                    if !std::mem::take(&mut gated_out) {
                        declared.insert(name);
                    }
                }
            }
        }
    }
    let listed: BTreeSet<String> = lean_rs_sys::REQUIRED_SYMBOLS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(
        declared.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "declared but not listed"
    );
    assert_eq!(
        listed.difference(&declared).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "listed but not declared"
    );
    assert!(declared.len() > 90, "parser found only {}", declared.len());
}
