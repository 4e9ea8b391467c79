module

public import LeanRsInterop.Callback.Tick
public import LeanRsInterop.Callback.String

/-! The generic callback helpers in one import: `LeanRsInterop.Callback.Tick` (progress ticks)
and `LeanRsInterop.Callback.String` (string events). -/
