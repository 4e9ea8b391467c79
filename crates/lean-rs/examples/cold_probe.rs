//! One-shot timings that Criterion cannot measure: runtime start-up, library open and module
//! initialization, each once per process.
//!
//! ```text
//! cargo build --release -p lean-rs --example cold_probe
//! for i in $(seq 1 10); do ./target/release/examples/cold_probe; done
//! ```
//!
//! Prints one `name=<stage> elapsed_us=<n>` line per stage.

use std::path::Path;
use std::time::Instant;

use lean_rs::{LeanLibraryBundle, LeanLibraryDependency, LeanRuntime};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join(".lean-rs/fixtures/elpi"))
        .find(|dir| dir.join("libleanelpi.so").is_file())
        .ok_or("run scripts/setup first: .lean-rs/fixtures/elpi is missing")?;

    let start = Instant::now();
    let runtime = LeanRuntime::init()?;
    report("runtime_init", start);

    let start = Instant::now();
    let bundle = LeanLibraryBundle::open(
        runtime,
        fixtures.join("libleanelpi.so"),
        [
            LeanLibraryDependency::path(fixtures.join("libleanshared.so"))
                .export_symbols_for_dependents(),
        ],
    )?;
    report("library_open", start);

    let start = Instant::now();
    let module = bundle.initialize_module("lean-elpi", "Elpi.Ffi")?;
    report("module_initialize", start);

    let start = Instant::now();
    let _again = bundle.initialize_module("lean-elpi", "Elpi.Ffi")?;
    report("module_initialize_again", start);

    let start = Instant::now();
    // A bare bundle carries no export signatures (a capability manifest would).
    // SAFETY: `leanelpi_ffi_version : String` is a nullary closed term, a `lean_object*`
    // global set by the module initializer (docs/architecture/elpi-fixture.md).
    #[allow(unsafe_code)]
    let version = unsafe { module.exported_unchecked::<(), String>("leanelpi_ffi_version") }?;
    let _ = version.call()?;
    report("first_export_call", start);
    Ok(())
}

fn report(name: &str, start: Instant) {
    println!("name={name} elapsed_us={}", start.elapsed().as_micros());
}
