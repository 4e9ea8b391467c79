//! The worker child loads Lean capabilities that call `lean-rs`'s C callback helpers; export
//! them from this package's binaries (the child, tests, benches) so they resolve there first.

fn main() {
    println!("cargo:rerun-if-env-changed=DOCS_RS");
    if lean_toolchain::is_docs_rs() {
        return;
    }
    lean_toolchain::emit_interop_callback_exports();
}
