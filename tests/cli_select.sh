#!/usr/bin/env bash
# cli_select.sh - `mibench select` on synthetic tables whose right answer is
# known (python3's random module, fixed seed, n = 2000): y = f1 + 0.4 f2 +
# 0.3 e, so f1 is strongly informative (I ~ 0.80 nats), f2 weakly (~ 0.07)
# and independent of f1; copy = f1 + 0.1 noise is redundant with f1; n1, n2
# are pure noise; id and label are text, const is constant; g = [f2 > 0] is
# an integer feature; class cuts y into three labels. Checks: the rankings
# of mi, mrmr and jmi; the default estimators (ksg1, ross for a class label,
# plugin for integer pairs); every score equal to `mibench estimate` on the
# same pair to the last digit; the same bytes for 1 and 2 threads; --bits,
# --k, --json, skipped columns, TSV, HDF5, --dropna. Bad inputs are in
# tests/bad_inputs.tsv.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - "$TMP" <<'EOF' || fail "python3 writes the tables"
import random, sys
r = random.Random(20240611)
cont = open(sys.argv[1] + "/c.csv", "w")
disc = open(sys.argv[1] + "/k.csv", "w")
cont.write("id,f1,n1,f2,copy,label,n2,const,g,y\n")
disc.write("id,f1,n1,f2,copy,label,n2,const,g,class\n")
for i in range(2000):
    f1, f2, n1, n2, e, c = (r.gauss(0, 1) for _ in range(6))
    y = f1 + 0.4 * f2 + 0.3 * e
    row = "r%d,%.17g,%.17g,%.17g,%.17g,%s,%.17g,3,%d," % (i, f1, n1, f2, f1 + 0.1 * c,
                                                         "ab"[i % 2], n2, int(f2 > 0))
    cont.write(row + "%.17g\n" % y)
    disc.write(row + "%d\n" % (int(y > -0.5) + int(y > 0.5)))
EOF
C="$TMP/c.csv" K="$TMP/k.csv"

# order FILE ARGS...: the ranked column names, blank-separated
order() { "$MIBENCH" select "$@" --quiet | awk 'NR > 1 { printf "%s%s", s, $2; s = " " }'; }
# field FILE COLUMN FIELD ARGS...: FIELD (3 score, 4 relevance, 5 redundancy) of COLUMN's row
field() {
  local col=$1 f=$2; shift 2
  "$MIBENCH" select "$@" --quiet | awk -v c="$col" -v f="$f" '$2 == c { print $f }'
}
# rank_of COLUMN ARGS...
rank_of() {
  local col=$1; shift
  "$MIBENCH" select "$@" --quiet | awk -v c="$col" '$2 == c { print $1 }'
}
est() { "$MIBENCH" estimate "$@" --quiet; }

# ---- mi: f1 and its copy on top, the noise last ----
mi=$(order "$C" --target y)
expect_eq "mi: f1 and copy first, noise last" \
  "$(echo "$mi" | awk '{ print ($1 $2 == "f1copy" || $1 $2 == "copyf1") ($(NF-1) $NF == "n1n2" || $(NF-1) $NF == "n2n1") }')" 11
expect_eq "mi: the usable features (id, label, const and y skipped)" \
  "$(echo "$mi" | tr ' ' '\n' | sort | tr '\n' ' ')" "copy f1 f2 g n1 n2 "
for f in f1 n1 f2 copy n2 g; do
  expect_eq "mi: relevance of $f = estimate ksg1 --x $f --y y" \
    "$(field "$f" 4 "$C" --target y)" "$(est ksg1 "$C" --x "$f" --y y)"
done

# ---- mrmr and jmi: f1 first, then f2 before the redundant copy ----
for m in mrmr jmi; do
  expect_eq "$m: f1 first" "$(rank_of f1 "$C" --target y --method $m)" 1
  expect_eq "$m: f2 second" "$(rank_of f2 "$C" --target y --method $m)" 2
  [ "$(rank_of f2 "$C" --target y --method $m)" -lt "$(rank_of copy "$C" --target y --method $m)" ]
  expect_eq "$m: f2 before copy" $? 0
done
expect_eq "mrmr: the redundancy of the second pick is I(f1; f2) by ksg1" \
  "$(field f2 5 "$C" --target y --method mrmr)" "$(est ksg1 "$C" --x f1 --y f2)"
rel=$(est ksg1 "$C" --x f2 --y y) red=$(est ksg1 "$C" --x f1 --y f2)
expect_eq "mrmr: its score is relevance - redundancy" "$(field f2 3 "$C" --target y --method mrmr)" \
  "$(awk -v a="$rel" -v b="$red" 'BEGIN { printf "%.17g", a - b }')"
expect_eq "jmi: the second score is I(f1 f2; y) by ksg1 on the 2-column block" \
  "$(field f2 3 "$C" --target y --method jmi)" "$(est ksg1 "$C" --x f1,f2 --y y)"

# ---- a class label as the target: ross for continuous features, plugin for g ----
expect_eq "class: f1 first by mi" "$(rank_of f1 "$K" --target class)" 1
expect_eq "class: relevance of f1 = estimate ross --x f1 --y class" \
  "$(field f1 4 "$K" --target class)" "$(est ross:discrete=y "$K" --x f1 --y class)"
expect_eq "class: relevance of g = estimate plugin --x g --y class" \
  "$(field g 4 "$K" --target class)" "$(est plugin "$K" --x g --y class)"
