"""mibench.worker - benchmark a Python function as a mibench external estimator.

One function ``f(x, y, seed) -> float`` serves both of mibench's external
protocols (README, "External estimators")::

    python3 -m mibench.worker MODULE:FUNCTION                      # protocol=worker
    python3 -m mibench.worker --bmi MODULE:FUNCTION FILE DIMX DIMY   # protocol=bmi

``x`` is an ``(n, dx)`` float64 array, ``y`` an ``(n, dy)`` one, ``seed`` the
trial's seed (an int in [0, 2**63 - 1]; use it for any randomness, so that a
trial is reproducible). The function returns the MI estimate in nats, a
finite number. A function of ``(x, y)`` only is accepted too.

``MODULE`` is a module name importable from the current directory or
``sys.path`` (``my_estimators``, ``pkg.estimators``), or the path of a file
(``path/to/file.py``; its folder is put on ``sys.path``). ``FUNCTION`` may
be dotted (``Class.method``). The module is imported once per process.

protocol=worker
    mibench starts the command once per thread and writes one JSON request
    per line, ``{"file": PATH, "format": "csv", "dx": 2, "dy": 2, "n": 5000,
    "seed": 123}``. Each is answered by one line, ``{"mi": x}``, or
    ``{"error": "ExceptionType: message"}`` when the function raises (or
    returns something that is not a finite number); the worker then goes on
    with the next request. Answers are flushed one by one; the worker exits
    0 at the end of its input.
protocol=bmi
    ``--bmi`` runs the function once on FILE (bmi's CSV: header
    ``X0..,Y0..``) and prints the estimate alone on stdout; the seed is
    ``$MIBENCH_SEED`` (0 when unset). A failure prints
    ``ExceptionType: message`` as the first line of stderr and exits 1.
    Every trial then pays for starting Python, NumPy and the module.

Samples files are CSV (read with ``numpy.loadtxt``). ``format=h5`` is
answered with an error unless h5py is installed (Debian's default Python has
no h5py): declare the estimator with ``format=csv``, the default.

Anything the function (or the module, as it is imported) prints goes to
stderr, so it never corrupts the answers on stdout.

Examples
--------
A module ``my_estimators.py`` in the current directory::

    import numpy as np

    def gaussian_mi(x, y, seed):
        c = np.atleast_2d(np.cov(np.hstack([x, y]), rowvar=False))
        dx = x.shape[1]
        ld = lambda m: np.linalg.slogdet(m)[1]
        return 0.5 * (ld(c[:dx, :dx]) + ld(c[dx:, dx:]) - ld(c))

and a study file using it through the worker protocol::

    [external]
    mygauss = python3 -m mibench.worker my_estimators:gaussian_mi
    [estimators]
    est = mygauss:protocol=worker

or on the command line::

    mibench run --gen gaussian --est gaussian --est mygauss:protocol=worker \\
        --n 100,1000 --external 'mygauss=python3 -m mibench.worker my_estimators:gaussian_mi' \\
        -o mygauss.h5

When mibench is not installed (only built), the command must find this
package: ``env PYTHONPATH=build/python python3 -m mibench.worker ...``.
The same function by bmi's protocol: ``--external 'mygaussb=python3 -m
mibench.worker --bmi my_estimators:gaussian_mi'`` and ``--est
mygaussb:protocol=bmi``.

From Python, :func:`serve` runs the worker loop for a function object and
:func:`estimate_file` is the bmi call.
"""

import importlib
import importlib.util
import inspect
import json
import math
import numbers
import os
import sys
import traceback

import numpy as np

__all__ = ["serve", "estimate_file", "read_samples", "load_function", "main"]

USAGE = ("usage: python3 -m mibench.worker MODULE:FUNCTION\n"
         "       python3 -m mibench.worker --bmi MODULE:FUNCTION FILE DIMX DIMY\n"
         "Serves mibench's worker protocol (JSON lines on stdin/stdout) or runs bmi's\n"
         "protocol once, for a Python function f(x, y, seed) -> float (MI in nats).\n"
         "MODULE is a module name (importable from the current directory) or a path\n"
         "to a .py file. See: python3 -c 'import mibench.worker; "
         "help(mibench.worker)'\n")

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


class _Refused(Exception):
    """A request the worker cannot serve; its message is the whole answer."""


def _one_line(text):
    return " ".join(str(text).split())


def _describe(exc):
    """'ExceptionType: message' on one line."""
    msg = _one_line(exc)
    name = type(exc).__name__
    return "%s: %s" % (name, msg) if msg else name


