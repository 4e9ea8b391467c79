//! Tier 1, prelude world: the order of Lean's initialization phase and capability
//! initializers, with module initializers that check the real flags Lean's registration
//! functions check (`fixtures/prelude-world/init-order`, natively compiled). Each test runs in
//! its own process (nextest), so each sees a fresh runtime.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod prelude_world;

use lean_rs::{LeanBuiltCapability, LeanCapability, LeanDiagnosticCode, LeanRuntime};

const PACKAGE: &str = "lean-rs-init-order";

fn capability(runtime: &'static LeanRuntime) -> LeanCapability<'static> {
    let manifest = prelude_world::manifest(PACKAGE, "InitOrder");
    LeanCapability::from_build_manifest(runtime, LeanBuiltCapability::manifest_path(manifest))
        .unwrap()
}

#[test]
fn prelude_world_initialize_declarations_run_after_the_phase_with_the_importing_flag() {
    let runtime = LeanRuntime::init().unwrap();
    assert!(!runtime.is_initialization_phase());
    let cap = capability(runtime);
    // The root imports `InitOrder.Extension`, whose `@[init]` fails unless
    // `Lean.initializing` holds: lean-rs raises Lean's importing flag around it.
    let module = cap.module().unwrap();
    // Outside the initializer the flag is down again.
    let now = module
        .exported::<(), bool>("lean_rs_init_order_lean_initializing")
        .unwrap();
    assert!(!now.call().unwrap());
}

#[test]
fn prelude_world_a_builtin_initializer_after_the_phase_is_refused_with_the_fix() {
    let runtime = LeanRuntime::init().unwrap();
    let cap = capability(runtime);
    let err = cap
        .bundle()
        .initialize_module(PACKAGE, "InitOrder.Builtin")
        .unwrap_err();
    assert_eq!(err.code(), LeanDiagnosticCode::ModuleInit);
    let msg = err.message();
    assert!(
        msg.contains("builtin declarations can only be registered during initialization"),
        "Lean's own message: {msg}"
    );
    assert!(msg.contains("LeanRuntime::init_with"), "the fix: {msg}");
}

#[test]
fn prelude_world_the_startup_hook_runs_builtin_initializers_inside_the_phase() {
    let (runtime, cap) = LeanRuntime::init_with(|runtime| {
        assert!(runtime.is_initialization_phase());
        let cap = capability(runtime);
        cap.bundle()
            .initialize_module(PACKAGE, "InitOrder.Builtin")?;
        cap.module()?;
        Ok(cap)
    })
    .unwrap();
    assert!(!runtime.is_initialization_phase());
    // The builtin module is part of the same library, whose manifest records its exports.
    let module = cap.module().unwrap();
    let ready = module
        .exported::<(u64,), u64>("lean_rs_init_order_builtin_ready")
        .unwrap();
    assert_eq!(ready.call(41).unwrap(), 41);
}
