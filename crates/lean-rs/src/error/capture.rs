//! An in-process, bounded buffer of the `lean_rs` spans and events emitted on one thread.
//!
//! Tests use it to assert *where* a failure was reported without installing a global
//! subscriber. It installs itself as the calling thread's default `tracing` dispatcher and
//! restores the previous one when dropped.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::{DefaultGuard, Interest};
use tracing::{Event, Level, Metadata, Subscriber};

use super::bound_message;

/// How many entries [`DiagnosticCapture::install`] keeps before dropping the oldest.
pub const DIAGNOSTIC_CAPTURE_DEFAULT_CAPACITY: usize = 256;

/// The target prefix every `lean-rs` span and event uses.
const CAPTURED_TARGET: &str = "lean_rs";

/// One captured span opening or event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CapturedEvent {
    /// `true` when this entry records a span being opened, `false` for an event.
    pub is_span: bool,
    /// The span or event level.
    pub level: Level,
    /// The `tracing` target (always starts with `lean_rs`).
    pub target: String,
    /// The span name, or the event's callsite name.
    pub name: String,
    /// The event's `message` field, if any (bounded).
    pub message: Option<String>,
    /// The span this entry belongs to: the span itself for openings, the innermost entered
    /// span for events.
    pub span: Option<String>,
    /// Every other recorded field as `(name, rendered value)` (values bounded).
    pub fields: Vec<(String, String)>,
}

impl CapturedEvent {
    /// The rendered value of field `name`, if recorded.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct SpanRecord {
    name: &'static str,
    refs: usize,
}

struct CaptureState {
    capacity: usize,
    entries: VecDeque<CapturedEvent>,
    overflowed: usize,
    spans: HashMap<u64, SpanRecord>,
    next_id: u64,
    stack: Vec<u64>,
}

impl CaptureState {
    fn push(&mut self, entry: CapturedEvent) {
        if self.capacity == 0 {
            self.overflowed += 1;
            return;
        }
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
            self.overflowed += 1;
        }
        self.entries.push_back(entry);
    }

    fn current_span_name(&self) -> Option<String> {
        self.stack
            .last()
            .and_then(|id| self.spans.get(id))
            .map(|record| record.name.to_owned())
    }
}

fn lock(state: &Mutex<CaptureState>) -> MutexGuard<'_, CaptureState> {
    // A panic while holding the lock cannot leave the buffer structurally invalid.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Default)]
struct FieldCollector {
    message: Option<String>,
    fields: Vec<(String, String)>,
}

impl Visit for FieldCollector {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.store(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.store(field, format!("{value:?}"));
    }
}

impl FieldCollector {
    fn store(&mut self, field: &Field, value: String) {
        let value = bound_message(value);
        if field.name() == "message" {
            self.message = Some(value);
        } else {
            self.fields.push((field.name().to_owned(), value));
        }
    }
}

struct CaptureSubscriber {
    state: Arc<Mutex<CaptureState>>,
}

impl Subscriber for CaptureSubscriber {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> Interest {
        // Interest is cached process-wide; `sometimes` keeps other threads' dispatchers
        // unaffected and routes the decision to `enabled` on each call.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with(CAPTURED_TARGET)
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut collector = FieldCollector::default();
        attrs.record(&mut collector);
        let metadata = attrs.metadata();
        let mut state = lock(&self.state);
        state.next_id += 1;
        let id = state.next_id;
        state.spans.insert(
            id,
            SpanRecord {
                name: metadata.name(),
                refs: 1,
            },
        );
        state.push(CapturedEvent {
            is_span: true,
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            name: metadata.name().to_owned(),
            message: collector.message,
            span: Some(metadata.name().to_owned()),
            fields: collector.fields,
        });
        Id::from_u64(id)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut collector = FieldCollector::default();
        event.record(&mut collector);
        let metadata = event.metadata();
        let mut state = lock(&self.state);
        let span = match event.parent() {
            Some(parent) => state
                .spans
                .get(&parent.into_u64())
                .map(|r| r.name.to_owned()),
            None => state.current_span_name(),
        };
        state.push(CapturedEvent {
            is_span: false,
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            name: metadata.name().to_owned(),
            message: collector.message,
            span,
            fields: collector.fields,
        });
    }

    fn enter(&self, span: &Id) {
        lock(&self.state).stack.push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut state = lock(&self.state);
        if let Some(pos) = state.stack.iter().rposition(|id| *id == span.into_u64()) {
            state.stack.remove(pos);
        }
    }

