prelude
import LeanRsPrelude
/-! Exports that misbehave on request: slow, panicking, deeply recursive, memory-hungry. -/

namespace LeanRsWorkerFixture

/-- `count` rounds of a 64-bit linear congruential step (a loop the compiler cannot drop). -/
def spinGo : Nat → UInt64 → UInt64
  | 0, acc => acc
  | Nat.succ k, acc => spinGo k (HAdd.hAdd (HMul.hMul acc 6364136223846793005) 1442695040888963407)

/-- Busy-loops for `count` rounds and returns the final state (slow for large `count`). -/
@[export lean_rs_worker_spin]
def spin (count : UInt64) : UInt64 := spinGo (UInt64.toNat count) 1

/-- The same loop as an `IO` action. -/
@[export lean_rs_worker_spin_io]
def spinIO (count : UInt64) : IO UInt64 := pure (spinGo (UInt64.toNat count) 1)

/-- Calls the runtime panic (`lean_panic_fn_borrowed`) with `msg`, then returns `default` (0)
unless the host made panics fatal. -/
@[export lean_rs_worker_panic]
def panicNow (msg : String) : Nat := panic (HAppend.hAppend "lean-rs worker panic: " msg)

/-- Non-tail recursion to depth `n` (one native stack frame per level); returns `n`. -/
def deepGo : Nat → Nat
  | 0 => 0
  | Nat.succ n => Nat.succ (deepGo n)

@[export lean_rs_worker_deep]
def deep (n : Nat) : Nat := deepGo n

/-- Builds an array of `n` strings `item <i>` and returns its size (memory grows with `n`). -/
def growGo : Nat → Nat → Array String → Array String
  | 0, _, acc => acc
  | Nat.succ k, i, acc => growGo k (Nat.succ i) (Array.push acc (HAppend.hAppend "item " (N