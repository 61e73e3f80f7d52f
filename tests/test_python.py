"""test_python.py - the Python module (python/mibench) against the CLI.

Every number the module gives is compared with what `mibench` prints for the
same request, to the last digit (17 significant digits) or bit for bit:
truths, samples (written with `mibench sample --seed`), estimates (`mibench
estimate --json`), sweeps (`mibench run`, results read back with
mibench.load), and the registries (`mibench list`). Bad input must raise
mibench.Error with the library's message; a library whose struct layout
differs from the module's mirror must be refused.

Environment (set by tests/meson.build): MIBENCH (the CLI), MIBENCH_LIBRARY
(the shared library), PYTHONPATH (the build tree's copy of the package).
Prints one line per check; exits 1 on any failure, 77 (skip) without NumPy.
"""

import ctypes
import doctest
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings

try:
    import numpy as np
except ImportError:
    print("skip: NumPy is not installed for %s" % sys.executable)
    sys.exit(77)

import mibench
from mibench import _lib

CLI = os.environ["MIBENCH"]
SRC = os.environ["SRC"]
TMP = tempfile.mkdtemp(prefix="mib_py_")
FAILS = []
CHECKS = [0]


def check(what, ok, detail=""):
    CHECKS[0] += 1
    if ok:
        print("ok: %s" % what)
    else:
        FAILS.append(what)
        print("FAIL: %s%s" % (what, ": " + detail if detail else ""))


