#!/usr/bin/env bash
# cli_check.sh - `mibench check` on real results files: a rerun of the same
# study (same seeds, identical numbers) passes; a study run with other
# seeds fails at --z 0 and names a cell on stderr; cells in one file only
# are listed, and fail only with --strict; unreadable files and bad
# options exit 2 with one line. (Planted shifts of a few SEs: test_check.)
. "$(dirname "$0")/lib.sh"

run_study() { # OUT SEED NLIST
  "$MIBENCH" run --gen 'gaussian:rho=0.5|0.9' --est ksg1 --est ksg2 --n "$3" --seeds 5 \
    --seed "$2" --name checktest --threads 2 --quiet --force -o "$1" >"$TMP/run.out" 2>&1 ||
    { echo "mibench run failed: $(cat "$TMP/run.out")"; exit 1; }
}
run_study "$TMP/a.h5" 7 100,300
run_study "$TMP/b.h5" 7 100,300
run_study "$TMP/c.h5" 8 100,300
run_study "$TMP/d.h5" 7 100

# A rerun with the same seeds: exit 0, every cell ok with a zero difference.
expect_ok check "$TMP/a.h5" "$TMP/b.h5"
expect_eq "rerun: cells compared" "$(grep -c ' ok$' "$TMP/out")" 8
grep -q '^8 cells compared: 0 regressions, 0 only in the baseline, 0 only in the current file' "$TMP/out"
expect_eq "rerun: summary line" $? 0
grep -qE '^gaussian:rho=0.9 \| ksg2 \| n=300 +[-0-9.e]+ \+- [0-9.e-]+ +[-0-9.e]+ \+- [0-9.e-]+ +\+0 +\+0\.00 +ok$' "$TMP/out"
expect_eq "rerun: a row reads cell, baseline, current, +0, +0.00 SEs, ok" $? 0

# Other seeds: the means move within their SEs (pass at z = 4, which would
# flag a move of 4 combined SEs), but any move fails at z = 0.
CHECKS=$((CHECKS + 1))
"$MIBENCH" check "$TMP/a.h5" "$TMP/c.h5" --z 0 >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
   grep -qE 'regressions?, first: gaussian:.* ksg[12]:.* n=[0-9]+ batch=0 \(shift\)' "$TMP/err"
then pass "other seeds at --z 0 -> 1: $(cat "$TMP/err")"
else fail "other seeds at --z 0: exit $rc, stderr: $(cat "$TMP/err")"; fi
grep -q 'shift  REGRESSION$' "$TMP/out"; expect_eq "the table marks the regression" $? 0
"$MIBENCH" check "$TMP/a.h5" "$TMP/c.h5" --abs-tol 10 --z 0 >/dev/null 2>&1
expect_eq "--abs-tol 10 forgives those moves" $? 0

# Cells in one file only: listed, not failures unless --strict.
expect_ok check "$TMP/a.h5" "$TMP/d.h5"
expect_eq "missing cells listed" "$(grep -c ' missing$' "$TMP/out")" 4
grep -q '4 cells compared: 0 regressions, 4 only in the baseline, 0 only in the current file' "$TMP/out"
expect_eq "missing cells counted" $? 0
expect_ok check "$TMP/d.h5" "$TMP/a.h5"
expect_eq "new cells listed" "$(grep -c ' new$' "$TMP/out")" 4
CHECKS=$((CHECKS + 1))
"$MIBENCH" check "$TMP/a.h5" "$TMP/d.h5" --strict >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -q '4 regressions, first: .* n=300 batch=0 (missing)' "$TMP/err"
then pass "--strict: missing cells fail -> 1"; else fail "--strict: exit $rc: $(cat "$TMP/err")"; fi

# Files that cannot be read, and usage errors: exit 2, one stderr line.
echo "not hdf5" >"$TMP/text.h5"
expect_fail 2 "baseline $TMP/nope.h5" -- check "$TMP/nope.h5" "$TMP/a.h5"
expect_fail 2 "current $TMP/text.h5" -- check "$TMP/a.h5" "$TMP/text.h5"
expect_fail 2 "give two files" -- check "$TMP/a.h5"
expect_fail 2 "extra" -- check "$TMP/a.h5" "$TMP/b.h5" "$TMP/c.h5"
expect_fail 2 "--z needs a finite number >= 0 (got 'abc')" -- check "$TMP/a.h5" "$TMP/b.h5" --z abc
expect_fail 2 "--abs-tol needs" -- check "$TMP/a.h5" "$TMP/b.h5" --abs-tol -1
expect_fail 2 "--time-factor 0.5: give a factor >= 1" -- check "$TMP/a.h5" "$TMP/b.h5" --time-factor 0.5
expect_fail 2 "unknown option '--bogus'" -- check "$TMP/a.h5" "$TMP/b.h5" --bogus
expect_ok check --help
grep -q 'Exit status: 0 no regression, 1 regression, 2 usage or file error' "$TMP/out"
expect_eq "help documents the exit codes" $? 0
finish
