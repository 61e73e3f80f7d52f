#!/usr/bin/env bash
# cli_entropy.sh - `mibench entropy` from outside: every method on files
# made by `mibench sample` against closed forms (tolerances a few standard
# errors at this n), columns by name and index, CSV and HDF5 alike,
# --bits, --json, the same number as the library gives through the C
# tests; bad inputs are in tests/bad_inputs.tsv. When /usr/bin/python3 has
# scikit-learn, `ross` equals its _compute_mi_cd to 1e-12.
. "$(dirname "$0")/lib.sh"


"$MIBENCH" sample gaussian:rho=0.6 -n 5000 --seed 7 -o "$TMP/g.csv" || fail "sample csv"
"$MIBENCH" sample gaussian:rho=0.6 -n 5000 --seed 7 -o "$TMP/g.h5" || fail "sample h5"
h1=$(awk 'BEGIN { printf "%.17g", 0.5 * log(2 * 3.141592653589793 * exp(1)) }')
h2=$(awk 'BEGIN { printf "%.17g", log(2 * 3.141592653589793 * exp(1)) + 0.5 * log(1 - 0.36) }')

# H(X) of N(0, 1): SE of the k-NN and Gaussian entropies ~ sqrt(1/2 / n) = 0.01
for m in kl kl-euclid gaussian; do
  expect_ok entropy $m "$TMP/g.csv" --cols x0; expect_near "$m of N(0,1)" "$(cat "$TMP/out")" "$h1" 0.04
done
# every column (x0, y0): the joint entropy, SE ~ 0.014
for m in kl kl-euclid gaussian; do
  expect_ok entropy $m "$TMP/g.csv"; expect_near "$m of the binormal" "$(cat "$TMP/out")" "$h2" 0.06
done
expect_ok entropy kl "$TMP/g.csv" --cols 0; a=$(cat "$TMP/out")
expect_ok entropy kl "$TMP/g.h5"; expect_eq "CSV column x0 and HDF5 /x give the same bits" "$(cat "$TMP/out")" "$a"
expect_ok entropy kl "$TMP/g.h5" --cols /x; expect_eq "--cols names a dataset" "$(cat "$TMP/out")" "$a"
expect_ok entropy kl "$TMP/g.csv" --cols x0 --threads 1; expect_eq "1 thread = all threads" "$(cat "$TMP/out")" "$a"
expect_ok entropy kl "$TMP/g.csv" --cols x0 --bits
expect_near "--bits is nats / ln 2" "$(cat "$TMP/out")" "$(awk -v v="$a" 'BEGIN { printf "%.17g", v / log(2) }')" 1e-15
expect_ok entropy kl "$TMP/g.csv" --cols x0 --k 7
[ "$(cat "$TMP/out")" != "$a" ]; expect_eq "--k changes the k-NN entropy" $? 0

expect_ok entropy kl-euclid "$TMP/g.csv" --cols y0,x0 --k 4 --json
json=$(cat "$TMP/out")
for key in '"method": "kl-euclid"' '"k": 4' '"units": "nats"' '"n": 5000' '"d": 2' \
           '"columns": ["y0", "x0"]' '"seconds": ' '"entropy": '; do
  CHECKS=$((CHECKS + 1))
  case "$json" in *"$key"*) pass "json has $key" ;; *) fail "json lacks $key: $json" ;; esac
done

# discrete: p = (1/2, 1/4, 1/4) over 4000 rows exactly, so the plug-in is
# exact: 1.5 ln 2; Miller-Madow adds (3 - 1) / (2 * 4000)
awk 'BEGIN { print "s"; for (i = 0; i < 4000; i++) print (i % 4 == 0 ? 2 : i % 4 == 1 ? 1 : 0) }' >"$TMP/d.csv"
expect_ok entropy plugin "$TMP/d.csv"; expect_near "plugin" "$(cat "$TMP/out")" "$(awk 'BEGIN { printf "%.17g", 1.5 * log(2) }')" 1e-14
expect_ok entropy plugin-mm "$TMP/d.csv"; expect_near "plugin-mm" "$(cat "$TMP/out")" "$(awk 'BEGIN { printf "%.17g", 1.5 * log(2) + 2 / 8000 }')" 1e-14
# Exponential(1) by inverse CDF on a grid: H = 1
awk 'BEGIN { print "e"; srand(3); for (i = 0; i < 4000; i++) printf "%.17g\n", -log(1 - rand()) }' >"$TMP/e.csv"
expect_ok entropy kl "$TMP/e.csv"; expect_near "kl of Exp(1)" "$(cat "$TMP/out")" 1 0.06

# ross against scikit-learn's own function, when it is there
if /usr/bin/python3 -c 'import sklearn.feature_selection._mutual_info' 2>/dev/null; then
  /usr/bin/python3 - "$TMP/r.csv" >"$TMP/sk" <<'PY'
import sys, numpy as np
from sklearn.feature_selection._mutual_info import _compute_mi_cd
rng = np.random.default_rng(5)
d = rng.integers(0, 4, 1500); d[0] = 9          # a one-sample class, dropped
c = 0.6 * d + rng.normal(size=d.size)
np.savetxt(sys.argv[1], np.c_[c, d], delimiter=",", header="c,d", comments="")
print(repr(_compute_mi_cd(c.copy(), d.copy(), 3)))
PY
  expect_ok estimate ross "$TMP/r.csv"
  expect_near "ross = scikit-learn _compute_mi_cd" "$(cat "$TMP/out")" "$(cat "$TMP/sk")" 1e-12
  expect_ok estimate ross:discrete=x "$TMP/r.csv" --x d --y c
  expect_near "ross discrete=x" "$(cat "$TMP/out")" "$(cat "$TMP/sk")" 1e-12
else
  echo "skip: no scikit-learn for /usr/bin/python3"
fi
finish
