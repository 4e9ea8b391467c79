//! Values that cross the process boundary for typed export calls.

use lean_toolchain::lake::{CType, ExportSignature};
use serde::{Deserialize, Serialize};

/// The Lean type of one argument or result of a typed worker call, as L1 converts it.
///
/// Each maps to one C type of the export's signature (`uint8_t` for `Bool`/`UInt8`,
/// `lean_object*` for `String`/`Nat`/`Int`/`ByteArray`/`Unit`, …); the child checks the
/// resulting C signature against the capability manifest before calling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeanWorkerType {
    /// `Unit` (boxed, `lean_object*`).
    Unit,
    /// `Bool` (`uint8_t`).
    Bool,
    /// `UInt8` (`uint8_t`).
    U8,
    /// `UInt16` (`uint16_t`).
    U16,
    /// `UInt32` (`uint32_t`).
    U32,
    /// `UInt64` (`uint64_t`).
    U64,
    /// `USize` (`size_t`).
    USize,
    /// `Float` (`double`).
    F64,
    /// `String` (`lean_object*`).
    String,
    /// `Nat` (`lean_object*`), carried as decimal text.
    Nat,
    /// `Int` (`lean_object*`), carried as decimal text with an optional `-`.
    Int,
    /// `ByteArray` (`lean_object*`).
    Bytes,
    /// `Float32` (`float`).
    F32,
    /// `Char` (`uint32_t`, a Unicode scalar value).
    Char,
    /// `Array String` (`lean_object*`).
    StringArray,
    /// `Array Nat` (`lean_object*`), elements as decimal text.
    NatArray,
    /// `Array UInt64` (`lean_object*`; the elements are boxed inside the array).
    U64Array,
    /// `Option Nat` (`lean_object*`), the value as decimal text.
    OptionNat,
}

impl LeanWorkerType {
    /// The C type Lean compiles this type to in an export's signature.
    pub fn c_type(self) -> CType {
        match self {
            Self::Bool | Self::U8 => CType::U8,
            Self::U16 => CType::U16,
            Self::U32 | Self::Char => CType::U32,
            Self::U64 => CType::U64,
            Self::USize => CType::Usize,
            Self::F64 => CType::F64,
            Self::F32 => CType::F32,
            Self::Unit
            | Self::String
            | Self::Nat
            | Self::Int
            | Self::Bytes
            | Self::StringArray
            | Self::NatArray
            | Self::U64Array
            | Self::OptionNat => CType::Object,
        }
    }

    /// The Lean spelling, for messages.
    pub fn lean_name(self) -> &'static str {
        match self {
            Self::Unit => "Unit",
            Self::Bool => "Bool",
            Self::U8 => "UInt8",
            Self::U16 => "UInt16",
            Self::U32 => "UInt32",
            Self::U64 => "UInt64",
            Self::USize => "USize",
            Self::F64 => "Float",
            Self::String => "String",
            Self::Nat => "Nat",
            Self::Int => "Int",
            Self::Bytes => "ByteArray",
            Self::F32 => "Float32",
            Self::Char => "Char",
            Self::StringArray => "Array String",
            Self::NatArray => "Array Nat",
            Self::U64Array => "Array UInt64",
            Self::OptionNat => "Option Nat",
        }
    }
}

