"""mibench - benchmarks of mutual-information estimators, from Python.

Pure Python over the shared library libmibench (ctypes and NumPy, no
compiled extension): the same generators, estimators, sweeps and results
files as the ``mibench`` command, with the same numbers to the last digit.
MI is in nats.

    >>> import mibench
    >>> x, y = mibench.sample("gaussian:rho=0.75", 2000, seed=1)
    >>> round(mibench.truth("gaussian:rho=0.75"), 5)
    0.41334
    >>> round(mibench.estimate(x, y, "ksg1:k=5"), 3)
    0.412

Functions: estimate, entropy, select, truth, sample, estimators, generators, run,
load.
Every failure raises mibench.Error, carrying the library's one-line message
and its status name. The library is found as described in mibench._lib
(``$MIBENCH_LIBRARY``, then the copy installed with this package, then the
build tree); ``mibench.library`` is the path loaded.
"""

import ctypes
import math
import numbers
import os
import signal
import sys
import threading
import time
import warnings
from ctypes import byref, c_double

import numpy as np

from . import _lib
from ._lib import Error

__all__ = ["Error", "estimate", "entropy", "select", "truth", "sample", "estimators", "generators",
           "run", "load"]

_LIB, library, _C = _lib.load()
__version__ = _LIB.mib_version().decode()
git_commit = _LIB.mib_git_commit().decode()

_FLAGS = [("MIB_RES_JITTER", "jitter"), ("MIB_RES_TIES", "ties"), ("MIB_RES_CAPPED", "capped"),
          ("MIB_RES_EARLYSTOP", "early_stop"), ("MIB_RES_CONSTANT", "constant")]
_KINDS = {_C["MIB_PARAM_INT"]: "int", _C["MIB_PARAM_REAL"]: "real",
          _C["MIB_PARAM_CHOICE"]: "choice", _C["MIB_PARAM_INT_OR_CHOICE"]: "int-or-choice",
          _C["MIB_PARAM_REAL_OR_CHOICE"]: "real-or-choice"}
_CANON_LEN = 512   # the buffer `mibench sample` formats the spec into for its seed


# ---- errors and argument checks ----

def _status_name(status):
    return _LIB.mib_status_name(status).decode()


def _fail(status, err=None):
    """The Error for a library status, with err's message when it has one."""
    msg = err.msg.decode("utf-8", "replace") if err is not None else ""
    return Error(msg or _LIB.mib_strerror(status).decode(), status, _status_name(status))


def _invalid(message):
    return Error(message, _C["MIB_EINVAL"], _status_name(_C["MIB_EINVAL"]))


def _text(value, what):
    if not isinstance(value, str):
        raise _invalid("%s must be a string, got %s %r" % (what, type(value).__name__, value))
    if "\0" in value:
        raise _invalid("%s must not contain a NUL character" % what)
    return value.encode("utf-8")


def _integer(value, what, lo, hi=None):
    """value as an int in [lo, hi] (hi None: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or \
            int(value) < lo or (hi is not None and int(value) > hi):
        raise _invalid("%s must be an integer %s, got %r" % (
            what, ">= %d" % lo if hi is None else "in [%d, %d]" % (lo, hi), value))
    return int(value)


def _threads(threads):
    """threads, or the CLI's default: OMP_NUM_THREADS, else every usable core."""
    if threads is not None:
        return _integer(threads, "threads", 1, 1024)
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) >= 1:
        return min(int(env), 1024)
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 1024))
    except AttributeError:
        return max(1, min(os.cpu_count() or 1, 1024))


def _path(value, what):
    try:
        return os.fsencode(value)
    except TypeError:
        raise _invalid("%s must be a path, got %s %r" % (what, type(value).__name__, value)) \
            from None


