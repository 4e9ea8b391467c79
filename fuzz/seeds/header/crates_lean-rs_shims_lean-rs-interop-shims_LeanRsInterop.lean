module

public import LeanRsInterop.Callback
public import LeanRsInterop.Worker.Stream

/-! Root of the generic interop package: the callback helpers (`LeanRsInterop.Callback`) and the
worker envelope helpers (`LeanRsInterop.Worker.Stream`). -/
