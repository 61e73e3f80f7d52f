#!/usr/bin/env bash
# cli_external.sh - external estimators from the command line: --external
# on run and list, [external] in a study file, bmi's positional call
# `mibench estimate SPEC FILE DIMX DIMY` on bmi's CSV, `sample --bmi`, and
# mibench's own ksg1 run by a bmi-protocol driver beside a Python
# estimator run by mibench. (The protocols' numbers and failure modes are
# tests/test_external.c.)
. "$(dirname "$0")/lib.sh"
NP="/usr/bin/python3 $SRC/tests/external/np_gaussian.py"

# sample --bmi writes bmi's header; estimate reads it with DIMX DIMY
expect_ok sample gaussian:dim=2,rho=0.6 -n 400 --seed 3 --bmi -o "$TMP/b.csv"
expect_eq "bmi header" "$(head -1 "$TMP/b.csv")" "X0,X1,Y0,Y1"
expect_ok estimate ksg1 "$TMP/b.csv" 2 2
by_dims=$(cat "$TMP/out")
expect_ok estimate ksg1 "$TMP/b.csv" --x X0,X1 --y Y0,Y1
expect_eq "DIMX DIMY = --x/--y" "$by_dims" "$(cat "$TMP/out")"
expect_eq "one line on stdout" "$(wc -l <"$TMP/out")" "1"
expect_fail 2 "DIMX and DIMY must be integers" -- estimate ksg1 "$TMP/b.csv" 2 two
expect_fail 2 "give DIMX DIMY or --x/--y" -- estimate ksg1 "$TMP/b.csv" 2 2 --x 0
expect_ok sample gaussian:dim=2 -n 100 -o "$TMP/b.h5"
expect_fail 2 "has dx=2, dy=2 but DIMX DIMY say 1 2" -- estimate ksg1 "$TMP/b.h5" 1 2

# list shows declared externals with their generic parameters
expect_ok list estimators --external "npg=$NP"
grep -q "^  npg  *external: $NP" "$TMP/out"; expect_eq "list shows npg" $? 0
grep -q "protocol *default bmi" "$TMP/out"; expect_eq "npg has protocol" $? 0
expect_fail 2 "--external needs NAME=COMMAND" -- list --external npg
expect_fail 2 "estimator name 'ksg1' is already taken" -- list --external ksg1=true

# run --external: the NumPy estimator equals the built-in gaussian cell by cell
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  expect_ok run --gen 'gaussian:rho=0.3|0.8' --est gaussian --est npg --est 'npg:protocol=bmi,timeout=30' \
    --n 100,300 --seeds 2 --external "npg=$NP" -o "$TMP/e.h5" --quiet
  expect_ok check "$TMP/e.h5" "$TMP/e.h5"
  g=$(grep ' | gaussian | ' "$TMP/out" | awk '{print $(NF-5)}' | tr '\n' ' ')
  n=$(grep ' | npg:timeout=3600 | ' "$TMP/out" | awk '{print $(NF-5)}' | tr '\n' ' ')
  expect_eq "npg means = gaussian means" "$n" "$g"
  # the same study as a file with an [external] section, and --resume keeps it
  printf '[study]\nseed = 1\nreplicates = 2\nn = 100\n[generators]\ngen = gaussian\n[estimators]\nest = npg\n[external]\nnpg = %s\n' "$NP" >"$TMP/s.ini"
  expect_ok run "$TMP/s.ini" -o "$TMP/s.h5" --quiet
  expect_ok run "$TMP/s.ini" -o "$TMP/s.h5" --resume
  grep -q "(2 kept, 0 run)" "$TMP/err"; expect_eq "resume reruns nothing" $? 0
  sed -i 's/np_gaussian.py$/np_gaussian.py --changed/' "$TMP/s.ini"
  expect_fail 1 "was run with other external commands" -- run "$TMP/s.ini" -o "$TMP/s.h5" --resume
else
  echo "skip: no /usr/bin/python3 with NumPy"
fi
expect_fail 2 "unknown estimator 'npg'" -- run --gen gaussian --est npg --n 100 -o "$TMP/x.h5"
expect_fail 2 "command 'prog \"x' does not split into words" -- run --gen gaussian --est q --n 100 \
  --external 'q=prog "x' -o "$TMP/x.h5"
# a failing program is a failed trial, not a failed run
expect_ok run --gen gaussian --est bad --n 100 --seeds 2 --external 'bad=sh -c "echo no >&2; exit 4"' \
  -o "$TMP/f.h5"
grep -q "2 failed" "$TMP/err"; expect_eq "failed trials counted" $? 0

# mibench inside bmi: a driver speaking bmi's protocol calls mibench's ksg1
# on bmi's CSV and gets exactly what mibench itself computes.
cat >"$TMP/driver.sh" <<DRIVER
#!/bin/sh
# bmi's side: write samples, call ESTIMATOR FILE DIMX DIMY, take the last line
"\$1" sample gaussian:dim=1,rho=0.75 -n 1000 --seed 9 --bmi -o "\$2/task.csv"
"\$1" estimate ksg1 "\$2/task.csv" 1 1 --quiet 2>&1 | tail -1
DRIVER
driven=$(sh "$TMP/driver.sh" "$MIBENCH" "$TMP")
expect_ok sample gaussian:dim=1,rho=0.75 -n 1000 --seed 9 -o "$TMP/t.csv"
expect_ok estimate ksg1 "$TMP/t.csv"
expect_eq "ksg1 through a bmi driver" "$driven" "$(cat "$TMP/out")"

finish
