//! `Nat` and `Int`: small values are boxed scalars, big ones are `LeanMPZ` objects handled by
//! the exported `lean_nat_big_*` / `lean_int_big_*` functions (`lean.h` "Natural numbers",
//! "Integers"). The `big` functions take borrowed arguments and return owned results.

use core::ffi::{c_char, c_int};

use crate::consts::{LEAN_MAX_SMALL_INT, LEAN_MAX_SMALL_NAT, LEAN_MIN_SMALL_INT};
use crate::scalar::{lean_box, lean_is_scalar, lean_unbox};
use crate::types::{b_lean_obj_arg, lean_obj_arg, lean_obj_res, lean_object};

type O = *mut lean_object;

crate::lean_extern! {
    /// Parses a decimal C string as a `Nat`.
    pub fn lean_cstr_to_nat(n: *const c_char) -> lean_obj_res;
    /// `n` as a big `Nat` (for `n > LEAN_MAX_SMALL_NAT`).
    pub fn lean_big_usize_to_nat(n: usize) -> lean_obj_res;
    /// `n` as a big `Nat` (for `n > LEAN_MAX_SMALL_NAT`).
    pub fn lean_big_uint64_to_nat(n: u64) -> lean_obj_res;
    /// `a + 1`.
    pub fn lean_nat_big_succ(a: O) -> O;
    /// `a1 + a2`.
    pub fn lean_nat_big_add(a1: O, a2: O) -> O;
    /// Truncated `a1 - a2`.
    pub fn lean_nat_big_sub(a1: O, a2: O) -> O;
    /// `a1 * a2`.
    pub fn lean_nat_big_mul(a1: O, a2: O) -> O;
    /// `a1 * a2` for two unboxed values whose product overflowed.
    pub fn lean_nat_overflow_mul(a1: usize, a2: usize) -> O;
    /// `a1 / a2` (0 when dividing by 0).
    pub fn lean_nat_big_div(a1: O, a2: O) -> O;
    /// `a1 % a2`.
    pub fn lean_nat_big_mod(a1: O, a2: O) -> O;
    /// `a1 == a2`.
    pub fn lean_nat_big_eq(a1: O, a2: O) -> bool;
    /// `a1 <= a2`.
    pub fn lean_nat_big_le(a1: O, a2: O) -> bool;
    /// `a1 < a2`.
    pub fn lean_nat_big_lt(a1: O, a2: O) -> bool;
    /// Bitwise and.
    pub fn lean_nat_big_land(a1: O, a2: O) -> O;
    /// Bitwise or.
    pub fn lean_nat_big_lor(a1: O, a2: O) -> O;
    /// Bitwise xor.
    pub fn lean_nat_big_xor(a1: O, a2: O) -> O;
    /// `a1 <<< a2`.
    pub fn lean_nat_shiftl(a1: b_lean_obj_arg, a2: b_lean_obj_arg) -> lean_obj_res;
    /// `a1 >>> a2` when either is big.
    pub fn lean_nat_big_shiftr(a1: b_lean_obj_arg, a2: b_lean_obj_arg) -> lean_obj_res;
    /// `a1 ^ a2`.
    pub fn lean_nat_pow(a1: b_lean_obj_arg, a2: b_lean_obj_arg) -> lean_obj_res;
    /// Greatest common divisor.
    pub fn lean_nat_gcd(a1: b_lean_obj_arg, a2: b_lean_obj_arg) -> lean_obj_res;
    /// Floor of the base-2 logarithm (0 for 0).
    pub fn lean_nat_log2(a: b_lean_obj_arg) -> lean_obj_res;
    /// Low 64 bits of a big `Nat` (`UInt64.ofNat` wraps).
    pub fn lean_uint64_of_big_nat(a: b_lean_obj_arg) -> u64;
    /// Low word of a big `Nat`.
    pub fn lean_usize_of_big_nat(a: b_lean_obj_arg) -> usize;
    /// Parses a decimal C string (optional leading `-`) as an `Int`.
    pub fn lean_cstr_to_int(n: *const c_char) -> lean_obj_res;
    /// `n` as a big `Int`.
    pub fn lean_big_int_to_int(n: c_int) -> lean_obj_res;
    /// `n` as a big `Int`.
    pub fn lean_big_size_t_to_int(n: usize) -> lean_obj_res;
    /// `n` as a big `Int` (for `n` outside the small-int range).
    pub fn lean_big_int64_to_int(n: i64) -> lean_obj_res;
    /// `-a`.
    pub fn lean_int_big_neg(a: O) -> O;
    /// `a1 + a2`.
    pub fn lean_int_big_add(a1: O, a2: O) -> O;
    /// `a1 - a2`.
    pub fn lean_int_big_sub(a1: O, a2: O) -> O;
    /// `a1 * a2`.
    pub fn lean_int_big_mul(a1: O, a2: O) -> O;
    /// T-division.
    pub fn lean_int_big_div(a1: O, a2: O) -> O;
    /// T-remainder.
    pub fn lean_int_big_mod(a1: O, a2: O) -> O;
    /// `a1 == a2`.
    pub fn lean_int_big_eq(a1: O, a2: O) -> bool;
    /// `a1 <= a2`.
    pub fn lean_int_big_le(a1: O, a2: O) -> bool;
    /// `a1 < a2`.
    pub fn lean_int_big_lt(a1: O, a2: O) -> bool;
    /// `a >= 0`.
    pub fn lean_int_big_nonneg(a: O) -> bool;
    /// Low 64 bits (two's complement) of a big `Int`.
    pub fn lean_int64_of_big_int(a: b_lean_obj_arg) -> i64;
    /// A non-negative big `Int` as a `Nat` (consumes `a`).
    pub fn lean_big_int_to_nat(a: lean_obj_arg) -> lean_obj_res;
}

