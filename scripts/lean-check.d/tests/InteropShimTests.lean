module

import LeanRsInterop.Callback.Tick
import LeanRsInterop.Callback.String
import LeanRsInterop.Worker.Stream

/-! Lean-side tests of the generic interop shims (`import Init` only). Each group prints
`PASS <group>` or fails elaboration naming its failed checks. -/

/-- Fail with the labels of the checks that did not hold, or print one PASS line. -/
def expectAll (group : String) (checks : List (String × Bool)) : IO Unit := do
  let mut failed : Array String := #[]
  for (label, ok) in checks do
    if !ok then failed := failed.push label
  unless failed.size == 0 do
    throw (IO.userError s!"FAIL {group}: {failed}")
  IO.println s!"PASS {group} ({checks.length} checks)"

/-- A tick sink that records every call and answers `stopAt`'s status at that call number. -/
def tickRecorder (stopAt : Nat) : BaseIO (IO.Ref (Array (UInt64 × UInt64)) ×
    (UInt64 → UInt64 → BaseIO UInt8)) := do
  let ref ← IO.mkRef (#[] : Array (UInt64 × UInt64))
  let emit : UInt64 → UInt64 → BaseIO UInt8 := fun c t => do
    ref.modify (·.push (c, t))
    return if (← ref.get).size == stopAt then (4 : UInt8) else 0
  return (ref, emit)

/-- Counting and `all` without `Array` combinators (this Lean cannot compile them from another
module; see docs/DEVIATIONS.md). -/
def countA (p : α → Bool) (xs : Array α) : Nat := Id.run do
  let mut n := 0
  for x in xs.toList do
    if p x then n := n + 1
  return n

def allL (p : α → Bool) (xs : List α) : Bool := Id.run do
  for x in xs do
    if !p x then return false
  return true

/-! ## lean-rs-interop-shims -/

open LeanRsInterop.Worker.Stream in
#eval expectAll "interop.stream" [
  ("jsonString escapes", jsonString "a\"b\\c\n\t\x01" == "\"a\\\"b\\\\c\\n\\t\\u0001\""),
  ("jsonString plain", jsonString "héllo" == "\"héllo\""),
  ("row", row "rows" "{\"k\":1}" == "{\"stream\":\"rows\",\"payload\":{\"k\":1}}"),
  ("diagnostic", diagnostic "warning" "c.x" "m\"" ==
    "{\"diagnostic\":{\"severity\":\"warning\",\"code\":\"c.x\",\"message\":\"m\\\"\"}}"),
  ("progress", progress "p" 2 5 == "{\"progress\":{\"phase\":\"p\",\"current\":2,\"total\":5}}"),
  ("chunkProgress", chunkProgress "p" 0 3 == progress "p" 1 3),
  ("chunkProgress clamps", chunkProgress "p" 7 3 == progress "p" 3 3),
  ("metadata", metadata "{\"a\":1}" == "{\"metadata\":{\"a\":1}}"),
  ("countChunks", countChunks 5 2 == 3 && countChunks 4 2 == 2 && countChunks 0 2 == 0
    && countChunks 5 0 == 5)]

#eval show IO Unit from do
  let (ticks, emit) ← tickRecorder 0
  let all ← LeanRsInterop.Callback.Tick.loopWith emit 3
  let (stopTicks, stopEmit) ← tickRecorder 2
  let stopped ← LeanRsInterop.Callback.Tick.loopWith stopEmit 5
  let seen ← IO.mkRef (#[] : Array String)
  let strs ← LeanRsInterop.Callback.String.loopWith
    (fun s => do seen.modify (·.push s); return if s == "stop" then 4 else 0) #["a", "b", "stop", "c"]
  expectAll "interop.callbacks" [
    ("tick loop ok", all == 0),
    ("tick order", (← ticks.get).toList == [(1, 3), (2, 3), (3, 3)]),
    ("tick stop status", stopped == 4),
    ("tick stops early", (← stopTicks.get).toList == [(1, 5), (2, 5)]),
    ("string stop status", strs == 4),
    ("string stops early", (← seen.get).toList == ["a", "b", "stop"])]