expect_eq "class: mrmr picks f1 first" "$(rank_of f1 "$K" --target class --method mrmr)" 1
[ "$(rank_of copy "$K" --target class --method mrmr)" -gt 3 ]
expect_eq "class: mrmr puts the copy after f1 and the f2 information (f2 or g)" $? 0
# g, picked last at this seed, has for redundancy the mean of ross I(x_j; g) over the
# five picks before it, each x_j continuous and before g in the file (so x = x_j)
picks=$(order "$K" --target class --method mrmr)
expect_eq "class: mrmr picks g last" "${picks##* }" g
sum=0
for f in ${picks% g}; do sum=$(awk -v s="$sum" -v v="$(est ross:discrete=y "$K" --x "$f" --y g)" 'BEGIN { printf "%.17g", s + v }'); done
expect_eq "class: g's redundancy is the mean of ross I(x_j; g) over S" \
  "$(field g 5 "$K" --target class --method mrmr)" "$(awk -v s="$sum" 'BEGIN { printf "%.17g", s / 5 }')"
expect_eq "class: jmi picks f2 second" "$(rank_of f2 "$K" --target class --method jmi)" 2
expect_eq "class: jmi's I(f1 f2; class) is ross on the 2-column continuous side" \
  "$(field f2 3 "$K" --target class --method jmi)" "$(est ross "$K" --x f1,f2 --y class)"

# ---- the same bytes for 1 and 2 threads ----
for m in mi mrmr jmi; do
  for f in "$C --target y" "$K --target class"; do
    # shellcheck disable=SC2086 # FILE --target COL
    a=$("$MIBENCH" select $f --method $m --json --threads 1) b=$("$MIBENCH" select $f --method $m --json --threads 2)
    expect_eq "$m on ${f##*/}: 1 thread = 2 threads" "$(echo "$b" | cksum)" "$(echo "$a" | cksum)"
  done
done

# ---- options and output ----
expect_ok select "$C" --target y --method mrmr --k 2 --quiet
expect_eq "--k 2: two rows" "$(awk 'NR > 1' "$TMP/out" | wc -l)" 2
a=$(field f1 4 "$C" --target y) b=$(field f1 4 "$C" --target y --bits)
expect_near "--bits is nats / ln 2" "$b" "$(awk -v v="$a" 'BEGIN { printf "%.17g", v / log(2) }')" 1e-15
expect_ok select "$C" --target y --method mrmr --k 2 --json
json=$(cat "$TMP/out")
for key in '[{"rank": 1, "column": "f1", "score": ' '"redundancy": null' '"units": "nats"' \
           '"relevance_estimator": "ksg1:k=3,standardize=1,jitter=1e-10"' \
           '"redundancy_estimators": ["ksg1:k=3,standardize=1,jitter=1e-10"]' \
           '{"rank": 2, "column": "f2"' '{"column": "id", "skipped": "not numeric"}' \
           '{"column": "label", "skipped": "not numeric"}' '{"column": "const", "skipped": "constant"}' \
           '{"column": "y", "skipped": "target"}]'; do
  CHECKS=$((CHECKS + 1))
  case "$json" in *"$key"*) pass "json has $key" ;; *) fail "json lacks $key: $json" ;; esac
done
if /usr/bin/python3 -c 'import json, sys; json.load(sys.stdin)' <"$TMP/out"; then pass "--json is JSON"
else fail "--json is not JSON: $json"; fi
expect_ok select "$K" --target class --method jmi --k 2 --json
case "$(cat "$TMP/out")" in *'"relevance_estimator": "ross:k=3,discrete=y", "joint_estimators": ["ross:k=3,discrete=y"]'*)
  pass "class: json names ross" ;; *) fail "class: json lacks ross: $(cat "$TMP/out")" ;; esac
expect_ok select "$C" --target 9 --k 1 --quiet
expect_eq "--target takes an index" "$(awk 'NR == 2 { print $2 }' "$TMP/out")" f1
expect_ok select "$C" --target y --est gaussian --k 1 --quiet
expect_eq "--est for every pair" "$(awk 'NR == 2 { print $4 }' "$TMP/out")" "$(est gaussian "$C" --x f1 --y y)"
tr ',' '\t' <"$C" >"$TMP/c.tsv"
expect_eq "TSV reads as CSV" "$("$MIBENCH" select "$TMP/c.tsv" --target y --method jmi)" \
  "$("$MIBENCH" select "$C" --target y --method jmi)"
awk -F, -v OFS=, 'NR == 5 { $4 = "NA" } { print }' "$C" >"$TMP/na.csv"
expect_ok select "$TMP/na.csv" --target y --dropna
expect_eq "--dropna drops the row, says so" "$(cat "$TMP/err")" \
  "mibench select: --dropna dropped 1 of 2000 rows (a missing value in the selected columns)"

# ---- HDF5: the columns of /x, /y as x0.., y0.. ----
"$MIBENCH" sample gaussian:dim=2,rho=0.7 -n 1000 --seed 3 -o "$TMP/g.h5" || fail "sample h5"
"$MIBENCH" sample gaussian:dim=2,rho=0.7 -n 1000 --seed 3 -o "$TMP/g.csv" || fail "sample csv"
expect_eq "HDF5: the same ranking as its CSV" "$("$MIBENCH" select "$TMP/g.h5" --target y1 --method mrmr)" \
  "$("$MIBENCH" select "$TMP/g.csv" --target y1 --method mrmr)"
expect_eq "HDF5: x1 first for y1" "$(rank_of x1 "$TMP/g.h5" --target y1)" 1
finish
