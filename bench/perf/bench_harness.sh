#!/usr/bin/env bash
# bench_harness.sh - the harness's own speed (never run by the tests):
#  1. its cost per trial: 20,000 trials of a trivial estimator (gaussian,
#     N = 100, 1-D) at one thread, wall time minus the timed estimation,
#     per trial (target <= 50 us), and trials stored per second;
#  2. thread scaling of the default study (bench/studies/default.ini),
#     --threads 2 against --threads 1 (target >= 1.7x);
#  3. with MPI: the default study on R = 2 ranks of one thread each against
#     one process of two threads (the MPI overhead), and the rate at which
#     rank 0 stores the trivial trials of two worker ranks.
#   usage: bash bench/perf/bench_harness.sh [BUILD]   (default build/)
set -euo pipefail
cd "$(dirname "$0")/../.."
M="$PWD/${1:-build}/mibench"
MIBENCH=$M . tests/lib.sh   # table (h5dump rows) and a scratch $TMP removed on exit
T=$TMP
MPIRUN=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && MPIRUN+=(--allow-run-as-root)
wall() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); calc "$t1 - $t0"; }
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }   # calc EXPR: a number
# the sum of the timed estimations in a results file (from /summary: count x mean)
est_seconds() { table "$1" /summary 7 15 | awk '{ s += $1 * $2 } END { printf "%.6f\n", s }'; }
N=20000
trivial=(run --gen gaussian:rho=0.5 --est gaussian --n 100 --seeds $N --quiet --force)

echo "== harness cost per trial ($N trials, gaussian estimator, N = 100) =="
for t in 1 2; do
  w=$(wall "$M" "${trivial[@]}" --threads $t -o "$T/triv$t.h5")
  e=$(est_seconds "$T/triv$t.h5")
  echo "threads $t: wall $(calc "$w") s, estimation $(calc "$e") s in all;" \
       "harness $(calc "($w - $e / $t) / $N * 1e6") us/trial (target <= 50)," \
       "$(calc "int($N / $w)") trials/s stored"
done

echo "== default study: thread scaling =="
w1=$(wall "$M" run bench/studies/default.ini -o "$T/d1.h5" --threads 1 --quiet)
w2=$(wall "$M" run bench/studies/default.ini -o "$T/d2.h5" --threads 2 --quiet)
echo "threads 1: $(calc "$w1") s; threads 2: $(calc "$w2") s;" \
     "speed-up $(calc "$w1 / $w2")x (target >= 1.7x)"

if command -v mpirun >/dev/null; then
  echo "== MPI =="
  wm=$(wall "${MPIRUN[@]}" -n 2 "$M" run bench/studies/default.ini -o "$T/dm.h5" --threads 1 --quiet)
  echo "default study, 2 ranks x 1 thread: $(calc "$wm") s against 1 process x 2" \
       "threads $(calc "$w2") s: MPI costs $(calc "($wm / $w2 - 1) * 100")%"
  w3=$(wall "${MPIRUN[@]}" -n 3 "$M" "${trivial[@]}" --threads 1 -o "$T/triv-mpi.h5")
  echo "trivial trials, rank 0 + 2 worker ranks (1 thread each, 3 processes on" \
       "$(nproc) cores): $(calc "int($N / $w3)") trials/s stored" \
       "(target >= 20000/s; includes mpirun's start-up)"
fi
