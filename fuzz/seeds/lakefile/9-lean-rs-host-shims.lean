import Lake
open Lake DSL

/-! The lean-rs-host capability contract: 28 mandatory and 6 optional `lean_rs_host_*`
exports. `lean-rs-host` loads `liblean__rs__host__shims_LeanRsHostShims.so` and casts each
symbol to the prototype recorded in `abi/lean-rs-host-shims.abi.json`. -/

package «lean_rs_host_shims» where
  version := v!"0.1.0"

require «lean_rs_interop_shims» from "../lean-rs-interop-shims"

@[default_target]
lean_lib «LeanRsHostShims» where
  -- The root and every `LeanRsHostShims.*` module go into the one shared library.
  globs := #[.andSubmodules `LeanRsHostShims]
  defaultFacets := #[LeanLib.sharedFacet]
