//! Attaching OS threads that Lean did not start.

#![allow(unsafe_code)]

use std::cell::Cell;
use std::marker::PhantomData;

use super::LeanRuntime;

thread_local! {
    /// Live `LeanThreadGuard`s on this thread.
    static ATTACH_DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Whether this thread ran `LeanRuntime::init` (and so is attached for life).
    static INIT_THREAD: Cell<bool> = const { Cell::new(false) };
}

pub(super) fn mark_init_thread() {
    INIT_THREAD.with(|flag| flag.set(true));
}

/// Whether the calling thread may call into Lean right now (used by debug builds and tests).
#[cfg(any(debug_assertions, test))]
pub(crate) fn is_attached() -> bool {
    INIT_THREAD.with(Cell::get) || ATTACH_DEPTH.with(Cell::get) > 0
}

/// Debug-build check at every Lean dispatch funnel: Lean's per-thread state (allocator
/// heap, task context) must exist before any Lean code runs on this thread.
#[inline]
#[track_caller]
pub(crate) fn debug_assert_attached() {
    #[cfg(debug_assertions)]
    {
        // Deliberate: a missing guard is a programming error with no recoverable value to
        // return, and Lean would otherwise touch uninitialized per-thread state.
        assert!(
            is_attached(),
            "lean-rs: Lean work dispatched from a thread that is not attached; \
             hold a LeanThreadGuard::attach(runtime) on this thread first"
        );
    }
}

/// RAII attachment of the current OS thread to the Lean runtime.
///
/// Every thread that Lean did not start, other than the one that ran
/// [`LeanRuntime::init`], must hold a guard while it does Lean work. Guards nest: only the
/// outermost one initializes and finalizes Lean's per-thread state. `!Send`, so a guard is
/// always dropped on the thread that created it.
#[must_use = "the thread is detached again when the guard is dropped"]
pub struct LeanThreadGuard<'lean> {
    _runtime: PhantomData<&'lean LeanRuntime>,
    _not_send: PhantomData<*mut ()>,
}

impl<'lean> LeanThreadGuard<'lean> {
    /// Attaches the calling thread (or deepens an existing attachment).
    pub fn attach(runtime: &'lean LeanRuntime) -> Self {
        let _ = runtime;
        let outermost = ATTACH_DEPTH.with(|depth| {
            let current = depth.get();
            depth.set(current.saturating_add(1));
            current == 0
        });
        if outermost && !INIT_THREAD.with(Cell::get) {
            // SAFETY: the runtime is initialized (witnessed by `runtime`), and this is the
            // first live guard on this thread, so Lean's per-thread state is not yet set up
            // here; the matching finalize runs in `Drop` on this same thread (`!Send`).
            unsafe { lean_rs_sys::lean_initialize_thread() };
            tracing::debug!(target: "lean_rs", "thread attached to the Lean runtime");
        }
        Self {
            _runtime: PhantomData,
            _not_send: PhantomData,
        }
    }

    /// How many guards are live on the calling thread.
    pub fn depth() -> usize {
        ATTACH_DEPTH.with(Cell::get)
    }
}

impl Drop for LeanThreadGuard<'_> {
    fn drop(&mut self) {
        let last = ATTACH_DEPTH.with(|depth| {
            let current = depth.get().saturating_sub(1);
            depth.set(current);
            current == 0
        });
        if last && !INIT_THREAD.with(Cell::get) {
            // SAFETY: this guard was the outermost one on this thread (guards cannot move
            // between threads), so the matching `lean_initialize_thread` ran here.
            unsafe { lean_rs_sys::lean_finalize_thread() };
        }
    }
}

impl std::fmt::Debug for LeanThreadGuard<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanThreadGuard")
            .field("depth", &Self::depth())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn nested_guards_balance_on_worker_threads() {
        LeanRuntime::init().unwrap();
        std::thread::spawn(|| {
            let runtime = LeanRuntime::init().unwrap();
            assert!(!is_attached());
            {
                let _outer = LeanThreadGuard::attach(runtime);
                {
                    let _inner = LeanThreadGuard::attach(runtime);
                    assert_eq!(LeanThreadGuard::depth(), 2);
                }
                assert_eq!(LeanThreadGuard::depth(), 1);
                assert!(is_attached());
            }
            assert_eq!(LeanThreadGuard::depth(), 0);
            assert!(!is_attached());
            // Re-attaching after a full detach works.
            let _again = LeanThreadGuard::attach(runtime);
            assert!(is_attached());
        })
        .join()
        .unwrap();
    }

    #[test]
    fn the_init_thread_is_attached_for_life() {
        let runtime = LeanRuntime::init().unwrap();
        // Either this thread ran the init, or another test thread did; a guard makes it
        // attached regardless, and dropping the guard must not detach an init thread.
        let was_init = INIT_THREAD.with(Cell::get);
        drop(LeanThreadGuard::attach(runtime));
        assert_eq!(is_attached(), was_init);
    }
}
