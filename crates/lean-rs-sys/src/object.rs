//! Object header, reference counting and allocation (`lean.h`: object header, `lean_inc_ref_n`
//! .. `lean_dec`, kind predicates, `lean_set_st_header`).
//!
//! # Reference-count encoding
//! `m_rc > 0`: single-threaded (ST) count, adjusted with plain (relaxed) loads and stores.
//! `m_rc < 0`: multi-threaded (MT) count stored negated, adjusted with atomic RMW.
//! `m_rc == 0`: persistent, never adjusted nor freed.
//!
//! Version gate `lean_sticky_rc` (4.35.0 runtime, and any header defining `LEAN_RC_STICKY`):
//! counts at or below [`LEAN_RC_STICKY`](crate::LEAN_RC_STICKY) are frozen. An ST increment that
//! overflows `i32::MAX` wraps into that band on purpose, MT increments skip frozen objects, and
//! increments above [`LEAN_RC_INC_MAX`](crate::LEAN_RC_INC_MAX) go to `lean_inc_ref_huge_n`.
//! Without the gate (older headers) an overflow is undefined in C; these mirrors abort instead.

use core::sync::atomic::{AtomicI32, Ordering};

use crate::consts::{LeanArray, LeanScalarArray, LeanString, LeanStructArray, LeanTask, LeanThunk};
use crate::consts::{LeanClosure, LeanExternal, LeanMPZ, LeanMaxCtorTag, LeanPromise, LeanRef};
use crate::repr::header;
use crate::scalar::lean_is_scalar;
use crate::types::lean_object;

crate::lean_extern! {
    /// Marks `o` and everything reachable from it as multi-threaded (negative counts).
    pub fn lean_mark_mt(o: *mut lean_object);
    /// Marks `o` and everything reachable from it as persistent (count 0, never freed).
    pub fn lean_mark_persistent(o: *mut lean_object);
    /// Slow path of [`lean_dec_ref`]: frees when the last reference goes, handles MT counts.
    pub fn lean_dec_ref_cold(o: *mut lean_object);
    /// Increment above `LEAN_RC_INC_MAX`: applies all of `n` or freezes the object.
    #[cfg(lean_sticky_rc)]
    pub fn lean_inc_ref_huge_n(o: *mut lean_object, n: usize);
    /// Allocates `sz` bytes of object memory (header uninitialised except `m_cs_sz`).
    pub fn lean_alloc_object(sz: usize) -> *mut lean_object;
    /// Frees the memory of `o` without touching its children.
    pub fn lean_free_object(o: *mut lean_object);
    /// Counts one allocation towards the heartbeat limit (done by small-object allocation).
    pub fn lean_inc_heartbeat();
    /// Allocated size of `o` in bytes.
    pub fn lean_object_byte_size(o: *mut lean_object) -> usize;
}

/// Aborts the process: a reference count or allocation size left the representable range.
/// Unwinding is not an option here (callers may be inside Lean frames).
#[cold]
#[inline(never)]
pub(crate) fn invariant_overflow(what: &str) -> ! {
    eprintln!("lean-rs-sys: {what} overflow; aborting");
    std::process::abort()
}

/// `a + b`, aborting on overflow (mirrors `lean_usize_add_checked`).
#[inline]
pub(crate) fn size_add(a: usize, b: usize) -> usize {
    a.checked_add(b)
        .unwrap_or_else(|| invariant_overflow("object size"))
}

/// `a * b`, aborting on overflow (mirrors `lean_usize_mul_checked`).
#[inline]
pub(crate) fn size_mul(a: usize, b: usize) -> usize {
    a.checked_mul(b)
        .unwrap_or_else(|| invariant_overflow("object size"))
}

/// The count field as an atomic.
///
/// # Safety
/// `o` must point to a live heap object.
#[inline(always)]
unsafe fn rc<'a>(o: *mut lean_object) -> &'a AtomicI32 {
    // SAFETY: `o` is a live heap object (caller contract), so `m_rc` is a valid, 4-aligned i32
    // that every Lean thread accesses atomically or (ST objects) from one thread only.
    unsafe { AtomicI32::from_ptr(&raw mut (*header(o)).m_rc) }
}

