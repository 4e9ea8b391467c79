//! Signal coexistence: what is installed, and (optionally) overflow detection that chains.
//!
//! `lean_initialize_runtime_module` installs `SIGSEGV`/`SIGBUS` handlers only where the
//! disposition is still the default, sets `SIGPIPE` to ignored for the whole process, and
//! gives the calling thread an 8 KiB alternate stack. A host that installed handlers first
//! (Mojo, the JVM, a crash reporter) keeps them; Lean's overflow detection then never runs.
//! [`SignalAudit`] shows the state before and after; `SignalPolicy` chooses whether
//! `lean-rs` leaves the handlers alone (the default) or installs its own overflow detection
//! for executor threads, which hands every fault it does not own to the handler that was
//! installed before it.

pub(crate) mod state;

mod audit;

pub use audit::{AUDITED_SIGNALS, AltStackState, Disposition, SignalAudit, SignalEntry};
pub use state::{JOB_LABEL_LIMIT, ThreadRole};
