#!/usr/bin/env bash
# cli_run.sh - `mibench run` from outside: the results file h5dump reads,
# identical trials whatever the thread count, refusals (existing output,
# second writer, other study), study-file errors with line numbers, SIGTERM
# -> exit 143 and a clean file, and the kill test: SIGKILL a sweep at
# several points, resume each time, and get every trial exactly once with
# the values of an uninterrupted run.
. "$(dirname "$0")/lib.sh"

journal_trials() { local n; n=$(grep -c '^trial' "$1" 2>/dev/null); echo "${n:-0}"; }

# A study slow enough to be killed in flight (about a second of CPU).
cat >"$TMP/kill.ini" <<'EOF'
; kill-test study
[study]
name = killtest
seed = 11
replicates = 8
n = 5000, 20000
[generators]
gen = gaussian:rho=0|0.6
[estimators]
est = ksg1
est = ksg2:k=4
EOF
NTRIALS=64

# --- an uninterrupted reference run, and thread-count invariance ------------
expect_ok run "$TMP/kill.ini" -o "$TMP/ref.h5" --threads 1 --quiet
h5dump -H "$TMP/ref.h5" >/dev/null; expect_eq "h5dump -H reads the results" $? 0
for d in cells trials summary curves; do
  h5dump -H -d "/$d" "$TMP/ref.h5" >/dev/null 2>&1; expect_eq "dataset /$d exists" $? 0
done
for a in mibench_version git_commit command_line study_name study_text master_seed start_time host threads; do
  h5dump -a "/$a" "$TMP/ref.h5" >/dev/null 2>&1; expect_eq "root attribute $a" $? 0
done
h5dump -a /study_name "$TMP/ref.h5" | grep -q '"killtest"'; expect_eq "study_name attribute" $? 0
trials "$TMP/ref.h5" >"$TMP/ref.txt"
expect_eq "reference has every trial" "$(wc -l <"$TMP/ref.txt")" $NTRIALS
expect_eq "reference: all ok" "$(awk '$5 != 0' "$TMP/ref.txt" | wc -l)" 0
[ ! -e "$TMP/ref.h5.journal" ] && [ ! -e "$TMP/ref.h5.lock" ]
expect_eq "journal and lock removed after a complete run" $? 0
expect_ok run "$TMP/kill.ini" -o "$TMP/two.h5" --threads 2 --quiet
trials "$TMP/two.h5" >"$TMP/two.txt"
cmp -s "$TMP/ref.txt" "$TMP/two.txt"; expect_eq "1 and 2 threads: identical trials" $? 0

# --- the kill test ----------------------------------------------------------
out="$TMP/k.h5"
for at in 1 3 7; do
  before=$(journal_trials "$out.journal")
  [ "$at" -gt "$before" ] || at=$((before + 1))
  if [ -e "$out" ]; then resume=--resume; else resume=; fi
  "$MIBENCH" run "$TMP/kill.ini" -o "$out" --threads 2 --quiet $resume 2>"$TMP/kerr" &
  pid=$!
  while [ "$(journal_trials "$out.journal")" -lt "$at" ] && kill -0 $pid 2>/dev/null; do
    sleep 0.005
  done
  kill -KILL $pid 2>/dev/null; killed=$?
  wait $pid 2>/dev/null
  CHECKS=$((CHECKS + 1))
  if [ $killed -eq 0 ]; then
    pass "SIGKILL with $(journal_trials "$out.journal") trials journaled (aimed at $at)"
  else fail "the run finished before the kill at $at trials ($(cat "$TMP/kerr"))"; fi
  h5dump -H "$out" >/dev/null 2>&1; expect_eq "h5dump -H reads the killed file (at $at)" $? 0
