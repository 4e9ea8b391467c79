//! Gives the cdylib an rpath to the `libleanshared` that `lean-rs-sys` linked, so a C or
//! C++ host that loads it finds the Lean runtime without `LD_LIBRARY_PATH`.

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_LEANSHARED_LIBDIR");
    if let Some(dir) = std::env::var_os("DEP_LEANSHARED_LIBDIR") {
        let dir = dir.to_string_lossy();
        if !dir.is_empty() {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-rpath,{dir}");
            println!("cargo:rustc-link-arg-tests=-Wl,-rpath,{dir}");
        }
    }
}
