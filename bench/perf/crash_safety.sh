#!/usr/bin/env bash
# crash_safety.sh - the crash-safety benchmark (never run by the tests; CI
# keeps the 3-kill test of tests/cli_run.sh): ROUNDS times, start a sweep,
# SIGKILL it at a uniformly random moment, and resume it, where with
# --kill-resume every other resume is SIGKILLed too; then compare the
# finished file bit for bit with an uninterrupted run and print the trials
# lost, duplicated and differing, and how many kills landed mid-run.
# Each round starts afresh, so every kill is an experiment of its own.
#   usage: bash bench/perf/crash_safety.sh [ROUNDS] [--kill-resume] [BUILD]
set -uo pipefail
ROUNDS=${1:-50}
KILL_RESUME=0; [ "${2:-}" = "--kill-resume" ] && KILL_RESUME=1
BUILD=${3:-build}
cd "$(dirname "$0")/../.."
M="$PWD/$BUILD/mibench"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cat >"$T/s.ini" <<'INI'
[study]
name = crash
seed = 11
replicates = 20
n = 200, 2000
[generators]
gen = gaussian:rho=0.5|0.9
gen = uniform-noise
[estimators]
est = ksg1
est = ksg2
est = gaussian
est = histogram
INI
"$M" run "$T/s.ini" -o "$T/ref.h5" --threads 2 --quiet || exit 1
start=$(date +%s.%N); "$M" run "$T/s.ini" -o "$T/t.h5" --threads 2 --quiet --force
full=$(echo "$(date +%s.%N) - $start" | bc); rm -f "$T/t.h5"
landed=0 lost=0 dup=0 diff=0
compare() { # REF OUT -> "lost dup diff"
  PYTHONPATH="$BUILD/python" /usr/bin/python3 - "$1" "$2" <<'PY'
import sys, collections, mibench
ref, out = mibench.load(sys.argv[1])["trials"], mibench.load(sys.argv[2])["trials"]
key = lambda t: (t["generator"], t["estimator"], int(t["n"]), int(t["replicate"]))
want = {key(t): t for t in ref}
seen = collections.Counter(key(t) for t in out)
got = {key(t): t for t in out}
same = lambda a, b: a["status"] == b["status"] and (a["estimate"] == b["estimate"] or
                                                   (a["estimate"] != a["estimate"] and b["estimate"] != b["estimate"]))
print(sum(k not in got for k in want), sum(c - 1 for c in seen.values() if c > 1),
      sum(1 for k, t in got.items() if k in want and not same(t, want[k])))
PY
}
kill_at() { # SECONDS ARGS...: run mibench, SIGKILL it after SECONDS; 1 if it was still running
  local at=$1; shift
  "$M" "$@" 2>/dev/null & local p=$!
  sleep "$at"; if kill -KILL $p 2>/dev/null; then wait $p 2>/dev/null; return 0; fi
  wait $p 2>/dev/null; return 1
}
for r in $(seq 1 "$ROUNDS"); do
  rm -f "$T"/out.h5*
  at=$(awk -v s="$RANDOM$r" -v f="$full" 'BEGIN { srand(s); printf "%.3f", rand() * f }')
  kill_at "$at" run "$T/s.ini" -o "$T/out.h5" --threads 2 --quiet && landed=$((landed + 1))
  if [ "$KILL_RESUME" = 1 ] && [ $((r % 2)) = 0 ]; then
    at=$(awk -v s="$RANDOM$r" -v f="$full" 'BEGIN { srand(s); printf "%.3f", rand() * f / 2 }')
    kill_at "$at" run "$T/s.ini" -o "$T/out.h5" --resume --threads 2 --quiet && landed=$((landed + 1))
  fi
  "$M" run "$T/s.ini" -o "$T/out.h5" --resume --threads 2 --quiet || { echo "round $r: resume failed"; exit 1; }
  read -r l d x < <(compare "$T/ref.h5" "$T/out.h5")
  lost=$((lost + l)); dup=$((dup + d)); diff=$((diff + x))
done
echo "crash safety: $ROUNDS rounds ($([ "$KILL_RESUME" = 1 ] && echo "every other resume killed too" || echo "resumes not killed")), $landed SIGKILLs landed mid-run; over all rounds: trials lost $lost, duplicated $dup, differing $diff"
[ $((lost + dup + diff)) -eq 0 ]
