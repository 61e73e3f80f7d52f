#!/usr/bin/env bash
# cli_estimate.sh - `mibench estimate` from outside: files made by `mibench
# sample` (CSV and HDF5 give the same bits), column selection by default,
# index and name, --bits, --json, CSV dialects (CRLF, BOM, quotes, blanks,
# hex floats), and one clear stderr line with the right exit status (2
# usage/spec, 1 file/data) for every bad input issue 3 lists.
. "$(dirname "$0")/lib.sh"

# expect_near WHAT GOT WANT TOL: |GOT - WANT| <= TOL
expect_near() {
  CHECKS=$((CHECKS + 1))
  if awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= t) }'
  then pass "$1 = $2 (want $3 +- $4)"; else fail "$1: got '$2', want $3 +- $4"; fi
}

# --- good input ---------------------------------------------------------------
"$MIBENCH" sample gaussian:rho=0.8 -n 4000 --seed 3 -o "$TMP/g.csv" || fail "sample csv"
"$MIBENCH" sample gaussian:rho=0.8 -n 4000 --seed 3 -o "$TMP/g.h5" || fail "sample h5"
"$MIBENCH" sample gaussian:dim=2,rho=0.6 -n 3000 --seed 4 -o "$TMP/g2.csv" || fail "sample 2d"
truth=$("$MIBENCH" truth gaussian:rho=0.8)

# Every estimator on the same file; the Gaussian ones are within ~4 SE
# (SE = rho / sqrt(n) = 0.013), KSG within its replicate spread (~0.02 at
# this n, 4 sd), KDE and histogram within their known smoothing/binning bias.
for e in ksg1 ksg2; do
  expect_ok estimate $e "$TMP/g.csv"; expect_near "$e on gaussian rho=0.8" "$(cat "$TMP/out")" "$truth" 0.08
done
for e in gaussian copula; do
  expect_ok estimate $e "$TMP/g.csv"; expect_near "$e on gaussian rho=0.8" "$(cat "$TMP/out")" "$truth" 0.06
done
for e in kde histogram; do
  expect_ok estimate $e "$TMP/g.csv"; expect_near "$e on gaussian rho=0.8" "$(cat "$TMP/out")" "$truth" 0.15
done
expect_ok estimate ksg1 "$TMP/g.csv"; csv=$(cat "$TMP/out")
expect_ok estimate ksg1 "$TMP/g.h5"; expect_eq "CSV and HDF5 give the same estimate" "$(cat "$TMP/out")" "$csv"
expect_ok estimate ksg1 "$TMP/g.h5" --x /x --y y; expect_eq "HDF5 --x/--y name datasets" "$(cat "$TMP/out")" "$csv"
expect_eq "17 significant digits" "$(echo "$csv" | sed -E 's/e.*//; s/[-.]//g; s/^0+//' | tr -d '\n' | wc -c)" 17
expect_ok estimate ksg1 "$TMP/g.csv" --bits
expect_near "--bits is nats / ln 2" "$(cat "$TMP/out")" "$(awk -v v="$csv" 'BEGIN { printf "%.17g", v / log(2) }')" 1e-15
expect_ok estimate ksg1 "$TMP/g.csv" --threads 1; expect_eq "1 thread = default threads" "$(cat "$TMP/out")" "$csv"
expect_ok estimate ksg1 "$TMP/g.csv" --x x0 --y 1; expect_eq "columns by name and index" "$(cat "$TMP/out")" "$csv"
expect_ok estimate ksg1 "$TMP/g.csv" --y 0; s1=$(cat "$TMP/out")
expect_ok estimate ksg1 "$TMP/g.csv" --x 1 --y 0; expect_eq "--y alone: x is the rest" "$s1" "$(cat "$TMP/out")"

expect_ok estimate ksg2:k=4 "$TMP/g.csv" --json
json=$(cat "$TMP/out")
for key in '"estimator": "ksg2:k=4,standardize=1,jitter=1e-10"' '"units": "nats"' '"n": 4000' \
           '"dx": 1' '"dy": 1' '"seconds": ' '"flags": ["jitter"]' '"estimate": '; do
  case "$json" in *"$key"*) pass "json has $key" ;; *) fail "json lacks $key: $json" ;; esac
  CHECKS=$((CHECKS + 1))
done

# x0,x1,y0,y1 header: the x*/y* groups are the default (dx = dy = 2)
expect_ok estimate gaussian "$TMP/g2.csv" --json
case "$(cat "$TMP/out")" in *'"dx": 2, "dy": 2'*) pass "x*/y* groups" ;; *) fail "groups: $(cat "$TMP/out")" ;; esac
CHECKS=$((CHECKS + 1))
expect_near "gaussian 2+2-D" "$(sed -E 's/.*"estimate": ([^,]*),.*/\1/' "$TMP/out")" \
  "$("$MIBENCH" truth gaussian:dim=2,rho=0.6)" 0.06

