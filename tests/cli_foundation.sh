#!/usr/bin/env bash
# cli_foundation.sh - `mibench list`, `truth` and `sample` as DESIGN.md fixes
# them: output formats, known values, reproducible bytes, and one clear
# stderr line with the right exit status for every kind of bad input.
. "$(dirname "$0")/lib.sh"

GENERATORS="gaussian student uniform-noise square bsc ksc"

# significant digits of a %.17g number
sigdigits() { echo "$1" | sed -E 's/e.*//; s/[-.]//g; s/^0+//' | tr -d '\n' | wc -c; }

# --- list -------------------------------------------------------------------
expect_ok list
grep -q '^generators:' "$TMP/out" && grep -q '^estimators:' "$TMP/out"
expect_eq "list shows both sections" $? 0
for g in $GENERATORS; do
  grep -qE "^  $g " "$TMP/out"; expect_eq "list names $g" $? 0
done
expect_ok list generators
cp "$TMP/out" "$TMP/gens"
grep -q '^estimators:' "$TMP/gens"; expect_eq "list generators omits estimators" $? 1
grep -qE '^ +transform +default none .*one of none, cubic, asinh, halfcube, wiggly, cdf, spiral' "$TMP/gens"
expect_eq "list shows gaussian transform choices" $? 0
grep -qE '^ +rho +default 0.5 .*\(-1, 1\); not with mi' "$TMP/gens"
expect_eq "list shows rho range and exclusion" $? 0
grep -qE '^ +symbols +default 4 .*integer in \[2, ' "$TMP/gens"
expect_eq "list shows ksc symbols" $? 0
expect_ok list estimators
grep -q '^generators:' "$TMP/out"; expect_eq "list estimators omits generators" $? 1
expect_eq "list tags the conditional estimators, from their flags" \
  "$(grep -E '^  [a-z]' "$TMP/out" | grep -F 'also I(X;Y|Z)]' | awk '{ printf "%s ", $1 }')" \
  "plugin ksg1 ksg2 gaussian copula mixed-ksg "
grep -qE '^  ross .*\[one discrete side\]$' "$TMP/out"; expect_eq "list tags ross" $? 0
expect_fail 2 "'bogus'" -- list bogus
expect_fail 2 "'extra'" -- list generators extra
expect_ok list --help

# --- truth ------------------------------------------------------------------
expect_ok truth gaussian:rho=0.75
v=$(cat "$TMP/out")
expect_eq "truth gaussian rho=0.75 (bmi 0.41334)" "$v" 0.41333928659223396
expect_eq "truth prints 17 significant digits" "$(sigdigits "$v")" 17
expect_eq "truth prints one line" "$(wc -l <"$TMP/out")" 1
expect_ok truth gaussian:rho=0.75 --bits
expect_near "truth --bits gaussian rho=0.75" "$(cat "$TMP/out")" 0.59632253897119791 1e-15
expect_ok truth bsc:eps=0 --bits
expect_eq "truth --bits bsc eps=0" "$(cat "$TMP/out")" 1
expect_ok truth student:dim=1,nu=1
expect_eq "truth student nu=1 (bmi 0.22417)" "$(printf '%.5f' "$(cat "$TMP/out")")" 0.22417
expect_ok truth uniform-noise:eps=2
expect_eq "truth uniform-noise eps=2" "$(cat "$TMP/out")" 0.25
expect_ok truth gaussian:dim=20,mi=6,transform=cubic
expect_eq "truth gaussian mi=6 (any transform)" "$(cat "$TMP/out")" 6
expect_ok truth ksc:symbols=4,eps=0
expect_eq "truth ksc eps=0 is ln 4" "$(cat "$TMP/out")" 1.3862943611198906
expect_ok truth bsc:eps=0.5
expect_eq "truth bsc eps=0.5" "$(cat "$TMP/out")" 0
expect_ok truth square
expect_near "truth square default" "$(cat "$TMP/out")" 0.80270255982 1e-9
# --se: the truth and its standard error on one line; 0 for exact truths
expect_ok truth gaussian:rho=0.75 --se
expect_eq "truth --se of an exact truth" "$(cat "$TMP/out")" "0.41333928659223396 0"
expect_ok truth mixture:task=ai --se --bits
read -r v se <"$TMP/out"
expect_near "truth --se --bits mixture ai (Monte Carlo)" "$v" 1.12 0.01
expect_eq "truth --se --bits of a Monte-Carlo truth is about 1e-3" \
  "$(awk -v s="$se" 'BEGIN { print (s > 5e-4 && s < 3e-3) }')" 1
