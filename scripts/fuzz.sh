#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer targets (tests/fuzz) with clang, ASan and
# UBSan into build-fuzz/, and run each for SECONDS (default 60) on its
# corpus (tests/fuzz/corpus/NAME, which grows with what it finds). Any
# crash, leak or abort fails the run and leaves the input in build-fuzz/.
#   usage: bash scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: spec study csv h5)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=${*:-spec study csv h5}
FUZZ=${MIB_FUZZ_BUILD:-build-fuzz}
if [ ! -f "$FUZZ/build.ninja" ]; then
  CC=clang meson setup "$FUZZ" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >&2
fi
ninja -C "$FUZZ" >&2
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
rc=0
log="$FUZZ/fuzz-testlog.json"   # one line per target, read by scripts/test_summary.py
: >"$log"
for t in $TARGETS; do
  mkdir -p "tests/fuzz/corpus/$t"
  work=$(mktemp -d)   # new inputs go here; the tree's corpus stays as committed
  echo "fuzz: $t for ${SECONDS_EACH}s" >&2
  if ! (cd "$FUZZ" && "./tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 "$work" "$OLDPWD/tests/fuzz/corpus/$t" \
        2>"fuzz-$t.log"); then
    echo "fuzz: $t FAILED; see $FUZZ/fuzz-$t.log and the crash-* input there" >&2
    tail -20 "$FUZZ/fuzz-$t.log" >&2
    rc=1
    echo "{\"name\": \"fuzz_$t\", \"result\": \"FAIL\"}" >>"$log"
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$FUZZ/fuzz-$t.log" | tr '\n' ' ' >&2
    echo >&2
    echo "{\"name\": \"fuzz_$t\", \"result\": \"OK\"}" >>"$log"
  fi
  rm -rf "$work"
done
exit $rc
