#!/usr/bin/env bash
# cli_cmi.sh - conditional MI from outside: `mibench sample cgaussian`
# writes x0, y0, z0 (CSV) or /x, /y, /z (HDF5); `mibench truth` prints
# I(X;Y|Z); `mibench estimate` takes the z block by default from such a
# file, by --z, from HDF5 and from standard input, all the same bits, and
# reports dz and z_columns in --json; without a z block nothing changes;
# the views of a chain sample the same rows.
# (The bad inputs are rows of tests/bad_inputs.tsv.)
. "$(dirname "$0")/lib.sh"

spec=cgaussian:rho_xy=0.7,rho_xz=0.5,rho_yz=0.5
"$MIBENCH" sample "$spec" -n 3000 --seed 2 -o "$TMP/c.csv" || fail "sample csv"
"$MIBENCH" sample "$spec" -n 3000 --seed 2 -o "$TMP/c.h5" || fail "sample h5"
expect_eq "CSV header" "$(head -1 "$TMP/c.csv")" "x0,y0,z0"
if command -v h5ls >/dev/null; then
  expect_eq "HDF5 datasets" "$(h5ls "$TMP/c.h5" | awk '{print $1}' | tr '\n' ' ')" "x y z "
fi
expect_ok truth "$spec"
expect_eq "truth = -1/2 ln(1 - 0.6^2)" "$(cat "$TMP/out")" 0.22314355131420982

for e in ksg1 ksg2 gaussian copula; do
  expect_ok estimate $e "$TMP/c.csv"; auto=$(cat "$TMP/out")
  expect_near "$e I(X;Y|Z)" "$auto" 0.22314355131420982 0.08
  expect_ok estimate $e "$TMP/c.csv" --x x0 --y y0 --z z0
  expect_eq "$e: --z z0 = the header's choice" "$(cat "$TMP/out")" "$auto"
  expect_ok estimate $e "$TMP/c.csv" --z 2
  expect_eq "$e: --z alone, x and y the two columns left" "$(cat "$TMP/out")" "$auto"
  expect_ok estimate $e "$TMP/c.h5"
  expect_eq "$e: HDF5 /z = CSV" "$(cat "$TMP/out")" "$auto"
  expect_ok estimate $e "$TMP/c.h5" --z /z
  expect_eq "$e: HDF5 --z /z" "$(cat "$TMP/out")" "$auto"
  expect_ok estimate $e - <"$TMP/c.csv"
  expect_eq "$e: standard input" "$(cat "$TMP/out")" "$auto"
done

# the views of a chain are one draw: sample seeds by the spec without them
for v in xy xz xz_y; do
  "$MIBENCH" sample chain:rho_xy=0.9,rho_yz=0.8,view=$v -n 50 --seed 4 -o "$TMP/v_$v.csv" ||
    fail "sample chain view $v"
done
expect_eq "chain views share X" "$(cut -d, -f1 "$TMP/v_xz.csv" | tail -n +2)" \
  "$(cut -d, -f1 "$TMP/v_xy.csv" | tail -n +2)"
expect_eq "view xz_y: its Z is view xy's Y" "$(cut -d, -f3 "$TMP/v_xz_y.csv" | tail -n +2)" \
  "$(cut -d, -f2 "$TMP/v_xy.csv" | tail -n +2)"
expect_eq "view xz_y: its Y is view xz's" "$(cut -d, -f2 "$TMP/v_xz_y.csv" | tail -n +2)" \
  "$(cut -d, -f2 "$TMP/v_xz.csv" | tail -n +2)"

# the plain MI when x and y are named and z is not (nothing changes)
expect_ok estimate gaussian "$TMP/c.csv" --x x0 --y y0 --json
case "$(cat "$TMP/out")" in
  *'"dx": 1, "dy": 1, "x_columns": ["x0"], "y_columns": ["y0"], "seconds"'*) pass "no z: no dz, no z_columns" ;;
  *) fail "no z: $(cat "$TMP/out")" ;;
esac
CHECKS=$((CHECKS + 1))
expect_near "gaussian I(X;Y) = -1/2 ln(1 - 0.7^2)" "$(sed -E 's/.*"estimate": ([^,]*),.*/\1/' "$TMP/out")" \
  "$(awk 'BEGIN { printf "%.17g", -0.5 * log(1 - 0.49) }')" 0.04
expect_ok estimate ksg1 "$TMP/c.csv" --json
case "$(cat "$TMP/out")" in
  *'"dx": 1, "dy": 1, "dz": 1, "x_columns": ["x0"], "y_columns": ["y0"], "z_columns": ["z0"]'*) pass "json: dz and z_columns" ;;
  *) fail "json: $(cat "$TMP/out")" ;;
esac
CHECKS=$((CHECKS + 1))
expect_ok estimate ksg1 "$TMP/c.h5" --json
case "$(cat "$TMP/out")" in
  *'"dz": 1, "x_columns": ["x"], "y_columns": ["y"], "z_columns": ["z"]'*) pass "json: HDF5 z dataset" ;;
  *) fail "json hdf5: $(cat "$TMP/out")" ;;
esac
CHECKS=$((CHECKS + 1))

# plugin with Z on integer columns: --z picks them, the header rule too
printf 'x0,y0,z0\n0,0,0\n0,0,0\n1,1,0\n0,1,0\n0,0,1\n1,0,1\n0,1,1\n1,1,1\n1,1,1\n' >"$TMP/t.csv"
expect_ok estimate plugin "$TMP/t.csv"
expect_near "plugin by hand" "$(cat "$TMP/out")" \
  "$(awk 'BEGIN { i0 = 0.5*log(4/3) + 0.25*log(2) + 0.25*log(2/3); i1 = 0.2*log(1.25) + 0.4*log(5/6) + 0.4*log(10/9); printf "%.17g", 4/9*i0 + 5/9*i1 }')" 1e-15

# a sweep of a conditional generator: only the conditional estimators get
# cells (kde is left out), and their trials see z: the means are within
# 0.03 nats of I(X;Y|Z) = 0.223 (I(X;Y) would be 0.337)
expect_ok run --gen cgaussian --est ksg1 --est kde --est gaussian --n 2000 --seeds 4 \
  -o "$TMP/cr.h5" --threads 2 --quiet
expect_eq "cells: ksg1 and gaussian, not kde" \
  "$(table "$TMP/cr.h5" /cells 1 8 | awk '{ printf "%s ", $2 }' | tr -d '"')" "ksg1 gaussian "
expect_eq "/cells carries dx, dy, dz" "$(table "$TMP/cr.h5" /cells 1 9 10 11 | awk '{ print $2, $3, $4 }' | sort -u)" "1 1 1"
expect_ok check "$TMP/cr.h5" --max-abs-bias 0.03
finish
