module

import LeanRsInteropConsumer
import VerifiedPhysics

/-! Lean-side tests of the downstream interop fixture and the verified-physics fixture
(`import Init` only). Each group prints `PASS <group>` or fails elaboration naming its failed
checks. -/

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

/-! ## fixtures/interop-shims -/

open LeanRsInteropConsumer in
#eval expectAll "fixture.interop-consumer" [
  ("add", add 20 22 == 42),
  ("version starts with a diagnostic", (versionEnvelopes[0]!).startsWith "{\"diagnostic\""),
  ("version ends with metadata", (versionEnvelopes.back!).startsWith "{\"metadata\""),
  ("extract rows", countA (·.startsWith "{\"stream\":\"declarations\"") extractEnvelopes == 5),
  ("extract chunk progress", countA (·.startsWith "{\"progress\"") extractEnvelopes == 3),
  ("index rows", countA (·.startsWith "{\"stream\"") indexEnvelopes == 6),
  ("mathlib scale rows", countA (·.startsWith "{\"stream\"") mathlibScaleEnvelopes == 47),
  ("mathlib scale metadata", (mathlibScaleEnvelopes.back!).startsWith
    "{\"metadata\":{\"fixture\":\"mathlib-scale\",\"command\":\"index\",\"rows\":47,\"modules\":16}"),
  ("data stream", (dataStreamEnvelopes "a\nb\n").size == 3),
  ("metadata echoes request", metadataJson "{\"source\":\"x\"}" ==
    "{\"fixture\":\"interop-shims\",\"version\":\"0.1.0\",\"request\":{\"source\":\"x\"}}"),
  ("jsonl rows", jsonlRows.size == 3)]

/-! ## fixtures/verified-physics -/

open VerifiedPhysics in
#eval expectAll "fixture.verified-physics" [
  ("peak after 3 bounces", peakAfterExport 100 3 == 42),
  ("peak never rises", allL (fun n => peakAfter n 1000 ≤ 1000) (List.range 20)),
  ("velocity after", velocityAfterExport 10 3 == 7),
  ("simulate", simulate 3 { pos := 10, vel := 0 } == { pos := 4, vel := -3 }),
  ("collision", collisionConservesExport 3 5 == 1 && collide 3 5 == (5, 3))]