def cli(*args, ok=True):
    p = subprocess.run([CLI] + [str(a) for a in args], capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise RuntimeError("mibench %s exited %d: %s" % (" ".join(map(str, args)),
                                                         p.returncode, p.stderr.strip()))
    return p


def g17(v):
    return "%.17g" % v


def raises(fn, *args, **kw):
    """The mibench.Error fn raises, or None."""
    try:
        fn(*args, **kw)
    except mibench.Error as e:
        return e
    except Exception as e:   # any other exception is a failure of the check
        return e
    return None


def expect_error(what, fn, args, status_name, needle, kw=None):
    e = raises(fn, *args, **(kw or {}))
    good = isinstance(e, mibench.Error) and e.status_name == status_name and needle in str(e)
    check("%s raises mibench.Error (%s): %s" % (what, status_name, e), good,
          "got %r" % (e,))
    return e


def read_csv(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    xs = [i for i, h in enumerate(header) if h.startswith("x")]
    ys = [i for i, h in enumerate(header) if h.startswith("y")]
    return data[:, xs], data[:, ys]


def env_without(*names):
    env = dict(os.environ)
    for n in names:
        env.pop(n, None)
    return env


def test_loading():
    lib = os.environ["MIBENCH_LIBRARY"]
    check("the module loaded $MIBENCH_LIBRARY (%s)" % lib, mibench.library == lib)
    check("mibench.__version__ is the library's (%s)" % mibench.__version__,
          cli("--version").stdout.split()[1] == mibench.__version__)
    # The build tree's copy finds the build tree's library by itself (_paths.py).
    p = subprocess.run([sys.executable, "-c", "import mibench; print(mibench.library)"],
                       capture_output=True, text=True, env=env_without("MIBENCH_LIBRARY"))
    found = p.stdout.strip()
    check("without MIBENCH_LIBRARY the build-tree package finds %s" % found,
          p.returncode == 0 and os.path.realpath(found) == os.path.realpath(lib), p.stderr)
    # A missing library and a library that is not libmibench are refused clearly.
    for target, needle in (("/nonexistent/libmibench.so.0", "cannot load libmibench"),
                           (find_libm(), "has no symbol mib_")):
        if not target:
            continue
        p = subprocess.run([sys.executable, "-c",
                            "import mibench\n"],
                           capture_output=True, text=True,
                           env=dict(os.environ, MIBENCH_LIBRARY=target))
        last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
        check("MIBENCH_LIBRARY=%s refused: %s" % (target, last),
              p.returncode != 0 and last.startswith("mibench.LoadError") and needle in last,
              p.stderr[-400:])
    # A mirror that differs from the library's layout is refused at load.

    class mib_result(ctypes.Structure):   # flags widened to 64 bits
        _fields_ = [("mi", ctypes.c_double), ("flags", ctypes.c_uint64),
                    ("steps", ctypes.c_long)]

    class mib_err(ctypes.Structure):      # a field the library does not have
        _fields_ = [("msg", ctypes.c_char * 320), ("code", ctypes.c_int)]

    class mib_trial_row(ctypes.Structure):   # an array element that lost its tail
        _array_ = True
        _fields_ = _lib.mib_trial_row._fields_[:-1]

    for cls, needle in ((mib_result, "mib_result.flags is at offset 8, size 4 in the library "
                                     "but 8, 8 in the module"),
                        (mib_err, "mib_err.code is unknown to the library"),
                        (mib_trial_row, "sizeof(mib_trial_row) is")):
        e = raises(_lib.check_layouts, mibench._LIB, [cls], "libmibench")
        check("a wrong mirror of %s is refused: %s" % (cls.__name__, e),
              isinstance(e, mibench.Error) and isinstance(e, ImportError) and needle in str(e))
    e = raises(_lib.check_layouts, mibench._LIB, _lib.STRUCTS, "libmibench")
    check("every mirrored struct matches the library (%d structs)" % len(_lib.STRUCTS),
          e is None, str(e))


def test_truth():
    v = mibench.truth("gaussian:rho=0.75")
    check("truth(gaussian:rho=0.75) = %.6f = 0.41334 (bmi) to 1e-5" % v,
          abs(v - 0.41334) < 1e-5)
    for spec in ["gaussian:rho=0.75", "gaussian:dim=20,mi=2", "student", "student:nu=3,dim=2",
                 "uniform-noise:eps=0.3", "uniform-noise:eps=2", "square:sigma=0.5",
                 "square:dist=uniform,sigma=0.1", "bsc:eps=0.2", "ksc:symbols=5",
                 "gaussian:rho=0.5,transform=cubic"]:
        mine, theirs = g17(mibench.truth(spec)), cli("truth", spec).stdout.strip()
        check("truth(%s) = %s = mibench truth" % (spec, mine), mine == theirs, theirs)
    for spec in ["gaussian:rho=0.75", "mixture:task=ai"]:  # exact (SE 0), Monte Carlo
        mi, se = mibench.truth(spec, se=True)
        mine, theirs = g17(mi) + " " + g17(se), cli("truth", spec, "--se").stdout.strip()
        check("truth(%s, se=True) = %s = mibench truth --se" % (spec, mine), mine == theirs,
              theirs)


def test_sample():
    cases = [("gaussian:rho=0.75", 500, 12345), ("gaussian:dim=3,rho=0.3,transform=cubic", 300, 0),
             ("student:nu=2,dim=2", 200, 7), ("bsc:eps=0.1", 400, 99),
             ("square:sigma=0.2", 250, 2**64 - 1), ("uniform-noise", 100, 1),
             ("chain:rho_xy=0.8,view=xz", 120, 3)]
    for spec, n, seed in cases:
        path = os.path.join(TMP, "s.csv")
        cli("sample", spec, "-n", n, "--seed", seed, "-o", path)
        cx, cy = read_csv(path)
        x, y = mibench.sample(spec, n, seed=seed)
        same = x.shape == cx.shape and y.shape == cy.shape and \
            x.tobytes() == np.ascontiguousarray(cx).tobytes() and \
            y.tobytes() == np.ascontiguousarray(cy).tobytes()
        check("sample(%s, %d, seed=%d) = mibench sample, bit for bit (x %s, y %s)" %
              (spec, n, seed, x.shape, y.shape), same)
    path = os.path.join(TMP, "s0.csv")
    cli("sample", "gaussian", "-n", 50, "-o", path)
    cx, _ = read_csv(path)
    check("sample's default seed is the CLI's (1, as run's)",
          mibench.sample("gaussian", 50)[0].tobytes() == np.ascontiguousarray(cx).tobytes() and
          np.array_equal(mibench.sample("gaussian", 50, seed=1)[0], cx))
    a, b = mibench.sample("gaussian", 50, seed=1)[0], mibench.sample("gaussian", 50, seed=2)[0]
    check("different seeds give different samples", not np.array_equal(a, b))
    vxy, vxz = (mibench.sample("chain:rho_xy=0.8,view=" + v, 60, seed=3) for v in ("xy", "xz"))
    check("the views of a chain are one draw (the same X)", np.array_equal(vxy[0], vxz[0]) and
          not np.array_equal(vxy[1], vxz[1]))


def cli_estimate(spec, path):
    p = cli("estimate", spec, path, "--json")
    return json.loads(p.stdout, parse_float=str)


def test_estimate():
    gpath = os.path.join(TMP, "g.csv")
    cli("sample", "gaussian:dim=2,rho=0.6", "-n", 800, "--seed", 5, "-o", gpath)
    x, y = mibench.sample("gaussian:dim=2,rho=0.6", 800, seed=5)
    bpath = os.path.join(TMP, "b.csv")
    cli("sample", "ksc:symbols=3,eps=0.2", "-n", 600, "--seed", 8, "-o", bpath)
    bx, by = mibench.sample("ksc:symbols=3,eps=0.2", 600, seed=8)
    cases = [("ksg1", gpath, x, y), ("gaussian", gpath, x, y), ("ksg1:k=5", gpath, x, y),
             ("ksg2:k=1", gpath, x, y), ("copula", gpath, x, y),
             ("histogram:bins=fd,binning=quantile", gpath, x, y), ("kde", gpath, x, y),
             ("ksg1:jitter=0,standardize=0", gpath, x, y),
             ("plugin:correction=mm", bpath, bx, by)]
    for spec, path, xs, ys in cases:
        j = cli_estimate(spec, path)
        d = mibench.estimate(xs, ys, spec, details=True)
        check("estimate(%s) = %s = mibench estimate --json" % (spec, g17(d["mi"])),
              g17(d["mi"]) == j["estimate"], j["estimate"])
        check("estimate(%s) details: spec %s, flags %s, n/dx/dy as the CLI" %
              (spec, d["spec"], d["flags"]),
              d["spec"] == j["estimator"] and d["flags"] == j["flags"] and
              (d["n"], d["dx"], d["dy"]) == (j["n"], j["dx"], j["dy"]) and d["seconds"] > 0,
              "%r vs %r" % (d, j))
    v = mibench.estimate(x, y, "ksg1")
    check("estimate() defaults to ksg1 and returns a float",
          isinstance(v, float) and v == mibench.estimate(x, y))
    x1, y1 = mibench.sample("gaussian:rho=0.6", 300, seed=3)
    check("1-D arrays are one column each",
          mibench.estimate(x1[:, 0], y1[:, 0]) == mibench.estimate(x1, y1))
    check("lists, Fortran-ordered and strided arrays give the same bits",
          mibench.estimate(x1[:, 0].tolist(), list(y1[:, 0])) == mibench.estimate(x1, y1) and
          mibench.estimate(np.asfortranarray(x), y) == mibench.estimate(x, y) and
          mibench.estimate(np.repeat(x, 2, axis=0)[::2], y) == mibench.estimate(x, y))
    check("float32 and integer input are converted to float64",
          mibench.estimate(bx.astype(np.int32), by.astype(np.float32), "plugin") ==
          mibench.estimate(bx, by, "plugin"))
    check("threads=1 and threads=2 give the same bits (ksg1)",
          mibench.estimate(x, y, threads=1) == mibench.estimate(x, y, threads=2))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = np.repeat(np.arange(50.0), 2)
        d = mibench.estimate(t, t[::-1].copy(), "ksg1:jitter=0", details=True)
    check("duplicate points without jitter warn (RuntimeWarning) and flag 'ties'",
          "ties" in d["flags"] and any(issubclass(i.category, RuntimeWarning) for i in w))


def test_conditional():
    """sample() of a generator with Z and estimate(z=) against the CLI."""
    spec = "cgaussian:rho_xy=0.6,rho_xz=0.4,rho_yz=-0.3"
    path, hpath = os.path.join(TMP, "c.csv"), os.path.join(TMP, "c.h5")
    cli("sample", spec, "-n", 1500, "--seed", 11, "-o", path)
    cli("sample", spec, "-n", 1500, "--seed", 11, "-o", hpath)
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    out = mibench.sample(spec, 1500, seed=11)
    check("sample(cgaussian) returns (x, y, z) = mibench sample's x0, y0, z0, bit for bit",
          header == ["x0", "y0", "z0"] and len(out) == 3 and
          all(a.tobytes() == np.ascontiguousarray(data[:, [i]]).tobytes()
              for i, a in enumerate(out)))
    x, y, z = out
    check("truth(cgaussian) = mibench truth",
          g17(mibench.truth(spec)) == cli("truth", spec).stdout.strip())
    zi = np.floor(2 * z)   # integer columns for the plug-in
    ipath = os.path.join(TMP, "ci.csv")
    np.savetxt(ipath, np.hstack([np.floor(2 * x), np.floor(2 * y), zi]), delimiter=",",
               fmt="%d", header="x0,y0,z0", comments="")
    for est in ("ksg1", "ksg2", "ksg1:k=5", "gaussian", "copula", "plugin", "plugin:correction=mm"):
        discrete = est.startswith("plugin")
        j = cli_estimate(est, ipath if discrete else path)
        xs, ys, zs = (np.floor(2 * x), np.floor(2 * y), zi) if discrete else (x, y, z)
        d = mibench.estimate(xs, ys, est, z=zs, details=True)
        check("estimate(%s, z=) = %s = mibench estimate --json (z0 by default)" %
              (est, g17(d["mi"])), g17(d["mi"]) == j["estimate"] and j["dz"] == 1 and
              j["z_columns"] == ["z0"] and d["dz"] == 1, "%s vs %s" % (g17(d["mi"]), j))
    h = json.loads(cli("estimate", "ksg1", hpath, "--json").stdout, parse_float=str)
    check("estimate(z=) = mibench estimate on HDF5 /z",
          g17(mibench.estimate(x, y, "ksg1", z=z)) == h["estimate"])
    check("estimate without z is I(X;Y), and unchanged",
          mibench.estimate(x, y, "gaussian") == mibench.estimate(x, y, "gaussian", z=None) and
          "dz" not in mibench.estimate(x, y, "gaussian", details=True))
    check("estimators(): conditional is True for exactly ksg1, ksg2, gaussian, copula, plugin, "
          "mixed-ksg", sorted(k for k, v in mibench.estimators().items() if v["conditional"]) ==
          ["copula", "gaussian", "ksg1", "ksg2", "mixed-ksg", "plugin"])
    expect_error("estimate(kde, z=)", mibench.estimate, (x, y, "kde"), "unsupported",
                 "kde does not estimate conditional MI; use plugin, ksg1, ksg2, gaussian, "
                 "copula or mixed-ksg", {"z": z})
    expect_error("estimate(z= with other rows)", mibench.estimate, (x, y, "ksg1"), "invalid",
                 "x has 1500 rows but z has 10", {"z": z[:10]})
    bad = z.copy()
    bad[3, 0] = np.nan
    expect_error("estimate(z= with NaN)", mibench.estimate, (x, y, "ksg1"), "bad-data",
                 "z has a non-finite value (nan) at row 3, z0", {"z": bad})


def test_permutations():
    """estimate(permutations=K) against mibench estimate --permutations K --json."""
    path = os.path.join(TMP, "p.csv")
    spec = "cgaussian:rho_xy=0.3,rho_xz=0.6,rho_yz=0.5"   # I(X;Y|Z) = 0
    cli("sample", spec, "-n", 400, "--seed", 2, "-o", path)
    x, y, z = mibench.sample(spec, 400, seed=2)
    for est, zs, args, scheme in (("gaussian", None, ["--x", "x0", "--y", "y0"], "plain"),
                                  ("ksg1", z, [], "local"),
                                  ("gaussian", np.floor(z), None, "strata")):
        d = mibench.estimate(x, y, est, z=zs, permutations=29, perm_seed=3)
        if args is not None:
            j = json.loads(cli("estimate", est, path, *args, "--permutations", 29,
                               "--perm-seed", 3, "--json").stdout, parse_float=str)
            check("estimate(%s, permutations=29) = mibench estimate --permutations 29 "
                  "(p %s, null %s +- %s)" % (est, d["p_value"], d["null_mean"], d["null_sd"]),
                  all(g17(d[k]) == j[k] for k in ("p_value", "null_mean", "null_sd")) and
                  g17(d["mi"]) == j["estimate"] and j["permutations"] == 29 and
                  j["perm_scheme"] == scheme, "%r vs %r" % (d, j))
        check("estimate(%s, permutations=) returns the details dict with p_value, "
              "null_mean, null_sd, scheme %s" % (est, scheme),
              isinstance(d, dict) and d["perm_scheme"] == scheme and
              d["permutations"] == 29 and d["perm_seed"] == 3 and
              d["p_value"] == (1 + d["exceed"]) / 30 and d["null_sd"] > 0 and
              d["mi"] == mibench.estimate(x, y, est, z=zs), repr(d))
    a = mibench.estimate(x, y, "ksg1", z=z, permutations=19, threads=1)
    b = mibench.estimate(x, y, "ksg1", z=z, permutations=19, threads=2)
    c = mibench.estimate(x, y, "ksg1", z=z, permutations=19, perm_seed=2)
    check("permutations: the same numbers for 1 and 2 threads, other nulls for another seed",
          all(a[k] == b[k] for k in ("p_value", "null_mean", "null_sd")) and
          a["null_mean"] != c["null_mean"] and a["perm_seed"] == 1)
    expect_error("estimate(permutations=0)", mibench.estimate, (x, y), "invalid",
                 "permutations must be an integer >= 1, got 0", {"permutations": 0})
    expect_error("estimate(permutations=2.5)", mibench.estimate, (x, y), "invalid",
                 "permutations must be an integer", {"permutations": 2.5})
    expect_error("estimate(perm_seed=-1)", mibench.estimate, (x, y), "invalid",
                 "perm_seed must be an integer", {"permutations": 9, "perm_seed": -1})
    expect_error("estimate(kde, z=, permutations=)", mibench.estimate, (x, y, "kde"),
                 "unsupported", "kde does not estimate conditional MI",
                 {"z": z, "permutations": 9})


def test_confidence_interval():
    """estimate(ci=LEVEL) against mibench estimate --ci LEVEL --json."""
    path = os.path.join(TMP, "ci.csv")
    cli("sample", "cgaussian", "-n", 500, "--seed", 3, "-o", path)
    x, y, z = mibench.sample("cgaussian", 500, seed=3)
    keys = ("ci_level", "ci_lower", "ci_upper", "ci_sd", "ci_trend")
    for est, zs, args, kw in (("ksg1", None, ["--x", "x0", "--y", "y0"], {}),
                              ("gaussian", z, [], {}),
                              ("ksg2", z, ["--permutations", 9], {"permutations": 9})):
        d = mibench.estimate(x, y, est, z=zs, ci=0.9, ci_seed=5, **kw)
        j = json.loads(cli("estimate", est, path, *args, "--ci", 0.9, "--ci-seed", 5,
                           "--json").stdout, parse_float=str)
        check("estimate(%s, ci=0.9) = mibench estimate --ci 0.9 ([%s, %s], sd %s)" %
              (est, d["ci_lower"], d["ci_upper"], d["ci_sd"]),
              all(g17(d[k]) == j[k] for k in keys) and g17(d["mi"]) == j["estimate"] and
              d["ci_smallest"] == int(j["ci_smallest"]) == 50 and d["ci_seed"] == 5 and
              ("p_value" in d) == bool(kw) and (not kw or g17(d["p_value"]) == j["p_value"]),
              "%r vs %r" % (d, j))
    a = mibench.estimate(x, y, "ksg1", z=z, ci=0.95, threads=1)
    b = mibench.estimate(x, y, "ksg1", z=z, ci=0.95, threads=2)
    c = mibench.estimate(x, y, "ksg1", z=z, ci=0.95, ci_seed=2)
    check("ci: the same interval for 1 and 2 threads, another for another seed",
          all(a[k] == b[k] for k in ("ci_lower", "ci_upper", "ci_sd", "ci_trend")) and
          a["ci_sd"] != c["ci_sd"] and a["ci_seed"] == 1 and
          a["ci_lower"] < a["mi"] == mibench.estimate(x, y, "ksg1", z=z) < a["ci_upper"])
    for bad in (0, 1, 95, "0.9", True, float("nan")):
        expect_error("estimate(ci=%r)" % (bad,), mibench.estimate, (x, y), "invalid",
                     "ci must be a level in (0, 1) such as 0.95, got", {"ci": bad})
    expect_error("estimate(ci_seed=-1)", mibench.estimate, (x, y), "invalid",
                 "ci_seed must be an integer", {"ci": 0.9, "ci_seed": -1})
    expect_error("estimate(ci=, 19 rows)", mibench.estimate, (x[:19], y[:19]), "too-small",
                 "need at least 20 rows", {"ci": 0.9})
    expect_error("estimate(ksg1:k=5, ci=, 55 rows)", mibench.estimate,
                 (x[:55], y[:55], "ksg1:k=5"), "too-small",
                 "subset 1 of 10 (5 rows; N = 55 split 10 ways)", {"ci": 0.9})


def test_entropy():
    gpath = os.path.join(TMP, "e.csv")
    cli("sample", "gaussian:dim=2,rho=0.6", "-n", 3000, "--seed", 4, "-o", gpath)
    x, _ = mibench.sample("gaussian:dim=2,rho=0.6", 3000, seed=4)
    bpath = os.path.join(TMP, "eb.csv")
    cli("sample", "ksc:symbols=3,eps=0.2", "-n", 600, "--seed", 8, "-o", bpath)
    bx, _ = mibench.sample("ksc:symbols=3,eps=0.2", 600, seed=8)
    for method, path, xs, extra in (("kl", gpath, x, ["--k", 5]), ("kl-euclid", gpath, x, []),
                                    ("gaussian", gpath, x, []), ("plugin", bpath, bx, []),
                                    ("plugin-mm", bpath, bx, [])):
        kw = {"k": 5} if extra else {}
        h = mibench.entropy(xs, method, **kw)
        j = json.loads(cli("entropy", method, path, "--cols", "x0,x1" if xs is x else "x0",
                           "--json", *extra).stdout, parse_float=str)
        check("entropy(%s) = %s = mibench entropy --json" % (method, g17(h)),
              g17(h) == j["entropy"], j)
    # N(0, I_2) block of the binormal sample: H = ln(2 pi e); SE about 0.015 at n = 3000
    want = math.log(2 * math.pi * math.e)
    h = mibench.entropy(x, "gaussian")
    check("entropy(gaussian) of 2-D N(0, I) = %.4f, ln(2 pi e) = %.4f within 0.06" % (h, want),
          abs(h - want) < 0.06)
    expect_error("entropy with an unknown method", mibench.entropy, (x, "renyi"), "invalid",
                 "unknown entropy method")
    expect_error("entropy with n <= k", mibench.entropy, (x[:3], "kl"), "too-small", "k=3")
    expect_error("plug-in entropy of non-integers", mibench.entropy, (x, "plugin"), "bad-data",
                 "integer")


def test_select():
    """select() against mibench select --json on the same table: informative
    (f1 strongly, f2 weakly), redundant (copy = f1 + noise), noise, an
    integer column (g = [f2 > 0]), a constant; y continuous, then a class."""
    r = np.random.default_rng(7)
    f1, f2, e, c, n1 = r.normal(size=(5, 1200))
    y = f1 + 0.4 * f2 + 0.3 * e
    X = np.column_stack([f1, n1, f2, f1 + 0.1 * c, np.full(1200, 3.0), (f2 > 0) * 1.0])
    names = ["f1", "n1", "f2", "copy", "const", "g"]
    cls = (y > -0.5) * 1.0 + (y > 0.5)
    for target, yy in (("y", y), ("class", cls)):
        path = os.path.join(TMP, "sel_%s.csv" % target)
        with open(path, "w") as f:
            f.write(",".join(names + [target]) + "\n")
            for row in np.column_stack([X, yy]):
                f.write(",".join("%.17g" % v for v in row) + "\n")
        for method, extra in (("mi", []), ("mrmr", []), ("jmi", ["--k", 3]),
                              ("mrmr", ["--est", "ksg2:k=4"])):
            j = json.loads(cli("select", path, "--target", target, "--method", method,
                               "--json", *extra).stdout, parse_float=str)
            want = [{k: v for k, v in p.items() if k != "units"} for p in j if "rank" in p]
            kw = {"k": 3} if "--k" in extra else {}
            if "--est" in extra:
                kw["spec"] = extra[1]
            got = mibench.select(X, yy, method, names=names, threads=2, **kw)
            got = [{k: g17(v) if isinstance(v, float) else v for k, v in p.items()}
                   for p in got]
            check("select(%s, %s%s) = mibench select --json: %s" % (
                target, method, " " + " ".join(map(str, extra)) if extra else "",
                [p["column"] for p in got]), got == want, "%s vs %s" % (got, want))
    picks = mibench.select(X, y, "mrmr")
    check("select(mrmr): f1 first, f2 before the redundant copy, const left out, columns "
          "by index: %s" % [p["column"] for p in picks],
          picks[0]["column"] == 0 and [p["column"] for p in picks].index(2) <
          [p["column"] for p in picks].index(3) and 4 not in [p["column"] for p in picks])
    check("select(): the same result for 1 and 2 threads",
          mibench.select(X, y, "jmi", threads=1) == mibench.select(X, y, "jmi", threads=2))
    expect_error("select with an unknown method", mibench.select, (X, y, "lasso"), "invalid",
                 "unknown method 'lasso'")
    expect_error("select with names of the wrong length", mibench.select, (X, y),
                 "invalid", "names has 2 entries but X has 6 columns", {"names": ["a", "b"]})
    expect_error("select with a 2-column y", mibench.select, (X, X[:, :2]), "invalid",
                 "y must be one column")
    expect_error("select with a constant y", mibench.select, (X, np.ones(1200)), "bad-data",
                 "the target column 'y' is constant")
    expect_error("select with plugin on real columns", mibench.select, (X, y),
                 "bad-data", "I(f1; y) with plugin:correction=none: x has a non-integer value",
                 {"spec": "plugin", "names": names})


def test_errors():
    x, y = mibench.sample("gaussian", 100, seed=1)
    bad = x.copy()
    bad[17, 0] = np.nan
    expect_error("NaN in x", mibench.estimate, (bad, y), "bad-data",
                 "non-finite value (nan) at row 17, x0")
    expect_error("inf in y", mibench.estimate, (x, np.where(y > 1, np.inf, y)), "bad-data",
                 "inf")
    expect_error("a ragged list", mibench.estimate, ([[1.0, 2.0], [3.0]], [1.0, 2.0]),
                 "invalid", "x must be a 1-D or 2-D array")
    expect_error("strings", mibench.estimate, (["a", "b", "c"], [1, 2, 3]), "invalid", "x must be")
    expect_error("a 3-D array", mibench.estimate, (np.zeros((4, 2, 2)), np.zeros(4)), "invalid",
                 "shape (4, 2, 2)")
    expect_error("mismatched lengths", mibench.estimate, (x, y[:-1]), "invalid",
                 "x has 100 rows but y has 99")
    expect_error("a constant column", mibench.estimate, (np.ones(100), y), "bad-data",
                 "constant")
    expect_error("non-integer data for plugin", mibench.estimate, (x, y, "plugin"), "bad-data",
                 "integer")
    for spec, args, status in (("nope", (x, y), "bad-spec"),
                               ("ksg1:k=0", (x, y), "bad-spec"),
                               ("ksg1:k=3", (x[:3], y[:3]), "too-small")):
        e = raises(mibench.estimate, *args, spec)
        path = os.path.join(TMP, "e.csv")
        np.savetxt(path, np.hstack([args[0], args[1]]), delimiter=",", fmt="%.17g")
        p = cli("estimate", spec, path, ok=False)
        want = p.stderr.strip().replace("mibench estimate: ", "", 1)
        check("estimate(spec=%r) raises mibench.Error (%s) with the CLI's message: %s" %
              (spec, status, e), isinstance(e, mibench.Error) and e.status_name == status and
              str(e) == want and e.status is not None, "CLI said %r" % want)
    expect_error("n <= k", mibench.estimate, (x[:5], y[:5], "ksg1:k=5"), "too-small",
                 "KSG needs n > k")
    expect_error("a spec that is not a string", mibench.estimate, (x, y, 3), "invalid",
                 "spec must be a string")
    expect_error("threads=0", mibench.estimate, (x, y), "invalid", "threads", {"threads": 0})
    expect_error("an unknown generator", mibench.truth, ("gaussien",), "bad-spec",
                 "gaussien")
    expect_error("a generator parameter out of range", mibench.truth, ("gaussian:rho=1",),
                 "bad-spec", "rho")
    expect_error("an estimator spec given as a generator", mibench.sample, ("ksg1", 10),
                 "bad-spec", "ksg1")
    expect_error("n=0 samples", mibench.sample, ("gaussian", 0), "invalid",
                 "n must be an integer >= 1, got 0")
    expect_error("a negative seed", mibench.sample, ("gaussian", 10), "invalid", "seed",
                 {"seed": -1})
    expect_error("loading a missing file", mibench.load, (os.path.join(TMP, "none.h5"),),
                 "io", "none.h5")
    junk = os.path.join(TMP, "junk.h5")
    with open(junk, "w") as f:
        f.write("not hdf5\n")
    e = raises(mibench.load, junk)
    check("loading a file that is not a results file raises mibench.Error: %s" % e,
          isinstance(e, mibench.Error) and e.status_name in ("io", "bad-format"))


def names_match(r):
    """generator_name / estimator_name equal the specs' text before ':'."""
    return all(len(r[t]) and all(row["%s_name" % side] == row[side].split(":")[0]
                                 for row in r[t] for side in ("generator", "estimator"))
               for t in ("cells", "trials", "summary"))


def summary_matches(r):
    """Each summary row's count and mean from its trials, summed in replicate order."""
    for s in r["summary"]:
        t = r["trials"][(r["trials"]["cell"] == s["cell"]) & (r["trials"]["status"] == 0)]
        t = t[np.argsort(t["replicate"], kind="stable")]
        total = 0.0
        for v in t["estimate"]:
            total += float(v)
        if s["count"] != len(t) or s["mean"] != total / len(t) or \
                s["bias"] != s["mean"] - s["true_mi"]:
            return False
    return True


def test_run_and_load():
    study = {"name": "pytiny", "seed": 3, "replicates": 3, "n": [200, 300],
             "generators": ["gaussian:rho=0.5"], "estimators": ["ksg1", "gaussian"]}
    out = os.path.join(TMP, "py.h5")
    rep = mibench.run(study, out, threads=2)
    check("run(dict) reports 4 cells, 12 trials, 12 ran, 0 failed: %s" % rep,
          (rep["cells"], rep["trials"], rep["ran"], rep["failed"]) == (4, 12, 12, 0))
    r = mibench.load(out)
    check("load: 4 cells, 12 trials, 4 summary rows, no curves",
          (len(r["cells"]), len(r["trials"]), len(r["summary"]), len(r["curves"])) ==
          (4, 12, 4, 0))
    check("load: generator_name and estimator_name are the specs' type names",
          names_match(r))
    old = mibench.load(os.path.join(SRC, "results", "baselines", "quick.h5"))
    check("load of a file written before the name columns fills them from the specs",
          names_match(old))
    check("load: strings are decoded str (%r, %r)" % (r["trials"]["generator"][0],
                                                     r["trials"]["status_name"][0]),
          r["trials"].dtype["generator"].kind == "U" and
          r["trials"]["generator"][0] == "gaussian:dim=1,rho=0.5,transform=none" and
          set(r["trials"]["status_name"]) == {"ok"} and
          set(r["summary"]["estimator"]) == {"ksg1:k=3,standardize=1,jitter=1e-10", "gaussian"})
    check("load: attrs study_name, master_seed, external_commands",
          {k: r["attrs"][k] for k in ("study_name", "master_seed", "external_commands")} ==
          {"study_name": "pytiny", "master_seed": 3, "external_commands": ""})
    check("load: each summary mean = the mean of its trials' estimates (replicate order)",
          summary_matches(r))
    # The same study through the CLI, one thread: the same estimates, bit for bit.
    ini = os.path.join(TMP, "tiny.ini")
    with open(ini, "w") as f:
        f.write("[study]\nname = pytiny\nseed = 3\nreplicates = 3\nn = 200, 300\n"
                "[generators]\ngen = gaussian:rho=0.5\n[estimators]\nest = ksg1\n"
                "est = gaussian\n")
    cout = os.path.join(TMP, "cli.h5")
    cli("run", ini, "-o", cout, "--threads", 1, "--quiet")
    c = mibench.load(cout)

    def keyed(rr):
        return {(int(t["cell"]), int(t["replicate"])): (t["seed"], g17(t["estimate"]))
                for t in rr["trials"]}
    check("run(dict, threads=2) = mibench run STUDY --threads 1, every trial bit for bit",
          keyed(r) == keyed(c) and len(keyed(c)) == 12)
    check("load of a CLI results file: summary = mean of trials", summary_matches(c))
    e = raises(mibench.run, study, out)
    check("run onto an existing file raises mibench.Error (exists): %s" % e,
          isinstance(e, mibench.Error) and e.status_name == "exists" and "resume=True" in str(e))
    rep = mibench.run(ini, out, resume=True)
    check("run(path, resume=True) keeps all 12 trials and runs none: %s" % rep,
          (rep["kept"], rep["ran"]) == (12, 0))
    text = open(ini).read()
    rep = mibench.run(text, out, force=True, threads=1)
    check("run(text, force=True) reruns all 12 trials", rep["ran"] == 12 and
          keyed(mibench.load(out)) == keyed(c))
    expect_error("resume and force together", mibench.run, (study, out), "invalid",
                 "contradict", {"resume": True, "force": True})
    bad = dict(study, estimators=["ksg1", "ksg1:k=0"])
    expect_error("a bad spec in a study dict", mibench.run, (bad, os.path.join(TMP, "b.h5")),
                 "bad-spec", "study ['estimators'][1]: ")
    expect_error("an unknown study dict key", mibench.run,
                 (dict(study, gens=["x"]), os.path.join(TMP, "b.h5")), "invalid", "'gens'")
    expect_error("a study dict without estimators", mibench.run,
                 ({"n": [100], "generators": ["gaussian"]}, os.path.join(TMP, "b.h5")),
                 "invalid", "no estimator")
    expect_error("a missing study file", mibench.run, (os.path.join(TMP, "no.ini"),
                                                       os.path.join(TMP, "b.h5")), "io", "no.ini")
    check("failed runs wrote nothing", not os.path.exists(os.path.join(TMP, "b.h5")))


INTERRUPTED = r"""
import sys, time, mibench
x, y = mibench.sample("gaussian:dim=2", 2000, seed=1)
print("started", flush=True)
t = time.time()
try:
    if sys.argv[1] == "estimate":
        mibench.estimate(x, y, "infonce:steps=1000000,patience=1000000", threads=1)
    elif sys.argv[1] == "permutations":   # a million KSG estimates: stopped between them
        mibench.estimate(x, y, "ksg1", permutations=1000000, threads=2)
    elif sys.argv[1] == "ci":             # stopped inside the training on all rows
        mibench.estimate(x, y, "infonce:steps=1000000,patience=1000000", ci=0.95, threads=2)
    else:
        mibench.run({"n": [2000], "replicates": 4, "generators": ["gaussian"],
                     "estimators": ["infonce:steps=1000000,patience=1000000"]}, sys.argv[2],
                    threads=2)
    print("not interrupted")
except KeyboardInterrupt as e:
    print("KeyboardInterrupt after %.1f s: %s" % (time.time() - t, e))
"""


def test_interrupt():
    """Ctrl-C (SIGINT) during a training estimate, a permutation test, a
    confidence interval and a sweep: the library's stop request ends them
    cleanly with KeyboardInterrupt."""
    out = os.path.join(TMP, "int.h5")
    for what in ("estimate", "permutations", "ci", "run"):
        p = subprocess.Popen([sys.executable, "-c", INTERRUPTED, what, out],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        p.stdout.readline()
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        try:
            stdout, stderr = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            stdout, stderr = p.communicate()
        check("SIGINT during %s: %s" % (what, stdout.strip()),
              p.returncode == 0 and stdout.startswith("KeyboardInterrupt after"),
              stderr[-300:])
    check("the interrupted run left a readable results file (no trial recorded)",
          mibench.load(out)["trials"].size == 0)


def listed(kind):
    """{name: [param names]} in order, from `mibench list KIND`."""
    out, cur = {}, None
    for line in cli("list", kind).stdout.splitlines()[1:]:
        if line.startswith("      "):
            out[cur].append(line.split()[0])
        elif line.startswith("  "):
            cur = line.split()[0]
            out[cur] = []
    return out


def test_registries():
    for kind, fn in (("estimators", mibench.estimators), ("generators", mibench.generators)):
        want, got = listed(kind), fn()
        check("%s() lists every name `mibench list %s` prints, in order (%d)" %
              (kind, kind, len(want)), list(got) == list(want), "%s vs %s" % (list(got),
                                                                             list(want)))
        check("%s(): every parameter table equals `mibench list`'s" % kind,
              all([p["name"] for p in got[k]["params"]] == want[k] for k in want))
    e, g = mibench.estimators(), mibench.generators()
    k = e["ksg1"]["params"][0]
    check("estimators(): ksg1's k is an int parameter, default 3: %s" % k,
          (k["name"], k["kind"], k["default"]) == ("k", "int", "3") and k["min"] >= 1 and
          "integer" in k["allowed"] and k["help"])
    check("estimators(): plugin is discrete, ksg1 is not",
          e["plugin"]["discrete"] and not e["ksg1"]["discrete"])
    t = {p["name"]: p for p in g["gaussian"]["params"]}
    check("generators(): gaussian's transform choices and rho/mi exclusion",
          "cubic" in t["transform"]["choices"] and t["mi"]["default"] is None and
          "rho" in (t["mi"]["excludes"] or "") + (t["rho"]["excludes"] or ""))
    check("every summary is a non-empty str",
          all(isinstance(v["summary"], str) and v["summary"] for v in list(e.values()) +
              list(g.values())))


def test_doctests():
    res = doctest.testmod(mibench, extraglobs={"mibench": mibench, "np": np},
                          optionflags=doctest.ELLIPSIS)
    check("the docstring examples run (%d examples, %d failed)" % (res.attempted, res.failed),
          res.failed == 0 and res.attempted >= 10)


def find_libm():
    for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib"):
        p = os.path.join(d, "libm.so.6")
        if os.path.exists(p):
            return p
    return None



def main():
    for t in (test_loading, test_truth, test_sample, test_estimate, test_conditional,
              test_permutations, test_confidence_interval, test_entropy, test_select, test_errors,
              test_run_and_load, test_interrupt, test_registries, test_doctests):
        try:
            t()
        except Exception as e:   # a crash in one group fails it, the others still run
            import traceback
            traceback.print_exc()
            check("%s ran to the end" % t.__name__, False, repr(e))
    shutil.rmtree(TMP, ignore_errors=True)
    print("%d of %d checks passed" % (CHECKS[0] - len(FAILS), CHECKS[0]))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
