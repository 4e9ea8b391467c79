//! Opaque handles to Lean's own semantic objects: names, universe levels, expressions and
//! kernel declarations.
//!
//! Every operation is delegated to a function Lean itself exports; Rust never inspects or
//! rebuilds the structure of these values.

pub struct LeanName;
pub struct LeanLevel;
pub struct LeanExpr;
pub struct LeanDeclaration;
