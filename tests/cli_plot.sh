#!/usr/bin/env bash
# cli_plot.sh - `mibench plot` on small results files (the hand-made study
# of tests/results_fixture.h written by $FIXTURE, with and without training
# curves) kept in a folder whose name has spaces, quotes and $(...), so
# gnuplot must get its arguments without a shell: every expected figure is
# a non-empty PNG (or has an SVG root) shown by index.html, curve figures
# are skipped without error when there are no curves, the results file is
# untouched, a figure redraws by hand from its TSV and script; a missing
# or failing gnuplot and bad options give one clear line. Skipped (exit
# 77) when gnuplot is not installed.
. "$(dirname "$0")/lib.sh"
: "${FIXTURE:?FIXTURE must name tests/fixture_tool}"

D="$TMP/it's a \"dir\" \$(touch pwned)"
mkdir -p "$D"
"$FIXTURE" "$D/small.h5" && "$FIXTURE" "$D/curves.h5" --curves || { echo "fixture_tool failed"; exit 1; }
sum_before=$(cksum <"$D/small.h5")

# Usage errors, a missing gnuplot or scripts folder: no gnuplot needed.
expect_fail 2 "missing the results file" -- plot
expect_fail 2 "format 'jpeg': use png, svg or pdf" -- plot "$D/small.h5" --format jpeg
expect_fail 2 "unknown option '--bogus'" -- plot "$D/small.h5" --bogus
expect_fail 2 "--timeout '0'" -- plot "$D/small.h5" --timeout 0
expect_fail 2 "-o needs a value" -- plot "$D/small.h5" -o
expect_fail 1 "$TMP/nope.h5" -- plot "$TMP/nope.h5"
expect_fail 1 "figure heatmap: cannot run 'no-such-gnuplot-xyz': No such file or directory (install gnuplot" -- \
  plot "$D/small.h5" -o "$TMP/nogp" --gnuplot no-such-gnuplot-xyz
expect_fail 1 "cannot read the gnuplot script $TMP/noscripts/mibench.gp" -- \
  plot "$D/small.h5" -o "$TMP/noscripts-out" --scripts "$TMP/noscripts"

if ! command -v gnuplot >/dev/null 2>&1; then
  echo "SKIP: gnuplot is not installed (Debian: apt-get install gnuplot-nox); figures not tested"
  exit 77
fi

# is_png FILE: non-empty with the PNG signature
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

FIGS="heatmap truth-1-gaussian
bias-1-gaussian_rho_0.5 spread-1-gaussian_rho_0.5 time-1-gaussian_rho_0.5
bias-2-gaussian_rho_0.9 spread-2-gaussian_rho_0.9 time-2-gaussian_rho_0.9
bias-3-square spread-3-square time-3-square"
CURVES="curves-1-gaussian_rho_0.5 curves-2-gaussian_rho_0.9 curves-3-square"

# Without curves, default folder (the results path without .h5).
expect_ok plot "$D/small.h5"
expect_eq "stdout" "$(cat "$TMP/out")" "no training curves in $D/small.h5: curve figures skipped
11 figures (png) in $D/small/
$D/small/index.html"
for f in $FIGS; do
  CHECKS=$((CHECKS + 1))
  if is_png "$D/small/$f.png" && grep -qF "src=\"$f.png\"" "$D/small/index.html"
  then pass "$f.png is a PNG shown in index.html"; else fail "$f.png missing, not a PNG or not in index.html"; fi
done
expect_eq "PNGs in the folder" "$(ls "$D/small" | grep -c '\.png$')" 11
expect_eq "no curve files" "$(ls "$D/small" | grep -c '^curves')" 0
grep -q '<td class="s">square:sigma=0.5,x=normal</td><td class="s">ksg2:k=3,jitter=1e-10</td><td>1000</td>' "$D/small/index.html"
expect_eq "index has the summary table" $? 0
grep -qi '<script' "$D/small/index.html"
expect_eq "index has no scripts" $? 1
expect_eq "results file untouched" "$(cksum <"$D/small.h5")" "$sum_before"
CHECKS=$((CHECKS + 1))
if [ -e pwned ] || [ -e "$D/pwned" ] || [ -e "$D/small/pwned" ]; then fail "a shell interpreted the path"
else pass "no shell interpreted the path"; fi

# With curves: one curve figure per generator as well.
expect_ok plot "$D/curves.h5" -o "$D/with curves"
expect_eq "stdout" "$(head -n 1 "$TMP/out")" "14 figures (png) in $D/with curves/"
for f in $CURVES; do
  CHECKS=$((CHECKS + 1))
  if is_png "$D/with curves/$f.png" && grep -qF "src=\"$f.png\"" "$D/with curves/index.html"
  then pass "$f.png is a PNG shown in index.html"; else fail "$f.png missing, not a PNG or not in index.html"; fi
done

# A figure redraws by hand from the TSV and the script copied beside it.
CHECKS=$((CHECKS + 1))
if (cd "$D/small" && gnuplot -e "tsv='time-3-square.tsv'; out='again.png'" time.gp) 2>"$TMP/err" &&
   is_png "$D/small/again.png"
then pass "time.gp redraws by hand"; else fail "redraw by hand: $(cat "$TMP/err")"; fi

# SVG and PDF into chosen folders.
expect_ok plot "$D/curves.h5" -o "$TMP/svg out" --format svg
for f in heatmap curves-3-square; do
  grep -q '<svg' "$TMP/svg out/$f.svg"; expect_eq "$f.svg has an svg root" $? 0
done
grep -qF 'src="heatmap.svg"' "$TMP/svg out/index.html"
expect_eq "index shows SVG" $? 0
expect_ok plot "$D/small.h5" -o "$TMP/pdf" --format pdf
expect_eq "heatmap.pdf signature" "$(head -c 4 "$TMP/pdf/heatmap.pdf")" "%PDF"

# gnuplot failing on a broken script: the figure is named with its message.
mkdir -p "$TMP/bad"
cp "$SRC"/scripts/*.gp "$TMP/bad/"
echo 'plot undefined_thing_xyz' >>"$TMP/bad/bias.gp"
expect_fail 1 "figure bias-1-gaussian_rho_0.5: gnuplot exited with status 1: \"$TMP/bad-out/bias.gp\" line " -- \
  plot "$D/small.h5" -o "$TMP/bad-out" --scripts "$TMP/bad"
finish