/// Adds `n` references to a heap object.
///
/// # Safety
/// `o` must be a live, non-scalar object owned (or borrowed) by the caller; with an ST count the
/// caller must be the only thread touching it.
#[inline(always)]
pub unsafe fn lean_inc_ref_n(o: *mut lean_object, n: usize) {
    #[cfg(lean_sticky_rc)]
    if n > crate::consts::LEAN_RC_INC_MAX {
        // SAFETY: forwarded caller contract; the runtime handles the whole range of `n`.
        unsafe { lean_inc_ref_huge_n(o, n) };
        return;
    }
    // SAFETY: caller contract (live heap object).
    let count = unsafe { rc(o) };
    let current = count.load(Ordering::Relaxed);
    if current > 0 {
        count.store(st_add(current, n), Ordering::Relaxed);
    } else if mt_adjustable_for_inc(current) {
        let delta = i32::try_from(n).unwrap_or_else(|_| invariant_overflow("reference count"));
        let previous = count.fetch_sub(delta, Ordering::Relaxed);
        if previous.checked_sub(delta).is_none() {
            invariant_overflow("reference count");
        }
    }
}

/// New ST count after adding `n`.
#[inline(always)]
fn st_add(current: i32, n: usize) -> i32 {
    #[cfg(lean_sticky_rc)]
    {
        // `n <= LEAN_RC_INC_MAX` here, so an overflow wraps into the sticky band by design.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_possible_wrap
        )]
        let wrapped = (current as u32).wrapping_add(n as u32) as i32;
        wrapped
    }
    #[cfg(not(lean_sticky_rc))]
    {
        i32::try_from(n)
            .ok()
            .and_then(|n| current.checked_add(n))
            .unwrap_or_else(|| invariant_overflow("reference count"))
    }
}

/// Whether an MT increment applies to a non-positive count.
#[inline(always)]
fn mt_adjustable_for_inc(current: i32) -> bool {
    #[cfg(lean_sticky_rc)]
    {
        // Unsigned view: persistent (0) and sticky counts both sort below every live MT count.
        #[allow(clippy::cast_sign_loss)]
        let adjustable = current as u32 > crate::consts::LEAN_RC_STICKY as u32;
        adjustable
    }
    #[cfg(not(lean_sticky_rc))]
    {
        current != 0
    }
}

/// Adds one reference to a heap object.
///
/// # Safety
/// As [`lean_inc_ref_n`].
#[inline(always)]
pub unsafe fn lean_inc_ref(o: *mut lean_object) {
    // SAFETY: forwarded caller contract.
    unsafe { lean_inc_ref_n(o, 1) }
}

/// Drops one reference to a heap object, freeing it (and its children) on the last one.
///
/// # Safety
/// `o` must be a live heap object and the caller must own the reference being dropped.
#[inline(always)]
pub unsafe fn lean_dec_ref(o: *mut lean_object) {
    // SAFETY: caller contract (live heap object).
    let count = unsafe { rc(o) };
    let current = count.load(Ordering::Relaxed);
    if current > 1 {
        count.store(current - 1, Ordering::Relaxed);
    } else if current != 0 {
        // SAFETY: count is 1 (last ST reference) or MT/sticky; the runtime decides.
        unsafe { lean_dec_ref_cold(o) }
    }
}

/// [`lean_inc_ref`] that ignores boxed scalars.
///
/// # Safety
/// `o` is a boxed scalar or satisfies [`lean_inc_ref`]'s contract.
#[inline(always)]
pub unsafe fn lean_inc(o: *mut lean_object) {
    if !lean_is_scalar(o) {
        // SAFETY: non-scalar, so a heap object per the caller contract.
        unsafe { lean_inc_ref(o) }
    }
}

/// [`lean_inc_ref_n`] that ignores boxed scalars.
///
/// # Safety
/// `o` is a boxed scalar or satisfies [`lean_inc_ref_n`]'s contract.
#[inline(always)]
pub unsafe fn lean_inc_n(o: *mut lean_object, n: usize) {
    if !lean_is_scalar(o) {
        // SAFETY: non-scalar, so a heap object per the caller contract.
        unsafe { lean_inc_ref_n(o, n) }
    }
}

