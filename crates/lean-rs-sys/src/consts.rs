//! Constants of `lean.h` plus what `build.rs` resolved about the Lean it built against.

/// Largest constructor tag; tags above it name the special object kinds below.
pub const LeanMaxCtorTag: u8 = 243;
/// Tag of `IO.Promise` objects.
pub const LeanPromise: u8 = 244;
/// Tag of closures.
pub const LeanClosure: u8 = 245;
/// Tag of `Array` objects.
pub const LeanArray: u8 = 246;
/// Tag of structure arrays (reserved by the runtime).
pub const LeanStructArray: u8 = 247;
/// Tag of scalar arrays (`ByteArray`, `FloatArray`, ...).
pub const LeanScalarArray: u8 = 248;
/// Tag of strings.
pub const LeanString: u8 = 249;
/// Tag of big naturals/integers (GMP or Lean's own bignums).
pub const LeanMPZ: u8 = 250;
/// Tag of thunks.
pub const LeanThunk: u8 = 251;
/// Tag of tasks.
pub const LeanTask: u8 = 252;
/// Tag of `ST.Ref` cells.
pub const LeanRef: u8 = 253;
/// Tag of external objects.
pub const LeanExternal: u8 = 254;
/// Reserved tag.
pub const LeanReserved: u8 = 255;

/// Most arguments a closure can be applied to in one `lean_apply_*` call.
pub const LEAN_CLOSURE_MAX_ARGS: u32 = 16;
/// Granularity of small-object sizes.
pub const LEAN_OBJECT_SIZE_DELTA: usize = 8;
/// Largest object served by the small-object allocator.
pub const LEAN_MAX_SMALL_OBJECT_SIZE: usize = 4096;
/// Constructor field limit.
pub const LEAN_MAX_CTOR_FIELDS: u32 = 256;
/// Constructor scalar-area limit in bytes.
pub const LEAN_MAX_CTOR_SCALARS_SIZE: u32 = 1024;
/// Largest `Nat` stored unboxed (`SIZE_MAX >> 1`).
pub const LEAN_MAX_SMALL_NAT: usize = usize::MAX >> 1;
/// Largest `Int` stored unboxed on 64-bit targets (`INT_MAX`).
pub const LEAN_MAX_SMALL_INT: i64 = i32::MAX as i64;
/// Smallest `Int` stored unboxed on 64-bit targets (`INT_MIN`).
pub const LEAN_MIN_SMALL_INT: i64 = i32::MIN as i64;
/// Bit of `m_other` that marks arrays, scalar arrays and strings as linear (`markLinear`);
/// masked out of the scalar-array element size.
pub const LEAN_LINEAR_MARK_MASK: u8 = 0x80;

/// At or below this count an object is frozen for increments too ("sticky" range).
#[cfg(lean_sticky_rc)]
pub const LEAN_RC_STICKY: i32 = i32::MIN + 0x1000_0000;
/// At or below this count decrements stop adjusting the count.
#[cfg(lean_sticky_rc)]
pub const LEAN_RC_STICKY_DROP: i32 = i32::MIN + 0x2000_0000;
/// Largest increment applied inline; bigger ones go through `lean_inc_ref_huge_n`.
#[cfg(lean_sticky_rc)]
pub const LEAN_RC_INC_MAX: usize = 0x1_0000;

/// Lean version as Lean itself reported it (manifest or `lean --version`), else the version
/// resolved from the header digest. `"docs.rs"` / `"none"` for placeholder builds.
pub const LEAN_VERSION: &str = env!("LEAN_RS_SYS_VERSION");
/// The `SUPPORTED_TOOLCHAINS` version this build was matched to.
pub const LEAN_RESOLVED_VERSION: &str = env!("LEAN_RS_SYS_RESOLVED_VERSION");
/// `"full"` (has `lean.h`), `"runtime-only"` (library without headers), or a placeholder
/// (`"docs-only"`, `"none"`) when no link happens.
pub const LEAN_SYSROOT_KIND: &str = env!("LEAN_RS_SYS_SYSROOT_KIND");
/// The sysroot the crate was built against.
pub const LEAN_SYSROOT: Option<&str> = option_env!("LEAN_RS_SYS_SYSROOT");
/// Path of the `lean.h` that was hashed; `None` for runtime-only sysroots.
pub const LEAN_HEADER_PATH: Option<&str> = option_env!("LEAN_RS_SYS_HEADER_PATH");
/// SHA-256 of that `lean.h`; `None` for runtime-only sysroots.
pub const LEAN_HEADER_DIGEST: Option<&str> = option_env!("LEAN_RS_SYS_HEADER_DIGEST");
/// Commit Lean reported, when known.
pub const LEAN_COMMIT: Option<&str> = option_env!("LEAN_RS_SYS_COMMIT");
