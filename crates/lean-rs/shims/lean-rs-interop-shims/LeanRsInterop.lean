module

public import LeanRsInterop.Callback.Tick
public import LeanRsInterop.Callback.String
public import LeanRsInterop.Worker.Stream

/-! Root of the generic interop package: the tick and string callback helpers and the worker
envelope helpers. (There is no separate `LeanRsInterop.Callback` roll-up module: importing
this root gives both callback helpers, and every extra module costs a full wasm Lean run in
scripts/lean-check.) -/

