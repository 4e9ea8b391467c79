module

public import LeanRsHostShims.Elaboration

/-! The optional MetaM services: their wire records and the five exports, each run under the
caller's heartbeat budget with every exception folded into a `MetaResponse`. A host that finds
these symbols missing reports the service as unsupported. -/

open Lean Elab Meta

public section

namespace LeanRsHostShims

/-- MetaM options: `heartbeats` in thousands (0 = unlimited), `diagnosticByteLimit` bounds a
failure's messages. -/
structure MetaOpts where
  heartbeats : Nat
  diagnosticByteLimit : Nat
  deriving Inhabited

/-- Result of a MetaM service: tag 0 `expr`, 1 `bool` (0/1), 2 `text`, 3 `failed`
(an exception, as diagnostics), 4 `heartbeatsExhausted` (the budget ran out). -/
inductive MetaResponse where
  | expr (value : Expr)
  | bool (value : Nat)
  | text (value : String)
  | failed (failure : ElabFailure)
  | heartbeatsExhausted (message : String)
  deriving Inhabited

/-! ## Optional: bounded MetaM services -/

/-- Run a MetaM service with the caller's heartbeat budget, folding every exception into the
response. -/
def runMetaService (env : Environment) (opts : MetaOpts) (x : MetaM MetaResponse) :
    IO MetaResponse := do
  let label := "<lean-rs-meta>"
  -- Heartbeat exhaustion is a "runtime" exception that MetaM's `try` does not catch, so the
  -- message is classified after it has surfaced as an IO error.
  let classify (m : String) : MetaResponse :=
    if (m.splitOn "heartbeats").length > 1 then
      .heartbeat