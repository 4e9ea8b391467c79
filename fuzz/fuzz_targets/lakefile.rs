//! The lakefile readers (`lakefile.lean` tokenizer and `lakefile.toml`), on the same text.
//! Oracle: no panic.
#![no_main]

use lean_toolchain::lake::fuzz_parse_lakefile;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = lean_rs_fuzz::text(data);
    for lean in [true, false] {
        if let Ok(lakefile) = fuzz_parse_lakefile(&text, lean) {
            for lib in &lakefile.libs {
                let _ = (lib.effective_globs(), lib.artifact_name());
            }
            let _ = lakefile.declared();
        }
    }
});