# CSV dialects: no header, CRLF, BOM, quoted names, blanks, hex floats, blank lines
printf '1,2\n2,1\n3,4\n4,3\n5,6\n6,5\n7,8\n8,7\n' >"$TMP/plain.csv"
expect_ok estimate gaussian "$TMP/plain.csv"; plain=$(cat "$TMP/out")
printf '\xef\xbb\xbf"a" , "b"\r\n1,2\r\n2,1\r\n\r\n 3 , 4 \r\n4,3\r\n0x1.4p2,6\r\n6,5\r\n7,8\r\n8,7e0\r\n' >"$TMP/dialect.csv"
expect_ok estimate gaussian "$TMP/dialect.csv"; expect_eq "CRLF/BOM/quotes/blanks/hex" "$(cat "$TMP/out")" "$plain"
expect_ok estimate gaussian "$TMP/dialect.csv" --x b --y a; expect_eq "quoted names select" "$(cat "$TMP/out")" "$plain"

# plug-in on integer data; heavy ties without jitter are finite, flagged and warned
"$MIBENCH" sample bsc:eps=0.1 -n 3000 --seed 5 -o "$TMP/bsc.csv" || fail "sample bsc"
expect_ok estimate plugin:correction=mm "$TMP/bsc.csv"
expect_near "plugin on bsc" "$(cat "$TMP/out")" "$("$MIBENCH" truth bsc:eps=0.1)" 0.03
expect_ok estimate ksg1:jitter=0 "$TMP/bsc.csv" --json
case "$(cat "$TMP/out")" in *'"flags": ["ties"]'*) pass "ties flagged" ;; *) fail "ties: $(cat "$TMP/out")" ;; esac
CHECKS=$((CHECKS + 1))
grep -q "warning: duplicate points" "$TMP/err"; expect_eq "ties warning on stderr" $? 0
expect_ok estimate ksg2:jitter=0 "$TMP/bsc.csv"
case "$(cat "$TMP/out")" in *nan*|*inf*) fail "ksg2 ties gave $(cat "$TMP/out")" ;; *) pass "ksg2 ties finite" ;; esac
CHECKS=$((CHECKS + 1))

# --- usage and spec errors: exit 2 ----------------------------------------------
expect_fail 2 "need EST_SPEC and FILE" -- estimate
expect_fail 2 "need EST_SPEC and FILE" -- estimate ksg1
expect_fail 2 "unknown estimator 'nope'" -- estimate nope "$TMP/g.csv"
expect_fail 2 "k=0 is out of range; allowed: integer in [1," -- estimate ksg1:k=0 "$TMP/g.csv"
expect_fail 2 "k=-2 is out of range" -- estimate ksg2:k=-2 "$TMP/g.csv"
expect_fail 2 "unknown parameter 'kk'" -- estimate ksg1:kk=3 "$TMP/g.csv"
expect_fail 2 "unknown option '--frobnicate'" -- estimate ksg1 "$TMP/g.csv" --frobnicate
expect_fail 2 "option '--x' needs a value" -- estimate ksg1 "$TMP/g.csv" --x
expect_fail 2 "--threads needs an integer in [1, 1024], got '0'" -- estimate ksg1 "$TMP/g.csv" --threads 0
expect_fail 2 "unexpected argument 'extra'" -- estimate ksg1 "$TMP/g.csv" extra
expect_fail 2 "--x: no column named 'zz'; the header has: x0, y0" -- estimate ksg1 "$TMP/g.csv" --x zz
expect_fail 2 "--y: column 7 does not exist; the file has 2 columns (0 to 1)" -- estimate ksg1 "$TMP/g.csv" --y 7
expect_fail 2 "no column named 'a'; the file has no header" -- estimate ksg1 "$TMP/plain.csv" --x a
expect_fail 2 "--x '' has an empty column name" -- estimate ksg1 "$TMP/g.csv" --x ''
expect_fail 2 "x and y need at least one column each (dx=2, dy=0" -- estimate ksg1 "$TMP/g.csv" --x 0,1
expect_fail 2 "column 0 ('x0') is in both x and y" -- estimate ksg1 "$TMP/g.csv" --x 0 --y x0
expect_fail 2 "dataset 'x' is given as both x and y" -- estimate ksg1 "$TMP/g.h5" --x x --y /x
expect_fail 2 "--x names column 1 twice" -- estimate ksg1 "$TMP/g2.csv" --x 1,x1
printf 'a,b,c\n1,2,3\n2,1,3\n' >"$TMP/three.csv"
expect_fail 2 "has 3 columns and no x*/y* header names; say which" -- estimate ksg1 "$TMP/three.csv"
printf '1\n2\n3\n' >"$TMP/one.csv"
expect_fail 2 "has 1 column and no x*/y* header names" -- estimate ksg1 "$TMP/one.csv"

