#!/usr/bin/env bash
# cli_mpi.sh - `mpirun -n 3 mibench run` (bench/mpi): the same /trials,
# /summary and /curves bit for bit as one process at one thread; refusals
# and a missing study end every rank with one line each, never a hang;
# SIGTERM stops cleanly; the kill test SIGKILLs the whole job (or one
# worker rank) at random points, resumes with and without mpirun, and gets
# every trial exactly once with the values of the one-process run.
. "$(dirname "$0")/lib.sh"
command -v mpirun >/dev/null || { echo "mpirun not found: skipped"; exit 77; }
MPIRUN=(mpirun --oversubscribe -n 3)
[ "$(id -u)" = 0 ] && MPIRUN+=(--allow-run-as-root)
mpi() { timeout 120 "${MPIRUN[@]}" "$MIBENCH" "$@"; }
# kill_all PATTERN: SIGKILL the matching processes, then wait until none is
# left (a dying rank still holds OUT.h5.lock)
kill_all() {
  pkill -9 -f "$1"
  for _ in $(seq 100); do pgrep -f "$1" >/dev/null || return 0; sleep 0.1; pkill -9 -f "$1"; done
}

# failing trials (n = 8 <= k = 10), an O(N^2) estimator, online curves
cat >"$TMP/mpi.ini" <<'EOS'
[study]
name = mpitest
seed = 5
replicates = 6
n = 8, 500, 4000
[generators]
gen = gaussian:rho=0|0.7
[estimators]
est = ksg1:k=10
est = gaussian
est = kde
est = infonce:online=1,hidden=16,layers=1,embed=4,batch=16,steps=60
[limits]
infonce = 500
EOS

expect_ok run "$TMP/mpi.ini" -o "$TMP/one.h5" --threads 1 --quiet
mpi run "$TMP/mpi.ini" -o "$TMP/three.h5" --threads 1 >"$TMP/out" 2>"$TMP/err"
expect_eq "mpirun -n 3: exit status" $? 0
grep -q "wrote '$TMP/three.h5': 22 cells, 132 trials (0 kept, 132 run), 12 failed" "$TMP/err"
expect_eq "rank 0 reports the whole study ($(head -1 "$TMP/err"))" $? 0
for t in trials summary curves; do
  $t "$TMP/one.h5" >"$TMP/one.$t"
  $t "$TMP/three.h5" >"$TMP/three.$t"
  cmp -s "$TMP/one.$t" "$TMP/three.$t"
  expect_eq "/$t of 3 ranks = 1 process ($(wc -l <"$TMP/one.$t") rows)" $? 0
done
expect_eq "/curves rows" "$(wc -l <"$TMP/one.curves")" 1440

# refusals end every rank, with the reason
mpi run "$TMP/mpi.ini" -o "$TMP/three.h5" --threads 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -ne 0 ] && grep -q "mibench run: .*already exists" "$TMP/err"
expect_eq "existing output refused by rank 0, no hang (exit $rc)" $? 0
mpi run "$TMP/none.ini" -o "$TMP/x.h5" --threads 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
# (mpirun ends the job when the first rank exits non-zero: 1 to 3 lines)
[ $rc -ne 0 ] && grep -q "^mibench run.*none.ini" "$TMP/err"
expect_eq "missing study: an error line, no hang (exit $rc)" $? 0

# SIGTERM to mpirun: rank 0 stops after the trials in hand and says so
cat >"$TMP/slow.ini" <<'EOS'
[study]
name = mpikill
seed = 9
replicates = 40
n = 5000, 20000
[generators]
gen = gaussian:rho=0|0.6
[estimators]
est = ksg1
est = ksg2:k=4
EOS
NTRIALS=320
expect_ok run "$TMP/slow.ini" -o "$TMP/ref.h5" --threads 1 --quiet
trials "$TMP/ref.h5" >"$TMP/ref.txt"
summary "$TMP/ref.h5" >"$TMP/ref.sum"
# slow.ini takes about 1.6 CPU-s in all, so an idle machine can finish it
# before the signal; this one's 20 trials of 1e6 rows take about 14
cat >"$TMP/long.ini" <<'EOS'
[study]
name = mpiterm
replicates = 20
n = 1000000
[generators]
gen = gaussian:rho=0.6
[estimators]
est = ksg1
EOS
"${MPIRUN[@]}" "$MIBENCH" run "$TMP/long.ini" -o "$TMP/t.h5" --threads 1 >/dev/null 2>"$TMP/err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
grep -q "stopped by SIGTERM after" "$TMP/err" && [ ! -e "$TMP/t.h5.lock" ]
expect_eq "SIGTERM: clean stop, lock released" $? 0

# the kill test: SIGKILL everything (or one worker rank) at random moments
out="$TMP/k.h5"
RANDOM=14
for round in 1 2 3 4; do
  timeout 60 "${MPIRUN[@]}" "$MIBENCH" run "$TMP/slow.ini" -o "$out" --threads 1 --quiet \
    --resume >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((3 + RANDOM % 7))"
  if [ $round = 3 ]; then   # one worker rank (the newest): mpirun ends the job itself
    pkill -9 -n -f "^$MIBENCH run $TMP/slow.ini -o $out"
    wait $pid
  fi                        # else the whole job, as a node failure would
  kill_all "run $TMP/slow.ini -o $out"
  wait $pid
  n=$(grep -c '^trial' "$out.journal" 2>/dev/null)
  echo "round $round: ${n:-0} trials in the journal"
done
# finish once with mpirun and compare; then resume the finished file without it
mpi run "$TMP/slow.ini" -o "$out" --threads 1 --quiet --resume >/dev/null 2>"$TMP/err"
expect_eq "resume with mpirun completes ($(cat "$TMP/err"))" $? 0
trials "$out" >"$TMP/k.txt"
expect_eq "every trial exactly once" "$(awk '{print $1, $2}' "$TMP/k.txt" | sort -u | wc -l) $(wc -l <"$TMP/k.txt")" "$NTRIALS $NTRIALS"
cmp -s "$TMP/ref.txt" "$TMP/k.txt"; expect_eq "killed and resumed = uninterrupted" $? 0
summary "$out" >"$TMP/k.sum"
cmp -s "$TMP/ref.sum" "$TMP/k.sum"; expect_eq "its /summary = uninterrupted" $? 0

# killed under mpirun, resumed by one process
rm -f "$out" "$out.journal"
"${MPIRUN[@]}" "$MIBENCH" run "$TMP/slow.ini" -o "$out" --threads 1 --quiet >/dev/null 2>&1 &
pid=$!
sleep 0.8
kill_all "run $TMP/slow.ini -o $out"
wait $pid
expect_ok run "$TMP/slow.ini" -o "$out" --threads 1 --quiet --resume
trials "$out" >"$TMP/k.txt"
cmp -s "$TMP/ref.txt" "$TMP/k.txt"; expect_eq "killed under mpirun, resumed without = uninterrupted" $? 0
finish