def _matrix(a, what):
    """a as a C-contiguous float64 (n, d) array; 1-D input is one column."""
    try:
        arr = np.asarray(a)
        if arr.dtype.kind not in "biuf":
            if arr.dtype.kind != "O":
                raise TypeError("its values are %s, not numbers" % arr.dtype)
            arr = arr.astype(np.float64)
        arr = np.ascontiguousarray(arr, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise _invalid("%s must be a 1-D or 2-D array of numbers (a list of equal-length "
                       "rows): %s" % (what, e)) from None
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise _invalid("%s must be a 1-D or 2-D array (n samples x d), got shape %s" %
                       (what, arr.shape))
    if arr.shape[1] == 0:
        raise _invalid("%s has no columns (shape %s)" % (what, arr.shape))
    return arr


def _doubles(arr):
    return arr.ctypes.data_as(ctypes.POINTER(ctypes.c_double))


def _blocking(fn, args, stop, watched=True):
    """Call fn(*args) with one OpenBLAS thread; returns (status, seconds in fn).

    When the call watches *stop (the library's own stop request: sweeps,
    training) it runs off the main thread, so that Ctrl-C sets *stop and the
    call ends cleanly; a second Ctrl-C stops waiting for it. Other calls run
    here (a thread costs ~0.1 ms); Python's SIGINT handler then raises
    KeyboardInterrupt when they return."""
    def timed():
        blas = getattr(_LIB, "openblas_set_num_threads", None)
        old = _LIB.openblas_get_num_threads() if blas else 0
        if blas:
            blas(1)   # as every mibench verb: estimates must not depend on it (README)
        t0 = time.perf_counter()
        try:
            return fn(*args), time.perf_counter() - t0
        finally:
            if blas:
                blas(old)

    if not watched or threading.current_thread() is not threading.main_thread():
        return timed()
    box, done = [], threading.Event()

    def work():
        # SIGINT goes to the main thread (this one's OpenMP threads inherit the mask)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            box.append(timed())
        finally:
            done.set()

    threading.Thread(target=work, name="mibench", daemon=True).start()
    # Short waits, so the interpreter runs its SIGINT handler between them. (An
    # Event, not Thread.join: an interrupted join can leave is_alive() wrong.)
    try:
        while not done.wait(0.05):
            pass
    except KeyboardInterrupt:
        stop.value = int(signal.SIGINT)
        while not done.wait(0.05):
            pass
    return box[0]


# ---- specs and generators ----

def _parse(parse, spec, what):
    s, err = _lib.new(_lib.mib_spec), _lib.new(_lib.mib_err)
    st = parse(_text(spec, what), byref(s), byref(err))
    if st:
        raise _fail(st, err)
    return s


def _canonical(s, fmt=None):
    """The canonical text of spec s (fmt: mib_spec_format_draw for the draw's)."""
    buf = ctypes.create_string_buffer(_CANON_LEN)
    if (fmt or _LIB.mib_spec_format)(byref(s), buf, len(buf)):
        raise _invalid("the canonical spec is longer than %d characters" % (_CANON_LEN - 1))
    return buf.value.decode()


class _Generator:
    """A generator instance for the length of a with-block."""

    def __init__(self, spec):
        self.spec = _parse(_LIB.mib_generator_spec_parse, spec, "spec")
        self.ptr = ctypes.POINTER(_lib.mib_generator)()
        err = _lib.new(_lib.mib_err)
        st = _LIB.mib_generator_alloc(byref(self.spec), byref(self.ptr), byref(err))
        if st:
            raise _fail(st, err)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _LIB.mib_generator_free(self.ptr)
        self.ptr = None


def truth(spec, se=False):
    """True mutual information of a generator, in nats.

    Parameters
    ----------
    spec : str
        Generator spec ``NAME[:key=value,...]``, e.g. ``"gaussian:rho=0.75"``
        (see :func:`generators`).
    se : bool, default False
        Also return the truth's standard error: 0 for exact truths, the
        Monte-Carlo SE for truths that are Monte-Carlo means (``mixture``,
        ``multinormal`` with ``inliers``), as ``mibench truth SPEC --se``.

    Returns
    -------
    float, or (float, float) when se is True
        The true MI in nats, as ``mibench truth SPEC`` prints it, and its SE.

    Raises
    ------
    Error
        Unknown name or parameter (status ``bad-spec``), or a generator whose
        truth is unknown or failed to compute (``no-truth``, ``numeric``).

    Examples
    --------
    >>> round(mibench.truth("gaussian:rho=0.75"), 5)       # bmi's binormal value
    0.41334
    >>> mibench.truth("gaussian:dim=20,mi=2")
    2.0
    >>> mi, se = mibench.truth("mixture:task=x", se=True)  # a Monte-Carlo truth
    >>> round(mi, 2), se < 2e-3
    (0.41, True)
    """
    with _Generator(spec) as g:
        mi, sd, err = c_double(), c_double(), _lib.new(_lib.mib_err)
        st = _LIB.mib_generator_truth(g.ptr, byref(mi), byref(err))
        if st:
            raise _fail(st, err)
        _LIB.mib_generator_truth_se(g.ptr, byref(sd))
        return (mi.value, sd.value) if se else mi.value


def sample(spec, n, seed=1):
    """Draw n samples (x, y), or (x, y, z), from a generator.

    The stream is the one ``mibench sample SPEC -n N --seed SEED`` writes:
    seeded by (seed, canonical spec without its view parameters) only, so
    the same arguments give the same numbers, bit for bit, in Python and on
    the command line, and the views of a ``chain`` draw the same rows. A
    generator with a conditioning block Z (``cgaussian``, whose truth is
    I(X;Y|Z)) returns its three blocks, as ``mibench sample`` writes columns
    x0.., y0.., z0..: ``x, y, z = sample("cgaussian", n)``, ready for
    ``estimate(x, y, spec, z=z)``. Every other generator returns ``(x, y)``.

    Parameters
    ----------
    spec : str
        Generator spec, e.g. ``"gaussian:dim=2,rho=0.5"`` (see :func:`generators`).
    n : int
        Number of samples (rows), at least 1.
    seed : int, default 1 (as `mibench sample` and `mibench run`)
        Seed of the stream, in [0, 2**64 - 1].

    Returns
    -------
    x : ndarray of shape (n, dx), float64
    y : ndarray of shape (n, dy), float64
        Discrete generators (``bsc``, ``ksc``) give integers stored as floats.
    z : ndarray of shape (n, dz), float64
        Only for a generator with a conditioning block (dz > 0).

    Examples
    --------
    >>> x, y = mibench.sample("gaussian:dim=3,rho=0.5", 1000, seed=7)
    >>> x.shape, y.shape
    ((1000, 3), (1000, 3))
    >>> x, y = mibench.sample("bsc:eps=0.1", 6, seed=3)     # discrete: 0.0 and 1.0
    >>> x.ravel(), y.ravel()
    (array([0., 0., 1., 1., 1., 1.]), array([0., 0., 1., 1., 1., 1.]))
    >>> x, y, z = mibench.sample("cgaussian:rho_xy=0.7", 1000, seed=7)
    >>> z.shape
    (1000, 1)
    """
    n = _integer(n, "n", 1)
    seed = _integer(seed, "seed", 0, 2**64 - 1)
    with _Generator(spec) as g:
        stream = _LIB.mib_rng_seed_combine(seed, _LIB.mib_rng_seed_string(
            _canonical(g.spec, _LIB.mib_spec_format_draw).encode()))
        dz = g.ptr.contents.dz
        try:
            x = np.empty((n, g.ptr.contents.dx))
            y = np.empty((n, g.ptr.contents.dy))
            z = np.empty((n, dz)) if dz else None
        except MemoryError:
            raise Error("out of memory for %d samples" % n, _C["MIB_ENOMEM"],
                        _status_name(_C["MIB_ENOMEM"])) from None
        rng = _LIB.mib_rng_alloc(stream)
        if not rng:
            raise Error("out of memory", _C["MIB_ENOMEM"], _status_name(_C["MIB_ENOMEM"]))
        try:
            st = _LIB.mib_generator_sample_z(g.ptr, rng, n, _doubles(x), _doubles(y),
                                             _doubles(z) if dz else None)
        finally:
            _LIB.gsl_rng_free(rng)
        if st:
            raise _fail(st)
        return (x, y, z) if dz else (x, y)


# ---- estimation ----

def estimate(x, y, spec="ksg1", threads=None, details=False, *, z=None, permutations=None,
             perm_seed=1, ci=None, ci_seed=1):
    """Estimate the mutual information between x and y, in nats; given z,
    the conditional mutual information I(X;Y|Z); with permutations, also
    its permutation-test p-value; with ci, also a confidence interval.

    Parameters
    ----------
    x : array_like of shape (n,) or (n, dx)
        Samples of X, one row per sample; converted to C-contiguous float64.
    y : array_like of shape (n,) or (n, dy)
        Samples of Y, the same number of rows.
    spec : str, default "ksg1"
        Estimator spec ``NAME[:key=value,...]``, e.g. ``"ksg1:k=5"``,
        ``"histogram:bins=fd"``, ``"infonce:critic=separable"``
        (see :func:`estimators`).
    threads : int or None, default None
        Threads the estimator may use; None: ``OMP_NUM_THREADS`` or every
        core, as ``mibench estimate``. The classical estimators give the same
        bits for any thread count.
    details : bool, default False
        Return a dict instead of the bare estimate.
    z : array_like of shape (n,) or (n, dz), optional (keyword only)
        The conditioning samples, the same number of rows: the estimate is
        then I(X;Y|Z), as ``mibench estimate ... --z COLS`` computes it.
        Only ``ksg1``, ``ksg2``, ``gaussian``, ``copula``, ``plugin`` and
        ``mixed-ksg`` take one; the others raise ``Error``
        (``unsupported``). None (the default): plain I(X;Y).
    permutations : int or None, default None (keyword only)
        K >= 1: a permutation test of the estimate, as ``mibench estimate
        ... --permutations K`` runs it: K more estimates with the rows of y
        shuffled (within the strata of an integer-valued z; among each row's
        5 nearest z neighbours for another z, Runge 2018), in parallel over
        ``threads``. The result is then always the dict below.
    perm_seed : int, default 1 (keyword only)
        Seed of the shuffles (``--perm-seed``); the same seed gives the same
        p-value for any thread count.
    ci : float or None, default None (keyword only)
        A level in (0, 1), e.g. 0.95: a confidence interval for the estimate,
        as ``mibench estimate ... --ci LEVEL`` computes it (Holmes & Nemenman
        2019): for m = 2..10 the rows are cut into m disjoint random subsets
        and estimated on each (54 estimates, in parallel over ``threads``);
        their spread, scaled as 1/rows, gives the sd at n, and the interval is
        mi -+ z sd. It is for the estimator's mean at n, so it misses the
        true MI more often when the bias is not small against the sd
        (README, "Confidence intervals", has the measured coverage). Needs
        n >= 20 and n/10 rows the estimator takes. The result is then always
        the dict below; with ``permutations`` too, one dict has both.
    ci_seed : int, default 1 (keyword only)
        Seed of the subsets (``--ci-seed``); the same seed gives the same
        interval for any thread count.

    Returns
    -------
    float or dict
        The raw estimate in nats (never clamped: KSG may give a small negative
        number on independent data). With ``details=True``: ``{"mi": float,
        "spec": canonical estimator spec, "flags": list of str ("jitter",
        "ties", "capped", "early_stop", "constant"), "seconds": wall time of
        the estimation, "n": int, "dx": int, "dy": int, "steps": training
        steps (neural estimators, else 0)}``, and ``"dz": int`` when z is
        given. With ``permutations``, the dict also has ``"p_value"``
        ((1 + #{null >= mi}) / (K + 1)), ``"null_mean"`` and ``"null_sd"``
        (nats, over the K null estimates), ``"permutations"`` (K),
        ``"exceed"`` (#{null >= mi}), ``"perm_seed"`` and ``"perm_scheme"``
        (``"plain"``, ``"strata"`` or ``"local"``); ``"seconds"`` is then
        the whole test's wall time. With ``ci``, it also has ``"ci_level"``,
        ``"ci_lower"``, ``"ci_upper"``, ``"ci_sd"`` (nats), ``"ci_trend"``
        (the bias check: the slope of the subsets' mean estimates against
        m, which is the bias at n when the bias falls like 1/rows),
        ``"ci_smallest"`` (rows in the smallest subsets) and ``"ci_seed"``;
        ``"seconds"`` then adds the interval's wall time.

    Raises
    ------
    Error
        Unknown estimator or parameter (``bad-spec``); ragged, non-numeric or
        mismatched arrays (``invalid``); NaN or infinite values, a constant
        column, non-integer data for ``plugin`` (``bad-data``); too few rows,
        e.g. n <= k for KSG (``too-small``).

    Warns
    -----
    RuntimeWarning
        When duplicate points were found with no jitter (flag ``ties``), as
        ``mibench estimate`` warns.

    Examples
    --------
    >>> x, y = mibench.sample("gaussian:rho=0.75", 2000, seed=1)
    >>> round(mibench.estimate(x, y, "gaussian"), 3)
    0.414
    >>> d = mibench.estimate(x, y, "ksg1:k=5", details=True)
    >>> d["spec"], d["flags"]
    ('ksg1:k=5,standardize=1,jitter=1e-10', ['jitter'])
    >>> x, y, z = mibench.sample("cgaussian", 2000, seed=1)   # I(X;Y|Z) = 0.2231
    >>> round(mibench.estimate(x, y, "gaussian", z=z), 3)
    0.213
    >>> mibench.estimate(x, y, "gaussian", permutations=99)["p_value"]   # K + 1 = 100
    0.01
    >>> d = mibench.estimate(x, y, "gaussian", z=z, ci=0.95)
    >>> round(d["ci_lower"], 3), round(d["ci_upper"], 3), round(d["ci_sd"], 4)
    (0.19, 0.237, 0.0119)
    """
    s = _parse(_LIB.mib_estimator_spec_parse, spec, "spec")
    xa, ya = _matrix(x, "x"), _matrix(y, "y")
    za = None if z is None else _matrix(z, "z")
    for name, arr in (("y", ya), ("z", za)):
        if arr is not None and xa.shape[0] != arr.shape[0]:
            raise _invalid("x has %d rows but %s has %d; give one row per sample in each" %
                           (xa.shape[0], name, arr.shape[0]))
    data = _lib.new(_lib.mib_data)
    data.n, data.dx, data.dy = xa.shape[0], xa.shape[1], ya.shape[1]
    data.x, data.y = _doubles(xa), _doubles(ya)
    if za is not None:
        data.dz, data.z = za.shape[1], _doubles(za)
    ws = _lib.new(_lib.mib_workspace)
    _LIB.mib_workspace_init(byref(ws))
    ws.threads = _threads(threads)
    stop = ctypes.c_int(0)
    ws.stop = ctypes.pointer(stop)
    if permutations is not None or ci is not None:
        level = None if ci is None else _level(ci)
        out = None if permutations is None else _permutation_test(
            data, s, _integer(permutations, "permutations", 1),
            _integer(perm_seed, "perm_seed", 0, 2**64 - 1), ws, stop, xa, ya, za)
        return out if level is None else _confidence_interval(
            data, s, level, _integer(ci_seed, "ci_seed", 0, 2**64 - 1), ws, stop,
            xa, ya, za, out)
    res, err = _lib.new(_lib.mib_result), _lib.new(_lib.mib_err)
    trains = ctypes.cast(s.info, ctypes.POINTER(_lib.mib_estimator_type)).contents.flags & \
        _C["MIB_EST_ONLINE"]   # the neural estimators watch ws.stop
    st, seconds = _blocking(_LIB.mib_estimate,
                            (byref(data), byref(s), byref(ws), byref(res), byref(err)), stop,
                            watched=bool(trains))
    _interrupted(stop)
    if st:
        raise _fail(st, err)
    if not details:
        _result_flags(res, 3)
        return res.mi
    return _details(res, s, seconds, xa, ya, za, 3)


def _result_flags(res, stacklevel):
    """The names of res's flags; warns about ties as ``mibench estimate`` does
    (stacklevel: frames from here to the caller of estimate())."""
    flags = [name for const, name in _FLAGS if res.flags & _C[const]]
    if "ties" in flags:
        warnings.warn("duplicate points with no jitter; the estimate assumes continuous data "
                      "and may be far off (flag 'ties')", RuntimeWarning,
                      stacklevel=stacklevel)
    return flags


def _details(res, s, seconds, xa, ya, za, stacklevel):
    """estimate()'s dict for the mib_result res of spec s."""
    out = {"mi": res.mi, "spec": _canonical(s), "flags": _result_flags(res, stacklevel + 1),
           "seconds": seconds, "n": int(xa.shape[0]), "dx": int(xa.shape[1]),
           "dy": int(ya.shape[1]), "steps": int(res.steps)}
    if za is not None:
        out["dz"] = int(za.shape[1])
    return out


def _interrupted(stop):
    """Raise KeyboardInterrupt when Ctrl-C set the library's stop request."""
    if stop.value:
        raise KeyboardInterrupt("mibench.estimate interrupted")


def _permutation_test(data, s, permutations, seed, ws, stop, xa, ya, za):
    """estimate(..., permutations=K): mib_permutation_test's dict (K + 1
    estimates: Ctrl-C stops it between them, and inside training ones)."""
    res, err = _lib.new(_lib.mib_permutation_result), _lib.new(_lib.mib_err)
    st, seconds = _blocking(_LIB.mib_permutation_test,
                            (byref(data), byref(s), permutations, seed, byref(ws), byref(res),
                             byref(err)), stop)
    _interrupted(stop)
    if st:
        raise _fail(st, err)
    out = _details(res.observed, s, seconds, xa, ya, za, 4)
    out.update({"p_value": res.p_value, "null_mean": res.null_mean, "null_sd": res.null_sd,
                "permutations": int(res.permutations), "exceed": int(res.exceed),
                "perm_seed": seed,
                "perm_scheme": _LIB.mib_perm_scheme_name(res.scheme).decode()})
    return out


def _level(ci):
    """ci as a level in (0, 1)."""
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real) or not 0 < ci < 1:
        raise _invalid("ci must be a level in (0, 1) such as 0.95, got %r" % (ci,))
    return float(ci)


