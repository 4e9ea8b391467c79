//! The checked-in C header is exactly what cbindgen generates from this crate.
//! `LEAN_RS_CAPI_BLESS=1 cargo test -p lean-rs-capi --test header` rewrites it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn header_is_generated_not_hand_kept() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read the crate")
        .write(&mut generated);
    let checked_in_path = crate_dir.join("include/lean_rs_capi.h");
    if std::env::var_os("LEAN_RS_CAPI_BLESS").is_some() {
        std::fs::write(&checked_in_path, &generated).unwrap();
    }
    let checked_in = std::fs::read(&checked_in_path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} differs from cbindgen's output; rerun with LEAN_RS_CAPI_BLESS=1 and commit the header",
        checked_in_path.display()
    );
    let text = String::from_utf8(generated).unwrap();
    for needle in [
        "int32_t lean_rs_init(const LeanRsInitOptions *options, LeanRsError *err);",
        "#define LEAN_RS_ABI_VERSION 1",
        "void lean_rs_value_free(LeanRsValue *value);",
    ] {
        assert!(text.contains(needle), "header lacks `{needle}`");
    }
}
