//! Embeds an rpath to the Lean library directory that `lean-rs-sys` linked against, so test
//! binaries and examples find `libleanshared` without `LD_LIBRARY_PATH`.

fn main() {
    println!("cargo:rerun-if-env-changed=DOCS_RS");
    println!("cargo:rerun-if-env-changed=DEP_LEANSHARED_LIBDIR");
    if std::env::var_os("DOCS_RS").is_some() {
        return;
    }
    // The C callback helpers Lean code calls (see csrc/interop_callback.c); lean.h-free.
    println!("cargo:rerun-if-changed=csrc/interop_callback.c");
    cc::Build::new()
        .file("csrc/interop_callback.c")
        .warnings(true)
        .compile("lean_rs_interop_callback");
    // Export the C callback helpers from this package's binaries (tests, examples, benches) so
    // a Lean shim dylib opened at run time can call them. Downstream binaries that load such a
    // shim without compiling the helper into it need the same two linker flags.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        for helper in [
            "lean_rs_interop_tick_callback_call",
            "lean_rs_interop_string_callback_call",
        ] {
            println!("cargo:rustc-link-arg=-Wl,--export-dynamic-symbol={helper}");
        }
    }
    if let Some(dir) = std::env::var_os("DEP_LEANSHARED_LIBDIR") {
        let dir = dir.to_string_lossy();
        if !dir.is_empty() {
            // Applies only to binaries linked by this package (unit and integration tests,
            // examples, benches); downstream binaries choose their own deployment layout.
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
    }
}