/// `n` as a `Nat`.
///
/// # Safety
/// The runtime must be initialised (a big `Nat` may be allocated).
#[inline]
pub unsafe fn lean_usize_to_nat(n: usize) -> lean_obj_res {
    if n <= LEAN_MAX_SMALL_NAT {
        lean_box(n)
    } else {
        // SAFETY: initialised runtime (caller contract).
        unsafe { lean_big_usize_to_nat(n) }
    }
}

/// `n` as a `Nat`.
///
/// # Safety
/// The runtime must be initialised.
#[inline]
pub unsafe fn lean_unsigned_to_nat(n: u32) -> lean_obj_res {
    // SAFETY: forwarded caller contract.
    unsafe { lean_usize_to_nat(n as usize) }
}

/// `n` as a `Nat`.
///
/// # Safety
/// The runtime must be initialised (a big `Nat` may be allocated).
#[inline]
pub unsafe fn lean_uint64_to_nat(n: u64) -> lean_obj_res {
    if n <= LEAN_MAX_SMALL_NAT as u64 {
        #[allow(clippy::cast_possible_truncation)]
        let small = n as usize;
        lean_box(small)
    } else {
        // SAFETY: initialised runtime (caller contract).
        unsafe { lean_big_uint64_to_nat(n) }
    }
}

/// `UInt64.ofNat` (wrapping) of a borrowed `Nat`.
///
/// # Safety
/// `a` must be a boxed or live big `Nat`.
#[inline]
pub unsafe fn lean_uint64_of_nat(a: b_lean_obj_arg) -> u64 {
    if lean_is_scalar(a) {
        lean_unbox(a) as u64
    } else {
        // SAFETY: a live big `Nat` (caller contract).
        unsafe { lean_uint64_of_big_nat(a) }
    }
}

/// `USize.ofNat` (wrapping) of a borrowed `Nat`.
///
/// # Safety
/// `a` must be a boxed or live big `Nat`.
#[inline]
pub unsafe fn lean_usize_of_nat(a: b_lean_obj_arg) -> usize {
    if lean_is_scalar(a) {
        lean_unbox(a)
    } else {
        // SAFETY: a live big `Nat` (caller contract).
        unsafe { lean_usize_of_big_nat(a) }
    }
}