def _confidence_interval(data, s, level, seed, ws, stop, xa, ya, za, out):
    """estimate(..., ci=LEVEL): mib_confidence_interval's fields, added to out
    (the permutation test's dict) or to a new details dict (55 estimates,
    stopped by Ctrl-C as the permutation test is)."""
    res, err = _lib.new(_lib.mib_ci_result), _lib.new(_lib.mib_err)
    st, seconds = _blocking(_LIB.mib_confidence_interval,
                            (byref(data), byref(s), level, seed, byref(ws), byref(res),
                             byref(err)), stop)
    _interrupted(stop)
    if st:
        raise _fail(st, err)
    if out is None:
        out = _details(res.observed, s, seconds, xa, ya, za, 4)
    else:
        out["seconds"] += seconds
    out.update({"ci_level": res.level, "ci_lower": res.lower, "ci_upper": res.upper,
                "ci_sd": res.sd, "ci_trend": res.trend, "ci_smallest": int(res.smallest),
                "ci_seed": seed})
    return out


_ENTROPY_METHODS = ("kl", "kl-euclid", "plugin", "plugin-mm", "gaussian")


def entropy(x, method="kl", k=3, threads=None):
    """Estimate the entropy of the samples x, in nats (``mibench entropy``).

    Parameters
    ----------
    x : array_like of shape (n,) or (n, d)
        Samples, one row per sample; converted to C-contiguous float64.
    method : str, default "kl"
        ``"kl"``: Kozachenko-Leonenko k-NN differential entropy with the
        max-norm; ``"kl-euclid"``: the same with the Euclidean norm;
        ``"plugin"``: discrete plug-in entropy of the rows as symbols
        (integer data); ``"plugin-mm"``: with the Miller-Madow correction;
        ``"gaussian"``: the entropy of a Gaussian with the sample covariance.
    k : int, default 3
        Neighbours for the k-NN methods (1 <= k < n).
    threads : int or None
        Threads for the k-NN methods (the same bits for any count).

    Raises
    ------
    Error
        Unknown method (``invalid``); NaN or infinite values, non-integers for
        the plug-in, a singular covariance (``bad-data``); n <= k
        (``too-small``).

    Examples
    --------
    >>> x, _ = mibench.sample("gaussian:rho=0", 20000, seed=1)
    >>> round(mibench.entropy(x, "gaussian"), 2)   # 1/2 ln(2 pi e) = 1.42
    1.42
    """
    if method not in _ENTROPY_METHODS:
        raise _invalid("unknown entropy method %r; use one of %s" %
                       (method, ", ".join(_ENTROPY_METHODS)))
    xa = _matrix(x, "x")
    n, d = xa.shape
    h, err = ctypes.c_double(float("nan")), _lib.new(_lib.mib_err)
    if method.startswith("kl"):
        k = _integer(k, "k", 1)
        norm = _C["MIB_NORM_EUCLID" if method == "kl-euclid" else "MIB_NORM_MAX"]
        st = _LIB.mib_entropy_kl(_doubles(xa), n, d, k, norm, _threads(threads), byref(h),
                                 byref(err))
    elif method.startswith("plugin"):
        st = _LIB.mib_entropy_plugin(_doubles(xa), n, d, int(method == "plugin-mm"), byref(h),
                                     byref(err))
    else:
        st = _LIB.mib_entropy_gaussian(_doubles(xa), n, d, byref(h), byref(err))
    if st:
        raise _fail(st, err)
    return h.value


