import Lake
open Lake DSL

/-! Helpers shared by the Lean-side test drivers (`scripts/lean-check.d/tests`). A Lake package
only so that a full toolchain can run `HostTests.lean` with `lake env lean`. -/

package «lean_check_support» where
  version := v!"0.1.0"

lean_lib «LeanCheckSupport»
