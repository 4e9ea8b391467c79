# Shared helpers for the project's shell scripts. Source, do not run.
# shellcheck shell=bash
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LEAN_RS_DIR="$ROOT/.lean-rs"

step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# verify_sha256 FILE DIGEST: true when FILE exists and hashes to DIGEST.
verify_sha256() {
  [ -f "$1" ] || return 1
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ]
}
