//! The sealed family of callback payloads and how each is decoded from the C helper's
//! arguments.

#![allow(unsafe_code)]

use lean_rs_sys::lean_object;

use crate::runtime::obj::ObjRef;

/// Payload-shape tags the C helpers pass to the trampoline; must match
/// `csrc/interop_callback.c`.
pub(crate) const KIND_TICK: u8 = 1;
pub(crate) const KIND_STRING: u8 = 2;

/// Longest string payload accepted, in bytes. Larger strings are rejected as
/// [`WrongPayload`](super::LeanCallbackStatus::WrongPayload) rather than copied.
pub(crate) const STRING_PAYLOAD_LIMIT: usize = 64 * 1024 * 1024;

pub(crate) mod sealed {
    use lean_rs_sys::lean_object;

    /// Crate-private decoding half of [`LeanCallbackPayload`](super::LeanCallbackPayload).
    pub trait Sealed: Sized {
        const KIND: u8;
        /// Decodes the helper arguments; `None` when they do not form a valid payload.
        ///
        /// # Safety
        /// When `KIND` is the string kind, `object` must be null or a live Lean object
        /// borrowed for the duration of the call.
        unsafe fn decode(current: u64, total: u64, object: *mut lean_object) -> Option<Self>;
    }
}

/// A payload type a [`LeanCallbackHandle`](super::LeanCallbackHandle) can carry. Sealed: the
/// supported shapes are owned by `lean-rs`.
pub trait LeanCallbackPayload: sealed::Sealed + Send + 'static {
    /// A short name for diagnostics.
    const NAME: &'static str;
}

/// A `(current, total)` counter pair, delivered by `lean_rs_interop_tick_callback_call`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeanProgressTick {
    /// Items done so far.
    pub current: u64,
    /// Items expected in total.
    pub total: u64,
}

/// One Lean `String`, copied into an owned Rust `String` before user code runs; delivered by
/// `lean_rs_interop_string_callback_call`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LeanStringEvent {
    /// The string's contents.
    pub value: String,
}

impl sealed::Sealed for LeanProgressTick {
    const KIND: u8 = KIND_TICK;

    unsafe fn decode(current: u64, total: u64, _object: *mut lean_object) -> Option<Self> {
        Some(Self { current, total })
    }
}

impl LeanCallbackPayload for LeanProgressTick {
    const NAME: &'static str = "LeanProgressTick";
}

impl sealed::Sealed for LeanStringEvent {
    const KIND: u8 = KIND_STRING;

    unsafe fn decode(_current: u64, _total: u64, object: *mut lean_object) -> Option<Self> {
        // SAFETY: `object` is null or a live Lean object borrowed for this call (caller
        // contract); the view does not outlive it.
        let view = unsafe { ObjRef::from_borrowed_raw(object) }.ok()?;
        let text = view.string().ok()?;
        if text.len() > STRING_PAYLOAD_LIMIT {
            return None;
        }
        Some(Self {
            value: text.to_owned(),
        })
    }
}

impl LeanCallbackPayload for LeanStringEvent {
    const NAME: &'static str = "LeanStringEvent";
}
