//! Lean-to-Rust callbacks: a registry of Rust closures that Lean code can invoke synchronously
//! through an opaque handle and a crate-owned trampoline.
//!
//! Rust registers a closure for one sealed payload type and passes the two opaque `USize`
//! values from [`LeanCallbackHandle::abi_parts`] to a Lean export. Lean hands them, with the
//! payload, to a payload-specific C helper (`lean_rs_interop_tick_callback_call`,
//! `lean_rs_interop_string_callback_call`, in `csrc/interop_callback.c`), which calls the
//! trampoline. The trampoline looks the handle up, decodes the payload into an owned Rust
//! value, runs the closure with panics contained, and returns a [`LeanCallbackStatus`] byte.
//!
//! Handles are never reused, so a call through a dropped handle is detected
//! ([`LeanCallbackStatus::StaleHandle`]) instead of touching freed memory. The C helper tells
//! the trampoline which payload shape it carries, so a handle, helper and trampoline that do
//! not agree are rejected ([`LeanCallbackStatus::WrongPayload`]) before any payload argument
//! is interpreted.
//!
//! Callbacks run on the Lean thread that calls the helper and must not re-enter the Lean call
//! that is invoking them.

mod payload;
mod trampoline;

pub(crate) use trampoline::make_helpers_visible;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use crate::error::{LeanError, LeanResult};

pub use payload::{LeanCallbackPayload, LeanProgressTick, LeanStringEvent};

/// What a callback asks Lean to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeanCallbackFlow {
    /// Keep going.
    Continue,
    /// Stop cleanly; the helper returns [`LeanCallbackStatus::Stopped`].
    Stop,
}

/// The outcome of one callback invocation, as the byte the C helper returns to Lean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum LeanCallbackStatus {
    /// The callback ran and asked Lean to continue.
    Ok = 0,
    /// Lean called a handle that was already dropped.
    StaleHandle = 1,
    /// The callback panicked; the panic was contained (see [`LeanCallbackHandle::last_error`]).
    Panic = 2,
    /// The handle, helper and trampoline disagree about the payload shape, or the payload was
    /// malformed.
    WrongPayload = 3,
    /// The callback ran and asked Lean to stop.
    Stopped = 4,
}

impl LeanCallbackStatus {
    /// The status byte Lean sees.
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// Decodes a status byte returned by a Lean callback loop; `None` for unknown bytes.
    pub const fn from_u8(byte: u8) -> Option<Self> {
        match byte {
            0 => Some(Self::Ok),
            1 => Some(Self::StaleHandle),
            2 => Some(Self::Panic),
            3 => Some(Self::WrongPayload),
            4 => Some(Self::Stopped),
            _ => None,
        }
    }
}

type Callback<P> = Box<dyn Fn(P) -> LeanCallbackFlow + Send + Sync + 'static>;

/// One registration. Stored type-erased; the trampoline for `P` downcasts to `Entry<P>`, so a
/// handle registered for another payload fails the downcast.
struct Entry<P> {
    callback: Callback<P>,
    last_error: Mutex<Option<LeanError>>,
}

type ErasedEntry = Arc<dyn std::any::Any + Send + Sync>;

/// Live registrations by handle id. Ids start at 1 and are never reused.
static REGISTRY: LazyLock<Mutex<HashMap<usize, ErasedEntry>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

fn registry() -> std::sync::MutexGuard<'static, HashMap<usize, ErasedEntry>> {
    // A poisoned lock only means a panic happened while it was held; the map stays usable.
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

fn lookup(id: usize) -> Option<ErasedEntry> {
    registry().get(&id).cloned()
}

/// An RAII registration of a Rust closure that Lean may call while this value is alive.
///
/// Dropping it unregisters the closure; later calls through its handle return
/// [`LeanCallbackStatus::StaleHandle`].
pub struct LeanCallbackHandle<P: LeanCallbackPayload> {
    id: usize,
    entry: Arc<Entry<P>>,
}

impl<P: LeanCallbackPayload> std::fmt::Debug for LeanCallbackHandle<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanCallbackHandle")
            .field("id", &self.id)
            .field("payload", &P::NAME)
            .finish_non_exhaustive()
    }
}

impl<P: LeanCallbackPayload> LeanCallbackHandle<P> {
    /// Registers `callback` for payload `P`.
    pub fn register<F>(callback: F) -> LeanResult<Self>
    where
        F: Fn(P) -> LeanCallbackFlow + Send + Sync + 'static,
    {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        if id == 0 || id == usize::MAX {
            return Err(LeanError::internal("callback handle ids are exhausted"));
        }
        let entry = Arc::new(Entry {
            callback: Box::new(callback) as Callback<P>,
            last_error: Mutex::new(None),
        });
        let erased: ErasedEntry = entry.clone();
        registry().insert(id, erased);
        Ok(Self { id, entry })
    }

    /// Runs `body` with a handle for `callback`, a closure that may borrow from the caller
    /// (no `'static` or `Send` bound, only `Sync`: Lean may call it from its own threads).
    ///
    /// The registration ends when `body` returns or unwinds: the handle is unregistered and
    /// the borrow is released only after every call already running has returned, so no
    /// call ever sees the borrowed data after the scope. A call that raced the end returns
    /// [`LeanCallbackStatus::Stopped`]; later ones [`LeanCallbackStatus::StaleHandle`].
    /// `body` must not leak the handle's numbers to Lean code that outlives it expecting
    /// calls to succeed.
    pub fn scoped<F, R>(callback: &F, body: impl FnOnce(&Self) -> R) -> LeanResult<R>
    where
        F: Fn(P) -> LeanCallbackFlow + Sync,
    {
        let gate = Arc::new(std::sync::RwLock::new(true));
        // Revokes the borrow on every exit from this function, including an unwinding `body`.
        let _revoke = trampoline::BorrowGate(gate.clone());
        let handle = Self::register(trampoline::borrowed_callback(callback, gate))?;
        let result = body(&handle);
        drop(handle);
        Ok(result)
    }

    /// The opaque handle Lean passes back to the helper.
    pub fn abi_handle(&self) -> usize {
        self.id
    }

    /// The crate-owned trampoline for payload `P`, as the opaque `USize` Lean passes through.
    pub fn abi_trampoline(&self) -> usize {
        trampoline::address::<P>()
    }

    /// `(abi_handle, abi_trampoline)`, the two values a callback-taking Lean export expects.
    pub fn abi_parts(&self) -> (usize, usize) {
        (self.abi_handle(), self.abi_trampoline())
    }

    /// The error recorded by the most recent contained panic of this callback, if any.
    ///
    /// The error has stage `CallbackPanic` and code `lean_rs.internal`.
    pub fn last_error(&self) -> Option<LeanError> {
        self.entry
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl<P: LeanCallbackPayload> Drop for LeanCallbackHandle<P> {
    fn drop(&mut self) {
        registry().remove(&self.id);
    }
}