/// One argument or result value of a typed worker call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum LeanWorkerValue {
    /// `()`.
    Unit,
    /// A `Bool`.
    Bool(bool),
    /// A `UInt8`.
    U8(u8),
    /// A `UInt16`.
    U16(u16),
    /// A `UInt32`.
    U32(u32),
    /// A `UInt64`.
    U64(u64),
    /// A `USize` (checked to fit the child's `usize`).
    USize(u64),
    /// A `Float`, carried as its IEEE-754 bits so NaN and infinities survive.
    F64(#[serde(with = "f64_bits")] f64),
    /// A `String`.
    String(String),
    /// A `Nat` as decimal digits (any size).
    Nat(String),
    /// An `Int` as decimal digits with an optional leading `-` (any size).
    Int(String),
    /// A `ByteArray`.
    Bytes(Vec<u8>),
    /// A `Float32`, carried as its IEEE-754 bits.
    F32(#[serde(with = "f32_bits")] f32),
    /// A `Char`.
    Char(char),
    /// An `Array String`.
    StringArray(Vec<String>),
    /// An `Array Nat`, each element as decimal digits.
    NatArray(Vec<String>),
    /// An `Array UInt64`.
    U64Array(Vec<u64>),
    /// An `Option Nat`, the value as decimal digits.
    OptionNat(Option<String>),
}

impl LeanWorkerValue {
    /// The value's type.
    pub fn ty(&self) -> LeanWorkerType {
        match self {
            Self::Unit => LeanWorkerType::Unit,
            Self::Bool(_) => LeanWorkerType::Bool,
            Self::U8(_) => LeanWorkerType::U8,
            Self::U16(_) => LeanWorkerType::U16,
            Self::U32(_) => LeanWorkerType::U32,
            Self::U64(_) => LeanWorkerType::U64,
            Self::USize(_) => LeanWorkerType::USize,
            Self::F64(_) => LeanWorkerType::F64,
            Self::String(_) => LeanWorkerType::String,
            Self::Nat(_) => LeanWorkerType::Nat,
            Self::Int(_) => LeanWorkerType::Int,
            Self::Bytes(_) => LeanWorkerType::Bytes,
            Self::F32(_) => LeanWorkerType::F32,
            Self::Char(_) => LeanWorkerType::Char,
            Self::StringArray(_) => LeanWorkerType::StringArray,
            Self::NatArray(_) => LeanWorkerType::NatArray,
            Self::U64Array(_) => LeanWorkerType::U64Array,
            Self::OptionNat(_) => LeanWorkerType::OptionNat,
        }
    }

    /// A `Nat` from an unsigned integer.
    pub fn nat(n: impl Into<u128>) -> Self {
        Self::Nat(n.into().to_string())
    }

    /// A `String`.
    pub fn string(s: impl Into<String>) -> Self {
        Self::String(s.into())
    }
}

/// The Lean-level signature of a worker call: argument types, result type, and whether the
/// export is an `IO` action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LeanWorkerSignature {
    /// Argument types, in order.
    pub params: Vec<LeanWorkerType>,
    /// The result type (of the `IO` action's value when `io`).
    pub result: LeanWorkerType,
    /// `IO result` rather than `result`.
    pub io: bool,
}

impl LeanWorkerSignature {
    /// A pure function `params → result`.
    pub fn pure(params: impl Into<Vec<LeanWorkerType>>, result: LeanWorkerType) -> Self {
        Self {
            params: params.into(),
            result,
            io: false,
        }
    }

    /// An `IO` action `params → IO result`.
    pub fn io(params: impl Into<Vec<LeanWorkerType>>, result: LeanWorkerType) -> Self {
        Self {
            params: params.into(),
            result,
            io: true,
        }
    }

    /// The C prototype of an export with this signature, as a capability manifest records it
    /// (an `IO` action returns its result object; compiled code takes no world argument).
    pub fn c_signature(&self) -> ExportSignature {
        let returns = if self.io {
            CType::Object
        } else {
            self.result.c_type()
        };
        ExportSignature::new(
            returns,
            self.params.iter().map(|p| p.c_type()).collect::<Vec<_>>(),
        )
    }
}

mod f32_bits {
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` signature
    pub fn serialize<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(value.to_bits())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
        u32::deserialize(deserializer).map(f32::from_bits)
    }
}

mod f64_bits {
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` signature
    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(value.to_bits())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        u64::deserialize(deserializer).map(f64::from_bits)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_json() {
        for value in [
            LeanWorkerValue::Unit,
            LeanWorkerValue::Bool(true),
            LeanWorkerValue::U64(u64::MAX),
            LeanWorkerValue::F64(f64::INFINITY),
            LeanWorkerValue::nat(12_345_678_901_234_567_890_u128),
            LeanWorkerValue::Int("-7".into()),
            LeanWorkerValue::Bytes(vec![0, 255]),
            LeanWorkerValue::string("α"),
            LeanWorkerValue::F32(f32::NEG_INFINITY),
            LeanWorkerValue::Char('λ'),
            LeanWorkerValue::StringArray(vec!["a".into(), String::new()]),
            LeanWorkerValue::NatArray(vec!["0".into(), "18446744073709551616".into()]),
            LeanWorkerValue::U64Array(vec![u64::MAX, 0]),
            LeanWorkerValue::OptionNat(None),
            LeanWorkerValue::OptionNat(Some("3".into())),
        ] {
            let text = serde_json::to_string(&value).unwrap();
            let back: LeanWorkerValue = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value, "{text}");
        }
        assert!(serde_json::from_str::<LeanWorkerValue>(r#"{"type":"u8","value":300}"#).is_err());
        assert!(
            serde_json::from_str::<LeanWorkerValue>(r#"{"type":"char","value":"ab"}"#).is_err()
        );
    }
}
