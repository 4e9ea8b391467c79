//! `LeanShared`: one Lean value shared by the executor's workers, marked multi-threaded.

#![allow(unsafe_code)] // owns a raw Lean reference and releases it through the executor

use std::sync::{Arc, Weak};

use lean_rs_sys::lean_object;

use super::{LeanExecutor, Shared, current_worker_executor};
use crate::LeanObject;
use crate::runtime::LeanRuntime;

/// A Lean value that several workers of one [`LeanExecutor`] may use at the same time.
///
/// Lean reference counts are plain (non-atomic) until an object is marked multi-threaded;
/// sharing an unmarked object between threads corrupts its counts (measured: wrong results
/// in 9 of 20 runs). [`LeanShared::new`] calls `lean_mark_mt` on the value (which marks
/// everything reachable from it), after which every count change is atomic. The handle is
/// `Send + Sync` and can be cloned and moved into jobs; [`LeanShared::get`] gives a worker
/// its own owned [`LeanObject`]. The final reference is released on a worker of the
/// executor (or leaked if that executor is gone, which is safe).
pub struct LeanShared {
    raw: *mut lean_object,
    executor: u64,
    release_to: Weak<Shared>,
}

// SAFETY: `raw` is marked multi-threaded before a `LeanShared` exists, so Lean updates its
// reference count atomically; it is only dereferenced (`lean_inc`/`lean_dec`) on threads
// attached to the runtime (the executor's workers: `get` requires being on one, and `Drop`
// hands the release to one).
unsafe impl Send for LeanShared {}
// SAFETY: as for `Send`; `&LeanShared` offers only `get`, which checks the calling thread.
unsafe impl Sync for LeanShared {}

impl LeanShared {
    /// Marks `value` multi-threaded and wraps it for sharing among `executor`'s workers.
    ///
    /// Call it on a worker of `executor` (inside a job): Lean values exist only there.
    pub fn new(executor: &LeanExecutor, value: LeanObject<'_>) -> Self {
        let raw = value.into_owned_raw();
        // SAFETY: `raw` is a live object owned by us (taken from the handle); marking it MT
        // is what makes the later cross-thread count changes sound. Scalars are ignored by
        // Lean's `lean_mark_mt`.
        unsafe { lean_rs_sys::lean_mark_mt(raw) };
        Self {
            raw,
            executor: executor.shared().id,
            release_to: Arc::downgrade(executor.shared()),
        }
    }

    /// A new owned reference for use on the calling worker, or `None` when the caller is not
    /// a worker of the executor this value belongs to.
    pub fn get<'lean>(&self, runtime: &'lean LeanRuntime) -> Option<LeanObject<'lean>> {
        if current_worker_executor() != Some(self.executor) {
            return None;
        }
        // SAFETY: the caller is an attached worker; the object is MT, so the increment is
        // atomic, and the new reference moves into the returned handle.
        unsafe {
            lean_rs_sys::lean_inc(self.raw);
            Some(LeanObject::from_owned_raw(runtime, self.raw))
        }
    }
}

impl Clone for LeanShared {
    fn clone(&self) -> Self {
        // SAFETY: MT object: `lean_inc_ref` on it is an atomic increment, valid from any
        // thread (no per-thread allocator state is touched by an increment).
        unsafe { lean_rs_sys::lean_inc(self.raw) };
        Self {
            raw: self.raw,
            executor: self.executor,
            release_to: self.release_to.clone(),
        }
    }
}

/// The raw pointer, as a `Send` value for the release job.
struct Release(*mut lean_object);
// SAFETY: the pointer is an MT object's reference being handed to a worker to release.
unsafe impl Send for Release {}

impl Drop for LeanShared {
    fn drop(&mut self) {
        let release = Release(self.raw);
        if current_worker_executor() == Some(self.executor) {
            // SAFETY: an attached worker releases the reference it owns.
            unsafe { lean_rs_sys::lean_dec(release.0) };
            return;
        }
        if let Some(shared) = self.release_to.upgrade() {
            let job = Box::new(move |_: &'static LeanRuntime| {
                let release = release;
                // SAFETY: runs on a worker (attached); the reference was owned by the
                // dropped handle and moves here.
                unsafe { lean_rs_sys::lean_dec(release.0) };
            });
            // Closed executor: the reference leaks, which is safe.
            let _ = shared.push_unbounded(job);
        }
    }
}

impl std::fmt::Debug for LeanShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanShared")
            .field("executor", &self.executor)
            .finish_non_exhaustive()
    }
}
