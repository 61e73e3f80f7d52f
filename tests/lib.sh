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

# expect_near WHAT GOT WANT TOL: |GOT - WANT| <= TOL
expect_near() {
  CHECKS=$((CHECKS + 1))
  if awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= t) }'
  then pass "$1 = $2 (want $3 +- $4)"; else fail "$1: got '$2', want $3 +- $4"; fi
}

# table FILE DATASET FIELD...: one line per row of a compound dataset of a
# results file, the given fields (1-based, in h5dump's order, numbers as
# %.17g), sorted numerically by the first three.
table() {
  local file=$1 set=$2; shift 2
  h5dump -d "$set" -m '%.17g' -y -w 0 "$file" | awk -v want="$*" '
    BEGIN { nw = split(want, w, " ") }
    function out(  i, s) {
      if (!k) return
      s = f[w[1]]; for (i = 2; i <= nw; i++) s = s " " f[w[i]]
      print s; k = 0
    }
    /DATA \{/ { on = 1; next }
    !on { next }
    /^ *\{ *$/ { k = 0; next }
    /^ *\}, \{ *$/ { out(); next }
    /^ *\},? *$/ { out(); next }   # h5dump sometimes breaks "}, {" in two
    { sub(/^ +/, ""); sub(/,$/, ""); f[++k] = $0 }' | sort -n -k1,1 -k2,2 -k3,3
}
# trials FILE: cell replicate seed estimate status, one line per trial
trials() { table "$1" /trials 1 6 7 9 12; }
# summary FILE: cell count failures mean bias variance std_error mse rmse (no timings)
summary() { table "$1" /summary 1 7 8 9 10 11 12 13 14; }
# curves FILE: cell replicate step estimate true_mi
curves() { table "$1" /curves 1 2 3 4 5; }

finish() {
  echo "$((CHECKS - FAILS)) of $CHECKS checks passed"
  [ "$FAILS" -eq 0 ]
}
