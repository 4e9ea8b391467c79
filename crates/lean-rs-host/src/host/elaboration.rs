//! Elaboration options, diagnostics and failures (the `ElabOpts`, `Diagnostic` and
//! `ElabFailure` wire records of `LeanRsHostShims/Elaboration.lean`).

use lean_rs::abi::{LeanCtorReader, LeanCtorWriter, LeanStructure};
use lean_rs::{LeanNat, LeanResult, LeanStruct};

use crate::host::wire::Wire;

/// Default heartbeat budget, in Lean's unit (thousands), as Lean's `maxHeartbeats`.
pub const LEAN_HEARTBEAT_LIMIT_DEFAULT: u64 = 200_000;
/// Ceiling every heartbeat setter saturates at.
pub const LEAN_HEARTBEAT_LIMIT_MAX: u64 = 200_000_000;
/// Default cumulative byte budget of one call's diagnostics.
pub const LEAN_DIAGNOSTIC_BYTE_LIMIT_DEFAULT: usize = 64 * 1024;
/// Ceiling of the diagnostic byte budget.
pub const LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX: usize = 1024 * 1024;
/// Longest namespace context or file label accepted (longer ones are cut).
const LABEL_LIMIT: usize = 4096;

/// Bounded options for `elaborate` and `kernel_check`. Setters saturate at the limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanElabOptions {
    heartbeats: u64,
    diagnostic_byte_limit: usize,
    namespace: String,
    file_label: String,
}

impl Default for LeanElabOptions {
    fn default() -> Self {
        Self {
            heartbeats: LEAN_HEARTBEAT_LIMIT_DEFAULT,
            diagnostic_byte_limit: LEAN_DIAGNOSTIC_BYTE_LIMIT_DEFAULT,
            namespace: String::new(),
            file_label: "<lean-rs>".to_owned(),
        }
    }
}

impl LeanElabOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Heartbeat budget in thousands (Lean's unit; 0 = unlimited), at most
    /// [`LEAN_HEARTBEAT_LIMIT_MAX`].
    #[must_use]
    pub fn heartbeats(mut self, thousands: u64) -> Self {
        self.heartbeats = thousands.min(LEAN_HEARTBEAT_LIMIT_MAX);
        self
    }

    /// Cumulative diagnostic byte budget, at most [`LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX`].
    #[must_use]
    pub fn diagnostic_byte_limit(mut self, bytes: usize) -> Self {
        self.diagnostic_byte_limit = bytes.min(LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX);
        self
    }

    /// Namespace opened around the source (empty = none).
    #[must_use]
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.namespace = cut(namespace, LABEL_LIMIT);
        self
    }

    /// The file label diagnostics name.
    #[must_use]
    pub fn file_label(mut self, label: &str) -> Self {
        self.file_label = cut(label, LABEL_LIMIT);
        self
    }

    /// The heartbeat budget (thousands).
    pub fn heartbeat_limit(&self) -> u64 {
        self.heartbeats
    }

    /// The diagnostic byte budget.
    pub fn diagnostic_limit(&self) -> usize {
        self.diagnostic_byte_limit
    }

    pub(crate) fn namespace_and_label(&self) -> (&str, &str) {
        (&self.namespace, &self.file_label)
    }

    pub(crate) fn to_wire(&self) -> LeanStruct<ElabOptsWire> {
        LeanStruct(ElabOptsWire(self.clone()))
    }
}

/// `s` cut to at most `limit` bytes on a character boundary.
pub(crate) fn cut(s: &str, limit: usize) -> String {
    if s.len() <= limit {
        return s.to_owned();
    }
    let mut end = limit;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// `structure ElabOpts where heartbeats diagnosticByteLimit : Nat; namespaceCtx fileLabel :
/// String`.
pub(crate) struct ElabOptsWire(LeanElabOptions);

impl<'lean> LeanStructure<'lean> for ElabOptsWire {
    const OBJECT_FIELDS: usize = 4;
    const SCALAR_BYTES: usize = 0;
    fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        let o = self.0;
        out.set(0, LeanNat(o.heartbeats))?;
        out.set(1, LeanNat(o.diagnostic_byte_limit as u64))?;
        out.set(2, o.namespace)?;
        out.set(3, o.file_label)
    }
    fn read(input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        let heartbeats: LeanNat<u64> = input.get(0)?;
        let limit: LeanNat<u64> = input.get(1)?;
        Ok(Self(LeanElabOptions {
            heartbeats: heartbeats.0,
            diagnostic_byte_limit: usize::try_from(limit.0).unwrap_or(usize::MAX),
            namespace: input.get(2)?,
            file_label: input.get(3)?,
        }))
    }
}

