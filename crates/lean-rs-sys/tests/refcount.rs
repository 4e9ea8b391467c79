//! Reference-count sequences on live objects, each ending with the object freed exactly once.
//! Frees are observed through an external object whose finalizer counts its calls.
//!
//! Every `unsafe` block relies on the runtime having been initialised by `init_runtime()` and
//! on passing live objects with the ownership each callee documents.

#![allow(unsafe_code, clippy::unwrap_used, clippy::undocumented_unsafe_blocks)]
// Bit-exact float and raw-offset checks are the point of these tests.
#![allow(clippy::float_cmp, clippy::cast_ptr_alignment, clippy::int_plus_one)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{init_runtime, raw_rc, write_at};
use lean_rs_sys::*;

unsafe extern "C" fn count_finalize(data: *mut core::ffi::c_void) {
    unsafe { (*data.cast::<AtomicUsize>()).fetch_add(1, Ordering::SeqCst) };
}

/// The data owns no Lean objects, so there is nothing to visit. (`lean_mark_mt` and
/// `lean_mark_persistent` call the visitor unconditionally: a null one crashes them.)
unsafe extern "C" fn visit_nothing(_data: *mut core::ffi::c_void, _f: b_lean_obj_arg) {}

/// A fresh external object (count 1) and the counter its finalizer bumps.
fn counted_external() -> (*mut lean_object, &'static AtomicUsize) {
    init_runtime();
    let counter: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));
    unsafe {
        let cls = lean_register_external_class(Some(count_finalize), Some(visit_nothing));
        let o = lean_alloc_external(cls, std::ptr::from_ref(counter).cast_mut().cast());
        (o, counter)
    }
}

#[test]
fn single_threaded_inc_dec_frees_once() {
    let (o, freed) = counted_external();
    unsafe {
        assert!(lean_is_st(o) && lean_is_exclusive(o) && !lean_is_shared(o));
        lean_inc(o);
        assert_eq!(raw_rc(o), 2);
        assert!(lean_is_shared(o) && !lean_is_exclusive(o));
        lean_inc_n(o, 3);
        assert_eq!(raw_rc(o), 5);
        lean_inc_ref(o);
        assert_eq!(raw_rc(o), 6);
        for expected in (1..6).rev() {
            lean_dec(o);
            assert_eq!(raw_rc(o), expected);
            assert_eq!(freed.load(Ordering::SeqCst), 0);
        }
        assert_eq!(lean_is_exclusive_obj(o), 1);
        lean_dec_ref(o);
    }
    assert_eq!(freed.load(Ordering::SeqCst), 1);
}

#[test]
fn scalars_are_ignored() {
    init_runtime();
    unsafe {
        lean_inc(lean_box(5));
        lean_inc_n(lean_box(5), 10);
        lean_dec(lean_box(5));
    }
}

#[test]
fn lean_created_objects_start_exclusive() {
    init_runtime();
    unsafe {
        let s = lean_mk_string(c"x".as_ptr());
        assert_eq!(raw_rc(s), 1);
        lean_inc(s);
        // Lean's own `String.append` must copy a shared string rather than mutate it.
        let t = lean_string_append(s, s);
        assert_ne!(t, s);
        assert_eq!(raw_rc(s), 1);
        assert_eq!(common::to_rust_string(t), "xx");
        lean_dec(t);
        lean_dec(s);
    }
}

#[test]
fn persistent_objects_are_never_adjusted_nor_freed() {
    let (o, freed) = counted_external();
    unsafe {
        lean_mark_persistent(o);
        assert_eq!(raw_rc(o), 0);
        assert!(lean_is_persistent(o) && !lean_has_rc(o) && !lean_is_exclusive(o));
        lean_inc(o);
        lean_inc_n(o, 7);
        lean_dec(o);
        lean_dec(o);
        assert_eq!(raw_rc(o), 0);
        assert_eq!(freed.load(Ordering::SeqCst), 0);
        // Hand it back to the ST regime to free it exactly once.
        write_at::<i32>(o, 0, 1);
        lean_dec(o);
    }
    assert_eq!(freed.load(Ordering::SeqCst), 1);
}

