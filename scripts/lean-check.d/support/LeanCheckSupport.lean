module

/-! Helpers shared by the Lean-side test drivers in `scripts/lean-check.d/tests`.

Each driver groups its checks as `(label, result)` pairs and hands them to `expectAll`, which
prints one `PASS <group> (<n> checks)` line or throws naming every failed label; scripts/lean-check
counts the PASS lines and fails the run on any error.

Everything here is plain structural recursion over `List`: the wasm Lean that runs these
drivers here ships its library without the compiled code of helpers such as `List.length`,
`List.reverse` or `Array.foldl`, so code that calls them cannot be run by it
(docs/DEVIATIONS.md, "Lean-side packages"). -/

public section

namespace LeanCheckSupport

/-- The labels of the checks that failed, in their order. -/
def failedLabels : List (String × Bool) → List String
  | [] => []
  | (label, ok) :: rest => if ok then failedLabels rest else label :: failedLabels rest

/-- `xs` joined with `sep` between neighbours. -/
def joinWith (sep : String) : List String → String
  | [] => ""
  | [s] => s
  | s :: rest => s ++ sep ++ joinWith sep rest

/-- The number of elements of `xs`. -/
def count : List α → Nat
  | [] => 0
  | _ :: rest => count rest + 1

/-- The number of elements of `xs` that satisfy `p`. -/
def countWhere (p : α → Bool) : List α → Nat
  | [] => 0
  | x :: rest => (if p x then 1 else 0) + countWhere p rest

/-- Whether every element of `xs` satisfies `p`. -/
def allOf (p : α → Bool) : List α → Bool
  | [] => true
  | x :: rest => p x && allOf p rest

/-- Element-wise equality of two lists. -/
def sameList [BEq α] : List α → List α → Bool
  | [], [] => true
  | x :: xs, y :: ys => x == y && sameList xs ys
  | _, _ => false

/-- Element-wise equality of two lists of pairs. -/
def samePairs [BEq α] [BEq β] : List (α × β) → List (α × β) → Bool
  | [], [] => true
  | (a, b) :: xs, (c, d) :: ys => a == c && b == d && samePairs xs ys
  | _, _ => false

/-- `0, 1, …, n - 1`. -/
def upTo (n : Nat) : List Nat :=
  go n []
where
  go : Nat → List Nat → List Nat
    | 0, acc => acc
    | k + 1, acc => go k (k :: acc)

/-- The first element of `xs`, or `fallback`. -/
def firstOr (fallback : α) : List α → α
  | [] => fallback
  | x :: _ => x

/-- The last element of `xs`, or `fallback`. -/
def lastOr (fallback : α) : List α → α
  | [] => fallback
  | [x] => x
  | _ :: rest => lastOr fallback rest

/-- Print `PASS <group> (<n> checks)` when every check holds; otherwise throw an error that
names each failed check. -/
def expectAll (group : String) (checks : List (String × Bool)) : IO Unit :=
  match failedLabels checks with
  | [] => IO.println ("PASS " ++ group ++ " (" ++ toString (count checks) ++ " checks)")
  | bad => throw (IO.userError ("FAIL " ++ group ++ ": " ++ joinWith ", " bad))

/-- A tick sink that records every `(current, total)` it is called with and answers status 4
("stop") at call number `stopAt` (never, when `stopAt` is 0), 0 ("ok") otherwise. -/
def tickRecorder (stopAt : Nat) :
    BaseIO (IO.Ref (Array (UInt64 × UInt64)) × (UInt64 → UInt64 → BaseIO UInt8)) := do
  let calls ← IO.mkRef (#[] : Array (UInt64 × UInt64))
  let emit : UInt64 → UInt64 → BaseIO UInt8 := fun current total => do
    calls.modify (·.push (current, total))
    return if (← calls.get).size == stopAt then (4 : UInt8) else 0
  return (calls, emit)

end LeanCheckSupport

end
