//! Start Lean in this process and call functions Lean compiled into `libleanshared`.
//!
//! `cargo run -p lean-rs --example hello`

use std::path::PathBuf;

use lean_rs::{LeanLibrary, LeanRuntime};
use num_bigint::BigUint;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = LeanRuntime::init()?;
    let sysroot =
        lean_rs_sys::LEAN_SYSROOT.ok_or("lean-rs-sys was built without a Lean sysroot")?;
    let library = LeanLibrary::open_globally(
        runtime,
        PathBuf::from(sysroot).join("lib/lean/libleanshared.so"),
    )?;
    // Lean's own modules were initialized by `LeanRuntime::init`; this just hands us the module.
    let lean = library.initialize_module_unpackaged("Lean")?;

    let capitalize = lean.exported::<(&str,), String>("lean_string_capitalize")?;
    println!("{}", capitalize.call("hello from Lean")?);

    let to_nat = lean.exported::<(&str,), Option<BigUint>>("l_String_toNat_x3f")?;
    let big = to_nat.call("340282366920938463463374607431768211457")?;
    println!(
        "String.toNat? parsed 2^128 + 1 = {}",
        big.map_or_else(|| "none".to_owned(), |n| n.to_string())
    );
    println!(
        "Lean {} ({})",
        lean_rs_sys::LEAN_RESOLVED_VERSION,
        lean_rs_sys::LEAN_SYSROOT_KIND
    );
    Ok(())
}
