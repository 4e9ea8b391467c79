//! The shared error model: every fallible `lean-rs` operation returns [`LeanResult`].
//!
//! [`LeanError`] has one variant per failure *owner*: Lean code that raised through its `IO`
//! error channel ([`LeanError::LeanException`]), the hosting layer itself
//! ([`LeanError::Host`]), and cooperative cancellation observed by a higher layer
//! ([`LeanError::Cancelled`]). Payloads have private fields and crate-private constructors
//! that bound every message to [`LEAN_ERROR_MESSAGE_LIMIT`] bytes, so a caller can log any
//! `LeanError` without worrying about its size.

mod capture;
mod code;
pub(crate) mod io;

use std::fmt;

pub use capture::{CapturedEvent, DIAGNOSTIC_CAPTURE_DEFAULT_CAPACITY, DiagnosticCapture};
pub use code::LeanDiagnosticCode;
pub use io::LeanExceptionKind;

/// Upper bound, in bytes, on every message carried by a [`LeanError`].
pub const LEAN_ERROR_MESSAGE_LIMIT: usize = 4096;

/// Marker appended when a message was cut at [`LEAN_ERROR_MESSAGE_LIMIT`].
const TRUNCATION_MARKER: &str = "…";

/// The result type of every fallible `lean-rs` operation.
pub type LeanResult<T> = Result<T, LeanError>;

/// Bounds `text` to at most [`LEAN_ERROR_MESSAGE_LIMIT`] bytes, cutting on a UTF-8 character
/// boundary and marking the cut with `…`.
///
/// Lean-authored strings and host messages pass through here before they are stored, so no
/// error value can carry an unbounded payload.
pub fn bound_message(text: impl Into<String>) -> String {
    let mut text = text.into();
    if text.len() <= LEAN_ERROR_MESSAGE_LIMIT {
        return text;
    }
    let mut cut = LEAN_ERROR_MESSAGE_LIMIT - TRUNCATION_MARKER.len();
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push_str(TRUNCATION_MARKER);
    text
}

/// Any failure of a `lean-rs` operation.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LeanError {
    /// Lean code raised an `IO.Error`; see [`LeanException::kind`].
    #[error(transparent)]
    LeanException(LeanException),
    /// The hosting layer failed: init, link, load, ABI conversion, a contained callback
    /// panic, or an internal invariant.
    #[error(transparent)]
    Host(HostFailure),
    /// A cooperative cancellation token was observed before dispatch.
    #[error(transparent)]
    Cancelled(LeanCancelled),
}

impl LeanError {
    /// The stable diagnostic family of this error.
    pub fn code(&self) -> LeanDiagnosticCode {
        match self {
            Self::LeanException(_) => LeanDiagnosticCode::LeanException,
            Self::Host(failure) => failure.stage().code(),
            Self::Cancelled(_) => LeanDiagnosticCode::Cancelled,
        }
    }

    /// The bounded human-readable message.
    pub fn message(&self) -> &str {
        match self {
            Self::LeanException(exc) => exc.message(),
            Self::Host(failure) => failure.message(),
            Self::Cancelled(cancelled) => cancelled.message(),
        }
    }

    pub(crate) fn host(stage: HostStage, message: impl Into<String>) -> Self {
        Self::Host(HostFailure {
            stage,
            message: bound_message(message),
        })
    }

    /// A value of the wrong Lean shape or out of the Rust type's range.
    pub(crate) fn conversion(message: impl Into<String>) -> Self {
        Self::host(HostStage::Conversion, message)
    }

    pub(crate) fn runtime_init(message: impl Into<String>) -> Self {
        Self::host(HostStage::RuntimeInit, message)
    }

    pub(crate) fn link(message: impl Into<String>) -> Self {
        Self::host(HostStage::Link, message)
    }

    pub(crate) fn module_init(message: impl Into<String>) -> Self {
        Self::host(HostStage::Load, message)
    }

