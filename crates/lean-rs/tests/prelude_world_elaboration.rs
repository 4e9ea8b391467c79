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

mod prelude_world;

use lean_rs::abi::{LeanCtorReader, LeanCtorWriter, LeanStructure};
use lean_rs::{
    LeanIo, LeanLibrary, LeanModule, LeanName, LeanObject, LeanResult, LeanRuntime, LeanStruct,
};

/// `structure Lean.Import where module : Name; importAll isExported isMeta : Bool`.
struct Import(LeanName<'static>);

impl LeanStructure<'static> for Import {
    const OBJECT_FIELDS: usize = 1;
    const SCALAR_BYTES: usize = 3;
    fn write(self, out: &mut LeanCtorWriter<'static>) -> LeanResult<()> {
        out.set(0, self.0)?;
        out.set_bool(0, false)?; // importAll
        out.set_bool(1, true)?; // isExported
        out.set_bool(2, false) // isMeta
    }
    fn read(input: &LeanCtorReader<'static, '_>) -> LeanResult<Self> {
        Ok(Self(input.get(0)?))
    }
}

/// `List.cons head tail` of a `List FilePath` (a one-field structure such as `FilePath` is
/// represented by its field, here the path's string).
struct Cons<T>(String, T);

impl<T> LeanStructure<'static> for Cons<T>
where
    T: lean_rs::IntoLean<'static> + lean_rs::TryFromLean<'static>,
{
    const TAG: u8 = 1;
    const OBJECT_FIELDS: usize = 2;
    const SCALAR_BYTES: usize = 0;
    fn write(self, out: &mut LeanCtorWriter<'static>) -> LeanResult<()> {
        out.set(0, self.0)?;
        out.set(1, self.1)
    }
    fn read(input: &LeanCtorReader<'static, '_>) -> LeanResult<Self> {
        Ok(Self(input.get(0)?, input.get(1)?))
    }
}

