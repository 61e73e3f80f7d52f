#!/usr/bin/env bash
# cli_plot.sh - `mibench plot` on small results files (the hand-made study
# of tests/results_fixture.h written by $FIXTURE, with and without training
# curves) kept in a folder whose name has spaces, quotes and $(...), so
# gnuplot must get its arguments without a shell: every expected figure is
# a non-empty PNG (or has an SVG root) shown by index.html, curve figures
# are skipped without error when there are no curves, the results file is
# untouched, a figure redraws by hand from its TSV and script; the
# scripts' output: x tics at exactly the table's N (500 and 2000 labelled,
# no 1000), the Okabe-Ito colours with a dash pattern per series and no
# yellow, the heatmap's fixed colour scale (+1.6% pale, -80% clipped to
# the end colour, true MI 0 grey), its marks and key; a missing or failing
# gnuplot and bad options give one clear line; --bits: MI columns / ln 2
# (variance and MSE / ln(2)^2), relative errors and seconds unchanged,
# labels and index.html in bits. Skipped (exit 77) when gnuplot is not
# installed.
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

FIGS="heatmap samples truth-1-gaussian
bias-1-gaussian_rho_0.5 spread-1-gaussian_rho_0.5 time-1-gaussian_rho_0.5
bias-2-gaussian_rho_0.9 spread-2-gaussian_rho_0.9 time-2-gaussian_rho_0.9
bias-3-square spread-3-square time-3-square"
CURVES="curves-1-gaussian_rho_0.5 curves-2-gaussian_rho_0.9 curves-3-square"

# One replicate per cell: the heatmap's SE columns are NaN throughout, and
# gnuplot's stats must still count them (scripts/heatmap.gp).
# plugin gets a cell on bsc only: its other cells have no mean, drawn as "-", never "NaN".
expect_ok run --gen gaussian:rho=0.5 --gen bsc --est gaussian --est ksg1 --est plugin --n 100 \
  --seeds 1 -o "$TMP/one.h5" --quiet
expect_ok plot "$TMP/one.h5" -o "$TMP/one"
is_png "$TMP/one/heatmap.png"; expect_eq "one replicate: the heatmap is drawn" $? 0
expect_ok plot "$TMP/one.h5" -o "$TMP/one-svg" --format svg
grep -q ">NaN<" "$TMP/one-svg/heatmap.svg"; expect_eq "no NaN printed in the heatmap" $? 1

# Without curves, default folder (the results path without .h5).
expect_ok plot "$D/small.h5"
expect_eq "stdout" "$(cat "$TMP/out")" "no training curves in $D/small.h5: curve figures skipped
12 figures (png) in $D/small/
$D/small/index.html"
for f in $FIGS; do
  CHECKS=$((CHECKS + 1))
  if is_png "$D/small/$f.png" && grep -qF "src=\"$f.png\"" "$D/small/index.html"
  then pass "$f.png is a PNG shown in index.html"; else fail "$f.png missing, not a PNG or not in index.html"; fi
done
expect_eq "PNGs in the folder" "$(ls "$D/small" | grep -c '\.png$')" 12
expect_eq "no curve files" "$(ls "$D/small" | grep -c '^curves')" 0
grep -q '<td class="s">square:dist=normal,sigma=0.5</td><td class="s">ksg2:k=3,jitter=1e-10</td><td>1000</td>' "$D/small/index.html"
expect_eq "index has the summary table" $? 0
grep -qi '<script' "$D/small/index.html"
expect_eq "index has no scripts" $? 1
expect_eq "results file untouched" "$(cksum <"$D/small.h5")" "$sum_before"
CHECKS=$((CHECKS + 1))
if [ -e pwned ] || [ -e "$D/pwned" ] || [ -e "$D/small/pwned" ]; then fail "a shell interpreted the path"
else pass "no shell interpreted the path"; fi

# With curves: one curve figure per generator as well.
expect_ok plot "$D/curves.h5" -o "$D/with curves"
expect_eq "stdout" "$(head -n 1 "$TMP/out")" "15 figures (png) in $D/with curves/"
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

