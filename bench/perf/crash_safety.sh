#!/usr/bin/env bash
# crash_safety.sh - the crash-safety benchmark (never run by the tests; CI
# keeps the 3-kill test of tests/cli_run.sh): ROUNDS times, start a sweep,
# SIGKILL it at a uniformly random moment, and resume it, where with
# --kill-resume every other resume is SIGKILLed too; then compare the
# finished file bit for bit with an uninterrupted run and print the trials
# lost, duplicated and differing, and how many kills landed mid-run.
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
landed=0
for r in $(seq 1 "$ROUNDS"); do
  at=$(awk -v s="$RANDOM" -v f="$full" 'BEGIN { srand(s); printf "%.3f", rand() * f }')
  flag=--resume; [ -e "$T/out.h5" ] || flag=--force
  "$M" run "$T/s.ini" -o "$T/out.h5" $flag --threads 2 --quiet 2>/dev/null & p=$!
  sleep "$at"; kill -KILL $p 2>/dev/null && landed=$((landed + 1)); wait $p 2>/dev/null
  if [ "$KILL_RESUME" = 1 ] && [ $((r % 2)) = 0 ]; then
    "$M" run "$T/s.ini" -o "$T/out.h5" --resume --threads 2 --quiet 2>/dev/null & p=$!
    sleep "$(awk -v f="$full" 'BEGIN { srand(); printf "%.3f", rand() * f / 2 }')"
    kill -KILL $p 2>/dev/null && landed=$((landed + 1)); wait $p 2>/dev/null
  fi
done
"$M" run "$T/s.ini" -o "$T/out.h5" --resume --threads 2 --quiet || { echo "final resume failed"; exit 1; }
PYTHONPATH="$BUILD/python" /usr/bin/python3 - "$T/ref.h5" "$T/out.h5" "$ROUNDS" "$landed" <<'PY'
import sys, collections, mibench
ref, out = mibench.load(sys.argv[1])["trials"], mibench.load(sys.argv[2])["trials"]
key = lambda t: (t["generator"], t["estimator"], int(t["n"]), int(t["replicate"]))
want = {key(t): t for t in ref}
seen = collections.Counter(key(t) for t in out)
got = {key(t): t for t in out}
lost = sum(1 for k in want if k not in got)
dup = sum(c - 1 for c in seen.values() if c > 1)
diff = sum(1 for k, t in got.items() if k in want and
           (t["estimate"] != want[k]["estimate"] and not (t["estimate"] != t["estimate"]
            and want[k]["estimate"] != want[k]["estimate"]) or t["status"] != want[k]["status"]))
print(f"crash safety: {sys.argv[3]} rounds, {sys.argv[4]} SIGKILLs landed mid-run; "
      f"{len(want)} trials: lost {lost}, duplicated {dup}, differing {diff}")
sys.exit(1 if lost or dup or diff else 0)
PY
