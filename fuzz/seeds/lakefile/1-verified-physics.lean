import Lake
open Lake DSL

/-! A small physics computation with Lean proofs about it, exported for native hosts
(C++, Rust, Mojo) through plain scalar C symbols. -/

package «verified_physics» where
  version := v!"0.1.0"

@[default_target]
lean_lib «VerifiedPhysics» where
  defaultFacets := #[LeanLib.sharedFacet]