for g in $GENERATORS; do expect_ok truth "$g"; done
expect_fail 2 "'nosuch'" -- truth nosuch
expect_fail 2 "'foo'" -- truth gaussian:foo=1
expect_fail 2 "rho=2" -- truth gaussian:rho=2
expect_fail 2 "rho=1" -- truth gaussian:rho=1
expect_fail 2 "'abc'" -- truth gaussian:rho=abc
expect_fail 2 "'rho' or 'mi'" -- truth gaussian:rho=0.5,mi=1
expect_fail 2 "dim=0" -- truth gaussian:dim=0
expect_fail 2 "'bogus'" -- truth gaussian:transform=bogus
expect_fail 2 "dim >= 2" -- truth gaussian:transform=spiral
expect_fail 2 "mi=1e+06" -- truth gaussian:mi=1e6
expect_fail 2 "sigma=0" -- truth square:sigma=0
expect_fail 2 "nu=0" -- truth student:nu=0
expect_fail 2 "nu=0.05 is out of range; allowed: number in [0.1, 100]" -- truth student:nu=0.05
expect_fail 2 "nu=1000 is out of range" -- truth student:nu=1000
expect_fail 2 "eps=1.5" -- truth bsc:eps=1.5
expect_fail 2 "'2.5'" -- truth ksc:symbols=2.5
expect_fail 2 "eps=-1" -- truth uniform-noise:eps=-1
expect_fail 2 "'|'" -- truth "gaussian:rho=0.5|0.9"
expect_fail 2 "missing GEN_SPEC" -- truth
expect_fail 2 "'--nope'" -- truth gaussian --nope
expect_fail 2 "'bsc'" -- truth gaussian bsc
expect_ok truth --help

# --- sample -----------------------------------------------------------------
expect_ok sample gaussian:dim=2,transform=spiral -n 50 --seed 7 -o "$TMP/a.csv"
expect_eq "csv header" "$(head -1 "$TMP/a.csv")" "x0,x1,y0,y1"
expect_eq "csv rows" "$(wc -l <"$TMP/a.csv")" 51
expect_eq "csv fields per row" "$(awk -F, 'NR > 1 { print NF }' "$TMP/a.csv" | sort -u)" 4
expect_ok sample gaussian:dim=2,transform=spiral -n 50 --seed 7 -o "$TMP/b.csv"
cmp -s "$TMP/a.csv" "$TMP/b.csv"; expect_eq "same seed, same csv bytes" $? 0
expect_ok sample gaussian:dim=2,transform=spiral -n 50 --seed 8 -o "$TMP/c.csv"
cmp -s "$TMP/a.csv" "$TMP/c.csv"; expect_eq "other seed, other csv" $? 1
expect_ok sample student:dim=3 -n 20 -o "$TMP/s.csv"
expect_eq "student csv header" "$(head -1 "$TMP/s.csv")" "x0,x1,x2,y0,y1,y2"
expect_ok sample ksc:symbols=5 -n 200 -o "$TMP/k.csv"
expect_eq "ksc samples are symbols 0..4" \
  "$(tail -n +2 "$TMP/k.csv" | tr , '\n' | sort -u | tr '\n' ' ')" "0 1 2 3 4 "

expect_ok sample gaussian:dim=3 -n 40 --seed 5 -o "$TMP/a.h5"
h5dump -H "$TMP/a.h5" >"$TMP/h5head" 2>&1
expect_eq "h5dump reads the file" $? 0
grep -A2 'DATASET "x"' "$TMP/h5head" | grep -q 'SIMPLE { ( 40, 3 )'
expect_eq "/x is 40 x 3" $? 0
grep -A2 'DATASET "y"' "$TMP/h5head" | grep -q 'SIMPLE { ( 40, 3 )'
expect_eq "/y is 40 x 3" $? 0
sleep 1  # HDF5 would store modification times; the bytes must not change
expect_ok sample gaussian:dim=3 -n 40 --seed 5 -o "$TMP/b.h5"
cmp -s "$TMP/a.h5" "$TMP/b.h5"; expect_eq "same seed, same h5 bytes" $? 0
# the h5 and csv of one stream hold the same numbers
expect_ok sample gaussian:dim=3 -n 40 --seed 5 -o "$TMP/a3.csv"
first=$(h5dump -m %.17g -d /x -s 0,0 -c 1,1 "$TMP/a.h5" | grep -E '^ *\(0,0\):' | sed -E 's/.*: *//')
expect_near "h5 /x[0,0] equals csv x0 of row 1" "$first" "$(sed -n 2p "$TMP/a3.csv" | cut -d, -f1)" 1e-15

expect_fail 2 "'0'" -- sample gaussian -n 0 -o "$TMP/z.csv"
expect_fail 2 "'-3'" -- sample gaussian -n -3 -o "$TMP/z.csv"
expect_fail 2 "'abc'" -- sample gaussian -n abc -o "$TMP/z.csv"
expect_fail 2 "-o FILE" -- sample gaussian -n 5
expect_fail 2 "needs a value" -- sample gaussian -n 5 -o
expect_fail 2 "-n N" -- sample gaussian -o "$TMP/z.csv"
expect_fail 2 "z.txt" -- sample gaussian -n 5 -o "$TMP/z.txt"
expect_fail 2 "--seed" -- sample gaussian -n 5 --seed -1 -o "$TMP/z.csv"
expect_fail 1 "$TMP/no/dir/z.csv" -- sample gaussian -n 5 -o "$TMP/no/dir/z.csv"
expect_fail 1 "$TMP/no/dir/z.h5" -- sample gaussian -n 5 -o "$TMP/no/dir/z.h5"
expect_fail 2 "'nosuch'" -- sample nosuch -n 5 -o "$TMP/z.csv"
expect_fail 2 "dim >= 2" -- sample gaussian:transform=spiral -n 5 -o "$TMP/z.csv"
[ ! -e "$TMP/z.csv" ]; expect_eq "failed sample leaves no file" $? 0
expect_ok sample --help

finish
