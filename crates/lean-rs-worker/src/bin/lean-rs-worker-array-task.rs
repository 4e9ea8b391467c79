//! One task of a lean-rs-worker Slurm job array: runs batch `$SLURM_ARRAY_TASK_ID` of a plan
//! in a local worker child and commits its rows (see `LeanWorkerSlurmArray`).

fn main() -> std::process::ExitCode {
    lean_rs_worker::run_array_task()
}