done
expect_ok run "$TMP/kill.ini" -o "$out" --threads 2 --resume
grep -q "kept" "$TMP/err"; expect_eq "resume reports kept trials" $? 0
trials "$out" >"$TMP/k.txt"
expect_eq "after kills + resume: rows" "$(wc -l <"$TMP/k.txt")" $NTRIALS
expect_eq "after kills + resume: no (cell, replicate) twice" \
  "$(awk '{ print $1, $2 }' "$TMP/k.txt" | sort | uniq -d | wc -l)" 0
cmp -s "$TMP/ref.txt" "$TMP/k.txt"; expect_eq "after kills + resume: values of the uninterrupted run" $? 0
h5dump -H "$out" >/dev/null; expect_eq "h5dump -H reads the resumed file" $? 0

# --- SIGTERM: finish the trials in hand, close cleanly, exit 143 ------------
out="$TMP/t.h5"
"$MIBENCH" run "$TMP/kill.ini" -o "$out" --threads 2 --quiet 2>"$TMP/terr" &
pid=$!
while [ "$(journal_trials "$out.journal")" -lt 2 ] && kill -0 $pid 2>/dev/null; do sleep 0.005; done
kill -TERM $pid
wait $pid; rc=$?
expect_eq "SIGTERM exit status" $rc 143
grep -q "continue with --resume" "$TMP/terr"; expect_eq "SIGTERM message: $(cat "$TMP/terr")" $? 0
h5dump -H "$out" >/dev/null 2>&1; expect_eq "h5dump -H reads the file after SIGTERM" $? 0
expect_eq "file rows = journal trials after SIGTERM" \
  "$(trials "$out" | wc -l)" "$(journal_trials "$out.journal")"
expect_ok run "$TMP/kill.ini" -o "$out" --resume --quiet
trials "$out" >"$TMP/t.txt"
cmp -s "$TMP/ref.txt" "$TMP/t.txt"; expect_eq "SIGTERM + resume: values of the uninterrupted run" $? 0

# --- refusals -----------------------------------------------------------------
expect_fail 1 "use --resume to continue it or --force" -- run "$TMP/kill.ini" -o "$TMP/ref.h5"
mkdir -p "$TMP/outdir.h5"
expect_fail 1 "is not a regular file (a directory?)" -- run "$TMP/kill.ini" -o "$TMP/outdir.h5" --force
expect_eq "nothing written beside a directory output" "$(ls -d "$TMP"/outdir.h5* | wc -l)" 1
exec 9>"$TMP/ref.h5.lock"
flock -n 9
expect_fail 1 "being written by another mibench run" -- run "$TMP/kill.ini" -o "$TMP/ref.h5" --resume
exec 9>&-
sed 's/seed = 11/seed = 12/' "$TMP/kill.ini" >"$TMP/other.ini"
expect_fail 1 "seed 11" -- run "$TMP/other.ini" -o "$TMP/ref.h5" --resume
expect_fail 1 "different study" -- run --gen gaussian --est ksg1 --n 100 --seed 11 -o "$TMP/ref.h5" --resume
expect_ok run --gen "gaussian:rho=0.5" --est ksg1 --n 100,200 --seeds 2 -o "$TMP/ref.h5" --force --quiet
expect_eq "--force overwrote" "$(trials "$TMP/ref.h5" | wc -l)" 4

# --- study from flags, failures are data ------------------------------------
expect_ok run --gen "gaussian:rho=0.3|0.9" --est "ksg1:k=2|5" --n 50,100 --seeds 3 --seed 5 \
  -o "$TMP/f.h5" --threads 2
