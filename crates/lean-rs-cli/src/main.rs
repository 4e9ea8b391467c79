//! lean-rs CLI (skeleton).
fn main() {}