def load_function(target):
    """The callable named by ``"MODULE:FUNCTION"`` (or ``"path/file.py:FUNCTION"``).

    The current directory is put on ``sys.path`` first, so modules beside the
    caller import without installing them. Raises ImportError,
    AttributeError or TypeError with a message naming what is wrong.
    """
    modname, sep, attr = target.rpartition(":")
    if not sep or not modname or not attr:
        raise ValueError("'%s' is not MODULE:FUNCTION (e.g. my_estimators:gaussian_mi)"
                         % target)
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)
    if modname.endswith(".py") or os.sep in modname:
        path = os.path.abspath(modname)
        if not os.path.isfile(path):
            raise ImportError("no such file: '%s'" % modname)
        folder = os.path.dirname(path)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        name = os.path.splitext(os.path.basename(path))[0]
        if name in sys.modules or not name.isidentifier():
            name = "_mibench_user_%s" % abs(hash(path))
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    else:
        module = importlib.import_module(modname)
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise AttributeError("module '%s' has no attribute '%s'" % (modname, attr)) \
                from None
    if not callable(obj):
        raise TypeError("'%s' in module '%s' is a %s, not a function"
                        % (attr, modname, type(obj).__name__))
    return obj


def _adapter(func):
    """func as g(x, y, seed): functions of (x, y) only get no seed."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):   # builtins without a signature: assume (x, y, seed)
        return func
    try:
        sig.bind(0, 0, 0)
        return func
    except TypeError:
        pass
    try:
        sig.bind(0, 0)
    except TypeError:
        raise TypeError("%s%s takes neither (x, y, seed) nor (x, y)"
                        % (getattr(func, "__name__", "the function"), sig)) from None
    def without_seed(x, y, seed):
        return func(x, y)
    without_seed.__name__ = getattr(func, "__name__", "the estimator")
    return without_seed


def read_samples(path, fmt=None, dx=None, dy=None, n=None):
    """Read a samples file mibench wrote: ``(x, y)`` float64 arrays.

    Parameters
    ----------
    path : str
        CSV with a header line (``X0,..,X{dx-1},Y0,..,Y{dy-1}``), or HDF5
        with datasets ``/x`` and ``/y`` (needs h5py).
    fmt : {"csv", "h5", None}
        The file's format; None: HDF5 when the file starts with HDF5's
        signature, else CSV.
    dx, dy : int or None
        Columns of X and Y. For CSV, None counts the header's X and Y
        columns. Given values are checked against the file.
    n : int or None
        Rows expected (checked when given).
    """
    if fmt is None:
        with open(path, "rb") as f:
            fmt = "h5" if f.read(8) == _HDF5_MAGIC else "csv"
    if fmt == "h5":
        try:
            import h5py
        except ImportError:
            raise _Refused("format=h5 needs h5py, which is not installed for %s; declare the "
                           "estimator with format=csv (the default)" % sys.executable) from None
        with h5py.File(path, "r") as f:
            x = np.asarray(f["x"], dtype=np.float64)
            y = np.asarray(f["y"], dtype=np.float64)
        x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)
    elif fmt == "csv":
        with open(path) as f:
            header = [h.strip() for h in f.readline().strip().split(",")]
        if dx is None or dy is None:
            ndx = sum(1 for h in header if h[:1] in "Xx")
            dx = ndx if dx is None else dx
            dy = len(header) - dx if dy is None else dy
        if len(header) != dx + dy:
            raise ValueError("'%s' has %d columns, not dx + dy = %d + %d"
                             % (path, len(header), dx, dy))
        data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, dtype=np.float64)
        if data.shape[1] != dx + dy:
            raise ValueError("'%s' has rows of %d values, not dx + dy = %d"
                             % (path, data.shape[1], dx + dy))
        x, y = data[:, :dx], data[:, dx:]
    else:
        raise _Refused("format '%s' is not known (csv or h5)" % fmt)
    if (dx is not None and x.shape[1] != dx) or (dy is not None and y.shape[1] != dy):
        raise ValueError("'%s' has dx=%d, dy=%d, not %s, %s"
                         % (path, x.shape[1], y.shape[1], dx, dy))
    if n is not None and x.shape[0] != n:
        raise ValueError("'%s' has %d rows, not n = %d" % (path, x.shape[0], n))
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def _finite(value, func):
    """value as a finite float, or TypeError/ValueError naming what it is."""
    name = getattr(func, "__name__", "the estimator")
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise TypeError("%s returned %r, not a number" % (name, value))
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise TypeError("%s returned an array of shape %s, not a number"
                            % (name, value.shape))
        value = value.reshape(())[()]
    if not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError("%s returned a %s, not a number" % (name, type(value).__name__))
    v = float(value)
    if not math.isfinite(v):
        raise ValueError("%s returned %r, not a finite number" % (name, v))
    return v


def _private_stdout():
    """A text stream on the real stdout; fd 1 and sys.stdout go to stderr, so
    whatever the user's code prints cannot corrupt the answers."""
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", errors="replace")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def _answer(out, obj):
    out.write(json.dumps(obj) + "\n")
    out.flush()


