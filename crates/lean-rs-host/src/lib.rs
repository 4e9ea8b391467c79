//! `lean-rs-host`: the theorem-prover host stack over [`lean_rs`].
//!
//! [`LeanHost`] says where a Lean project's outputs are and which host shim library to use;
//! [`LeanCapabilities`] is the opened shim library (the 28 mandatory + 6 optional
//! `lean_rs_host_*` exports, checked against the bundled ABI table at load); a
//! [`LeanSession`] is one imported environment, asked for declarations, elaboration, kernel
//! checks and evidence. [`SessionPool`] reuses imported environments. Optional services live
//! under [`meta`] and [`process`].
//!
//! Every Lean-bound type is `!Send + !Sync`; [`LeanCancellationToken`] and the plain result
//! types cross threads.

pub mod host;

pub use crate::host::elaboration::{
    LEAN_DIAGNOSTIC_BYTE_LIMIT_DEFAULT, LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX,
    LEAN_HEARTBEAT_LIMIT_DEFAULT, LEAN_HEARTBEAT_LIMIT_MAX, LeanDiagnostic, LeanElabFailure,
    LeanElabOptions, LeanPosition, LeanSeverity,
};
pub use crate::host::evidence::{
    EvidenceStatus, LEAN_PROOF_SUMMARY_BYTE_LIMIT, LeanEvidence, LeanKernelOutcome, ProofSummary,
};
pub use crate::host::{
    LeanCancellationToken, LeanCapabilities, LeanDeclarationFilter, LeanHost, LeanProgressEvent,
    LeanProgressSink, LeanSession, LeanSourceRange, PoolStats, PooledSession, SessionPool,
    SessionStats,
};

/// The bounded `MetaM` services (optional exports).
pub mod meta {
    pub use crate::host::meta::{
        LeanMetaOptions, LeanMetaResponse, LeanMetaService, LeanMetaTransparency, MetaCallStatus,
        MetaRequest, MetaValue, heartbeat_burn, infer_type, is_def_eq, pp_expr, whnf,
    };
}

/// The optional info-tree projection.
pub mod process {
    pub use crate::host::process::{
        CommandInfoNode, NameRefNode, ProcessOutcome, ProcessedFile, Range, TacticInfoNode,
        TermInfoNode,
    };
}

#[doc(hidden)]
pub mod __stand_in {
    //! Test support: the shim contract, for the stand-in's table check, and the stand-in's
    //! build (for this crate's tests and the worker's session-adapter tests).
    pub use crate::host::contract::{Contract, ContractRow, HOST_ABI_TABLE, HostContract};
    pub use crate::host::stand_in::{build_library, source};
}
