#!/usr/bin/env bash
# cli_check.sh - `mibench check` on results files: the hand-made study of
# tests/results_fixture.h written by $FIXTURE (identical files pass; a mean
# planted 5 combined SEs away in one cell fails and is named, 3 SEs pass;
# grown failures fail; cells in one file only are listed and fail only with
# --strict; with the same trials in both files a shift of 2.7 two-sample
# SEs is caught by the paired comparison and passes with --unpaired, and
# with other seeds the check is unpaired; the gates against the true MI
# with one file and with two; the summary counts cells and, apart,
# reasons), a real study run twice with the same seeds (paired, identical
# numbers, pass) and with other seeds (unpaired, fails at --z 0),
# unreadable files and bad options (exit 2, one line).
. "$(dirname "$0")/lib.sh"
: "${FIXTURE:?FIXTURE must name tests/fixture_tool}"

fixture() { "$FIXTURE" "$@" || { echo "fixture_tool $* failed"; exit 1; }; }
fixture "$TMP/a.h5"
fixture "$TMP/b.h5"
fixture "$TMP/shift5.h5" --shift 13:5
fixture "$TMP/shift3.h5" --shift 13:-3
fixture "$TMP/fail.h5" --fail 4:2
fixture "$TMP/drop.h5" --drop 26
fixture "$TMP/ta.h5" --trials
fixture "$TMP/tshift.h5" --trials --shift 13:2.7
fixture "$TMP/tother.h5" --trials --reseed --shift 13:2.7

# expect_code CODE WHAT ARGS...: exit CODE; stdout in $TMP/out, stderr in $TMP/err.
expect_code() {
  local code=$1 what=$2; shift 2
  CHECKS=$((CHECKS + 1))
  "$MIBENCH" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ $rc -eq "$code" ]; then pass "$what: exit $code"; else fail "$what: exit $rc, want $code: $(cat "$TMP/err")"; fi
}
expect_grep() { # WHAT PATTERN FILE: an extended regex matches a line of FILE
  CHECKS=$((CHECKS + 1))
  if grep -qE -- "$2" "$3"; then pass "$1"; else fail "$1: no line matches '$2' in: $(cat "$3")"; fi
}

expect_code 0 "identical files" check "$TMP/a.h5" "$TMP/b.h5"
expect_eq "identical: ok rows" "$(grep -c ' ok$' "$TMP/out")" 27
expect_grep "identical: summary line" '^27 cells compared: 0 regressions, 27 in both files \(0 paired, 27 unpaired\), 0 only in the baseline, 0 only in the current file \(z = 4, abs-tol = 0\)$' "$TMP/out"
expect_grep "identical: row = cell, test, baseline, current, +0, +0.00 SEs, ok" \
  '^gaussian:rho=0\.9 \| ksg2 \| n=1000 +unpaired +0\.814611 \+- 0\.016 +0\.814611 \+- 0\.016 +\+0 +\+0\.00 +ok$' "$TMP/out"
expect_grep "identical: batched cells show B" '^square \| infonce \| n=100 B=64 ' "$TMP/out"
expect_grep "header names the columns" '^cell +test +baseline +current +difference +in SEs +verdict$' "$TMP/out"

expect_code 1 "mean planted 5 SEs away" check "$TMP/a.h5" "$TMP/shift5.h5"
expect_eq "one regression row" "$(grep -c 'REGRESSION$' "$TMP/out")" 1
expect_grep "the row names the cell, +5.00 SEs, shift" \
  '^gaussian:rho=0\.9 \| ksg2 \| n=1000 +unpaired +0\.814611 \+- 0\.016 +0\.926414 \+- 0\.016 +\+0\.112 +\+5\.00 +shift  REGRESSION$' "$TMP/out"
expect_grep "summary: cells, then reasons" \
  '^27 cells compared: 1 regression \(cells failing the check; reasons: shift 1\), 27 in both files' "$TMP/out"
expect_eq "stderr: one line naming the cell" "$(cat "$TMP/err")" \
  "mibench check: 1 regression, first: gaussian:dim=1,rho=0.9 ksg2:k=3,jitter=1e-10 n=1000 batch=0 (shift)"
expect_code 0 "--z 6 forgives 5 SEs" check "$TMP/a.h5" "$TMP/shift5.h5" --z 6
expect_code 0 "--abs-tol 0.2 forgives 0.112 nats" check "$TMP/a.h5" "$TMP/shift5.h5" --abs-tol 0.2
expect_code 0 "a move of 3 SEs passes" check "$TMP/a.h5" "$TMP/shift3.h5"
expect_grep "and is shown" '\| ksg2 \| n=1000 .* -3\.00 +ok$' "$TMP/out"

expect_code 1 "grown failures" check "$TMP/a.h5" "$TMP/fail.h5"
expect_grep "failures row" '^gaussian:rho=0\.5 \| ksg2 \| n=1000 .*\(2 failed\) .* failures  REGRESSION$' "$TMP/out"
expect_code 0 "fewer failures are fine" check "$TMP/fail.h5" "$TMP/a.h5"

