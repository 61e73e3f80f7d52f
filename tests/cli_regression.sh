#!/usr/bin/env bash
# cli_regression.sh - the CI accuracy guard: run the quick study
# (bench/studies/quick.ini) and `mibench check --strict` it against the checked-in
# baseline results/baselines/quick.h5 at --z 1: both runs use the same
# seeds, hence the same data, so any difference comes from the code, not
# from sampling; the standard error only sets the scale (a KSG-1 shifted by
# 0.02 nats at N = 1000 is 1.1-1.7 combined SEs: caught at z = 1, not at
# the default 4). Fails when a mean moved by more than that, a cell failed
# more often, or the cells changed; when intended, regenerate the baseline:
# bash scripts/make_baseline.sh.
. "$(dirname "$0")/lib.sh"
: "${SRC:?SRC must name the source root}"

CHECKS=$((CHECKS + 1))
if "$MIBENCH" run "$SRC/bench/studies/quick.ini" -o "$TMP/quick.h5" --threads 2 --quiet >"$TMP/run.out" 2>&1
then pass "quick study ran"; else fail "mibench run bench/studies/quick.ini: $(cat "$TMP/run.out")"; fi
CHECKS=$((CHECKS + 1))
if "$MIBENCH" check "$SRC/results/baselines/quick.h5" "$TMP/quick.h5" --strict --z 1 >"$TMP/out" 2>"$TMP/err"
then pass "$(tail -n 1 "$TMP/out")"
else
  cat "$TMP/out"
  fail "quick study regressed against results/baselines/quick.h5: $(cat "$TMP/err")" \
       "(if the change is intended: bash scripts/make_baseline.sh and commit the new baseline)"
fi
finish
