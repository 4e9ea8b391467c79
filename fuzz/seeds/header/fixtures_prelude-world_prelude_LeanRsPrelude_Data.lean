prelude
import LeanRsPrelude.Scalar
/-!
Containers and text: `Option`, `List`, `Array`, `ByteArray`, `String`, `Except`, `Sum`, and the
hierarchical `Lean.Name` (with its stored hash, a computed field, so names built here compare
equal to names built by the runtime).
-/

universe u v

/-- An optional value: constructor 0 `none`, constructor 1 `some`. -/
inductive Option (α : Type u) where
  | none : Option α
  | some (val : α) : Option α

attribute [unbox] Option

export Option (none some)

instance {α} : Inhabited (Option α) := ⟨none⟩

/-- The value, or `dflt` for `none`. -/
@[macro_inline] def Option.getD (opt : Option α) (dflt : α) : α :=
  match opt with
  | some x => x
  | none => dflt

/-- Linked lists: constructor 0 `nil`, constructor 1 `cons head tail`. -/
inductive List (α : Type u) where
  | nil : List α
  | cons (head : α) (tail : List α) : List α

instance {α} : Inhabited (List α) := ⟨List.nil⟩

/-- Length of a list. -/
def List.length : List α → Nat
  | List.nil       => 0
  | List.cons _ as => HAdd.hAdd (List.length as) 1

/-- Tail-recursive length, with an accumulator. -/
def List.lengthTRAux : List α → Nat → Nat
  | List.nil,       n => n
  | List.cons _ as, n => List.lengthTRAux as (Nat.succ n)

/-- Appends one element at the end. -/
def List.concat {α : Type u} : List α → α → List α
  | List.nil,       b => List.cons b List.nil
  | List.cons a as, b => List.cons a (List.concat as b)

/-- Left fold. -/
@[specialize]
def