def _request(line):
    """(x, y, seed) for one request line."""
    try:
        req = json.loads(line)
    except ValueError as e:
        raise _Refused("bad request %.60r: %s" % (line.strip(), _one_line(e))) from None
    if not isinstance(req, dict) or not isinstance(req.get("file"), str):
        raise _Refused("bad request %.60r: not a JSON object with a \"file\"" % line.strip())
    x, y = read_samples(req["file"], req.get("format", "csv"), req.get("dx"), req.get("dy"),
                        req.get("n"))
    return x, y, int(req.get("seed", 0))


def serve(func, stdin=None, stdout=None):
    """Answer mibench's worker requests with func until stdin ends.

    Parameters
    ----------
    func : callable or str
        ``f(x, y, seed) -> float`` (or ``f(x, y)``), or ``"MODULE:FUNCTION"``.
        When the string cannot be imported, every request is answered with
        the import error (mibench records failed trials with that message).
    stdin, stdout : text streams or None
        Default: the process's; stdout is then moved off fd 1 (see the
        module's docstring).

    Returns
    -------
    int
        0 (the exit status) when stdin ends.
    """
    stdin = stdin or sys.stdin
    out = stdout or _private_stdout()
    fail = None
    if isinstance(func, str):
        try:
            func = load_function(func)
        except Exception as e:
            fail = "cannot load '%s': %s" % (func, _describe(e))
            print("mibench.worker: " + fail, file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            sys.stderr.flush()
    if fail is None:
        try:
            func = _adapter(func)
        except TypeError as e:
            fail = _describe(e)
            print("mibench.worker: " + fail, file=sys.stderr, flush=True)
    try:
        while True:
            line = stdin.readline()
            if not line:
                return 0
            if not line.strip():
                continue
            if fail is not None:
                _answer(out, {"error": fail})
                continue
            try:
                x, y, seed = _request(line)
            except Exception as e:   # the request or its file: no traceback
                _answer(out, {"error": _one_line(e) if isinstance(e, _Refused)
                              else _describe(e)})
                continue
            try:
                value = func(x, y, seed)
            except Exception as e:   # the user's function: its traceback goes to stderr
                traceback.print_exc(file=sys.stderr)
                sys.stderr.flush()
                _answer(out, {"error": _describe(e)})
                continue
            try:
                _answer(out, {"mi": _finite(value, func)})
            except (TypeError, ValueError) as e:
                _answer(out, {"error": _describe(e)})
    except BrokenPipeError:   # mibench went away
        return 0
    except KeyboardInterrupt:
        return 130


def estimate_file(func, path, dx, dy, seed=None):
    """bmi's call: func on the samples in path (DIMX = dx, DIMY = dy columns).

    seed None: ``$MIBENCH_SEED``, else 0. Returns the finite estimate;
    raises what func raises (or TypeError/ValueError for a result that is
    not a finite number).
    """
    if isinstance(func, str):
        func = load_function(func)
    func = _adapter(func)
    if seed is None:
        seed = int(os.environ.get("MIBENCH_SEED", "0") or 0)
    x, y = read_samples(path, None, dx, dy)
    return _finite(func(x, y, seed), func)


def _bmi(target, path, dimx, dimy):
    try:
        dx, dy = int(dimx), int(dimy)
        if dx < 1 or dy < 1:
            raise ValueError
    except ValueError:
        sys.stderr.write("mibench.worker: DIMX and DIMY must be integers >= 1, got '%s' '%s'\n"
                         % (dimx, dimy) + USAGE)
        return 2
    out = _private_stdout()
    try:
        mi = estimate_file(target, path, dx, dy)
    except Exception as e:
        if isinstance(e, _Refused):
            sys.stderr.write(_one_line(e) + "\n")
        else:
            sys.stderr.write(_describe(e) + "\n")
            traceback.print_exc(file=sys.stderr)
        return 1
    out.write(repr(mi) + "\n")
    out.flush()
    return 0


def main(argv=None):
    """The command line; returns the exit status (0 ok, 1 failure, 2 usage)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(USAGE)
        return 0
    if len(args) == 5 and args[0] == "--bmi" and ":" in args[1]:
        return _bmi(*args[1:])
    if len(args) == 1 and not args[0].startswith("-") and ":" in args[0]:
        return serve(args[0])
    sys.stderr.write("mibench.worker: expected MODULE:FUNCTION, or --bmi MODULE:FUNCTION FILE "
                     "DIMX DIMY; got %s\n" % (" ".join(args) or "no arguments") + USAGE)
    return 2


if __name__ == "__main__":
    sys.exit(main())