expect_eq "flags study: trials" "$(trials "$TMP/f.h5" | wc -l)" 24
h5dump -a /study_text "$TMP/f.h5" | grep -q 'est = ksg1:k=2|5'; expect_eq "flags study text stored" $? 0
expect_ok run --gen gaussian --est ksg1:k=50 --n 20,100 --seeds 2 -o "$TMP/fail.h5"
grep -q "2 failed" "$TMP/err"; expect_eq "failed trials counted on stderr ($(cat "$TMP/err"))" $? 0
h5dump -d /trials "$TMP/fail.h5" | grep -q '"too-small"'; expect_eq "failed trial status_name stored" $? 0
expect_ok run --gen gaussian --est ksg1 --n 1000 --seeds 1 --mem-limit 1K -o "$TMP/mem.h5" --quiet
h5dump -d /trials "$TMP/mem.h5" | grep -q '"resource-limit"'; expect_eq "memory limit recorded" $? 0
expect_ok run --gen gaussian --est ksg1 --n 100 --seeds 1 -o "$TMP/q.h5" --quiet
expect_eq "--quiet prints nothing" "$(cat "$TMP/out" "$TMP/err")" ""

# --- mixed laws: ross gets cells only with a generator that has a discrete side
expect_ok run --gen mixed-uniform:m=4 --gen gaussian --est ross:discrete=x --est ksg1 --n 2000 \
  --seeds 4 -o "$TMP/mixed.h5" --quiet
expect_eq "cells: mixed x ross, mixed x ksg1, gaussian x ksg1" \
  "$(table "$TMP/mixed.h5" /cells 1 7 8 | awk '{ printf "%s/%s ", $2, $3 }' | tr -d '"')" \
  "mixed-uniform/ross mixed-uniform/ksg1 gaussian/ksg1 "
expect_ok check "$TMP/mixed.h5" --max-abs-bias 0.03

# --- the progress line fits the terminal (issue 11) ---------------------------
# Through a pseudo-terminal of 80 columns (script(1)): every progress line
# stays within 79 columns, so it is rewritten in place instead of wrapping
# and scrolling one line per trial; the long cell name is what gets cut.
script -qec "stty cols 80 rows 24; '$MIBENCH' run --gen 'gaussian:dim=2,rho=0.5|0.7,transform=wiggly' \
  --est 'ksg2:k=4,standardize=0,jitter=0.001' --n 200,400 --seeds 3 -o '$TMP/pty.h5' --threads 1" /dev/null \
  >"$TMP/pty.out" 2>&1
tr '\r' '\n' <"$TMP/pty.out" | sed 's/\x1b\[K//g' | grep '^\[[0-9]*/12\]' >"$TMP/lines"
expect_eq "progress lines through an 80-column terminal" "$(wc -l <"$TMP/lines")" 12
expect_eq "progress lines within 79 columns ($(tail -1 "$TMP/lines"))" "$(awk 'length($0) > 79' "$TMP/lines" | wc -l)" 0
expect_eq "the cell name is cut, n and ETA kept" "$(grep -c '\.\.\. .* n=[0-9]*  elapsed .*, ETA ' "$TMP/lines")" 12
# resumed with more replicates: the counter runs against the whole study
script -qec "stty cols 80 rows 24; '$MIBENCH' run --gen 'gaussian:dim=2,rho=0.5|0.7,transform=wiggly' \
  --est 'ksg2:k=4,standardize=0,jitter=0.001' --n 200,400 --seeds 5 -o '$TMP/pty.h5' --threads 1 --resume" \
  /dev/null >"$TMP/pty.out" 2>&1
tr '\r' '\n' <"$TMP/pty.out" | sed 's/\x1b\[K//g' | grep -o '^\[[0-9]*/[0-9]*\]' >"$TMP/lines"
expect_eq "after --resume: [13/20] .. [20/20]" "$(head -1 "$TMP/lines") $(tail -1 "$TMP/lines") $(wc -l <"$TMP/lines")" \
  "[13/20] [20/20] 8"
script -qec "stty cols 40 rows 24; '$MIBENCH' run --gen gaussian --est ksg1 --n 200 --seeds 2 -o '$TMP/pty40.h5' --threads 1" \
  /dev/null >"$TMP/pty.out" 2>&1
