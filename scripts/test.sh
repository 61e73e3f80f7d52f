#!/usr/bin/env bash
# test.sh - README command 2: set up, build, run every test suite, then the
# same suite built with AddressSanitizer and UBSan (build-sanitize/; what it
# leaves out is said in tests/meson.build; MIB_SANITIZE=0 skips it), then
# each libFuzzer target for MIB_FUZZ_SECONDS (20; 0 skips them), and end
# with one line "N passed, N failed" over all of them (Criterion cases
# counted one by one, a fuzz target as one).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
BUILD=${MIB_BUILD:-build}
SAN=${MIB_SAN_BUILD:-build-sanitize}
rm -f "$BUILD/meson-logs/testlog.json" "$SAN/meson-logs/testlog.json"
meson test -C "$BUILD" --print-errorlogs --num-processes 2
rc=$?
logs=("$BUILD/meson-logs/testlog.json")
if [ "${MIB_SANITIZE:-1}" != 0 ]; then
  echo "test: the suite again under AddressSanitizer and UBSan ($SAN)" >&2
  # no -Dwerror here: GCC 12 warns falsely (format-truncation) under -fsanitize
  if [ -f "$SAN/build.ninja" ] ||
     meson setup "$SAN" -Db_sanitize=address,undefined -Db_lundef=false >&2; then
    ninja -C "$SAN" >&2 && meson test -C "$SAN" --print-errorlogs --num-processes 2 || rc=1
  else
    rc=1
  fi
  logs+=("$SAN/meson-logs/testlog.json")
fi
if [ "${MIB_FUZZ_SECONDS:-20}" != 0 ]; then
  # the libFuzzer targets (tests/fuzz), a short run each; scripts/fuzz.sh runs longer ones
  rm -f "${MIB_FUZZ_BUILD:-build-fuzz}/fuzz-testlog.json"
  bash scripts/fuzz.sh "${MIB_FUZZ_SECONDS:-20}" || rc=1
  logs+=("${MIB_FUZZ_BUILD:-build-fuzz}/fuzz-testlog.json")
fi
python3 scripts/test_summary.py "${logs[@]}" || rc=1
exit $rc
