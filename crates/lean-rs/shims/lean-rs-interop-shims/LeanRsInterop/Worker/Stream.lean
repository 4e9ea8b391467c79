module

public import LeanRsInterop.Callback.String

/-! Worker envelope helpers: the JSON text a Lean capability hands, one string per envelope,
to the in-child string callback of `lean-rs-worker`.

Envelope shapes (one JSON object per callback string, told apart by their keys):
* row: `{"stream":S,"payload":P}` — `P` is caller-owned JSON text, inserted verbatim;
* diagnostic: `{"diagnostic":{"severity":S,"code":C,"message":M}}`;
* progress: `{"progress":{"phase":S,"current":N,"total":N}}`;
* metadata (terminal): `{"metadata":P}` — `P` is caller-owned JSON text.

Callers build the whole envelope array first and hand it to `emitAll` once. -/

public section

namespace LeanRsInterop.Worker.Stream

private def hexDigit (n : Nat) : Char :=
  if n < 10 then Char.ofNat (48 + n) else Char.ofNat (87 + n)

private def escapeChar (acc : String) (c : Char) : String :=
  match c with
  | '"' => acc ++ "\\\""
  | '\\' => acc ++ "\\\\"
  | '\n' => acc ++ "\\n"
  | '\r' => acc ++ "\\r"
  | '\t' => acc ++ "\\t"
  | c =>
    if c.toNat < 0x20 then
      acc ++ "\\u00" ++ (hexDigit (c.toNat / 16)).toString ++ (hexDigit (c.toNat % 16)).toString
    else
      acc.push c

/-- `s` as a JSON string literal, quotes included. Control characters are escaped. -/
def jsonString (s : String) : String :=
  (s.foldl escapeChar "\"").push '"'

/-- A data row on `stream`; `payloadJson` must already be JSON text. -/
def row (stream payloadJson : String) : String :=
  "{\"stream\":" ++ jsonString stream ++ ",\"payload\":" ++ payloadJson ++ "}"

/-- A diagnostic for the worker's diagnostic channel (not a data row). -/
def diagnostic (severity code message : String) : String :=
  "{\"diagnostic\":{\"severity\":" ++ jsonString severity ++ ",\"code\":" ++ jsonString code ++
    ",\"message\":" ++ jsonString message ++ "}}"

/-- A progress event: `current` of `total` units of `phase` are done. -/
def progress (phase : String) (current total : Nat) : String :=
  "{\"progress\":{\"phase\":" ++ jsonString phase ++ ",\"current\":" ++ toString current ++
    ",\"total\":" ++ toString total ++ "}}"

/-- Progress after finishing chunk number `chunkIndex` (0-based) of `chunkCount`. -/
def chunkProgress (phase : String) (chunkIndex chunkCount : Nat) : String :=
  progress phase (min (chunkIndex + 1) chunkCount) chunkCount

/-- The terminal metadata envelope; `metadataJson` must already be JSON text. -/
def metadata (metadataJson : String) : String :=
  "{\"metadata\":" ++ metadataJson ++ "}"

/-- How many chunks of at most `chunkSize` items cover `items` items (a size of 0 counts as 1). -/
def countChunks (items chunkSize : Nat) : Nat :=
  let size := max chunkSize 1
  (items + size - 1) / size

/-- Send every envelope, in order, through the in-child string callback; returns the first
non-ok status, or 0. -/
def emitAll (handle trampoline : USize) (envelopes : Array String) : IO UInt8 :=
  LeanRsInterop.Callback.String.loop handle trampoline envelopes

end LeanRsInterop.Worker.Stream

end
