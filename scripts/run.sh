#!/usr/bin/env bash
# run.sh - README command 1: set up, build, then run the default job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD=${MIB_BUILD:-build}
mkdir -p results
echo "== generators and their true MI (nats)"
"$BUILD/mibench" list generators
for spec in gaussian:rho=0.5 gaussian:dim=20,mi=2 student:nu=1 uniform-noise:eps=0.5 \
            square:sigma=0.5 bsc:eps=0.1; do
  printf '%-28s %s\n' "$spec" "$("$BUILD/mibench" truth "$spec")"
done
"$BUILD/mibench" sample gaussian:rho=0.5 -n 1000 --seed 1 -o results/sample.csv
echo "wrote results/sample.csv"
