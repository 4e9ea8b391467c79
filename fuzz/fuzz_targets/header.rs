//! The native builder's import-header reader (`native/header.rs`).
//! Oracle: no panic; a header without `prelude` imports `Init` first.
#![no_main]

use lean_toolchain::native::fuzz_parse_header;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = lean_rs_fuzz::text(data);
    if let Ok((_, prelude, imports)) = fuzz_parse_header(&text) {
        if !prelude {
            assert_eq!(imports.first().map(String::as_str), Some("Init"));
        }
        assert!(imports.iter().all(|name| !name.is_empty()));
    }
});
