# lib.sh - helpers for the CLI tests (tests/cli_*.sh). Source it; each check
# prints one line; `finish` exits non-zero if any check failed.
# Environment: MIBENCH (the binary), SRC (source root), TMP (scratch dir).
set -u
: "${MIBENCH:?MIBENCH must name the mibench binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

# expect_fail CODE NEEDLE -- ARGS...: mibench exits CODE, prints exactly one
# stderr line containing NEEDLE, and nothing on stdout.
expect_fail() {
  local code=$1 needle=$2; shift 3
  CHECKS=$((CHECKS + 1))
  "$MIBENCH" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$? lines
  lines=$(wc -l <"$TMP/err")
  if [ "$rc" -ne "$code" ]; then fail "mibench $* exited $rc, want $code ($(cat "$TMP/err"))"
  elif [ "$lines" -ne 1 ]; then fail "mibench $*: $lines stderr lines, want 1: $(cat "$TMP/err")"
  elif ! grep -qF -- "$needle" "$TMP/err"; then fail "mibench $*: stderr '$(cat "$TMP/err")' lacks '$needle'"
  elif [ -s "$TMP/out" ]; then fail "mibench $*: printed on stdout on failure"
  else pass "mibench $* -> $code: $(cat "$TMP/err")"; fi
}

# expect_ok ARGS...: exit 0; stdout left in $TMP/out.
expect_ok() {
  CHECKS=$((CHECKS + 1))
  if "$MIBENCH" "$@" >"$TMP/out" 2>"$TMP/err"; then pass "mibench $*"
  else fail "mibench $* exited $? ($(cat "$TMP/err"))"; fi
}

# expect_eq WHAT GOT WANT
expect_eq() {
  CHECKS=$((CHECKS + 1))
  if [ "$2" = "$3" ]; then pass "$1 = $3"; else fail "$1: got '$2', want '$3'"; fi
}

finish() {
  echo "$((CHECKS - FAILS)) of $CHECKS checks passed"
  [ "$FAILS" -eq 0 ]
}