#[test]
fn multi_threaded_inc_dec_from_several_threads_frees_once() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 10_000;
    let (o, freed) = counted_external();
    unsafe {
        lean_mark_mt(o);
        assert_eq!(raw_rc(o), -1);
        assert!(lean_is_mt(o) && !lean_is_exclusive(o) && !lean_is_shared(o));
    }
    let addr = o as usize;
    let spawn = |body: fn(*mut lean_object)| {
        (0..THREADS)
            .map(|_| {
                std::thread::spawn(move || unsafe {
                    lean_initialize_thread();
                    body(addr as *mut lean_object);
                    lean_finalize_thread();
                })
            })
            .collect::<Vec<_>>()
    };
    for h in spawn(|o| unsafe {
        for _ in 0..ROUNDS {
            lean_inc(o);
        }
    }) {
        h.join().unwrap();
    }
    let after_incs = -1 - i32::try_from(THREADS * ROUNDS).unwrap();
    assert_eq!(unsafe { raw_rc(o) }, after_incs);
    for h in spawn(|o| unsafe {
        for _ in 0..ROUNDS {
            lean_dec(o);
        }
    }) {
        h.join().unwrap();
    }
    assert_eq!(unsafe { raw_rc(o) }, -1);
    assert_eq!(freed.load(Ordering::SeqCst), 0);
    unsafe { lean_dec(o) };
    assert_eq!(freed.load(Ordering::SeqCst), 1);
}

/// 4.35.0 freezes counts that overflow: the mirrors and the runtime's cold paths agree.
#[cfg(lean_sticky_rc)]
mod sticky {
    use super::*;

    #[test]
    fn st_overflow_wraps_into_the_frozen_band_and_never_frees() {
        let (o, freed) = counted_external();
        unsafe {
            write_at::<i32>(o, 0, i32::MAX);
            lean_inc(o);
            let frozen = raw_rc(o);
            assert!(
                frozen <= LEAN_RC_STICKY,
                "wrapped into the sticky band: {frozen:#x}"
            );
            lean_inc(o);
            assert_eq!(raw_rc(o), frozen, "MT-style increment skips frozen counts");
            lean_dec(o);
            lean_dec(o);
            assert_eq!(
                raw_rc(o),
                frozen,
                "lean_dec_ref_cold leaves frozen counts alone"
            );
            assert_eq!(freed.load(Ordering::SeqCst), 0);
            write_at::<i32>(o, 0, 1);
            lean_dec(o);
        }
        assert_eq!(freed.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn huge_increments_go_through_the_runtime() {
        let (o, freed) = counted_external();
        unsafe {
            lean_inc_n(o, LEAN_RC_INC_MAX + 1);
            assert_eq!(raw_rc(o), 1 + i32::try_from(LEAN_RC_INC_MAX + 1).unwrap());
            // An increment that cannot fit freezes the object (runtime decision).
            lean_inc_n(o, i32::MAX as usize);
            assert!(raw_rc(o) <= LEAN_RC_STICKY);
            write_at::<i32>(o, 0, 1);
            lean_dec(o);
        }
        assert_eq!(freed.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn mt_counts_in_the_drop_band_are_frozen() {
        let (o, freed) = counted_external();
        unsafe {
            lean_mark_mt(o);
            write_at::<i32>(o, 0, LEAN_RC_STICKY_DROP);
            lean_dec(o);
            assert_eq!(
                raw_rc(o),
                LEAN_RC_STICKY_DROP,
                "drops stop at LEAN_RC_STICKY_DROP"
            );
            lean_inc(o);
            assert_eq!(
                raw_rc(o),
                LEAN_RC_STICKY_DROP - 1,
                "increments continue above LEAN_RC_STICKY"
            );
            write_at::<i32>(o, 0, LEAN_RC_STICKY);
            lean_inc(o);
            assert_eq!(
                raw_rc(o),
                LEAN_RC_STICKY,
                "increments stop at LEAN_RC_STICKY"
            );
            write_at::<i32>(o, 0, -1);
            lean_dec(o);
        }
        assert_eq!(freed.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn mark_mt_of_a_huge_st_count_freezes() {
        let (o, freed) = counted_external();
        unsafe {
            write_at::<i32>(o, 0, 0x6000_0000);
            lean_mark_mt(o);
            assert_eq!(raw_rc(o), LEAN_RC_STICKY);
            write_at::<i32>(o, 0, 1);
            lean_dec(o);
        }
        assert_eq!(freed.load(Ordering::SeqCst), 1);
    }
}
