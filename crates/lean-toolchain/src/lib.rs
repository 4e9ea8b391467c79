//! Lean toolchain discovery (skeleton).
