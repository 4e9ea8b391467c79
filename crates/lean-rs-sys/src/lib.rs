//! Raw FFI to the Lean 4 runtime (skeleton; filled in by the Foundation work).
