//! The completion handle of one submitted job: blocking wait, polling, and `Future`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use super::LeanExecutorError;

/// What a worker eventually writes into a completion slot.
pub(super) type Outcome<R> = Result<R, LeanExecutorError>;

struct Slot<R> {
    outcome: Option<Outcome<R>>,
    /// Set once the outcome has been taken by `wait`/`poll`, so a second take reports it.
    taken: bool,
    waker: Option<Waker>,
}

/// State shared by a [`LeanTask`] and the worker that runs its job.
pub(super) struct Completion<R> {
    slot: Mutex<Slot<R>>,
    ready: Condvar,
}

impl<R> Completion<R> {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self {
            slot: Mutex::new(Slot {
                outcome: None,
                taken: false,
                waker: None,
            }),
            ready: Condvar::new(),
        })
    }

    /// Stores the outcome (first write wins) and wakes every waiter.
    pub(super) fn complete(&self, outcome: Outcome<R>) {
        let waker = {
            // A poisoned lock only means another thread panicked while holding it; the slot
            // is still a plain value, so keep going with it.
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.outcome.is_some() || slot.taken {
                return;
            }
            slot.outcome = Some(outcome);
            slot.waker.take()
        };
        self.ready.notify_all();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Completes a job's slot with [`LeanExecutorError::Lost`] if the job is dropped unrun (the
/// executor shut down with it queued, or the worker died).
pub(super) struct CompletionGuard<R> {
    pub(super) completion: Option<Arc<Completion<R>>>,
}

impl<R> CompletionGuard<R> {
    pub(super) fn finish(mut self, outcome: Outcome<R>) {
        if let Some(completion) = self.completion.take() {
            completion.complete(outcome);
        }
    }
}

impl<R> Drop for CompletionGuard<R> {
    fn drop(&mut self) {
        if let Some(completion) = self.completion.take() {
            completion.complete(Err(LeanExecutorError::Lost));
        }
    }
}

/// The handle of one job submitted to a [`LeanExecutor`](super::LeanExecutor).
///
/// `Send` whenever the result is, so it can be awaited or waited on from any thread. It is a
/// [`Future`]: awaiting it from an async runtime (Tokio, smol, a hand-rolled `block_on`)
/// registers a waker and never blocks the runtime's threads; the executor's worker wakes it
/// when the job finishes. [`LeanTask::wait`] blocks the calling thread instead. Dropping the
/// handle does not cancel the job; its result is discarded.
#[must_use = "a LeanTask does nothing unless waited on or awaited; drop it to discard the result"]
pub struct LeanTask<R> {
    completion: Arc<Completion<R>>,
}

impl<R> LeanTask<R> {
    pub(super) fn new(completion: Arc<Completion<R>>) -> Self {
        Self { completion }
    }

    /// Whether the job has finished (successfully, with a panic, or lost).
    pub fn is_finished(&self) -> bool {
        let slot = self
            .completion
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        slot.outcome.is_some()
    }

    /// Blocks the calling thread until the job finishes and returns its outcome.
    pub fn wait(self) -> Result<R, LeanExecutorError> {
        let mut slot = self
            .completion
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(outcome) = slot.outcome.take() {
                slot.taken = true;
                return outcome;
            }
            if slot.taken {
                return Err(LeanExecutorError::Lost);
            }
            slot = self
                .completion
                .ready
                .wait(slot)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Like [`LeanTask::wait`], but gives up after `timeout` and hands the task back.
    pub fn wait_timeout(self, timeout: Duration) -> Result<Result<R, LeanExecutorError>, Self> {
        let deadline = Instant::now() + timeout;
        {
            let mut slot = self
                .completion
                .slot
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(outcome) = slot.outcome.take() {
                    slot.taken = true;
                    return Ok(outcome);
                }
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                slot = self
                    .completion
                    .ready
                    .wait_timeout(slot, deadline - now)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        }
        Err(self)
    }
}

impl<R> Future for LeanTask<R> {
    type Output = Result<R, LeanExecutorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self
            .completion
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(outcome) = slot.outcome.take() {
            slot.taken = true;
            return Poll::Ready(outcome);
        }
        if slot.taken {
            return Poll::Ready(Err(LeanExecutorError::Lost));
        }
        match &mut slot.waker {
            Some(existing) if existing.will_wake(cx.waker()) => {}
            other => *other = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<R> std::fmt::Debug for LeanTask<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanTask")
            .field("finished", &self.is_finished())
            .finish()
    }
}
