module

/- doc -/
public import Lean.Elab
meta import all «Foo».Bar
import Init.Data -- c

def x := 1
