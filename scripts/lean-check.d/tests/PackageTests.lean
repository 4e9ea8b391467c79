module

import LeanCheckSupport
import LeanRsInteropConsumer
import VerifiedPhysics
import LeanRsFixture

/-! Lean-side tests of every package that needs only `Init`: the generic interop shims, the
downstream interop fixture, the verified-physics fixture and the declaration fixtures.

scripts/lean-check elaborates this file once all of them are compiled; each `#eval` group
prints `PASS <group> (<n> checks)` or fails naming its failed checks. The C callback helpers
(`lean_rs_interop_*_callback_call`) are native code the wasm Lean cannot call, so the loops
are driven through their `loopWith` forms with Lean closures as sinks; the Rust suite drives
the same loops through the real C helpers. -/

open LeanCheckSupport

/-! ## lean-rs-interop-shims -/

open LeanRsInterop.Worker.Stream in
#eval expectAll "interop.stream" [
  ("jsonString escapes", jsonString "a\"b\\c\n\t\x01" == "\"a\\\"b\\\\c\\n\\t\\u0001\""),
  ("jsonString keeps non-ASCII", jsonString "héllo ∀" == "\"héllo ∀\""),
  ("jsonString empty", jsonString "" == "\"\""),
  ("row", row "rows" "{\"k\":1}" == "{\"stream\":\"rows\",\"payload\":{\"k\":1}}"),
  ("diagnostic", diagnostic "warning" "c.x" "m\"" ==
    "{\"diagnostic\":{\"severity\":\"warning\",\"code\":\"c.x\",\"message\":\"m\\\"\"}}"),
  ("progress", progress "p" 2 5 == "{\"progress\":{\"phase\":\"p\",\"current\":2,\"total\":5}}"),
  ("chunkProgress is 1-based", chunkProgress "p" 0 3 == progress "p" 1 3),
  ("chunkProgress clamps", chunkProgress "p" 7 3 == progress "p" 3 3),
  ("metadata", metadata "{\"a\":1}" == "{\"metadata\":{\"a\":1}}"),
  ("countChunks rounds up", countChunks 5 2 == 3),
  ("countChunks exact", countChunks 4 2 == 2),
  ("countChunks empty", countChunks 0 2 == 0),
  ("countChunks size 0 is one item per chunk", countChunks 5 0 == 5)]

#eval show IO Unit from do
  let (ticks, emit) ← tickRecorder 0
  let all ← LeanRsInterop.Callback.Tick.loopWith emit 3
  let (stopTicks, stopEmit) ← tickRecorder 2
  let stopped ← LeanRsInterop.Callback.Tick.loopWith stopEmit 5
  let (noTicks, noEmit) ← tickRecorder 0
  let idle ← LeanRsInterop.Callback.Tick.loopWith noEmit 0
  let seen ← IO.mkRef (#[] : Array String)
  let strs ← LeanRsInterop.Callback.String.loopWith
    (fun s => do seen.modify (·.push s); return if s == "stop" then 4 else 0) #["a", "b", "stop", "c"]
  let seenAll ← IO.mkRef (#[] : Array String)
  let strsAll ← LeanRsInterop.Callback.String.loopWith
    (fun s => do seenAll.modify (·.push s); return 0) #["x", "ÿ"]
  expectAll "interop.callbacks" [
    ("tick loop ok", all == 0),
    ("tick order", samePairs (← ticks.get).toList [(1, 3), (2, 3), (3, 3)]),
    ("tick stop status", stopped == 4),
    ("tick stops early", samePairs (← stopTicks.get).toList [(1, 5), (2, 5)]),
    ("tick total 0 calls nothing", idle == 0 && (← noTicks.get).size == 0),
    ("string stop status", strs == 4),
    ("string stops early", sameList (← seen.get).toList ["a", "b", "stop"]),
    ("string loop ok", strsAll == 0),
    ("string order", sameList (← seenAll.get).toList ["x", "ÿ"])]

/-! ## fixtures/interop-shims -/

open LeanRsInteropConsumer in
#eval show IO Unit from do
  let metaJson ← workerMetadata "{\"source\":\"x\"}"
  let doctor ← workerDoctorJson "{}"
  expectAll "fixture.interop-consumer" [
    ("add", add 20 22 == 42),
    ("add wraps", add 0xFFFFFFFFFFFFFFFF 2 == 1),
    ("version starts with a diagnostic",
      (firstOr "" versionEnvelopes.toList).startsWith "{\"diagnostic\""),
    ("version ends with metadata", (lastOr "" versionEnvelopes.toList).startsWith "{\"metadata\""),
    ("extract rows", countWhere (·.startsWith "{\"stream\":\"declarations\"") extractEnvelopes.toList == 5),
    ("extract chunk progress", countWhere (·.startsWith "{\"progress\"") extractEnvelopes.toList == 3),
    ("index rows", countWhere (·.startsWith "{\"stream\"") indexEnvelopes.toList == 6),
    ("mathlib scale rows", countWhere (·.startsWith "{\"stream\"") mathlibScaleEnvelopes.toList == 47),
    ("mathlib scale metadata", (lastOr "" mathlibScaleEnvelopes.toList).startsWith
      "{\"metadata\":{\"fixture\":\"mathlib-scale\",\"command\":\"index\",\"rows\":47,\"modules\":16}"),
    ("data stream", (dataStreamEnvelopes "a\nb\n").size == 3),
    ("metadata echoes request", metaJson ==
      "{\"fixture\":\"interop-shims\",\"version\":\"0.1.0\",\"request\":{\"source\":\"x\"}}"),
    ("doctor json", doctor == doctorJson),
    ("jsonl rows", jsonlRows.size == 3)]

/-! ## fixtures/verified-physics -/

open VerifiedPhysics in
#eval expectAll "fixture.verified-physics" [
  ("peak after 3 bounces", peakAfterExport 100 3 == 42),
  ("peak after 0 bounces", peakAfterExport 100 0 == 100),
  ("peak never rises", allOf (fun n => peakAfter n 1000 ≤ 1000) (upTo 20)),
  ("velocity after", velocityAfterExport 10 3 == 7),
  ("velocity wraps below zero", velocityAfterExport 0 1 == 0xFFFFFFFFFFFFFFFF),
  ("simulate", simulate 3 { pos := 10, vel := 0 } == { pos := 4, vel := -3 }),
  ("collision conserves", collisionConservesExport 3 5 == 1),
  ("collision swaps", (collide 3 5).1 == 5 && (collide 3 5).2 == 3)]

/-! ## fixtures/lean (its theorems are checked when it compiles; here, its computable part) -/

open LeanRsFixture in
#eval expectAll "fixture.declarations" [
  ("double", double 21 == 42),
  ("three", three == double 1 + 1),
  ("private helper behind a public wrapper", usesSecret 41 == 42),
  ("flip", Color.flip .red == .green && Color.flip .green == .red),
  ("proof sources", goodProofSource.startsWith "theorem lean_rs_good"
    && wrongProofSource.startsWith "theorem lean_rs_wrong"
    && sorryProofSource.startsWith "theorem lean_rs_sorry")]
