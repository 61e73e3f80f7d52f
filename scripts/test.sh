#!/usr/bin/env bash
# test.sh - README command 2: set up, build, run every test suite, and end
# with one line "N passed, N failed" (Criterion cases counted one by one).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
BUILD=${MIB_BUILD:-build}
meson test -C "$BUILD" --print-errorlogs --num-processes 2
rc=$?
python3 scripts/test_summary.py "$BUILD/meson-logs/testlog.json" || rc=1
exit $rc
