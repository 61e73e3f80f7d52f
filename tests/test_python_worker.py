"""test_python_worker.py - python -m mibench.worker: a Python function as an
external estimator, through both of mibench's protocols.

- The worker protocol spoken directly: one answer line per request, flushed
  before the next request is sent; errors as {"error": ...}; prints of the
  user's code kept off stdout; exit 0 at EOF; format=h5 refused clearly.
- A NumPy Gaussian estimator (a module file in a temporary folder) run by
  `mibench run --external` through protocol=worker and protocol=bmi equals
  the built-in `gaussian` on every trial of a sweep (2 generators x 2 n x 5
  replicates; same cell, same replicate) to 1e-9.
- Failing functions (an exception, a non-finite result, format=h5, a module
  that does not import) give failed trials with the reason in /trials
  message; the sweep completes, and a worker survives its function's
  exceptions (the module is imported once per worker).
- 250 trials with --threads 2 start the worker exactly twice.
- The README's "Benchmark your own estimator" commands, verbatim (a
  `python3` on PATH that finds the build tree's package): sweep, plot, and
  `mibench check --strict` against a baseline, which passes for a rerun and
  fails for a changed estimator.

Environment (set by tests/meson.build): MIBENCH (the CLI), MIBENCH_LIBRARY,
PYTHONPATH (the build tree's copy of the package), SRC, BUILD. Prints one
line per check; exits 1 on any failure, 77 (skip) without NumPy.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("skip: NumPy is not installed for %s" % sys.executable)
    sys.exit(77)

import mibench

CLI = os.environ["MIBENCH"]
PYPATH = os.environ["PYTHONPATH"].split(os.pathsep)[0]
TMP = tempfile.mkdtemp(prefix="mib_pyw_")
STARTS = os.path.join(TMP, "starts.log")
# the command mibench runs: the build tree's package, this interpreter (it has NumPy)
WORKER = "env PYTHONPATH=%s %s -m mibench.worker" % (PYPATH, sys.executable)
FAILS = []

# The test's estimators. Importing the module appends a line to STARTS.
NP_EST = '''\
import os
import numpy as np

with open(%r, "a") as f:
    f.write("%%d\\n" %% os.getpid())


def gaussian_mi(x, y, seed):
    """1/2 (ln det Sxx + ln det Syy - ln det S) of the sample covariance."""
    c = np.atleast_2d(np.cov(np.hstack([x, y]), rowvar=False))
    dx = x.shape[1]
    logdet = lambda m: np.linalg.slogdet(m)[1]
    return 0.5 * (logdet(c[:dx, :dx]) + logdet(c[dx:, dx:]) - logdet(c))


def boom(x, y, seed):
    raise RuntimeError("estimator exploded at n=%%d" %% len(x))


def infinite(x, y, seed):
    return np.inf


def chatty(x, y):
    print("noise on stdout")
    os.write(1, b"more noise on fd 1\\n")
    return gaussian_mi(x, y, 0)
''' % STARTS

# The README's example, verbatim.
README_EST = '''\
import numpy as np


def gaussian_mi(x, y, seed):
    """MI of the Gaussian fit: 1/2 (ln det Sxx + ln det Syy - ln det S)."""
    c = np.atleast_2d(np.cov(np.hstack([x, y]), rowvar=False))
    dx = x.shape[1]
    logdet = lambda m: np.linalg.slogdet(m)[1]
    return 0.5 * (logdet(c[:dx, :dx]) + logdet(c[dx:, dx:]) - logdet(c))
'''

README_STUDY = '''\
[study]
name = mygauss
seed = 1
replicates = 10
n = 100, 1000
[generators]
gen = gaussian:rho=0.5|0.9
gen = gaussian:rho=0.5,transform=cubic
[estimators]
est = gaussian
est = ksg1
est = mygauss:protocol=worker
[external]
mygauss = python3 -m mibench.worker my_estimators:gaussian_mi
'''


def check(what, ok, detail=""):
    if ok:
        print("ok: %s" % what)
    else:
        FAILS.append(what)
        print("FAIL: %s%s" % (what, ": " + str(detail) if detail else ""))
    return ok


def cli(*args, cwd=TMP, env=None):
    p = subprocess.run([CLI] + [str(a) for a in args], capture_output=True, text=True,
                       cwd=cwd, env=env)
    return p


def run_ok(what, *args, **kw):
    p = cli(*args, **kw)
    check("%s: mibench %s exits 0" % (what, args[0]), p.returncode == 0,
          "exit %d: %s" % (p.returncode, p.stderr.strip()[-400:]))
    return p


def starts():
    try:
        with open(STARTS) as f:
            return len(f.read().split())
    except FileNotFoundError:
        return 0


def reset_starts():
    if os.path.exists(STARTS):
        os.unlink(STARTS)


def by_key(trials, prefix):
    """{(generator, n, replicate): trial} for the estimator spec starting with prefix."""
    out = {}
    for t in trials:
        if t["estimator"] == prefix or t["estimator"].startswith(prefix + ":"):
            out[(t["generator"], int(t["n"]), int(t["replicate"]))] = t
    return out


def test_protocol_direct():
    """The worker spoken to by hand, one request at a time."""
    subprocess.run([CLI, "sample", "gaussian:dim=2,rho=0.6", "-n", "300", "--seed", "3",
                    "--bmi", "-o", os.path.join(TMP, "s.csv")], check=True)
    subprocess.run([CLI, "sample", "gaussian:dim=2,rho=0.6", "-n", "300", "--seed", "3",
                    "-o", os.path.join(TMP, "s.h5")], check=True)
    csv = os.path.join(TMP, "s.csv")
    builtin = float(subprocess.run([CLI, "estimate", "gaussian", csv, "2", "2"],
                                   capture_output=True, text=True, check=True).stdout)
    p = subprocess.Popen([sys.executable, "-m", "mibench.worker", "np_est:chatty"], cwd=TMP,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    req = {"file": csv, "format": "csv", "dx": 2, "dy": 2, "n": 300, "seed": 7}
    answers = []
    for r in (req, "not json", dict(req, format="h5", file=os.path.join(TMP, "s.h5")),
              dict(req, file=os.path.join(TMP, "missing.csv")), dict(req, dx=1), req):
        p.stdin.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
        p.stdin.flush()
        answers.append(p.stdout.readline())   # flushed before the next request is sent
    p.stdin.close()
    rc = p.wait(timeout=60)
    rest = p.stdout.read()
    err = p.stderr.read()
    p.stdout.close()
    p.stderr.close()
    try:
        a = [json.loads(line) for line in answers]
    except ValueError as e:
        check("every answer is one JSON line", False, "%s: %r" % (e, answers))
        return
    check("answer 1 is the built-in gaussian's estimate (%r)" % a[0],
          abs(a[0].get("mi", 1e9) - builtin) <= 1e-12, "mibench says %r" % builtin)
    check("a line that is not JSON is answered with an error: %r" % a[1].get("error"),
          "bad request" in a[1].get("error", ""))
    check("format=h5 refused, naming h5py: %r" % a[2].get("error"),
          "h5py" in a[2].get("error", "") or "mi" in a[2])
    check("a missing file: %r" % a[3].get("error"),
          a[3].get("error", "").startswith("FileNotFoundError: "))
    check("dx + dy not the file's columns: %r" % a[4].get("error"),
          "4 columns" in a[4].get("error", ""))
    check("the worker goes on after errors", a[5] == a[0], a[5])
    check("prints of the user's code go to stderr, not stdout",
          rest == "" and "noise on stdout" in err and "more noise on fd 1" in err,
          "stdout rest %r, stderr %r" % (rest, err[-200:]))
    check("the worker exits 0 at EOF", rc == 0, "exit %d: %s" % (rc, err[-300:]))

    # bmi's protocol, by a path to the module file
    p = subprocess.run([sys.executable, "-m", "mibench.worker", "--bmi",
                        os.path.join(TMP, "np_est.py") + ":gaussian_mi", csv, "2", "2"],
                       capture_output=True, text=True, cwd="/")
    check("--bmi path/to/np_est.py:gaussian_mi prints one number (%s)" % p.stdout.strip(),
          p.returncode == 0 and len(p.stdout.splitlines()) == 1 and
          abs(float(p.stdout) - builtin) <= 1e-12, p.stderr)
    p = subprocess.run([sys.executable, "-m", "mibench.worker", "--bmi", "np_est:boom", csv,
                        "2", "2"], capture_output=True, text=True, cwd=TMP)
    first = (p.stderr.splitlines() or [""])[0]
    check("--bmi with a raising function exits 1, stderr starts %r" % first,
          p.returncode == 1 and first == "RuntimeError: estimator exploded at n=300"
          and p.stdout == "", p.stdout)
    p = subprocess.run([sys.executable, "-m", "mibench.worker", "np_est"],
                       capture_output=True, text=True, cwd=TMP)
    check("a target without :FUNCTION is a usage error (exit 2)",
          p.returncode == 2 and "MODULE:FUNCTION" in p.stderr, p.stderr)


def test_sweep_equals_builtin():
    reset_starts()
    out = os.path.join(TMP, "eq.h5")
    run_ok("sweep", "run", "--gen", "gaussian:dim=2,rho=0.6", "--gen", "student:nu=3,rho=0.5",
           "--est", "gaussian", "--est", "npw:protocol=worker", "--est", "npb",
           "--n", "100,400", "--seeds", "5", "--threads", "2", "--quiet",
           "--external", "npw=%s np_est:gaussian_mi" % WORKER,
           "--external", "npb=%s --bmi np_est:gaussian_mi" % WORKER, "-o", out)
    r = mibench.load(out)
    trials = r["trials"]
    ref = by_key(trials, "gaussian")
    check("the built-in gaussian ran 20 trials, all ok",
          len(ref) == 20 and all(t["status_name"] == "ok" for t in ref.values()))
    for name, proto in (("npw", "worker"), ("npb", "bmi")):
        mine = by_key(trials, name)
        specs = sorted({t["estimator"] for t in mine.values()})
        check("%s is stored as %s" % (name, specs),
              specs == ["%s:protocol=%s,format=csv,timeout=3600" % (name, proto)])
        bad = [(k, t["status_name"], t["message"]) for k, t in mine.items()
               if t["status_name"] != "ok"]
        check("%s (protocol=%s): 20 trials, all ok" % (name, proto),
              len(mine) == 20 and not bad, bad[:3])
        worst = max((abs(t["estimate"] - ref[k]["estimate"]) for k, t in mine.items()
                     if k in ref), default=np.inf)
        same = sorted(mine) == sorted(ref) and \
            all(t["seed"] == ref[k]["seed"] for k, t in mine.items())
        check("%s equals the built-in gaussian on every trial to 1e-9 (max |diff| %.3g)" %
              (name, worst), same and worst <= 1e-9)
    n = starts()
    check("module imports: 2 workers at most + 20 bmi runs (%d)" % n, 21 <= n <= 22)


def test_failures():
    reset_starts()
    out = os.path.join(TMP, "fail.h5")
    p = run_ok("failing estimators", "run", "--gen", "gaussian", "--n", "100", "--seeds", "4",
               "--threads", "1", "--est", "gaussian",
               "--est", "boom:protocol=worker", "--est", "boomb",
               "--est", "inf:protocol=worker", "--est", "h5:protocol=worker,format=h5",
               "--est", "nomod:protocol=worker",
               "--external", "boom=%s np_est:boom" % WORKER,
               "--external", "boomb=%s --bmi np_est:boom" % WORKER,
               "--external", "inf=%s np_est:infinite" % WORKER,
               "--external", "h5=%s np_est:gaussian_mi" % WORKER,
               "--external", "nomod=%s no_such_module:f" % WORKER, "-o", out)
    check("the run reports its 20 failed trials", "20 failed" in p.stderr, p.stderr.strip())
    trials = mibench.load(out)["trials"]
    check("every trial is recorded (24)", len(trials) == 24, len(trials))
    check("the built-in gaussian trials are ok",
          all(t["status_name"] == "ok" for t in by_key(trials, "gaussian").values()))
    expect = {"boom": "worker 'boom': RuntimeError: estimator exploded at n=100",
              "boomb": "RuntimeError: estimator exploded at n=100",
              "inf": "infinite returned inf, not a finite number",
              "h5": "h5py",
              "nomod": "ModuleNotFoundError: No module named 'no_such_module'"}
    if "h5py" in sys.modules or subprocess.run(
            [sys.executable, "-c", "import h5py"], capture_output=True).returncode == 0:
        del expect["h5"]   # h5py present: format=h5 works
    for name, needle in expect.items():
        ts = list(by_key(trials, name).values())
        msgs = sorted({t["message"] for t in ts})
        check("%s: 4 failed trials (external), message %s" % (name, msgs),
              len(ts) == 4 and all(t["status_name"] == "external" for t in ts) and
              all(needle in m for m in msgs), "expected %r" % needle)
    # one start per worker (boom, inf, h5: they survive their errors), one per bmi run
    n = starts()
    check("the module was imported 3 (workers) + 4 (bmi runs) times (%d)" % n, n == 7)


def test_one_start_per_thread():
    reset_starts()
    out = os.path.join(TMP, "starts.h5")
    run_ok("250 worker trials", "run", "--gen", "gaussian:rho=0.3|0.8", "--n", "100",
           "--seeds", "125", "--threads", "2", "--quiet", "--est", "npw:protocol=worker",
           "--external", "npw=%s np_est:gaussian_mi" % WORKER, "-o", out)
    trials = mibench.load(out)["trials"]
    ok = sum(t["status_name"] == "ok" for t in trials)
    check("250 trials ok (%d)" % ok, len(trials) == 250 and ok == 250)
    n = starts()
    check("the worker started once per thread: %d starts for 250 trials, 2 threads" % n,
          n == 2)


def test_readme():
    """The README section's commands, with python3 on PATH finding the build tree."""
    proj = os.path.join(TMP, "proj")
    bindir = os.path.join(TMP, "bin")
    os.makedirs(proj)
    os.makedirs(bindir)
    with open(os.path.join(bindir, "python3"), "w") as f:
        f.write("#!/bin/sh\nPYTHONPATH=%s exec %s \"$@\"\n" % (PYPATH, sys.executable))
    os.chmod(os.path.join(bindir, "python3"), 0o755)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    env.pop("PYTHONPATH", None)
    with open(os.path.join(proj, "my_estimators.py"), "w") as f:
        f.write(README_EST)
    sweep = ["run", "--gen", "gaussian:rho=0.5|0.9", "--gen", "gaussian:rho=0.5,transform=cubic",
             "--est", "gaussian", "--est", "ksg1", "--est", "mygauss:protocol=worker",
             "--n", "100,1000", "--seeds", "10",
             "--external", "mygauss=python3 -m mibench.worker my_estimators:gaussian_mi"]
    run_ok("README sweep", *sweep, "-o", "mygauss.h5", cwd=proj, env=env)
    r = mibench.load(os.path.join(proj, "mygauss.h5"))
    mine = by_key(r["trials"], "mygauss")
    gauss = by_key(r["trials"], "gaussian")
    check("README sweep: 60 trials of mygauss, all ok, equal to gaussian",
          len(mine) == 60 and all(t["status_name"] == "ok" for t in mine.values()) and
          all(abs(t["estimate"] - gauss[k]["estimate"]) <= 1e-9 for k, t in mine.items()))
    if shutil.which("gnuplot"):
        p = run_ok("README plot", "plot", "mygauss.h5", cwd=proj, env=env)
        check("README plot: mygauss/index.html", os.path.isfile(os.path.join(proj, "mygauss",
                                                                        "index.html")),
              p.stdout)
    else:
        print("skip: no gnuplot for mibench plot")
    os.makedirs(os.path.join(proj, "ci"))
    shutil.copy(os.path.join(proj, "mygauss.h5"), os.path.join(proj, "ci", "baseline.h5"))
    # CI: the same sweep as a study file with an [external] section, against the baseline
    with open(os.path.join(proj, "ci", "study.ini"), "w") as f:
        f.write(README_STUDY)
    run_ok("README CI run", "run", "ci/study.ini", "-o", "current.h5", cwd=proj, env=env)
    p = run_ok("README CI check", "check", "ci/baseline.h5", "current.h5", "--strict",
               cwd=proj, env=env)
    check("README CI check: the study file reproduces the sweep (18 cells, 0 regressions)",
          "18 cells compared: 0 regressions" in p.stdout, p.stdout[-300:])
    # a change to the estimator (a bias of 0.05 nats) fails the check
    with open(os.path.join(proj, "my_estimators.py"), "a") as f:
        f.write("\n\n_exact = gaussian_mi\ngaussian_mi = lambda x, y, seed: "
                "_exact(x, y, seed) + 0.05\n")
    run_ok("README CI rerun", "run", "ci/study.ini", "-o", "current.h5", "--force", cwd=proj,
           env=env)
    p = cli("check", "ci/baseline.h5", "current.h5", "--strict", cwd=proj, env=env)
    check("README CI check: a biased estimator fails it (exit %d)" % p.returncode,
          p.returncode == 1 and "REGRESSION" in p.stdout, p.stdout[-300:] + p.stderr)


def main():
    with open(os.path.join(TMP, "np_est.py"), "w") as f:
        f.write(NP_EST)
    try:
        for t in (test_protocol_direct, test_sweep_equals_builtin, test_failures,
                  test_one_start_per_thread, test_readme):
            try:
                t()
            except Exception as e:   # a broken step fails, the others still run
                import traceback
                traceback.print_exc()
                check("%s ran to the end" % t.__name__, False, "%s: %s" % (type(e).__name__, e))
    finally:
        if not FAILS:
            shutil.rmtree(TMP, ignore_errors=True)
    print("%d failed" % len(FAILS) if FAILS else "all passed")
    if FAILS:
        print("kept %s" % TMP)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
