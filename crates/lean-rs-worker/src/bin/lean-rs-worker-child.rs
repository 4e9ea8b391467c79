//! The shipped worker child: the real Lean runtime behind the lean-rs-worker protocol.

fn main() -> std::process::ExitCode {
    lean_rs_worker::run_worker_child()
}
