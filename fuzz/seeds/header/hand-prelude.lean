prelude
import LeanRsPrelude.Core
/-! not a comment for the header -/
