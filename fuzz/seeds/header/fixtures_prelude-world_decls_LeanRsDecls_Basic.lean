prelude
import LeanRsPrelude
/-! Definitions of several kinds. Host tests read kinds, names and source ranges from here:
`LeanRsDecls.double` is on lines 7–8. -/
namespace LeanRsDecls

def double (n : Nat) : Nat :=
  HAdd.hAdd n n

/-- A two-constructor inductive: `Color.rec`, `Color.casesOn`, `Color.noConfusion`, `Color.ctorIdx`
are generated. -/
inductive Color where
  | red
  | green

/-- A structure: `Point.mk`, `Point.x`, `Point.y`, `Point.rec` are generated. -/
structure Point where
  x : Nat
  y : Nat

/-- Pattern matching generates `Color.flip.match_1`. -/
def Color.flip : Color → Color
  | Color.red => Color.green
  | Color.green => Color.red

/-- Structural recursion generates `sumTo.match_1` and uses `Nat.rec`/`brecOn`. -/
def sumTo : Nat → Nat
  | 0 => 0
  | Nat.succ n => HAdd.hAdd (Nat.succ n) (sumTo n)

/-- Swaps the coordinates. -/
def Point.swap (p : Point) : Point := ⟨p.y, p.x⟩

/-- A class and an instance (`instDescribeColor`). -/
class Describe (α : Type) where
  describe : α → String

instance : Describe Color where
  describe
    | Color.red => "red"
    | Color.green => "green"

/-- An opaque constant. -/
opaque secretSeed : Nat

/-- A `partial` definition (compiled, opaque to the kernel). -/
partial def collatzSteps (n : Nat) (acc : Nat) : Nat :=
  cond (Nat.ble n 1) acc
    (cond (Nat.beq (HMod.hMod n 2) 0) (collatzSteps (HDiv.hDiv n 2) (Nat.succ acc))
      (collatzSteps (HAdd.hAdd (HMul.hMul 3 n) 1) (Nat.succ acc)))

/-- A `noncomputabl