//! Builds the C callback helpers twice: into this crate (static, exported from this package's
//! own binaries) and as a small shared library whose path the runtime opens globally when the
//! running binary does not export them, so downstream binaries need no linker flags.

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
    build_interop_library();
    // Export the C callback helpers from this package's binaries (tests, examples, benches) so
    // a Lean shim dylib opened at run time can call them; the list lives in lean-toolchain,
    // which every other package with such binaries calls too.
    lean_toolchain::emit_interop_callback_exports();
}

/// `liblean_rs_interop.so` in `OUT_DIR`, its path in `LEAN_RS_INTEROP_LIB` for the crate.
fn build_interop_library() {
    let Some(out) = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from) else {
        return;
    };
    let name = if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        "liblean_rs_interop.dylib"
    } else {
        "liblean_rs_interop.so"
    };
    let lib = out.join(name);
    let mut command = cc::Build::new().get_compiler().to_command();
    command
        .args(["-shared", "-fPIC", "-O2", "-o"])
        .arg(&lib)
        .arg("csrc/interop_callback.c");
    match command.status() {
        Ok(status) if status.success() => {
            println!("cargo:rustc-env=LEAN_RS_INTEROP_LIB={}", lib.display());
        }
        other => println!(
            "cargo:warning=lean-rs: could not build {name} ({other:?}); Lean code that calls the callback helpers then needs them exported from the binary"
        ),
    }
}
