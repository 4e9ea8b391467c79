//! Safe same-process hosting of the Lean 4 runtime.
//!
//! `lean-rs` brings Lean up once per process ([`LeanRuntime::init`]), attaches the threads
//! that use it ([`LeanThreadGuard`]), converts values exactly in both directions
//! ([`abi`]), and reports every failure as a typed, bounded [`LeanError`]. Every
//! Lean-derived value is tied to the runtime's `'lean` lifetime and is `!Send + !Sync`;
//! raw Lean pointers never appear in the public API.
//!
//! ```
//! use lean_rs::{LeanLibrary, LeanRuntime};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = LeanRuntime::init()?;
//! // The Lean runtime library itself carries Lean-compiled `@[export]`s.
//! let sysroot = lean_rs_sys::LEAN_SYSROOT.ok_or("built without a Lean sysroot")?;
//! let library = LeanLibrary::open_globally(runtime, format!("{sysroot}/lib/lean/libleanshared.so"))?;
//! let lean = library.initialize_module_unpackaged("Lean")?;
//! let capitalize = lean.exported::<(&str,), String>("lean_string_capitalize")?;
//! assert_eq!(capitalize.call("lean")?, "Lean");
//! # Ok(())
//! # }
//! ```

pub mod abi;
mod callback;
pub mod error;
pub mod executor;
pub mod handle;
pub mod module;
pub mod runtime;
pub mod signals;

pub use abi::{
    IntoLean, LeanAbi, LeanInt, LeanIo, LeanNat, LeanString, LeanStruct, LeanStructure, TryFromLean,
};
pub use callback::{
    LeanCallbackFlow, LeanCallbackHandle, LeanCallbackPayload, LeanCallbackStatus,
    LeanProgressTick, LeanStringEvent,
};
pub use error::{
    CapturedEvent, DiagnosticCapture, HostFailure, HostStage, LeanCancelled, LeanDiagnosticCode,
    LeanError, LeanException, LeanExceptionKind, LeanResult, bound_message,
};
pub use executor::{LeanExecutor, LeanExecutorConfig, LeanExecutorError, LeanShared, LeanTask};
pub use handle::{LeanBinderInfo, LeanDeclaration, LeanExpr, LeanLevel, LeanName, LeanObject};
pub use module::{
    CAPABILITY_MANIFEST_SCHEMA, CType, DecodeCallResult, ExportSignature, LeanArgs,
    LeanBuiltCapability, LeanCapability, LeanCapabilityCheck, LeanCapabilityPreflight,
    LeanCapabilityPreflightReport, LeanExportKind, LeanExported, LeanLibrary, LeanLibraryBundle,
    LeanLibraryDependency, LeanLoaderCode, LeanModule,
};
pub use runtime::{LeanRuntime, LeanThreadGuard};
pub use signals::{SignalAudit, SignalOptions, SignalPolicy};

/// Constructor wrappers for the sibling host crate; not part of the public API.
#[doc(hidden)]
pub mod __host_internals {
    use crate::error::LeanError;

    /// A module-initialization failure with a bounded message.
    pub fn host_module_init(message: impl Into<String>) -> LeanError {
        LeanError::module_init(message)
    }

    /// A cancellation observed before dispatch, with a bounded message.
    pub fn host_cancelled(message: impl Into<String>) -> LeanError {
        LeanError::cancelled(message)
    }

    /// A host failure at `stage` with a bounded message.
    pub fn host_error(stage: crate::error::HostStage, message: impl Into<String>) -> LeanError {
        LeanError::host(stage, message)
    }
}
