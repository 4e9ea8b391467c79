//! A misbehaving worker child for the protocol chaos tests (see `LEAN_RS_WORKER_FAULT`).

fn main() -> std::process::ExitCode {
    lean_rs_worker::__fault::run_fault_child()
}
