//! Per-thread attachment: every thread other than the initialising one must be attached before
//! it allocates or runs Lean code, and detached before it exits.

crate::lean_extern! {
    /// Attaches the calling thread to the runtime.
    pub fn lean_initialize_thread();
    /// Detaches the calling thread (pairs with [`lean_initialize_thread`]).
    pub fn lean_finalize_thread();
}
