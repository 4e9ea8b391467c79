//! The host's error constructors, through lean-rs's bounded `__host_internals` seam.

use lean_rs::__host_internals as internals;
use lean_rs::HostStage;
use lean_rs::LeanError;

/// A wire value had an unexpected shape, or a requested item does not exist.
pub(crate) fn conversion(message: impl Into<String>) -> LeanError {
    internals::host_error(HostStage::Conversion, message)
}

/// Loading the shim library failed (one line, with the repair).
pub(crate) fn loader(message: impl Into<String>) -> LeanError {
    internals::host_module_init(message)
}

/// An invariant of the host broke.
pub(crate) fn internal(message: impl Into<String>) -> LeanError {
    internals::host_error(HostStage::Internal, message)
}

/// A shim export reported cancellation through its progress status.
pub(crate) fn cancelled(message: impl Into<String>) -> LeanError {
    internals::host_cancelled(message)
}
