#!/usr/bin/env bash
# cli_plot.sh - `mibench plot` on a small results file whose path has
# spaces and quotes (gnuplot must get its arguments without a shell):
# every expected figure is a non-empty PNG (or SVG root), index.html shows
# them all, curve figures are skipped without error when there are no
# training curves, the results file is left untouched; a missing gnuplot
# and bad options give one clear line. Skipped (exit 77) without gnuplot.
. "$(dirname "$0")/lib.sh"

D="$TMP/it's a \"dir\" \$(touch pwned)"
mkdir -p "$D"
"$MIBENCH" run --gen 'gaussian:rho=0.5|0.9' --gen square --est ksg1 --est ksg2 --n 100,300,1000 \
  --seeds 4 --name plottest --threads 2 --quiet -o "$D/small.h5" >"$TMP/run.out" 2>&1 ||
  { echo "mibench run failed: $(cat "$TMP/run.out")"; exit 1; }
sum_before=$(cksum <"$D/small.h5")

# Usage errors and a missing gnuplot: no gnuplot needed for these.
expect_fail 2 "missing the results file" -- plot
expect_fail 2 "use png, svg or pdf" -- plot "$D/small.h5" --format jpeg
expect_fail 2 "unknown option '--bogus'" -- plot "$D/small.h5" --bogus
expect_fail 2 "--timeout '0'" -- plot "$D/small.h5" --timeout 0
expect_fail 1 "$TMP/nope.h5" -- plot "$TMP/nope.h5"
expect_fail 1 "figure heatmap: cannot run 'no-such-gnuplot-xyz'" -- \
  plot "$D/small.h5" -o "$TMP/nogp" --gnuplot no-such-gnuplot-xyz
expect_fail 1 "cannot read the gnuplot script $TMP/noscripts/mibench.gp" -- \
  plot "$D/small.h5" -o "$TMP/noscripts-out" --scripts "$TMP/noscripts"

if ! command -v gnuplot >/dev/null 2>&1; then
  echo "SKIP: gnuplot is not installed (Debian: apt-get install gnuplot-nox); figures not tested"
  finish >/dev/null
  exit 77
fi

# Default folder: the results path without .h5.
expect_ok plot "$D/small.h5"
grep -qx "no training curves in $D/small.h5: curve figures skipped" "$TMP/out"
expect_eq "says the curve figures are skipped" $? 0
grep -qx "$D/small/index.html" "$TMP/out"
expect_eq "prints where index.html is" $? 0
want="heatmap truth-1-gaussian bias-1-gaussian_rho_0.5 spread-1-gaussian_rho_0.5 time-1-gaussian_rho_0.5
bias-2-gaussian_rho_0.9 spread-2-gaussian_rho_0.9 time-2-gaussian_rho_0.9 bias-3-square spread-3-square
time-3-square"
for f in $want; do
  CHECKS=$((CHECKS + 1))
  p="$D/small/$f.png"
  if [ -s "$p" ] && [ "$(head -c 8 "$p" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
     grep -qF "src=\"$f.png\"" "$D/small/index.html"
  then pass "$f.png is a PNG shown in index.html"; else fail "$f.png missing, not a PNG or not in index.html"; fi
done
expect_eq "figures in the folder" "$(ls "$D/small" | grep -c '\.png$')" 11
expect_eq "no curve figures" "$(ls "$D/small" | grep -c '^curves')" 0
grep -q '<td class="s">square:dist=normal,sigma=0.5</td><td class="s">ksg2:' "$D/small/index.html"
expect_eq "index has the summary table" $? 0
grep -qi '<script' "$D/small/index.html"
expect_eq "index has no scripts" $? 1
expect_eq "results file untouched" "$(cksum <"$D/small.h5")" "$sum_before"
CHECKS=$((CHECKS + 1))
if [ -e pwned ] || [ -e "$D/pwned" ]; then fail "a shell interpreted the path"; else pass "no shell ran"; fi

# The TSV + script in the folder redraw a figure by hand.
CHECKS=$((CHECKS + 1))
if (cd "$D/small" && gnuplot -e "tsv='time-3-square.tsv'; out='again.png'" time.gp) 2>"$TMP/err" &&
   [ -s "$D/small/again.png" ]
then pass "time.gp reruns by hand"; else fail "rerun by hand: $(cat "$TMP/err")"; fi

# SVG into a chosen folder.
expect_ok plot "$D/small.h5" -o "$TMP/svg out" --format svg
for f in heatmap bias-3-square; do
  grep -q '<svg' "$TMP/svg out/$f.svg"; expect_eq "$f.svg has an svg root" $? 0
done
grep -qF 'src="heatmap.svg"' "$TMP/svg out/index.html"
expect_eq "index shows svg" $? 0

# gnuplot failing on a broken script: the figure is named.
mkdir -p "$TMP/bad"
cp "$SRC"/scripts/*.gp "$TMP/bad/"
echo 'plot undefined_thing_xyz' >>"$TMP/bad/bias.gp"
expect_fail 1 "figure bias-1-gaussian_rho_0.5: gnuplot exited with status 1" -- \
  plot "$D/small.h5" -o "$TMP/bad-out" --scripts "$TMP/bad"
finish
