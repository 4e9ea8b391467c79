import Lake
open Lake DSL

/-! Declarations the host tests query: definitions, theorems, an expected `sorry`, private and
generated names, across two modules with recorded source ranges. -/

package «lean_rs_fixture» where
  version := v!"0.1.0"

@[default_target]
lean_lib «LeanRsFixture» where
  -- The root and every `LeanRsFixture.*` module go into the one shared library.
  globs := #[.andSubmodules `LeanRsFixture]
  defaultFacets := #[LeanLib.sharedFacet]
