#!/usr/bin/env bash
# bench_external.sh - what an external estimator costs per trial, by protocol.
#
#   bash bench/perf/bench_external.sh [BUILD_DIR]     (default: build)
#
# A benchmark, never run by the tests. One cheap cell (gaussian generator,
# n = 100, one thread) is run by `mibench run` with
#   - the built-in `gaussian` estimator (200 replicates),
#   - the same estimator in NumPy (10 lines, a module file) through
#       bmi's protocol by `python3 -m mibench.worker --bmi` (30 replicates:
#       every trial starts Python, NumPy and the mibench package),
#       bmi's protocol by a plain NumPy script (tests/external/np_gaussian.py,
#       no mibench import),
#       bmi's protocol by `sh -c 'echo 0.1'` (the floor: a process start and
#       the samples file, no Python),
#       the worker protocol by `python3 -m mibench.worker` (200 replicates:
#       one start, then one JSON line per trial),
# and the mean seconds per trial (/trials seconds: the wall time of the
# estimate, which for externals includes writing the samples file and, for
# bmi, the program's start-up) is printed as milliseconds, with the
# overhead against the built-in estimator.
#
# Then the other direction, mibench inside bmi: a driver speaking bmi's
# protocol (write a CSV task, run ESTIMATOR FILE DIMX DIMY, take the last
# line of stdout, as bmi does) calls `mibench estimate ksg1 FILE 1 1` per
# task and times each call, against the same estimate in process
# (mibench.estimate(..., details=True)["seconds"]).
#
# Needs a Python with NumPy ($PY, default /usr/bin/python3, Debian's
# python3-numpy); the build tree's package is found through PYTHONPATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
PY=${PY:-/usr/bin/python3}
MIBENCH=$build/mibench
[ -x "$MIBENCH" ] || { echo "bench_external.sh: no $MIBENCH; build first (ninja -C $build)" >&2; exit 2; }
"$PY" -c 'import numpy' 2>/dev/null || { echo "bench_external.sh: $PY has no NumPy" >&2; exit 2; }
export PYTHONPATH=$build/python
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mib_bench_ext.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

cat >np_est.py <<'EOF'
import numpy as np


def gaussian_mi(x, y, seed):
    """MI of the Gaussian fit: 1/2 (ln det Sxx + ln det Syy - ln det S)."""
    c = np.atleast_2d(np.cov(np.hstack([x, y]), rowvar=False))
    dx = x.shape[1]
    logdet = lambda m: np.linalg.slogdet(m)[1]
    return 0.5 * (logdet(c[:dx, :dx]) + logdet(c[dx:, dx:]) - logdet(c))
EOF

W="env PYTHONPATH=$build/python $PY -m mibench.worker"
run() { # OUT REPLICATES EST [--external ...]
  local out=$1 reps=$2
  shift 2
  "$MIBENCH" run --gen gaussian --n 100 --seeds "$reps" --threads 1 --quiet -o "$out" "$@"
}
echo "mibench $("$MIBENCH" --version | awk '{print $2}'), $(nproc) cores, $("$PY" --version 2>&1), one thread, gaussian generator, n = 100"
run builtin.h5 200 --est gaussian
run bmi_worker.h5 30 --est npb --external "npb=$W --bmi np_est:gaussian_mi"
run bmi_script.h5 30 --est nps --external "nps=$PY $src/tests/external/np_gaussian.py"
run bmi_sh.h5 30 --est shb --external "shb=sh -c 'echo 0.1'"
run worker.h5 200 --est npw:protocol=worker --external "npw=$W np_est:gaussian_mi"

"$PY" - <<'EOF'
import numpy as np
import mibench

rows = [("built-in gaussian", "builtin.h5"),
        ("bmi: python3 -m mibench.worker --bmi", "bmi_worker.h5"),
        ("bmi: NumPy script (no mibench import)", "bmi_script.h5"),
        ("bmi: sh -c 'echo 0.1' (process floor)", "bmi_sh.h5"),
        ("worker: python3 -m mibench.worker", "worker.h5")]
base = None
print()
print("%-40s %6s %10s %10s %10s %12s" % ("protocol", "trials", "failed", "mean ms", "median ms",
                                         "overhead ms"))
for label, path in rows:
    t = mibench.load(path)["trials"]
    ms = 1000 * t["seconds"]
    failed = int(np.sum(t["status_name"] != "ok"))
    mean = float(np.mean(ms))
    if base is None:
        base = mean
    print("%-40s %6d %10d %10.3f %10.3f %12.3f" % (label, len(t), failed, mean,
                                                   float(np.median(ms)), mean - base))
w = 1000 * mibench.load("worker.h5")["trials"]["seconds"]
print("worker: first trial (with its start-up) %.1f ms; the other %d trials %.3f ms each"
      % (w[0], len(w) - 1, float(np.mean(w[1:]))))
EOF

# mibench inside bmi: a bmi-protocol driver calling mibench's ksg1
"$PY" - "$MIBENCH" <<'EOF'
import os
import subprocess
import sys
import time

import numpy as np
import mibench

cli, tasks, n = sys.argv[1], 30, 100
calls, inproc, agree = [], [], 0
for seed in range(tasks):
    task = "task%d.csv" % seed
    subprocess.run([cli, "sample", "gaussian", "-n", str(n), "--seed", str(seed), "--bmi",
                    "-o", task], check=True)        # bmi writes the task (not timed)
    t0 = time.perf_counter()
    p = subprocess.run([cli, "estimate", "ksg1", task, "1", "1", "--quiet"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    calls.append(time.perf_counter() - t0)
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    value = float(lines[-1])                         # bmi reads the last line
    data = np.loadtxt(task, delimiter=",", skiprows=1, ndmin=2)
    d = mibench.estimate(data[:, :1], data[:, 1:], "ksg1", threads=1, details=True)
    inproc.append(d["seconds"])
    agree += repr(d["mi"]) == repr(value) or abs(d["mi"] - value) <= 1e-15 * abs(value)
    os.unlink(task)
calls, inproc = 1000 * np.array(calls), 1000 * np.array(inproc)
print()
print("%-40s %6s %10s %10s %12s" % ("mibench inside bmi", "calls", "mean ms", "median ms",
                                    "overhead ms"))
print("%-40s %6d %10.3f %10.3f %12s" % ("ksg1 in process (mibench.estimate)", tasks,
                                        inproc.mean(), np.median(inproc), "-"))
print("%-40s %6d %10.3f %10.3f %12.3f" % ("bmi driver: mibench estimate ksg1 F 1 1", tasks,
                                          calls.mean(), np.median(calls),
                                          calls.mean() - inproc.mean()))
print("the driver's numbers equal the in-process estimates: %d of %d" % (agree, tasks))
EOF
