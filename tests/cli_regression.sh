#!/usr/bin/env bash
# cli_regression.sh - the CI accuracy guard: run the quick study
# (bench/quick.ini) and `mibench check --strict` it against the checked-in
# baseline results/baselines/quick.h5. Fails when an estimator's mean moved
# by more than 4 combined standard errors, failed more often, or when the
# cells changed (then regenerate: bash scripts/make_baseline.sh).
. "$(dirname "$0")/lib.sh"
: "${SRC:?SRC must name the source root}"

CHECKS=$((CHECKS + 1))
if "$MIBENCH" run "$SRC/bench/quick.ini" -o "$TMP/quick.h5" --threads 2 --quiet >"$TMP/run.out" 2>&1
then pass "quick study ran"; else fail "mibench run bench/quick.ini: $(cat "$TMP/run.out")"; fi
CHECKS=$((CHECKS + 1))
if "$MIBENCH" check "$SRC/results/baselines/quick.h5" "$TMP/quick.h5" --strict >"$TMP/out" 2>"$TMP/err"
then pass "$(tail -n 1 "$TMP/out")"
else
  cat "$TMP/out"
  fail "quick study regressed against results/baselines/quick.h5: $(cat "$TMP/err")" \
       "(if the change is intended: bash scripts/make_baseline.sh and commit the new baseline)"
fi
finish
