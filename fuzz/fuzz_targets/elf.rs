//! The preflight ELF dynamic-symbol reader of `lean-rs` on a file holding the input.
//! Oracle: no panic; only requested symbols are reported defined.
#![no_main]

const WANTED: [&str; 4] = ["initialize_Demo", "l_demo", "lean_demo_export", "f"];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(path) = lean_rs_fuzz::scratch_file(data) else {
        return;
    };
    if let Ok((defined, imports)) = lean_rs::module::fuzz_read_elf_symbols(&path, &WANTED) {
        assert!(defined.iter().all(|s| WANTED.contains(&s.as_str())));
        assert!(imports.iter().all(|s| !s.is_empty()));
    }
});