expect_code 0 "a cell missing from the current file" check "$TMP/a.h5" "$TMP/drop.h5"
expect_grep "is listed" '^square \| infonce \| n=10000 B=64 +- +0\.68379 \+- 0\.005 +- +- +- +missing$' "$TMP/out"
expect_grep "and counted" '^27 cells compared: 0 regressions, 26 in both files \(0 paired, 26 unpaired\), 1 only in the baseline, 0 only in the current file' "$TMP/out"
expect_code 0 "a new cell" check "$TMP/drop.h5" "$TMP/a.h5"
expect_grep "is listed" '\| n=10000 B=64 +- +- +0\.68379 \+- 0\.005 .* new$' "$TMP/out"
expect_code 1 "--strict: a missing cell fails" check "$TMP/a.h5" "$TMP/drop.h5" --strict
expect_grep "named on stderr" 'first: square:.* infonce:.* n=10000 batch=64 \(missing\)$' "$TMP/err"
expect_grep "cells and reasons counted apart" \
  '^27 cells compared: 1 regression \(cells failing the check; reasons: missing 1\), 26 in both files .*, 1 only in the baseline, 0 only in the current file \(z = 4, abs-tol = 0, strict\)$' "$TMP/out"

# The same trials in both files (same replicates, same seeds): paired.
expect_code 0 "same trials: paired, every difference 0" check "$TMP/ta.h5" "$TMP/ta.h5" --z 1
expect_eq "paired rows with +0" "$(grep -cE '^.* paired +.* \+0 +\+0\.00 +ok$' "$TMP/out")" 27
expect_grep "paired in the summary" '^27 cells compared: 0 regressions, 27 in both files \(27 paired, 0 unpaired\)' "$TMP/out"
# Every trial of one cell moved by 2.7 two-sample SEs (0.06 nats): the
# two-sample test forgives it, the paired one does not.
expect_code 1 "paired: a shift of 2.7 two-sample SEs fails" check "$TMP/ta.h5" "$TMP/tshift.h5"
expect_grep "the row says paired" '^gaussian:rho=0\.9 \| ksg2 \| n=1000 +paired +0\.814611 .* \+0\.0604 +\+270\.00 +shift  REGRESSION$' "$TMP/out"
expect_code 0 "--unpaired forgives it" check "$TMP/ta.h5" "$TMP/tshift.h5" --unpaired
expect_grep "the row says unpaired, +2.70 SEs" '^gaussian:rho=0\.9 \| ksg2 \| n=1000 +unpaired .* \+0\.0604 +\+2\.70 +ok$' "$TMP/out"
expect_grep "and the settings say so" '\(z = 4, abs-tol = 0, unpaired\)$' "$TMP/out"
expect_code 0 "other seeds: unpaired, the shift passes" check "$TMP/ta.h5" "$TMP/tother.h5"
expect_grep "unpaired in the summary" '^27 cells compared: 0 regressions, 27 in both files \(0 paired, 27 unpaired\)' "$TMP/out"

# Gates against the true MI: one file needs no baseline. At n = 100 the
# biases are 0.03, 0.06, 0.09 times the truth (0.144, 0.830, 0.69).
expect_code 1 "one file, --max-abs-bias 0.05" check "$TMP/a.h5" --max-abs-bias 0.05
expect_grep "gate table header" '^cell +true MI +mean \+- SE +bias +rmse +verdict$' "$TMP/out"
expect_grep "a failing cell" '^gaussian:rho=0\.9 \| infonce \| n=100 B=64 +0\.830366 +0\.755633 \+- 0\.05 +-0\.0747 +0\.175 +bias  FAIL$' "$TMP/out"
expect_eq "two cells fail" "$(grep -c 'FAIL$' "$TMP/out")" 2
expect_grep "gate summary" '^27 cells checked against the true MI: 2 fail \(reasons: bias 2\), 25 pass, 0 without a true MI not checked \(max-abs-bias = 0\.05 nats\)$' "$TMP/out"
expect_eq "gate stderr" "$(cat "$TMP/err")" \
  "mibench check: 2 cells fail the gates, first: gaussian:dim=1,rho=0.9 infonce:critic=separable,batch=64,steps=400,online=1 n=100 batch=64 (bias)"
expect_code 0 "one file, a looser gate" check "$TMP/a.h5" --max-abs-bias 0.1
expect_code 1 "one file, --max-rmse 0.1" check "$TMP/a.h5" --max-rmse 0.1
expect_grep "rmse reason" 'reasons: rmse [0-9]+\)' "$TMP/out"
expect_code 1 "two files and a gate" check "$TMP/a.h5" "$TMP/b.h5" --max-abs-bias 0.05
expect_grep "gate columns before the verdict" '^cell +test +baseline +current +difference +in SEs +bias +rmse +verdict$' "$TMP/out"
expect_grep "gated cell in the comparison" '^gaussian:rho=0\.9 \| infonce \| n=100 B=64 +unpaired .* -0\.0747 +0\.175 +bias  REGRESSION$' "$TMP/out"
expect_grep "gate counts" ', 27 gated against the true MI, 0 without one \(z = 4, abs-tol = 0, max-abs-bias = 0\.05 nats\)$' "$TMP/out"

