//! The process-once Lean runtime anchor, thread attachment, and owned object handles.
//!
//! [`LeanRuntime::init`] brings Lean up once per process and returns the `&'static` token every
//! Lean-derived value borrows (`'lean`). Threads Lean did not start attach through
//! [`LeanThreadGuard`]. Everything here is `!Send + !Sync` by construction.

mod init;
pub(crate) mod obj;
mod thread;

pub(crate) mod exports;

pub use init::LeanRuntime;
pub use thread::LeanThreadGuard;
#[allow(unused_imports)] // used by the typed-call funnel in `crate::module`
pub(crate) use thread::debug_assert_attached;
