module

public import LeanRsInterop.Callback.Tick

/-! The host package's callback test export, over the generic tick helper. -/

open Lean Elab Meta

public section

namespace LeanRsHostShims

/-! ## Callback compatibility export -/

/-- Test-only export kept for the Rust callback spike: ticks `1..total` through the tick
helper. -/
@[export lean_rs_interop_test_callback_loop]
def testCallbackLoop (handle trampoline : USize) (total : UInt64) : IO UInt8 :=
  LeanRsInterop.Callback.Tick.loop handle trampoline total

end LeanRsHostShims

end
