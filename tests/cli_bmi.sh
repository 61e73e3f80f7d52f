#!/usr/bin/env bash
# cli_bmi.sh - the Beyond Normal studies in CI. The quick variants
# (bench/studies/beyond-normal-quick.ini, beyond-normal-v2-quick.ini) run
# and pass `mibench check --strict --z 1 --bmi-failures` against their
# baselines results/baselines/STUDY.h5: the same seeds give the same data,
# so any difference comes from the code (the SE only sets the scale, as in
# cli_regression.sh), and a cell with more failed runs by bmi's rule fails
# too (sanitized build: one replicate per cell, equal to the baseline's).
# /summary's bmi_failures, in the baselines and in the run, equal a
# recount from /trials here (awk: estimate < 0 or < 0.1 of the cell's
# largest successful one). bmi's
# rescaling (transform_rescale: every column to mean 0 and population sd 1,
# sklearn's scale) leaves the estimate of every estimator of the studies
# unchanged, to 1e-12 relative, on four of their tasks: the reason the
# studies do not rescale (docs/beyond-normal.md). When a change moves the
# numbers on purpose: bash scripts/make_baseline.sh STUDY.
. "$(dirname "$0")/lib.sh"
: "${SRC:?SRC must name the source root}"

# recount FILE: "cell count" of bmi's failed runs, from /trials
recount() {
  table "$1" /trials 1 9 12 | awk '
    $3 == 0 { n[$1]++; e[$1, n[$1]] = $2; if (!($1 in best) || $2 > best[$1]) best[$1] = $2 }
    END { for (c in n) { k = 0; for (i = 1; i <= n[c]; i++) k += e[c, i] < 0 || e[c, i] < 0.1 * best[c]
                         print c, k } }' | sort -n
}
# Under AddressSanitizer and UBSan a run costs about 8 times as much (52 s
# for both studies): there each cell runs its first replicate only, whose
# estimates must equal the baseline's replicate 0 (the same seed, so the
# same data), to 1e-12 relative.
sanitized=${MIBENCH_SANITIZED:-0}
for study in beyond-normal-quick beyond-normal-v2-quick; do
  base="$SRC/results/baselines/$study.h5" ini="$SRC/bench/studies/$study.ini"
  if [ "$sanitized" = 1 ]; then
    sed 's/^replicates = .*/replicates = 1/' "$ini" >"$TMP/$study.ini"
    ini="$TMP/$study.ini"
  fi
  CHECKS=$((CHECKS + 1))
  if "$MIBENCH" run "$ini" -o "$TMP/$study.h5" --threads 2 --quiet >"$TMP/run.out" 2>&1
  then pass "$study ran"; else fail "mibench run $ini: $(cat "$TMP/run.out")"; continue; fi
  if [ "$sanitized" = 1 ]; then
    table "$base" /trials 1 6 7 9 | awk '$2 == 0' >"$TMP/want"
    table "$TMP/$study.h5" /trials 1 6 7 9 >"$TMP/got"
    expect_eq "$study: replicate 0 of every cell as in the baseline" \
      "$(paste -d ' ' "$TMP/want" "$TMP/got" | awk '
          { n++; d = $4 - $8; d = d < 0 ? -d : d; m = $4 < 0 ? -$4 : $4
            if ($1 != $5 || $3 != $7 || !(d <= 1e-12 * (1 + m))) bad++ }
          END { print (n > 0 && !bad) ? n " trials equal" : bad + 0 " of " n + 0 " differ" }')" \
      "$(wc -l <"$TMP/want" | tr -d ' ') trials equal"
  else
    CHECKS=$((CHECKS + 1))
    if "$MIBENCH" check "$base" "$TMP/$study.h5" --strict --z 1 --bmi-failures >"$TMP/out" 2>"$TMP/err"
    then pass "$study: $(tail -n 1 "$TMP/out")"
    else
      cat "$TMP/out"
      fail "$study regressed against results/baselines/$study.h5: $(cat "$TMP/err")" \
           "(if the change is intended: bash scripts/make_baseline.sh $study and commit the new baseline)"
    fi
  fi
  for f in "$base" "$TMP/$study.h5"; do
    recount "$f" >"$TMP/recount"
    table "$f" /summary 1 20 >"$TMP/stored"
    expect_eq "$(basename "$f"): bmi_failures of every cell = the recount from /trials" \
      "$(diff "$TMP/recount" "$TMP/stored" >/dev/null && echo same || diff "$TMP/recount" "$TMP/stored" | head -n 4)" same
  done
done
# the baselines have failed runs to count (gaussian and copula on the
# mixtures whose correlation is about 0, such as X), so the recounts are not
# vacuous: 4 cells of beyond-normal-quick, 7 of beyond-normal-v2-quick
for want in "beyond-normal-quick 4" "beyond-normal-v2-quick 7"; do
  set -- $want
  expect_eq "cells with failed runs by bmi's rule in the $1 baseline" \
    "$(table "$SRC/results/baselines/$1.h5" /summary 20 | awk '$1 > 0' | wc -l | tr -d ' ')" "$2"
done

# rescale IN OUT: each column of a CSV (header kept) to mean 0, population sd 1
rescale() {
  awk -F, 'NR == 1 { print; next }
    { n++; for (i = 1; i <= NF; i++) { v[n, i] = $i; s[i] += $i }; nf = NF }
    END { for (i = 1; i <= nf; i++) m[i] = s[i] / n
          for (r = 1; r <= n; r++) for (i = 1; i <= nf; i++) q[i] += (v[r, i] - m[i]) ^ 2
          for (i = 1; i <= nf; i++) sd[i] = sqrt(q[i] / n)
          for (r = 1; r <= n; r++) { line = ""
            for (i = 1; i <= nf; i++) line = line (i > 1 ? "," : "") sprintf("%.17g", (v[r, i] - m[i]) / sd[i])
            print line } }' "$1" >"$2"
}
# task dx dy: its x and y column lists
for t in "multinormal:dim_x=1,dim_y=1,off_diag=0.75,transform=swissroll 2 1" \
         "multistudent:dim_x=2,dim_y=2,nu=1,transform=asinh 2 2" \
         "mixture:task=waves 2 1" \
         "multinormal:dim_x=3,dim_y=3,structure=sparse,transform=spiral 3 3"; do
  set -- $t
  gen=$1 xs=$(seq -s, 0 $(($2 - 1))) ys=$(seq -s, "$2" $(($2 + $3 - 1)))
  "$MIBENCH" sample "$gen" -n 1000 --seed 5 -o "$TMP/raw.csv" 2>"$TMP/err" || fail "sample $gen: $(cat "$TMP/err")"
  rescale "$TMP/raw.csv" "$TMP/scaled.csv"
  for est in histogram ksg1 ksg1:k=10 ksg2 gaussian copula kde; do
    a=$("$MIBENCH" estimate "$est" "$TMP/raw.csv" --x "$xs" --y "$ys" 2>&1)
    b=$("$MIBENCH" estimate "$est" "$TMP/scaled.csv" --x "$xs" --y "$ys" 2>&1)
    CHECKS=$((CHECKS + 1))
    if awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; d = d < 0 ? -d : d; m = a < 0 ? -a : a
                                        exit !(a == a + 0 && b == b + 0 && d <= 1e-12 * (1 + m)) }'
    then pass "$est on $gen: $a raw, $b rescaled as bmi does"
    else fail "$est on $gen: $a raw, $b rescaled as bmi does"; fi
  done
done
finish
