module

/-! Tick callbacks: Lean reports `(current, total)` counters to a Rust-registered handle.

`handle` and `trampoline` are opaque tokens minted by the Rust registry; Lean only passes them
to the C helper, which calls the trampoline. The status byte the trampoline returns is the
registry's vocabulary: 0 continue, 1 stale handle, 2 contained panic, 3 wrong payload,
4 stop requested. -/

public section

namespace LeanRsInterop.Callback.Tick

/-- One tick through the C helper the Rust crate links in. -/
@[extern "lean_rs_interop_tick_callback_call"]
opaque call (handle trampoline : USize) (current total : UInt64) : BaseIO UInt8

/-- The status meaning "keep going". -/
def statusOk : UInt8 := 0

/-- Emit ticks `1, 2, …, total` through `emit`, stopping at the first status that is not
`statusOk` and returning it. Separated from `loop` so the stopping rule is testable
without a Rust trampoline. -/
def loopWith (emit : UInt64 → UInt64 → BaseIO UInt8) (total : UInt64) : BaseIO UInt8 :=
  go 1 total.toNat
where
  /-- Structural recursion rather than `for i in [a:b]`: the range loop's helper is private
  to `Init`, and the 4.28 compiler cannot reference it from another module. -/
  go (current : Nat) : Nat → BaseIO UInt8
    | 0 => pure statusOk
    | remaining + 1 => do
      let status ← emit current.toUInt64 total
      if status != statusOk then return status
      go (current + 1) remaining

/-- Tick `1..total` through the Rust callback behind `handle`. -/
def loop (handle trampoline : USize) (total : UInt64) : IO UInt8 :=
  loopWith (call handle trampoline) total

end LeanRsInterop.Callback.Tick

end
