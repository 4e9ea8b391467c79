//! Embeds an rpath to the Lean library directory `lean-rs-sys` linked against, so this
//! package's test binaries and benches find `libleanshared` without `LD_LIBRARY_PATH`, and
//! exports lean-rs's C callback helpers from them (the real host shims' progress ticks call
//! `lean_rs_interop_tick_callback_call`).

fn main() {
    println!("cargo:rerun-if-env-changed=DOCS_RS");
    if lean_toolchain::is_docs_rs() {
        return;
    }
    lean_toolchain::emit_interop_callback_exports();
    println!("cargo:rerun-if-env-changed=DEP_LEANSHARED_LIBDIR");
    if let Some(dir) = std::env::var_os("DEP_LEANSHARED_LIBDIR") {
        let dir = dir.to_string_lossy();
        if !dir.is_empty() {
            // Only binaries linked by this package; downstream binaries choose their own layout.
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
    }
}
