//! Session benchmarks (see docs/performance.md).
fn main() {}