# --- file errors: exit 1 ---------------------------------------------------------
expect_fail 1 "cannot open '$TMP/missing.csv': No such file or directory" -- estimate ksg1 "$TMP/missing.csv"
mkdir -p "$TMP/dir.csv"
expect_fail 1 "cannot read '$TMP/dir.csv': Is a directory" -- estimate ksg1 "$TMP/dir.csv"
: >"$TMP/empty.csv"
expect_fail 1 "'$TMP/empty.csv' is empty" -- estimate ksg1 "$TMP/empty.csv"
printf '\n  \n\r\n' >"$TMP/blank.csv"
expect_fail 1 "is empty" -- estimate ksg1 "$TMP/blank.csv"
printf 'x,y\n' >"$TMP/header.csv"
expect_fail 1 "has a header (line 1) but no data rows" -- estimate ksg1 "$TMP/header.csv"
printf 'x,y\n1,2\n3,4\n5\n' >"$TMP/ragged.csv"
expect_fail 1 "line 4 has 1 cell, but the first line has 2" -- estimate ksg1 "$TMP/ragged.csv"
printf 'x,y\n1,2\n3,4,5\n' >"$TMP/ragged2.csv"
expect_fail 1 "line 3 has 3 cells, but the first line has 2" -- estimate ksg1 "$TMP/ragged2.csv"
printf 'x,y\n1,2\n3,abc\n' >"$TMP/text.csv"
expect_fail 1 "line 3, column 1 ('y'): 'abc' is not a number" -- estimate ksg1 "$TMP/text.csv"
printf 'x,y\n1,2\n3,\n' >"$TMP/hole.csv"
expect_fail 1 "line 3, column 1 ('y'): empty cell" -- estimate ksg1 "$TMP/hole.csv"
printf 'x,y\n1,2\nnan,3\n' >"$TMP/nan.csv"
expect_fail 1 "line 3, column 0 ('x'): 'nan' is not finite" -- estimate ksg1 "$TMP/nan.csv"
printf '1,2\n2,3\n4,-inf\n' >"$TMP/inf.csv"
expect_fail 1 "line 3, column 1: '-inf' is not finite" -- estimate ksg1 "$TMP/inf.csv"
printf '1,2\n2,1e999\n' >"$TMP/huge.csv"
expect_fail 1 "line 2, column 1: '1e999' is not finite" -- estimate gaussian "$TMP/huge.csv"
printf 'x,y\n1,2\n2,1,5\n' >"$TMP/bad.h5"   # not HDF5 whatever the name: read as CSV
expect_fail 1 "line 3 has 3 cells" -- estimate ksg1 "$TMP/bad.h5"
expect_fail 1 "has no dataset 'z'" -- estimate ksg1 "$TMP/g.h5" --x z

# --- data errors: exit 1 -----------------------------------------------------------
printf 'x,y\n1,2\n2,1\n3,4\n' >"$TMP/three_rows.csv"
expect_fail 1 "n=3 samples is too few for k=3 neighbours; KSG needs n > k" -- estimate ksg1 "$TMP/three_rows.csv"
expect_fail 1 "n=3 samples is too few for k=5" -- estimate ksg2:k=5 "$TMP/three_rows.csv"
printf 'a,b,c\n1,7,2\n2,7,1\n3,7,4\n4,7,3\n5,7,6\n' >"$TMP/const.csv"
expect_fail 1 "column y0 is constant (every value is 7)" -- estimate ksg1 "$TMP/const.csv" --x a,c --y b
expect_fail 1 "y0 is file column 1 ('b')" -- estimate gaussian "$TMP/const.csv" --x a,c --y b
printf 'a,b\n1,2\n0.5,1\n3,3\n' >"$TMP/frac.csv"
expect_fail 1 "line 3, column 0 ('a'): 0.5 is not an integer; 'plugin' needs integer" -- estimate plugin "$TMP/frac.csv"
printf 'a,b\n1,2\n2,1\n' >"$TMP/two_rows.csv"
expect_fail 1 "n=2 rows cannot give a full-rank covariance of 2 columns" -- estimate gaussian "$TMP/two_rows.csv"
printf 'a,b\n1,2\n' >"$TMP/one_row.csv"
expect_fail 1 "need at least 2 samples, got 1" -- estimate copula "$TMP/one_row.csv"
printf 'a,b\n1,2\n2,4\n3,6\n4,8\n5,10\n' >"$TMP/line.csv"
expect_fail 1 "singular" -- estimate gaussian "$TMP/line.csv"

# Memory follows the rows read: 3 rows x 1e6 columns (6 MB) is read in
# well under 1.5 GB of address space (it once reserved 1024 rows: 8 GB).
{ seq -s, 0 999999; seq -s, 1 2 1999999; seq -s, 9 3 3000006; } >"$TMP/wide.csv"
CHECKS=$((CHECKS + 1))
if (ulimit -v 1500000; "$MIBENCH" estimate gaussian "$TMP/wide.csv" --x 0 --y 1) >"$TMP/out" 2>"$TMP/err"
then pass "3 x 1e6 CSV under ulimit -v 1.5 GB: $(cat "$TMP/out")"
else fail "3 x 1e6 CSV under ulimit -v 1.5 GB: $(cat "$TMP/err")"; fi
finish
