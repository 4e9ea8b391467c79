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
      .heartbeatsExhausted (truncateUtf8 m opts.diagnosticByteLimit)
    else .failed (failureOf m label opts.diagnosticByteLimit)
  let guarded : MetaM MetaResponse :=
    tryCatch x fun ex => do return classify (← ex.toMessageData.toString)
  try runMeta env label opts.heartbeats guarded
  catch e => return classify (toString e)

@[export lean_rs_host_meta_infer_type]
def metaInferType (env : Environment) (expr : Expr) (opts : MetaOpts) : IO MetaResponse :=
  runMetaService env opts do return .expr (← inferType expr)

@[export lean_rs_host_meta_whnf]
def metaWhnf (env : Environment) (expr : Expr) (opts : MetaOpts) : IO MetaResponse :=
  runMetaService env opts do return .expr (← whnf expr)

/-- Spend heartbeats until the budget runs out (bounded by an iteration cap, after which it
reports `text "budget not exhausted"`); exists so hosts can test their heartbeat path. -/
@[export lean_rs_host_meta_heartbeat_burn]
def metaHeartbeatBurn (env : Environment) (_expr : Expr) (opts : MetaOpts) : IO MetaResponse :=
  runMetaService env opts do
    let rec burn : Nat → MetaM Unit
      | 0 => pure ()
      | n + 1 => do
        let m ← mkFreshExprMVar (some (mkConst ``Nat))
        let _ ← instantiateMVars (mkApp2 (mkConst ``Nat.add) m m)
        Core.checkMaxHeartbeats "lean_rs_host_meta_heartbeat_burn"
        burn n
    burn 10000000
    return .text "budget not exhausted"

/-- Transparency byte: 0 default, 1 reducible, 2 instances, 3 all. -/
def transparencyOf (b : UInt8) : TransparencyMode :=
  match b with
  | 1 => .reducible
  | 2 => .instances
  | 3 => .all
  | _ => .default

@[export lean_rs_host_meta_is_def_eq]
def metaIsDefEq (env : Environment) (request : Expr × Expr × UInt8) (opts : MetaOpts) :
    IO MetaResponse :=
  let (lhs, rhs, mode) := request
  runMetaService env opts do
    let ok ← withTransparency (transparencyOf mode) (isDefEq lhs rhs)
    return .bool (if ok then 1 else 0)

@[export lean_rs_host_meta_pp_expr]
def metaPpExpr (env : Environment) (expr : Expr) (opts : MetaOpts) : IO MetaResponse :=
  runMetaService env opts do
    return .text (truncateUtf8 (toString (← ppExpr expr)) opts.diagnosticByteLimit)

end LeanRsHostShims

end
