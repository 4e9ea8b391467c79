//! Process-level runtime initialisation. These entry points are exported by `libleanshared`
//! but not declared in `lean.h`; signatures follow the runtime sources.
//!
//! Order: `lean_initialize_runtime_module` (runtime objects only) or `lean_initialize` (also the
//! compiled `Init`/`Std`/`Lean` packages), once per process; then optionally
//! `lean_init_task_manager`; then each module initializer; then
//! `lean_io_mark_end_initialization`.

use core::ffi::{c_char, c_int};

crate::lean_extern! {
    /// Initialises the bare runtime (allocator, threads, `IO`), enough for runtime objects.
    pub fn lean_initialize_runtime_module();
    /// Initialises the runtime and every module of the bundled `Lean` package.
    pub fn lean_initialize();
    /// Starts the task manager with one worker per hardware thread.
    pub fn lean_init_task_manager();
    /// Starts the task manager with `num_workers` workers.
    pub fn lean_init_task_manager_using(num_workers: u32);
    /// Stops the task manager.
    pub fn lean_finalize_task_manager();
    /// Ends the initialisation phase (`IO.initializing` turns false). There is no way back:
    /// Lean offers no call that turns the phase on again.
    pub fn lean_io_mark_end_initialization();
    /// `IO.initializing`: whether the initialisation phase is still on.
    pub fn lean_io_initializing() -> bool;
    /// Sets Lean's "importing" flag (a `BaseIO Unit` returning `lean_box(0)`). Lean's importer
    /// sets it while it runs imported modules' initializers; C code that runs initializers
    /// after the phase sets it around them the same way. Single-threaded use only.
    pub fn lean_set_initializing(importing: bool) -> *mut crate::lean_object;
    /// Whether Lean prints panic messages.
    pub fn lean_set_panic_messages(flag: bool);
    /// Whether a Lean panic exits the process.
    pub fn lean_set_exit_on_panic(flag: bool);
    /// Records the process arguments for `IO.appPath` etc.; `argv` must outlive every reader.
    pub fn lean_setup_args(argc: c_int, argv: *mut *mut c_char) -> *mut *mut c_char;
}
