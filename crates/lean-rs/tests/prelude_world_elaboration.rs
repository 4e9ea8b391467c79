//! Tier 1, prelude world: Lean's real elaborator and kernel, in this process, through
//! lean-rs. `LeanRuntime::init` ends Lean's initialization phase, so environments can be
//! created; commands are elaborated by `Lean.Elab.process` (libleanshared's compiled
//! elaborator) and declarations are read back through the kernel environment.
//!
//! The test-level wrapper below calls libleanshared's compiled functions through
//! `exported_unchecked`, with the C signatures they have in the 4.35.0 binary (checked with
//! objdump: no IO world argument; every object argument consumed; `IO` results are
//! constructor 0 ok / 1 error; `BaseIO` functions return the bare value). The public,
//! checked host API over these calls is lean-rs-host's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Every `exported_unchecked` below relies on one invariant: the requested types are the
// 4.35.0 C prototype of that symbol, as read from the binary (see the module docs).
#![allow(unsafe_code, clippy::undocumented_unsafe_blocks)]

use lean_rs::{LeanIo, LeanLibrary, LeanModule, LeanName, LeanObject, LeanRuntime};

/// A libleanshared handle and the functions these tests call.
struct Elab {
    lean: LeanModule<'static, 'static>,
}

type Obj = LeanObject<'static>;

fn runtime_library() -> String {
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("built against a Lean sysroot");
    format!("{sysroot}/lib/lean/libleanshared.so")
}

impl Elab {
    fn new(runtime: &'static LeanRuntime) -> Self {
        let library = Box::leak(Box::new(
            LeanLibrary::open_globally(runtime, runtime_library()).unwrap(),
        ));
        let lean = library.initialize_module_unpackaged("Lean").unwrap();
        Self { lean }
    }

    /// `Lean.mkEmptyEnvironment (trustLevel : UInt32 := 0) : IO Environment`.
    fn empty_environment(&self) -> lean_rs::LeanResult<Obj> {
        unsafe {
            self.lean
                .exported_unchecked::<(u32,), LeanIo<Obj>>("l_Lean_mkEmptyEnvironment")
        }?
        .call(0)
    }

    /// `Lean.Elab.process (input : String) (env : Environment) (opts : Options)
    /// (fileName : Option String) : IO (Environment × MessageLog)`.
    fn process(&self, input: &str, env: Obj) -> lean_rs::LeanResult<(Obj, Obj)> {
        let opts = unsafe {
            self.lean
                .exported_unchecked::<(), Obj>("l_Lean_Options_empty")
        }?
        .call()?;
        unsafe {
            self.lean
                .exported_unchecked::<(&str, Obj, Obj, Option<String>), LeanIo<(Obj, Obj)>>(
                    "l_Lean_Elab_process",
                )
        }?
        .call(input, env, opts, Some("<test>".to_owned()))
    }

    /// Every message of a `MessageLog`, rendered by `Message.toString` (a `BaseIO String`).
    fn messages(&self, log: &Obj) -> Vec<String> {
        let to_array = unsafe {
            self.lean
                .exported_unchecked::<(Obj,), Vec<Obj>>("l_Lean_MessageLog_toArray___boxed")
        }
        .unwrap();
        let to_string = unsafe {
            self.lean
                .exported_unchecked::<(Obj, bool), String>("l_Lean_Message_toString")
        }
        .unwrap();
        to_array
            .call(log.clone())
            .unwrap()
            .into_iter()
            .map(|m| to_string.call(m, false).unwrap())
            .collect()
    }

    /// Whether `env` (an elaborator environment) has a constant `name`, asked of the kernel
    /// environment (`lean_environment_find : Kernel.Environment → Name → Option ConstantInfo`).
    fn kernel_has(&self, env: &Obj, name: &str) -> bool {
        let to_kernel = unsafe {
            self.lean
                .exported_unchecked::<(Obj,), Obj>("lean_elab_environment_to_kernel_env")
        }
        .unwrap();
        let find = unsafe {
            self.lean
                .exported_unchecked::<(Obj, LeanName<'static>), Option<Obj>>(
                    "lean_environment_find",
                )
        }
        .unwrap();
        let kenv = to_kernel.call(env.clone()).unwrap();
        let name = LeanName::from_components(env.runtime(), name.split('.')).unwrap();
        find.call(kenv, name).unwrap().is_some()
    }
}

#[test]
fn prelude_world_environments_can_be_created_after_init() {
    let runtime = LeanRuntime::init().unwrap();
    assert!(!runtime.is_initialization_phase());
    let elab = Elab::new(runtime);
    let env = elab.empty_environment().unwrap();
    assert!(!env.is_scalar());
}

#[test]
fn prelude_world_elaborates_commands_and_the_kernel_sees_them() {
    let runtime = LeanRuntime::init().unwrap();
    let elab = Elab::new(runtime);
    let env = elab.empty_environment().unwrap();
    let src = "axiom P : Prop\naxiom p : P\ntheorem t : P := p\ninductive Color where\n  | red\n  | green\n";
    let (env, log) = elab.process(src, env).unwrap();
    assert_eq!(elab.messages(&log), Vec::<String>::new());
    for name in ["P", "p", "t", "Color", "Color.red", "Color.rec"] {
        assert!(
            elab.kernel_has(&env, name),
            "{name} in the kernel environment"
        );
    }
    assert!(!elab.kernel_has(&env, "Color.blue"));
}

#[test]
fn prelude_world_a_wrong_proof_yields_leans_own_error() {
    let runtime = LeanRuntime::init().unwrap();
    let elab = Elab::new(runtime);
    let env = elab.empty_environment().unwrap();
    let src = "axiom P : Prop\naxiom Q : Prop\naxiom p : P\ntheorem wrong : Q := p\n";
    let (env, log) = elab.process(src, env).unwrap();
    let messages = elab.messages(&log);
    assert_eq!(messages.len(), 1, "{messages:?}");
    let msg = &messages[0];
    assert!(msg.starts_with("<test>:4:"), "position of the proof: {msg}");
    assert!(msg.contains("error"), "{msg}");
    assert!(msg.contains("Type mismatch"), "Lean's own wording: {msg}");
    // The failed theorem is not added; the good declarations are.
    assert!(elab.kernel_has(&env, "p"));
    assert!(!elab.kernel_has(&env, "wrong"));
}

#[test]
fn prelude_world_inside_the_startup_hook_environments_are_refused_by_lean() {
    // The order the API forbids: Lean itself refuses environments during its
    // initialization phase, and the error comes back typed, not as a crash.
    let (runtime, err) = LeanRuntime::init_with(|runtime| {
        assert!(runtime.is_initialization_phase());
        let elab = Elab::new(runtime);
        Ok(elab.empty_environment().unwrap_err())
    })
    .unwrap();
    assert!(!runtime.is_initialization_phase());
    assert!(
        err.message().contains("initialization"),
        "Lean's message: {}",
        err.message()
    );
    // After the hook the phase is over and the same call works.
    let elab = Elab::new(runtime);
    elab.empty_environment().unwrap();
    // And the hook cannot run a second time.
    let again = LeanRuntime::init_with(|_| Ok(())).unwrap_err();
    assert!(again.message().contains("already initialized"), "{again}");
}
