prelude
import LeanRsPrelude
/-! `IO` exports. Compiled `IO α` functions take no world argument and return an `EST.Out`:
constructor 0 (`ok`) or 1 (`error`), with the value or the `IO.Error` as the only field. -/

namespace LeanRsShapes

/-- Succeeds with `s ++ "!"`. -/
@[export lean_rs_shapes_io_shout]
def ioShout (s : String) : IO String := pure (HAppend.hAppend s "!")

/-- Succeeds with `()`. -/
@[export lean_rs_shapes_io_unit]
def ioUnit (_ : Unit) : IO Unit := pure ()

/-- Raises `IO.userError msg`. -/
@[export lean_rs_shapes_io_user_error]
def ioUserError (msg : String) : IO String := throw (IO.userError msg)

/-- Raises the `IO.Error` constructor with tag `kind` (0 … 18, in `IO.Error` order), with OS code
`code`, details `msg` and, for constructors that carry one, file name `"/tmp/lean-rs-file"`.
Tags above 18 succeed. -/
@[export lean_rs_shapes_io_raise]
def ioRaise (kind : Nat) (code : UInt32) (msg : String) : IO Unit :=
  let file := "/tmp/lean-rs-file"
  match kind with
  | 0 => throw (IO.Error.alreadyExists (some file) code msg)
  | 1 => throw (IO.Error.otherError code msg)
  | 2 => throw (IO.Error.resourceBusy code msg)
  | 3 => throw (IO.Error.resourceVanished code msg)
  | 4 => throw (IO.Error.unsupportedOperation code msg)
  | 5 => throw (IO.Error.hardwareFault code msg)
  | 6 => throw (IO.Error.unsatisfiedConstraints code msg)
  | 7 => throw (IO.Error.illegalOperation code msg)
  | 8 => throw (IO.Error.protocolError code msg)
  | 9 => throw (IO.Error.timeE