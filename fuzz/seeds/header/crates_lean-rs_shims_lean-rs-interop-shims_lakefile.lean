import Lake
open Lake DSL

/-! Generic Lean/Rust interop helpers (callbacks, worker envelopes). No host policy here.
The C callback helpers named by the `@[extern]` declarations are supplied by the lean-rs
crate and linked beside this library's shared facet. -/

package «lean_rs_interop_shims» where
  version := v!"0.1.0"

@[default_target]
lean_lib «LeanRsInterop» where
  -- The root and every `LeanRsInterop.*` module go into the one shared library.
  globs := #[.andSubmodules `LeanRsInterop]
  defaultFacets := #[LeanLib.sharedFacet]
