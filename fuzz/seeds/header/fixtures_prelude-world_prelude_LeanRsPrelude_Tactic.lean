prelude
import LeanRsPrelude.IO
/-!
Parser descriptions and the surface syntax of a few builtin tactics.

The tactic *elaborators* are compiled into the Lean binary, keyed by syntax-node kind; only the
grammar lives in core's library. Declaring `Lean.ParserDescr` (constructor order as in 4.35) lets
the `syntax` command produce descriptions, and giving each tactic core's node kind and argument
layout makes the builtin elaborator accept it.
-/

namespace Lean

/-- A grammar description interpreted by the `syntax` machinery. -/
inductive ParserDescr where
  | const  (name : Name)
  | unary  (name : Name) (p : ParserDescr)
  | binary (name : Name) (p₁ p₂ : ParserDescr)
  | node (kind : Name) (prec : Nat) (p : ParserDescr)
  | trailingNode (kind : Name) (prec lhsPrec : Nat) (p : ParserDescr)
  | symbol (val : String)
  | nonReservedSymbol (val : String) (includeIdent : Bool)
  | cat (catName : Name) (rbp : Nat)
  | parser (declName : Name)
  | nodeWithAntiquot (name : String) (kind : Name) (p : ParserDescr)
  | sepBy  (p : ParserDescr) (sep : String) (psep : ParserDescr) (allowTrailingSep : Bool := false)
  | sepBy1 (p : ParserDescr) (sep : String) (psep : ParserDescr) (allowTrailingSep : Bool := false)
  | unicodeSymbol (val asciiVal : String) (preserveForPP : Bool)

instance : Inhabited ParserDescr := ⟨ParserDescr.symbol (String.ofList List.nil)⟩

/-- A description of a trailing parser (one that starts with a nonterminal). -/
abbrev TrailingParserDescr := ParserDescr

/-