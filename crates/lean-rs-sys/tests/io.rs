//! IO results and full initialisation: `IO.Error.toString` is Lean-compiled code from `Init`,
//! so this binary initialises with `lean_initialize` (not just the runtime module).
//!
//! Every `unsafe` block relies on the runtime having been initialised by `init_full()` and on
//! passing live objects with the ownership each callee documents.

#![allow(unsafe_code, clippy::unwrap_used, clippy::undocumented_unsafe_blocks)]

mod common;

use common::to_rust_string;
use lean_rs_sys::*;

fn init_full() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| unsafe {
        lean_initialize();
        lean_set_panic_messages(false);
        lean_init_task_manager_using(1);
        lean_io_mark_end_initialization();
    });
}

fn lean_str(s: &str) -> *mut lean_object {
    unsafe { lean_mk_string_from_bytes(s.as_ptr().cast(), s.len()) }
}

lean_rs_sys::lean_extern! {
    // `IO.FS.realPath`: fallible, so Lean returns a real IO result (ok or error).
    fn lean_io_realpath(fname: lean_obj_arg, world: lean_obj_arg) -> lean_obj_res;
}

#[test]
fn io_result_shape_matches_lean_primitives() {
    init_full();
    unsafe {
        let ok = lean_io_realpath(lean_str("/"), lean_io_mk_world());
        assert!(lean_io_result_is_ok(ok) && !lean_io_result_is_error(ok));
        assert_eq!(
            lean_ctor_num_objs(ok),
            1,
            "one field: no world token in the result"
        );
        assert_eq!(to_rust_string(lean_io_result_get_value(ok)), "/");
        let v = lean_io_result_take_value(ok);
        assert_eq!(to_rust_string(v), "/");
        lean_dec(v);

        let err = lean_io_realpath(lean_str("/definitely/not/here"), lean_io_mk_world());
        assert!(lean_io_result_is_error(err));
        assert_eq!(lean_ctor_num_objs(err), 1);
        let e = lean_io_result_get_error(err);
        lean_inc(e);
        let msg = to_rust_string(lean_io_error_to_string(e));
        assert!(msg.contains("/definitely/not/here"), "{msg}");
        lean_dec(err);

        // Our constructors build the same shape, and Lean reads them back.
        let fname = lean_str("f.txt");
        let mine = lean_io_result_mk_error(lean_decode_io_error(2, fname));
        assert_eq!(
            common::raw_rc(fname),
            2,
            "fname is borrowed; the error keeps its own reference"
        );
        assert!(lean_io_result_is_error(mine));
        assert_eq!((lean_ptr_tag(mine), lean_ctor_num_objs(mine)), (1, 1));
        let e = lean_io_result_get_error(mine);
        lean_inc(e);
        let msg = to_rust_string(lean_io_error_to_string(e));
        assert!(
            msg.contains("f.txt") && msg.to_lowercase().contains("no such file"),
            "{msg}"
        );
        // Lean prints a result we built, through its own accessors (stderr).
        lean_io_result_show_error(mine);
        lean_dec(mine);
        assert_eq!(common::raw_rc(fname), 1);
        lean_dec(fname);
        let user = lean_io_result_mk_error(lean_mk_io_user_error(lean_str("boom")));
        let e = lean_io_result_get_error(user);
        lean_inc(e);
        assert_eq!(to_rust_string(lean_io_error_to_string(e)), "boom");
        lean_dec(user);
        let ok = lean_io_result_mk_ok(lean_box(5));
        assert_eq!((lean_ptr_tag(ok), lean_ctor_num_objs(ok)), (0, 1));
        assert_eq!(lean_io_result_get_value(ok), lean_box(5));
        lean_dec(ok);
        assert_eq!(lean_io_mk_world(), lean_box(0));
    }
}

lean_rs_sys::lean_extern! {
    // Lean-compiled `@[export]` functions (resolved by lean-rs in real use; declared here only
    // to prove that `lean_initialize` brought the `Lean` package up).
    fn lean_name_mk_string(prefix: lean_obj_arg, s: lean_obj_arg) -> lean_obj_res;
    fn lean_name_eq(a: b_lean_obj_arg, b: b_lean_obj_arg) -> u8;
}

#[test]
fn full_initialisation_runs_lean_compiled_code_on_attached_threads() {
    init_full();
    let mk = || unsafe { lean_name_mk_string(lean_box(0), lean_str("lean_rs_sys")) };
    let a = mk() as usize;
    let from_thread = std::thread::spawn(move || unsafe {
        lean_initialize_thread();
        let b = mk();
        let c = lean_name_mk_string(lean_box(0), lean_str("other"));
        let result = (lean_name_eq(a as *mut lean_object, b), lean_name_eq(b, c));
        lean_dec(b);
        lean_dec(c);
        lean_finalize_thread();
        result
    })
    .join()
    .unwrap();
    assert_eq!(from_thread, (1, 0));
    unsafe { lean_dec(a as *mut lean_object) };
}
