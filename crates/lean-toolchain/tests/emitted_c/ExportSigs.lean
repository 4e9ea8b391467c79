prelude
/-!
A self-contained (`prelude`) module whose `@[export]`s cover every C type of Lean's ABI, so
`tests/emitted_c.rs` can read the prototypes the real Lean compiler emits for them. The
scalar structures are named like Lean's own, which the compiler unboxes by name.
-/
universe u v

axiom lcErased : Type
axiom lcAny : Type
axiom lcVoid : Type
unsafe axiom lcProof {α : Prop} : α
unsafe axiom lcCast {α : Sort u} {β : Sort v} (a : α) : β
unsafe axiom lcUnreachable {α : Sort u} : α

inductive Eq {α : Sort u} : α → α → Prop where
  | refl (a : α) : Eq a a
inductive HEq {α : Sort u} : α → {β : Sort u} → β → Prop where
  | refl (a : α) : HEq a a
abbrev Eq.ndrec.{u1, u2} {α : Sort u2} {a : α} {motive : α → Sort u1} (m : motive a) {b : α}
    (h : Eq a b) : motive b :=
  h.rec m
structure PProd (α : Sort u) (β : Sort v) where
  fst : α
  snd : β
set_option bootstrap.inductiveCheckResultingUniverse false in
inductive PUnit : Sort u where
  | unit
abbrev Unit : Type := PUnit
@[match_pattern] abbrev Unit.unit : Unit := PUnit.unit
@[inline] def id {α : Sort u} (a : α) : α := a

/-- Two constructors without fields: unboxed to `uint8_t`. -/
inductive B where
  | t
  | f
inductive L where
  | nil
  | cons (h : B) (t : L)
structure UInt8 where toBitVec : B
structure UInt16 where toBitVec : B
structure UInt32 where toBitVec : B
structure UInt64 where toBitVec : B
structure USize where toBitVec : B
structure Float where toBitVec : B
structure Float32 where toBitVec : B

@[export sig_not] def bnot : B → B
  | .t => .f
  | .f => .t
@[export sig_keep] def keep (x : L) (y : L) : L :=
  match x with
  | .nil => y
  | .cons _ _ => L.cons .t y
/-- A closed term: a global variable, not a function. -/
@[export sig_const] def cst : L := L.cons .t L.nil
@[export sig_scalars] def scalars (a : UInt8) (_b : UInt16) (_c : UInt32) (_d : UInt64)
    (_e : USize) (_f : Float) (_g : Float32) (_h : L) : UInt8 := a
@[export sig_float] def fl (f : Float) : Float := f
@[export sig_u32] def u32 (x : UInt32) (_y : UInt64) : UInt32 := x
-- `@&` on an export is an error in Lean 4.35 unless the annotation is ignored.
set_option compiler.ignoreBorrowAnnotation true in
@[export sig_borrow] def borrow (x : @& L) (y : L) : L :=
  match x with
  | .nil => y
  | .cons _ _ => L.cons .t y
/-- Not exported by name: still `LEAN_EXPORT`, under its mangled name `l_inner`. -/
def inner (x : @& L) (y : L) : L :=
  match x with
  | .nil => y
  | .cons _ _ => L.cons .f y
-- More than 16 parameters: the `___boxed` variant takes them as one `lean_object**` array,
-- a C type outside Lean's ABI set, which the reader lists as skipped.
set_option linter.unusedVariables false in
@[export sig_many] def many (a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 : L)
    (_u : UInt8) : L := match a1 with
  | .nil => a17
  | .cons _ _ => a2