# A real study twice with the same seeds: identical numbers. Other seeds
# move the means (within their SEs) and so fail at --z 0.
run_study() { # OUT SEED
  "$MIBENCH" run --gen 'gaussian:rho=0.5|0.9' --est ksg1 --est ksg2 --n 100,300 --seeds 5 \
    --seed "$2" --name checktest --threads 2 --quiet --force -o "$1" >"$TMP/run.out" 2>&1 ||
    { echo "mibench run failed: $(cat "$TMP/run.out")"; exit 1; }
}
run_study "$TMP/r1.h5" 7
run_study "$TMP/r2.h5" 7
run_study "$TMP/r3.h5" 8
expect_code 0 "rerun with the same seeds" check "$TMP/r1.h5" "$TMP/r2.h5" --z 1
expect_eq "rerun: every difference is 0, paired" "$(grep -cE ' paired .* \+0 +\+0\.00 +ok$' "$TMP/out")" 8
expect_code 0 "other seeds: unpaired" check "$TMP/r1.h5" "$TMP/r3.h5"
expect_eq "unpaired rows" "$(grep -c ' unpaired ' "$TMP/out")" 8
expect_code 1 "other seeds at --z 0" check "$TMP/r1.h5" "$TMP/r3.h5" --z 0
expect_grep "named on stderr" '^mibench check: [0-9]+ regressions?, first: gaussian:.* ksg[12]:.* \(shift\)$' "$TMP/err"

# Files that cannot be read, and usage errors: exit 2, one stderr line.
echo "not hdf5" >"$TMP/text.h5"
expect_fail 2 "baseline $TMP/nope.h5" -- check "$TMP/nope.h5" "$TMP/a.h5"
expect_fail 2 "current $TMP/text.h5" -- check "$TMP/a.h5" "$TMP/text.h5"
expect_fail 2 "give two files, BASELINE.h5 and CURRENT.h5, or one with --max-abs-bias or --max-rmse" -- check "$TMP/a.h5"
expect_fail 2 "give two files" -- check
expect_fail 2 "--max-abs-bias needs a finite number >= 0 (got '-1')" -- check "$TMP/a.h5" --max-abs-bias -1
expect_fail 2 "--max-rmse needs a finite number >= 0 (got 'inf')" -- check "$TMP/a.h5" --max-rmse inf
expect_fail 2 "extra" -- check "$TMP/a.h5" "$TMP/b.h5" "$TMP/c.h5"
expect_fail 2 "--z needs a finite number >= 0 (got 'abc')" -- check "$TMP/a.h5" "$TMP/b.h5" --z abc
expect_fail 2 "--abs-tol needs" -- check "$TMP/a.h5" "$TMP/b.h5" --abs-tol -1
expect_fail 2 "option '--z' needs a value" -- check "$TMP/a.h5" "$TMP/b.h5" --z
expect_fail 2 "--time-factor 0.5: give a factor >= 1" -- check "$TMP/a.h5" "$TMP/b.h5" --time-factor 0.5
expect_fail 2 "unknown option '--bogus'" -- check "$TMP/a.h5" "$TMP/b.h5" --bogus
expect_ok check --help
expect_grep "help documents the exit codes" 'Exit status: 0 no regression, 1 regression \(or no cell in common\), 2 usage or file error' "$TMP/out"
expect_grep "help documents --unpaired" '^  --unpaired ' "$TMP/out"
expect_grep "help documents --max-abs-bias" '^  --max-abs-bias X ' "$TMP/out"
# --bits: the tables in bits (the same numbers / ln 2), X read in bits
expect_ok check "$TMP/a.h5" "$TMP/a.h5"
nats=$(awk 'NR == 2 {print $(NF-5)}' "$TMP/out")
expect_ok check "$TMP/a.h5" "$TMP/a.h5" --bits
bits=$(awk 'NR == 2 {print $(NF-5)}' "$TMP/out")
expect_eq "--bits mean = nats / ln 2" "$(awk -v n="$nats" -v b="$bits" 'BEGIN { d = n / log(2) - b; print (d < 1e-4 * (n < 0 ? -n : n) + 1e-9 && d > -1e-4 * (n < 0 ? -n : n) - 1e-9) }')" 1
expect_grep "--bits: gates in bits" 'max-abs-bias = 5 bits' <(
  "$MIBENCH" check "$TMP/a.h5" --max-abs-bias 5 --bits 2>/dev/null | tail -1)
finish
