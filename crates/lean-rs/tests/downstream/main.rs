//! A downstream program: its crate depends on nothing but lean-rs, has no build script, and
//! is run with no Lean-related environment variable.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use lean_rs::{
    LeanBuiltCapability, LeanCallbackFlow, LeanCallbackHandle, LeanCapability, LeanIo, LeanLibrary,
    LeanProgressTick, LeanRuntime,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = LeanRuntime::init()?;
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("hello") => {
            let lean = LeanLibrary::open_globally(runtime, runtime.library_path())?;
            let lean = lean.initialize_module_unpackaged("Lean")?;
            let capitalize = lean.exported::<(&str,), String>("lean_string_capitalize")?;
            println!("{}", capitalize.call("hello from downstream")?);
        }
        Some("callback") => {
            let manifest = args.get(2).ok_or("usage: callback <capability manifest>")?;
            let cap = LeanCapability::from_build_manifest(
                runtime,
                LeanBuiltCapability::manifest_path(manifest),
            )?;
            let module = cap.module()?;
            let ticks = Arc::new(AtomicU64::new(0));
            let seen = ticks.clone();
            let handle = LeanCallbackHandle::<LeanProgressTick>::register(move |tick| {
                seen.fetch_add(tick.current, Ordering::Relaxed);
                LeanCallbackFlow::Continue
            })?;
            let tick_loop =
                module.exported::<(usize, usize, u64), LeanIo<u8>>("lean_rs_shapes_tick_loop")?;
            let (h, t) = handle.abi_parts();
            let status = tick_loop.call(h, t, 10)?;
            println!("status {status} sum {}", ticks.load(Ordering::Relaxed));
        }
        _ => return Err("usage: hello | callback <manifest>".into()),
    }
    Ok(())
}
