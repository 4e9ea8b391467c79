//! Stable diagnostic families shared by `lean-rs` and the layers above it.

use std::fmt;

/// The stable family of a failure, for callers that react by kind rather than by message.
///
/// Variant names and [`as_str`](Self::as_str) ids never change within a major release; new
/// families may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeanDiagnosticCode {
    /// Lean runtime initialization or thread attach failed.
    RuntimeInit,
    /// A linkable artefact was missing or mismatched.
    Linking,
    /// A library could not be opened or its initializer raised.
    ModuleInit,
    /// A symbol was missing from a loaded library, or its arity did not match.
    SymbolLookup,
    /// A typed export lookup asked for a C signature other than the one the Lean compiler
    /// produced for the export; nothing was called.
    SignatureMismatch,
    /// A typed export lookup found no recorded C signature to check the request against
    /// (no manifest `exports` entry, not in the `libleanshared` table); nothing was called.
    SignatureUnknown,
    /// A value had the wrong Lean shape, was out of range, or was not valid UTF-8.
    AbiConversion,
    /// Lean raised through its `IO` error channel.
    LeanException,
    /// Parsing or elaboration produced diagnostics (reported by higher layers).
    Elaboration,
    /// The loaded Lean code does not offer the requested service.
    Unsupported,
    /// A cooperative cancellation token was observed.
    Cancelled,
    /// An internal invariant tripped, or a Rust callback panic was contained.
    Internal,
    /// A value exceeded a configured limit (conversion sizes, message bounds); nothing was
    /// allocated for it.
    ResourceExhausted,
}

impl LeanDiagnosticCode {
    /// Every code, in declaration order.
    pub const ALL: [Self; 13] = [
        Self::RuntimeInit,
        Self::Linking,
        Self::ModuleInit,
        Self::SymbolLookup,
        Self::SignatureMismatch,
        Self::SignatureUnknown,
        Self::AbiConversion,
        Self::LeanException,
        Self::Elaboration,
        Self::Unsupported,
        Self::Cancelled,
        Self::Internal,
        Self::ResourceExhausted,
    ];

    /// The stable dotted identifier, e.g. `lean_rs.abi_conversion`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RuntimeInit => "lean_rs.runtime_init",
            Self::Linking => "lean_rs.linking",
            Self::ModuleInit => "lean_rs.module_init",
            Self::SymbolLookup => "lean_rs.symbol_lookup",
            Self::SignatureMismatch => "lean_rs.signature_mismatch",
            Self::SignatureUnknown => "lean_rs.signature_unknown",
            Self::AbiConversion => "lean_rs.abi_conversion",
            Self::LeanException => "lean_rs.lean_exception",
            Self::Elaboration => "lean_rs.elaboration",
            Self::Unsupported => "lean_rs.unsupported",
            Self::Cancelled => "lean_rs.cancelled",
            Self::Internal => "lean_rs.internal",
            Self::ResourceExhausted => "lean_rs.resource_exhausted",
        }
    }
}

impl fmt::Display for LeanDiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::LeanDiagnosticCode;

    #[test]
    fn ids_are_the_documented_strings() {
        let ids: Vec<&str> = LeanDiagnosticCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            ids,
            [
                "lean_rs.runtime_init",
                "lean_rs.linking",
                "lean_rs.module_init",
                "lean_rs.symbol_lookup",
                "lean_rs.signature_mismatch",
                "lean_rs.signature_unknown",
                "lean_rs.abi_conversion",
                "lean_rs.lean_exception",
                "lean_rs.elaboration",
                "lean_rs.unsupported",
                "lean_rs.cancelled",
                "lean_rs.internal",
                "lean_rs.resource_exhausted",
            ]
        );
        assert_eq!(LeanDiagnosticCode::Linking.to_string(), "lean_rs.linking");
    }
}
