//! Cooperative cancellation: a shared flag checked at host-owned boundaries.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use lean_rs::LeanResult;

use crate::host::errors;

/// A one-way cancellation flag. Clone it into the thread that may cancel; pass
/// `Some(&token)` to a session operation on the Lean thread. The operation checks it before
/// entering Lean and, on bulk paths, between items; it cannot interrupt Lean mid-call.
#[derive(Clone, Debug, Default)]
pub struct LeanCancellationToken {
    flag: Arc<AtomicBool>,
}

impl LeanCancellationToken {
    /// A fresh, not-cancelled token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation (idempotent, from any thread).
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Release);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }
}

/// Fails with `LeanError::Cancelled` (`lean_rs.cancelled`) when `token` is cancelled.
pub(crate) fn check(token: Option<&LeanCancellationToken>, operation: &str) -> LeanResult<()> {
    match token {
        Some(t) if t.is_cancelled() => {
            tracing::debug!(target: "lean_rs_host", operation, "cancelled");
            Err(errors::cancelled(format!("{operation} was cancelled")))
        }
        _ => Ok(()),
    }
}