tr '\r' '\n' <"$TMP/pty.out" | sed 's/\x1b\[K//g' | grep '^\[[0-9]*/2\]' >"$TMP/lines"
expect_eq "40 columns: 2 progress lines, none over 39 columns" \
  "$(wc -l <"$TMP/lines") $(awk 'length($0) > 39' "$TMP/lines" | wc -l)" "2 0"

# --bits is taken as by the other verbs; the file stays in nats
expect_ok run --gen gaussian --est ksg1 --n 100 --seeds 2 -o "$TMP/nats.h5" --quiet
expect_ok run --gen gaussian --est ksg1 --n 100 --seeds 2 -o "$TMP/bits.h5" --quiet --bits
trials "$TMP/nats.h5" >"$TMP/nats.txt"; trials "$TMP/bits.h5" >"$TMP/bits.txt"
cmp -s "$TMP/nats.txt" "$TMP/bits.txt"; expect_eq "run --bits: the same trials, in nats" $? 0

# --- usage and study-file errors ----------------------------------------------
expect_ok run --help
grep -q "130/143" "$TMP/out"; expect_eq "--help documents exit codes" $? 0
grep -q "mpirun -n R mibench run" "$TMP/out"; expect_eq "--help documents MPI" $? 0
expect_fail 2 "need -o" -- run "$TMP/kill.ini"
expect_fail 2 "need STUDY_FILE" -- run -o "$TMP/x.h5"
expect_fail 2 "not both" -- run "$TMP/kill.ini" --gen gaussian -o "$TMP/x.h5"
expect_fail 2 "contradict" -- run "$TMP/kill.ini" -o "$TMP/x.h5" --resume --force
expect_fail 2 "--threads" -- run "$TMP/kill.ini" -o "$TMP/x.h5" --threads 0
expect_fail 2 "--mem-limit" -- run "$TMP/kill.ini" -o "$TMP/x.h5" --mem-limit lots
expect_fail 2 "'--bogus'" -- run "$TMP/kill.ini" -o "$TMP/x.h5" --bogus
expect_fail 2 "--gen nosuch: unknown generator 'nosuch'" -- run --gen nosuch --est ksg1 --n 100 -o "$TMP/x.h5"
expect_fail 2 "--n 1: sample size '1'" -- run --gen gaussian --est ksg1 --n 1 -o "$TMP/x.h5"
expect_fail 1 "cannot open study file" -- run "$TMP/none.ini" -o "$TMP/x.h5"
printf '[study]\nn = 100\n[generators]\ngen = gaussian\n[estimators]\nest = ksg1:k=0\n' >"$TMP/bad1.ini"
expect_fail 2 "bad1.ini:6: " -- run "$TMP/bad1.ini" -o "$TMP/x.h5"
printf '[study]\nn = 100\nreplicates\n' >"$TMP/bad2.ini"
expect_fail 2 "bad2.ini:3: expected 'key = value'" -- run "$TMP/bad2.ini" -o "$TMP/x.h5"
printf '[study]\nn = 100\n[generators]\ngen = gaussian\n[estimators]\nest = ksg1\n[limits]\nksg3 = 10\n' >"$TMP/bad3.ini"
expect_fail 2 "bad3.ini:8: limit for unknown estimator 'ksg3'" -- run "$TMP/bad3.ini" -o "$TMP/x.h5"
printf '[study]\nn = 100\n[generators]\ngen = gaussian:dim=1|2,transform=spiral\n' >"$TMP/bad5.ini"
expect_fail 2 "bad5.ini:4: generator 'gaussian': transform=spiral" -- run "$TMP/bad5.ini" -o "$TMP/x.h5"
printf '[study]\nn = 100\n[generators]\ngen = gaussian\n' >"$TMP/bad4.ini"
expect_fail 2 "names no estimator" -- run "$TMP/bad4.ini" -o "$TMP/x.h5"
[ ! -e "$TMP/x.h5" ]; expect_eq "no output after errors" $? 0
for s in default kraskov scaling kraskov-quick poole2019-quick mutinfo mutinfo-quick mutinfo-rotated \
         mutinfo-rotated-quick dpi; do
  "$MIBENCH" run "$SRC/bench/studies/$s.ini" -o "$TMP/lock-only.h5" --mem-limit 1K --threads 1 --quiet \
    2>"$TMP/err" >/dev/null &
  p=$!; sleep 0.2; kill -TERM $p 2>/dev/null; wait $p; rc=$?
  CHECKS=$((CHECKS + 1))
  if [ $rc -eq 0 ] || [ $rc -eq 143 ]; then pass "bench/studies/$s.ini parses and runs (rc $rc)"
  else fail "bench/studies/$s.ini: rc $rc: $(cat "$TMP/err")"; fi
  rm -f "$TMP/lock-only.h5" "$TMP/lock-only.h5.journal"