macro_rules! nat_binop {
    ($($(#[$doc:meta])* $name:ident($a:ident, $b:ident) small => $small:expr, big => $big:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// Both arguments must be boxed or live big `Nat`s (borrowed); the runtime must be
        /// initialised. The result is owned.
        #[inline]
        pub unsafe fn $name(a1: b_lean_obj_arg, a2: b_lean_obj_arg) -> lean_obj_res {
            if lean_is_scalar(a1) && lean_is_scalar(a2) {
                let ($a, $b) = (lean_unbox(a1), lean_unbox(a2));
                $small
            } else {
                // SAFETY: forwarded caller contract.
                unsafe { $big(a1, a2) }
            }
        }
    )*};
}

nat_binop! {
    /// `a1 + a2`.
    lean_nat_add(x, y) small => {
        // SAFETY: initialised runtime (caller contract); both are <= MAX_SMALL_NAT, so the sum
        // cannot overflow `usize`.
        unsafe { lean_usize_to_nat(x + y) }
    }, big => lean_nat_big_add;
    /// Truncated `a1 - a2`.
    lean_nat_sub(x, y) small => lean_box(x.saturating_sub(y)), big => lean_nat_big_sub;
    /// `a1 * a2`.
    lean_nat_mul(x, y) small => match x.checked_mul(y) {
        Some(r) if r <= LEAN_MAX_SMALL_NAT => lean_box(r),
        // SAFETY: initialised runtime (caller contract).
        _ => unsafe { lean_nat_overflow_mul(x, y) },
    }, big => lean_nat_big_mul;
    /// `a1 / a2` (0 when `a2 = 0`).
    lean_nat_div(x, y) small => lean_box(x.checked_div(y).unwrap_or(0)), big => lean_nat_big_div;
    /// `a1 % a2` (`a1` when `a2 = 0`).
    lean_nat_mod(x, y) small => lean_box(x.checked_rem(y).unwrap_or(x)), big => lean_nat_big_mod;
}

macro_rules! nat_cmp {
    ($($(#[$doc:meta])* $name:ident => $op:tt, $big:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// Both arguments must be boxed or live big `Nat`s (borrowed).
        #[inline]
        pub unsafe fn $name(a1: b_lean_obj_arg, a2: b_lean_obj_arg) -> bool {
            if lean_is_scalar(a1) && lean_is_scalar(a2) {
                lean_unbox(a1) $op lean_unbox(a2)
            } else {
                // SAFETY: forwarded caller contract.
                unsafe { $big(a1, a2) }
            }
        }
    )*};
}

nat_cmp! {
    /// `a1 == a2`.
    lean_nat_eq => ==, lean_nat_big_eq;
    /// `a1 <= a2`.
    lean_nat_le => <=, lean_nat_big_le;
    /// `a1 < a2`.
    lean_nat_lt => <, lean_nat_big_lt;
}

/// `a + 1`.
///
/// # Safety
/// `a` must be a boxed or live big `Nat` (borrowed); the runtime must be initialised.
#[inline]
pub unsafe fn lean_nat_succ(a: b_lean_obj_arg) -> lean_obj_res {
    if lean_is_scalar(a) {
        // SAFETY: forwarded caller contract; `unbox <= MAX_SMALL_NAT` so `+ 1` cannot overflow.
        unsafe { lean_usize_to_nat(lean_unbox(a) + 1) }
    } else {
        // SAFETY: forwarded caller contract.
        unsafe { lean_nat_big_succ(a) }
    }
}

/// `n` as an `Int` (always unboxed on 64-bit targets).
#[inline]
pub fn lean_int_to_int(n: i32) -> lean_obj_res {
    #[allow(clippy::cast_sign_loss)]
    let bits = n as u32;
    lean_box(bits as usize)
}

/// `n` as an `Int`.
///
/// # Safety
/// The runtime must be initialised (a big `Int` may be allocated).
#[inline]
pub unsafe fn lean_int64_to_int(n: i64) -> lean_obj_res {
    if (LEAN_MIN_SMALL_INT..=LEAN_MAX_SMALL_INT).contains(&n) {
        #[allow(clippy::cast_possible_truncation)]
        let small = n as i32;
        lean_int_to_int(small)
    } else {
        // SAFETY: initialised runtime (caller contract).
        unsafe { lean_big_int64_to_int(n) }
    }
}

/// Value of a small (boxed) `Int`.
#[inline]
pub fn lean_scalar_to_int64(a: b_lean_obj_arg) -> i64 {
    i64::from(lean_scalar_to_int(a))
}

/// Value of a small (boxed) `Int`.
#[inline]
pub fn lean_scalar_to_int(a: b_lean_obj_arg) -> i32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
    let v = lean_unbox(a) as u32 as i32;
    v
}

/// `Int.ofNat` (consumes `a`).
///
/// # Safety
/// `a` must be an owned boxed or big `Nat`; the runtime must be initialised.
#[inline]
pub unsafe fn lean_nat_to_int(a: lean_obj_arg) -> lean_obj_res {
    if lean_is_scalar(a) {
        let v = lean_unbox(a);
        if i32::try_from(v).is_ok() {
            a
        } else {
            // SAFETY: initialised runtime (caller contract).
            unsafe { lean_big_size_t_to_int(v) }
        }
    } else {
        a
    }
}

/// `-a`.
///
/// # Safety
/// `a` must be a boxed or live big `Int` (borrowed); the runtime must be initialised.
#[inline]
pub unsafe fn lean_int_neg(a: b_lean_obj_arg) -> lean_obj_res {
    if lean_is_scalar(a) {
        // SAFETY: forwarded caller contract; `-i32::MIN` fits in i64.
        unsafe { lean_int64_to_int(-lean_scalar_to_int64(a)) }
    } else {
        // SAFETY: forwarded caller contract.
        unsafe { lean_int_big_neg(a) }
    }
}

macro_rules! int_cmp {
    ($($(#[$doc:meta])* $name:ident => $op:tt, $big:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// Both arguments must be boxed or live big `Int`s (borrowed).
        #[inline]
        pub unsafe fn $name(a1: b_lean_obj_arg, a2: b_lean_obj_arg) -> bool {
            if lean_is_scalar(a1) && lean_is_scalar(a2) {
                lean_scalar_to_int(a1) $op lean_scalar_to_int(a2)
            } else {
                // SAFETY: forwarded caller contract.
                unsafe { $big(a1, a2) }
            }
        }
    )*};
}

int_cmp! {
    /// `a1 == a2`.
    lean_int_eq => ==, lean_int_big_eq;
    /// `a1 <= a2`.
    lean_int_le => <=, lean_int_big_le;
    /// `a1 < a2`.
    lean_int_lt => <, lean_int_big_lt;
}

macro_rules! int_binop {
    ($($(#[$doc:meta])* $name:ident => $op:ident, $big:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// Both arguments must be boxed or live big `Int`s (borrowed); the runtime must be
        /// initialised. The result is owned.
        #[inline]
        pub unsafe fn $name(a1: b_lean_obj_arg, a2: b_lean_obj_arg) -> lean_obj_res {
            if lean_is_scalar(a1) && lean_is_scalar(a2) {
                // Small ints are 32-bit, so the 64-bit result cannot overflow.
                let r = lean_scalar_to_int64(a1).$op(lean_scalar_to_int64(a2));
                // SAFETY: initialised runtime (caller contract).
                unsafe { lean_int64_to_int(r) }
            } else {
                // SAFETY: forwarded caller contract.
                unsafe { $big(a1, a2) }
            }
        }
    )*};
}

int_binop! {
    /// `a1 + a2`.
    lean_int_add => wrapping_add, lean_int_big_add;
    /// `a1 - a2`.
    lean_int_sub => wrapping_sub, lean_int_big_sub;
    /// `a1 * a2`.
    lean_int_mul => wrapping_mul, lean_int_big_mul;
}

/// `Int.toNat` of a non-negative `Int` (consumes `a`).
///
/// # Safety
/// `a` must be an owned, non-negative boxed or big `Int`; the runtime must be initialised.
#[inline]
pub unsafe fn lean_int_to_nat(a: lean_obj_arg) -> lean_obj_res {
    if lean_is_scalar(a) {
        debug_assert!(lean_scalar_to_int(a) >= 0);
        a
    } else {
        // SAFETY: forwarded caller contract.
        unsafe { lean_big_int_to_nat(a) }
    }
}

/// `Int64.ofInt` (wrapping) of a borrowed `Int`.
///
/// # Safety
/// `a` must be a boxed or live big `Int`.
#[inline]
pub unsafe fn lean_int64_of_int(a: b_lean_obj_arg) -> i64 {
    if lean_is_scalar(a) {
        lean_scalar_to_int64(a)
    } else {
        // SAFETY: a live big `Int` (caller contract).
        unsafe { lean_int64_of_big_int(a) }
    }
}
