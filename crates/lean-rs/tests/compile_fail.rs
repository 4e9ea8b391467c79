//! Pins the `!Send + !Sync` contract of every Lean-derived handle at compile time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn lean_handles_are_not_send_or_sync() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
