import Lake
open Lake DSL

/-! A downstream-style capability: depends on the generic interop shims only, never on the
host shims. Rust tests load its shared facet and call the exports below. -/

package «lean_rs_interop_consumer» where
  version := v!"0.1.0"

require «lean_rs_interop_shims» from "../../crates/lean-rs/shims/lean-rs-interop-shims"

@[default_target]
lean_lib «LeanRsInteropConsumer» where
  -- The root and every `LeanRsInteropConsumer.*` module go into the one shared library.
  globs := #[.andSubmodules `LeanRsInteropConsumer]
  defaultFacets := #[LeanLib.sharedFacet]
