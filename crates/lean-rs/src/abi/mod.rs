//! Exact conversions between Rust values and Lean values.
//!
//! Three sealed traits describe a type's place in Lean's C ABI:
//!
//! * [`LeanAbi`] names the C representation an `@[export]` signature uses for the type
//!   (`uint8_t` for `Bool`/`UInt8`, `double` for `Float`, `lean_object*` for everything
//!   boxed, …).
//! * [`IntoLean`] builds the Lean value, both in *boxed* form (inside an `Array`, `Option`,
//!   a structure field, …) and in the C representation (a direct `@[export]` argument).
//! * [`TryFromLean`] reads a Lean value back, validating its shape first: a wrong shape or
//!   an out-of-range value is a Conversion error ([`crate::LeanDiagnosticCode::AbiConversion`]),
//!   never undefined behaviour and never a panic.
//!
//! | Rust | Lean | C argument/result |
//! |---|---|---|
//! | `bool` | `Bool` | `uint8_t` |
//! | `u8`/`u16`/`u32`/`u64`/`usize` | `UInt8` … `UInt64`, `USize` | same width |
//! | `i8`/`i16`/`i32`/`i64`/`isize` | `Int8` … `Int64`, `ISize` | unsigned bits |
//! | `f64` / `f32` | `Float` / `Float32` | `double` / `float` |
//! | `char` | `Char` | `uint32_t` |
//! | `()` | `Unit` | object |
//! | `String`, `&str` | `String` | object |
//! | [`LeanString`] (read in place, no copy out) | `String` | object |
//! | [`LeanByteArray`], `&[u8]` (argument) | `ByteArray` | object |
//! | `Vec<u8>` | `Array UInt8` (like any `Vec<T>`) | object |
//! | `Vec<T>` | `Array T` | object |
//! | `Option<T>` | `Option T` | object |
//! | `Result<T, E>` | `Except E T` | object |
//! | `(A, B)`, `(A, B, C)`, … | `A × B`, `A × B × C` (right-nested `Prod`) | object |
//! | [`BigUint`](num_bigint::BigUint) / [`BigInt`](num_bigint::BigInt) | `Nat` / `Int` (any size) | object |
//! | [`LeanNat<u64>`] … / [`LeanInt<i64>`] … | `Nat` / `Int` that fit the integer (else an error) | object |
//! | [`LeanStruct<T>`] | a user `structure` described by [`LeanStructure`] | object |
//! | [`LeanVariant<T>`] | a user inductive with several constructors, described by [`LeanInductive`] | object |

pub(crate) mod containers;
mod io;
mod limits;
mod nat;
mod scalar;
mod small;
mod string;
mod structure;
pub(crate) mod traits;

pub use io::LeanIo;
pub use limits::{LeanConversionLimits, conversion_limits, set_conversion_limits};
pub(crate) use limits::{
    check_bytes as limits_check_bytes, check_elements as limits_check_elements,
};
pub use small::{LeanInt, LeanNat};
pub(crate) use string::validate_utf8;
pub use string::{LeanByteArray, LeanString};
pub use structure::{
    LeanCtorReader, LeanCtorWriter, LeanInductive, LeanStruct, LeanStructure, LeanVariant,
};
pub use traits::{CValue, IntoLean, LeanAbi, LeanArrayElement, TryFromLean};

#[doc(hidden)]
pub use traits::sealed;

/// Emits the per-decoder trace event of the observability contract.
pub(crate) fn trace_decode(shape: &'static str, len: usize) {
    tracing::trace!(name: "lean_rs.abi.decode", target: "lean_rs", shape, len);
}
