#!/usr/bin/env bash
# study_times.sh - the wall time of whole studies, one replicate each, for
# one build or side by side for two (issue 16: default, kraskov, scaling,
# poole2019 before and after the speed work). Each study file is copied with
# `replicates = 1` and run with --threads T; the table gives wall seconds,
# the seconds of the timed estimations (/summary: count x mean_seconds) and,
# with two builds, the ratio of the walls. Needs an idle machine.
#   usage: bash bench/perf/study_times.sh [--threads T] [--before BUILD0] [BUILD] [STUDY...]
#          (BUILD default build/, STUDY default: default kraskov scaling poole2019)
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=2 before=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --before) before=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
build=${1:-build}; shift || true
studies=("$@"); [ ${#studies[@]} -gt 0 ] || studies=(default kraskov scaling poole2019)
MIBENCH=$PWD/$build/mibench . tests/lib.sh   # table (h5dump rows) and a scratch $TMP
for b in "$build" $before; do
  [ -x "$b/mibench" ] || { echo "study_times.sh: no mibench in $b" >&2; exit 2; }
done
# wall seconds of one run of STUDY with the mibench of BUILD; the seconds
# of its estimations on the second line
time_study() {
  local bin=$1/mibench study=$2 out=$TMP/$2.$3.h5 t0 t1
  sed 's/^\( *replicates *=\).*/\1 1/' "bench/studies/$study.ini" > "$TMP/$study.ini"
  t0=$(date +%s.%N)
  "$bin" run "$TMP/$study.ini" -o "$out" --threads "$threads" --quiet --force >/dev/null
  t1=$(date +%s.%N)
  awk "BEGIN { printf \"%.1f\n\", $t1 - $t0 }"
  table "$out" /summary 7 15 | awk '$2 !~ /nan/ { s += $1 * $2 } END { printf "%.1f\n", s }'
}
printf '# one replicate per cell, --threads %s, %s\n' "$threads" "$(date -u +%F)"
if [ -n "$before" ]; then
  printf '%-10s %12s %12s %12s %12s %8s\n' study before_wall before_est after_wall after_est speedup
else
  printf '%-10s %12s %12s\n' study wall_s est_s
fi
for s in "${studies[@]}"; do
  [ -f "bench/studies/$s.ini" ] || { echo "study_times.sh: no bench/studies/$s.ini" >&2; exit 2; }
  mapfile -t a < <(time_study "$build" "$s" after)
  if [ -n "$before" ]; then
    mapfile -t b < <(time_study "$before" "$s" before)
    printf '%-10s %12s %12s %12s %12s %7.2fx\n' "$s" "${b[0]}" "${b[1]}" "${a[0]}" "${a[1]}" \
      "$(awk "BEGIN { print ${b[0]} / ${a[0]} }")"
  else
    printf '%-10s %12s %12s\n' "$s" "${a[0]}" "${a[1]}"
  fi
done
