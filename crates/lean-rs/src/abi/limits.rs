//! A guard on conversion sizes.
//!
//! Every conversion that copies a string, a byte array or an array between Rust and Lean
//! checks its size against process-wide limits first, and refuses an oversized value with a
//! `lean_rs.resource_exhausted` error instead of allocating for it. The defaults are far above
//! what legitimate values reach on ordinary machines, so they mainly stop a corrupt or hostile
//! length; a host that handles untrusted input (a worker, a C caller) lowers them.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{LeanError, LeanResult};

/// The limits every conversion checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeanConversionLimits {
    /// Most bytes of one `String` or `ByteArray` (default 4 GiB).
    pub max_bytes: usize,
    /// Most elements of one `Array` (default 2^28).
    pub max_elements: usize,
}

impl Default for LeanConversionLimits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_elements: DEFAULT_MAX_ELEMENTS,
        }
    }
}

const DEFAULT_MAX_BYTES: usize = 1 << 32;
const DEFAULT_MAX_ELEMENTS: usize = 1 << 28;

static MAX_BYTES: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_BYTES);
static MAX_ELEMENTS: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_ELEMENTS);

/// Sets the process-wide conversion limits (every thread, from the next conversion on).
pub fn set_conversion_limits(limits: LeanConversionLimits) {
    MAX_BYTES.store(limits.max_bytes, Ordering::Relaxed);
    MAX_ELEMENTS.store(limits.max_elements, Ordering::Relaxed);
}

/// The limits in force.
pub fn conversion_limits() -> LeanConversionLimits {
    LeanConversionLimits {
        max_bytes: MAX_BYTES.load(Ordering::Relaxed),
        max_elements: MAX_ELEMENTS.load(Ordering::Relaxed),
    }
}

/// Refuses a `what` of `len` bytes over the byte limit.
#[inline]
pub(crate) fn check_bytes(what: &str, len: usize) -> LeanResult<()> {
    let max = MAX_BYTES.load(Ordering::Relaxed);
    if len > max {
        return Err(exhausted(what, len, max, "bytes"));
    }
    Ok(())
}

/// Refuses a `what` of `len` elements over the element limit.
#[inline]
pub(crate) fn check_elements(what: &str, len: usize) -> LeanResult<()> {
    let max = MAX_ELEMENTS.load(Ordering::Relaxed);
    if len > max {
        return Err(exhausted(what, len, max, "elements"));
    }
    Ok(())
}

#[cold]
fn exhausted(what: &str, len: usize, max: usize, unit: &str) -> LeanError {
    LeanError::resource_exhausted(format!(
        "{what} of {len} {unit} exceeds the conversion limit of {max} {unit}; raise it with lean_rs::abi::set_conversion_limits if the value is legitimate"
    ))
}
