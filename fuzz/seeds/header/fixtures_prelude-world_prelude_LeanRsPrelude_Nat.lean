prelude
import LeanRsPrelude.Core
/-!
Natural numbers with the literal machinery (`OfNat`, `instOfNatNat`) and the arithmetic the
kernel and the compiler replace by GMP-backed primitives (`@[extern "lean_nat_*"]`).
The definitions here are simple models; only their names and types have to agree with core.
-/

universe u v w

set_option genCtorIdx false in
/-- Unary natural numbers; the runtime stores small ones unboxed and large ones as bignums. -/
inductive Nat where
  | zero : Nat
  | succ (n : Nat) : Nat

instance : Inhabited Nat where
  default := Nat.zero

/-- The class behind numeric literals. -/
class OfNat (α : Type u) (_ : Nat) where
  ofNat : α

@[default_instance 100]
instance instOfNatNat (n : Nat) : OfNat Nat n where
  ofNat := n

/-- `≤` as a class. -/
class LE (α : Type u) where
  le : α → α → Prop

/-- `<` as a class. -/
class LT (α : Type u) where
  lt : α → α → Prop

/-- `a ≥ b` unfolds to `b ≤ a`. -/
@[reducible] def GE.ge {α : Type u} [LE α] (a b : α) : Prop := LE.le b a
/-- `a > b` unfolds to `b < a`. -/
@[reducible] def GT.gt {α : Type u} [LT α] (a b : α) : Prop := LT.lt b a

class HAdd (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hAdd : α → β → γ
class HSub (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hSub : α → β → γ
class HMul (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hMul : α → β → γ
class HDiv (α : Type u) (β : Type v) (γ : outParam (Type w)) where