_SELECT_METHODS = ("mi", "mrmr", "jmi")


def select(X, y, method="mi", k=None, spec=None, threads=None, names=None):
    """Rank the columns of X by their mutual information with y, as ``mibench
    select`` ranks the columns of a file (the same numbers to the last digit).

    Each greedy step picks the column of highest score, ties to the earlier
    column; constant columns are left out. S is the set already picked:

    - ``"mi"``: score = I(x_i; y), the relevance;
    - ``"mrmr"`` (Peng, Long & Ding 2005): the most relevant first, then
      I(x_i; y) - (1/|S|) sum_{j in S} I(x_i; x_j); redundancy = that mean;
    - ``"jmi"`` (Brown, Pocock, Zhao & Lujan 2012): the most relevant first,
      then sum_{j in S} I(x_i x_j; y); redundancy = I(x_i; y) minus the mean
      over S of I(x_i; y | x_j) = I(x_i x_j; y) - I(x_j; y).

    Parameters
    ----------
    X : array_like of shape (n,) or (n, F)
        The candidate features, one column each; converted to float64.
    y : array_like of shape (n,) or (n, 1)
        The target, the same number of rows.
    method : str, default "mi"
        ``"mi"``, ``"mrmr"`` or ``"jmi"``.
    k : int or None, default None
        Stop after k picks; None: rank every (non-constant) column.
    spec : str or None, default None
        One estimator spec for every pair, e.g. ``"ksg1:k=5"``. None: by the
        kind of the two sides, a column being integer-valued when every value
        is an integer: ``ksg1`` for two continuous sides, ``plugin`` for two
        integer-valued ones, ``ross`` with the integer-valued side discrete
        (class labels) otherwise; a pair x_i x_j is integer-valued when both are.
    threads : int or None, default None
        Estimates run at once, one thread each; None: ``OMP_NUM_THREADS`` or
        every core. The result is the same for any thread count.
    names : sequence of str or None, default None
        Names of X's columns, for ``"column"`` in the result and for
        messages; None: the result names columns by their index in X.

    Returns
    -------
    list of dict
        One dict per pick, in pick order, with the keys of ``mibench select
        --json``: ``"rank"`` (1, 2, ...), ``"column"`` (its name, or its
        index in X), ``"score"``, ``"relevance"``, ``"redundancy"`` (nats;
        None for the first pick and for ``"mi"``), ``"relevance_estimator"``
        (canonical spec) and, for ``"mrmr"``, ``"redundancy_estimators"``
        (for ``"jmi"``, ``"joint_estimators"``): the specs of the pair
        estimates that went into the score.

    Raises
    ------
    Error
        An unknown method, mismatched rows, names of the wrong length
        (``invalid``); a bad spec (``bad-spec``); NaN or infinite values, a
        constant y, no non-constant column in X (``bad-data``); any pair
        estimate's failure, its message prefixed with the pair and the spec.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f1, f2, e, c, noise = rng.normal(size=(5, 2000))
    >>> X = np.column_stack([noise, f1, f1 + 0.1 * c, f2])
    >>> y = f1 + 0.4 * f2 + 0.3 * e
    >>> picks = mibench.select(X, y, "mrmr", names=["noise", "f1", "copy", "f2"])
    >>> [p["column"] for p in picks]     # the copy of f1 is redundant: last
    ['f1', 'f2', 'noise', 'copy']
    >>> picks[0]["relevance_estimator"]
    'ksg1:k=3,standardize=1,jitter=1e-10'
    """
    if method not in _SELECT_METHODS:
        raise _invalid("unknown method %r; use one of %s" % (method, ", ".join(_SELECT_METHODS)))
    xa, ya = _matrix(X, "X"), _matrix(y, "y")
    n, f = xa.shape
    if ya.shape[1] != 1:
        raise _invalid("y must be one column (the target), got shape %s" % (ya.shape,))
    if ya.shape[0] != n:
        raise _invalid("X has %d rows but y has %d; give one row per sample in each" %
                       (n, ya.shape[0]))
    given = [None] * f   # the library's messages then say "column 3"
    if names is not None:
        names = list(names)
        if len(names) != f:
            raise _invalid("names has %d entries but X has %d columns" % (len(names), f))
        given = [_text(v, "names[%d]" % i) for i, v in enumerate(names)]
    labels = (ctypes.c_char_p * (f + 1))(*given, b"y")
    table = np.asfortranarray(np.hstack([xa, ya]))   # column-major, y last
    opt = _lib.new(_lib.mib_select_options)
    _LIB.mib_select_options_init(byref(opt))
    opt.method = _C["MIB_SELECT_" + method.upper()]
    opt.k = 0 if k is None else _integer(k, "k", 1)
    opt.threads = _threads(threads)
    opt.names = labels
    if spec is not None:
        s = _parse(_LIB.mib_estimator_spec_parse, spec, "spec")
        opt.spec = ctypes.pointer(s)
        canon = [_canonical(s)]
    else:
        canon = [_canonical(_parse(_LIB.mib_estimator_spec_parse,
                                   _LIB.mib_select_default_spec(i).decode(), "spec"))
                 for i in range(_C["MIB_SELECT_NSPECS"])]
    picks, count, err = (_lib.mib_select_pick * f)(), ctypes.c_size_t(), _lib.new(_lib.mib_err)
    st, _ = _blocking(_LIB.mib_select, (_doubles(table), n, f + 1, f, byref(opt), picks,
                                        byref(count), byref(err)), None, watched=False)
    if st:
        raise _fail(st, err)
    terms = {"mrmr": "redundancy_estimators", "jmi": "joint_estimators"}.get(method)
    out = []
    for r, p in enumerate(picks[:count.value]):
        d = {"rank": r + 1, "column": names[p.column] if names else int(p.column),
             "score": p.score, "relevance": p.relevance,
             "redundancy": None if math.isnan(p.redundancy) else p.redundancy,
             "relevance_estimator": canon[p.relevance_spec]}
        if terms:
            d[terms] = [c for i, c in enumerate(canon) if p.specs & (1 << i)]
        out.append(d)
    return out


