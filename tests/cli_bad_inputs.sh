#!/usr/bin/env bash
# cli_bad_inputs.sh - runs the bad-input catalogue (tests/bad_inputs.tsv):
# every case must exit with its status, print exactly one stderr line
# containing its pattern, and nothing on stdout. Adding a case is one line
# of the catalogue; the fixtures it may name are written here.
. "$(dirname "$0")/lib.sh"
T="$TMP"
printf 'x,y\n1,2\n2,3\n3,5\n4,4\n5,7\n6,5\n' >"$T/ok.csv"
printf 'x,y\n1.5,2\n2,3\n3,5\n4,4\n' >"$T/real.csv"
printf 'x,y\n1,2\n2,nan\n3,5\n' >"$T/nan.csv"
printf 'x,y\n1,2\n2,inf\n3,5\n' >"$T/inf.csv"
printf 'x,y\n1,2\n2,3,4\n3,5\n' >"$T/ragged.csv"
printf 'x,y\n1,2\n2,abc\n3,5\n' >"$T/text.csv"
: >"$T/empty.csv"
printf 'x,y\n' >"$T/header_only.csv"
printf 'x,y\n1,2\n2,3\n3,1\n' >"$T/tiny.csv"
printf 'x,y\n1,2\n1,3\n1,1\n1,5\n' >"$T/const.csv"
printf 'xpos,ypos,year\n1,2,3\n2,3,4\n3,5,1\n4,4,2\n' >"$T/xyz.csv"
printf 'x\n1\n2\n3\n' >"$T/one_col.csv"
printf 'x;y\n1;2\n2;3\n3;5\n' >"$T/semicolon.csv"
printf 'x,y\n1,2\n2,NA\n3,5\n' >"$T/na_cell.csv"
printf 'x,y\n1,2\n,3\n3,5\n' >"$T/empty_cell.csv"
printf 'x,y\n1,\nNA,3\n' >"$T/all_na.csv"
printf 'x,y\n1,2\n"2,3\n' >"$T/unclosed.csv"
printf 'x,y\n1,2\n"2"3,3\n' >"$T/after_quote.csv"
printf 'x0,y0,z0\n1,2,3\n2,3,nan\n3,5,1\n4,4,2\n5,1,1\n' >"$T/z_nan.csv"
printf 'x0,y0,z0\n1,2,3\n2,3,1\n3,5,1\n4,4,2\n5,1,1\n' >"$T/xyz0.csv"
cp "$SRC/tests/data/pandas.csv" "$T/pandas.csv"
cp "$SRC/tests/data/huge_dims.h5" "$T/huge_dims.h5"   # a crafted 2^61 x 1 /x
"$MIBENCH" sample gaussian -n 5 -o "$T/x5.h5" && "$MIBENCH" sample gaussian:dim=2 -n 6 -o "$T/y6.h5"
# rows.h5: /x with 5 rows and /y with 6 (h5copy from hdf5-tools)
if command -v h5copy >/dev/null; then
  h5copy -i "$T/x5.h5" -o "$T/rows.h5" -s /x -d /x && h5copy -i "$T/y6.h5" -o "$T/rows.h5" -s /y -d /y
fi
head -c 2000 "$T/x5.h5" >"$T/cut.h5"
"$MIBENCH" run --gen gaussian --est gaussian --n 100 --seeds 2 -o "$T/a.h5" --quiet
"$MIBENCH" run --gen uniform-noise --est gaussian --n 100 --seeds 2 -o "$T/other.h5" --quiet

cases=0
while IFS=$'\t' read -r args code needle; do
  case "$args" in '#'* | '') continue ;; esac
  cases=$((cases + 1))
  # shellcheck disable=SC2086 # the arguments are blank-separated words
  set -f; set -- ${args//@T@/$T}; set +f
  expect_fail "$code" "$needle" -- "$@"
done <"$SRC/tests/bad_inputs.tsv"
echo "catalogue: $cases cases"
finish
