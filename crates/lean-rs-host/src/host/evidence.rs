//! Kernel-checked evidence (`Evidence`, `KernelOutcome`, `EvidenceStatus`, `ProofSummary`).

use lean_rs::{LeanObject, LeanResult};

use crate::host::elaboration::{LeanElabFailure, cut};
use crate::host::wire::Wire;

/// Byte cap of each [`ProofSummary`] field.
pub const LEAN_PROOF_SUMMARY_BYTE_LIMIT: usize = 4096;

/// An opaque handle on a declaration the kernel accepted, with the environments before and
/// after it. Only meaningful to the session that produced it.
pub struct LeanEvidence<'lean> {
    pub(crate) object: LeanObject<'lean>,
}

impl std::fmt::Debug for LeanEvidence<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanEvidence").finish_non_exhaustive()
    }
}

/// What `kernel_check` found.
#[derive(Debug)]
#[non_exhaustive]
pub enum LeanKernelOutcome<'lean> {
    /// The kernel accepted the declaration.
    Checked(LeanEvidence<'lean>),
    /// Parsing or elaboration failed (Lean's messages).
    ElabFailed(LeanElabFailure),
    /// The kernel refused the declaration.
    KernelRejected(LeanElabFailure),
}

impl<'lean> LeanKernelOutcome<'lean> {
    pub(crate) fn decode(w: &Wire<'lean>, limit: usize) -> LeanResult<Self> {
        match w.tag() {
            0 => {
                w.expect(0, 1)?;
                Ok(Self::Checked(LeanEvidence {
                    object: w.field(0)?,
                }))
            }
            tag @ (1 | 2) => {
                w.expect(tag, 1)?;
                let failure = LeanElabFailure::decode(&w.wire(0, "ElabFailure")?, limit)?;
                Ok(if tag == 1 {
                    Self::ElabFailed(failure)
                } else {
                    Self::KernelRejected(failure)
                })
            }
            other => Err(crate::host::errors::conversion(format!(
                "KernelOutcome: unknown constructor {other}"
            ))),
        }
    }

    /// The evidence, when checked.
    pub fn evidence(&self) -> Option<&LeanEvidence<'lean>> {
        match self {
            Self::Checked(e) => Some(e),
            _ => None,
        }
    }

    /// The failure, when not checked.
    pub fn failure(&self) -> Option<&LeanElabFailure> {
        match self {
            Self::Checked(_) => None,
            Self::ElabFailed(f) | Self::KernelRejected(f) => Some(f),
        }
    }
}

/// The re-check verdict on evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvidenceStatus {
    /// The kernel accepts it and it does not depend on `sorry`.
    Checked,
    /// Accepted, but it uses `sorry`.
    UsesSorry,
    /// The kernel refused it (Lean's message, bounded).
    Rejected(String),
    /// The declaration is not in the evidence's environment.
    Unavailable,
    /// The shim cannot re-check evidence.
    Unsupported,
}

impl EvidenceStatus {
    pub(crate) fn decode(w: &Wire<'_>) -> LeanResult<Self> {
        Ok(match w.tag() {
            0 => Self::Checked,
            1 => Self::UsesSorry,
            2 => {
                w.expect(2, 1)?;
                Self::Rejected(cut(&w.string(0)?, LEAN_PROOF_SUMMARY_BYTE_LIMIT))
            }
            3 => Self::Unavailable,
            other => {
                return Err(crate::host::errors::conversion(format!(
                    "EvidenceStatus: unknown constructor {other}"
                )));
            }
        })
    }
}

/// A display projection of evidence; each field at most [`LEAN_PROOF_SUMMARY_BYTE_LIMIT`]
/// bytes. Diagnostic only, not a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofSummary {
    /// The declaration's name.
    pub declared_name: String,
    /// Its kind (`theorem`, `definition`, …).
    pub kind: String,
    /// Its type, as Lean printed it.
    pub type_signature: String,
}

impl ProofSummary {
    pub(crate) fn decode(w: &Wire<'_>) -> LeanResult<Self> {
        w.expect(0, 3)?;
        Ok(Self {
            declared_name: cut(&w.string(0)?, LEAN_PROOF_SUMMARY_BYTE_LIMIT),
            kind: cut(&w.string(1)?, LEAN_PROOF_SUMMARY_BYTE_LIMIT),
            type_signature: cut(&w.string(2)?, LEAN_PROOF_SUMMARY_BYTE_LIMIT),
        })
    }
}