# ---- the registries ----

def _params(info):
    out, p, i = [], info.params, 0
    while p and p[i].name:
        row = p[i]
        allowed = ctypes.create_string_buffer(256)
        _LIB.mib_param_describe(byref(row), allowed, len(allowed))
        choices, j = [], 0
        while row.choices and row.choices[j]:
            choices.append(row.choices[j].decode())
            j += 1
        kind = _KINDS.get(row.kind, "unknown")
        numeric = kind != "choice"
        integer = kind in ("int", "int-or-choice")
        bound = (lambda v: int(v) if integer and math.isfinite(v) else v)
        default = getattr(row, "def")
        out.append({"name": row.name.decode(), "kind": kind,
                    "default": default.decode() if default is not None else None,
                    "allowed": allowed.value.decode(),
                    "help": row.help.decode() if row.help else "",
                    "min": bound(row.min) if numeric else None,
                    "max": bound(row.max) if numeric else None,
                    "choices": choices,
                    "excludes": row.excludes.decode() if row.excludes else None})
        i += 1
    return out


def _registry(at, extra):
    out, i = {}, 0
    while True:
        t = at(i)
        if not t:
            return out
        info = t.contents.info
        entry = {"name": info.name.decode(), "summary": info.summary.decode(),
                 "params": _params(info)}
        entry.update(extra(t.contents))
        out[entry["name"]] = entry
        i += 1


