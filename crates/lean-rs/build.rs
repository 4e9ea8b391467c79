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
    if let Some(dir) = std::env::var_os("DEP_LEANSHARED_LIBDIR") {
        let dir = dir.to_string_lossy();
        if !dir.is_empty() {
            // Applies only to binaries linked by this package (unit and integration tests,
            // examples, benches); downstream binaries choose their own deployment layout.
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
    }
}
