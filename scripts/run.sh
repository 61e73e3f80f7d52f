#!/usr/bin/env bash
# run.sh - README command 1: set up and build, run the default study
# (bench/studies/default.ini) into results/default.h5 (replacing an earlier one),
# then draw its figures into results/default/. Under a minute of sweep on
# 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD=${MIB_BUILD:-build}
mkdir -p results
"$BUILD/mibench" run bench/studies/default.ini -o results/default.h5 --force
"$BUILD/mibench" plot results/default.h5 -o results/default