/// [`lean_dec_ref`] that ignores boxed scalars.
///
/// # Safety
/// `o` is a boxed scalar or satisfies [`lean_dec_ref`]'s contract.
#[inline(always)]
pub unsafe fn lean_dec(o: *mut lean_object) {
    if !lean_is_scalar(o) {
        // SAFETY: non-scalar, so a heap object per the caller contract.
        unsafe { lean_dec_ref(o) }
    }
}

macro_rules! rc_predicate {
    ($(#[$doc:meta] $name:ident => |$c:ident| $body:expr;)*) => {$(
        #[$doc]
        ///
        /// # Safety
        /// `o` must be a live heap object (not a boxed scalar).
        #[inline(always)]
        pub unsafe fn $name(o: *mut lean_object) -> bool {
            // SAFETY: caller contract (live heap object).
            let $c = unsafe { rc(o) }.load(Ordering::Relaxed);
            $body
        }
    )*};
}

rc_predicate! {
    /// Whether the count is multi-threaded (negative).
    lean_is_mt => |c| c < 0;
    /// Whether the count is single-threaded (positive).
    lean_is_st => |c| c > 0;
    /// Whether the object is persistent (count 0: never adjusted nor freed).
    lean_is_persistent => |c| c == 0;
    /// Whether the object is reference counted at all.
    lean_has_rc => |c| c != 0;
    /// Whether the caller holds the only reference (ST count of exactly 1).
    lean_is_exclusive => |c| c == 1;
    /// Whether an ST object has more than one reference (MT objects report `false`).
    lean_is_shared => |c| c > 1;
}

/// `lean_is_exclusive` as the `uint8_t` the compiler's generated code expects.
///
/// # Safety
/// As [`lean_is_exclusive`].
#[inline(always)]
pub unsafe fn lean_is_exclusive_obj(o: *mut lean_object) -> u8 {
    // SAFETY: forwarded caller contract.
    u8::from(unsafe { lean_is_exclusive(o) })
}

/// Tag byte of a heap object (constructor index or one of the `Lean*` kind tags).
///
/// # Safety
/// `o` must be a live heap object.
#[inline(always)]
pub unsafe fn lean_ptr_tag(o: *mut lean_object) -> u8 {
    // SAFETY: live heap object, so the header is readable.
    unsafe { (*header(o)).m_tag }
}

/// The `m_other` header byte (constructor field count, scalar-array element size, ...).
///
/// # Safety
/// `o` must be a live heap object.
#[inline(always)]
pub unsafe fn lean_ptr_other(o: *mut lean_object) -> u32 {
    // SAFETY: live heap object, so the header is readable.
    u32::from(unsafe { (*header(o)).m_other })
}

/// Constructor index of `o`, whether boxed scalar or heap object.
///
/// # Safety
/// `o` must be a boxed scalar or a live heap object.
#[inline(always)]
pub unsafe fn lean_obj_tag(o: *mut lean_object) -> u32 {
    if lean_is_scalar(o) {
        #[allow(clippy::cast_possible_truncation)]
        let tag = crate::scalar::lean_unbox(o) as u32;
        tag
    } else {
        // SAFETY: non-scalar, so a live heap object per the caller contract.
        u32::from(unsafe { lean_ptr_tag(o) })
    }
}

/// Whether `tag` names an object whose size is tracked outside the small-object header.
#[inline(always)]
pub const fn lean_is_big_object_tag(tag: u8) -> bool {
    matches!(
        tag,
        LeanArray | LeanStructArray | LeanScalarArray | LeanString
    )
}

