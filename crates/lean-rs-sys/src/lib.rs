//! Raw FFI to the Lean 4 runtime (`libleanshared`): the curated `extern "C"` subset of `lean.h`,
//! Rust mirrors of its `static inline` helpers, the supported-toolchain table and the
//! build-time identification of the Lean this crate was built against.
//!
//! Every item keeps its C name and is re-exported flat from the crate root
//! (`lean_rs_sys::lean_inc`), while also living in a category module.
//!
//! # Loading
//! No binary links `libleanshared`: the first runtime call, or [`load_runtime`] (which
//! `LeanRuntime::init` calls and whose error it reports), opens it at run time — see
//! [`dynamic`]. A binary that depends on lean-rs therefore starts without an rpath or
//! `LD_LIBRARY_PATH`.
//!
//! # Safety model
//! [`lean_object`] is opaque; object state is reached only through `pub unsafe fn` helpers
//! whose `# Safety` sections name their preconditions. The object layouts those helpers rely on
//! are crate-private and verified on live objects of the real runtime by this crate's tests.
//! Nothing here is safe to call before the runtime is initialised
//! ([`lean_initialize_runtime_module`] or [`lean_initialize`]) on the calling thread's process,
//! and threads other than the initialising one must call [`lean_initialize_thread`] first.
//!
//! # Version gates
//! `build.rs` emits `lean_v_X_Y_Z` for the matched toolchain row, `lean_sticky_rc` when the
//! runtime freezes overflowing reference counts, `lean_mimalloc` when small objects carry their
//! size in `m_cs_sz`, and `lean_runtime_only` for header-less sysroots. See
//! `docs/architecture/lean-rs-sys-abi.md`.
//!
//! # The `metadata-only` feature
//! Suppresses only the `cargo:rustc-link-*` directives, for build helpers that need the
//! constants without linking `libleanshared`. Cargo unifies features per build graph: if any
//! dependency edge enables it, *every* user of `lean-rs-sys` in that graph loses its link
//! directives. Enable it only on edges that never end in a binary calling Lean (for example a
//! crate used solely as a build-dependency).
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![allow(unsafe_code)]
#![allow(clippy::inline_always)]

pub mod array;
pub mod closure;
pub mod consts;
pub mod ctor;
pub mod dynamic;
pub mod external;
pub mod init;
pub mod io;
pub mod nat_int;
pub mod object;
pub(crate) mod repr;
pub mod sarray;
pub mod scalar;
pub mod string;
pub mod symbols;
pub mod thread;
pub mod toolchains;
pub mod types;

pub use array::*;
pub use closure::*;
pub use consts::*;
pub use ctor::*;
pub use dynamic::{
    BUILD_TIME_RUNTIME_LIB, RUNTIME_LIB_ENV, RUNTIME_LIB_NAME, RuntimeLoadError, load_runtime,
    runtime_library_path, runtime_symbol,
};
pub use external::*;
pub use init::*;
pub use io::*;
pub use nat_int::*;
pub use object::*;
pub use sarray::*;
pub use scalar::*;
pub use string::*;
pub use symbols::REQUIRED_SYMBOLS;
pub use thread::*;
pub use toolchains::{
    KNOWN_RUNTIME_BUILDS, KnownRuntimeBuild, SUPPORTED_TOOLCHAINS, SupportedToolchain,
};
pub use types::*;
