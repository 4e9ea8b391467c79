//! Open the real Lake-built ELPI capability (`libleanelpi.so`, package `lean-elpi`) through a
//! manifest and run a query through its `@[export]`ed Lean functions.
//!
//! `cargo run -p lean-rs --example elpi -- 'app [1,2] [3] R'`

use std::path::{Path, PathBuf};

use lean_rs::{LeanBuiltCapability, LeanCapability, LeanCapabilityPreflight, LeanIo, LeanRuntime};

const PROGRAM: &str = "pred app i:list int, i:list int, o:list int.\n\
                       app [] L L.\n\
                       app [X|Xs] L [X|R] :- app Xs L R.";

/// ELPI's export signatures (docs/architecture/elpi-fixture.md).
const ELPI_EXPORTS: &str = include_str!("../tests/fixtures/elpi.exports.json");

fn fixtures() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join(".lean-rs/fixtures/elpi"))
        .find(|dir| dir.join("libleanelpi.so").is_file())
        .ok_or_else(|| "run scripts/setup first: .lean-rs/fixtures/elpi is missing".to_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let query = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "app [1,2] [3] R".to_owned());
    let fixtures = fixtures()?;
    let manifest =
        std::env::temp_dir().join(format!("lean-elpi-{}.capability.json", std::process::id()));
    std::fs::write(
        &manifest,
        serde_json::to_vec_pretty(&serde_json::json!({
            "schema": 2,
            "package": "lean-elpi",
            "module": "Elpi.Ffi",
            "dylib": fixtures.join("libleanelpi.so"),
            "dependencies": [{ "dylib": fixtures.join("libleanshared.so"), "export_symbols": true }],
            // The exports' C signatures (a build records them from the emitted C); the typed
            // lookups below are checked against them.
            "exports": serde_json::from_str::<serde_json::Value>(ELPI_EXPORTS)?,
        }))?,
    )?;
    let spec = LeanBuiltCapability::manifest_path(&manifest);
    let report = LeanCapabilityPreflight::new(spec.clone()).check();
    if let Some(problem) = report.first_error() {
        return Err(problem.to_string().into());
    }

    let runtime = LeanRuntime::init()?;
    let capability = LeanCapability::from_build_manifest(runtime, spec)?;
    std::fs::remove_file(&manifest)?;
    let module = capability.module()?;
    let version = module
        .exported::<(), String>("leanelpi_ffi_version")?
        .call()?;
    let load = module.exported::<(&str,), LeanIo<u64>>("leanelpi_ffi_load")?;
    let solve = module.exported::<(u64, &str, u64, u64), LeanIo<String>>("leanelpi_ffi_solve")?;
    let free = module.exported::<(u64,), LeanIo<()>>("leanelpi_ffi_free")?;

    println!("lean-elpi {version} via {}", module.initializer_symbol());
    let program = load.call(PROGRAM)?;
    let answer = solve.call(program, &query, 0, 0);
    free.call(program)?;
    let answer: serde_json::Value = serde_json::from_str(&answer?)?;
    for solution in answer["solutions"].as_array().into_iter().flatten() {
        println!("{}", solution["bindings"]);
    }
    println!("exhausted: {}", answer["exhausted"]);
    Ok(())
}
