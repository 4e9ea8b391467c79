module

/-! String callbacks: Lean hands a borrowed `String` to a Rust-registered handle, which copies
it before user code runs. Same opaque `handle`/`trampoline` tokens and status bytes as
`LeanRsInterop.Callback.Tick`. -/

public section

namespace LeanRsInterop.Callback.String

/-- One string through the C helper the Rust crate links in. The payload is borrowed. -/
@[extern "lean_rs_interop_string_callback_call"]
opaque call (handle trampoline : USize) (payload : @& String) : BaseIO UInt8

/-- The status meaning "keep going". -/
def statusOk : UInt8 := 0

/-- Send every payload in order through `emit`, stopping at the first status that is not
`statusOk` and returning it. -/
def loopWith (emit : String → BaseIO UInt8) (payloads : Array String) : BaseIO UInt8 :=
  go payloads.toList
where
  /-- Recursion over the list rather than `for … in payloads`: `Array`'s loop helper is private
  to `Init`, and the 4.28 compiler cannot reference it from another module. -/
  go : List String → BaseIO UInt8
    | [] => pure statusOk
    | payload :: rest => do
      let status ← emit payload
      if status != statusOk then return status
      go rest

/-- Send `payloads` in order through the Rust callback behind `handle`. -/
def loop (handle trampoline : USize) (payloads : Array String) : IO UInt8 :=
  loopWith (call handle trampoline) payloads

end LeanRsInterop.Callback.String

end
