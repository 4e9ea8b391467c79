prelude
universe u v w

unsafe axiom lcErased : Type
unsafe axiom lcAny : Type
unsafe axiom lcVoid : Type

set_option bootstrap.inductiveCheckResultingUniverse false in
inductive PUnit : Sort u where
  | unit : PUnit

inductive Eq : α → α → Prop where
  | refl (a : α) : Eq a a

@[simp] abbrev Eq.ndrec.{u1, u2} {α : Sort u2} {a : α} {motive : α → Sort u1} (m : motive a) {b : α} (h : Eq a b) : motive b :=
  h.rec m

theorem Eq.symm {α : Sort u} {a b : α} (h : Eq a b) : Eq b a :=
  @Eq.rec α a (fun x _ => Eq x a) (Eq.refl a) b h

inductive HEq : {α : Sort u} → α → {β : Sort u} → β → Prop where
  | refl (a : α) : HEq a a

axiom eq_of_heq {α : Sort u} {a a' : α} (h : HEq a a') : Eq a a'

axiom heq_of_eq {α : Sort u} {a a' : α} (h : Eq a a') : HEq a a'

@[inline] def id {α : Sort u} (a : α) : α := a

inductive Bool : Type where
  | false : Bool
  | true : Bool

abbrev Unit : Type := PUnit
@[match_pattern] abbrev Unit.unit : Unit := PUnit.unit
unsafe axiom lcProof {α : Prop} : α
unsafe axiom lcCast {α : Sort u} {β : Sort v} (a : α) : β
unsafe axiom lcUnreachable {α : Sort u} : α

inductive True : Prop where
  | intro : True
inductive False : Prop

structure PProd (α : Sort u) (β : Sort v) where
  fst : α
  snd : β

structure PULift.{r, s} (α : Sort s) : Sort (max s r 1) where
  up ::
  down : α

structure Prod (α : Type u) (β : Type v) where
  fst : α
  snd : β

def Not (a : Prop) : Prop := a → False

@[macro_inline] def cond {α : Sort u} (c : Bool) (x y : α) : α :=
  match c with
  | .true  => x
  | .false => y

class inductive Decidable (p : Prop) where
  | isFalse (h : Not p) : Decidable p
  | isTrue (h : p) : Decidable p

set_option genCtorIdx false in
inductive Nat where
  | zero : Nat
  | succ (n : Nat) : Nat

@[extern "lean_nat_dec_le"]
def Nat.ble : @& Nat → @& Nat → Bool
  | .zero,   .zero   => .true
  | .zero,   .succ _ => .true
  | .succ _, .zero   => .false
  | .succ n, .succ m => Nat.ble n m

axiom Nat.decEqImpl (n m : Nat) : Decidable (Eq n m)
@[extern "lean_nat_dec_eq"]
def Nat.decEq (n m : @& Nat) : Decidable (Eq n m) := Nat.decEqImpl n m

class OfNat (α : Type u) (_ : Nat) where
  ofNat : α

instance instOfNatNat (n : Nat) : OfNat Nat n where
  ofNat := n

@[extern "lean_nat_add"]
protected def Nat.add (n : @& Nat) (m : @& Nat) : Nat := n
@[extern "lean_nat_mul"]
protected def Nat.mul (n : @& Nat) (m : @& Nat) : Nat := n

@[extern "lean_nat_sub"]
protected def Nat.sub (n : @& Nat) (m : @& Nat) : Nat := n
@[extern "lean_nat_div"]
protected def Nat.div (n : @& Nat) (m : @& Nat) : Nat := n
@[extern "lean_nat_mod"]
protected def Nat.mod (n : @& Nat) (m : @& Nat) : Nat := n
@[extern "lean_nat_dec_lt"]
def Nat.blt (n : @& Nat) (m : @& Nat) : Bool := Nat.ble n m

inductive List (α : Type u) where
  | nil : List α
  | cons (head : α) (tail : List α) : List α

structure Array (α : Type u) where
  mk ::
  toList : List α

@[extern "lean_mk_empty_array_with_capacity"]
def Array.mkEmpty {α : Type u} (c : @& Nat) : Array α := Array.mk List.nil
@[extern "lean_array_push"]
def Array.push {α : Type u} (a : Array α) (v : α) : Array α := a
@[extern "lean_array_get_size"]
def Array.size {α : Type u} (a : @& Array α) : Nat := Nat.zero
@[extern "lean_array_get"]
def Array.getD {α : Type u} (d : @& α) (a : @& Array α) (i : @& Nat) : α := d

