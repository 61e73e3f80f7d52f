#!/usr/bin/env bash
# make_docs_figure.sh - regenerate docs/figure.png, the figure the README
# shows: bias of KSG-1 and KSG-2 against N for a Gaussian with rho = 0.9
# (Kraskov et al. 2004, Fig. 4 style), 200 replicates per cell. Runs a small
# study into a scratch folder, draws it with `mibench plot`, copies one
# figure. About half a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${MIB_BUILD:-build}
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
"$BUILD/mibench" run --name "KSG bias (Kraskov 2004)" --gen 'gaussian:rho=0.9' \
  --est 'ksg1:k=3' --est 'ksg2:k=3' --est 'ksg1:k=10' --n 100,300,1000,3000,10000 \
  --seeds 200 --seed 2004 --threads 2 --quiet -o "$TMPD/docs.h5"
"$BUILD/mibench" plot "$TMPD/docs.h5" -o "$TMPD/plots" >/dev/null
mkdir -p docs
cp "$TMPD/plots/bias-1-gaussian.png" docs/figure.png
echo "wrote docs/figure.png"
