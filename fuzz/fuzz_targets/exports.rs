//! `extract_exports` / `parse_export_line`: the `LEAN_EXPORT` lines of Lean-emitted C.
//! Oracle: no panic; every extracted signature passes the manifest's own validation.
#![no_main]

use lean_toolchain::lake::{extract_exports, parse_export_line};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = lean_rs_fuzz::text(data);
    // The whole text (every line goes through the same line parser), then the first line
    // through the public one-line entry point.
    if let Ok(emitted) = extract_exports(&text) {
        for (symbol, signature) in emitted.signatures() {
            assert!(
                signature.validate().is_ok(),
                "extracted `{symbol}` has an invalid signature"
            );
        }
    }
    let first = text.lines().next().unwrap_or_default();
    if let Ok(Some(export)) = parse_export_line(first) {
        assert!(
            export.signature.validate().is_ok(),
            "a parsed export has an invalid signature: {first}"
        );
    }
});
