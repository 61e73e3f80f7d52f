#!/usr/bin/env bash
# make_baseline.sh [STUDY] - regenerate results/baselines/STUDY.h5 from
# bench/studies/STUDY.ini (default: quick), a baseline CI compares a fresh
# run of that study against: quick (tests/cli_regression.sh),
# beyond-normal-quick and beyond-normal-v2-quick (tests/cli_bmi.sh). Run
# it when a change moves the numbers on purpose (a fixed bias, a new
# estimator or generator in the study, a changed default), check the table
# it prints, and commit the new file with that change.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${MIB_BUILD:-build}
STUDY=${1:-quick}
[ -f "bench/studies/$STUDY.ini" ] || { echo "make_baseline.sh: no bench/studies/$STUDY.ini" >&2; exit 2; }
OUT=results/baselines/$STUDY.h5
mkdir -p results/baselines
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
old=""
if [ -f "$OUT" ]; then old="$TMPD/previous.h5"; cp "$OUT" "$old"; fi
"$BUILD/mibench" run "bench/studies/$STUDY.ini" -o "$TMPD/$STUDY.h5" --force --threads 2 --quiet
# gzip the datasets (mostly NUL-padded spec strings): 5x smaller in git;
# HDF5 reads them back transparently.
h5repack -f GZIP=9 "$TMPD/$STUDY.h5" "$OUT"
if [ -n "$old" ]; then
  echo "== changes against the previous baseline"
  "$BUILD/mibench" check "$old" "$OUT" || true
fi
echo "wrote $OUT; commit it together with the change that moved the numbers"
