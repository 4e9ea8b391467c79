//! Lean 4 in a supervised child process.
//!
//! [`LeanWorker`] starts a worker child through a [`LeanWorkerLauncher`] (the local default
//! runs the shipped `lean-rs-worker-child` binary), verifies its handshake, opens Lean
//! capabilities in it by build manifest, and runs requests with a deadline: typed export calls
//! ([`LeanWorker::call`], checked in the child against the manifest's recorded C signatures),
//! text/JSON commands ([`LeanWorkerJsonCommand`]) and live row streams
//! ([`LeanWorkerStreamingCommand`], rows committed only after the terminal success). A child
//! that panics, aborts, overflows its stack, is killed, or breaks the protocol becomes a typed
//! [`LeanWorkerError`]; the parent never crashes, and the next request starts a new child.
//!
//! [`LeanWorkerCapabilityBuilder`] checks a capability before any request (artifacts, exports
//! and their signatures, the handshake, metadata and doctor exports) and opens a worker with
//! it; [`LeanWorkerImportPlanner`] groups Lake module work into batches a
//! [`LeanWorkerPool`] lease can serve with one warm session.
//!
//! The protocol is private and versioned: length-prefixed frames with a bounded size on two
//! dedicated pipes, so output a Lean export writes to stdout or stderr cannot corrupt it (that
//! output is kept as a bounded diagnostic tail).

mod array;
mod capability;
mod cgroup;
mod child;
mod command;
mod error;
#[doc(hidden)]
pub mod __fault {
    pub use crate::fault::run_fault_child;
}
mod fault;
mod launcher;
mod observe;
mod planner;
mod pool;
mod protocol;
mod remote;
mod session;
mod slurm;
mod value;
mod worker;

pub use array::{
    LeanWorkerArrayBatch, LeanWorkerArrayCommand, LeanWorkerArrayModule, LeanWorkerArrayPlan,
    LeanWorkerArrayReport, LeanWorkerArrayRow, LeanWorkerSlurmArray, read_committed_rows,
    run_array_task,
};
pub use capability::{
    LeanWorkerBootstrapCheck, LeanWorkerBootstrapCode, LeanWorkerBootstrapError,
    LeanWorkerBootstrapReport, LeanWorkerCapabilityBuilder, LeanWorkerCapabilityDoctorReport,
    LeanWorkerCapabilityMetadata, LeanWorkerCapabilityWorker, LeanWorkerDoctorCheck,
    LeanWorkerHealth, LeanWorkerMetadataExpectation, LeanWorkerRestartPolicy,
};
pub use child::run_worker_child;
pub use command::{
    LeanWorkerCommitBuffer, LeanWorkerJsonCommand, LeanWorkerRowSink, LeanWorkerStreamingCommand,
};
pub use error::{
    LeanWorkerError, LeanWorkerExitStatus, LeanWorkerFatalExit, LeanWorkerFatalKind,
    LeanWorkerMemoryEvidence, LeanWorkerRestartReason, LeanWorkerResult, LeanWorkerSchedulerKill,
    WORKER_ERROR_MESSAGE_LIMIT,
};
pub use launcher::{
    LeanWorkerChildControl, LeanWorkerLaunch, LeanWorkerLauncher, LeanWorkerLocalLauncher,
    LeanWorkerPlacement, LeanWorkerTransport, WORKER_CHILD_ENV,
};
pub use observe::{
    LeanWorkerDiagnostic, LeanWorkerDiagnosticSink, LeanWorkerDiagnosticSource, LeanWorkerPosition,
    LeanWorkerProgressEvent, LeanWorkerProgressSink, LeanWorkerSeverity, LeanWorkerStreamObservers,
};
pub use planner::{
    LeanWorkerCapabilitySpec, LeanWorkerImportPlan, LeanWorkerImportPlanner, LeanWorkerModuleWork,
    LeanWorkerPlanDiagnostic, LeanWorkerPlannedBatch,
};
pub use pool::{
    LeanWorkerLease, LeanWorkerPool, LeanWorkerPoolConfig, LeanWorkerPoolSnapshot,
    LeanWorkerSessionKey,
};
pub use protocol::DEFAULT_MAX_FRAME_BYTES;
pub use session::{
    LeanWorkerElabFailure, LeanWorkerElabOptions, LeanWorkerElabResult, LeanWorkerEvidence,
    LeanWorkerEvidenceStatus, LeanWorkerKernelResult, LeanWorkerSession, LeanWorkerSessionConfig,
};
pub use slurm::{LeanWorkerSlurmLauncher, LeanWorkerSlurmResources};
pub use value::{LeanWorkerSignature, LeanWorkerType, LeanWorkerValue};
pub use worker::{
    LeanWorker, LeanWorkerCancellationToken, LeanWorkerCapability, LeanWorkerConfig,
    LeanWorkerRestart, LeanWorkerRowFlow, LeanWorkerRuntimeMetadata, LeanWorkerStats,
    LeanWorkerStreamSummary,
};
