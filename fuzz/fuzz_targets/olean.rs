//! `read_olean_header` / `check_olean` on a file holding the input.
//! Oracle: no panic; a header that reads back checks against its own version and commit.
#![no_main]

use lean_toolchain::{check_olean, read_olean_header};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(path) = lean_rs_fuzz::scratch_file(data) else {
        return;
    };
    match read_olean_header(&path) {
        Ok(header) => {
            assert!(
                check_olean(&path, &header.lean_version, &header.commit).is_ok(),
                "a readable header does not check against itself: {header:?}"
            );
            let other = format!("{}-other", header.lean_version);
            assert!(check_olean(&path, &other, &header.commit).is_err());
        }
        Err(e) => {
            let _ = (e.code(), e.to_string());
            assert!(check_olean(&path, "4.35.0", "").is_err());
        }
    }
});