done

# A study of 2e5 cells x 10 replicates starts its trials within seconds in
# 1.5 GB of address space (a replicate slot holds what the summary needs,
# not a whole 770-byte row: 2e6 rows once needed 1.5 GB alone), and SIGTERM
# during it is honoured at once.
if [ "${MIBENCH_SANITIZED:-0}" != 1 ]; then
  { printf '[study]\nreplicates = 10\nn = 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000\n[generators]\n'
    for i in $(seq 1 200); do printf 'gen = gaussian:rho=0.%03d\n' "$i"; done
    echo "[estimators]"; for k in $(seq 1 100); do echo "est = ksg1:k=$k"; done; } >"$TMP/big.ini"
  ( ulimit -v 1500000; exec "$MIBENCH" run "$TMP/big.ini" -o "$TMP/big.h5" --threads 2 --quiet ) \
    >"$TMP/out" 2>"$TMP/err" &
  p=$!
  for _ in $(seq 1 100); do [ -s "$TMP/big.h5.journal" ] && grep -q '^trial' "$TMP/big.h5.journal" && break; sleep 0.2; done
  kill -TERM $p; wait $p; rc=$?
  expect_eq "2e5-cell study in 1.5 GB: SIGTERM exit status" "$rc" 143
  grep -q "stopped by SIGTERM after [1-9]" "$TMP/err"; expect_eq "stopped after some trials" $? 0
  rm -f "$TMP"/big.h5*
fi

# A second Ctrl-C ends the run at once, says so, and leaves no lock file.
"$MIBENCH" run --gen gaussian --est kde --n 30000 --seeds 4 -o "$TMP/kde2.h5" --threads 1 \
  >/dev/null 2>"$TMP/err" &
p=$!
sleep 1.5; kill -INT $p; sleep 0.3; kill -INT $p; wait $p; rc=$?
expect_eq "second SIGINT: exit status" "$rc" 130
grep -q "stopped at once by a second signal" "$TMP/err"; expect_eq "second SIGINT: message" $? 0
[ ! -e "$TMP/kde2.h5.lock" ]; expect_eq "second SIGINT: no lock file left" $? 0
rm -f "$TMP"/kde2.h5*

# The results file keeps the command of every run that wrote it.
"$MIBENCH" run --gen gaussian --est kde --n 30000 --seeds 3 -o "$TMP/cl.h5" --threads 1 --quiet \
  2>/dev/null &
p=$!; sleep 1; kill -INT $p; wait $p
expect_ok run --gen gaussian --est kde --n 30000 --seeds 3 -o "$TMP/cl.h5" --threads 1 --resume --quiet
if command -v h5dump >/dev/null; then
  h5dump -a command_line "$TMP/cl.h5" >"$TMP/attr" 2>&1
  expect_eq "command_line keeps both runs" "$(grep -c -- '--seeds 3 -o' "$TMP/attr"):$(grep -c -- '--resume' "$TMP/attr")" "2:1"
fi

finish