    fn clone_span(&self, id: &Id) -> Id {
        if let Some(record) = lock(&self.state).spans.get_mut(&id.into_u64()) {
            record.refs += 1;
        }
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        let mut state = lock(&self.state);
        let key = id.into_u64();
        let closed = match state.spans.get_mut(&key) {
            Some(record) => {
                record.refs = record.refs.saturating_sub(1);
                record.refs == 0
            }
            None => false,
        };
        if closed {
            state.spans.remove(&key);
        }
        closed
    }
}

/// A thread-local capture of `lean_rs` spans and events, for tests.
///
/// Installed as the calling thread's default `tracing` dispatcher; dropping it restores the
/// previous one. Holds at most its capacity; older entries are dropped first and counted by
/// [`overflowed`](Self::overflowed). Pinned to the installing thread (`!Send`, `!Sync`).
pub struct DiagnosticCapture {
    state: Arc<Mutex<CaptureState>>,
    _guard: DefaultGuard,
    _not_send: PhantomData<*mut ()>,
}

impl DiagnosticCapture {
    /// Installs a capture with [`DIAGNOSTIC_CAPTURE_DEFAULT_CAPACITY`] entries.
    pub fn install() -> Self {
        Self::with_capacity(DIAGNOSTIC_CAPTURE_DEFAULT_CAPACITY)
    }

    /// Installs a capture that keeps at most `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        let state = Arc::new(Mutex::new(CaptureState {
            capacity,
            entries: VecDeque::with_capacity(capacity.min(4096)),
            overflowed: 0,
            spans: HashMap::new(),
            next_id: 0,
            stack: Vec::new(),
        }));
        let subscriber = CaptureSubscriber {
            state: Arc::clone(&state),
        };
        let guard = tracing::subscriber::set_default(subscriber);
        Self {
            state,
            _guard: guard,
            _not_send: PhantomData,
        }
    }

    /// A snapshot of the captured entries, oldest first.
    pub fn events(&self) -> Vec<CapturedEvent> {
        lock(&self.state).entries.iter().cloned().collect()
    }

    /// How many entries were dropped because the buffer was full.
    pub fn overflowed(&self) -> usize {
        lock(&self.state).overflowed
    }

    /// Forgets every captured entry and the overflow count.
    pub fn clear(&self) {
        let mut state = lock(&self.state);
        state.entries.clear();
        state.overflowed = 0;
    }
}

impl fmt::Debug for DiagnosticCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("DiagnosticCapture")
            .field("captured", &state.entries.len())
            .field("capacity", &state.capacity)
            .field("overflowed", &state.overflowed)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_lean_rs_spans_and_events_with_their_span() {
        let capture = DiagnosticCapture::install();
        {
            let span = tracing::debug_span!(target: "lean_rs", "lean_rs.test.outer", path = "a/b");
            let _entered = span.enter();
            tracing::warn!(target: "lean_rs", shape = "string", "inside");
        }
        tracing::info!(target: "other_crate", "ignored");
        let events = capture.events();
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events[0].is_span);
        assert_eq!(events[0].name, "lean_rs.test.outer");
        assert_eq!(events[0].field("path"), Some("a/b"));
        assert!(!events[1].is_span);
        assert_eq!(events[1].span.as_deref(), Some("lean_rs.test.outer"));
        assert_eq!(events[1].message.as_deref(), Some("inside"));
        assert_eq!(events[1].level, Level::WARN);
    }

    #[test]
    fn over_capacity_drops_oldest_and_counts() {
        let capture = DiagnosticCapture::with_capacity(3);
        for i in 0..5 {
            tracing::info!(target: "lean_rs", index = i, "tick");
        }
        let events = capture.events();
        assert_eq!(events.len(), 3);
        assert_eq!(capture.overflowed(), 2);
        assert_eq!(events[0].field("index"), Some("2"));
        capture.clear();
        assert!(capture.events().is_empty());
        assert_eq!(capture.overflowed(), 0);
    }

    #[test]
    fn drop_restores_previous_dispatcher() {
        let outer = DiagnosticCapture::install();
        {
            let inner = DiagnosticCapture::install();
            tracing::info!(target: "lean_rs", "to inner");
            assert_eq!(inner.events().len(), 1);
        }
        tracing::info!(target: "lean_rs", "to outer");
        let events = outer.events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].message.as_deref(), Some("to outer"));
    }
}