structure UInt8 where
  val : Nat
structure UInt32 where
  val : Nat
structure UInt64 where
  val : Nat
structure Float where
  val : Nat

@[extern "lean_uint8_of_nat"]
def UInt8.ofNat (n : @& Nat) : UInt8 := ⟨n⟩
@[extern "lean_uint8_to_nat"]
def UInt8.toNat (n : UInt8) : Nat := n.val
@[extern "lean_uint64_of_nat"]
def UInt64.ofNat (n : @& Nat) : UInt64 := ⟨n⟩
@[extern "lean_uint64_to_nat"]
def UInt64.toNat (n : UInt64) : Nat := n.val
@[extern "lean_uint64_mul"]
def UInt64.mul (a b : UInt64) : UInt64 := a
@[extern "lean_uint64_add"]
def UInt64.add (a b : UInt64) : UInt64 := a

structure ByteArray where
  data : Array UInt8

@[extern "lean_mk_empty_byte_array"]
def ByteArray.mkEmpty (c : @& Nat) : ByteArray := ⟨Array.mkEmpty c⟩
@[extern "lean_byte_array_push"]
def ByteArray.push (a : ByteArray) (b : UInt8) : ByteArray := a
@[extern "lean_byte_array_size"]
def ByteArray.size (a : @& ByteArray) : Nat := Nat.zero
@[extern "lean_byte_array_get"]
def ByteArray.get! (a : @& ByteArray) (i : @& Nat) : UInt8 := ⟨Nat.zero⟩

structure String where
  data : List UInt32

@[extern "lean_string_append"]
def String.append (a : String) (b : @& String) : String := a
@[extern "lean_string_length"]
def String.length (a : @& String) : Nat := Nat.zero
@[extern "lean_string_utf8_byte_size"]
def String.utf8ByteSize (a : @& String) : Nat := Nat.zero
@[extern "lean_string_dec_eq"]
def String.decEq (a b : @& String) : Bool := Bool.true

-- exports called from the C driver
@[export fx_nat_big] def natBig (n : Nat) : Nat := Nat.mul (Nat.add n 100) 1000000000000000000000
@[export fx_nat_small] def natSmall (a b : Nat) : Nat := Nat.add (Nat.mul a b) (Nat.mod a 7)
@[export fx_nat_sub] def natSub (a b : Nat) : Nat := Nat.sub a b
@[export fx_nat_div] def natDiv (a b : Nat) : Nat := Nat.div a b
@[export fx_nat_lt] def natLt (a b : Nat) : Bool := Nat.blt a b

@[export fx_greeting] def greeting (name : String) : String := String.append (String.append "héllo, " name) "!"
@[export fx_strlen] def strLen (s : String) : Nat := String.length s
@[export fx_strbytes] def strBytes (s : String) : Nat := String.utf8ByteSize s
@[export fx_const_str] def constStr : String := "a closed string"

@[export fx_array] def mkArr (n : Nat) : Array Nat :=
  Array.push (Array.push (Array.push (Array.mkEmpty 3) n) (Nat.add n 1)) 1000000000000000000000
@[export fx_array_get] def arrGet (a : Array Nat) (i : Nat) : Nat := Array.getD 0 a i
@[export fx_array_size] def arrSize (a : Array Nat) : Nat := Array.size a

@[export fx_bytes] def mkBytes (n : Nat) : ByteArray :=
  ByteArray.push (ByteArray.push (ByteArray.mkEmpty 2) (UInt8.ofNat n)) (UInt8.ofNat 300)
@[export fx_bytes_sum] def bytesSum (b : ByteArray) : Nat :=
  Nat.add (UInt8.toNat (ByteArray.get! b 0)) (Nat.add (UInt8.toNat (ByteArray.get! b 1)) (ByteArray.size b))

structure Rec where
  name : String
  count : Nat
  flag : Bool
  small : UInt8
  wide : UInt64
  ratio : Float

@[export fx_rec_mk] def recMk (s : String) (n : Nat) (w : UInt64) (f : Float) : Rec :=
  { name := s, count := n, flag := Bool.true, small := UInt8.ofNat 200, wide := UInt64.mul w w, ratio := f }
