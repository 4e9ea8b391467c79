module

public import LeanRsHostShims.Elaboration
public import LeanRsHostShims.Meta
public import LeanRsHostShims.Interop

/-! The lean-rs-host capability contract: every `lean_rs_host_*` export and the wire records
they exchange. `LeanRsHostShims.Elaboration` holds the records, the shared plumbing and the
mandatory exports; `LeanRsHostShims.Meta` the optional MetaM services; `LeanRsHostShims.Interop`
the callback test export. Lake builds all of them into one shared library.

Wire-record rule (mirrored by the Rust side, recorded in `abi/lean-rs-host-shims.abi.json`):
every field of every record is a boxed Lean object (`Nat`, `String`, `Array`, `Option`,
`Expr`, …), so a record is a constructor object whose fields sit in declaration order, one
object slot each. Flags are `Nat` 0/1, never `Bool`, so no record has a scalar area.

Every Lean-side failure is reported as data (diagnostics), never as an escaping exception:
an export returns an `IO` error only if Lean itself fails underneath it. Diagnostics are
bounded by the caller's byte budget and MetaM/elaboration work by its heartbeat budget. -/