/// A two-element `List FilePath`.
type Path2 = LeanStruct<Cons<LeanStruct<Cons<LeanObject<'static>>>>>;

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

    /// Points Lean's search path at `dirs` (`Lean.initSearchPath (leanSysroot : FilePath)
    /// sp : SearchPath) : IO Unit`), then imports `modules` (`Lean.importModules (imports :
    /// Array Import) (opts : Options) (trustLevel : UInt32) (plugins : Array FilePath)
    /// (leakEnv loadExts : Bool) (level : OLeanLevel) (arts : NameMap ImportArtifacts) :
    /// IO Environment`), running their initializers as the `lean` frontend does.
    fn import(&self, dirs: [&std::path::Path; 2], modules: &[&str]) -> Result<Obj, String> {
        // Lean maps oleans and trusts them (a truncated one is a segfault), so every olean
        // on the search path is checked first.
        for dir in dirs {
            check_oleans(dir)?;
        }
        self.import_unchecked(dirs, modules)
            .map_err(|e| e.to_string())
    }

    fn import_unchecked(&self, dirs: [&std::path::Path; 2], modules: &[&str]) -> LeanResult<Obj> {
        let runtime = LeanRuntime::init()?;
        let [first, second] = dirs.map(|d| d.display().to_string());
        let path: Path2 = LeanStruct(Cons(first, LeanStruct(Cons(second, scalar(0)))));
        let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("built against a Lean sysroot");
        unsafe {
            self.lean
                .exported_unchecked::<(&str, Path2), LeanIo<()>>("l_Lean_initSearchPath")
        }?
        .call(sysroot, path)?;
        unsafe {
            self.lean
                .exported_unchecked::<(), ()>("lean_enable_initializer_execution")
        }?
        .call()?;
        let imports: Vec<LeanStruct<Import>> = modules
            .iter()
            .map(|m| {
                LeanName::from_components(runtime, m.split('.')).map(|n| LeanStruct(Import(n)))
            })
            .collect::<LeanResult<_>>()?;
        let opts = unsafe {
            self.lean
                .exported_unchecked::<(), Obj>("l_Lean_Options_empty")
        }?
        .call()?;
        let private_level = 2u8; // OLeanLevel: exported | server | private
        unsafe {
            self.lean.exported_unchecked::<(
                Vec<LeanStruct<Import>>,
                Obj,
                u32,
                Vec<String>,
                bool,
                bool,
                u8,
                Obj,
            ), LeanIo<Obj>>("l_Lean_importModules")
        }?
        .call(
            imports,
            opts,
            0,
            Vec::new(),
            false, // leakEnv
            true,  // loadExts: instances, notation and other extensions' imported state
            private_level,
            scalar(1),
        )
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
    // The good declarations are added; the failed theorem is not (an empty environment has
    // no `sorryAx` for Lean's error recovery to use).
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

/// A boxed scalar as an opaque value (`[]`, an empty map, …).
fn scalar(n: usize) -> Obj {
    // SAFETY: a boxed scalar is a valid Lean value that owns nothing.
    unsafe { LeanObject::from_owned_raw(LeanRuntime::init().unwrap(), lean_rs_sys::lean_box(n)) }
}

/// Checks every `.olean` below `dir` with lean-toolchain's olean check.
fn check_oleans(dir: &std::path::Path) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            check_oleans(&path)?;
        } else if path.extension().is_some_and(|e| e == "olean") {
            lean_toolchain::read_olean_header(&path).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn olean_dir(package: &str) -> std::path::PathBuf {
    let manifest = match package {
        "lean-rs-decls" => prelude_world::manifest(package, "LeanRsDecls"),
        _ => prelude_world::manifest(package, "LeanRsPrelude"),
    };
    manifest.parent().unwrap().join("olean")
}

fn snippet(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/prelude-world/decls/snippets")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn imported_decls(elab: &Elab) -> Obj {
    let dirs = [olean_dir("lean-rs-prelude"), olean_dir("lean-rs-decls")];
    elab.import([&dirs[0], &dirs[1]], &["LeanRsDecls"]).unwrap()
}

#[test]
fn prelude_world_imports_natively_built_oleans_and_finds_their_declarations() {
    let runtime = LeanRuntime::init().unwrap();
    let elab = Elab::new(runtime);
    let env = imported_decls(&elab);
    for name in [
        "Nat",                        // from the prelude
        "LeanRsDecls.double",         // a definition
        "LeanRsDecls.double_two",     // a theorem
        "LeanRsDecls.fixtureAxiom",   // an axiom
        "LeanRsDecls.unfinished",     // a theorem proved with `sorry`
        "LeanRsDecls.Point.x",        // a generated projection
        "LeanRsDecls.Color.rec",      // a generated recursor
        "LeanRsDecls.Color.casesOn",  // and its cases-on
        "LeanRsDecls.Point3.toPoint", // a generated parent projection
        "LeanRsDecls.Point3.origin_total",
    ] {
        assert!(elab.kernel_has(&env, name), "{name} imported");
    }
    assert!(!elab.kernel_has(&env, "LeanRsDecls.nowhere"));
    // Private declarations live under a mangled name, not their source name.
    assert!(!elab.kernel_has(&env, "LeanRsDecls.secretHelper"));
}

#[test]
fn prelude_world_snippets_elaborate_on_an_imported_environment() {
    let runtime = LeanRuntime::init().unwrap();
    let elab = Elab::new(runtime);
    let env = imported_decls(&elab);

    let (env, log) = elab.process(&snippet("definitions.txt"), env).unwrap();
    assert_eq!(elab.messages(&log), Vec::<String>::new());
    assert!(elab.kernel_has(&env, "snippetTriple_one"));

    let (env, log) = elab.process(&snippet("good_theorem.txt"), env).unwrap();
    assert_eq!(elab.messages(&log), Vec::<String>::new());
    assert!(elab.kernel_has(&env, "snippet_add_zero"));

    let (env, log) = elab.process(&snippet("sorry.txt"), env).unwrap();
    let messages = elab.messages(&log);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("warning"), "{messages:?}");
    assert!(messages[0].contains("sorry"), "{messages:?}");
    assert!(
        elab.kernel_has(&env, "snippet_unfinished"),
        "a sorry'd theorem is added"
    );

    let (env, log) = elab.process(&snippet("wrong_proof.txt"), env).unwrap();
    let messages = elab.messages(&log);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("Type mismatch"), "{messages:?}");
    // Lean's error recovery still adds the theorem, with a synthetic `sorry` as its proof
    // (the prelude declares `sorryAx`); the error in the log is what tells them apart.
    assert!(elab.kernel_has(&env, "snippet_wrong"));
}

#[test]
fn prelude_world_a_truncated_olean_fails_the_import_with_leans_error_not_a_crash() {
    let runtime = LeanRuntime::init().unwrap();
    let elab = Elab::new(runtime);
    let copy = tempfile::tempdir().unwrap();
    let src = olean_dir("lean-rs-decls");
    for rel in [
        "LeanRsDecls.olean",
        "LeanRsDecls/Basic.olean",
        "LeanRsDecls/Theorems.olean",
        "LeanRsDecls/Structures.olean",
    ] {
        let to = copy.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(rel), &to).unwrap();
    }
    let basic = copy.path().join("LeanRsDecls/Basic.olean");
    let bytes = std::fs::read(&basic).unwrap();
    std::fs::write(&basic, &bytes[..bytes.len() / 2]).unwrap();
    let prelude = olean_dir("lean-rs-prelude");
    let msg = elab
        .import([&prelude, copy.path()], &["LeanRsDecls"])
        .unwrap_err();
    assert!(msg.contains("Basic.olean"), "names the file: {msg}");
    assert!(msg.contains("truncated"), "{msg}");
}