macro_rules! kind_predicate {
    ($($(#[$doc:meta])* $name:ident => |$t:ident| $body:expr;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// `o` must be a live heap object (not a boxed scalar).
        #[inline(always)]
        pub unsafe fn $name(o: *mut lean_object) -> bool {
            // SAFETY: forwarded caller contract.
            let $t = unsafe { lean_ptr_tag(o) };
            $body
        }
    )*};
}

kind_predicate! {
    /// Whether `o` is a constructor object.
    lean_is_ctor => |t| t <= LeanMaxCtorTag;
    /// Whether `o` is a closure.
    lean_is_closure => |t| t == LeanClosure;
    /// Whether `o` is an `Array`.
    lean_is_array => |t| t == LeanArray;
    /// Whether `o` is a scalar array.
    lean_is_sarray => |t| t == LeanScalarArray;
    /// Whether `o` is a string.
    lean_is_string => |t| t == LeanString;
    /// Whether `o` is a bignum.
    lean_is_mpz => |t| t == LeanMPZ;
    /// Whether `o` is a thunk.
    lean_is_thunk => |t| t == LeanThunk;
    /// Whether `o` is a task.
    lean_is_task => |t| t == LeanTask;
    /// Whether `o` is a promise.
    lean_is_promise => |t| t == LeanPromise;
    /// Whether `o` is an external object.
    lean_is_external => |t| t == LeanExternal;
    /// Whether `o` is an `ST.Ref`.
    lean_is_ref => |t| t == LeanRef;
}

/// [`lean_object_byte_size`] of a constructor object, read inline: for every tag up to
/// `LeanMaxCtorTag` the 4.35.0 runtime's function answers the header's `m_cs_sz` (its
/// disassembly branches on the tag only for closures, arrays and strings), which is the
/// rounded allocation size under mimalloc and 0 otherwise. Decoders that check a scalar area
/// per element (boxed `UInt64`s in an `Array`) avoid a call per element.
///
/// # Safety
/// `o` must be a live constructor object (heap, tag at most `LeanMaxCtorTag`).
#[inline(always)]
pub unsafe fn lean_ctor_object_byte_size(o: *mut lean_object) -> usize {
    // SAFETY: a live object's header (caller contract).
    usize::from(unsafe { (*header(o)).m_cs_sz })
}

/// Initialises the header of freshly allocated memory as an ST object with count 1.
///
/// With mimalloc (`lean_mimalloc`) `m_cs_sz` was already set by the allocator and is left alone;
/// otherwise it is cleared, as `lean.h` does.
///
/// # Safety
/// `o` must be memory just returned by a Lean object allocator, not yet visible to anyone else.
#[inline(always)]
pub unsafe fn lean_set_st_header(o: *mut lean_object, tag: u32, other: u32) {
    let h = header(o);
    #[allow(clippy::cast_possible_truncation)]
    // SAFETY: fresh, exclusively owned object memory (caller contract). Tag and other are
    // single bytes in the C bit-field layout, hence the truncation.
    unsafe {
        (*h).m_rc = 1;
        (*h).m_tag = tag as u8;
        (*h).m_other = other as u8;
        #[cfg(not(lean_mimalloc))]
        {
            (*h).m_cs_sz = 0;
        }
    }
}

/// `(v / a) * a` rounded up to a multiple of `a`.
#[inline(always)]
pub const fn lean_align(v: usize, a: usize) -> usize {
    v.div_ceil(a) * a
}

/// Allocates a small object of `sz` bytes (rounded up to 8) the way `lean_alloc_small_object`
/// does: one heartbeat, and under mimalloc `m_cs_sz` holds the rounded size.
///
/// Goes through the exported `lean_alloc_object` rather than mimalloc internals, so it does not
/// depend on mimalloc's size classes.
///
/// # Safety
/// The runtime must be initialised; `sz` must be at most `LEAN_MAX_SMALL_OBJECT_SIZE`. The
/// result has an uninitialised header apart from `m_cs_sz`.
#[inline]
pub unsafe fn lean_alloc_small_object(sz: usize) -> *mut lean_object {
    let rounded = lean_align(sz, crate::consts::LEAN_OBJECT_SIZE_DELTA);
    debug_assert!(rounded <= crate::consts::LEAN_MAX_SMALL_OBJECT_SIZE);
    // SAFETY: initialised runtime (caller contract); `lean_alloc_object` never returns null
    // (it aborts through `lean_internal_panic_out_of_memory`).
    let o = unsafe {
        lean_inc_heartbeat();
        lean_alloc_object(rounded)
    };
    #[cfg(lean_mimalloc)]
    #[allow(clippy::cast_possible_truncation)]
    // SAFETY: fresh allocation of at least 8 bytes; `rounded <= 4096` fits `u16`.
    unsafe {
        (*header(o)).m_cs_sz = rounded as u16;
    }
    o
}