def estimators():
    """Every built-in estimator, with its parameter table.

    Returns
    -------
    dict
        ``{name: {"name", "summary", "discrete", "mixed", "online",
        "conditional", "params"}}`` in registry order (the order of
        ``mibench list estimators``). ``discrete``: needs integer data;
        ``mixed``: one side integer, the other continuous (``ross``);
        ``online``: can train on fresh samples; ``conditional``: takes a
        conditioning block z (:func:`estimate`'s ``z=``). ``params`` is a list of ``{"name", "kind" ("int", "real",
        "choice", "int-or-choice", "real-or-choice"), "default" (spec text,
        None for an optional parameter), "allowed" (one line, as ``mibench
        list`` prints it), "help", "min", "max", "choices", "excludes"}``.

    Examples
    --------
    >>> e = mibench.estimators()
    >>> [p["name"] for p in e["ksg1"]["params"]]
    ['k', 'standardize', 'jitter']
    >>> e["plugin"]["discrete"]
    True
    """
    return _registry(_LIB.mib_estimator_at, lambda t: {
        "discrete": bool(t.flags & _C["MIB_EST_DISCRETE"]),
        "mixed": bool(t.flags & _C["MIB_EST_MIXED"]),
        "online": bool(t.flags & _C["MIB_EST_ONLINE"]),
        "conditional": bool(t.flags & _C["MIB_EST_CONDITIONAL"])})


def generators():
    """Every built-in generator, with its parameter table.

    Returns
    -------
    dict
        ``{name: {"name", "summary", "params"}}`` in registry order;
        ``params`` as in :func:`estimators`.

    Examples
    --------
    >>> g = mibench.generators()
    >>> g["gaussian"]["params"][1]["name"], g["gaussian"]["params"][1]["default"]
    ('rho', '0.5')
    """
    return _registry(_LIB.mib_generator_at, lambda t: {})