/// Lean's message severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeanSeverity {
    /// `information`.
    Information,
    /// `warning`.
    Warning,
    /// `error`.
    Error,
}

/// A 1-based source position with an optional end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeanPosition {
    /// Line, 1-based.
    pub line: u32,
    /// Column, 1-based.
    pub column: u32,
    /// End line, when recorded.
    pub end_line: Option<u32>,
    /// End column, when recorded.
    pub end_column: Option<u32>,
}

/// One Lean diagnostic: severity, bounded message, position, file label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanDiagnostic {
    severity: LeanSeverity,
    message: String,
    position: Option<LeanPosition>,
    file_label: String,
}

impl LeanDiagnostic {
    /// The severity.
    pub fn severity(&self) -> LeanSeverity {
        self.severity
    }
    /// Lean's message text (bounded by the call's diagnostic budget).
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Where, when Lean recorded it.
    pub fn position(&self) -> Option<LeanPosition> {
        self.position
    }
    /// The file label of the request.
    pub fn file_label(&self) -> &str {
        &self.file_label
    }

    /// Decodes `Diagnostic` (7 fields).
    pub(crate) fn decode(w: &Wire<'_>) -> LeanResult<Self> {
        w.expect(0, 7)?;
        let severity = match w.nat(0)? {
            0 => LeanSeverity::Information,
            1 => LeanSeverity::Warning,
            _ => LeanSeverity::Error,
        };
        let line = small(w.nat(3)?);
        let position = (line != 0).then(|| {
            let end_line = small(w.nat(5).unwrap_or(0));
            let end_column = small(w.nat(6).unwrap_or(0));
            LeanPosition {
                line,
                column: small(w.nat(4).unwrap_or(0)),
                end_line: (end_line != 0).then_some(end_line),
                end_column: (end_line != 0).then_some(end_column),
            }
        });
        Ok(Self {
            severity,
            message: w.string(1)?,
            position,
            file_label: w.string(2)?,
        })
    }
}

fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The diagnostics of a failed request. `truncated()` says some were dropped or cut to stay
/// inside the byte budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanElabFailure {
    diagnostics: Vec<LeanDiagnostic>,
    truncated: bool,
}

impl LeanElabFailure {
    /// Every diagnostic Lean produced (within the budget).
    pub fn diagnostics(&self) -> &[LeanDiagnostic] {
        &self.diagnostics
    }
    /// Whether the budget cut something.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
    /// Whether Lean stopped because the heartbeat budget ran out.
    pub fn is_heartbeat_exhaustion(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.message.contains("maxHeartbeats") || d.message.contains("heartbeats"))
    }

    /// Decodes `ElabFailure` and applies the host-side budget once more (the shim's budget is
    /// the caller's, so this only matters for a misbehaving shim).
    pub(crate) fn decode(w: &Wire<'_>, limit: usize) -> LeanResult<Self> {
        w.expect(0, 2)?;
        let items: Vec<lean_rs::LeanObject<'_>> = w.field(0)?;
        let mut truncated = w.nat(1)? != 0;
        let mut diagnostics = Vec::with_capacity(items.len());
        let mut used = 0usize;
        for item in items {
            let mut d = LeanDiagnostic::decode(&Wire::new(item, "Diagnostic"))?;
            let room = limit.saturating_sub(used);
            if d.message.len() > room {
                d.message = cut(&d.message, room);
                truncated = true;
            }
            used += d.message.len();
            diagnostics.push(d);
        }
        Ok(Self {
            diagnostics,
            truncated,
        })
    }
}

impl std::fmt::Display for LeanElabFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match d.position {
                Some(p) => write!(f, "{}:{}:{}: {}", d.file_label, p.line, p.column, d.message)?,
                None => write!(f, "{}: {}", d.file_label, d.message)?,
            }
        }
        Ok(())
    }
}