@[export fx_rec_count] def recCount (r : Rec) : Nat :=
  cond r.flag (Nat.add r.count (Nat.add (UInt8.toNat r.small) (UInt64.toNat r.wide))) Nat.zero
@[export fx_rec_ratio] def recRatio (r : Rec) : Float := r.ratio

structure NatFn where
  run : Nat → Nat
  tag : Nat

@[export fx_adder] def adder (n : Nat) : NatFn := ⟨fun m => Nat.add n m, n⟩
@[export fx_run] def runFn (f : NatFn) (x : Nat) : Nat := f.run x
@[export fx_apply2] def apply2 (f : Nat → Nat) (x : Nat) : Nat := f (f x)
@[export fx_compose] def composeAll (x : Nat) : Nat := apply2 (adder 5).run (apply2 (fun y => Nat.mul y 3) x)

@[export fx_boxed_u64] def boxedU64 (x : UInt64) : List UInt64 := List.cons (UInt64.add x x) List.nil
@[export fx_boxed_float] def boxedFloat (x : Float) : List Float := List.cons x List.nil
@[export fx_u64_head] def u64Head (l : List UInt64) : UInt64 :=
  match l with
  | .cons h _ => h
  | .nil => UInt64.ofNat 0

@[export fx_closed_big] def closedBig : Nat := Nat.mul 1000000000000000000000 1000000000000000000000
@[export fx_closed_list] def closedList : List Nat := List.cons 1 (List.cons 2 (List.cons 3 List.nil))
@[export fx_list_sum] def listSum : List Nat → Nat
  | .nil => 0
  | .cons h t => Nat.add h (listSum t)

set_option genCtorIdx false in
inductive Int : Type where
  | ofNat : Nat → Int
  | negSucc : Nat → Int
attribute [extern "lean_nat_to_int"] Int.ofNat
attribute [extern "lean_int_neg_succ_of_nat"] Int.negSucc

axiom Int.Lt : Int → Int → Prop
axiom Int.decLtImpl (a b : Int) : Decidable (Int.Lt a b)
@[extern "lean_int_dec_lt"]
def Int.decLt (a b : @& Int) : Decidable (Int.Lt a b) := Int.decLtImpl a b

@[extern "lean_int_add"] protected def Int.add (a b : @& Int) : Int := a
@[extern "lean_int_mul"] protected def Int.mul (a b : @& Int) : Int := a
@[extern "lean_int_neg"] protected def Int.neg (a : @& Int) : Int := a
@[extern "lean_int_emod"] protected def Int.emod (a b : @& Int) : Int := a
@[extern "lean_int_ediv"] protected def Int.ediv (a b : @& Int) : Int := a
@[extern "lean_int_dec_lt"] protected def Int.blt (a b : @& Int) : Bool := Bool.true
@[extern "lean_nat_abs"] protected def Int.natAbs (a : @& Int) : Nat := Nat.zero

-- (n - 10) * n, its Euclidean remainder and quotient by -7, |.|, and whether it is negative
@[export fx_int_ops] def intOps (a b : Nat) : List Int :=
  let x := Int.mul (Int.add (Int.ofNat a) (Int.negSucc 9)) (Int.ofNat b)
  List.cons x (List.cons (Int.emod x (Int.negSucc 6)) (List.cons (Int.ediv x (Int.negSucc 6))
    (List.cons (Int.ofNat (Int.natAbs x)) (List.cons (cond (Int.blt x (Int.ofNat 0)) (Int.ofNat 1) (Int.ofNat 0)) List.nil))))

structure Thunk (α : Type u) : Type u where
  mk ::
  private fn : Unit → α
attribute [extern "lean_mk_thunk"] Thunk.mk
@[extern "lean_thunk_get_own"] protected def Thunk.get {α : Type u} (x : @& Thunk α) : α := x.fn Unit.unit

@[export fx_thunk] def thunkTwice (n : Nat) : Nat :=
  let t := Thunk.mk (fun _ => Nat.mul n n)
  Nat.add (Thunk.get t) (Thunk.get t)

class Inhabited (α : Sort u) where
  default : α
instance : Inhabited Nat where
  default := 42

@[never_extract, extern "lean_panic_fn"]
def panicCore {α : Sort u} [Inhabited α] (msg : String) : α := Inhabited.default

@[export fx_panic] def panicky (n : Nat) : Nat :=
  cond (Nat.blt n 10) n (panicCore "fixture panic")