    pub(crate) fn symbol(message: impl Into<String>) -> Self {
        Self::host(HostStage::Symbol, message)
    }

    /// The requested C signature of an export differs from the recorded one.
    pub(crate) fn signature_mismatch(message: impl Into<String>) -> Self {
        Self::host(HostStage::SignatureMismatch, message)
    }

    /// No recorded C signature to check a typed export lookup against.
    pub(crate) fn signature_unknown(message: impl Into<String>) -> Self {
        Self::host(HostStage::SignatureUnknown, message)
    }

    pub(crate) fn callback_panic(message: impl Into<String>) -> Self {
        Self::host(HostStage::CallbackPanic, message)
    }

    pub(crate) fn resource_exhausted(message: impl Into<String>) -> Self {
        Self::host(HostStage::ResourceExhausted, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::host(HostStage::Internal, message)
    }

    pub(crate) fn cancelled(message: impl Into<String>) -> Self {
        Self::Cancelled(LeanCancelled {
            message: bound_message(message),
        })
    }

    pub(crate) fn exception(
        kind: LeanExceptionKind,
        os_code: Option<u32>,
        filename: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::LeanException(LeanException {
            kind,
            os_code,
            filename: filename.map(bound_message),
            message: bound_message(message),
        })
    }
}

/// An `IO.Error` raised by Lean code, decoded from its real constructor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanException {
    kind: LeanExceptionKind,
    os_code: Option<u32>,
    filename: Option<String>,
    message: String,
}

impl LeanException {
    /// Which `IO.Error` constructor Lean used.
    pub fn kind(&self) -> LeanExceptionKind {
        self.kind
    }

    /// The OS error code (`errno`) the constructor carried, if it has one.
    pub fn os_code(&self) -> Option<u32> {
        self.os_code
    }

    /// The file the error is about, if the constructor carried one (bounded).
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// Lean's own rendering of the error (`IO.Error.toString`), bounded.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for LeanException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lean raised {}: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for LeanException {}

/// A failure owned by the hosting layer rather than by Lean code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostFailure {
    stage: HostStage,
    message: String,
}

impl HostFailure {
    /// Where in the hosting pipeline the failure happened.
    pub fn stage(&self) -> HostStage {
        self.stage
    }

    /// The bounded message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HostFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.stage.as_str(), self.message)
    }
}

impl std::error::Error for HostFailure {}

/// The hosting stage a [`HostFailure`] came from. Each maps to one [`LeanDiagnosticCode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostStage {
    /// Bringing the Lean runtime up or attaching a thread.
    RuntimeInit,
    /// A linkable artefact was missing or mismatched.
    Link,
    /// Opening a library or running a module initializer.
    Load,
    /// A symbol was missing or had the wrong arity.
    Symbol,
    /// A typed lookup's C signature differs from the export's recorded one.
    SignatureMismatch,
    /// A typed lookup found no recorded C signature for the export.
    SignatureUnknown,
    /// A value had the wrong Lean shape or was out of the Rust type's range.
    Conversion,
    /// A Rust callback panicked and the panic was contained.
    CallbackPanic,
    /// The requested service is not offered by the loaded Lean code.
    Unsupported,
    /// A crate-internal invariant tripped.
    Internal,
    /// A value exceeded a configured limit.
    ResourceExhausted,
}

impl HostStage {
    /// The diagnostic family this stage reports as.
    pub fn code(self) -> LeanDiagnosticCode {
        match self {
            Self::RuntimeInit => LeanDiagnosticCode::RuntimeInit,
            Self::Link => LeanDiagnosticCode::Linking,
            Self::Load => LeanDiagnosticCode::ModuleInit,
            Self::Symbol => LeanDiagnosticCode::SymbolLookup,
            Self::SignatureMismatch => LeanDiagnosticCode::SignatureMismatch,
            Self::SignatureUnknown => LeanDiagnosticCode::SignatureUnknown,
            Self::Conversion => LeanDiagnosticCode::AbiConversion,
            Self::Unsupported => LeanDiagnosticCode::Unsupported,
            Self::CallbackPanic | Self::Internal => LeanDiagnosticCode::Internal,
            Self::ResourceExhausted => LeanDiagnosticCode::ResourceExhausted,
        }
    }

