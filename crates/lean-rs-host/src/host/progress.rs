//! Structured progress for long-running session operations.
//!
//! A [`LeanProgressSink`] is called synchronously on the Lean thread. Per-item Rust loops
//! report at each item boundary (where cancellation is also checked); Lean-side `_progress`
//! exports report through lean-rs's tick callback, which this module forwards to the sink of
//! the call in flight on the current thread.

use std::cell::Cell;
use std::time::{Duration, Instant};

use lean_rs::{LeanCallbackFlow, LeanCallbackHandle, LeanProgressTick, LeanResult};

use crate::host::cancellation::LeanCancellationToken;

/// One progress observation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeanProgressEvent {
    /// The operation, e.g. `"query_declarations_bulk"`.
    pub phase: &'static str,
    /// Items done.
    pub current: u64,
    /// Items expected, when known.
    pub total: Option<u64>,
    /// Time since the operation started.
    pub elapsed: Duration,
}

/// Receives progress events. Must not re-enter the session (it is called inside a call).
pub trait LeanProgressSink {
    /// One event.
    fn report(&self, event: LeanProgressEvent);
}

impl<F: Fn(LeanProgressEvent)> LeanProgressSink for F {
    fn report(&self, event: LeanProgressEvent) {
        self(event);
    }
}

/// A progress reporter for one operation.
pub(crate) struct Progress<'a> {
    sink: Option<&'a dyn LeanProgressSink>,
    phase: &'static str,
    start: Instant,
}

impl<'a> Progress<'a> {
    pub(crate) fn new(sink: Option<&'a dyn LeanProgressSink>, phase: &'static str) -> Self {
        Self {
            sink,
            phase,
            start: Instant::now(),
        }
    }

    pub(crate) fn is_active(&self) -> bool {
        self.sink.is_some()
    }

    pub(crate) fn report(&self, current: u64, total: Option<u64>) {
        if let Some(sink) = self.sink {
            sink.report(LeanProgressEvent {
                phase: self.phase,
                current,
                total,
                elapsed: self.start.elapsed(),
            });
        }
    }
}

/// What the tick callback forwards to, for the call in flight on this thread.
#[derive(Clone, Copy)]
struct Active {
    progress: *const Progress<'static>,
    token: *const LeanCancellationToken,
}

thread_local! {
    static ACTIVE: Cell<Option<Active>> = const { Cell::new(None) };
}

/// A registered tick callback plus the thread-local routing to `progress` for the duration
/// of one Lean call.
pub(crate) struct TickRoute<'p, 'a> {
    handle: LeanCallbackHandle<LeanProgressTick>,
    previous: Option<Active>,
    _progress: std::marker::PhantomData<(&'p Progress<'a>, &'p LeanCancellationToken)>,
}

impl<'p, 'a> TickRoute<'p, 'a> {
    /// Routes ticks to `progress` (and checks `token`) until dropped.
    pub(crate) fn install(
        progress: &'p Progress<'a>,
        token: Option<&'p LeanCancellationToken>,
    ) -> LeanResult<Self> {
        let handle = LeanCallbackHandle::<LeanProgressTick>::register(forward)?;
        let active = Active {
            progress: std::ptr::from_ref(progress).cast::<Progress<'static>>(),
            token: token.map_or(std::ptr::null(), std::ptr::from_ref),
        };
        let previous = ACTIVE.with(|a| a.replace(Some(active)));
        Ok(Self {
            handle,
            previous,
            _progress: std::marker::PhantomData,
        })
    }

    /// `(handle, trampoline)` for a `_progress` export.
    pub(crate) fn abi_parts(&self) -> (usize, usize) {
        self.handle.abi_parts()
    }
}

impl Drop for TickRoute<'_, '_> {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.set(self.previous));
    }
}

fn forward(tick: LeanProgressTick) -> LeanCallbackFlow {
    let Some(active) = ACTIVE.with(Cell::get) else {
        // A tick from a thread with no call in flight: nothing to report to.
        return LeanCallbackFlow::Continue;
    };
    #[allow(unsafe_code)]
    // SAFETY: `active` was installed by a `TickRoute` on this thread and is removed by its
    // drop; the route borrows the progress and token for its whole life, and the tick helper
    // runs synchronously inside the Lean call the route spans, so both pointers are live.
    let (progress, token) = unsafe { (&*active.progress, active.token.as_ref()) };
    progress.report(tick.current, Some(tick.total));
    if token.is_some_and(LeanCancellationToken::is_cancelled) {
        LeanCallbackFlow::Stop
    } else {
        LeanCallbackFlow::Continue
    }
}