# ---- studies, runs and results files ----

_STUDY_KEYS = ("name", "seed", "replicates", "n", "generators", "estimators", "limits")


def _study_value(value, where):
    if isinstance(value, bool):
        raise _invalid("study %s must be a number or a string, got %r" % (where, value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if not isinstance(value, str):
        raise _invalid("study %s must be an integer or a string, got %s %r" %
                       (where, type(value).__name__, value))
    for ch, why in (("\n", "a line break"), ("\r", "a line break"), ("\0", "a NUL"),
                    (";", "';', which starts a comment in study files")):
        if ch in value:
            raise _invalid("study %s %r contains %s" % (where, value, why))
    return value


def _listed(value):
    return [value] if isinstance(value, (str, numbers.Number)) else list(value)


def _study_text(d):
    """A study dict as study-file text, and what each line came from."""
    unknown = [k for k in d if k not in _STUDY_KEYS]
    if unknown:
        raise _invalid("study has unknown key %r; known: %s" % (unknown[0],
                                                                ", ".join(_STUDY_KEYS)))
    lines = [("[study]", "")]
    for key in ("name", "seed", "replicates"):
        if key in d:
            lines.append(("%s = %s" % (key, _study_value(d[key], "[%r]" % key)),
                          "[%r]" % key))
    for i, v in enumerate(_listed(d.get("n", []))):
        lines.append(("n = " + _study_value(v, "['n'][%d]" % i), "['n'][%d]" % i))
    for key, word, section in (("generators", "gen", "[generators]"),
                               ("estimators", "est", "[estimators]")):
        lines.append((section, ""))
        for i, v in enumerate(_listed(d.get(key, []))):
            if not isinstance(v, str):
                raise _invalid("study [%r][%d] must be a spec string, got %r" % (key, i, v))
            lines.append(("%s = %s" % (word, _study_value(v, "[%r][%d]" % (key, i))),
                          "[%r][%d]" % (key, i)))
    limits = d.get("limits", {})
    if not hasattr(limits, "items"):
        raise _invalid("study ['limits'] must be a dict {estimator: max_n}, got %r" % (limits,))
    lines.append(("[limits]", ""))
    for name, v in limits.items():
        where = "['limits'][%r]" % (name,)
        lines.append(("%s = %s" % (_study_value(name, where), _study_value(v, where)), where))
    return "".join(text + "\n" for text, _ in lines), [where for _, where in lines]


def _load_study(study):
    """A mib_study from a path, study-file text or a dict; (study, description).
    The caller frees the study (mib_study_free); on failure it is freed here."""
    if isinstance(study, dict):
        text, where = _study_text(study)   # checked before anything is allocated
    s, err = _lib.new(_lib.mib_study), _lib.new(_lib.mib_err)
    _LIB.mib_study_init(byref(s))
    if isinstance(study, dict):
        st = _LIB.mib_study_parse(text.encode(), None, byref(s), byref(err))
        description = "<dict>"
    elif isinstance(study, str) and "\n" in study:
        st = _LIB.mib_study_parse(_text(study, "study"), b"study text", byref(s), byref(err))
        description = "<study text>"
    else:
        try:
            path = _path(study, "study (a study file path, its text or a dict)")
        except Error:
            _LIB.mib_study_free(byref(s))
            raise
        st = _LIB.mib_study_load(path, byref(s), byref(err))
        description = os.fsdecode(path)
    if not st:
        return s, description
    _LIB.mib_study_free(byref(s))
    e = _fail(st, err)
    if isinstance(study, dict):   # "LINE: message" of the generated text -> the dict's key
        line, sep, rest = e.message.partition(": ")
        if sep and line.isdigit() and 0 < int(line) <= len(where) and where[int(line) - 1]:
            e = Error("study %s: %s" % (where[int(line) - 1], rest), e.status, e.status_name)
    raise e


def run(study, out, threads=None, resume=False, force=False):
    """Run a study (every generator x estimator x n x replicate) into a results file.

    The same sweep as ``mibench run``: trials in parallel, each recorded and
    flushed as it finishes (crash-safe, resumable), results independent of the
    thread count. Failed trials are data (recorded with their status), not
    errors. Ctrl-C stops after the trials in hand and raises KeyboardInterrupt;
    continue with ``resume=True``.

    Parameters
    ----------
    study : str, os.PathLike or dict
        A study file path; or study-file text (a str with line breaks); or a
        dict with the same content::

            {"name": "tiny", "seed": 1, "replicates": 3,
             "n": [100, 1000],                 # or "100, 1000"
             "generators": ["gaussian:rho=0.5|0.9"],
             "estimators": ["ksg1", "gaussian"],
             "limits": {"kde": 3000}}          # optional, like [limits]

        ``n``, ``generators`` and ``estimators`` are required; the others
        have the study-file defaults (name "study", seed 1, 10 replicates).
    out : str or os.PathLike
        The results file (HDF5) to write.
    threads : int or None, default None
        Trials run in parallel; None: ``OMP_NUM_THREADS`` or every core.
    resume : bool, default False
        Continue an existing file of the same study, running only missing trials.
    force : bool, default False
        Overwrite an existing file.

    Returns
    -------
    dict
        ``{"output", "cells", "trials", "kept", "ran", "failed", "rebuilt", "journal_damaged",
        "seconds"}``: the run's report (trials kept from the file on resume,
        trials run now, failed trials among all recorded ones, whether a
        damaged file was rebuilt from its journal, wall time).

    Raises
    ------
    Error
        A malformed study (``bad-spec``, ``invalid``), an existing output
        without resume or force (``exists``), an output locked by another run
        (``locked``), a resume of a different study (``bad-format``), I/O
        errors (``io``).

    Examples
    --------
    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "tiny.h5")
    >>> rep = mibench.run({"n": [200], "replicates": 2, "generators": ["gaussian"],
    ...                    "estimators": ["ksg1", "gaussian"]}, out, threads=1)
    >>> rep["cells"], rep["trials"], rep["failed"]
    (2, 4, 0)
    """
    out_path = _path(out, "out")
    resume, force = bool(resume), bool(force)
    if resume and force:
        raise _invalid("resume=True and force=True contradict each other")
    s, description = _load_study(study)
    try:
        opt = _lib.new(_lib.mib_run_options)
        _LIB.mib_run_options_init(byref(opt))
        opt.output = out_path
        opt.resume, opt.force = int(resume), int(force)
        opt.threads = _threads(threads)
        opt.command_line = ("mibench.run(%s, %s) in python %s" % (
            description, os.fsdecode(out_path), " ".join(sys.argv))).encode("utf-8", "replace")
        stop = ctypes.c_int(0)
        opt.stop = ctypes.pointer(stop)
        rep, err = _lib.new(_lib.mib_run_report), _lib.new(_lib.mib_err)
        st, _ = _blocking(_LIB.mib_run, (byref(s), byref(opt), byref(rep), byref(err)), stop)
    finally:
        _LIB.mib_study_free(byref(s))
    if st == _C["MIB_EINTR"] or stop.value:
        raise KeyboardInterrupt("mibench.run stopped after %d of %d trials; finished trials are "
                                "kept in '%s'; continue with resume=True" %
                                (rep.kept + rep.ran, rep.trials, os.fsdecode(out_path)))
    if st:
        e = _fail(st, err)
        if e.status_name == "exists":
            e = Error(e.message + "; use resume=True to continue it or force=True to "
                      "overwrite it", e.status, e.status_name)
        raise e
    return {"output": os.fsdecode(out_path), "cells": rep.cells, "trials": rep.trials,
            "kept": rep.kept, "ran": rep.ran, "failed": rep.failed,
            "rebuilt": bool(rep.rebuilt), "seconds": rep.seconds,
            "journal_damaged": rep.journal_damaged}


def _rows(ptr, count, cls):
    """count rows of struct cls at ptr as a structured array, strings decoded."""
    names, formats, offsets = [], [], []
    for name, ctype in cls._fields_:
        names.append(name)
        offsets.append(getattr(cls, name).offset)
        if issubclass(ctype, ctypes.Array) and ctype._type_ is ctypes.c_char:
            formats.append("S%d" % ctype._length_)
        else:
            formats.append(np.dtype(ctype))
    raw_dtype = np.dtype({"names": names, "formats": formats, "offsets": offsets,
                          "itemsize": ctypes.sizeof(cls)})
    if count:
        raw = np.frombuffer(ctypes.string_at(ptr, count * ctypes.sizeof(cls)), raw_dtype)
    else:
        raw = np.zeros(0, raw_dtype)
    columns, fields = {}, []
    for name, fmt in zip(names, formats):
        if isinstance(fmt, str):   # fixed-length NUL-terminated text
            text = [v.split(b"\0", 1)[0].decode("utf-8", "replace") for v in raw[name]]
            width = max([len(t) for t in text] + [1])
            columns[name] = np.array(text, dtype="U%d" % width).reshape(count)
            fields.append((name, "U%d" % width))
        else:
            columns[name] = raw[name]
            fields.append((name, fmt))
    out = np.empty(count, dtype=fields)
    for name in names:
        out[name] = columns[name]
    return out


def load(path):
    """Read a results file (written by ``mibench run`` or :func:`run`).

    Parameters
    ----------
    path : str or os.PathLike
        The HDF5 results file.

    Returns
    -------
    dict
        ``"cells"``, ``"trials"``, ``"summary"``, ``"curves"``: NumPy
        structured arrays with the files' field names (README, "The results
        file"), strings decoded to ``str``; ``"attrs"``: ``{"study_name",
        "master_seed", "external_commands", "command_line"}`` (the ``NAME =
        COMMAND`` lines of the study's external estimators; the command of
        every run that wrote the file, one a line).

    Raises
    ------
    Error
        ``io`` when the file cannot be opened, ``bad-format`` when it is not a
        mibench results file.

    Examples
    --------
    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "tiny.h5")
    >>> _ = mibench.run({"n": [200], "replicates": 2, "generators": ["gaussian"],
    ...                  "estimators": ["ksg1", "gaussian"]}, out, threads=1)
    >>> r = mibench.load(out)
    >>> len(r["trials"]), list(r["summary"]["estimator"])
    (4, ['ksg1:k=3,standardize=1,jitter=1e-10', 'gaussian'])
    >>> s = r["summary"][1]                       # gaussian, n = 200
    >>> t = r["trials"][r["trials"]["cell"] == s["cell"]]
    >>> print(s["count"], round(s["mean"], 4), round(s["bias"], 4), t["status_name"])
    2 0.1422 -0.0016 ['ok' 'ok']
    """
    res, err = _lib.new(_lib.mib_results), _lib.new(_lib.mib_err)
    st = _LIB.mib_results_read(_path(path, "path"), byref(res), byref(err))
    try:
        if st:
            raise _fail(st, err)
        return {"cells": _rows(res.cells, res.ncells, _lib.mib_cell_row),
                "trials": _rows(res.trials, res.ntrials, _lib.mib_trial_row),
                "summary": _rows(res.summary, res.nsummary, _lib.mib_summary_row),
                "curves": _rows(res.curves, res.ncurves, _lib.mib_curve_row),
                "attrs": {"study_name": res.study_name.decode("utf-8", "replace"),
                          "master_seed": int(res.master_seed),
                          "external_commands":
                              res.external_commands.decode("utf-8", "replace"),
                          "command_line": res.command_line.decode("utf-8", "replace")}}
    finally:
        _LIB.mib_results_free(byref(res))