    /// A short stable name used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RuntimeInit => "runtime init",
            Self::Link => "link",
            Self::Load => "module load",
            Self::Symbol => "symbol lookup",
            Self::SignatureMismatch => "signature check",
            Self::SignatureUnknown => "signature lookup",
            Self::Conversion => "ABI conversion",
            Self::CallbackPanic => "callback",
            Self::Unsupported => "service lookup",
            Self::Internal => "internal invariant",
            Self::ResourceExhausted => "resource limit",
        }
    }
}

/// A cancellation observed before a host-controlled dispatch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanCancelled {
    message: String,
}

impl LeanCancelled {
    /// The bounded message naming the cancelled operation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for LeanCancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cancelled: {}", self.message)
    }
}

impl std::error::Error for LeanCancelled {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_messages_are_kept_verbatim() {
        assert_eq!(bound_message("abc"), "abc");
        let exact = "x".repeat(LEAN_ERROR_MESSAGE_LIMIT);
        assert_eq!(bound_message(exact.clone()), exact);
    }

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        // 3-byte characters: a naive byte cut at 4096 - 3 would split one.
        let long = "€".repeat(LEAN_ERROR_MESSAGE_LIMIT);
        let bounded = bound_message(long);
        assert!(
            bounded.len() <= LEAN_ERROR_MESSAGE_LIMIT,
            "{}",
            bounded.len()
        );
        assert!(bounded.ends_with(TRUNCATION_MARKER));
        assert!(
            bounded
                .trim_end_matches(TRUNCATION_MARKER)
                .chars()
                .all(|c| c == '€')
        );
    }

    #[test]
    fn every_constructor_bounds_and_maps_to_its_code() {
        let huge = "y".repeat(10 * LEAN_ERROR_MESSAGE_LIMIT);
        let cases = [
            (
                LeanError::conversion(huge.clone()),
                LeanDiagnosticCode::AbiConversion,
            ),
            (
                LeanError::runtime_init(huge.clone()),
                LeanDiagnosticCode::RuntimeInit,
            ),
            (LeanError::link(huge.clone()), LeanDiagnosticCode::Linking),
            (
                LeanError::module_init(huge.clone()),
                LeanDiagnosticCode::ModuleInit,
            ),
            (
                LeanError::symbol(huge.clone()),
                LeanDiagnosticCode::SymbolLookup,
            ),
            (
                LeanError::signature_mismatch(huge.clone()),
                LeanDiagnosticCode::SignatureMismatch,
            ),
            (
                LeanError::signature_unknown(huge.clone()),
                LeanDiagnosticCode::SignatureUnknown,
            ),
            (
                LeanError::callback_panic(huge.clone()),
                LeanDiagnosticCode::Internal,
            ),
            (
                LeanError::internal(huge.clone()),
                LeanDiagnosticCode::Internal,
            ),
            (
                LeanError::cancelled(huge.clone()),
                LeanDiagnosticCode::Cancelled,
            ),
            (
                LeanError::exception(
                    LeanExceptionKind::UserError,
                    None,
                    Some(huge.clone()),
                    huge.clone(),
                ),
                LeanDiagnosticCode::LeanException,
            ),
        ];
        for (err, code) in cases {
            assert_eq!(err.code(), code);
            assert!(err.message().len() <= LEAN_ERROR_MESSAGE_LIMIT);
            assert!(err.to_string().len() <= LEAN_ERROR_MESSAGE_LIMIT + 64);
        }
    }

    #[test]
    fn errors_are_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<LeanError>();
        assert_traits::<LeanResult<String>>();
    }
}