# The scripts' output, from hand-made tables (gnuplot prints to stderr).
G="$TMP/gp"; mkdir -p "$G"
cp "$SRC"/scripts/*.gp "$G/"
# gp SCRIPT TSV OUT EXPR: draw an SVG, then evaluate EXPR; its output in $TMP/gp.out
gp() { (cd "$G" && gnuplot -e "tsv='$2'; out='$3'; term='svg size 900,600'" "$1.gp" -e "$4") >"$TMP/gp.out" 2>&1; }
{ printf 'a\tn\tmean\tbias\tci95\n100\t0\t0.01\t0.01\n500\t0\t0.02\t0.01\n2000\t0\t0\t0.01\n\n\n'
  printf 'b\tn\tmean\tbias\tci95\n100\t0\t0.01\t0.01\n100000\t0\t0\t0.01\n300000\t0\t0\t0.01\n'; } >"$G/n.tsv"
gp bias n.tsv n.svg 'print ntics_labels'
expect_eq "x tics at the table's N" "$(cat "$TMP/gp.out")" "100 500 2000 1e5 3e5"
for x in 500 2000 1e5 3e5; do
  grep -q "<text>$x</text>" "$G/n.svg"; expect_eq "tick label $x drawn" $? 0
done
grep -q "<text>1000</text>" "$G/n.svg"; expect_eq "no tick 1000 (not a study N)" $? 1
{ printf 'a\tn\tmean\tbias\tci95\n'; for n in 100 200 300 400 500 600 700 800 900 1000 1100 1200 1300; do
  printf '%s\t0\t0\t0.01\n' $n; done; } >"$G/many.tsv"
gp bias many.tsv many.svg 'print words(ntics_labels)'
expect_eq "13 N counted" "$(cat "$TMP/gp.out")" 13
grep -q "<text>1000</text>" "$G/many.svg" && ! grep -q "<text>200</text>" "$G/many.svg"
expect_eq "more than 12 N: decades labelled, the N as minor tics" $? 0
# Seven series: seven Okabe-Ito colours, a dash pattern each after the
# first, no yellow.
: >"$G/seven.tsv"
for i in 1 2 3 4 5 6 7; do
  printf 'e%s\tn\tmean\tbias\tci95\n100\t0\t0.0%s\t0.01\n1000\t0\t0.0%s\t0.01\n\n\n' $i $i $i >>"$G/seven.tsv"
done
gp bias seven.tsv seven.svg ''
for c in '  0, 114, 178' '213,  94,   0' '  0, 158, 115' '204, 121, 167' '230, 159,   0' ' 86, 180, 233' '  0,   0,   0'; do
  grep -q "stroke='rgb($c)'" "$G/seven.svg"; expect_eq "Okabe-Ito colour rgb($c) used" $? 0
done
grep -qi "rgb(240, 228,  66)\|f0e442" "$G/seven.svg"; expect_eq "no yellow" $? 1
expect_eq "six dash patterns for the series after the first" \
  "$(grep -v gridline "$G/seven.svg" | grep -o "stroke-dasharray='[^']*'" | sort -u | wc -l)" 6
# Heatmap: a fixed scale whatever the data, +1.6% pale, -80% at the end
# colour, true MI 0 grey; the mean estimate in each cell, the true MI in a
# last row; the key lists only the marks the table has.
{ printf 'gen_index\test_index\trel_error_pct\ttext\tgenerator\testimator\tn\ttrue_mi\tmean\tbias\tstd_error\twithin_2se\tn_note'
  printf '\tcount\tfailures\tbmi_failures\n'
  printf '0\t0\t1.6\t+1.6%%\tg1\te1\t1000\t0.4134\t0.42\t0.0066\t0.01\t1\t-\t10\t0\t0\n'
  printf '1\t0\t-80\t-80%%\tg2\te1\t1000\t1.709\t0.3418\t-1.367\t0.01\t0\t-\t8\t2\t3\n'
  printf '0\t1\tNaN\t+0.01 nats\tg1z\te2\t300\t0\t0.01\t0.01\t0.002\t0\tN=300\t10\t0\t0\n'
  printf '1\t1\tNaN\t-\tg2\te2\tNaN\t1.709\tNaN\tNaN\tNaN\tNaN\t-\tNaN\tNaN\tNaN\n'; } >"$G/hm.tsv"
gp heatmap hm.tsv hm.svg 'print sprintf("%g %g %d %d %d %d", GPVAL_CB_MIN, GPVAL_CB_MAX, nwithin, nzero, nsmall, nfail)'
expect_eq "fixed colour scale, one mark of each kind" "$(cat "$TMP/gp.out")" "-50 50 1 1 1 1"
for k in '<text>0.42</text>' '<text>0.342</text>' '<text>true MI</text>' '<text>0.413</text>' '<text>1.71</text>' \
         '<text>failed 5/10</text>' 'failed runs by bmi'; do
  grep -qF "$k" "$G/hm.svg"; expect_eq "heatmap shows '$k'" $? 0
done
grep -q "fill = 'rgb(246, 240, 237)'" "$G/hm.svg"; expect_eq "+1.6% is pale" $? 0
grep -q "fill = 'rgb( 33, 102, 172)'" "$G/hm.svg"; expect_eq "-80% is the scale's end colour" $? 0
grep -q "fill = 'rgb(217, 217, 217)'" "$G/hm.svg"; expect_eq "true MI 0 is grey" $? 0
for k in 'fixed scale -50% .. +50%' 'bias in nats' 'within 2 SE of 0' 'N=300' 'limited to a smaller N'; do
  grep -qF "$k" "$G/hm.svg"; expect_eq "heatmap shows '$k'" $? 0
done
(cd "$D/small" && gnuplot -e "tsv='heatmap.tsv'; out='$G/fx.svg'; term='svg'" heatmap.gp -e 'print nsmall, nzero') >"$TMP/gp.out" 2>&1
expect_eq "the fixture's heatmap: no N notes, no zero truth" "$(cat "$TMP/gp.out")" "0.0 0.0"
grep -qF 'limited to a smaller N' "$G/fx.svg"; expect_eq "so no such key entries" $? 1

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
# --bits: the same file drawn in nats and in bits. MI columns / ln 2,
# variance / ln(2)^2, relative errors and seconds unchanged, the labels
# and index.html in bits; the results file stays as it was (in nats).
curves_before=$(cksum <"$D/curves.h5")
expect_ok plot "$D/curves.h5" -o "$TMP/nats" --format svg
expect_ok plot "$D/curves.h5" -o "$TMP/bits" --format svg --bits
ST=stats-1-gaussian_rho_0.5.tsv
# ratio COL FILE POWER: "ok" when every row's nats/bits of column COL is ln(2)^POWER
ratio() {
  paste "$TMP/nats/$2" "$TMP/bits/$2" | awk -F'\t' -v c="$1" -v p="$3" '
    BEGIN { w = log(2) ^ p }
    $1 !~ /^[0-9]/ { next }                       # block headers and blank lines
    { k++; a = $c; b = $(c + (NF / 2)); if (a == "NaN" && b == "NaN") next
      if (b == 0 ? a != 0 : (a / b - w) / w > 1e-9 || (a / b - w) / w < -1e-9) bad++ }
    END { print (k > 0 && !bad) ? "ok" : "bad (" bad + 0 " of " k + 0 " rows)" }'
}
expect_eq "stats mean in bits = nats / ln 2" "$(ratio 2 $ST 1)" ok
expect_eq "stats bias in bits = nats / ln 2" "$(ratio 3 $ST 1)" ok
expect_eq "stats variance in bits^2 = nats^2 / ln(2)^2" "$(ratio 6 $ST 2)" ok
expect_eq "stats mse in bits^2 = nats^2 / ln(2)^2" "$(ratio 7 $ST 2)" ok
expect_eq "stats rmse and ci95 in bits" "$(ratio 8 $ST 1) $(ratio 4 $ST 1)" "ok ok"
expect_eq "truth-1 true MI in bits" "$(ratio 1 truth-1-gaussian.tsv 1)" ok
expect_eq "curves estimate in bits" "$(ratio 2 curves-1-gaussian_rho_0.5.tsv 1)" ok
expect_eq "heatmap rel_error_pct unchanged" "$(cut -f3 "$TMP/bits/heatmap.tsv" | cksum)" \
  "$(cut -f3 "$TMP/nats/heatmap.tsv" | cksum)"
expect_eq "heatmap mean in bits" "$(ratio 9 heatmap.tsv 1)" ok
expect_eq "time table unchanged" "$(cksum <"$TMP/bits/time-3-square.tsv")" "$(cksum <"$TMP/nats/time-3-square.tsv")"
grep -F "out='bias-1-gaussian_rho_0.5.svg'" "$TMP/bits/index.html" | grep -qF "units='bits'&quot; bias.gp"
expect_eq "bias redraw command passes units='bits'" $? 0
grep -qF "units=" "$TMP/nats/index.html"; expect_eq "nats commands pass no units" $? 1
grep -qF "MI in bits (variance and MSE in bits^2" "$TMP/bits/index.html"; expect_eq "index.html says bits" $? 0
grep -qF "MI in nats" "$TMP/nats/index.html"; expect_eq "index.html says nats" $? 0
grep -qF "bias = mean estimate - true MI (bits)" "$TMP/bits/bias-1-gaussian_rho_0.5.svg"
expect_eq "bias y label in bits" $? 0
grep -qF "bias = mean estimate - true MI (nats)" "$TMP/nats/bias-1-gaussian_rho_0.5.svg"
expect_eq "bias y label in nats without --bits" $? 0
grep -qF "variance (bits^2)" "$TMP/bits/spread-1-gaussian_rho_0.5.svg"; expect_eq "spread label in bits^2" $? 0
grep -qF "bias in bits" "$TMP/bits/index.html"; expect_eq "heatmap caption says bits" $? 0
expect_eq "results file untouched by --bits" "$(cksum <"$D/curves.h5")" "$curves_before"
# A hand redraw without units still works (nats by default) and a bad unit is refused.
CHECKS=$((CHECKS + 1))
if (cd "$TMP/bits" && gnuplot -e "tsv='$ST'; out='hand.svg'; term='svg'" bias.gp) 2>"$TMP/err" &&
   grep -qF "true MI (nats)" "$TMP/bits/hand.svg"
then pass "bias.gp defaults units to nats"; else fail "redraw without units: $(cat "$TMP/err")"; fi
(cd "$TMP/bits" && gnuplot -e "tsv='$ST'; units='bit'" bias.gp) >"$TMP/gp.out" 2>&1
expect_eq "units='bit' refused" "$?:$(grep -c "units='bit': use 'nats' or 'bits'" "$TMP/gp.out")" "2:1"
finish
